#!/usr/bin/env python3
# check-cli-inspect.py — chiaro-cli inspect: output, JSON and exit statuses (DESIGN §8)
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import subprocess
import sys
import tempfile

failures = 0


def check(condition, what):
    global failures
    print(('ok: ' if condition else 'FAIL: ') + what)
    if not condition:
        failures += 1


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)


CLI, FIXTURES = sys.argv[1], sys.argv[2]
photos = os.path.join(FIXTURES, 'images', 'exif-orientation')

result = run('--version')
check(result.returncode == 0 and result.stdout.startswith('chiaro-cli '), '--version')

result = run()
check(result.returncode == 2 and 'inspect' in result.stderr, 'no command is a usage error (2)')

result = run('frobnicate')
check(result.returncode == 2 and 'frobnicate' in result.stderr, 'unknown command exits 2')

result = run('inspect')
check(result.returncode == 2, 'inspect without files exits 2')

result = run('inspect', '--json', os.path.join(photos, 'Landscape_6.jpg'),
             os.path.join(photos, 'Portrait_3.jpg'))
check(result.returncode == 0, 'inspect two photos exits 0')
files = json.loads(result.stdout)['files']
check(files[0]['mime'] == 'image/jpeg' and files[0]['orientation'] == 6, 'Landscape_6 is a JPEG with orientation 6')
check((files[0]['width'], files[0]['height']) == (1800, 1200), 'Landscape_6 is 1800 × 1200 upright')
check((files[1]['width'], files[1]['height']) == (1200, 1800), 'Portrait_3 is 1200 × 1800 upright')
check(files[1]['bytes'] == os.path.getsize(os.path.join(photos, 'Portrait_3.jpg')), 'byte count is the file size')

result = run('inspect', os.path.join(photos, 'Portrait_1.jpg'))
check(result.returncode == 0 and '1200 × 1800' in result.stdout, 'plain text output')

with tempfile.TemporaryDirectory() as scratch:
    text = os.path.join(scratch, 'notes.png')
    with open(text, 'w') as f:
        f.write('not an image')
    crasher = os.path.join(FIXTURES, 'images', 'png-crashers', 'badcrc.png')
    missing = os.path.join(scratch, 'missing.jpg')
    result = run('inspect', '--json', text, missing, os.path.join(photos, 'Portrait_1.jpg'))
    check(result.returncode == 3, 'unreadable or unsupported input exits 3')
    files = json.loads(result.stdout)['files']
    check('notes.png' in files[0]['error'] and 'missing.jpg' in files[1]['error'],
          'errors name their files')
    check(files[2].get('width') == 1200, 'a good file after bad ones is still inspected')
    check('notes.png' in result.stderr, 'errors are reported on stderr')

    result = run('inspect', crasher)
    check(result.returncode in (0, 3) and 'Traceback' not in result.stderr, 'a libpng crasher does not crash')

sys.exit(1 if failures else 0)
