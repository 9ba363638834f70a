"""Keyed tables: one current row per record, and every other version a live snapshot carries kept aside.

The same ACLED event arrives in an HDX file, an export and an API pull; a
UCDP event in two releases. The table holds one row per record so that a
figure never counts it twice, but a record belongs to every live snapshot
that carries it: when one of them is superseded (a newer file of the same
name, say) the record must stay as long as another still carries it. So the
versions that lose — older, or equal and loaded later — go to the shadow
table, stamped with their own snapshot, and come back when the row in front
of them leaves with its snapshot.

Both functions run inside the load's transaction, on DuckDB and PostgreSQL
alike; ``incoming`` is a relation in the SQL (a staged Parquet file or a
temporary table) with ``params`` for its placeholders.
"""

from __future__ import annotations

from collections.abc import Sequence

from partnerwatch.store.engine import Connection
from partnerwatch.store.schema import KeyedTable


def _match(keyed: KeyedTable, left: str, right: str) -> str:
    return " AND ".join(f'{left}."{k}" = {right}."{k}"' for k in keyed.key)


def _newer(keyed: KeyedTable, stored: str, incoming: str) -> str:
    """The incoming version is strictly newer than the stored one (a missing version is the oldest)."""
    return f'coalesce({stored}."{keyed.version}", -1) < coalesce({incoming}."{keyed.version}", -1)'


def merge_keyed(
    con: Connection,
    table: str,
    keyed: KeyedTable,
    incoming: str,
    params: Sequence[object],
    columns: list[str],
    all_columns: list[str],
    snapshot_id: int,
) -> int:
    """Merge incoming rows into ``table``; returns how many lost to a stored version (same or newer).

    A stored row that an incoming one outdates moves to the shadow table;
    an incoming row that does not outdate the stored one goes there itself.
    """
    match = _match(keyed, "t", "i")
    # Rows that carry no version column have the oldest version: they outdate nothing.
    newer = _newer(keyed, "t", "i") if keyed.version in columns else "FALSE"
    names = ", ".join(f'"{c}"' for c in columns)
    every = ", ".join(f'"{c}"' for c in all_columns)
    prefixed = ", ".join(f't."{c}"' for c in all_columns)
    outdated = f"EXISTS (SELECT 1 FROM {incoming} i WHERE {match} AND {newer})"
    con.execute(f"INSERT INTO {keyed.shadow} ({every}) SELECT {prefixed} FROM {table} t WHERE {outdated}", params)
    con.execute(f"DELETE FROM {table} t WHERE {outdated}", params)
    stored = f"EXISTS (SELECT 1 FROM {table} t WHERE {match})"
    lost = con.execute(f"SELECT count(*) FROM {incoming} i WHERE {stored}", params).fetchall()[0][0]
    if lost:
        con.execute(
            f"INSERT INTO {keyed.shadow} (snapshot_id, {names}) SELECT ?, {names} FROM {incoming} i WHERE {stored}",
            [snapshot_id, *params],
        )
    con.execute(
        f"INSERT INTO {table} (snapshot_id, {names}) SELECT ?, {names} FROM {incoming} i WHERE NOT {stored}",
        [snapshot_id, *params],
    )
    return int(lost)


def restore_shadowed(con: Connection, table: str, keyed: KeyedTable, all_columns: list[str]) -> int:
    """Bring back, for each record left without a current row, the best version still carried.

    Best is the highest version, then the earliest loaded (as in ``merge_keyed``,
    where the stored row wins a tie). Returns how many records came back.
    """
    every = ", ".join(f'"{c}"' for c in all_columns)
    partition = ", ".join(f'"{k}"' for k in keyed.key)
    order = f'coalesce("{keyed.version}", -1) DESC, snapshot_id ASC'
    orphaned = f"NOT EXISTS (SELECT 1 FROM {table} t WHERE {_match(keyed, 't', 's')})"
    count = con.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT {partition} FROM {keyed.shadow} s WHERE {orphaned}) d"
    ).fetchall()[0][0]
    if not count:
        return 0
    con.execute(
        f"INSERT INTO {table} ({every}) SELECT {every} FROM ("
        f" SELECT s.*, row_number() OVER (PARTITION BY {partition} ORDER BY {order}) AS _rank"
        f" FROM {keyed.shadow} s WHERE {orphaned}) ranked WHERE _rank = 1"
    )
    con.execute(
        f"DELETE FROM {keyed.shadow} s WHERE EXISTS"
        f" (SELECT 1 FROM {table} t WHERE {_match(keyed, 't', 's')} AND t.snapshot_id = s.snapshot_id)"
    )
    return int(count)
