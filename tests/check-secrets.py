#!/usr/bin/env python3
# check-secrets.py — the API key goes only into the header of the requests it authorises
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The real app (under its own Xvfb, session bus and unlocked gnome-keyring, with
# G_MESSAGES_DEBUG=all and a HOME of its own) opens a photo, is sent a prompt through its
# app.send-prompt action over D-Bus, gets an image and quits; once with the key in
# CHIARO_API_KEY, once with the key in the keyring. chiaro-cli then runs generate, generate
# --project, project show and inspect with each. Afterwards every file under that HOME (data,
# config, cache, the keyring's own folder, the projects), the CLI's outputs, everything the
# programs printed, and every request the mock recorded (method, path, query, headers, body)
# are searched for each key, as it is, percent-encoded and in base64: it must appear only as
# the x-goog-api-key header of the requests the mock received, and it must appear there.
#
#   check-secrets.py CHIARO CHIARO_CLI MOCK FIXTURES DISCOVERY SCHEMAS WORKDIR

import base64
import glob
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse

from chiaro_cli_test import KEY_VARIABLES, Mock, check, finish

APP, CLI, MOCK, FIXTURES, DISCOVERY, SCHEMAS, WORK = sys.argv[1:8]
ROOT = os.path.join(WORK, 'secrets-test')
HOME = os.path.join(ROOT, 'home')
APP_ID = 'io.github.chiaro.Chiaro'
KEY_ENV = 'AIzaSyChiaroEnvSecret-7c41e9d2b8'
KEY_RING = 'AIzaSyChiaroRingSecret-3f0a6b95e1'
PHOTOS = os.path.join(FIXTURES, 'images', 'exif-orientation')

if os.environ.get('CHIARO_SECRETS_INNER') != '1':
    # Start again inside a display, a session bus and a HOME of our own.
    shutil.rmtree(ROOT, ignore_errors=True)
    os.makedirs(os.path.join(ROOT, 'run'), mode=0o700)
    os.makedirs(HOME)
    env = dict(os.environ)
    env.update({
        'CHIARO_SECRETS_INNER': '1',
        'HOME': HOME,
        'XDG_DATA_HOME': os.path.join(HOME, '.local', 'share'),
        'XDG_CONFIG_HOME': os.path.join(HOME, '.config'),
        'XDG_CACHE_HOME': os.path.join(HOME, '.cache'),
        'XDG_STATE_HOME': os.path.join(HOME, '.local', 'state'),
        'XDG_RUNTIME_DIR': os.path.join(ROOT, 'run'),
    })
    for tool in ('xvfb-run', 'dbus-run-session', 'gnome-keyring-daemon', 'xdotool', 'gdbus',
                 'secret-tool', 'gapplication'):
        if shutil.which(tool) is None:
            print('%s is missing (build-aux/dev installs it)' % tool)
            sys.exit(1)
    result = subprocess.run(['xvfb-run', '-a', '-s', '-screen 0 1400x1000x24',
                             'dbus-run-session', '--', sys.executable, *sys.argv],
                            env=env, timeout=600)
    sys.exit(result.returncode)

LOGS = os.path.join(ROOT, 'logs')
OUT = os.path.join(ROOT, 'out')
RECORD = os.path.join(ROOT, 'mock-requests.jsonl')
os.makedirs(LOGS)
os.makedirs(OUT)

# The keyring, unlocked with a password of its own, as on a desktop.
subprocess.run(['gnome-keyring-daemon', '--unlock', '--components=secrets'],
               input=b'chiaro-secrets-test', stdout=subprocess.DEVNULL, check=True)

mock = Mock(MOCK, DISCOVERY, '--record', RECORD)
URL = mock.url


def env_with(key):
    """The programs' environment: debug logs on, the mock's address, the key or none."""
    env = dict(os.environ)
    for name in KEY_VARIABLES:
        env.pop(name, None)
    env.update({
        'CHIARO_ENDPOINT': URL,
        'G_MESSAGES_DEBUG': 'all',
        'GSETTINGS_BACKEND': 'keyfile',
        'GSETTINGS_SCHEMA_DIR': SCHEMAS,
    })
    if key is not None:
        env['CHIARO_API_KEY'] = key
    # In the ASan+UBSan run, whole allocation stacks (as the UI test programs record them),
    # so that LeakSanitizer can match the GTK and GLib leaks tests/lsan.supp lets through.
    if 'ASAN_OPTIONS' in env:
        env['ASAN_OPTIONS'] += ':fast_unwind_on_malloc=0:malloc_context_size=10'
    return env


def wait_for(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    check(False, 'waited for ' + what)
    return None


def projects():
    folder = os.path.join(HOME, '.local', 'share', 'chiaro', 'projects')
    return sorted(glob.glob(os.path.join(folder, '*', 'project.json')))


def read_state(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def xdotool(*args):
    return subprocess.run(['xdotool', *args], capture_output=True, text=True,
                          timeout=30).stdout.strip()


def activate(key, action, *parameter):
    """Activates app.ACTION over D-Bus (GApplication exports its actions)."""
    params = '[%s]' % ', '.join('<%s>' % json.dumps(p) for p in parameter)
    result = subprocess.run(['gdbus', 'call', '--session', '--dest', APP_ID,
                             '--object-path', '/' + APP_ID.replace('.', '/'),
                             '--method', 'org.gtk.Actions.Activate', action, params, '{}'],
                            env=env_with(key), capture_output=True, text=True, timeout=30)
    return result.returncode == 0


def app_edit(name, key, photo, prompt):
    """Starts the app on @photo, sends @prompt through app.send-prompt, waits for the answer to
    be saved and quits. Returns the project.json path."""
    before = set(projects())
    stdout = open(os.path.join(LOGS, name + '.stdout'), 'w')
    stderr = open(os.path.join(LOGS, name + '.stderr'), 'w')
    app = subprocess.Popen([APP, os.path.join(PHOTOS, photo)], env=env_with(key),
                           stdout=stdout, stderr=stderr)
    project = None
    try:
        def new_project():
            for path in set(projects()) - before:
                state = read_state(path)
                if state and state['entries'] and 'image' in state['entries'][0]:
                    return path
            return None

        project = wait_for(new_project, name + ': the photo is a project')
        # The window is titled with the project's name: the photo's, without its extension.
        title = os.path.splitext(photo)[0]
        window = wait_for(lambda: xdotool('search', '--onlyvisible', '--name',
                                          title).split('\n')[0], name + ': the window')
        if project and window:
            # The prompt goes in through app.send-prompt (org.gtk.Actions over D-Bus: the
            # document's prompt, then win.send), whatever the layout of the window.
            check(activate(key, 'send-prompt', prompt),
                  name + ': app.send-prompt was activated')

            def answered():
                state = read_state(project)
                return state is not None and len(state['entries']) == 2 and state

            state = wait_for(answered, name + ': the answer is saved')
            if check(state is not None, name + ': the app sent the prompt and saved the answer'):
                entry = state['entries'][1]
                turn = state['turns'][0]
                check(turn['prompt'] == prompt, name + ': the turn holds the prompt sent')
                image = os.path.join(os.path.dirname(project), 'images',
                                     entry['image']['hash'] + '.jpg')
                check(os.path.isfile(image), name + ': the answer is in images/')
    finally:
        subprocess.run(['gapplication', 'action', APP_ID, 'quit'], env=env_with(key),
                       capture_output=True, timeout=30)
        try:
            status = app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
            status = app.wait()
        stdout.close()
        stderr.close()
    check(status == 0, '%s: the app quit cleanly (status %s)' % (name, status))
    return project


def run_cli(name, key, *args):
    result = subprocess.run([CLI, *args], env=env_with(key), capture_output=True, text=True,
                            timeout=120)
    with open(os.path.join(LOGS, name + '.stdout'), 'w') as f:
        f.write(result.stdout)
    with open(os.path.join(LOGS, name + '.stderr'), 'w') as f:
        f.write(result.stderr)
    check(result.returncode == 0, '%s: exit 0 (%d)' % (name, result.returncode))
    return result


def cli_runs(label, key):
    photo = os.path.join(PHOTOS, 'Portrait_3.jpg')
    project = os.path.join(OUT, label + '-project')
    small = ('--model', 'gemini-3.1-flash-image', '--size', '512')
    run_cli(label + '-generate', key, 'generate', '--prompt', 'a red kite', *small,
            '--variants', '2', '--output', os.path.join(OUT, label + '.png'))
    run_cli(label + '-generate-json', key, 'generate', '--json', '--prompt', 'a blue kite',
            *small, '--input', photo, '--output', os.path.join(OUT, label + '-edit.jpg'))
    run_cli(label + '-project', key, 'generate', '--json', '--project', project, '--prompt',
            'add a kite', '--input', photo, *small)
    run_cli(label + '-project-2', key, 'generate', '--project', project, '--prompt',
            'make it dusk', *small)
    run_cli(label + '-show', key, 'project', 'show', project)
    run_cli(label + '-show-json', key, 'project', 'show', '--json', project)
    run_cli(label + '-inspect', key, 'inspect', '--json', photo)


# 1. The key from the environment.
app_edit('app-env', KEY_ENV, 'Landscape_1.jpg', 'warmer light please')
cli_runs('cli-env', KEY_ENV)

# 2. The key from the keyring, filed as the app files it: under the provider and the exact
#    address it is for.
subprocess.run(['secret-tool', 'store', '--label', 'Chiaro API key (test)',
                'xdg:schema', APP_ID + '.ApiKey', 'provider', 'gemini', 'endpoint', URL],
               input=KEY_RING.encode(), check=True, timeout=30)
found = subprocess.run(['secret-tool', 'lookup', 'provider', 'gemini', 'endpoint', URL],
                       capture_output=True, text=True, timeout=30).stdout
check(found == KEY_RING, 'the keyring holds the second key')
app_edit('app-keyring', None, 'Portrait_1.jpg', 'a lighthouse on the hill')
cli_runs('cli-keyring', None)

mock.stop()

# What the mock received: each key exactly as the x-goog-api-key header, and nowhere else.
with open(RECORD) as f:
    requests = [json.loads(line) for line in f if line.strip()]
seen = {KEY_ENV: 0, KEY_RING: 0}
elsewhere = []


def forms(key):
    """The key as it is, percent-encoded, and in base64 at each of the three alignments."""
    raw = key.encode()
    found = {raw, urllib.parse.quote(key, safe='').encode(),
             urllib.parse.quote_plus(key).encode()}
    for shift in range(3):
        encoded = base64.b64encode(b'\0' * shift + raw)
        # Leave out the characters that depend on the bytes around the key.
        found.add(encoded[4 if shift else 0:-4])
    return found


for request in requests:
    headers = {name.lower(): value for name, value in request['headers'].items()}
    header = headers.pop('x-goog-api-key', None)
    authorization = headers.pop('authorization', None)
    if header in seen:
        seen[header] += 1
    if authorization is not None:
        elsewhere.append('an Authorization header on %s' % request['path'])
    rest = json.dumps({**request, 'headers': headers}).encode()
    for key in seen:
        for form in forms(key):
            if form in rest:
                elsewhere.append('%s %s' % (request['method'], request['path']))

generations = [r for r in requests if r.get('route') == 'generateContent']
check(len(generations) >= 2 * (1 + 2 + 1 + 1 + 1),
      'the mock answered every generation (%d requests)' % len(generations))
check(all(r['status'] == 200 for r in generations), 'every generation succeeded')
check(seen[KEY_ENV] >= 6, 'the environment key was the header of %d requests' % seen[KEY_ENV])
check(seen[KEY_RING] >= 6, 'the keyring key was the header of %d requests' % seen[KEY_RING])
check(seen[KEY_ENV] + seen[KEY_RING] == len(requests),
      'every request carried one of the keys in x-goog-api-key')
check(not elsewhere, 'no key in any URL, query, other header or body: %s' % elsewhere[:5])

# Every file the programs could have written, and everything they printed.
searched = 0
leaks = []
logs_with_debug = 0
for folder in (HOME, OUT, LOGS):
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, 'rb') as f:
                data = f.read()
            searched += 1
            if folder == LOGS and b'-DEBUG: ' in data:
                logs_with_debug += 1
            for key in (KEY_ENV, KEY_RING):
                if any(form in data for form in forms(key)):
                    leaks.append(os.path.relpath(path, ROOT))

check(leaks == [], 'no key in any file or log: %s' % leaks)
check(searched >= 40, '%d files searched' % searched)
check(logs_with_debug >= 10, '%d logs hold debug messages' % logs_with_debug)
for folder, what in ((os.path.join(HOME, '.local', 'share', 'chiaro'), 'the data folder'),
                     (os.path.join(HOME, '.local', 'share', 'keyrings'), 'the keyring folder'),
                     (os.path.join(HOME, '.config', 'glib-2.0'), 'the settings')):
    check(os.path.isdir(folder), '%s was written and searched' % what)
check(len(projects()) == 2, 'both app projects were searched')

finish()
