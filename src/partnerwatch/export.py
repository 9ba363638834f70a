"""Canonical tables out of the store, whole or for one country, as CSV, JSON or Parquet."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from partnerwatch.countries import crosswalk
from partnerwatch.errors import PartnerWatchError
from partnerwatch.store import COUNTRY_COLUMN, DATA_TABLES, REFERENCE_TABLES, Connection, row_order
from partnerwatch.store.postgres import PostgresConnection

FORMATS = ("csv", "json", "parquet")


def exportable_tables() -> tuple[str, ...]:
    return (*DATA_TABLES, *REFERENCE_TABLES)


def table_query(con: Connection, table: str, country: str | None = None) -> tuple[str, list[object]]:
    """The SELECT that exports a canonical table, in a stable order, optionally for one country."""
    if table not in exportable_tables():
        raise PartnerWatchError.single(
            "unknown-table",
            f"{table!r} is not a canonical table; choose from {', '.join(exportable_tables())}",
        )
    sql = f"SELECT * FROM {table}"  # noqa: S608 - a canonical table name, checked above
    params: list[object] = []
    if country:
        iso3 = crosswalk().lookup_name(country)
        if iso3 is None:
            raise PartnerWatchError.single("unknown-country", f"{country!r} is not in the country crosswalk")
        column = COUNTRY_COLUMN.get(table)
        if column is None:
            raise PartnerWatchError.single("unknown-table", f"{table!r} has no country column to filter on")
        sql += f" WHERE {column} = ?"
        params.append(iso3)
    return sql + table_order(con, table), params


def table_order(con: Connection, table: str) -> str:
    """A stable row order: reference tables by their key, data tables by snapshot then load order."""
    if table == "country_aliases":
        return " ORDER BY 1, 2"
    return " ORDER BY 1" if table in REFERENCE_TABLES else f" ORDER BY snapshot_id, {row_order(con)}"


def read_table(con: Connection, table: str, country: str | None = None) -> pa.Table:
    """All columns of a canonical table, optionally for one country (ISO3 or any known name)."""
    sql, params = table_query(con, table, country)
    return con.sql(sql, params=params).to_arrow_table()


def table_batches(con: Connection, table: str, size: int = 65_536) -> Iterator[pa.Table]:
    """A whole table in blocks, so exporting a large one keeps memory flat; the first block may be empty."""
    sql, _params = table_query(con, table)
    if isinstance(con, PostgresConnection):
        yield from con.arrow_batches(sql, size)
        return
    reader = con.sql(sql).to_arrow_reader(size)
    if reader is None:  # a SELECT always has a result; DuckDB's stub allows None
        raise PartnerWatchError.single("store-error", f"no result reading {table!r}")
    yield pa.Table.from_batches([], schema=reader.schema)
    for batch in reader:
        yield pa.Table.from_batches([batch])


def write_table(data: pa.Table, fmt: str, sink: BinaryIO) -> None:
    if fmt == "csv":
        pacsv.write_csv(flatten_lists(data), sink)
    elif fmt == "json":
        rows = data.to_pylist()
        sink.write(json.dumps(rows, default=_json_default, ensure_ascii=False, indent=1).encode("utf-8"))
        sink.write(b"\n")
    elif fmt == "parquet":
        buffer = io.BytesIO()
        pq.write_table(data, buffer)
        sink.write(buffer.getvalue())
    else:
        raise PartnerWatchError.single("bad-value", f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def export_table(
    con: Connection,
    table: str,
    fmt: str,
    out: Path | None,
    sink: BinaryIO,
    country: str | None = None,
) -> int:
    data = read_table(con, table, country)
    if out is None:
        write_table(data, fmt, sink)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as fh:
            write_table(data, fmt, fh)
    return int(data.num_rows)


def flatten_lists(data: pa.Table) -> pa.Table:
    """CSV has no lists: ``delivery_years`` [2018, 2019] is written as ``2018;2019`` as SIPRI does."""
    for i, column in enumerate(data.schema):
        if pa.types.is_list(column.type):
            values = [None if v is None else ";".join(str(x) for x in v) for v in data.column(i).to_pylist()]
            data = data.set_column(i, column.name, pa.array(values, pa.string()))
    return data


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")
