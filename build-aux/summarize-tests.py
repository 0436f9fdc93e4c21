#!/usr/bin/env python3
# summarize-tests.py — one "N passed, N failed, N skipped" line from meson's test logs
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   summarize-tests.py TESTLOG.json [TESTLOG.json…]
#
# CI reads this line, not meson's own summary. GLib test programs speak TAP, so each of their
# subtests counts; a program that crashed after its last "ok" counts one failure more. Other
# tests count once, by their result. With several logs (the normal suite, the ASan+UBSan build,
# valgrind, the fuzzers) the counts are summed; a log that is missing or unreadable counts as
# one failure, so a step that never ran cannot pass.

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
    if len(sys.argv) < 2:
        print('usage: summarize-tests.py TESTLOG.json [TESTLOG.json…]', file=sys.stderr)
        return 2

    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        try:
            p, f, s = count(path)
        except (OSError, ValueError, KeyError) as error:
            print(f'cannot read the test log {path}: {error}', file=sys.stderr)
            p, f, s = 0, 1, 0
        if len(sys.argv) > 2:
            print(f'  {path}: {p} passed, {f} failed, {s} skipped', file=sys.stderr)
        passed += p
        failed += f
        skipped += s

    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
