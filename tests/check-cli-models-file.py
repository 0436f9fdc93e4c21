#!/usr/bin/env python3
# check-cli-models-file.py — a models.json that cannot be used does not stop chiaro-cli
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The user's model list ($XDG_CONFIG_HOME/chiaro/models.json) may be truncated, wrong in a
# member, of a newer version, binary, empty, a folder or unreadable: `chiaro-cli generate`
# then says once on stderr which file it ignored and why, and goes on with the built-in
# catalog (exit 0, the built-in default model in the request, an image written). A sound file
# is used, silently.

import json
import os
import shutil
import sys
import tempfile

import chiaro_cli_test
from chiaro_cli_test import KEY, check, cli_env, finish, image_size, run_cli

CLI, MOCK, DISCOVERY = (os.path.abspath(a) for a in sys.argv[1:4])
UNPRIVILEGED = 65534
BUILTIN_DEFAULT = 'gemini-3.1-flash-image'

work = tempfile.mkdtemp(prefix='cli-models-file-', dir=os.environ.get('G_TEST_BUILDDIR'))
os.chmod(work, 0o755)
config = os.path.join(work, 'config')
models_dir = os.path.join(config, 'chiaro')
models = os.path.join(models_dir, 'models.json')
os.makedirs(models_dir)
os.chmod(config, 0o755)
os.chmod(models_dir, 0o755)


def place(contents):
    """Puts @contents (bytes, or None for a folder) where models.json goes."""
    if os.path.isdir(models):
        shutil.rmtree(models)
    elif os.path.lexists(models):
        os.remove(models)
    if contents is None:
        os.mkdir(models)
    else:
        with open(models, 'wb') as f:
            f.write(contents)


def generate(*args, as_nobody=False, endpoint=None):
    extra = {'XDG_CONFIG_HOME': config}
    kwargs = {}
    if as_nobody:
        def drop_root():
            os.setgroups([])
            os.setgid(UNPRIVILEGED)
            os.setuid(UNPRIVILEGED)
        extra.update(HOME=work, XDG_DATA_HOME=os.path.join(work, 'data'),
                     XDG_CACHE_HOME=os.path.join(work, 'cache'))
        kwargs = {'preexec_fn': drop_root}
    return run_cli(CLI, 'generate', '--prompt', 'a lighthouse', *args, endpoint=endpoint,
                   extra_env=extra, cwd=work, **kwargs)


def dry_run(**kwargs):
    result = generate('--dry-run', '--json', **kwargs)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None
    return result, report


def model_in(report):
    if not report or not report.get('requests'):
        return None
    url = report['requests'][0]['url']
    return url.rsplit('/', 1)[-1].split(':')[0]


def check_ignored(result, report, what):
    lines = [line for line in result.stderr.splitlines() if models in line]
    check(result.returncode == 0, '%s: exit 0 (got %d: %s)'
          % (what, result.returncode, result.stderr.strip()))
    check(len(lines) == 1, '%s: one line on stderr names %s' % (what, models))
    check(len(lines) == 1 and 'built-in model list' in lines[0],
          '%s: it says the built-in list is used: %s' % (what, ' '.join(lines)))
    check('CRITICAL' not in result.stderr and 'WARNING' not in result.stderr,
          '%s: a message, not a warning' % what)
    check(model_in(report) == BUILTIN_DEFAULT,
          '%s: the built-in default model (%s)' % (what, model_in(report)))
    return lines[0] if lines else ''


sound = json.dumps({'version': 1, 'default_model': 'gemini-nano-banana-2.1',
                    'models': [{'id': 'gemini-nano-banana-2.1', 'name': 'Nano Banana 2.1'}]})
broken = [
    ('truncated', b'{"version": 1, "models": [', None),
    ('a wrong member', json.dumps({'version': 1, 'default_model': 'x', 'models': [
        {'id': 'x', 'max_references': 'many'}]}).encode(), 'max_references'),
    ('a newer version', b'{"version": 99, "models": []}', None),
    ('binary', b'\x89PNG\r\n\x1a\n\x00\x00', None),
    ('empty', b'', None),
    ('a folder', None, None),
]

# --- no file, and a sound one: silent -----------------------------------------------------
place(b'{}')
os.remove(models)
result, report = dry_run()
check(result.returncode == 0 and result.stderr == '' and model_in(report) == BUILTIN_DEFAULT,
      'no models.json: silent, the built-in default')
place(sound.encode())
result, report = dry_run()
check(result.returncode == 0 and result.stderr == ''
      and model_in(report) == 'gemini-nano-banana-2.1',
      'a sound models.json is used, silently (its default model)')

# --- every kind of broken file: said once, ignored ----------------------------------------
for what, contents, why in broken:
    place(contents)
    result, report = dry_run()
    line = check_ignored(result, report, what)
    if why is not None:
        check(why in line, '%s: the message says what is wrong (%s)' % (what, why))

# --- unreadable (as the unprivileged user when run as root) -------------------------------
place(sound.encode())
os.chmod(models, 0)
result, report = dry_run(as_nobody=os.geteuid() == 0)
check_ignored(result, report, 'unreadable')
os.chmod(models, 0o644)

# --- a real run against the mock: the image is made ---------------------------------------
place(b'{"version": 1, "models": [')
mock = chiaro_cli_test.Mock(MOCK, DISCOVERY)
try:
    out = os.path.join(work, 'out.png')
    result = generate('--output', out, '--size', '512', endpoint=mock.url)
    check_ignored(result, {'requests': [{'url': r['path']} for r in mock.requests()]},
                  'a real send')
    check(image_size(out) is not None, 'a real send: the image is written')
    check(len(mock.requests()) == 1, 'a real send: one request')
finally:
    mock.stop()

shutil.rmtree(work, ignore_errors=True)
finish()
