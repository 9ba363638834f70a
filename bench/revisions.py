"""Benchmark: what comparing a new release with the one it supersedes costs a load.

Builds the synthetic ACLED export of ``bench/acled.py`` (real Mali events
resampled, fresh ids), then a later release of the same file: 1% of events
revised (one more fatality, a newer timestamp), 0.5% gone, 0.5% new. Three
CLI ingests, each in its own process: the first release into a fresh store,
the later release over it (superseding, so the load compares them), and the
later release into another fresh store (no comparison) — the difference
between the last two is what superseding costs, the comparison and the
removal of the old rows together. The revisions the store kept are checked
against the numbers built into the file.

    python bench/revisions.py --events 200000 1000000 [--dir DIR]

Not a test: results go in docs/benchmarks.md with the command used.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
from pathlib import Path

import duckdb
from acled import SHARED, ingest, real_events, write_file


def later_release(first: Path, later: Path) -> tuple[int, int, int]:
    """Write the later release; (revised, removed, added) as built."""
    revised = removed = added = 0
    with first.open(encoding="utf-8", newline="") as src, later.open("w", encoding="utf-8", newline="") as dst:
        reader = csv.DictReader(src)
        fields = list(reader.fieldnames or [])
        writer = csv.DictWriter(dst, fields)
        writer.writeheader()
        last: dict[str, str] = {}
        for i, row in enumerate(reader):
            last = row
            if i % 200 == 7:
                removed += 1
                continue
            if i % 100 == 3:
                row = {
                    **row,
                    "fatalities": str(int(row["fatalities"] or 0) + 1),
                    "timestamp": str(int(row["timestamp"]) + 10**8),
                }
                revised += 1
            writer.writerow(row)
        for j in range(removed):  # as many new events as gone ones
            writer.writerow({**last, "event_id_cnty": f"NEW{j + 1}", "timestamp": str(1_800_000_000 + j)})
            added += 1
    return revised, removed, added


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="pw-revisions-bench-"))
    source = real_events(SHARED)
    print(
        f"{'events':>10} {'first s':>8} {'later, superseding s':>21} {'later, fresh s':>15} {'cost s':>7}"
        f" {'revised':>8} {'added':>6} {'removed':>8}"
    )
    for events in args.events:
        (folder / "a").mkdir(parents=True, exist_ok=True)
        (folder / "b").mkdir(parents=True, exist_ok=True)
        first, later = folder / "a" / "acled_synthetic.csv", folder / "b" / "acled_synthetic.csv"
        write_file(first, events, source)
        built = later_release(first, later)
        homes = [folder / f"home_{events}_{k}" for k in ("over", "fresh")]
        for home in homes:
            shutil.rmtree(home, ignore_errors=True)
        took_first, _ = ingest(first, homes[0])
        took_over, _ = ingest(later, homes[0])
        took_fresh, _ = ingest(later, homes[1])
        with duckdb.connect(str(homes[0] / "partnerwatch.duckdb"), read_only=True) as con:
            kept = con.execute("SELECT revised, removed, added FROM snapshot_revisions").fetchall()
        assert kept == [built], f"kept {kept}, built {built}"
        print(
            f"{events:>10,} {took_first:>8.2f} {took_over:>21.2f} {took_fresh:>15.2f} {took_over - took_fresh:>7.2f}"
            f" {built[0]:>8,} {built[2]:>6,} {built[1]:>8,}"
        )
        for home in homes:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
