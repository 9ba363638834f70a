"""The whole store as a Data Package: every canonical table in one file, described by ``datapackage.json``.

This is how large loads leave the store for other engines (Spark reads the
Parquet files; see ``figures --engine spark``) and how a team hands a
complete, citable copy to someone else. Each resource lists the snapshots its
rows come from, with their citations and licences, so provenance travels with
the files. Tables are streamed in blocks and written under a temporary name,
then renamed: an interrupted export never leaves a half-written file that
looks whole, and ``datapackage.json`` is written last.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from partnerwatch import __version__
from partnerwatch.errors import PartnerWatchError
from partnerwatch.export import exportable_tables, flatten_lists, table_batches
from partnerwatch.store import DATA_TABLES, Connection
from partnerwatch.store.schema import MIGRATIONS

PACKAGE_FORMATS = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}
DESCRIPTOR = "datapackage.json"


def export_package(
    con: Connection, folder: Path, fmt: str = "parquet", progress: Callable[[str, int], None] | None = None
) -> dict[str, Any]:
    """Write every canonical table to ``folder`` and return the descriptor written beside them."""
    if fmt not in PACKAGE_FORMATS:
        raise PartnerWatchError.single(
            "bad-value", f"--all writes {' or '.join(PACKAGE_FORMATS)}, not {fmt!r}", field="format"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # An older export's descriptor would describe files this one is replacing: it goes first.
        (folder / DESCRIPTOR).unlink(missing_ok=True)
    except OSError as exc:
        raise PartnerWatchError.single("write-error", f"cannot write to the folder: {exc}", file=str(folder)) from None
    snapshots = _snapshots(con)
    resources = []
    for table in exportable_tables():
        path = folder / f"{table}.{fmt}"
        try:
            schema, rows = _write(con, table, path, fmt)
        except OSError as exc:
            raise PartnerWatchError.single("write-error", f"{exc}; the export stopped", file=str(path)) from None
        resources.append(_resource(con, table, path, fmt, schema, rows, snapshots))
        if progress is not None:
            progress(table, rows)
    descriptor = {
        "profile": "data-package",
        "name": "partnerwatch",
        "title": "PartnerWatch store: U.S. security partnerships and the protection of civilians",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "partnerwatch": {"version": __version__, "schema_version": MIGRATIONS[-1].version},
        "sources": [
            {"title": s["citation"], "path": s["url"] or "", "snapshot_id": i, "licence": s["licence"] or ""}
            for i, s in sorted(snapshots.items())
        ],
        "resources": resources,
    }
    partial = folder / f".{DESCRIPTOR}.partial"
    partial.write_text(json.dumps(descriptor, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, folder / DESCRIPTOR)
    return descriptor


LATER_TABLES = frozenset({"snapshot_revisions"})
"""Tables a package written by an earlier release lacks and no figure reads: their absence is no reason to refuse it."""


def read_package(folder: Path) -> dict[str, Path]:
    """The Parquet files of an exported package by table name, checked against its descriptor."""
    try:
        descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
        resources = {r["name"]: folder / r["path"] for r in descriptor["resources"] if r.get("format") == "parquet"}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PartnerWatchError.single(
            "not-this-format",
            f"not a PartnerWatch Parquet export ({exc}); write one with 'partnerwatch export --all DIR'",
            file=str(folder / DESCRIPTOR),
        ) from None
    missing = [
        t for t in exportable_tables() if t not in LATER_TABLES and (t not in resources or not resources[t].is_file())
    ]
    if missing:
        raise PartnerWatchError.single(
            "missing-value", f"the export has no Parquet file for {', '.join(missing)}", file=str(folder / DESCRIPTOR)
        )
    return resources


def _write(con: Connection, table: str, path: Path, fmt: str) -> tuple[pa.Schema, int]:
    partial = path.with_name(f".{path.name}.partial")
    rows = 0
    schema: pa.Schema | None = None
    writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
    try:
        for block in table_batches(con, table):
            if writer is None:
                schema = block.schema
                writer = (
                    pq.ParquetWriter(partial, schema)
                    if fmt == "parquet"
                    else pacsv.CSVWriter(partial, flatten_lists(block).schema)
                )
            if block.num_rows:
                writer.write_table(block if fmt == "parquet" else flatten_lists(block))
                rows += block.num_rows
    except BaseException:
        if writer is not None:
            writer.close()
        partial.unlink(missing_ok=True)
        raise
    if writer is not None:
        writer.close()
    os.replace(partial, path)
    assert schema is not None  # table_batches always yields a first block
    return schema, rows


def _resource(
    con: Connection,
    table: str,
    path: Path,
    fmt: str,
    schema: pa.Schema,
    rows: int,
    snapshots: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    resource: dict[str, Any] = {
        "name": table,
        "path": path.name,
        "format": fmt,
        "mediatype": PACKAGE_FORMATS[fmt],
        "bytes": path.stat().st_size,
        "hash": f"sha256:{digest.hexdigest()}",
        "rows": rows,
        "schema": {"fields": [{"name": f.name, "type": _field_type(f.type)} for f in schema]},
    }
    if table in DATA_TABLES:
        ids = [int(r[0]) for r in con.execute(f"SELECT DISTINCT snapshot_id FROM {table} ORDER BY 1").fetchall()]  # noqa: S608
        resource["sources"] = [
            {"title": snapshots[i]["citation"], "path": snapshots[i]["url"] or "", "snapshot_id": i}
            for i in ids
            if i in snapshots
        ]
        resource["licenses"] = [
            {"title": t} for t in sorted({snapshots[i]["licence"] for i in ids if i in snapshots} - {None, ""})
        ]
    return resource


def _snapshots(con: Connection) -> dict[int, dict[str, Any]]:
    rows = con.execute("SELECT id, citation, url, licence, release FROM snapshots ORDER BY id").fetchall()
    return {int(r[0]): {"citation": r[1], "url": r[2], "licence": r[3], "release": r[4]} for r in rows}


def _field_type(kind: pa.DataType) -> str:
    """Table Schema types (frictionless) for the Arrow types the store uses."""
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "number"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_timestamp(kind):
        return "datetime"
    if pa.types.is_list(kind):
        return "array"
    return "string"
