"""Canonical tables out of the store, whole or for one country, as CSV, JSON or Parquet."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from partnerwatch.countries import crosswalk
from partnerwatch.errors import PartnerWatchError
from partnerwatch.store import COUNTRY_COLUMN, DATA_TABLES, REFERENCE_TABLES

FORMATS = ("csv", "json", "parquet")


def exportable_tables() -> tuple[str, ...]:
    return (*DATA_TABLES, *REFERENCE_TABLES)


def read_table(con: duckdb.DuckDBPyConnection, table: str, country: str | None = None) -> pa.Table:
    """All columns of a canonical table, optionally for one country (ISO3 or any known name)."""
    if table not in exportable_tables():
        raise PartnerWatchError.single(
            "unknown-table",
            f"{table!r} is not a canonical table; choose from {', '.join(exportable_tables())}",
        )
    sql = f"SELECT * FROM {table}"
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
    order = "" if table in REFERENCE_TABLES else " ORDER BY snapshot_id, rowid"
    return con.sql(sql + order, params=params).to_arrow_table()


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
    con: duckdb.DuckDBPyConnection,
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
