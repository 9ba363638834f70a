"""The store on a PostgreSQL server, for a team: the same schema, loads and figures as the DuckDB file.

``PostgresConnection`` offers the part of DuckDB's connection API the rest of
PartnerWatch uses (``execute`` with ``?`` parameters, ``fetchall``, ``sql(...)
.to_arrow_table()``, ``cursor``), so callers need not know which engine holds
the store. What differs is kept here: parameter style, DDL types, bulk loads
(``COPY`` instead of registering Arrow tables) and the physical row order.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from partnerwatch.errors import PartnerWatchError

if TYPE_CHECKING:  # psycopg is imported when a PostgreSQL store is opened, not by every command
    import psycopg

POSTGRES_SCHEMES = ("postgresql", "postgres")
COPY_BATCH = 50_000  # rows per COPY chunk: bounds the memory of the CSV text sent to the server

# PostgreSQL type oids -> Arrow types for query results (anything else is inferred from the values).
_ARROW_TYPES: dict[int, pa.DataType] = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    25: pa.string(),
    1043: pa.string(),
    700: pa.float32(),
    701: pa.float64(),
    1700: pa.float64(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1007: pa.list_(pa.int32()),
    1016: pa.list_(pa.int64()),
}


_KEYWORD = re.compile(r"^\s*(?:host|hostaddr|port|dbname|user|password|service|sslmode)\s*=", re.IGNORECASE)
_SECRET_KEYWORDS = re.compile(r"\b(password|sslpassword)(\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_SECRET_QUERY = frozenset({"password", "sslpassword"})


def _scheme(target: str) -> str:
    return target.split("://", 1)[0].lower() if "://" in target else ""


def is_postgres_url(target: str) -> bool:
    """A ``postgresql://`` URL, or a libpq keyword string (``host=… dbname=…``): never a DuckDB file name."""
    return _scheme(target) in POSTGRES_SCHEMES or bool(_KEYWORD.match(target))


def redact(url: str) -> str:
    """The URL or keyword string without its password, for messages and logs.

    The password may sit in the user part (``user:secret@host``), in the
    query (``?password=secret``) or, in a keyword string, as ``password=secret``;
    a URL that does not parse (a port that is not a number) is still redacted.
    """
    if _scheme(url) not in POSTGRES_SCHEMES:
        return _SECRET_KEYWORDS.sub(r"\1\2***", url)
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced [ in the host: show nothing after the scheme rather than risk a secret
        return f"{_scheme(url)}://***"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}:***@{host}" if ":" in userinfo else netloc
    query = "&".join(
        f"{key}=***" if key.lower() in _SECRET_QUERY else pair
        for pair in parts.query.split("&")
        if pair
        for key in [pair.split("=", 1)[0]]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def scrub(message: str, url: str) -> str:
    """``message`` with the URL redacted and any password of it removed, wherever a driver quoted it."""
    text = message.replace(url, redact(url))
    if _scheme(url) in POSTGRES_SCHEMES:
        query = url.split("?", 1)[1] if "?" in url else ""
        secrets = [v for k, v in parse_qsl(query.split("#", 1)[0]) if k.lower() in _SECRET_QUERY]
    else:
        secrets = [m.group(3).strip("'") for m in _SECRET_KEYWORDS.finditer(url)]
    netloc = url.split("://", 1)[1].split("/", 1)[0] if "://" in url else ""
    if "@" in netloc and ":" in netloc.rsplit("@", 1)[0]:
        secrets.append(netloc.rsplit("@", 1)[0].split(":", 1)[1])
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def translate_ddl(statement: str) -> str:
    """DuckDB's DDL spelled for PostgreSQL: only DOUBLE differs among the types the schema uses."""
    return re.sub(r"\bDOUBLE\b", "DOUBLE PRECISION", statement)


def _placeholders(sql: str) -> str:
    """``?`` parameters to psycopg's ``%s`` (outside string literals); a literal ``%`` is doubled."""
    out: list[str] = []
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
            out.append(char)
        elif char == "%":
            out.append("%%")
        elif char == "?" and not quoted:
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


class PostgresResult:
    """What ``execute`` returns: rows to fetch, or an Arrow table."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cursor.fetchone() if self._cursor.description else None

    def to_arrow_table(self) -> pa.Table:
        return _to_arrow(self._cursor.description or [], self._cursor.fetchall())


class PostgresConnection:
    """One session on the server, in autocommit mode: transactions are opened with BEGIN like DuckDB's."""

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        import psycopg

        self.url = url
        self.read_only = read_only
        self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        if read_only:
            self._conn.execute("SET default_transaction_read_only = on")

    def execute(self, sql: str, parameters: Sequence[object] | None = None) -> PostgresResult:
        import psycopg

        cursor = self._conn.cursor()
        try:
            if parameters is None:
                cursor.execute(sql)  # no parameters: psycopg leaves the text alone
            else:
                cursor.execute(_placeholders(sql), list(parameters))
        except psycopg.OperationalError as exc:
            if not self._conn.closed:
                raise  # a statement the server refused: the caller says what it was doing
            raise PartnerWatchError.single(
                "store-error",
                f"lost the connection to the store ({str(exc).strip()}); the server rolls back an unfinished load:"
                " run the command again (a load that did commit is not repeated)",
                file=redact(self.url),
            ) from None
        return PostgresResult(cursor)

    def sql(self, sql: str, params: Sequence[object] | None = None) -> PostgresResult:
        return self.execute(sql, params)

    def arrow_batches(self, sql: str, size: int) -> Iterator[pa.Table]:
        """A query's result in blocks of ``size`` rows, read through a server-side cursor (flat memory).

        The first block is yielded even when empty, so the caller always sees the columns.
        """
        with self._conn.transaction(), self._conn.cursor(name="partnerwatch_export") as cursor:
            cursor.itersize = size
            cursor.execute(sql)
            first = True
            while True:
                rows = cursor.fetchmany(size)
                if rows or first:
                    yield _to_arrow(cursor.description or [], rows)
                first = False
                if len(rows) < size:
                    return

    def cursor(self) -> PostgresConnection:
        """A session of its own (a web request's): psycopg connections are not shared between threads."""
        return PostgresConnection(self.url, read_only=self.read_only)

    def close(self) -> None:
        self._conn.close()

    def copy_arrow(self, table: str, data: pa.Table, snapshot_id: int | None = None) -> None:
        """Append ``data`` to ``table`` with COPY, as CSV: the fastest path psycopg offers for bulk rows.

        Arrow's CSV writer quotes every string and leaves nulls unquoted and
        empty, which is how PostgreSQL's CSV format tells "" from NULL. Lists
        become array literals, which CSV cannot hold otherwise.
        """
        names = list(data.column_names)
        if snapshot_id is not None:
            names = ["snapshot_id", *names]
        columns = ", ".join(f'"{c}"' for c in names)
        options = pacsv.WriteOptions(include_header=False)
        with self._conn.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            for start in range(0, max(data.num_rows, 1), COPY_BATCH):
                chunk = _pg_arrays(data.slice(start, COPY_BATCH))
                if not chunk.num_rows:
                    break
                if snapshot_id is not None:
                    chunk = chunk.add_column(0, "snapshot_id", pa.array([snapshot_id] * chunk.num_rows, pa.int32()))
                sink = io.BytesIO()
                pacsv.write_csv(chunk, sink, options)
                copy.write(sink.getvalue())

    def copy_parquet(self, table: str, path: Path, snapshot_id: int | None = None) -> None:
        """Append a staged Parquet file a row group at a time, so memory stays that of one group."""
        staged = pq.ParquetFile(path)
        for group in range(staged.num_row_groups):
            self.copy_arrow(table, staged.read_row_group(group), snapshot_id)

    def ibis(self) -> Any:
        import ibis

        return ibis.postgres.from_connection(self._conn)


def _to_arrow(description: Sequence[psycopg.Column], rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in description]
    arrays = []
    for column, values in zip(description, columns, strict=True):
        kind = _ARROW_TYPES.get(column.type_code)
        data = [None if v is None else float(v) for v in values] if column.type_code == 1700 else list(values)
        arrays.append(pa.array(data, type=kind) if kind is not None else pa.array(data))
    return pa.table(arrays, names=[d.name for d in description])


def _pg_arrays(data: pa.Table) -> pa.Table:
    for i, field in enumerate(data.schema):
        if pa.types.is_list(field.type):
            literals = [
                None if v is None else "{" + ",".join("NULL" if x is None else str(x) for x in v) + "}"
                for v in data.column(i).to_pylist()
            ]
            data = data.set_column(i, field.name, pa.array(literals, pa.string()))
    return data
