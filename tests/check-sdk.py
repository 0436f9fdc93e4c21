#!/usr/bin/env python3
# check-sdk.py — Google's own JavaScript SDK and chiaro-cli read the same answers from the mock
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Proof that chiaro-mock-server speaks the real protocol: @google/genai (installed from the
# npm registry into the build directory) and chiaro-cli ask the mock the same thing, and must
# get the same image bytes, the same text, and the same refusals and errors. The mock stamps
# each answer's image with its response id (a PNG tEXt chunk, a JPEG comment); the two reads
# are two answers, so the stamps are taken out before the bytes are compared.

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.request

failures = 0


def check(condition, what):
    global failures
    print(('ok: ' if condition else 'FAIL: ') + what, flush=True)
    if not condition:
        failures += 1


CLI, MOCK, DISCOVERY, SCRIPT, BUILDDIR = sys.argv[1:6]
sdk_dir = os.path.join(BUILDDIR, 'sdk-node')
os.makedirs(sdk_dir, exist_ok=True)

if not os.path.isdir(os.path.join(sdk_dir, 'node_modules', '@google', 'genai')):
    npm = shutil.which('npm')
    if npm is None:
        print('FAIL: npm is not installed (build-aux/dev installs it)')
        sys.exit(1)
    if not os.path.exists(os.path.join(sdk_dir, 'package.json')):
        with open(os.path.join(sdk_dir, 'package.json'), 'w') as f:
            json.dump({'name': 'chiaro-sdk-check', 'private': True, 'type': 'module'}, f)
    subprocess.run([npm, 'install', '--no-audit', '--no-fund', '--loglevel=error',
                    '@google/genai@^2'], cwd=sdk_dir, check=True, timeout=600)

script = os.path.join(sdk_dir, 'read-answer.mjs')
shutil.copyfile(SCRIPT, script)
version = json.load(open(os.path.join(sdk_dir, 'node_modules', '@google', 'genai', 'package.json')))['version']
print('# @google/genai', version)

mock = subprocess.Popen([MOCK, '--port', '0', '--discovery', DISCOVERY],
                        stdout=subprocess.PIPE, text=True)
url = mock.stdout.readline().strip()[len('listening on '):]
work = tempfile.mkdtemp(prefix='sdk-', dir=os.environ.get('G_TEST_BUILDDIR'))


def push(name):
    urllib.request.urlopen(urllib.request.Request(url + '/mock/scenario', method='POST',
                                                  data=name.encode()), timeout=10).read()


def sdk(model, prompt, scenario):
    push(scenario)
    prefix = os.path.join(work, 'sdk-%s-%s' % (model, scenario))
    result = subprocess.run(['node', script, url, model, prompt, prefix], capture_output=True,
                            text=True, timeout=120)
    return json.loads(result.stdout)


def chiaro(model, prompt, scenario, path):
    push(scenario)
    env = dict(os.environ, CHIARO_API_KEY='cli-test-key')
    result = subprocess.run([CLI, 'generate', '--json', '--retries', '0', '--model', model,
                             '--prompt', prompt, '--endpoint', url, '--output', path],
                            capture_output=True, text=True, timeout=120, env=env)
    return result.returncode, json.loads(result.stdout)


def unstamped_sha256(path):
    """SHA-256 of an image without its text chunks (PNG) or comments (JPEG)."""
    with open(path, 'rb') as f:
        data = f.read()
    kept = bytearray()
    if data[:8] == b'\x89PNG\r\n\x1a\n':
        kept += data[:8]
        i = 8
        while i + 8 <= len(data):
            length = struct.unpack('>I', data[i:i + 4])[0]
            kind = data[i + 4:i + 8]
            if kind not in (b'tEXt', b'zTXt', b'iTXt'):
                kept += data[i:i + 12 + length]
            i += 12 + length
    elif data[:2] == b'\xff\xd8':
        kept += data[:2]
        i = 2
        while i + 4 <= len(data):
            marker = data[i + 1]
            length = struct.unpack('>H', data[i + 2:i + 4])[0]
            if marker == 0xDA:
                kept += data[i:]
                break
            if marker != 0xFE:
                kept += data[i:i + 2 + length]
            i += 2 + length
    else:
        kept = data
    return hashlib.sha256(bytes(kept)).hexdigest()


try:
    cases = [
        ('gemini-2.5-flash-image', 'A teapot on a windowsill', 'ok', 'png'),
        ('gemini-3-pro-image-preview', 'A teapot in the rain', 'ok', 'jpg'),
        ('gemini-2.5-flash-image', 'A teapot and a story', 'multi-image', 'png'),
    ]
    for model, prompt, scenario, ext in cases:
        theirs = sdk(model, prompt, scenario)
        path = os.path.join(work, '%s-%s.%s' % (model, scenario, ext))
        status, ours = chiaro(model, prompt, scenario, path)
        check(status == 0 and 'error' not in theirs, '%s/%s: both succeed' % (model, scenario))
        if status == 0 and theirs.get('images'):
            check(unstamped_sha256(path) == unstamped_sha256(theirs['images'][-1]),
                  '%s/%s: the same final image bytes' % (model, scenario))
            our_text = ours.get('text') or ''
            check(all(t.strip() in our_text for t in theirs['text'] if t.strip()),
                  '%s/%s: the same text' % (model, scenario))
            check(ours['finish_reason'] == theirs['finishReason'],
                  '%s/%s: the same finish reason' % (model, scenario))

    theirs = sdk('gemini-2.5-flash-image', 'Something forbidden', 'prompt-blocked')
    status, ours = chiaro('gemini-2.5-flash-image', 'Something forbidden', 'prompt-blocked',
                          os.path.join(work, 'blocked.png'))
    check(theirs.get('blockReason') == 'SAFETY' and not theirs.get('images'),
          'blocked prompt: the SDK sees blockReason SAFETY')
    check(status == 4 and ours['outputs'][0]['error_reason'] == 'SAFETY',
          'blocked prompt: chiaro-cli exits 4 with reason SAFETY')

    theirs = sdk('gemini-2.5-flash-image', 'Too many', '429')
    status, ours = chiaro('gemini-2.5-flash-image', 'Too many', '429',
                          os.path.join(work, 'limited.png'))
    check(theirs.get('error', {}).get('status') == 429, '429: the SDK raises status 429')
    check(status == 5 and ours['outputs'][0]['error_reason'] == 'RESOURCE_EXHAUSTED',
          '429: chiaro-cli exits 5 with RESOURCE_EXHAUSTED')
finally:
    mock.terminate()
    mock.wait(timeout=10)

print('%d failure(s)' % failures)
sys.exit(1 if failures else 0)
