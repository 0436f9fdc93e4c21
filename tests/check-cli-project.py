#!/usr/bin/env python3
# check-cli-project.py — chiaro-cli generate --project and chiaro-cli project, end to end
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The real binaries against chiaro-mock-server (issue 4, DESIGN §6 and §8): a project made,
# continued over three sends whose later requests carry the earlier model turns exactly as the
# server sent them (a recording proxy between the CLI and the mock keeps the answers), variants
# as siblings, undo/redo and branching, the tray, the lock, SIGINT, 50 SIGKILLs at random
# moments, a truncated project.json, a file size limit and a read-only folder.

import base64
import hashlib
import http.client
import http.server
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from chiaro_cli_test import KEY, check, cli_env, finish, image_size, parse_json, run_cli
import chiaro_cli_test

CLI, MOCK, FIXTURES, DISCOVERY = sys.argv[1:5]
work = tempfile.mkdtemp(prefix='cli-project-', dir=os.environ.get('G_TEST_BUILDDIR'))

MODEL = 'gemini-3.1-flash-image-preview'   # signs its answers, answers JPEG, has 512
SMALL = ('--model', MODEL, '--size', '512')
HASH_RE = re.compile(r'^[0-9a-f]{64}$')

photo = os.path.join(FIXTURES, 'images', 'exif-orientation', 'Landscape_1.jpg')
refs = [os.path.join(FIXTURES, 'images', 'pngsuite', name)
        for name in ('basn2c08.png', 'basn6a08.png')]


def Mock(*args):
    return chiaro_cli_test.Mock(MOCK, DISCOVERY, *args)


def path(name):
    return os.path.join(work, name)


def generate(project, *args, endpoint=None, key=KEY, timeout=120, **kwargs):
    result = run_cli(CLI, 'generate', '--json', '--project', project, *args, key=key,
                     endpoint=endpoint, timeout=timeout, **kwargs)
    return result, parse_json(result) if result.stdout.strip() else None


def project(command, directory, *args, **kwargs):
    return run_cli(CLI, 'project', command, *args, directory, **kwargs)


def show(directory):
    result = project('show', directory, '--json')
    return result, parse_json(result) if result.returncode == 0 else None


def entries_by_id(state):
    return {e['id']: e for e in state['entries']} if state else {}


def sha256_file(name):
    with open(name, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def hashes_in(node):
    """Every string in a parsed JSON value that is a store hash (64 lowercase hex digits)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from hashes_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from hashes_in(value)
    elif isinstance(node, str) and HASH_RE.match(node):
        yield node


def image_file(directory, digest):
    names = [n for n in os.listdir(os.path.join(directory, 'images'))
             if n.split('.')[0] == digest] if os.path.isdir(os.path.join(directory, 'images')) else []
    return os.path.join(directory, 'images', names[0]) if names else None


def verify_project(directory, what):
    """project.json parses whole, and every image it names is on disk with the bytes its name
    says. Returns the parsed state (as `project show --json` gives it) or None."""
    ok = True
    try:
        with open(os.path.join(directory, 'project.json'), 'rb') as f:
            raw = f.read()
        document = json.loads(raw)
    except (OSError, ValueError) as error:
        check(False, '%s: project.json parses whole (%s)' % (what, error))
        return None
    named = set(hashes_in(document))
    for digest in named:
        name = image_file(directory, digest)
        if name is None or sha256_file(name) != digest:
            ok = False
            print('  image %s: %s' % (digest, 'missing' if name is None else 'changed'))
    result, state = show(directory)
    if state is None:
        print(result.stderr)
        ok = False
    else:
        for entry in state['entries']:
            if entry['image'] is None:
                continue
            if not (entry['image_present'] and os.path.exists(entry['image'])
                    and sha256_file(entry['image']) == entry['image_hash']
                    and entry['image_hash'] in named):
                ok = False
                print('  entry %s: image %s not intact' % (entry['id'], entry['image']))
    check(ok, '%s: project.json whole, every image it names present and intact' % what)
    return state


class RecordingProxy:
    """Passes requests to the mock and keeps each answer's JSON, to compare the model turns the
    next request sends back with what the server really sent."""

    def __init__(self, target):
        self.target = urllib.parse.urlsplit(target)
        self.exchanges = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                connection = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port,
                                                        timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ('host', 'accept-encoding', 'connection')}
                headers['Accept-Encoding'] = 'identity'
                connection.request('POST', self.path, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                proxy.exchanges.append((self.path, json.loads(body), response.status,
                                        json.loads(answer) if response.status == 200 else None))
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ('content-length', 'transfer-encoding', 'connection',
                                            'content-encoding'):
                        self.send_header(name, value)
                self.send_header('Content-Length', str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                connection.close()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def model_turn(answer):
    return answer['candidates'][0]['content']


def signatures(content):
    return [p['thoughtSignature'] for p in content['parts'] if 'thoughtSignature' in p]


with open(photo, 'rb') as f:
    photo_bytes = f.read()

# --- refused before the project is touched ------------------------------------------------
missing_input = path('never-made')
result, _ = generate(missing_input, '--prompt', 'x', '--input', path('missing.jpg'), *SMALL,
                     endpoint='http://127.0.0.1:9')
check(result.returncode == 3 and 'missing.jpg' in result.stderr and not os.path.exists(missing_input),
      'a missing --input: exit 3, no project folder made')
result, _ = generate(missing_input, '--prompt', 'x', *SMALL, key=None, endpoint='http://127.0.0.1:9')
check(result.returncode == 5 and not os.path.exists(missing_input),
      'no key: exit 5, no project folder made')
result, _ = generate(missing_input, '--prompt', 'x', '--dry-run', *SMALL)
check(result.returncode == 2 and not os.path.exists(missing_input), '--dry-run with --project: exit 2')
result = project('show', missing_input)
check(result.returncode == 3 and 'no project' in result.stderr.lower(),
      'project show on a folder without a project: exit 3')
result = project('undo', missing_input)
check(result.returncode == 3 and not os.path.exists(os.path.join(missing_input, 'project.json')),
      'project undo on a folder without a project: exit 3, nothing made')
result = project('frobnicate', missing_input)
check(result.returncode == 2, 'project with an unknown command: exit 2')
result = run_cli(CLI, 'project', 'show')
check(result.returncode == 2, 'project show without a folder: exit 2')

mock = Mock('--enforce-signatures')
proxy = RecordingProxy(mock.url)
try:
    # --- a project made from a photo, then three sends ------------------------------------------
    p1 = path('p1')
    result, report = generate(p1, '--prompt', 'Make the sky stormy', '--input', photo, *SMALL,
                              endpoint=proxy.url)
    check(result.returncode == 0 and report is not None, 'a new project from --input: exit 0')
    state = verify_project(p1, 'new project')
    e1 = report['entries'][0] if report and report['entries'] else None
    if state and report:
        ids = entries_by_id(state)
        root = ids[state['root']]
        check(report['project'] == os.path.abspath(p1) and len(report['entries']) == 1
              and report['cursor'] == e1, '--json: the project, the new entry, the cursor')
        check(len(state['entries']) == 2 and state['cursor'] == e1 and not state['open_elsewhere'],
              'show: root and one entry, cursor on it, not open elsewhere')
        check(root['image_hash'] == hashlib.sha256(photo_bytes).hexdigest()
              and open(root['image'], 'rb').read() == photo_bytes,
              'the root is the photo, stored byte for byte')
        check(ids[e1]['parent'] == root['id'] and ids[e1]['prompt'] == 'Make the sky stormy'
              and ids[e1]['model'] == MODEL
              and (ids[e1]['width'], ids[e1]['height']) == image_size(ids[e1]['image']),
              'the entry: parent, prompt, model, size')
        out = report['outputs'][0]
        check(out['entry'] == e1 and out['image'] == ids[e1]['image'] and out['path'] is None
              and out['status'] == 'ok', '--json output: entry and image in the project, no --output')
    first_request = proxy.exchanges[0][1] if proxy.exchanges else None
    if first_request:
        inline = [p['inlineData'] for p in first_request['contents'][0]['parts'] if 'inlineData' in p]
        check(len(inline) == 1 and base64.b64decode(inline[0]['data']) == photo_bytes,
              'the first request sends the photo as it is')

    result, report2 = generate(p1, '--prompt', 'Add a lighthouse', *SMALL, endpoint=proxy.url)
    check(result.returncode == 0, 'a second send: exit 0')
    result, report3 = generate(p1, '--prompt', 'Now at night', *SMALL, '--output', path('night.png'),
                               endpoint=proxy.url)
    check(result.returncode == 0 and image_size(path('night.png')) == (512, 512)
          and report3 and report3['outputs'][0]['path'] == path('night.png'),
          'a third send with --output: exit 0, the file written as PNG')
    e2 = report2['entries'][0] if report2 else None
    e3 = report3['entries'][0] if report3 else None

    if check(len(proxy.exchanges) == 3 and all(x[2] == 200 for x in proxy.exchanges),
             'three requests, all answered (signatures enforced by the mock)'):
        (_, req1, _, ans1), (_, req2, _, ans2), (_, req3, _, ans3) = proxy.exchanges
        m1, m2 = model_turn(ans1), model_turn(ans2)
        check(len(signatures(m1)) > 0 and len(signatures(m2)) > 0, 'the mock signed its answers')
        check(len(req2['contents']) == 3 and req2['contents'][0] == req1['contents'][0]
              and req2['contents'][1] == m1,
              'second request: the first turn, then the model turn exactly as the mock sent it')
        check(len(req3['contents']) == 5 and req3['contents'][1] == m1 and req3['contents'][3] == m2
              and req3['contents'][2] == req2['contents'][2],
              'third request: both earlier model turns exactly as sent, signatures included')
        check(signatures(req3['contents'][1]) == signatures(m1)
              and signatures(req3['contents'][3]) == signatures(m2),
              'third request: every thoughtSignature equal to the one received')
    state = verify_project(p1, 'after three sends')

    # --- variants are siblings -------------------------------------------------------------------
    proxy.exchanges.clear()
    result, report = generate(p1, '--prompt', 'Three takes', '--variants', '3', *SMALL,
                              endpoint=proxy.url)
    check(result.returncode == 0 and report and len(report['entries']) == 3, '--variants 3: three entries')
    state = verify_project(p1, 'after variants')
    variants = report['entries'] if report else []
    if state and len(variants) == 3:
        ids = entries_by_id(state)
        check(all(ids[v]['parent'] == e3 for v in variants)
              and len({ids[v]['turn'] for v in variants}) == 1
              and sorted(ids[v]['variant'] for v in variants) == [1, 2, 3]
              and all(ids[v]['n_variants'] == 3 for v in variants),
              'the variants are siblings of one turn under the previous cursor')
        check(state['cursor'] == variants[0], 'the cursor is on the first variant')
        check(len({ids[v]['image_hash'] for v in variants}) == 3, 'three different images')
        check(len(proxy.exchanges) == 3, 'three requests for three variants')

    # --- an answer with two images: two entries, two files, one cost ---------------------------
    pm = path('multi')
    result, report = generate(pm, '--input', photo, '--prompt', '[mock:multi-image] Two takes',
                              '--output', path('multi-out.jpg'), *SMALL, endpoint=proxy.url)
    outputs = report['outputs'] if report else []
    check(result.returncode == 0 and report and len(report['entries']) == 2 and len(outputs) == 2
          and [o['path'] for o in outputs] == [path('multi-out-auto-1.jpg'), path('multi-out-auto-2.jpg')]
          and all(o['status'] == 'ok' for o in outputs),
          'an answer with two images: two entries and two files, numbered like variants')
    state = verify_project(pm, 'after an answer with two images')
    if state and report and len(outputs) == 2:
        ids = entries_by_id(state)
        first, second = report['entries']
        check(all(sha256_file(o['path']) == ids[e]['image_hash'] for o, e in zip(outputs, report['entries'])),
              'each file holds its image as received')
        check(ids[first]['parent'] == ids[second]['parent'] == state['root']
              and ids[first]['turn'] == ids[second]['turn'] and ids[first]['children'] == []
              and ids[first]['image_hash'] != ids[second]['image_hash'],
              'the images are siblings of one turn')
        check(state['cursor'] == second, 'the cursor is on the last (final) image')
        check(ids[first]['same_answer_as'] is None and ids[second]['same_answer_as'] == first,
              'the second image names the first as its answer')
        cost = ids[first]['cost_usd']
        check(cost is not None and cost > 0 and abs(state['cost_usd'] - cost) < 1e-9,
              'the answer is paid once in the project total')
        check(report['usage']['total_tokens'] > 0
              and report['usage']['total_tokens'] == ids[first]['usage']['total_tokens'],
              'its usage is counted once in the report')
        lines = project('show', pm).stdout.splitlines()
        check(sum(1 for l in lines if '$' in l) == 1, 'show prints the cost once')

    # --- undo, redo, and a branch ---------------------------------------------------------------
    def cursor_of(directory):
        _, s = show(directory)
        return s['cursor'] if s else None

    result = project('undo', p1)
    check(result.returncode == 0 and result.stdout.strip() == e3 and cursor_of(p1) == e3,
          'undo: the cursor goes to the parent, its id printed')
    project('undo', p1)
    check(cursor_of(p1) == e2, 'undo again: the entry before')
    result = project('redo', p1, '--json')
    moved = parse_json(result)
    check(result.returncode == 0 and moved and moved['cursor'] == e3 and moved['can_redo'],
          'redo: back to the child it came from (--json)')
    result = project('redo', p1)
    check(result.returncode == 0 and cursor_of(p1) == variants[0] if variants else False,
          'redo: to the variant last visited')
    for _ in range(3):
        project('undo', p1)
    check(cursor_of(p1) == e1, 'three undos: the first entry')

    proxy.exchanges.clear()
    result, report = generate(p1, '--prompt', 'A different idea', *SMALL, endpoint=proxy.url)
    branch = report['entries'][0] if report and report['entries'] else None
    state = verify_project(p1, 'after a branch')
    if state and branch:
        ids = entries_by_id(state)
        check(ids[branch]['parent'] == e1 and ids[e1]['children'] == [e2, branch]
              and state['cursor'] == branch and e2 in ids and e3 in ids,
              'sending after undo starts a branch; nothing was discarded')
    if proxy.exchanges:
        contents = proxy.exchanges[0][1]['contents']
        check(len(contents) == 3 and contents[1] == m1,
              'the branch sends only the path root → cursor (the first turn and its answer)')

    result = project('redo', p1)
    check(result.returncode == 2 and 'redo' in result.stderr and cursor_of(p1) == branch,
          'redo at the end of a branch: exit 2, a message, the cursor stays')
    project('undo', p1)
    project('undo', p1)
    result = project('undo', p1)
    check(result.returncode == 2 and 'undo' in result.stderr and cursor_of(p1) == state['root'],
          'undo at the root: exit 2, a message')
    project('redo', p1)
    project('redo', p1)
    check(cursor_of(p1) == branch, 'redo twice from the root: back on the branch')

    # --- show, human form ------------------------------------------------------------------------
    result = project('show', p1)
    lines = result.stdout.splitlines()
    cursor_lines = [l for l in lines if l.startswith('* ')]
    check(result.returncode == 0 and len(cursor_lines) == 1 and branch in cursor_lines[0]
          and 'A different idea' in cursor_lines[0], 'show: the cursor marked on its line')
    indent = {}
    for line in lines:
        rest = line[2:]
        words = rest.split()
        if line[:2] in ('* ', '| ', '  ') and words and re.match(r'^[0-9a-f]{12}$', words[0]):
            indent[words[0]] = len(rest) - len(rest.lstrip(' '))
    check(e1 in indent and e2 in indent and indent[e2] == indent[e1] + 2
          and indent.get(variants[0] if variants else None) == indent[e1] + 6,
          'show: children indented under their parent')
    check(variants and all(any(v in l and '[%d/3]' % (n + 1) in l for l in lines)
                           for n, v in enumerate(variants)), 'show: variants numbered [n/3]')

    # --- --input on a project that has images; the tray -------------------------------------------
    before = show(p1)[1]
    mock.clear()
    result, _ = generate(p1, '--prompt', 'x', '--input', photo, *SMALL, endpoint=proxy.url)
    after = show(p1)[1]
    check(result.returncode == 2 and '--input' in result.stderr and not mock.requests()
          and before and after and len(after['entries']) == len(before['entries']),
          '--input on a project with images: exit 2, nothing sent or changed')

    proxy.exchanges.clear()
    result, report = generate(p1, '--prompt', 'Put the logo on the sail', '--ref', refs[0] + '=logo',
                              '--ref', refs[1], *SMALL, endpoint=proxy.url)
    state = verify_project(p1, 'with references')
    check(result.returncode == 0 and state and [r['label'] for r in state['references']] == ['logo', None]
          and all(os.path.exists(r['image']) for r in state['references']),
          '--ref: the tray holds the two references, labelled, stored')
    if proxy.exchanges:
        parts = proxy.exchanges[0][1]['contents'][-1]['parts']
        texts = [p.get('text', '') for p in parts]
        sent = [base64.b64decode(p['inlineData']['data']) for p in parts if 'inlineData' in p]
        check(any('logo' in t for t in texts) and all(open(r, 'rb').read() in sent for r in refs),
              'the references were sent, with the label')
    if state and report:
        entry = entries_by_id(state)[report['entries'][0]]
        check([r['label'] for r in entry['references']] == ['logo', None],
              'the entry records the references of its turn')
    proxy.exchanges.clear()
    result, report = generate(p1, '--prompt', 'Without them', *SMALL, endpoint=proxy.url)
    state = show(p1)[1]
    check(result.returncode == 0 and state and state['references'] == [],
          'no --ref: the tray is emptied for the next send')
    if proxy.exchanges:
        parts = proxy.exchanges[0][1]['contents'][-1]['parts']
        check(not any('Reference' in p.get('text', '') for p in parts), 'no references sent')

    # --- refusals after opening, and an --output that cannot be written --------------------------
    before = show(p1)[1]
    mock.clear()
    result, _ = generate(p1, '--prompt', 'x', '--ref', refs[0], '--ref', refs[0], *SMALL,
                         endpoint=proxy.url)
    check(result.returncode == 2 and not mock.requests(), 'the same --ref twice: exit 2, nothing sent')
    result, _ = generate(p1, '--prompt', 'x', '--model', 'gemini-2.5-flash-image',
                         *[a for r in (refs[0], refs[1], photo) for a in ('--ref', r)],
                         endpoint=proxy.url)
    check(result.returncode == 2 and not mock.requests(),
          'three references and the cursor image on 2.5 Flash Image (3 at most): exit 2, nothing sent')
    result, report = generate(p1, '--prompt', 'Written nowhere', *SMALL,
                              '--output', path('no-such-folder/out.png'), endpoint=proxy.url)
    after = show(p1)[1]
    new_entry = report['entries'][0] if report and report['entries'] else None
    check(result.returncode == 3 and 'no-such-folder' in result.stderr and report
          and report['outputs'][0]['status'] == 'failed' and after
          and new_entry in entries_by_id(after)
          and os.path.exists(entries_by_id(after)[new_entry]['image']),
          'an --output that cannot be written: exit 3, named; the image is in the project all the same')

    # --- two ratios: two sends, siblings; cursor on the first ratio's image -----------------------
    result, report = generate(p1, '--prompt', 'Square and wide', '--aspect', '1:1,16:9', *SMALL,
                              '--output', path('pair.png'), endpoint=proxy.url)
    state = show(p1)[1]
    if check(result.returncode == 0 and report and len(report['entries']) == 2 and state,
             '--aspect 1:1,16:9: two entries'):
        ids = entries_by_id(state)
        a, b = (ids[x] for x in report['entries'])
        check(a['parent'] == b['parent'] and a['aspect'] == '1:1' and b['aspect'] == '16:9'
              and state['cursor'] == a['id'], 'two ratios: siblings, cursor on the 1:1 image')
        wide = image_size(path('pair-16x9-1.png')) if os.path.exists(path('pair-16x9-1.png')) else None
        check(os.path.exists(path('pair-1x1-1.png')) and image_size(path('pair-1x1-1.png')) == (512, 512)
              and wide is not None and wide[0] > wide[1],
              'two ratios: both written under their --output names')

    # --- text to image: a new project without --input ---------------------------------------------
    p2 = path('p2')
    result, report = generate(p2, '--prompt', 'A red kite', *SMALL, endpoint=proxy.url)
    state = verify_project(p2, 'text to image')
    if state and report:
        root = entries_by_id(state)[state['root']]
        check(result.returncode == 0 and root['image'] is None and len(state['entries']) == 2
              and state['cursor'] == report['entries'][0], 'text to image: an empty root, one entry')

    # --- a refusal: the prompt is kept -------------------------------------------------------------
    mock.push('image-safety')
    result, report = generate(p2, '--prompt', 'Something refused', *SMALL, endpoint=proxy.url)
    state = show(p2)[1]
    kept = state and (state['prompt'] == 'Something refused'
                      or any(f['prompt'] == 'Something refused' for f in state['failed_sends']))
    check(result.returncode == 4 and state and len(state['entries']) == 2 and kept,
          'a refused send: exit 4, nothing added, the prompt kept in the project')
finally:
    proxy.stop()
    mock.stop()

# --- unreadable projects without a usable backup are refused and left alone -------------------
broken = path('broken')
os.makedirs(broken)
with open(os.path.join(broken, 'project.json'), 'w') as f:
    f.write('{"version": 1, "entries": [')
result, _ = generate(broken, '--prompt', 'x', *SMALL, endpoint='http://127.0.0.1:9')
with open(os.path.join(broken, 'project.json')) as f:
    untouched = f.read() == '{"version": 1, "entries": ['
check(result.returncode == 3 and broken in result.stderr and untouched,
      'a damaged project.json and no backup: generate exits 3 naming the project, the file kept')
result = project('show', broken)
check(result.returncode == 3 and 'project.json' in result.stderr,
      'a damaged project.json and no backup: show exits 3, naming it')

newer = path('newer')
shutil.copytree(p2, newer)
for name in ('project.json', 'project.json.bak'):
    target = os.path.join(newer, name)
    if os.path.exists(target):
        with open(target) as f:
            document = json.load(f)
        document['version'] = 99
        with open(target, 'w') as f:
            json.dump(document, f)
with open(os.path.join(newer, 'project.json')) as f:
    saved = f.read()
result, _ = generate(newer, '--prompt', 'x', *SMALL, endpoint='http://127.0.0.1:9')
result_show = project('show', newer)
with open(os.path.join(newer, 'project.json')) as f:
    untouched = f.read() == saved
check(result.returncode == 3 and result_show.returncode == 3 and untouched
      and 'newer' in result_show.stderr.lower(),
      'a project.json from a newer Chiaro: generate and show exit 3, the file is not overwritten')

# --- the lock; SIGINT ---------------------------------------------------------------------------
slow = Mock('--delay-ms', '2500')
try:
    locked = path('locked')
    generate(locked, '--prompt', 'start', '--input', photo, *SMALL, endpoint=slow.url, timeout=60)
    before = show(locked)[1]
    slow.clear()
    first = subprocess.Popen([CLI, 'generate', '--project', locked, '--prompt', 'slow one', *SMALL],
                             env=cli_env(KEY, slow.url), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while time.time() < deadline and not slow.requests():
        time.sleep(0.05)
    second, _ = generate(locked, '--prompt', 'second', *SMALL, endpoint=slow.url)
    check(second.returncode == 3 and str(first.pid) in second.stderr,
          'a second generate on a locked project: exit 3, naming the holder')
    result = project('undo', locked)
    check(result.returncode == 3, 'project undo on a locked project: exit 3')
    result, state = show(locked)
    check(result.returncode == 0 and state and before and state['cursor'] == before['cursor']
          and state['open_elsewhere'] and state['holder_pid'] == first.pid,
          'project show works while the project is locked, and says who holds it')
    result = project('show', locked)
    check(result.returncode == 0 and str(first.pid) in result.stdout,
          'project show (text): the holder named')
    out, err = first.communicate(timeout=60)
    check(first.returncode == 0 and len(slow.requests()) == 1,
          'the first generate finishes (exit 0); the second sent nothing')

    slow.push('stall')
    slow.clear()
    proc = subprocess.Popen([CLI, 'generate', '--project', locked, '--prompt', 'Interrupted idea',
                             *SMALL], env=cli_env(KEY, slow.url), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline and not slow.requests():
        time.sleep(0.05)
    before = show(locked)[1]
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    state = verify_project(locked, 'after SIGINT')
    kept = state and (state['prompt'] == 'Interrupted idea'
                      or any(f['prompt'] == 'Interrupted idea' for f in state['failed_sends']))
    check(proc.returncode == 130 and state and before
          and len(state['entries']) == len(before['entries']) and kept,
          'SIGINT: exit 130, the project saved with the prompt kept, nothing added')
finally:
    slow.stop()

# --- crash safety: SIGKILL at random moments, 50 times -------------------------------------------
fast = Mock('--delay-ms', '40')
try:
    crash = path('crash')
    result, _ = generate(crash, '--prompt', 'calibrate', '--input', photo, *SMALL, endpoint=fast.url)
    check(result.returncode == 0, 'crash project made')
    times = []
    for i in range(3):
        start = time.monotonic()
        result, _ = generate(crash, '--prompt', 'calibrate %d' % i, *SMALL, endpoint=fast.url)
        times.append(time.monotonic() - start)
    typical = sorted(times)[1]
    print('typical run: %.0f ms' % (typical * 1000))

    seed = int(os.environ.get('CHIARO_CRASH_SEED', str(random.randrange(1 << 30))))
    print('seed %d (set CHIARO_CRASH_SEED to repeat)' % seed)
    rng = random.Random(seed)
    baseline = len(show(crash)[1]['entries'])
    seen = {}
    killed = finished = 0
    all_ok = True
    fast.clear()
    after_answer = 0
    for i in range(50):
        variants = rng.choice(('1', '1', '2'))
        answered_before = len([r for r in fast.requests() if r['status'] == 200])
        proc = subprocess.Popen([CLI, 'generate', '--project', crash, '--prompt', 'crash %d' % i,
                                 '--variants', variants, *SMALL], env=cli_env(KEY, fast.url),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if i % 2 == 0:
            # Any moment of a run.
            time.sleep(rng.uniform(0, typical))
        else:
            # A moment after the mock has sent the answers, while the images and project.json
            # are being written.
            deadline = time.monotonic() + 20
            while (time.monotonic() < deadline and proc.poll() is None
                   and len([r for r in fast.requests() if r['status'] == 200])
                   < answered_before + int(variants)):
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.01))
        if proc.poll() is None:
            proc.kill()
            killed += 1
            after_answer += i % 2
        else:
            finished += 1
        proc.wait()
        stderr = proc.stderr.read().decode(errors='replace')
        proc.stderr.close()
        if proc.returncode not in (0, -signal.SIGKILL):
            all_ok = False
            print('  run %d exited %d: %s' % (i, proc.returncode, stderr))

        result, state = show(crash)
        try:
            with open(os.path.join(crash, 'project.json'), 'rb') as f:
                document = json.loads(f.read())
        except (OSError, ValueError) as error:
            document = None
            print('  run %d: project.json: %s' % (i, error))
        if result.returncode != 0 or state is None or document is None:
            all_ok = False
            print('  run %d: show exit %d %s' % (i, result.returncode, result.stderr))
            continue
        if 'backup' in result.stderr:
            all_ok = False
            print('  run %d: project.json was unreadable: %s' % (i, result.stderr))
        named = set(hashes_in(document))
        for digest in named:
            name = image_file(crash, digest)
            if name is None or sha256_file(name) != digest:
                all_ok = False
                print('  run %d: image %s %s' % (i, digest, 'missing' if name is None else 'changed'))
        ids = entries_by_id(state)
        for entry_id, digest in seen.items():
            if entry_id not in ids or ids[entry_id]['image_hash'] != digest:
                all_ok = False
                print('  run %d: entry %s (saved earlier) is gone' % (i, entry_id))
        for entry in state['entries']:
            if entry['image'] is not None:
                if not (entry['image_present'] and sha256_file(entry['image']) == entry['image_hash']):
                    all_ok = False
                    print('  run %d: entry %s has no intact image' % (i, entry['id']))
                seen[entry['id']] = entry['image_hash']
    answered = len([r for r in fast.requests() if r['status'] == 200])
    print('%d runs killed (%d after the mock sent the answers), %d finished before the kill; '
          '%d answers sent, %d entries saved' % (killed, after_answer, finished, answered,
                                                 len(seen) - baseline))
    check(all_ok, '50 SIGKILLs: after each the project loads, project.json is whole, every '
          'entry saved stays, every image it names is present and intact')
    check(killed >= 20, 'runs killed while working: %d of 50 (at least 20)' % killed)
    check(len(seen) - baseline <= answered, 'no entry without an answer the mock finished sending')
    result, report = generate(crash, '--prompt', 'after the crashes', *SMALL, endpoint=fast.url)
    check(result.returncode == 0 and verify_project(crash, 'after the crashes') is not None,
          'the project continues after 50 crashes')

    # --- a truncated project.json: the backup ---------------------------------------------------
    state_before = show(crash)[1]
    main_file = os.path.join(crash, 'project.json')
    with open(main_file, 'rb') as f:
        good = f.read()
    with open(main_file, 'wb') as f:
        f.write(good[:len(good) // 2])
    result, state = show(crash)
    check(result.returncode == 0 and 'backup' in result.stderr and state
          and state['read_from'] == 'project.json.bak'
          and len(state['entries']) == len(state_before['entries']) - 1,
          'show with a truncated project.json: the backup, said on stderr')
    result, report = generate(crash, '--prompt', 'from the backup', *SMALL, endpoint=fast.url)
    aside = [n for n in os.listdir(crash) if n.startswith('project.json.unreadable')]
    state = verify_project(crash, 'generate after truncation')
    check(result.returncode == 0 and 'backup' in result.stderr and len(aside) == 1
          and open(os.path.join(crash, aside[0]), 'rb').read() == good[:len(good) // 2],
          'generate with a truncated project.json: the backup loaded, said, the bad file kept aside')
    check(state and len(state['entries']) == len(state_before['entries']),
          'generate after truncation: the send added to the backup state')

    # --- a file size limit: the answer cannot be stored ------------------------------------------
    full = path('full')
    generate(full, '--prompt', 'start', '--input', photo, *SMALL, endpoint=fast.url)
    before = show(full)[1]
    answer_size = min(os.path.getsize(e['image']) for e in before['entries'] if e['parent'])
    json_size = os.path.getsize(os.path.join(full, 'project.json'))
    limit = answer_size // 2
    print('answer %d bytes, project.json %d bytes, limit %d' % (answer_size, json_size, limit))

    def limit_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result, report = generate(full, '--prompt', 'Too big to store', *SMALL, endpoint=fast.url,
                              preexec_fn=limit_files)
    print(result.stderr)
    state = verify_project(full, 'full disk')
    check(result.returncode == 3 and 'saved' in result.stderr,
          'the answer cannot be written: exit 3, the error on stderr')
    check(state and before and len(state['entries']) == len(before['entries'])
          and state['cursor'] == before['cursor'],
          'the file size limit: project.json as it was, naming no missing image')
    result, report = generate(full, '--prompt', 'Room again', *SMALL, endpoint=fast.url)
    state = verify_project(full, 'after the limit')
    check(result.returncode == 0 and state and len(state['entries']) == len(before['entries']) + 1,
          'without the limit the project continues')

    # --- a read-only project folder ---------------------------------------------------------------
    readonly = path('readonly')
    generate(readonly, '--prompt', 'start', '--input', photo, *SMALL, endpoint=fast.url)
    before = show(readonly)[1]
    folders = [readonly] + [os.path.join(readonly, d) for d in ('images', 'thumbs')
                            if os.path.isdir(os.path.join(readonly, d))]
    preexec = None
    extra_env = None
    runnable = True
    if os.geteuid() == 0:
        # Root writes anywhere: the run drops to nobody, who owns the project.
        try:
            import pwd
            nobody = pwd.getpwnam('nobody')
        except (ImportError, KeyError):
            nobody = None
        runnable = nobody is not None
        if runnable:
            for top, dirs, files in os.walk(readonly):
                for name in [top] + [os.path.join(top, n) for n in files]:
                    os.chown(name, nobody.pw_uid, nobody.pw_gid)
            for d in (work, os.path.dirname(work)):
                os.chmod(d, os.stat(d).st_mode | 0o005)

            def preexec():
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)

            # The test home is root's and private: nobody gets one of its own.
            nobody_home = os.path.join(work, 'nobody-home')
            os.makedirs(nobody_home, exist_ok=True)
            os.chown(nobody_home, nobody.pw_uid, nobody.pw_gid)
            extra_env = {'HOME': nobody_home,
                         'XDG_CONFIG_HOME': os.path.join(nobody_home, '.config'),
                         'XDG_DATA_HOME': os.path.join(nobody_home, '.local', 'share'),
                         'XDG_CACHE_HOME': os.path.join(nobody_home, '.cache')}
    if runnable:
        with open(os.path.join(readonly, 'project.json'), 'rb') as f:
            saved = f.read()
        for d in folders:
            os.chmod(d, 0o500)
        result, report = generate(readonly, '--prompt', 'Nowhere to write', *SMALL,
                                  endpoint=fast.url, preexec_fn=preexec, extra_env=extra_env)
        for d in folders:
            os.chmod(d, 0o700)
        print(result.stderr)
        with open(os.path.join(readonly, 'project.json'), 'rb') as f:
            unchanged = f.read() == saved
        check(result.returncode == 3 and 'written' in result.stderr and unchanged,
              'a read-only project folder: exit 3, a clear error, project.json untouched')
        result, report = generate(readonly, '--prompt', 'Writable again', *SMALL, endpoint=fast.url)
        state = verify_project(readonly, 'after read-only')
        check(result.returncode == 0 and state and before
              and len(state['entries']) == len(before['entries']) + 1,
              'writable again: the project continues')
    else:
        print('skip: a read-only folder (running as root without a nobody user)')
finally:
    fast.stop()

shutil.rmtree(work, ignore_errors=True) if not chiaro_cli_test.failures else None
finish()
