# chiaro_cli_test.py — what the chiaro-cli end-to-end checks share: results, image headers,
# the mock server program, and running the CLI with a clean key environment
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import struct
import subprocess
import sys
import urllib.request

KEY = 'test-key-8d1f0c2e'
KEY_VARIABLES = ('CHIARO_API_KEY', 'GEMINI_API_KEY', 'OPENAI_API_KEY', 'CHIARO_ENDPOINT')

failures = 0


def check(condition, what):
    """Prints one result line; a false condition counts as a failure."""
    global failures
    print(('ok: ' if condition else 'FAIL: ') + what, flush=True)
    if not condition:
        failures += 1
    return condition


def finish():
    print('%d failure(s)' % failures)
    sys.exit(1 if failures else 0)


def image_size(path):
    """Width and height of a PNG or JPEG file, read from its header."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] == b'\x89PNG\r\n\x1a\n':
        return struct.unpack('>II', data[16:24])
    if data[:3] == b'\xff\xd8\xff':
        i = 2
        while i < len(data):
            marker, length = data[i + 1], struct.unpack('>H', data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack('>HH', data[i + 5:i + 9])
                return w, h
            i += 2 + length
    return None


def mime_of(path):
    with open(path, 'rb') as f:
        head = f.read(12)
    if head[:8] == b'\x89PNG\r\n\x1a\n':
        return 'image/png'
    if head[:3] == b'\xff\xd8\xff':
        return 'image/jpeg'
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return 'image/webp'
    return None


class Mock:
    """chiaro-mock-server on a free port, steered over its /mock/ endpoints."""

    def __init__(self, program, discovery, *args):
        self.proc = subprocess.Popen([program, '--port', '0', '--discovery', discovery, *args],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        assert line.startswith('listening on '), line
        self.url = line[len('listening on '):]

    def control(self, method, path, data=None):
        request = urllib.request.Request(self.url + path, method=method, data=data)
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def push(self, *scenarios):
        for name in scenarios:
            self.control('POST', '/mock/scenario', name.encode())

    def requests(self):
        return json.loads(self.control('GET', '/mock/requests'))

    def clear(self):
        self.control('DELETE', '/mock/requests')

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def cli_env(key=KEY, endpoint=None):
    """The environment with only the given key and endpoint set."""
    env = dict(os.environ)
    for name in KEY_VARIABLES:
        env.pop(name, None)
    if key is not None:
        env['CHIARO_API_KEY'] = key
    if endpoint is not None:
        env['CHIARO_ENDPOINT'] = endpoint
    return env


def run_cli(cli, *args, key=KEY, endpoint=None, timeout=120, extra_env=None, **kwargs):
    env = cli_env(key, endpoint)
    env.update(extra_env or {})
    return subprocess.run([cli, *args], capture_output=True, text=True, timeout=timeout,
                          env=env, **kwargs)


def parse_json(result):
    """The JSON a command printed, or None (and the output shown) when it is not JSON."""
    try:
        return json.loads(result.stdout)
    except ValueError:
        print(result.stdout, result.stderr)
        return None
