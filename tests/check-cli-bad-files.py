#!/usr/bin/env python3
# check-cli-bad-files.py — every fixture image and every kind of broken file through the CLI
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 7, bad files: each file goes to `chiaro-cli inspect`, `generate --input` and
# `generate --ref` (dry runs, so nothing is sent; a refused input must stop the run before
# that). A file that cannot be used: exit 3, stderr names it (display name, invalid UTF-8
# replaced), no crash. A usable one: exit 0. A libpng crasher is usable exactly when it
# decodes completely (chiaro-test-decode says which), whatever its header: one whose header
# is sound but whose data is not must be refused by every command. Headers declaring 100 000² and 20 000² pixels cost no memory
# (the peak RSS of the process, against a small image's).

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zlib

from chiaro_cli_test import KEY, check, cli_env, finish
import chiaro_cli_test

CLI, MOCK, FIXTURES, DISCOVERY, DECODE = (os.path.abspath(a) for a in sys.argv[1:6])
UNPRIVILEGED = 65534
work = tempfile.mkdtemp(prefix='cli-bad-files-', dir=os.environ.get('G_TEST_BUILDDIR'))
os.chmod(work, 0o755)
env = cli_env(None, 'http://127.0.0.1:9')
# The unprivileged user gets a home of its own (the test's may be private to root).
nobody_env = dict(env, HOME=work, XDG_CONFIG_HOME=os.path.join(work, 'config'),
                  XDG_DATA_HOME=os.path.join(work, 'data'), XDG_CACHE_HOME=os.path.join(work, 'cache'))
MODEL = ('--model', 'gemini-3.1-flash-image', '--size', '512')

REFUSED, SHOWN = 'refused', 'usable'


def png_chunk(kind, data):
    return (len(data).to_bytes(4, 'big') + kind + data
            + zlib.crc32(kind + data).to_bytes(4, 'big'))


def png_declaring(width, height):
    ihdr = width.to_bytes(4, 'big') + height.to_bytes(4, 'big') + bytes((8, 6, 0, 0, 0))
    return (b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', ihdr)
            + png_chunk(b'IDAT', bytes((0x78, 0x9c, 0x62, 0x60))) + png_chunk(b'IEND', b''))


def webp_from_mock():
    """A real WebP: the mock server renders its answers in that format on request."""
    mock = chiaro_cli_test.Mock(MOCK, DISCOVERY, '--image-format', 'webp')
    try:
        body = json.dumps({'contents': [{'role': 'user', 'parts': [{'text': 'a webp'}]}]})
        request = urllib.request.Request(
            mock.url + '/v1beta/models/gemini-2.5-flash-image:generateContent',
            data=body.encode(), method='POST',
            headers={'Content-Type': 'application/json', 'x-goog-api-key': KEY})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        for part in answer['candidates'][0]['content']['parts']:
            inline = part.get('inlineData') or part.get('inline_data')
            if inline:
                return base64.b64decode(inline['data'])
    finally:
        mock.stop()
    raise AssertionError('no image in the mock answer')


def write(name, data):
    path = os.path.join(work.encode(), name)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def read(*parts):
    with open(os.path.join(FIXTURES, 'images', *parts), 'rb') as f:
        return f.read()


png = read('pngsuite', 'basn2c08.png')
jpeg = read('exif-orientation', 'Landscape_1.jpg')
webp = webp_from_mock()
check(webp[:4] == b'RIFF' and webp[8:12] == b'WEBP', 'a WebP from the mock to cut')

cases = [
    (write(b'huge-100000.png', png_declaring(100000, 100000)), REFUSED),
    (write(b'huge-20000.png', png_declaring(20000, 20000)), REFUSED),
    (write(b'truncated.png', png[:len(png) // 2]), REFUSED),
    (write(b'truncated.jpg', jpeg[:len(jpeg) // 2]), REFUSED),
    (write(b'truncated.webp', webp[:len(webp) // 2]), REFUSED),
    (write(b'whole.webp', webp), SHOWN),
    (write(b'empty.png', b''), REFUSED),
    (write(b'notes.png', b'shopping list: milk\n'), REFUSED),
    (write(b'caf\xe9-notes.png', b'not an image'), REFUSED),
    (write(b'bad-\xff\xfe.png', png[:len(png) // 3]), REFUSED),
    (write(b'good-\xff.png', png), SHOWN),
]
folder = os.path.join(work.encode(), b'folder.png')
os.mkdir(folder)
cases.append((folder, REFUSED))
dangling = os.path.join(work.encode(), b'dangling.png')
os.symlink(b'nowhere.png', dangling)
cases.append((dangling, REFUSED))
locked = write(b'locked.jpg', jpeg)
os.chmod(locked, 0)
cases.append((locked, REFUSED))



def decode_completely(paths):
    """The truth from chiaro-test-decode: "decodes", "undecodable" (a sound header) or
    "refused" (by the header), for each file."""
    out = subprocess.run([DECODE, *paths], stdout=subprocess.PIPE, check=True).stdout
    verdicts = out.decode().split()
    check(len(verdicts) == len(paths), 'chiaro-test-decode judged every file')
    return verdicts


crashers = []
for folder_name in ('exif-orientation', 'pngsuite', 'png-crashers'):
    directory = os.path.join(FIXTURES, 'images', folder_name)
    for name in sorted(os.listdir(directory)):
        if not name.endswith(('.png', '.jpg')):
            continue
        path = os.path.join(directory, name)
        if folder_name == 'png-crashers':
            crashers.append(path)
            continue
        if folder_name == 'pngsuite' and name.startswith('x'):
            expect = REFUSED
        else:
            expect = SHOWN
        cases.append((path.encode(), expect))
check(len(crashers) >= 20, '%d libpng crashers' % len(crashers))
truth = decode_completely(crashers)
cases += [(path.encode(), SHOWN if verdict == 'decodes' else REFUSED)
          for path, verdict in zip(crashers, truth)]
# Some crashers look like whole PNGs and only a decode refuses them: those are the point.
sound_but_undecodable = [os.path.basename(path) for path, verdict in zip(crashers, truth)
                         if verdict == 'undecodable']
print('sound header, undecodable: %s' % ', '.join(sound_but_undecodable))
check(len(sound_but_undecodable) >= 1, 'crashers only a decode can refuse')


def drop_root():
    os.setgroups([])
    os.setgid(UNPRIVILEGED)
    os.setuid(UNPRIVILEGED)


def run(path, *args):
    """Runs the CLI; returns (exit status, stderr, peak RSS in KiB)."""
    as_nobody = path == locked and os.geteuid() == 0
    proc = subprocess.Popen([CLI.encode(), *[a if isinstance(a, bytes) else a.encode()
                                              for a in args]],
                            env=nobody_env if as_nobody else env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=work, preexec_fn=drop_root if as_nobody else None)
    stderr = proc.stderr.read().decode('utf-8', errors='strict')
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    return proc.returncode, stderr, usage.ru_maxrss


def commands(path):
    out = os.path.join(work, 'out.png')
    return {
        'inspect': ('inspect', path),
        'generate --input': ('generate', '--dry-run', '--prompt', 'x', '--input', path,
                             '--output', out, *MODEL),
        'generate --ref': ('generate', '--dry-run', '--prompt', 'x', '--ref', path,
                           '--output', out, *MODEL),
    }


baseline = {what: run(None, *args)[2]
            for what, args in commands(os.path.join(FIXTURES, 'images', 'pngsuite',
                                                    'basn2c08.png').encode()).items()}
problems = []
refused = usable = 0
for path, expect in cases:
    display = os.path.basename(path).decode('utf-8', errors='replace')
    outcomes = set()
    for what, args in commands(path).items():
        status, stderr, peak = run(path, *args)
        if status < 0 or status not in (0, 3):
            problems.append('%s %s: exit %d %s' % (what, display, status, stderr.strip()))
            continue
        outcomes.add(status)
        if status == 3 and display not in stderr:
            problems.append('%s %s: the message does not name it: %s'
                            % (what, display, stderr.strip()))
        if status == 3 and ('CRITICAL' in stderr or 'WARNING' in stderr):
            problems.append('%s %s: a warning instead of a message: %s'
                            % (what, display, stderr.strip()))
        if display.startswith('huge-') and peak - baseline[what] > 32 * 1024:
            problems.append('%s %s: peak memory %d KiB over a small image'
                            % (what, display, peak - baseline[what]))
    if len(outcomes) != 1:
        problems.append('%s: not the same verdict from every command: %s' % (display, outcomes))
        continue
    verdict = REFUSED if outcomes == {3} else SHOWN
    if verdict != expect:
        problems.append('%s: %s, expected %s' % (display, verdict, expect))
    refused += verdict == REFUSED
    usable += verdict == SHOWN

for problem in problems:
    print('  ' + problem)
print('%d files: %d refused, %d usable' % (len(cases), refused, usable))
check(not problems, 'every bad file: exit 3 from inspect, generate --input and --ref, its name '
      'in the message, no crash, no memory for huge headers; every good file: exit 0')
check(len(cases) >= 100 and refused >= 25, '%d files, %d refused' % (len(cases), refused))

shutil.rmtree(work, ignore_errors=True)
finish()
