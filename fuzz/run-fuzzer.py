#!/usr/bin/env python3
# run-fuzzer.py — the "fuzz" test suite: replay a target's corpus, then fuzz it for a while
#
# Copyright 2026 The Chiaro authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   run-fuzzer.py TARGET CORPUS SCRATCH SECONDS [DICT]
#
# First every file of CORPUS (seeds and the crashers found so far) runs once through TARGET;
# then libFuzzer mutates for SECONDS (CHIARO_FUZZ_SECONDS overrides it), writing new inputs to
# SCRATCH (emptied first; CORPUS in the source tree is never written) and a crashing input to
# SCRATCH/../<target>-crash-*. Exits non-zero when either step fails.

import os
import shutil
import subprocess
import sys


def main():
    target, corpus, scratch, seconds = sys.argv[1:5]
    dictionary = sys.argv[5] if len(sys.argv) > 5 else None
    seconds = os.environ.get('CHIARO_FUZZ_SECONDS', seconds)
    name = os.path.basename(target)

    files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus))
    files = [f for f in files if os.path.isfile(f)]
    if not files:
        print(f'{corpus}: no corpus', file=sys.stderr)
        return 1
    print(f'# {name}: replaying {len(files)} corpus files', flush=True)
    replay = subprocess.run([target, '-timeout=20'] + files)
    if replay.returncode != 0:
        print(f'# {name}: a corpus file fails (see above)', flush=True)
        return 1

    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    artifacts = os.path.join(os.path.dirname(scratch), f'{name}-')
    command = [target, f'-max_total_time={seconds}', '-timeout=20', '-print_final_stats=1',
               f'-artifact_prefix={artifacts}']
    if dictionary and os.path.exists(dictionary):
        command.append(f'-dict={dictionary}')
    command += [scratch, corpus]
    print(f'# {name}: fuzzing for {seconds} s', flush=True)
    run = subprocess.run(command)
    if run.returncode != 0:
        print(f'# {name}: found a failing input; it is in {os.path.dirname(scratch)} '
              f'(named {name}-crash-*, -leak-*, -timeout-* or -oom-*)', flush=True)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
