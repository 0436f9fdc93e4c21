#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that po/POTFILES.in is sorted, points at real files and is complete.

Usage: check-potfiles.py SRCDIR

Complete means: every file under src/ and data/ that holds translatable strings is listed,
unless po/POTFILES.skip names it. A file holds translatable strings when it is a desktop
entry, metainfo or schema template, or when its text contains a gettext call (_(, N_(, C_(,
NC_(, ngettext () or a translatable="yes" attribute.
"""

import os
import re
import sys

SCANNED_DIRS = ('src', 'data')

# Files that are always translatable, whatever they contain.
ALWAYS_TRANSLATABLE = (
    re.compile(r'\.desktop\.in(\.in)?$'),
    re.compile(r'\.(metainfo|appdata)\.xml\.in(\.in)?$'),
    re.compile(r'\.gschema\.xml(\.in)?$'),
)

# Markers of translatable text. The look-behind keeps g_strdup_("...") style names and
# identifiers ending in an underscore from matching.
MARKERS = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_)\s*\(\s*"'
    r'|(?<![A-Za-z0-9_])ngettext\s*\('
    r'|translatable\s*=\s*["\']yes["\']'
)

# "[type: gettext/glade] path" and "[encoding: UTF-8]" style annotations.
ANNOTATION = re.compile(r'^\[[^\]]*\]\s*')

# Directories never worth scanning (build trees and VCS data that may sit inside src/ or data/).
SKIPPED_DIR_NAMES = {'.git', '__pycache__', 'node_modules'}


def read_list(path):
    """Return [(line number, relative path)] from a POTFILES-style file, or [] if missing."""
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, start=1):
            text = line.strip()
            if not text or text.startswith('#'):
                continue
            while True:
                stripped = ANNOTATION.sub('', text, count=1)
                if stripped == text:
                    break
                text = stripped
            if text:
                entries.append((number, text))
    return entries


def is_translatable(srcdir, relpath):
    name = os.path.basename(relpath)
    if any(pattern.search(name) for pattern in ALWAYS_TRANSLATABLE):
        return True
    try:
        with open(os.path.join(srcdir, relpath), encoding='utf-8') as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        # Binary files (images, compiled resources) hold no strings for xgettext.
        return False
    return MARKERS.search(text) is not None


def scan(srcdir):
    found = []
    for top in SCANNED_DIRS:
        root = os.path.join(srcdir, top)
        if not os.path.isdir(root):
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames
                                 if d not in SKIPPED_DIR_NAMES and not d.startswith('.'))
            for filename in sorted(filenames):
                relpath = os.path.relpath(os.path.join(dirpath, filename), srcdir)
                relpath = relpath.replace(os.sep, '/')
                if is_translatable(srcdir, relpath):
                    found.append(relpath)
    return found


def main(argv):
    if len(argv) != 2:
        print(f'usage: {os.path.basename(argv[0])} SRCDIR', file=sys.stderr)
        return 2

    srcdir = os.path.abspath(argv[1])
    potfiles_path = os.path.join(srcdir, 'po', 'POTFILES.in')
    skip_path = os.path.join(srcdir, 'po', 'POTFILES.skip')

    if not os.path.exists(potfiles_path):
        print(f'FAIL: {potfiles_path} does not exist', file=sys.stderr)
        return 1

    problems = []
    listed = read_list(potfiles_path)
    skipped = {path for _, path in read_list(skip_path)}
    paths = [path for _, path in listed]

    for i in range(1, len(listed)):
        (_, previous), (number, current) = listed[i - 1], listed[i]
        if current == previous:
            problems.append(f'po/POTFILES.in:{number}: {current} is listed twice')
        elif current < previous:
            problems.append(f'po/POTFILES.in:{number}: {current} should come before {previous} '
                            f'(the list must be sorted as by LC_ALL=C sort)')

    for number, path in listed:
        if not os.path.isfile(os.path.join(srcdir, path)):
            problems.append(f'po/POTFILES.in:{number}: {path} does not exist')

    listed_set = set(paths)
    for path in scan(srcdir):
        if path not in listed_set and path not in skipped:
            problems.append(f'{path} has translatable strings but is missing from po/POTFILES.in')

    if problems:
        print('po/POTFILES.in is not in order:', file=sys.stderr)
        for problem in problems:
            print(f'  {problem}', file=sys.stderr)
        return 1

    print(f'po/POTFILES.in: {len(paths)} files, sorted, all present, nothing missing')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
