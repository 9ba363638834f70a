"""Benchmark: ``ingest sipri-transfers`` against DuckDB's own ``read_csv`` of the same file.

DuckDB reading the register straight into a table is the floor for our
design (it parses nothing SIPRI-specific: no flags, no rejoined comments, no
crosswalk). Runs alternate, in one process, on fresh in-memory stores.

    python bench/sipri_transfers.py [PATH] [--runs N]

Prints the median of each and their ratio. Not a test: results go in
docs/benchmarks.md with the command that produced them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from partnerwatch.ingest import ingest
from partnerwatch.store import connect

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "sipri" / "trade-register_2025-03-13.csv"


def floor(path: Path) -> float:
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    start = time.perf_counter()
    con.execute(
        "CREATE TABLE t AS SELECT * FROM read_csv(?, skip=11, header=true, encoding='latin-1',"
        """ quote='"', escape='"', null_padding=true, strict_mode=false, parallel=false)""",
        [str(path)],
    )
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def ours(path: Path) -> float:
    con = connect(":memory:")
    start = time.perf_counter()
    ingest(con, "sipri-transfers", path)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    assert ingest(con, "sipri-transfers", path).unchanged
    ours.reingest = time.perf_counter() - start  # type: ignore[attr-defined]
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["PARTNERWATCH_HOME"] = tempfile.mkdtemp(prefix="pw-bench-")
    floors, mine, again = [], [], []
    for _ in range(args.runs):
        floors.append(floor(args.path))
        mine.append(ours(args.path))
        again.append(ours.reingest)  # type: ignore[attr-defined]
    f, m = statistics.median(floors), statistics.median(mine)
    print(f"file: {args.path.name} ({args.path.stat().st_size:,} bytes), runs: {args.runs}")
    print(f"duckdb read_csv (floor): {f * 1000:.0f} ms")
    print(f"partnerwatch ingest:     {m * 1000:.0f} ms  ratio {m / f:.1f}x")
    print(f"re-ingest unchanged:     {statistics.median(again) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
