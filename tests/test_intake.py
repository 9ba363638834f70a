"""What is parsed is exactly what was hashed and kept; only regular files are read; older releases do not win."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from partnerwatch import ingest as ingest_module
from partnerwatch import intake
from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from partnerwatch.releases import is_older, release_rank
from tests.conftest import table_snapshot

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled" / "current_export.csv"


def test_a_file_that_grows_after_it_is_hashed_stores_only_what_was_kept(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export still being written: rows appended after the hash must not be stored without being kept."""
    lines = ACLED.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "Mali.csv"
    path.write_text("".join(lines[:3]), encoding="utf-8")
    real = intake.fingerprint_if_cheap

    def then_grows(target: Path) -> tuple[str, int] | None:
        found = real(target)
        with target.open("a", encoding="utf-8") as fh:  # the writer goes on after the hash was taken
            fh.write("".join(lines[3:]))
        return found

    monkeypatch.setattr(ingest_module, "fingerprint_if_cheap", then_grows)
    result = ingest(store, "acled", path)
    sha256, stored_path, rows = store.execute(
        "SELECT sha256, stored_path, rows FROM snapshots WHERE id = ?", [result.snapshot_id]
    ).fetchall()[0]
    kept = Path(stored_path).read_bytes()
    assert hashlib.sha256(kept).hexdigest() == sha256
    events = kept.decode("utf-8").count("\nMLI")
    assert store.execute("SELECT count(*) FROM harm_events").fetchall() == [(events,)]
    assert rows == events


def test_a_refused_file_leaves_no_copy(store: duckdb.DuckDBPyConnection, home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(ACLED.read_text(encoding="utf-8").replace(",300,", ",many,"), encoding="utf-8")
    with pytest.raises(PartnerWatchError):
        ingest(store, "acled", bad)
    assert not any((home / "snapshots").rglob("*.csv"))
    assert not any((home / "staging").iterdir())


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "empty path"])
def test_only_regular_files_are_read(store: duckdb.DuckDBPyConnection, tmp_path: Path, kind: str) -> None:
    """A pipe or /dev/zero would make the read hang or never end; a folder is not a file of this source."""
    if kind == "fifo":
        path = tmp_path / "export.csv"
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    elif kind == "folder":
        path = tmp_path
    else:
        path = Path("")
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "acled", path)
    assert [e.code for e in caught.value.errors] == ["file-not-found"]
    message = caught.value.errors[0].message
    assert ("not a regular file" in message) if kind in ("fifo", "device") else ("folder" in message)
    assert table_snapshot(store) == before


@pytest.mark.parametrize("folder", ["staging", "snapshots"])
def test_an_unusable_home_is_a_write_error(store: duckdb.DuckDBPyConnection, home: Path, folder: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / folder).write_text("a file where a folder belongs", encoding="utf-8")
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "acled", ACLED)
    assert [e.code for e in caught.value.errors] == ["write-error"]
    assert f"{folder}" in str(caught.value)
    assert table_snapshot(store) == before


def test_release_shapes_compare_only_with_their_own_kind() -> None:
    assert release_rank("2025-03-13") == ("date", (2025, 3, 13))
    assert release_rank("1948-2023") == ("span", (2023, 1948))
    assert release_rank("25.0.10") == ("version", (25, 0, 10))
    assert release_rank("FY2019") == ("year", (2019,))
    assert release_rank("") is None and release_rank("spring edition") is None
    assert is_older("2024-02-02", "2025-03-01") is True
    assert is_older("2025-03-01", "2025-03-01") is False
    assert is_older("22.1", "23.1") is True
    assert is_older("2024-02-02", "23.1") is None


def test_an_older_sipri_register_does_not_replace_a_newer_one(store: duckdb.DuckDBPyConnection) -> None:
    newer = ingest(store, "sipri-transfers", DATA / "sipri" / "register_newer.csv")
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "sipri-transfers", DATA / "sipri" / "register_small.csv")
    assert [str(e) for e in caught.value.errors] == [
        "register_small.csv: older-release: this file is release 2024-02-02, older than release 2025-03-01"
        f" (snapshot {newer.snapshot_id}), which the store keeps; to replace the newer release with it, load it"
        " with --allow-older"
    ]
    assert table_snapshot(store) == before
    forced = ingest(store, "sipri-transfers", DATA / "sipri" / "register_small.csv", allow_older=True)
    assert forced.superseded == (newer.snapshot_id,)
    assert forced.warnings == ["register_small.csv: release 2024-02-02 replaces the newer 2025-03-01 (--allow-older)"]


def _idmc_workbook(path: Path, extracted: str, value: int) -> Path:
    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = "1_Displacement_data"
    measures = [
        "Conflict Stock Displacement",
        "Conflict Internal Displacements",
        "Disaster Internal Displacements",
        "Disaster Stock Displacement",
    ]
    data.append(["ISO3", "Name", "Year", *[c for m in measures for c in (m, f"{m} (Raw)")]])
    data.append(["MLI", "Mali", 2022, value, value, None, None, None, None, None, None])
    readme = book.create_sheet("README")
    readme.append(["Title: Global Internal Displacement Database (GIDD)"])
    readme.append(["Date extracted", extracted])
    buffer = io.BytesIO()
    book.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


def test_an_older_idmc_workbook_does_not_replace_a_newer_one(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    name = "IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx"
    newer = ingest(store, "idmc", _idmc_workbook(tmp_path / "2023" / name, "24/09/2023", 380000))
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "idmc", _idmc_workbook(tmp_path / "2022" / name, "02/05/2022", 350000))
    assert caught.value.errors[0].code == "older-release"
    assert store.execute("SELECT value, snapshot_id FROM displacement").fetchall() == [(380000.0, newer.snapshot_id)]
    assert store.execute("SELECT release FROM snapshots WHERE source = 'idmc'").fetchall() == [
        (date(2023, 9, 24).isoformat(),)
    ]
    newest = ingest(store, "idmc", _idmc_workbook(tmp_path / "2024" / name, "01/06/2024", 390000))
    assert newest.superseded == (newer.snapshot_id,)
