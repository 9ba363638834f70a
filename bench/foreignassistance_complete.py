"""Benchmark: stream ForeignAssistance.gov complete files of growing size; rows/s and peak memory.

The real complete file is over 3 GB; this writes synthetic files in its exact
column layout (rows built from a handful of realistic templates with fresh
activity ids, including quoted descriptions with commas and line breaks),
then runs ``partnerwatch ingest foreignassistance`` on each in a fresh
process and store, reading peak RSS from the child's resource usage, and
times DuckDB's own ``read_csv`` of the same file (the floor) before it.

    python bench/foreignassistance_complete.py --sizes 0.5 1 2   # GB
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from measure import run_measured

COLUMNS = [
    "Country ID",
    "Country Code",
    "Country Name",
    "Region ID",
    "Region Name",
    "Income Group ID",
    "Income Group Name",
    "Income Group Acronym",
    "Managing Agency ID",
    "Managing Agency Acronym",
    "Managing Agency Name",
    "Managing Sub-agency or Bureau ID",
    "Managing Sub-agency or Bureau Acronym",
    "Managing Sub-agency or Bureau Name",
    "Implementing Partner Category ID",
    "Implementing Partner Category Name",
    "Implementing Partner Sub-category ID",
    "Implementing Partner Sub-category Name",
    "Implementing Partner ID",
    "Implementing Partner Name",
    "International Category ID",
    "International Category Name",
    "International Sector Code",
    "International Sector Name",
    "International Purpose Code",
    "International Purpose Name",
    "US Category ID",
    "US Category Name",
    "US Sector ID",
    "US Sector Name",
    "Funding Account ID",
    "Funding Account Name",
    "Funding Agency ID",
    "Funding Agency Name",
    "Funding Agency Acronym",
    "Foreign Assistance Objective ID",
    "Foreign Assistance Objective Name",
    "Aid Type Group ID",
    "Aid Type Group Name",
    "Activity ID",
    "Submission ID",
    "Activity Name",
    "Activity Description",
    "Activity Project Number",
    "Activity Start Date",
    "Activity End Date",
    "Transaction Type ID",
    "Transaction Type Name",
    "Fiscal Year",
    "Transaction Date",
    "Current Dollar Amount",
    "Constant Dollar Amount",
]
TEMPLATES = [
    (
        "466",
        "MLI",
        "Mali",
        "Peace and Security",
        "Conflict Mitigation and Reconciliation",
        "19x1032",
        "Peacekeeping Operations",
        "Department of State",
    ),
    (
        "466",
        "MLI",
        "Mali",
        "Humanitarian Assistance",
        "Protection, Assistance and Solutions",
        "72x1035",
        "International Disaster Assistance",
        "U.S. Agency for International Development",
    ),
    (
        "566",
        "NGA",
        "Nigeria",
        "Health",
        "HIV/AIDS",
        "19x1031",
        "Global Health Programs - State",
        "Department of State",
    ),
    (
        "231",
        "ETH",
        "Ethiopia",
        "Economic Development",
        "Agriculture",
        "72x1021",
        "Development Assistance",
        "U.S. Agency for International Development",
    ),
    (
        "",
        "NULL",
        "Sudan (former)",
        "Democracy, Human Rights, and Governance",
        "Rule of Law",
        "19x1037",
        "Economic Support Fund",
        "Department of State",
    ),
]


def write_file(path: Path, target_bytes: int) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        while fh.tell() < target_bytes:
            buffer = io.StringIO()
            block = csv.writer(buffer)
            for i in range(5000):
                cid, code, name, cat, sector, acct_id, acct, agency = TEMPLATES[(rows + i) % len(TEMPLATES)]
                row = dict.fromkeys(COLUMNS, "")
                row.update(
                    {
                        "Country ID": cid,
                        "Country Code": code,
                        "Country Name": name,
                        "US Category Name": cat,
                        "US Sector Name": sector,
                        "Funding Account ID": acct_id,
                        "Funding Account Name": acct,
                        "Managing Agency Name": agency,
                        "Activity ID": f"ACT-{rows + i}",
                        "Activity Name": f"Activity {rows + i}",
                        "Activity Description": 'Support to partners, "phase 2"\nincluding training',
                        "Transaction Type Name": "Obligations" if i % 3 else "Disbursements",
                        "Fiscal Year": str(2001 + (rows + i) % 22),
                        "Current Dollar Amount": str(1000 + i),
                        "Constant Dollar Amount": f"{1100 + i}.25",
                    }
                )
                block.writerow([row[c] for c in COLUMNS])
            fh.write(buffer.getvalue())
            rows += 5000
    return rows


def floor(path: Path, database: str = ":memory:") -> float:
    """DuckDB's own read_csv of the same file into a table (in memory: the floor; or a database file, closed)."""
    con = duckdb.connect(database, config={"autoinstall_known_extensions": False, "memory_limit": "2GB"})
    start = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header=true, all_varchar=true)", [str(path)])
    con.close()
    elapsed = time.perf_counter() - start
    if database != ":memory:":
        Path(database).unlink()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 1.0, 2.0], help="file sizes in GB")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="pw-fa-bench-"))
    exe = Path(sys.executable).with_name("partnerwatch")
    print(
        f"{'size':>8} {'rows':>12} {'floor s':>8} {'to file s':>9} {'seconds':>8} {'ratio':>6} {'rows/s':>10}"
        f" {'peak RSS':>10}"
    )
    for size in args.sizes:
        path = folder / f"complete_{size:g}GB.csv"
        rows = write_file(path, int(size * 1e9))
        home = folder / f"home_{size:g}"
        base = floor(path)
        to_file = floor(path, str(folder / "floor.duckdb"))
        env = {**os.environ, "PARTNERWATCH_HOME": str(home)}
        elapsed, peak = run_measured([str(exe), "ingest", "foreignassistance", str(path)], env)
        print(
            f"{size:>6g}GB {rows:>12,} {base:>8.1f} {to_file:>9.1f} {elapsed:>8.1f} {elapsed / base:>5.1f}x"
            f" {rows / elapsed:>10,.0f}"
            f" {peak / 1024:>8.0f}MB"
        )
        path.unlink()
        for item in sorted(home.rglob("*"), reverse=True):
            item.unlink() if item.is_file() else item.rmdir()


if __name__ == "__main__":
    main()
