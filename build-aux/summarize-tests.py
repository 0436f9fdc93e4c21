#!/usr/bin/env python3
# summarize-tests.py — one "N passed, N failed, N skipped" line from meson's test log
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# CI reads this line, not meson's own summary. GLib test programs speak TAP, so each of their
# subtests counts; a program that crashed after its last "ok" counts one failure more. Other
# tests count once, by their result.

import json
import re
import sys

TAP_RESULT = re.compile(r'^(not ok|ok)\b(.*)$')


def count(log_path):
    passed = failed = skipped = 0
    with open(log_path, encoding='utf-8') as log:
        for line in log:
            test = json.loads(line)
            result = test['result']
            tap = [TAP_RESULT.match(l) for l in test.get('stdout', '').splitlines()]
            tap = [m for m in tap if m]
            if tap and result != 'TIMEOUT':
                for match in tap:
                    if re.search(r'#\s*(SKIP|TODO)', match.group(2), re.IGNORECASE):
                        skipped += 1
                    elif match.group(1) == 'ok':
                        passed += 1
                    else:
                        failed += 1
                if result in ('FAIL', 'ERROR') and not any(m.group(1) == 'not ok' for m in tap):
                    failed += 1
            elif result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif result == 'SKIP':
                skipped += 1
            else:
                failed += 1
    return passed, failed, skipped


def main():
    try:
        passed, failed, skipped = count(sys.argv[1])
    except (OSError, ValueError) as error:
        print(f'cannot read the test log: {error}', file=sys.stderr)
        print('0 passed, 1 failed, 0 skipped')
        return 1
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
