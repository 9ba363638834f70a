"""What a store connection is: DuckDB's own, or a PostgreSQL session with the same calls.

The few places where the engines' SQL differs ask here instead of testing
types themselves.
"""

from __future__ import annotations

import duckdb
import psycopg

from partnerwatch.store.postgres import PostgresConnection

Connection = duckdb.DuckDBPyConnection | PostgresConnection

# Errors either engine raises for a statement that fails (constraint, type, lost connection).
STORE_ERRORS: tuple[type[Exception], ...] = (duckdb.Error, psycopg.Error)


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
