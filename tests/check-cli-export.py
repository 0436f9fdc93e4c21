#!/usr/bin/env python3
# check-cli-export.py — chiaro-cli generate --pack/--export-metadata and chiaro-cli export
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The real binaries against chiaro-mock-server (issue 6): a pack of the marketer ratios in one
# call (the requests the mock received, the files and their pixel sizes, the provenance in
# their bytes), a pack kept in a project and exported with the name template, exported again
# without overwriting, single exports and --force, --no-metadata, and every usage error.
# gexiv2 reads the metadata back in test-export; here the XMP packet is searched as bytes.

import json
import os
import shutil
import sys
import tempfile

from chiaro_cli_test import KEY, check, finish, image_size, mime_of, parse_json, run_cli
import chiaro_cli_test

CLI, MOCK, FIXTURES, DISCOVERY, MODELS = sys.argv[1:6]
work = tempfile.mkdtemp(prefix='cli-export-', dir=os.environ.get('G_TEST_BUILDDIR'))

MODEL = 'gemini-3.1-flash-image'
PACK = ('1:1', '4:5', '9:16', '16:9', '21:9')
GENERATED = b'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'
EDITED = b'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia'

with open(MODELS, encoding='utf-8') as f:
    catalog = {model['id']: model for model in json.load(f)['models']}


def documented_size(ratio, size='512'):
    width, height = catalog[MODEL]['outputs'][size]['pixels'][ratio].split('x')
    return int(width), int(height)


def path(*names):
    return os.path.join(work, *names)


def read(name):
    with open(name, 'rb') as f:
        return f.read()


def user_text(request):
    parts = request['body']['contents'][-1]['parts']
    return ''.join(part.get('text', '') for part in parts)


def export(*args, **kwargs):
    return run_cli(CLI, 'export', *args, **kwargs)


mock = chiaro_cli_test.Mock(MOCK, DISCOVERY)
try:
    # 1. generate --pack: five ratios in one call, one file each, named from --output.
    os.makedirs(path('pack'))
    result = run_cli(CLI, 'generate', '--json', '--model', MODEL, '--size', '512', '--pack',
                     '--export-metadata', '--prompt', 'Spring sale on shoes',
                     '--output', path('pack', 'banner.png'), endpoint=mock.url)
    check(result.returncode == 0, 'generate --pack exits 0 (%d: %s)'
          % (result.returncode, result.stderr.strip()))
    requests = mock.requests()
    ratios = sorted(r['body']['generationConfig']['imageConfig']['aspectRatio'] for r in requests)
    check(ratios == sorted(PACK), 'five requests, one per marketer ratio: %s' % ratios)
    check(all('Spring sale on shoes' in user_text(r) and
              'Re-frame this image to a %s aspect ratio'
              % r['body']['generationConfig']['imageConfig']['aspectRatio'] in user_text(r)
              for r in requests), 'each request has the prompt and its own re-framing')
    for ratio in PACK:
        name = path('pack', 'banner-%s-1.png' % ratio.replace(':', 'x'))
        check(os.path.exists(name) and image_size(name) == documented_size(ratio),
              '%s written at the documented %dx%d' % (os.path.basename(name),
                                                      *documented_size(ratio)))
        data = read(name) if os.path.exists(name) else b''
        check(GENERATED in data and b'Spring sale on shoes' in data and b'Chiaro ' in data
              and MODEL.encode() in data, '%s carries the prompt, model, tool and source type'
              % os.path.basename(name))
        check(KEY.encode() not in data and work.encode() not in data,
              '%s holds neither the key nor a local path' % os.path.basename(name))
    mock.clear()

    # Without --export-metadata, no provenance.
    result = run_cli(CLI, 'generate', '--model', MODEL, '--size', '512', '--prompt', 'A kite',
                     '--output', path('plain.png'), endpoint=mock.url)
    check(result.returncode == 0 and GENERATED not in read(path('plain.png')),
          'generate without --export-metadata writes no provenance')
    mock.clear()

    # --pack and --aspect together, and auto in a pack, are usage errors.
    for args in (('--pack', '--aspect', '1:1'), ('--pack=1:1,auto',), ('--pack=1:1,7:3',)):
        result = run_cli(CLI, 'generate', '--model', MODEL, '--prompt', 'x',
                         '--output', path('never.png'), *args, endpoint=mock.url)
        check(result.returncode == 2, 'generate %s exits 2 (%d)' % (' '.join(args),
                                                                   result.returncode))
    check(mock.requests() == [], 'nothing was sent for the usage errors')

    # 2. A pack in a project: from a photo, two ratios, then exported with the template.
    photo = os.path.join(FIXTURES, 'images', 'exif-orientation', 'Landscape_1.jpg')
    project = path('Launch')
    result = run_cli(CLI, 'generate', '--json', '--project', project, '--input', photo,
                     '--model', MODEL, '--size', '512', '--pack=1:1,16:9',
                     '--prompt', 'Summer banner', endpoint=mock.url)
    check(result.returncode == 0, 'generate --project --pack exits 0 (%s)'
          % result.stderr.strip())
    show = parse_json(run_cli(CLI, 'project', 'show', '--json', project))
    entries = [e for e in show['entries'] if e.get('pack')] if show else []
    packs = {e['pack'] for e in entries}
    check(len(entries) == 2 and len(packs) == 1, 'the two images share one pack in the project')
    pack_id = packs.pop() if packs else 'none'
    # {project} is the project's name (a new project is named after its photo).
    name = show['name'] if show else 'none'

    out = path('delivery')
    result = export(project, '--pack', pack_id, '--output', out, '--format', 'jpeg',
                    '--quality', '80', '--json')
    listing = parse_json(result)
    check(result.returncode == 0, 'export --pack exits 0 (%s)' % result.stderr.strip())
    names = sorted(os.listdir(out)) if os.path.isdir(out) else []
    check(names == sorted([name + '-16x9-2.jpg', name + '-1x1-1.jpg']) or
          names == sorted([name + '-16x9-1.jpg', name + '-1x1-2.jpg']),
          'names from {project}-{ratio}-{n}.{ext}: %s' % names)
    check(all(mime_of(os.path.join(out, n)) == 'image/jpeg' for n in names), 'JPEG files')
    check(all(EDITED in read(os.path.join(out, n)) for n in names),
          'edits of a photo are compositeWithTrainedAlgorithmicMedia')
    check(all(image_size(os.path.join(out, n)) ==
              documented_size('1:1' if '1x1' in n else '16:9') for n in names),
          'exported at the documented sizes')
    before = {n: read(os.path.join(out, n)) for n in names}

    # Again: nothing replaced, the next free names taken and said.
    result = export(project, '--pack', pack_id, '--output', out, '--format', 'jpeg', '--json')
    listing = parse_json(result)
    check(result.returncode == 0, 'a second export --pack exits 0')
    check(all(read(os.path.join(out, n)) == before[n] for n in names),
          'the files of the first export are unchanged')
    written = sorted(os.path.basename(f['path']) for f in listing['files']) if listing else []
    check(written == sorted(n[:-len('.jpg')] + '-2.jpg' for n in names),
          'the second export took the -2 names: %s' % written)
    check(listing is not None and all(f['renamed'] for f in listing['files']),
          'and says they were renamed')
    check('-2.jpg' in result.stderr, 'the renaming is on stderr')

    # A template, a size limit, no metadata.
    lean = path('lean')
    result = export(project, '--pack', pack_id, '--output', lean, '--format', 'webp',
                    '--template', 'ad_{ratio}.{ext}', '--long-side', '200', '--no-metadata')
    names = sorted(os.listdir(lean)) if os.path.isdir(lean) else []
    check(result.returncode == 0 and names == ['ad_16x9.webp', 'ad_1x1.webp'],
          'the template names the files: %s' % names)
    for n in names:
        data = read(os.path.join(lean, n))
        check(mime_of(os.path.join(lean, n)) == 'image/webp', '%s is WebP' % n)
        check(b'Chiaro' not in data and b'Summer banner' not in data and b'xmpmeta' not in data
              and b'Exif' not in data, '%s carries no metadata' % n)

    # 3. One entry: to a file; never replaced without --force.
    entry = entries[0]['id'] if entries else 'none'
    single = path('single.png')
    result = export(project, '--entry', entry, '--output', single)
    check(result.returncode == 0 and mime_of(single) == 'image/png', 'export --entry writes PNG')
    data = read(single)
    check(b'Summer banner' in data and EDITED in data and KEY.encode() not in data
          and project.encode() not in data, 'with provenance, without key or paths')
    with open(single, 'wb') as f:
        f.write(b'mine')
    result = export(project, '--entry', entry, '--output', single)
    check(result.returncode == 3 and read(single) == b'mine',
          'an existing file is not replaced: exit 3 (%d)' % result.returncode)
    check('--force' in result.stderr, 'and the message names --force')
    result = export(project, '--entry', entry, '--output', single, '--force')
    check(result.returncode == 0 and mime_of(single) == 'image/png', '--force replaces it')

    # 4. Usage and project errors.
    cases = [
        ((project, '--output', path('x.png')), 2, 'nothing chosen'),
        ((project, '--entry', entry, '--starred', '--output', path('x.png')), 2, 'two choices'),
        ((project, '--entry', entry), 2, 'no --output'),
        ((project, '--starred', '--output', path('starred')), 2, 'nothing starred'),
        ((project, '--entry', 'nosuchentry', '--output', path('x.png')), 2, 'unknown entry'),
        ((project, '--pack', 'nosuchpack', '--output', path('x')), 2, 'unknown pack'),
        ((project, '--entry', entry, '--output', path('x.gif')), 2, 'unknown extension'),
        ((project, '--entry', entry, '--output', path('x.png'), '--format', 'gif'), 2,
         'unknown format'),
        ((project, '--entry', entry, '--output', path('x.png'), '--quality', '0'), 2,
         'quality 0'),
        ((project, '--entry', entry, '--output', path('x.png'), '--long-side', '-1'), 2,
         'negative long side'),
        ((project, '--pack', pack_id, '--output', path('y'), '--force'), 2,
         '--force with several'),
        ((path('nowhere'), '--entry', entry, '--output', path('x.png')), 3, 'no project'),
        ((project, '--entry', entry, '--output', path('no', 'such', 'x.png')), 3,
         'a folder that does not exist'),
    ]
    for args, status, what in cases:
        result = export(*args)
        check(result.returncode == status, 'export with %s exits %d (%d: %s)'
              % (what, status, result.returncode, result.stderr.strip()[:120]))
    check(not os.path.exists(path('x.png')), 'no file was written by the failed exports')
finally:
    mock.stop()
    shutil.rmtree(work, ignore_errors=True)

finish()
