#!/usr/bin/env python3
# check-core-deps.py — the model library stays free of widgets (DESIGN §3)
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when:
#   - the dependencies meson gives src/core + src/api include GTK, GDK or libadwaita;
#   - chiaro-cli, which links only that library, ends up needing a GTK or libadwaita library;
#   - a source under src/core, src/api or src/cli includes a GTK, GDK or libadwaita header;
#   - a source under src/api includes a header from src/core (dependencies point one way).

import pathlib
import re
import subprocess
import sys

FORBIDDEN_DEPS = re.compile(r'^(gtk4|gtk\+|gtk-[0-9]|gdk-[0-9]|libadwaita)', re.IGNORECASE)
FORBIDDEN_LIBS = re.compile(r'lib(gtk-4|adwaita-1|gdk-4|graphene)')
FORBIDDEN_INCLUDES = re.compile(r'#\s*include\s*[<"](gtk/|gdk/|adwaita\.h|gsk/)')
LOCAL_INCLUDE = re.compile(r'#\s*include\s*"([^"]+)"')


def main():
    deps_file, cli_binary, src_dir = sys.argv[1:4]
    src = pathlib.Path(src_dir)
    problems = []

    deps = [line.strip() for line in open(deps_file) if line.strip()]
    if not deps:
        problems.append(f'{deps_file} lists no dependencies: the check would be empty')
    for dep in deps:
        if FORBIDDEN_DEPS.match(dep):
            problems.append(f'the core library depends on {dep}')

    dynamic = subprocess.run(['readelf', '--dynamic', cli_binary],
                             capture_output=True, text=True, check=True).stdout
    needed = re.findall(r'\(NEEDED\)\s+Shared library: \[([^\]]+)\]', dynamic)
    if not needed:
        problems.append(f'readelf found no NEEDED entries in {cli_binary}')
    for lib in needed:
        if FORBIDDEN_LIBS.search(lib):
            problems.append(f'chiaro-cli, built on the core library only, needs {lib}')

    for area in ('core', 'api', 'cli'):
        for path in sorted((src / area).glob('*.[ch]')):
            text = path.read_text(encoding='utf-8')
            for match in FORBIDDEN_INCLUDES.finditer(text):
                problems.append(f'{path}: includes {match.group(0)}')
            if area == 'api':
                for header in LOCAL_INCLUDE.findall(text):
                    if header != 'config.h' and not (src / 'api' / header).exists():
                        problems.append(f'{path}: src/api includes "{header}" from outside src/api')

    for problem in problems:
        print(f'FAIL: {problem}')
    if problems:
        return 1

    print(f'ok: core dependencies {", ".join(deps)}; chiaro-cli needs {", ".join(needed)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
