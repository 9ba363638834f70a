"""Where the store lives and how it is opened, created and migrated.

The default is one DuckDB file under ``$PARTNERWATCH_HOME`` (else the
platform's user data directory), created and migrated on first use so that a
new user never runs a set-up step. DuckDB may only use the extensions built
into the wheel: nothing is downloaded at run time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import duckdb
import pyarrow as pa

from partnerwatch.countries import crosswalk
from partnerwatch.errors import PartnerWatchError
from partnerwatch.store.load import clear_dead_stages, insert_arrow
from partnerwatch.store.paths import default_db_path
from partnerwatch.store.schema import MIGRATIONS

DEFAULT_MEMORY_LIMIT = "256MB"


def duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB settings: no extension downloads; a memory cap so big loads spill instead of growing.

    ``PARTNERWATCH_MEMORY_LIMIT`` (e.g. ``4GB``) raises or lowers the cap.
    """
    return {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": os.environ.get("PARTNERWATCH_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
    }


def connect(path: Path | str | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) and migrate the store; ``":memory:"`` for a throwaway one."""
    target = str(default_db_path() if path is None else path)
    try:
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        if read_only and target != ":memory:" and Path(target).exists():
            con = duckdb.connect(target, read_only=True, config=duckdb_config())
            _check_version(con, target)
            return con
        con = duckdb.connect(target, config=duckdb_config())
    except (duckdb.Error, OSError) as exc:
        raise PartnerWatchError.single("store-error", f"cannot open the store: {exc}", file=target) from None
    migrate(con)
    if target != ":memory:":
        clear_dead_stages()  # this process now holds the store's write lock: no other load is running on it
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()
    if not exists[0][0]:
        return 0
    rows = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()
    return int(rows[0][0])


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Run pending migrations, each in its own transaction; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    con.execute("CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    current = schema_version(con)
    applied: list[int] = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in migration.statements:
                con.execute(statement)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, current_timestamp)",
                [migration.version, migration.description],
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise PartnerWatchError.single("store-error", f"migration {migration.version} failed: {exc}") from None
        applied.append(migration.version)
    _sync_countries(con)
    return applied


def _check_version(con: duckdb.DuckDBPyConnection, target: str) -> None:
    latest = MIGRATIONS[-1].version
    if schema_version(con) < latest:
        raise PartnerWatchError.single(
            "store-error",
            f"store is at schema version {schema_version(con)}, this PartnerWatch needs {latest}:"
            " run 'partnerwatch init' once to migrate it",
            file=target,
        )


def _sync_countries(con: duckdb.DuckDBPyConnection) -> None:
    """Refresh ``countries`` and ``country_aliases`` when the packaged crosswalk changed."""
    walk = crosswalk()
    digest = hashlib.sha256(repr((walk.countries, walk.aliases)).encode("utf-8")).hexdigest()
    rows = con.execute("SELECT value FROM store_meta WHERE key = 'crosswalk_sha256'").fetchall()
    if rows and rows[0][0] == digest:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM countries")
        con.execute("DELETE FROM country_aliases")
        insert_arrow(
            con,
            "countries",
            pa.Table.from_pylist([dataclasses.asdict(c) for c in walk.countries]),
        )
        source, alias, iso3 = (list(col) for col in zip(*walk.aliases, strict=True))
        insert_arrow(con, "country_aliases", pa.table({"source": source, "alias": alias, "iso3": iso3}))
        con.execute("INSERT OR REPLACE INTO store_meta VALUES ('crosswalk_sha256', ?)", [digest])
        con.execute("COMMIT")
    except duckdb.Error:
        con.execute("ROLLBACK")
        raise
