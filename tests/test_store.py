from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from partnerwatch import intake
from partnerwatch.errors import PartnerWatchError
from partnerwatch.store import DATA_TABLES, SnapshotRecord, connect, load_snapshot
from partnerwatch.store.connection import migrate, schema_version
from partnerwatch.store.schema import MIGRATIONS
from tests.conftest import table_snapshot


def _record(sha: str = "a" * 64, scope: str = "all") -> SnapshotRecord:
    return SnapshotRecord(
        source="test",
        file_name="t.csv",
        sha256=sha,
        bytes=1,
        rows=2,
        producer="p",
        citation="c",
        licence="l",
        url="",
        release="",
        notes="",
        scope=scope,
        stored_path="",
    )


def test_new_store_is_migrated_and_seeded_with_the_crosswalk(store: duckdb.DuckDBPyConnection) -> None:
    assert schema_version(store) == MIGRATIONS[-1].version
    tables = {r[0] for r in store.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert set(DATA_TABLES) | {"countries", "country_aliases", "snapshots", "schema_version"} <= tables
    assert store.execute("SELECT name, gw_code FROM countries WHERE iso3 = 'MLI'").fetchone() == ("Mali", 432)
    for table in DATA_TABLES:
        columns = [r[0] for r in store.execute(f"DESCRIBE {table}").fetchall()]
        assert columns[0] == "snapshot_id", table


def test_migrate_twice_changes_nothing(store: duckdb.DuckDBPyConnection) -> None:
    before = table_snapshot(store)
    assert migrate(store) == []
    assert table_snapshot(store) == before


def test_file_store_persists_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "pw.duckdb"
    con = connect(path)
    load_snapshot(
        con,
        _record(),
        {"milex": pa.table({"country_iso3": ["MLI"], "year": [2020], "measure": ["constant_usd"], "value": [1.0]})},
    )
    con.close()
    again = connect(path, read_only=True)
    assert again.execute("SELECT count(*) FROM milex").fetchone() == (1,)
    again.close()


def test_failed_load_rolls_back_everything(store: duckdb.DuckDBPyConnection) -> None:
    good = pa.table({"country_iso3": ["MLI"], "year": [2020], "measure": ["m"], "value": [1.0]})
    # The second table violates NOT NULL on country_iso3, after the first has been inserted.
    bad = pa.table({"country_iso3": pa.array([None], pa.string()), "fiscal_year": [2020]})
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        load_snapshot(store, _record(), {"milex": good, "assistance": bad})
    assert caught.value.errors[0].code == "store-error"
    assert table_snapshot(store) == before


def test_unknown_column_is_refused_before_writing(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(PartnerWatchError, match="not in the canonical table"):
        load_snapshot(store, _record(), {"milex": pa.table({"country_iso3": ["MLI"], "colour": ["red"]})})
    assert store.execute("SELECT count(*) FROM snapshots").fetchone() == (0,)


def test_opening_the_store_clears_stages_of_dead_loads(home: Path) -> None:
    """A load killed mid-way leaves its Parquet stage behind; the next writer removes it, and only it."""
    dead = home / "staging" / "999999999-abc"
    alive = home / "staging" / f"{os.getpid()}-def"
    for folder in (dead, alive):
        folder.mkdir(parents=True)
        (folder / "assistance.parquet").write_bytes(b"PAR1")
    connect(home / "partnerwatch.duckdb").close()
    assert sorted(p.name for p in (home / "staging").iterdir()) == [alive.name]


def test_large_files_are_not_hashed_again_while_unchanged(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A no-op re-ingest of a gigabyte should not cost a full sha256; any change to the file must."""
    monkeypatch.setattr(intake, "REMEMBER_ABOVE", 0)
    hashed: list[Path] = []
    real_hash = intake._copy_hashing

    def counting(path: Path, into: Path | None) -> tuple[str, int]:
        hashed.append(path)
        return real_hash(path, into)

    monkeypatch.setattr(intake, "_copy_hashing", counting)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n1,2\n")
    first = intake.fingerprint(path)
    assert intake.fingerprint(path) == first
    assert len(hashed) == 1
    times = path.stat()
    path.write_bytes(b"a,b\n1,3\n")  # same size; even with the old modification time put back
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    second = intake.fingerprint(path)
    assert second != first and len(hashed) == 2
    assert second[0] == hashlib.sha256(b"a,b\n1,3\n").hexdigest()


def test_schema_5_numbers_curated_rows_of_an_older_store_in_their_stored_order() -> None:
    """A store from before schema 5 has its curated rows without source_row; the migration fills it in order."""
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)")
    con.execute("CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for migration in MIGRATIONS[:4]:
        for statement in migration.statements:
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?, ?, current_timestamp)", [migration.version, ""])
    for fact_id in ("mli-z", "mli-a", "mli-m"):
        con.execute(
            "INSERT INTO facts (snapshot_id, fact_id, country_iso3, section, topic, statement, citation)"
            " VALUES (1, ?, 'MLI', 's', 't', 'x', 'c')",
            [fact_id],
        )
    assert migrate(con)[0] == 5
    rows = con.execute("SELECT fact_id, source_row FROM facts ORDER BY fact_id").fetchall()
    assert rows == [("mli-a", 2), ("mli-m", 3), ("mli-z", 1)]


def test_a_large_new_file_is_read_once_for_its_hash_and_not_again_when_unchanged(
    store: duckdb.DuckDBPyConnection, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its hash comes from the copy that is kept; a re-ingest of the unchanged file reads nothing."""
    from partnerwatch.ingest import ingest

    monkeypatch.setattr(intake, "REMEMBER_ABOVE", 0)
    reads: list[Path | None] = []
    real_hash = intake._copy_hashing

    def counting(path: Path, into: Path | None) -> tuple[str, int]:
        reads.append(into)
        return real_hash(path, into)

    monkeypatch.setattr(intake, "_copy_hashing", counting)
    path = Path(__file__).parent / "data" / "acled" / "current_export.csv"
    first = ingest(store, "acled", path)
    assert len(reads) == 1 and reads[0] is not None  # the copy, hashed as it was made
    again = ingest(store, "acled", path)
    assert again.unchanged and again.snapshot_id == first.snapshot_id and len(reads) == 1
