"""Parse one country folder of the curated dataset into facts, incidents, timeline and annex rows.

The folder (``data/curated/<iso3>/``) holds ``dataset.toml`` naming the
published document, four CSV files and, optionally, ``narrative.md`` (an
analyst's text per section, see ``narrative``). Each row carries the section of the
document it comes from; the citation stored with the row is the document plus
that section, so every figure points to where a reader can check it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.curated.narrative import read_narrative
from partnerwatch.sources.tabular import read_csv_records

DATE_PRECISIONS = ("day", "month", "year")
INSTRUMENT_TYPES = ("international convention", "domestic policy", "other provision")

Cell = Callable[[str, str, int, str], object]


def _text(value: str, file: str, line: int, field: str) -> object:
    return value.strip() or None


def _required(value: str, file: str, line: int, field: str) -> object:
    if not value.strip():
        return DataError("missing-value", "a value is required", file=file, row=line, field=field)
    return value.strip()


def _float(value: str, file: str, line: int, field: str) -> object:
    return cells.parse_float(value, file, line, field, minimum=None)


def _int(value: str, file: str, line: int, field: str) -> object:
    return cells.parse_int(value, file, line, field)


def _date(value: str, file: str, line: int, field: str) -> object:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return DataError("bad-date", f"{value!r} is not a date (YYYY-MM-DD)", file=file, row=line, field=field)


def _one_of(allowed: tuple[str, ...]) -> Cell:
    def check(value: str, file: str, line: int, field: str) -> object:
        if value.strip() not in allowed:
            return DataError(
                "bad-value", f"{value!r} is not one of {', '.join(allowed)}", file=file, row=line, field=field
            )
        return value.strip()

    return check


# file -> (canonical table, {csv column: (canonical column, cell parser)})
LAYOUT: dict[str, tuple[str, dict[str, tuple[str, Cell]]]] = {
    "facts.csv": (
        "facts",
        {
            "fact_id": ("fact_id", _required),
            "topic": ("topic", _required),
            "item": ("item", _text),
            "statement": ("statement", _required),
            "value": ("value", _float),
            "unit": ("unit", _text),
            "qualifier": ("qualifier", _text),
            "period": ("period", _text),
            "cited_source": ("cited_source", _text),
            "url": ("url", _text),
        },
    ),
    "incidents.csv": (
        "incidents",
        {
            "incident_id": ("incident_id", _required),
            "date_start": ("date_start", _date),
            "date_end": ("date_end", _date),
            "period": ("period", _text),
            "place": ("place", _text),
            "perpetrator": ("perpetrator", _text),
            "victims": ("victims", _text),
            "killed": ("killed", _int),
            "description": ("description", _required),
            "cited_source": ("cited_source", _text),
            "url": ("url", _text),
        },
    ),
    "timeline.csv": (
        "timeline",
        {
            "event_id": ("event_id", _required),
            "date": ("date", _date),
            "date_precision": ("date_precision", _one_of(DATE_PRECISIONS)),
            "kind": ("kind", _required),
            "title": ("title", _required),
            "description": ("description", _text),
            "effect_on_us_assistance": ("effect_on_us_assistance", _text),
            "cited_source": ("cited_source", _text),
            "url": ("url", _text),
        },
    ),
    "legal_instruments.csv": (
        "legal_instruments",
        {
            "area": ("area", _required),
            "instrument_type": ("instrument_type", _one_of(INSTRUMENT_TYPES)),
            "name": ("name", _required),
        },
    ),
}


def parse_curated_folder(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    meta_path = path / "dataset.toml"
    if not path.is_dir() or not meta_path.is_file():
        raise PartnerWatchError.single(
            "not-this-format",
            "a curated dataset is a folder with dataset.toml and CSV files",
            file=str(path),
        )
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        document, country = str(meta["document"]), str(meta["country"])
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise PartnerWatchError.single(
            "missing-value", f"dataset.toml needs 'country' and 'document' ({exc})", file="dataset.toml"
        ) from None
    iso3 = crosswalk().lookup_name(country)
    if iso3 is None:
        raise PartnerWatchError.single(
            "unknown-country", f"{country!r} is not in the crosswalk", file="dataset.toml", field="country"
        )
    errors = ErrorCollector()
    tables: dict[str, pa.Table] = {}
    for file_name, (table, columns) in LAYOUT.items():
        rows = _read(path / file_name, columns, iso3, document, errors)
        if progress is not None:
            progress(1)
        if rows:
            tables[table] = pa.Table.from_pylist(rows)
    narrative = read_narrative(path / "narrative.md", iso3, document, errors)
    if narrative:
        tables["narratives"] = pa.Table.from_pylist(narrative)
    errors.raise_if_any()
    return ParsedFile(
        tables=tables, scope=iso3, release=str(meta.get("release", "")), notes=f"curated from: {document}"
    )


def _read(
    path: Path, columns: dict[str, tuple[str, Cell]], iso3: str, document: str, errors: ErrorCollector
) -> list[dict[str, object]]:
    if not path.exists():
        return []
    rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    file = f"{iso3.lower()}/{path.name}"
    for line, record in read_csv_records(path, ["section", *columns]):
        row: dict[str, object] = {"country_iso3": iso3, "source_row": line}
        for column, (target, parse) in columns.items():
            value = parse(record[column], file, line, column)
            if isinstance(value, DataError):
                errors.add(value)
            else:
                row[target] = value
        section = record["section"].strip()
        if not section:
            errors.add(DataError("missing-value", "every row names its section", file=file, row=line, field="section"))
        row["section"] = section
        row["citation"] = f"{document}, section \u201c{section}\u201d"
        key = next(iter(columns))
        ident = str(row.get(key, ""))
        if key.endswith("_id") and ident in seen:
            errors.add(
                DataError("duplicate-row", f"{ident!r} also on line {seen[ident]}", file=file, row=line, field=key)
            )
        seen[ident] = line
        rows.append(row)
    return rows
