#!/usr/bin/env python3
# bench-results.py — bench/results.md from the rows the benchmarks printed
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   bench-results.py LOG RESULTS
#
# LOG is meson's JSON log of a `meson test --benchmark` run (one JSON object a line); each
# benchmark prints its results-table rows ("| figure | value | goal | result | machine |
# date |") on standard output. RESULTS (bench/results.md) gets one section per benchmark with
# its rows as printed; sections of benchmarks not in this run are kept as they were, so
# running one benchmark updates only its own. Nothing in the table is typed by hand.

import json
import re
import sys

HEADER = '| figure | value | goal | result | machine | date |'
RULE = '|---|---|---|---|---|---|'
SECTION = re.compile(r'^## (\S+)')


def rows_of(log_path):
    runs = {}
    with open(log_path, encoding='utf-8') as log:
        for line in log:
            test = json.loads(line)
            rows = [l for l in test.get('stdout', '').splitlines()
                    if l.startswith('| ') and l != HEADER]
            if test['result'] == 'SKIP':
                rows = ['| %s | skipped (no display) | | skip | | |' % test['name']]
            elif test['result'] not in ('OK', 'EXPECTEDFAIL'):
                rows.append('| %s | the benchmark failed (%s) | | FAIL | | |'
                            % (test['name'], test['result']))
            runs[test['name']] = rows
    return runs


def read_sections(path):
    sections = {}
    try:
        with open(path, encoding='utf-8') as results:
            name = None
            for line in results:
                line = line.rstrip('\n')
                match = SECTION.match(line)
                if match:
                    name = match.group(1)
                    sections[name] = []
                elif name and line.startswith('| ') and line != HEADER:
                    sections[name].append(line)
    except FileNotFoundError:
        pass
    return sections


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: bench-results.py LOG RESULTS')
    sections = read_sections(sys.argv[2])
    sections.update(rows_of(sys.argv[1]))
    with open(sys.argv[2], 'w', encoding='utf-8') as out:
        out.write('# Benchmark results\n\n'
                  'Written by `build-aux/dev bench` from the rows the benchmarks print; do not '
                  'edit by hand. What each figure means: README.md.\n')
        for name in sorted(sections):
            out.write('\n## %s\n\n%s\n%s\n' % (name, HEADER, RULE))
            for row in sections[name]:
                out.write(row + '\n')
    failed = sum(1 for rows in sections.values() for row in rows if '| FAIL |' in row)
    print('%s: %d rows, %d failing' % (sys.argv[2],
                                        sum(len(rows) for rows in sections.values()), failed))


if __name__ == '__main__':
    main()
