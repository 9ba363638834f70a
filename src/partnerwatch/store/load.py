"""Atomic, idempotent loads of parsed rows, and the snapshot record that goes with them.

A load is one transaction: the snapshot row, every data row (each stamped
with the snapshot id) and the retirement of the snapshot it supersedes commit
together or not at all. DuckDB's write-ahead log means a process killed
mid-load leaves the previous state; on PostgreSQL the server's own
transactions do the same, and an advisory lock makes concurrent loads wait
their turn. The store never parses: it receives Arrow tables whose columns
must be a subset of the canonical table's.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from partnerwatch.errors import PartnerWatchError
from partnerwatch.store.engine import Connection, rollback, store_errors
from partnerwatch.store.keyed import merge_keyed, restore_shadowed
from partnerwatch.store.paths import staging_dir
from partnerwatch.store.postgres import PostgresConnection
from partnerwatch.store.revisions import Revision, compare, old_rows
from partnerwatch.store.revisions import record as record_revisions
from partnerwatch.store.schema import DATA_TABLES, KEYED_TABLES, REVISABLE

STAGE_ROW_GROUP = 16_384  # rows per staged Parquet row group; larger groups cost memory in the insert
LOAD_LOCK = 0x5057_4C4F  # PostgreSQL advisory lock id that serialises loads ("PWLO")


@dataclass(frozen=True)
class SnapshotRecord:
    """What the store keeps about one loaded file (the ``snapshots`` table)."""

    source: str
    file_name: str
    sha256: str
    bytes: int
    rows: int
    producer: str
    citation: str
    licence: str
    url: str
    release: str
    notes: str
    scope: str
    stored_path: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoadResult:
    snapshot_id: int
    rows: int
    unchanged: bool
    superseded: tuple[int, ...] = ()
    kept_existing: int = 0
    """Keyed rows not written because the store already held the same or a newer version."""
    revisions: tuple[Revision, ...] = ()
    """What this release changed, table by table, against the snapshots it superseded."""


def current_snapshot(con: Connection, source: str, sha256: str) -> int | None:
    """The id of a live snapshot of ``source`` with these bytes, if there is one."""
    rows = con.execute(
        "SELECT id FROM snapshots WHERE source = ? AND sha256 = ? AND superseded_by IS NULL",
        [source, sha256],
    ).fetchall()
    return int(rows[0][0]) if rows else None


def live_snapshots(con: Connection, source: str, scope: str) -> list[tuple[int, str]]:
    """(id, release) of the live snapshots a new one of ``source`` and ``scope`` would supersede."""
    rows = con.execute(
        "SELECT id, coalesce(release, '') FROM snapshots WHERE source = ? AND scope = ? AND superseded_by IS NULL"
        " ORDER BY id",
        [source, scope],
    ).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


def table_columns(con: Connection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def insert_arrow(con: Connection, table: str, data: pa.Table, snapshot_id: int | None = None) -> None:
    """Append ``data`` to ``table`` by column name, stamping ``snapshot_id`` when given."""
    if isinstance(con, PostgresConnection):
        con.copy_arrow(table, data, snapshot_id)
        return
    columns = list(data.column_names)
    select = ", ".join(f'"{c}"' for c in columns)
    target = ", ".join(f'"{c}"' for c in columns)
    view = f"_staged_{table}"
    con.register(view, data)
    try:
        if snapshot_id is None:
            con.execute(f"INSERT INTO {table} ({target}) SELECT {select} FROM {view}")
        else:
            con.execute(
                f"INSERT INTO {table} (snapshot_id, {target}) SELECT ?, {select} FROM {view}",
                [snapshot_id],
            )
    finally:
        con.unregister(view)


Staged = dict[str, tuple[Path, int]]
"""Per table, a staged Parquet file and its row count."""


def load_snapshot(
    con: Connection,
    record: SnapshotRecord,
    tables: dict[str, pa.Table],
    streams: dict[str, Iterator[pa.RecordBatch]] | None = None,
    staged: Staged | None = None,
) -> LoadResult:
    """Write one snapshot and its rows in a single transaction; a no-op if already loaded.

    ``streams`` are staged to Parquet first (``staged_streams``) and appended
    inside the same transaction, so a file larger than memory loads whole or
    not at all; an error raised while producing a block leaves the store
    untouched. A caller that staged them already, without the store (so as
    not to hold its lock while a large file is read), passes ``staged``.
    """
    existing = current_snapshot(con, record.source, record.sha256)
    if existing is not None:
        return LoadResult(existing, record.rows, unchanged=True)
    for name, data in tables.items():
        _check_columns(con, name, data)
    if streams:
        with staged_streams(streams) as ready:
            return load_snapshot(con, record, tables, staged={**(staged or {}), **ready})
    for name, (path, count) in (staged or {}).items():
        if count:
            _check_columns(con, name, pq.read_schema(path).empty_table())
    return _load(con, record, tables, staged or {})


@contextmanager
def staged_streams(streams: dict[str, Iterator[pa.RecordBatch]]) -> Iterator[Staged]:
    """Stage each stream as Parquet under ``staging/<pid>-…/``, removed when the block ends.

    Errors raised while a stream is produced (a coded error, a ``ReadAgain``)
    surface here, before any store is touched.
    """
    if not streams:
        yield {}
        return
    root = staging_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        folder = tempfile.TemporaryDirectory(prefix=f"{os.getpid()}-", dir=root)
    except OSError as exc:
        raise PartnerWatchError.single(
            "write-error", f"cannot stage the load under {root} ({exc.strerror}): is it a writable folder?"
        ) from None
    with folder as staging:
        yield {name: _stage(name, batches, Path(staging) / f"{name}.parquet") for name, batches in streams.items()}


def clear_dead_stages() -> None:
    """Remove what a killed load left behind: its Parquet stage is useless once its process is gone.

    Each stage folder is named after the process that made it; the store's
    transaction was never committed, so nothing refers to the files.
    """
    root = staging_dir()
    if not root.is_dir():
        return
    for child in root.iterdir():
        pid = child.name.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(child, ignore_errors=True)


def _alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # os.kill would end the process there; leftovers are kept rather than risk that
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stage(table: str, batches: Iterator[pa.RecordBatch], path: Path) -> tuple[Path, int]:
    """Write a stream to a Parquet file first: DuckDB then appends it in one statement, with flat memory.

    (Appending many Arrow batches inside one transaction keeps them all in memory;
    one INSERT from Parquet writes row groups to disk as it goes.) Errors raised
    while the stream is produced surface here, before the store is touched.
    """
    writer: pq.ParquetWriter | None = None
    pending: list[pa.RecordBatch] = []
    buffered = rows = 0
    try:
        for batch in batches:
            if writer is None:
                if table not in DATA_TABLES:
                    raise PartnerWatchError.single("unknown-table", f"{table!r} is not a canonical data table")
                writer = pq.ParquetWriter(path, batch.schema)
            pending.append(batch)
            buffered += batch.num_rows
            rows += batch.num_rows
            if buffered >= STAGE_ROW_GROUP:
                writer.write_table(pa.Table.from_batches(pending))
                pending, buffered = [], 0
        if writer is not None and pending:
            writer.write_table(pa.Table.from_batches(pending))
    finally:
        if writer is not None:
            writer.close()
    return path, rows


def _load(
    con: Connection,
    record: SnapshotRecord,
    tables: dict[str, pa.Table],
    staged: dict[str, tuple[Path, int]],
) -> LoadResult:
    con.execute("BEGIN TRANSACTION")
    try:
        if isinstance(con, PostgresConnection):
            con.execute("SELECT pg_advisory_xact_lock(?)", [LOAD_LOCK])
            if current_snapshot(con, record.source, record.sha256) is not None:
                raise _AlreadyLoaded  # another process loaded the same bytes while this one parsed
        snapshot_id = int(con.execute("SELECT nextval('snapshot_ids')").fetchall()[0][0])
        con.execute(
            "INSERT INTO snapshots (id, source, file_name, sha256, bytes, rows, loaded_at, producer,"
            " citation, licence, url, release, notes, scope, stored_path, warnings)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                snapshot_id,
                record.source,
                record.file_name,
                record.sha256,
                record.bytes,
                record.rows,
                datetime.now(UTC).replace(tzinfo=None),
                record.producer,
                record.citation,
                record.licence,
                record.url,
                record.release,
                record.notes,
                record.scope,
                record.stored_path,
                "\n".join(record.warnings) or None,
            ],
        )
        # What this release revises is read before the releases it replaces leave; they leave before the new
        # rows arrive, so that those merge with what stays.
        replaced = tuple(i for i, _ in live_snapshots(con, record.source, record.scope) if i != snapshot_id)
        revisions = _revisions(con, replaced, tables, staged) if replaced else []
        superseded = _supersede(con, replaced, snapshot_id)
        rows = record.rows
        kept = 0
        for name, data in tables.items():
            if name in KEYED_TABLES:
                kept += _merge(con, name, data, snapshot_id)
            else:
                insert_arrow(con, name, data, snapshot_id)
        for name, (path, count) in staged.items():
            if count and name in KEYED_TABLES:
                kept += _merge(con, name, path, snapshot_id)
            elif count:
                _append_parquet(con, name, path, snapshot_id)
            rows += count
        if rows != record.rows:
            con.execute("UPDATE snapshots SET rows = ? WHERE id = ?", [rows, snapshot_id])
        record_revisions(con, snapshot_id, superseded, revisions)
        con.execute("COMMIT")
    except _AlreadyLoaded:
        rollback(con)
        existing = current_snapshot(con, record.source, record.sha256)
        return LoadResult(existing or 0, record.rows, unchanged=True)
    except BaseException as exc:
        rollback(con)
        if isinstance(exc, store_errors()):
            raise PartnerWatchError.single(
                "store-error", f"load failed and was rolled back: {exc}", file=record.file_name
            ) from None
        raise
    return LoadResult(
        snapshot_id, rows, unchanged=False, superseded=superseded, kept_existing=kept, revisions=tuple(revisions)
    )


def _merge(con: Connection, table: str, data: pa.Table | Path, snapshot_id: int) -> int:
    """Merge rows into a keyed table (``keyed.py``); ``data`` is an Arrow table or a staged Parquet file.

    Returns how many incoming rows lost to a version the store already held.
    """
    names = _names(data)
    if isinstance(data, Path) and not isinstance(con, PostgresConnection):
        # DuckDB reads the stage where it lies: no copy of millions of rows into a temporary table.
        incoming, params = "read_parquet(?)", [str(data)]
    else:
        _fill_incoming(con, table, data, ", ".join(f'"{c}"' for c in names))
        incoming, params = "_incoming", []
    try:
        return merge_keyed(
            con, table, KEYED_TABLES[table], incoming, params, list(names), table_columns(con, table), snapshot_id
        )
    finally:
        # After a failed statement the transaction is aborted and the drop would fail too, hiding the first
        # error; the caller's rollback removes the temporary table then.
        with suppress(*store_errors()):
            con.execute("DROP TABLE IF EXISTS _incoming")


def _names(data: pa.Table | Path) -> list[str]:
    """The columns of incoming rows: an Arrow table's, or a staged Parquet file's from its schema alone."""
    return list(data.column_names if isinstance(data, pa.Table) else pq.read_schema(data).names)


def _fill_incoming(con: Connection, table: str, data: pa.Table | Path, columns: str) -> None:
    """The temporary table ``_incoming`` holding the rows to merge, typed like ``table``'s columns."""
    if isinstance(con, PostgresConnection):
        con.execute(f"CREATE TEMP TABLE _incoming AS SELECT {columns} FROM {table} WITH NO DATA")
        if isinstance(data, pa.Table):
            con.copy_arrow("_incoming", data)
        else:
            con.copy_parquet("_incoming", data)
    elif isinstance(data, pa.Table):
        con.register("_incoming_arrow", data)
        try:
            con.execute("CREATE TEMP TABLE _incoming AS SELECT * FROM _incoming_arrow")
        finally:
            con.unregister("_incoming_arrow")
    else:
        con.execute("CREATE TEMP TABLE _incoming AS SELECT * FROM read_parquet(?)", [str(data)])


class _AlreadyLoaded(Exception):
    """Raised inside a load's transaction when a concurrent load committed the same snapshot first."""


def _append_parquet(con: Connection, table: str, path: Path, snapshot_id: int) -> None:
    """Append a staged stream: DuckDB reads the Parquet file itself; PostgreSQL receives it by COPY, in row groups."""
    if isinstance(con, PostgresConnection):
        con.copy_parquet(table, path, snapshot_id)
        return
    columns = ", ".join(f'"{c}"' for c in pq.read_schema(path).names)
    con.execute(
        f"INSERT INTO {table} (snapshot_id, {columns}) SELECT ?, {columns} FROM read_parquet(?)",
        [snapshot_id, str(path)],
    )


def _check_columns(con: Connection, table: str, data: pa.Table) -> None:
    if table not in DATA_TABLES:
        raise PartnerWatchError.single("unknown-table", f"{table!r} is not a canonical data table")
    known = set(table_columns(con, table))
    extra = [c for c in data.column_names if c not in known or c == "snapshot_id"]
    if extra:
        raise PartnerWatchError.single(
            "store-error", f"columns {extra} are not in the canonical table {table!r}", field=table
        )


def _revisions(
    con: Connection, old: tuple[int, ...], tables: dict[str, pa.Table], staged: dict[str, tuple[Path, int]]
) -> list[Revision]:
    """Each table of the new release against the rows of the snapshots it replaces (before those leave)."""
    held = [t for t in REVISABLE if con.execute(f"SELECT 1 FROM ({old_rows(t, old)}) o LIMIT 1").fetchall()]  # noqa: S608
    incoming: dict[str, pa.Table | Path] = {
        **{t: d for t, d in tables.items() if t in REVISABLE},
        **{t: p for t, (p, n) in staged.items() if t in REVISABLE and n},
    }
    found = []
    for table in [*held, *(t for t in incoming if t not in held)]:
        data = incoming.get(table)
        if data is None:
            found.append(compare(con, table, old, None, table_columns(con, table)))
            continue
        names = _names(data)
        with _readable(con, table, data, names) as relation:
            found.append(compare(con, table, old, relation, names))
    return found


@contextmanager
def _readable(con: Connection, table: str, data: pa.Table | Path, names: list[str]) -> Iterator[str]:
    """Incoming rows as a relation the SQL can name without placeholders, for as long as the block runs."""
    if isinstance(con, PostgresConnection):
        _fill_incoming(con, table, data, ", ".join(f'"{c}"' for c in names))
        try:
            yield "_incoming"
        finally:
            with suppress(*store_errors()):
                con.execute("DROP TABLE IF EXISTS _incoming")
    elif isinstance(data, Path):
        yield "read_parquet('{}')".format(str(data).replace("'", "''"))
    else:
        con.register("_revised_arrow", data)
        try:
            yield "_revised_arrow"
        finally:
            con.unregister("_revised_arrow")


def _supersede(con: Connection, old: tuple[int, ...], snapshot_id: int) -> tuple[int, ...]:
    """Retire the older live snapshots a new release replaces.

    Their rows leave every table; a keyed record they held the current row of
    gets back the version another live snapshot carries, if any does.
    """
    if not old:
        return ()
    marks = ", ".join("?" for _ in old)
    for table in (*DATA_TABLES, *(k.shadow for k in KEYED_TABLES.values())):
        con.execute(f"DELETE FROM {table} WHERE snapshot_id IN ({marks})", list(old))
    for table, keyed in KEYED_TABLES.items():
        restore_shadowed(con, table, keyed, table_columns(con, table))
    con.execute(f"UPDATE snapshots SET superseded_by = ? WHERE id IN ({marks})", [snapshot_id, *old])
    return old
