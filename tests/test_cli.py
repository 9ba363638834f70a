"""The CLI as a user runs it: the installed console script, in a subprocess, with its own home."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "sipri"


def partnerwatch_command() -> list[str]:
    """The console script of the Python running the tests (its virtual environment need not be active)."""
    beside = Path(sys.executable).with_name("partnerwatch")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("partnerwatch")
    return [found] if found else [sys.executable, "-m", "partnerwatch.cli"]


def run(
    *args: str, home: Path, db: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``db`` sets PARTNERWATCH_DB (a PostgreSQL URL, say); ``env`` adds variables."""
    command = partnerwatch_command()
    env = {**os.environ, "PARTNERWATCH_HOME": str(home), "COLUMNS": "200", "PYTHONWARNINGS": "error", **(env or {})}
    if db is not None:
        env["PARTNERWATCH_DB"] = db
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=120)


def test_init_creates_the_store_and_loads_the_curated_dataset(home: Path) -> None:
    result = run("init", home=home)
    assert result.returncode == 0, result.stderr
    assert (home / "partnerwatch.duckdb").is_file()
    assert "loaded 239 rows" in result.stdout
    again = run("init", home=home)
    assert "already loaded" in again.stdout


def test_ingest_error_lines_and_exit_status(home: Path) -> None:
    result = run("ingest", "sipri-transfers", str(DATA / "register_bad_values.csv"), home=home)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "register_bad_values.csv:13:SIPRI TIV per unit: bad-number: 'ten' is not a number"
    assert "not loaded; the store is unchanged" in lines[-1]
    assert "Traceback" not in result.stderr
    unknown = run("ingest", "no-such-source", str(DATA / "register_small.csv"), home=home)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("unknown-source: no source named 'no-such-source'")


def test_ingest_export_and_sources(home: Path) -> None:
    first = run("ingest", "sipri-transfers", str(DATA / "register_small.csv"), home=home)
    assert first.returncode == 0, first.stderr
    assert "loaded 4 rows as snapshot 2" in first.stdout
    second = run("ingest", "sipri-transfers", str(DATA / "register_small.csv"), home=home)
    assert "already loaded as snapshot 2; nothing changed" in second.stdout
    exported = run("export", "arms_transfers", "--country", "MLI", "--format", "csv", home=home)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [r["supplier_iso3"] for r in rows] == ["RUS", "BGR"]
    assert rows[1]["delivery_years"] == "2011;2012"
    assert rows[1]["snapshot_id"] == "2"
    as_json = json.loads(run("export", "facts", "--country", "Mali", "--format", "json", home=home).stdout)
    assert len(as_json) == 138
    parquet = home / "out" / "t.parquet"
    assert run("export", "arms_transfers", "--format", "parquet", "--out", str(parquet), home=home).returncode == 0
    assert parquet.read_bytes()[:4] == b"PAR1"
    listing = run("sources", home=home)
    assert "sipri-transfers" in listing.stdout and "register_small.csv" in listing.stdout
    bad = run("export", "no_table", home=home)
    assert bad.returncode == 2 and bad.stderr.startswith("unknown-table:")


def test_factsheet_markdown_for_mali(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "mali.md"
    result = run("factsheet", "MLI", "--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# U.S. Security Partnership and the Protection of Civilians: Mali")
    assert "$16.6 million in peace and security assistance.[^" in text  # the narrative, its number live
    assert "| Section 333 Building Partner Capacity | $8,545,000 |" in text
    assert "| Peacekeeping Operations | 3,908 |" in text
    assert "Moura, Mopti region" in text
    assert "Geneva Conventions (international convention)" in text
    assert "add up to 11,163" in text  # the published training table does not add up to 9,849
    assert text.count("[^1]:") == 1
    unknown = run("factsheet", "XYZ", home=home)
    assert unknown.returncode == 2 and "unknown-country" in unknown.stderr


def test_factsheet_for_a_country_without_data_says_so(home: Path) -> None:
    result = run("factsheet", "NER", "--format", "md", home=home)
    assert result.returncode == 0
    assert "No data is loaded for this country yet." in result.stdout
    # Each section says in one plain sentence what is missing, instead of a heading over nothing.
    assert (
        "## Civilian harm\n\nCivilian harm by perpetrator cannot be computed for Niger from the loaded data:"
        " no ACLED events loaded for this country and period." in result.stdout
    )


@pytest.mark.shared_data
def test_real_register_through_the_cli(home: Path, shared_data: Path) -> None:
    path = str(shared_data / "sipri" / "trade-register_2025-03-13.csv")
    assert "loaded 29,515 rows" in run("ingest", "sipri-transfers", path, home=home).stdout
    assert "nothing changed" in run("ingest", "sipri-transfers", path, home=home).stdout
    exported = run("export", "arms_transfers", "--country", "MLI", "--format", "csv", home=home).stdout
    assert len(list(csv.DictReader(io.StringIO(exported)))) == 102
    sheet = run("factsheet", "MLI", home=home).stdout
    assert "| 1 | Russia | 75.00 | 4 |" in sheet
    assert "U.S. rank 9 published, 10 computed" in sheet


@pytest.mark.shared_data
def test_harm_events_export_and_unidentified_share(home: Path, shared_data: Path) -> None:
    path = str(shared_data / "acled" / "mali_hdx_1997-2020.csv")
    assert run("ingest", "acled", path, home=home).returncode == 0
    exported = run("export", "harm_events", "--country", "MLI", "--format", "csv", home=home).stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 3990 and all(r["perpetrator_class"] for r in rows)
    listing = run("sources", home=home).stdout
    assert "harm_events from acled: 3,990 events; perpetrator unidentified in" in listing
