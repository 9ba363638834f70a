"""What a store connection is: DuckDB's own, or a PostgreSQL session with the same calls.

The few places where the engines' SQL differs ask here instead of testing
types themselves.
"""

from __future__ import annotations

import sys

import duckdb

from partnerwatch.errors import PartnerWatchError
from partnerwatch.store.postgres import PostgresConnection

Connection = duckdb.DuckDBPyConnection | PostgresConnection


def store_errors() -> tuple[type[Exception], ...]:
    """Errors either engine raises for a statement that fails (constraint, type, lost connection).

    psycopg's are included once it is imported, which opening a PostgreSQL
    store does: before that no PostgreSQL error can occur.
    """
    psycopg = sys.modules.get("psycopg")
    return (duckdb.Error, psycopg.Error) if psycopg is not None else (duckdb.Error,)


def is_postgres(con: Connection) -> bool:
    return isinstance(con, PostgresConnection)


def row_order(con: Connection) -> str:
    """The column that gives rows in the order they were appended (for exports and paging)."""
    return "ctid" if is_postgres(con) else "rowid"


def ibis_backend(con: Connection) -> object:
    """The Ibis backend over this connection, so figures run where the store is."""
    if isinstance(con, PostgresConnection):
        return con.ibis()
    import ibis

    return ibis.duckdb.from_connection(con)


def rollback(con: Connection) -> None:
    """Roll back the open transaction; a connection already lost has nothing left to roll back.

    (A PostgreSQL server that went away mid-load discards the transaction
    itself; the error that matters is the one that interrupted the load.)
    """
    ignored: tuple[type[Exception], ...] = (*store_errors(), PartnerWatchError)
    try:
        con.execute("ROLLBACK")
    except ignored:
        pass
