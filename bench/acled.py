"""Benchmark: ``partnerwatch ingest acled`` on a synthetic scale-up of real events, against DuckDB's ``read_csv``.

The file is built by resampling the real Mali events of the HDX export in
the shared corpus into ACLED's current export format (31 columns), each with
a fresh ``event_id_cnty`` (``SYN…``) and timestamp: real rows, synthetic
volume. A note beside the file says so (``<file>.README.txt``); the CSV itself
carries no comment line because ACLED's format has none.

DuckDB reading the same file straight into a table is the floor for our
design. Each ingest runs in its own process (the CLI, as a user runs it) so
its peak RSS is its own; floor and ingest alternate.

    python bench/acled.py --events 250000 500000 1000000 [--dir DIR]

Not a test: results go in docs/benchmarks.md with the command used.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from measure import run_measured

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "acled" / "mali_hdx_1997-2020.csv"
CURRENT = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
).split(",")
DISORDER = {
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}


def real_events(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if not r["event_id_cnty"].startswith("#")]


def write_file(path: Path, events: int, source: list[dict[str, str]]) -> None:
    rng = random.Random(2026)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CURRENT)
        for i in range(events):
            real = rng.choice(source)
            row = dict.fromkeys(CURRENT, "")
            row.update({k: v for k, v in real.items() if k in row})
            row["event_id_cnty"] = f"SYN{i + 1}"
            row["timestamp"] = str(1_600_000_000 + i)
            row["disorder_type"] = DISORDER.get(real["event_type"], "Political violence")
            civilians = real["event_type"] == "Violence against civilians" or "Civilians" in real["actor2"]
            row["civilian_targeting"] = "Civilian targeting" if civilians else ""
            writer.writerow([row[c] for c in CURRENT])
    path.with_name(path.name + ".README.txt").write_text(
        f"{path.name}: a synthetic scale-up for benchmarks, not ACLED data. {events:,} events resampled with"
        f" replacement from the real Mali events of {SHARED.name}, with fresh ids (SYN1…) and timestamps.\n",
        encoding="utf-8",
    )


def floor(path: Path, database: str = ":memory:") -> float:
    """DuckDB's read_csv into a table: in memory (the floor), or into a database file, committed and closed."""
    con = duckdb.connect(database, config={"autoinstall_known_extensions": False})
    start = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header=true)", [str(path)])
    con.close()
    elapsed = time.perf_counter() - start
    if database != ":memory:":
        Path(database).unlink()
    return elapsed


def ingest(path: Path, home: Path) -> tuple[float, int]:
    exe = Path(sys.executable).with_name("partnerwatch")
    return run_measured([str(exe), "ingest", "acled", str(path)], {**os.environ, "PARTNERWATCH_HOME": str(home)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, nargs="+", default=[250_000, 500_000, 1_000_000])
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="pw-acled-bench-"))
    source = real_events(SHARED)
    print(
        f"{'events':>10} {'MB':>6} {'floor s':>8} {'to file s':>9} {'ingest s':>9} {'ratio':>6} {'peak RSS':>9}"
        f" {'re-ingest s':>12}"
    )
    for events in args.events:
        path = folder / f"acled_synthetic_{events}.csv"
        write_file(path, events, source)
        home = folder / f"home_{events}"
        shutil.rmtree(home, ignore_errors=True)  # a store left by an earlier run would make the ingest a no-op
        base = floor(path)
        to_file = floor(path, str(folder / "floor.duckdb"))
        took, peak_kb = ingest(path, home)
        again, _ = ingest(path, home)
        size = path.stat().st_size / 1e6
        print(
            f"{events:>10,} {size:>6.0f} {base:>8.2f} {to_file:>9.2f} {took:>9.2f} {took / base:>5.1f}x"
            f" {peak_kb / 1024:>7.0f}MB"
            f" {again:>12.2f}"
        )
        path.unlink()


if __name__ == "__main__":
    main()
