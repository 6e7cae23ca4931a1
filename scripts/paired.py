#!/usr/bin/env python3
"""Two commands' wall time in pairs, each pair's ratio taken on its own.

    scripts/paired.py [-n PAIRS] [--warmup N] [--stdin FILE] 'COMMAND A' 'COMMAND B'

Prints the median of the pairs' ratios A/B (with the quartiles) and each command's median
wall in milliseconds. Used by scripts/bench.sh for the ratios the issues bound ("a hit at most
1.10x a static no-op in paired runs").

Why pairs: a machine's speed drifts (other work, frequency, the page cache), and a figure taken
from all of A's runs and then all of B's carries that drift into the ratio. Run in turn, each A
beside the B just before or after it, the drift cancels pair by pair; the order within a pair
alternates, so that neither command always runs on the other's warm caches.

How: each run is started with posix_spawn (no shell unless the command is one: `sh -c '...'`),
stdin from FILE (else /dev/null), stdout and stderr to /dev/null, and timed from just before
the spawn to just after the child is reaped, as a user's caller (docker, the kubelet) waits for
it. A run that exits non-zero stops the measurement: a failing command is not a fast one.
"""
import argparse
import os
import shlex
import shutil
import statistics
import sys
import time


def run(argv, stdin):
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, stdin, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    start = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    wall = time.perf_counter_ns() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"paired: {shlex.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    return wall


def command(text):
    argv = shlex.split(text)
    path = shutil.which(argv[0])
    if path is None:
        sys.exit(f"paired: {argv[0]}: no such program")
    return [path] + argv[1:]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", "--pairs", type=int, default=200)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--stdin", default=os.devnull)
    p.add_argument("a")
    p.add_argument("b")
    args = p.parse_args()
    a, b = command(args.a), command(args.b)
    for _ in range(args.warmup):
        run(a, args.stdin)
        run(b, args.stdin)
    ratios, walls_a, walls_b = [], [], []
    for i in range(args.pairs):
        if i % 2 == 0:
            wa, wb = run(a, args.stdin), run(b, args.stdin)
        else:
            wb, wa = run(b, args.stdin), run(a, args.stdin)
        ratios.append(wa / wb)
        walls_a.append(wa)
        walls_b.append(wb)
    q1, median, q3 = statistics.quantiles(ratios, n=4)
    print(
        f"A/B {statistics.median(ratios):.3f} (quartiles {q1:.3f} {q3:.3f}, {args.pairs} pairs); "
        f"A {statistics.median(walls_a) / 1e6:.3f} ms, B {statistics.median(walls_b) / 1e6:.3f} ms"
    )


if __name__ == "__main__":
    main()
