"""Shared fixtures: a fresh store per test, a private PARTNERWATCH_HOME, and the real corpus."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from partnerwatch.store import connect

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


def table_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of every table: a cheap fingerprint to prove a failed load changed nothing."""
    tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    counts = {}
    for t in sorted(tables):
        row = con.execute(f'SELECT count(*) FROM "{t}"').fetchone()
        counts[t] = int(row[0]) if row else 0
    return counts
