"""Shared fixtures: a fresh store per test, a private PARTNERWATCH_HOME, and the real corpus."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import psycopg
import pytest

from partnerwatch.store import Connection, connect

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own PartnerWatch home, so snapshot copies never leak between tests."""
    target = tmp_path / "pwhome"
    monkeypatch.setenv("PARTNERWATCH_HOME", str(target))
    return target


@pytest.fixture
def store() -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh, migrated in-memory store (sqlite-utils' fresh_db habit)."""
    con = connect(":memory:")
    assert isinstance(con, duckdb.DuckDBPyConnection)
    yield con
    con.close()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real corpus; skipped when absent on a developer machine, required in CI."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the shared corpus is missing at {SHARED_DATA}")
        pytest.skip("the shared data corpus (../shared/data) is not present")
    return SHARED_DATA


def table_snapshot(con: Connection) -> dict[str, int]:
    """Row counts of every table: a cheap fingerprint to prove a failed load changed nothing."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
    ]
    counts = {}
    for t in sorted(tables):
        row = con.execute(f'SELECT count(*) FROM "{t}"').fetchone()
        counts[t] = int(row[0]) if row else 0
    return counts


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, dropped afterwards: its URL."""
    name = f"pw_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The server the PostgreSQL tests use (``.ci/run`` starts Debian's on 127.0.0.1); required in CI."""
    url = os.environ.get("PARTNERWATCH_TEST_POSTGRES", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but PARTNERWATCH_TEST_POSTGRES is not set")
        pytest.skip("no PostgreSQL server for the tests (set PARTNERWATCH_TEST_POSTGRES)")
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    with fresh_database(postgres_server) as url:
        yield url
