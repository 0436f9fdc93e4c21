#!/usr/bin/env python3
# check-cli-generate.py — chiaro-cli generate end to end against chiaro-mock-server (DESIGN §8)
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs the real binaries: the CLI talks HTTP to the mock server, which checks every request
# against Google's discovery document and records it. The assertions are on the files
# written, their pixel sizes, the exit statuses, the JSON the CLI prints and the requests the
# mock received.

import glob
import os
import signal
import subprocess
import sys
import tempfile
import time

from chiaro_cli_test import KEY, check, cli_env, finish, image_size, mime_of, parse_json, run_cli
import chiaro_cli_test

CLI, MOCK, FIXTURES, DISCOVERY = sys.argv[1:5]
work = tempfile.mkdtemp(prefix='cli-generate-', dir=os.environ.get('G_TEST_BUILDDIR'))


def Mock(*args):
    return chiaro_cli_test.Mock(MOCK, DISCOVERY, *args)


def run(*args, key=KEY, endpoint=None, timeout=120):
    return run_cli(CLI, 'generate', *args, key=key, endpoint=endpoint, timeout=timeout)


def run_json(*args, **kwargs):
    result = run('--json', *args, **kwargs)
    return result, parse_json(result)


def out(name):
    return os.path.join(work, name)


def user_parts(request):
    contents = request['body']['contents']
    return contents[-1]['parts']


photo = os.path.join(FIXTURES, 'images', 'exif-orientation', 'Landscape_1.jpg')
refs = sorted(glob.glob(os.path.join(FIXTURES, 'images', 'pngsuite', 'basn*.png')))[:14]
assert len(refs) == 14, refs

# --- refused before anything is sent ------------------------------------------------------
result = run('--output', out('x.png'))
check(result.returncode == 2 and '--prompt' in result.stderr, 'no prompt: exit 2')
result = run('--prompt', 'a cat', '--output', out('x.gif'))
check(result.returncode == 2, 'an output format Chiaro cannot write: exit 2')
result = run('--prompt', 'a cat', '--output', out('x.png'), '--model', 'gemini-3-pro-image-preview',
             '--aspect', '4:1')
check(result.returncode == 2 and '4:1' in result.stderr, 'a ratio the model lacks: exit 2, named')
result = run('--prompt', 'a cat', '--output', out('x.png'), '--model', 'gemini-2.5-flash-image',
             '--size', '2K')
check(result.returncode == 2, 'a size on a model without sizes: exit 2')
result = run('--prompt', 'a cat', '--output', out('x.png'), '--model', 'gemini-2.5-flash-image',
             '--grounding')
check(result.returncode == 2, 'grounding on 2.5 Flash Image: exit 2')
result = run('--prompt', 'a cat', '--output', out('x.png'), '--model', 'gemini-2.5-flash-image',
             '--system', 'be brief')
check(result.returncode == 2, 'a system instruction on 2.5 Flash Image: exit 2')
result = run('--prompt', 'a cat', '--output', out('x.png'), '--model', 'gemini-2.5-flash-image',
             *[a for r in refs[:4] for a in ('--ref', r)])
check(result.returncode == 2, 'four references on 2.5 Flash Image: exit 2')
result = run('--prompt', 'a cat', '--output', out('x.png'), '--variants', '9')
check(result.returncode == 2, '--variants 9: exit 2')

# --- bad inputs ----------------------------------------------------------------------------
not_png = out('notes.png')
with open(not_png, 'w') as f:
    f.write('these are notes, not a picture\n')
result = run('--prompt', 'edit', '--input', not_png, '--output', out('x.png'))
check(result.returncode == 3 and 'notes.png' in result.stderr, 'a text file named .png: exit 3, named')
result = run('--prompt', 'edit', '--input', out('missing.jpg'), '--output', out('x.png'))
check(result.returncode == 3 and 'missing.jpg' in result.stderr, 'a missing input: exit 3, named')
result = run('--prompt', 'edit', '--ref', out('missing.png') + '=logo', '--output', out('x.png'))
check(result.returncode == 3, 'a missing reference: exit 3')

# --- dry run: nothing sent, the request shown with the data elided ------------------------
result, report = run_json('--prompt', 'Put the bottle on marble', '--input', photo,
                          '--ref', refs[0] + '=logo', '--model', 'gemini-3-pro-image-preview',
                          '--aspect', '16:9', '--size', '2K', '--seed', '7', '--temperature', '0.5',
                          '--grounding', '--dry-run', key=None)
check(result.returncode == 0 and report is not None, '--dry-run needs no key and exits 0')
if report:
    body = report['requests'][0]['body']
    config = body['generationConfig']
    check(report['requests'][0]['url'].endswith('/v1beta/models/gemini-3-pro-image-preview:generateContent'),
          'dry run: the URL names the model, no key in it')
    check(config['imageConfig'] == {'aspectRatio': '16:9', 'imageSize': '2K'}, 'dry run: imageConfig')
    check(config['seed'] == 7 and config['temperature'] == 0.5, 'dry run: seed and temperature')
    check(body['tools'] == [{'googleSearch': {}}], 'dry run: grounding tool')
    data = [p['inlineData']['data'] for p in body['contents'][-1]['parts'] if 'inlineData' in p]
    check(len(data) == 2 and all(d.startswith('<') for d in data), 'dry run: image data elided')
    check(abs(report['estimated_cost_usd'] - 0.134) < 0.01, 'dry run: cost estimate of one 2K Pro image')
    check(KEY not in result.stdout, 'dry run: no key printed')

mock = Mock()
try:
    # --- no key --------------------------------------------------------------------------
    result = run('--prompt', 'a cat', '--output', out('nokey.png'), key=None, endpoint=mock.url)
    check(result.returncode == 5 and 'API key' in result.stderr, 'no key anywhere: exit 5')
    check(len(mock.requests()) == 0, 'no key: nothing sent')

    # --- one image --------------------------------------------------------------------------
    mock.clear()
    result, report = run_json('--prompt', 'A lighthouse at dawn', '--output', out('one.png'),
                              '--model', 'gemini-2.5-flash-image', endpoint=mock.url)
    check(result.returncode == 0, 'text to image: exit 0')
    check(image_size(out('one.png')) == (1024, 1024), 'text to image: 1024×1024 PNG written')
    if report:
        o = report['outputs'][0]
        check(o['path'] == out('one.png') and o['status'] == 'ok' and o['mime'] == 'image/png'
              and (o['width'], o['height']) == (1024, 1024), '--json: output entry')
        check(report['usage']['total_tokens'] > 0 and report['model'] == 'gemini-2.5-flash-image'
              and report['retries'] == 0 and report['finish_reason'] == 'STOP', '--json: usage, model, retries')
    reqs = mock.requests()
    check(len(reqs) == 1, 'text to image: one request')
    if reqs:
        r = reqs[0]
        headers = {k.lower(): v for k, v in r['headers'].items()}
        check(headers.get('x-goog-api-key') == KEY, 'the key is in the x-goog-api-key header')
        check(KEY not in r['path'] and KEY not in (r.get('query') or ''), 'the key is not in the URL')
        check(headers.get('user-agent', '').startswith('Chiaro/'), 'User-Agent: Chiaro/<version>')
        config = r['body']['generationConfig']
        check(config['responseModalities'] == ['TEXT', 'IMAGE'], 'responseModalities TEXT, IMAGE')
        check('imageConfig' not in config or 'imageSize' not in config['imageConfig'],
              '2.5 Flash Image: no imageSize sent')
        check('candidateCount' not in config, 'never candidateCount')

    # --- 14 references on 3 Pro at 4K, and an edit with 13 of them ---------------------------
    mock.clear()
    ref_args = [a for i, r in enumerate(refs) for a in ('--ref', '%s=ref %d' % (r, i + 1))]
    result, report = run_json('--prompt', 'Combine everything into one poster', *ref_args,
                              '--model', 'gemini-3-pro-image-preview', '--size', '4K',
                              '--aspect', '16:9', '--output', out('poster.jpg'), endpoint=mock.url)
    check(result.returncode == 0, '14 references, 4K, 3 Pro: exit 0')
    check(os.path.exists(out('poster.jpg')) and image_size(out('poster.jpg')) == (5504, 3072)
          and mime_of(out('poster.jpg')) == 'image/jpeg', '14 references: a 5504×3072 JPEG written')
    reqs = mock.requests()
    if len(reqs) == 1:
        r = reqs[0]
        parts = user_parts(r)
        images = [p for p in parts if 'inlineData' in p]
        labels = [p['text'] for p in parts if 'text' in p]
        check(r['path'] == '/v1beta/models/gemini-3-pro-image-preview:generateContent',
              '14 references: the preview id is called as given')
        check(len(images) == 14, '14 references: all sent')
        check(any('ref 14' in t for t in labels), '14 references: labels sent')
        check(r['body']['generationConfig']['imageConfig'] == {'aspectRatio': '16:9', 'imageSize': '4K'},
              '14 references: imageConfig 16:9 4K')
    else:
        check(False, '14 references: one request (got %d)' % len(reqs))

    mock.clear()
    result, report = run_json('--prompt', 'Put all of these in the photo', '--input', photo,
                              *ref_args[:26], '--model', 'gemini-3-pro-image-preview', '--size', '4K',
                              '--output', out('edit.jpg'), endpoint=mock.url)
    reqs = mock.requests()
    check(result.returncode == 0 and len(reqs) == 1
          and len([p for p in user_parts(reqs[0]) if 'inlineData' in p]) == 14,
          'an edit with 13 references: the photo and 13 references sent')
    result = run('--prompt', 'One too many', '--input', photo, *ref_args,
                 '--model', 'gemini-3-pro-image-preview', '--output', out('many.jpg'), endpoint=mock.url)
    check(result.returncode == 2 and len(mock.requests()) == 1,
          'the photo and 14 references: refused before sending (exit 2)')

    # --- 4 ratios × 2 variants in parallel ----------------------------------------------------
    mock.clear()
    ratios = ['1:1', '9:16', '16:9', '4:5']
    sizes = {'1:1': (1024, 1024), '9:16': (768, 1344), '16:9': (1344, 768), '4:5': (896, 1152)}
    result, report = run_json('--prompt', 'Summer sale banner', '--model', 'gemini-2.5-flash-image',
                              '--aspect', ','.join(ratios), '--variants', '2',
                              '--output', out('pack.png'), endpoint=mock.url)
    check(result.returncode == 0, '4 ratios × 2 variants: exit 0')
    for ratio in ratios:
        for n in (1, 2):
            path = out('pack-%s-%d.png' % (ratio.replace(':', 'x'), n))
            check(os.path.exists(path) and image_size(path) == sizes[ratio],
                  'pack: %s is %d×%d' % (os.path.basename(path), *sizes[ratio]))
    reqs = mock.requests()
    sent = sorted(r['body']['generationConfig']['imageConfig']['aspectRatio'] for r in reqs)
    check(sent == sorted(ratios * 2), 'pack: 8 requests with the right aspectRatio')
    check(report is not None and len(report['outputs']) == 8, 'pack: 8 outputs listed')

    # --- answers in another format are converted ---------------------------------------------
    result = run('--prompt', 'a fox', '--model', 'gemini-3-pro-image-preview',
                 '--output', out('fox.png'), endpoint=mock.url)
    check(result.returncode == 0 and mime_of(out('fox.png')) == 'image/png',
          'a JPEG answer written to .png is converted to PNG')

    # --- the answer cannot be written ------------------------------------------------------
    mock.clear()
    missing_dir = out('no-such-folder/answer.png')
    result, report = run_json('--prompt', 'a boat', '--output', missing_dir, endpoint=mock.url)
    check(result.returncode == 3 and 'no-such-folder' in result.stderr,
          'an output folder that does not exist: exit 3, the path named')
    check(report is not None and report['outputs'][0]['status'] == 'failed'
          and 'no-such-folder' in (report['outputs'][0]['error'] or ''),
          'an output folder that does not exist: listed as failed with the reason')

    # --- an answer with several images --------------------------------------------------------
    mock.clear()
    mock.push('multi-image')
    path = out('story.png')
    result, report = run_json('--prompt', 'two takes', '--output', path, endpoint=mock.url)
    other = out('story-image1.png')
    check(result.returncode == 0 and os.path.exists(path) and os.path.exists(other),
          'two images in one answer: exit 0, the final one to FILE, the first beside it')
    check(report is not None and report['outputs'][0]['other_images'] == [other]
          and report['outputs'][0]['path'] == path,
          'two images in one answer: the JSON lists the earlier image')
    check(image_size(path) is not None and image_size(other) is not None
          and open(path, 'rb').read() != open(other, 'rb').read(),
          'two images in one answer: both are images, and not the same one')
    check(len(mock.requests()) == 1, 'two images in one answer: one request')

    mock.clear()
    mock.push('multi-image-bad')
    path = out('story-bad.png')
    result, report = run_json('--prompt', 'two takes', '--output', path, endpoint=mock.url)
    check(result.returncode != 0 and not os.path.exists(path)
          and os.path.exists(out('story-bad-image1.png'))
          and report['outputs'][0]['other_images'] == [out('story-bad-image1.png')],
          'an answer whose final image cannot be opened: that output fails, the good image '
          'before it is still written and listed')

    mock.clear()
    result, report = run_json('--prompt', 'one take', '--output', out('single.png'),
                              endpoint=mock.url)
    check(result.returncode == 0 and report['outputs'][0]['other_images'] == []
          and not os.path.exists(out('single-image1.png')),
          'one image in the answer: nothing beside it')

    # --- the model refuses ---------------------------------------------------------------------
    for scenario, reason in (('image-safety', 'IMAGE_SAFETY'), ('text-only', 'STOP'),
                             ('prompt-blocked', 'SAFETY'), ('no-image', 'NO_IMAGE')):
        mock.clear()
        mock.push(scenario)
        path = out('refused-%s.png' % scenario)
        result, report = run_json('--prompt', 'draw it', '--output', path, endpoint=mock.url)
        check(result.returncode == 4 and not os.path.exists(path),
              '%s: exit 4, no file' % scenario)
        check(report is not None and report['outputs'][0]['status'] == 'failed'
              and report['outputs'][0]['error'], '%s: the reason is listed' % scenario)
        check(len(mock.requests()) == 1, '%s: not retried' % scenario)

    # --- retries ---------------------------------------------------------------------------
    mock.clear()
    mock.push('503')
    result, report = run_json('--prompt', 'retry me', '--output', out('retry.png'), endpoint=mock.url)
    check(result.returncode == 0 and report is not None and report['retries'] == 1,
          '503 then success: exit 0, one retry reported')
    check(len(mock.requests()) == 2, '503 then success: two requests')

    mock.clear()
    mock.push('500', '500')
    result, report = run_json('--prompt', 'fail', '--retries', '1', '--output', out('fail.png'),
                              endpoint=mock.url)
    check(result.returncode == 5 and not os.path.exists(out('fail.png')),
          '500 after the retries: exit 5, no file')
    check(len(mock.requests()) == 2, '--retries 1: two attempts')
    mock.clear()

    mock.push('401')
    result = run('--prompt', 'no access', '--output', out('auth.png'), endpoint=mock.url)
    check(result.returncode == 5, '401: exit 5')
    check(len(mock.requests()) == 1, '401: never retried')

    # --- partial results are kept ----------------------------------------------------------------
    mock.clear()
    mock.push('ok', 'image-safety')
    result, report = run_json('--prompt', 'two of them', '--variants', '2', '--output', out('part.png'),
                              endpoint=mock.url)
    written = [o for o in (report or {}).get('outputs', []) if o['status'] == 'ok']
    check(result.returncode == 4 and len(written) == 1 and os.path.exists(written[0]['path']),
          'one refused variant: exit 4, the other kept and listed')

    # --- OpenAI-compatible ---------------------------------------------------------------------
    mock.clear()
    result, report = run_json('--prompt', 'a red kite', '--provider', 'openai',
                              '--model', 'google/gemini-2.5-flash-image', '--aspect', '16:9',
                              '--endpoint', mock.url + '/api/v1', '--output', out('kite.png'))
    check(result.returncode == 0 and image_size(out('kite.png')) == (1344, 768),
          'OpenAI-compatible: image written')
    reqs = mock.requests()
    if reqs:
        headers = {k.lower(): v for k, v in reqs[0]['headers'].items()}
        check(reqs[0]['path'] == '/api/v1/chat/completions'
              and headers.get('authorization') == 'Bearer ' + KEY, 'OpenAI-compatible: Bearer key')
        check(reqs[0]['body'].get('image_config', {}).get('aspect_ratio') == '16:9',
              'OpenAI-compatible: image_config.aspect_ratio')

    # --- interrupted ----------------------------------------------------------------------------
    mock.clear()
    mock.push('stall')
    env = cli_env(KEY, mock.url)
    proc = subprocess.Popen([CLI, 'generate', '--prompt', 'slow', '--output', out('int.png')],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline and not mock.requests():
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    check(proc.returncode == 130, 'SIGINT while waiting: exit 130')
finally:
    mock.stop()

finish()
