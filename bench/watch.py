"""Benchmark: the watch for every country from a warm store, in process and as the command a user runs.

Reads the store in $PARTNERWATCH_HOME (load the shared corpus first). The
in-process time is ``build_watch`` on an open read-only connection, after one
warm-up run; the command's time is ``partnerwatch watch --format csv`` in a
fresh process (interpreter start, imports, the store opened, the watch built,
the store's version already recorded). Target: under 5 s.

    python bench/watch.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time

from partnerwatch.store import connect, store_target
from partnerwatch.watch.columns import Window
from partnerwatch.watch.table import build_watch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    subprocess.run(["partnerwatch", "watch", "--format", "csv"], check=True, capture_output=True)  # records it
    con = connect(store_target(), read_only=True)
    build_watch(con, Window())
    inside = []
    for _ in range(args.runs):
        start = time.perf_counter()
        watch = build_watch(con, Window())
        inside.append(time.perf_counter() - start)
    con.close()
    command = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run(["partnerwatch", "watch", "--format", "csv"], check=True, capture_output=True, env=os.environ)
        command.append(time.perf_counter() - start)
    signals = sum(len(r.signals) for r in watch.rows)
    print(f"{len(watch.rows)} countries, {signals} signals")
    print(f"build_watch: median {statistics.median(inside):.2f} s (runs: {', '.join(f'{t:.2f}' for t in inside)})")
    print(f"partnerwatch watch --format csv: median {statistics.median(command):.2f} s")


if __name__ == "__main__":
    main()
