"""Where the store lives and how it is opened, created and migrated.

The default is one DuckDB file under ``$PARTNERWATCH_HOME`` (else the
platform's user data directory), created and migrated on first use so that a
new user never runs a set-up step. DuckDB may only use the extensions built
into the wheel: nothing is downloaded at run time. ``PARTNERWATCH_DB`` names
another store: a DuckDB file, or a ``postgresql://`` URL for a team server,
which is migrated the same way.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from partnerwatch.countries import crosswalk
from partnerwatch.errors import PartnerWatchError
from partnerwatch.store.engine import Connection, is_postgres, rollback, store_errors
from partnerwatch.store.load import LOAD_LOCK, clear_dead_stages, insert_arrow
from partnerwatch.store.paths import default_db_path
from partnerwatch.store.postgres import PostgresConnection, is_postgres_url, redact, scrub, translate_ddl
from partnerwatch.store.schema import MIGRATIONS

DEFAULT_MEMORY_LIMIT = "256MB"
DEFAULT_LOCK_WAIT = 60.0
LOCK_POLL = 0.25


def duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB settings: no extension downloads; a memory cap so big loads spill instead of growing.

    ``PARTNERWATCH_MEMORY_LIMIT`` (e.g. ``4GB``) raises or lowers the cap.
    """
    return {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": os.environ.get("PARTNERWATCH_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
    }


def store_target() -> str:
    """The store commands use: ``PARTNERWATCH_DB`` if set (a file or a PostgreSQL URL), else the default file."""
    return os.environ.get("PARTNERWATCH_DB") or str(default_db_path())


def describe_store(target: str | None = None) -> str:
    """The store's location for people to read (a URL's password is never shown)."""
    return redact(target or store_target())


def lock_wait() -> float:
    """Seconds a command waits for a store another process is writing to (``PARTNERWATCH_LOCK_WAIT``)."""
    try:
        return max(float(os.environ.get("PARTNERWATCH_LOCK_WAIT", DEFAULT_LOCK_WAIT)), 0.0)
    except ValueError:
        return DEFAULT_LOCK_WAIT


def connect(
    path: Path | str | None = None,
    *,
    read_only: bool = False,
    wait: float | None = None,
    waiting: Callable[[], None] | None = None,
) -> Connection:
    """Open (creating if needed) and migrate the store; ``":memory:"`` for a throwaway one.

    A DuckDB file admits one writing process or several reading ones. While
    another process holds it the other way, this waits up to ``wait`` seconds
    (default ``lock_wait()``; ``waiting`` is called once when it starts to
    wait), then raises the coded ``store-busy``.
    """
    target = store_target() if path is None else str(path)
    if is_postgres_url(target):
        return _connect_postgres(target, read_only)
    deadline = time.monotonic() + (lock_wait() if wait is None else wait)
    told = False
    while True:
        try:
            con = _open_duckdb(target, read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise PartnerWatchError.single("store-error", f"cannot open the store: {exc}", file=target) from None
            if time.monotonic() >= deadline:
                raise PartnerWatchError.single(
                    "store-busy",
                    "another PartnerWatch process is using the store"
                    f" ({'loading data' if read_only else 'reading or loading'}): try again when it has finished",
                    file=target,
                ) from None
            if waiting is not None and not told:
                waiting()
                told = True
            time.sleep(LOCK_POLL)
        except (duckdb.Error, OSError) as exc:
            raise PartnerWatchError.single("store-error", f"cannot open the store: {exc}", file=target) from None
    if read_only and target != ":memory:" and Path(target).exists():
        try:
            _check_version(con, target)
        except BaseException:
            con.close()
            raise
        return con
    migrate(con)
    if target != ":memory:":
        clear_dead_stages()  # this process now holds the store's write lock: no other load is running on it
    return con


def _open_duckdb(target: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    if read_only and target != ":memory:" and Path(target).exists():
        return duckdb.connect(target, read_only=True, config=duckdb_config())
    return duckdb.connect(target, config=duckdb_config())


def store_ready(con: Connection) -> bool:
    """Whether the store is at this PartnerWatch's schema version (a read-only opener cannot migrate it)."""
    return schema_version(con) >= MIGRATIONS[-1].version


def _connect_postgres(url: str, read_only: bool) -> PostgresConnection:
    try:
        con = PostgresConnection(url, read_only=read_only)
    except store_errors() as exc:
        message = scrub(str(exc), url).strip()
        raise PartnerWatchError.single("store-error", f"cannot open the store: {message}", file=redact(url)) from None
    if read_only:
        _check_version(con, redact(url))
        return con
    try:
        migrate(con)
    except BaseException:
        con.close()
        raise
    clear_dead_stages()  # only folders of processes that are gone: concurrent loads keep theirs
    return con


def schema_version(con: Connection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables"
        " WHERE table_name = 'schema_version' AND table_schema = current_schema()"
    ).fetchall()
    if not exists[0][0]:
        return 0
    rows = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()
    return int(rows[0][0])


def migrate(con: Connection) -> list[int]:
    """Run pending migrations, each in its own transaction; return the versions applied.

    On PostgreSQL several processes may open a new store at once: the load
    lock makes them migrate one after the other.
    """
    postgres = is_postgres(con)
    if postgres:
        con.execute("SELECT pg_advisory_lock(?)", [LOAD_LOCK])
    try:
        applied = _migrate(con, postgres)
    finally:
        if postgres:
            con.execute("SELECT pg_advisory_unlock(?)", [LOAD_LOCK])
    return applied


def _migrate(con: Connection, postgres: bool) -> list[int]:
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
                con.execute(translate_ddl(statement) if postgres else statement)
            for statement in () if postgres else migration.duckdb_only:
                con.execute(statement)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, current_timestamp)",
                [migration.version, migration.description],
            )
            con.execute("COMMIT")
        except store_errors() as exc:
            rollback(con)
            raise PartnerWatchError.single("store-error", f"migration {migration.version} failed: {exc}") from None
        applied.append(migration.version)
    _sync_countries(con)
    return applied


def _check_version(con: Connection, target: str) -> None:
    latest = MIGRATIONS[-1].version
    if schema_version(con) < latest:
        raise PartnerWatchError.single(
            "store-error",
            f"store is at schema version {schema_version(con)}, this PartnerWatch needs {latest}:"
            " run 'partnerwatch init' once to migrate it",
            file=target,
        )


def _sync_countries(con: Connection) -> None:
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
        con.execute(
            "INSERT INTO store_meta VALUES ('crosswalk_sha256', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [digest],
        )
        con.execute("COMMIT")
    except store_errors():
        rollback(con)
        raise
