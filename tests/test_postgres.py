"""The store on PostgreSQL: every command, atomic and idempotent loads, concurrent writers, the web app.

Each test gets a new database on the server ``.ci/run`` starts (see
``postgres_url`` in conftest). The figures themselves are compared with
DuckDB's in ``test_engines.py``.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from partnerwatch.datapackage import export_package
from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest, load_bundled
from partnerwatch.store import SnapshotRecord, connect, load_snapshot
from partnerwatch.store.schema import MIGRATIONS
from partnerwatch.web import create_app
from tests.conftest import table_snapshot
from tests.test_cli import run

DATA = Path(__file__).parent / "data"
HOSTILE = Path(__file__).parent / "hostile"


def _count(url: str, sql: str) -> int:
    with psycopg.connect(url) as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_every_command_uses_postgresql(postgres_url: str, home: Path, tmp_path: Path) -> None:
    init = run("init", home=home, db=postgres_url)
    assert init.returncode == 0, init.stderr
    assert f"schema version {MIGRATIONS[-1].version}" in init.stdout and "loaded 239 rows" in init.stdout
    secret = urlsplit(postgres_url).password
    assert secret and f":{secret}@" not in init.stdout + init.stderr and ":***@" in init.stdout
    loaded = run("ingest", "acled", str(DATA / "acled" / "current_export.csv"), home=home, db=postgres_url)
    assert loaded.returncode == 0, loaded.stderr
    assert _count(postgres_url, "SELECT count(*) FROM harm_events") == 4
    figures = run("figures", "MLI", "--json", "--period", "2001-2022", home=home, db=postgres_url)
    by_id = {f["id"]: f for f in json.loads(figures.stdout)}
    assert by_id["mli-state-and-allies-civilian-fatalities-2001-2022"]["value"] == 300.0
    exported = run("export", "harm_events", "--format", "json", home=home, db=postgres_url)
    assert sorted(r["event_id"] for r in json.loads(exported.stdout)) == ["MLI9001", "MLI9002", "MLI9003", "MLI9004"]
    package = run("export", "--all", str(tmp_path / "pkg"), home=home, db=postgres_url)
    assert package.returncode == 0, package.stderr
    resources = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())["resources"]
    assert {r["name"]: r["rows"] for r in resources}["facts"] == 138
    sheet = run("factsheet", "MLI", "--out", str(tmp_path / "mali.md"), home=home, db=postgres_url)
    assert sheet.returncode == 0, sheet.stderr
    assert "Mali" in (tmp_path / "mali.md").read_text(encoding="utf-8")
    assert not (home / "partnerwatch.duckdb").exists()


def test_loads_are_idempotent_and_a_refused_file_changes_nothing(postgres_url: str) -> None:
    con = connect(postgres_url)
    first = ingest(con, "sipri-transfers", DATA / "sipri" / "register_small.csv")
    before = table_snapshot(con)
    assert not first.unchanged and before["arms_transfers"] == first.rows
    assert ingest(con, "sipri-transfers", DATA / "sipri" / "register_small.csv").unchanged
    with pytest.raises(PartnerWatchError, match="bad-number"):
        ingest(con, "sipri-transfers", DATA / "sipri" / "register_bad_values.csv")
    with pytest.raises(PartnerWatchError, match="duplicate-row"):
        ingest(con, "acled", HOSTILE / "acled" / "duplicate_id.csv")
    assert table_snapshot(con) == before
    con.close()


def test_a_failure_inside_the_transaction_rolls_everything_back(postgres_url: str) -> None:
    """The server refuses a row (NOT NULL) after the snapshot row and other tables were written."""
    con = connect(postgres_url)
    load_bundled(con)
    before = table_snapshot(con)
    record = SnapshotRecord("test", "bad.csv", "0" * 64, 1, 2, "", "", "", "", "", "", "MLI", "")
    good = pa.table({"country_iso3": ["MLI"], "year": [2020], "measure": ["x"], "value": [1.0]})
    bad = pa.table({"country_iso3": [None], "year": [2020], "measure": ["x"], "value": [1.0]}, schema=good.schema)
    with pytest.raises(PartnerWatchError, match="store-error: load failed and was rolled back"):
        load_snapshot(con, record, {"milex": good, "displacement": bad})
    assert table_snapshot(con) == before
    con.close()


def test_two_processes_loading_the_same_file_make_one_snapshot(postgres_url: str) -> None:
    results: list[object] = []

    def load() -> None:
        con = connect(postgres_url)
        try:
            results.append(ingest(con, "acled", DATA / "acled" / "current_export.csv"))
        finally:
            con.close()

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3
    assert _count(postgres_url, "SELECT count(*) FROM snapshots WHERE source = 'acled'") == 1
    assert _count(postgres_url, "SELECT count(*) FROM harm_events") == 4


def test_a_wrong_password_is_not_repeated(postgres_url: str) -> None:
    parts = urlsplit(postgres_url)
    wrong = urlunsplit(parts._replace(netloc=f"{parts.username}:not-the-S3cret@{parts.hostname}:{parts.port or 5432}"))
    with pytest.raises(PartnerWatchError) as caught:
        connect(wrong)
    assert "store-error" in str(caught.value) and "not-the-S3cret" not in str(caught.value)


def test_the_web_app_serves_a_postgresql_store(postgres_url: str) -> None:
    con = connect(postgres_url)
    load_bundled(con)
    ingest(con, "acled", DATA / "acled" / "current_export.csv")
    con.close()
    with TestClient(create_app(postgres_url)) as client:
        country = client.get("/api/countries/MLI").json()
        assert country["rows"]["facts"] == 138 and country["rows"]["harm_events"] == 4
        figures = client.get("/api/countries/MLI/figures", params={"year_from": 2001, "year_to": 2022}).json()
        assert any(f["id"] == "mli-state-and-allies-civilian-fatalities-2001-2022" for f in figures)
        rows = client.get("/api/tables/harm_events").json()
        assert rows["aggregated"] and sum(r["events"] for r in rows["rows"]) == 4
        page = client.get("/api/tables/facts", params={"limit": 5}).json()
        assert len(page["rows"]) == 5 and page["rows"][0]["fact_id"] == "mli-aid-2020-hum-health"
        assert client.get("/countries/MLI").status_code == 200


def test_the_package_of_a_postgresql_store(postgres_url: str, tmp_path: Path) -> None:
    con = connect(postgres_url)
    load_bundled(con)
    ingest(con, "sipri-transfers", DATA / "sipri" / "register_small.csv")
    descriptor = export_package(con, tmp_path / "pkg")
    counts = table_snapshot(con)
    con.close()
    assert {r["name"]: r["rows"] for r in descriptor["resources"]} == {
        r["name"]: counts[r["name"]] for r in descriptor["resources"]
    }
    transfers = pa.parquet.read_table(tmp_path / "pkg" / "arms_transfers.parquet")
    assert transfers.schema.field("delivery_years").type == pa.list_(pa.int32())


def test_a_lost_connection_is_a_coded_error_and_commits_nothing(postgres_url: str) -> None:
    con = connect(postgres_url)
    load_bundled(con)
    before = table_snapshot(con)
    pid = con.execute("SELECT pg_backend_pid()").fetchall()[0][0]
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    with pytest.raises(PartnerWatchError) as caught:
        ingest(con, "acled", DATA / "acled" / "current_export.csv")
    message = str(caught.value)
    assert "store-error: lost the connection to the store" in message
    assert f":{urlsplit(postgres_url).password}@" not in message
    again = connect(postgres_url)
    assert table_snapshot(again) == before
    again.close()
