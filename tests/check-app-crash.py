#!/usr/bin/env python3
# check-app-crash.py — the real app killed 50 times at random moments, and restarted
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 7, kills: `chiaro` in a real window (under the Xvfb the suite runs in, on a D-Bus
# session of its own) against chiaro-mock-server. The test sends prompts through the app's
# `app.send-prompt` action (org.gtk.Actions over D-Bus: the same controls as typing and
# pressing Send), then SIGKILLs the app at a random moment: while sending, while an answer
# trickles in (the mock's `slow` scenario), or during a stream of quick changes with a 200 ms
# autosave delay. After each kill: project.json parses whole, every image it names is on disk
# with the bytes its name says, no file under images/ is partial, no entry saved earlier is
# lost, an in-flight send saved before the kill is a failed send with its prompt and stays one.
# Then the app is started again with no arguments: it must reopen the project (session
# restore after a crash; it holds the project's lock again) before the next round.
# The seed is printed; CHIARO_CRASH_SEED repeats a run.

import fcntl
import hashlib
import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

from chiaro_cli_test import KEY, check, finish
import chiaro_cli_test

APP, CLI, MOCK, FIXTURES, DISCOVERY, APP_ID = sys.argv[1:7]
ROUNDS = 50
HASH_RE = re.compile(r'^[0-9a-f]{64}$')
STORED_RE = re.compile(r'^([0-9a-f]{64})\.[a-z0-9]+$')
OBJECT_PATH = '/' + APP_ID.replace('.', '/')

if not os.environ.get('DISPLAY'):
    print('1..0 # SKIP no X display (run the tests under xvfb-run)')
    sys.exit(77)

work = tempfile.mkdtemp(prefix='app-crash-', dir=os.environ.get('G_TEST_BUILDDIR'))
photo = os.path.join(FIXTURES, 'images', 'exif-orientation', 'Landscape_1.jpg')


def sha256_file(name):
    with open(name, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def hashes_in(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from hashes_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from hashes_in(value)
    elif isinstance(node, str) and HASH_RE.match(node):
        yield node


def lock_holder(directory):
    """The pid holding the project's fcntl lock, or None."""
    try:
        fd = os.open(os.path.join(directory, 'lock'), os.O_RDWR)
    except OSError:
        return None
    try:
        query = struct.pack('hhqqixxxx', fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        l_type, _, _, _, pid = struct.unpack('hhqqixxxx', fcntl.fcntl(fd, fcntl.F_GETLK, query))
        return None if l_type == fcntl.F_UNLCK else pid
    finally:
        os.close(fd)


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    return condition()


# --- the environment: a home, a settings file, a bus of its own ------------------------------
home = os.path.join(work, 'home')
config = os.path.join(home, '.config')
data = os.path.join(home, '.local', 'share')
runtime = os.path.join(work, 'run')
for d in (config, data, runtime):
    os.makedirs(d, mode=0o700, exist_ok=True)
settings_file = os.path.join(config, 'glib-2.0', 'settings', 'keyfile')
os.makedirs(os.path.dirname(settings_file))
with open(settings_file, 'w') as f:
    # The shortest autosave delay the schema allows, so saves happen between kills.
    f.write('[io/github/chiaro/Chiaro]\nautosave-delay=uint32 200\ndefault-image-size=\'512\'\n'
            'default-model=\'gemini-3.1-flash-image\'\n')

bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address=1'],
                       stdout=subprocess.PIPE, text=True)
bus_address = bus.stdout.readline().strip()

mock = chiaro_cli_test.Mock(MOCK, DISCOVERY, '--delay-ms', '40')

env = dict(os.environ)
for name in chiaro_cli_test.KEY_VARIABLES:
    env.pop(name, None)
env.update({
    'HOME': home, 'XDG_CONFIG_HOME': config, 'XDG_DATA_HOME': data,
    'XDG_CACHE_HOME': os.path.join(home, '.cache'), 'XDG_RUNTIME_DIR': runtime,
    'DBUS_SESSION_BUS_ADDRESS': bus_address, 'GSETTINGS_BACKEND': 'keyfile',
    'CHIARO_API_KEY': KEY, 'CHIARO_ENDPOINT': mock.url,
})
cli_env = dict(env)


def start_app(*args):
    return subprocess.Popen([APP, *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def activate(action, *parameter):
    """Activates app.ACTION over D-Bus (GApplication exports its actions)."""
    params = '[%s]' % ', '.join('<%s>' % json.dumps(p) for p in parameter)
    result = subprocess.run(['gdbus', 'call', '--session', '--dest', APP_ID,
                             '--object-path', OBJECT_PATH,
                             '--method', 'org.gtk.Actions.Activate', action, params, '{}'],
                            env=env, capture_output=True, text=True, timeout=20)
    return result.returncode == 0


def show(directory):
    result = subprocess.run([CLI, 'project', 'show', '--json', directory], env=cli_env,
                            capture_output=True, text=True, timeout=60)
    try:
        return json.loads(result.stdout), result.stderr
    except ValueError:
        return None, result.stderr


def projects():
    root = os.path.join(data, 'chiaro', 'projects')
    if not os.path.isdir(root):
        return []
    return [os.path.join(root, n) for n in os.listdir(root)
            if os.path.exists(os.path.join(root, n, 'project.json'))]


def answered():
    return len([r for r in mock.requests() if r['status'] == 200])


app = None
try:
    # --- the project: the app opens a photo, as `chiaro photo.jpg` does -----------------------
    app = start_app(photo)
    project = wait_for(lambda: (projects() or [None])[0], 30)
    check(project is not None, 'the app made a project from the photo')
    if project is None:
        raise SystemExit
    state = wait_for(lambda: show(project)[0] if (show(project)[0] or {}).get('entries') and
                     show(project)[0]['entries'][0]['image_present'] else None, 30)
    check(state is not None and lock_holder(project) == app.pid,
          'its project.json names the photo, and the app holds the lock')

    seed = int(os.environ.get('CHIARO_CRASH_SEED', str(random.randrange(1 << 30))))
    print('seed %d (set CHIARO_CRASH_SEED to repeat)' % seed, flush=True)
    rng = random.Random(seed)

    seen = {}                 # entry id -> image hash, once saved
    failed_prompts = set()    # prompts saved as failed sends
    kills = {'send': 0, 'receive': 0, 'autosave': 0}
    restored = 0
    receive_kept = receive_total = 0
    problems = []
    start = time.monotonic()

    for i in range(ROUNDS):
        if app is None:
            app = start_app()
            if wait_for(lambda: lock_holder(project) == app.pid, 30):
                restored += 1
            else:
                problems.append('round %d: the restarted app did not reopen the project' % i)
            # The lock is taken while the project opens; the window shows it just after.
            time.sleep(0.3)

        mode = ('send', 'receive', 'autosave')[i % 3]
        prompt = 'crash %d' % i
        before = answered()
        if mode == 'send':
            activate('send-prompt', prompt)
            time.sleep(rng.uniform(0, 0.5))
        elif mode == 'receive':
            mock.push('slow')
            n_requests = len(mock.requests())
            activate('send-prompt', prompt)
            wait_for(lambda: len(mock.requests()) > n_requests, 10)
            # The trickle lasts about a second; the in-flight send is saved after 200 ms.
            time.sleep(rng.uniform(0.35, 0.9))
        else:
            for k in range(rng.randint(3, 6)):
                activate('send-prompt', '%s.%d' % (prompt, k))
                time.sleep(rng.uniform(0, 0.08))
            time.sleep(rng.uniform(0, 0.8))

        if app.poll() is not None:
            problems.append('round %d: the app exited by itself (%d): %s'
                            % (i, app.returncode, app.stderr.read().decode(errors='replace')))
        else:
            app.send_signal(signal.SIGKILL)
            kills[mode] += 1
        app.wait()
        app.stderr.close()
        app = None

        # --- the files the kill left ------------------------------------------------------
        try:
            with open(os.path.join(project, 'project.json'), 'rb') as f:
                document = json.loads(f.read())
        except (OSError, ValueError) as error:
            problems.append('round %d: project.json: %s' % (i, error))
            continue
        images_dir = os.path.join(project, 'images')
        for name in os.listdir(images_dir):
            match = STORED_RE.match(name)
            if match and sha256_file(os.path.join(images_dir, name)) != match.group(1):
                problems.append('round %d: images/%s is partial' % (i, name))
        stored = {STORED_RE.match(n).group(1) for n in os.listdir(images_dir) if STORED_RE.match(n)}
        for digest in set(hashes_in(document)):
            if digest not in stored:
                problems.append('round %d: image %s named but missing' % (i, digest))
        state, stderr = show(project)
        if state is None or 'backup' in stderr:
            problems.append('round %d: project show: %s' % (i, stderr))
            continue
        ids = {e['id']: e for e in state['entries']}
        for entry_id, digest in seen.items():
            if entry_id not in ids or ids[entry_id]['image_hash'] != digest:
                problems.append('round %d: entry %s (saved earlier) is gone' % (i, entry_id))
        for entry in state['entries']:
            if entry['image'] is not None:
                if not entry['image_present']:
                    problems.append('round %d: entry %s has no image' % (i, entry['id']))
                seen[entry['id']] = entry['image_hash']
        now_failed = {f['prompt'] for f in state['failed_sends']}
        for lost in failed_prompts - now_failed:
            problems.append('round %d: the failed send "%s" is gone' % (i, lost))
        failed_prompts |= now_failed
        if mode == 'receive':
            receive_total += 1
            prompts = {e['prompt'] for e in state['entries']}
            if prompt in now_failed or prompt in prompts:
                receive_kept += 1
            else:
                print('  round %d: "%s" neither saved as failed nor answered' % (i, prompt))

    print('%.0f s; kills: %s; restored %d times; %d entries saved, %d failed sends kept; '
          '%d answers sent' % (time.monotonic() - start, kills, restored, len(seen),
                               len(failed_prompts), answered()), flush=True)
    for problem in problems[:30]:
        print('  ' + problem)
    check(not problems, '%d SIGKILLs of the app: after each project.json is whole, every image '
          'it names is present and intact, nothing partial, no saved entry or failed send lost, '
          'and the restarted app reopens the project' % ROUNDS)
    check(sum(kills.values()) >= ROUNDS - 5, 'the app was running at %d of %d kills'
          % (sum(kills.values()), ROUNDS))
    check(restored == ROUNDS - 1, 'the session restored the project after every crash (%d)'
          % restored)
    check(receive_kept >= receive_total - 2 and receive_total > 0,
          'a send killed while its answer trickled in: kept as a failed send with its prompt '
          '(or answered) in %d of %d' % (receive_kept, receive_total))
    check(len(failed_prompts) >= 5, 'interrupted sends kept with their prompts: %d'
          % len(failed_prompts))

    # --- a clean quit after all that -------------------------------------------------------
    app = start_app()
    check(wait_for(lambda: lock_holder(project) == app.pid, 30) is not None and
          lock_holder(project) == app.pid, 'restarted once more: the project is reopened')
    time.sleep(0.3)
    activate('send-prompt', 'after the crashes')
    wait_for(lambda: answered() > 0 and any(
        e['prompt'] == 'after the crashes' for e in (show(project)[0] or {}).get('entries', [])), 30)
    activate('quit')
    try:
        app.wait(timeout=30)
    except subprocess.TimeoutExpired:
        app.kill()
        app.wait()
    stderr = app.stderr.read().decode(errors='replace')
    app.stderr.close()
    app = None
    state, _ = show(project)
    with open(os.path.join(data, 'chiaro', 'session.json')) as f:
        session = json.load(f)
    check(state is not None and any(e['prompt'] == 'after the crashes' for e in state['entries'])
          and all(e['id'] in {x['id'] for x in state['entries']} for e in
                  [{'id': k} for k in seen]) and session.get('clean-shutdown') is True,
          'the project continues: a new edit, a clean quit, every entry still there')
    if stderr.strip():
        print(stderr)
finally:
    if app is not None:
        app.kill()
        app.wait()
    mock.stop()
    bus.terminate()
    bus.wait()

shutil.rmtree(work, ignore_errors=True)
finish()
