"""Load an analyst's own table through a declared column mapping (``MAP.toml``).

Researchers keep tables no public source has: Security Assistance Monitor
exports, Section 655 direct-commercial-sales tables, figures typed from
congressional notifications. A mapping file says where each canonical column
comes from, its type and unit, and who to cite; the table then loads with the
same checks, provenance and atomicity as any other source. The format is
documented, with an example, in ``docs/sources/table.md``.
"""

from __future__ import annotations

import csv
import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import Origin, ParsedFile, ProgressCallback
from partnerwatch.sources.table.targets import KINDS, MINIMUMS, REQUIRED, TARGETS, UNITS
from partnerwatch.sources.tabular import guarded, text_lines
from partnerwatch.sources.workbooks import check_formulas

ARROW_TYPES = {
    "text": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "year": pa.int32(),
    "date": pa.date32(),
    "boolean": pa.bool_(),
    "country": pa.string(),
}
TRUE = {"true", "yes", "y", "1", "x"}
FALSE = {"false", "no", "n", "0", ""}


@dataclass(frozen=True)
class ColumnSpec:
    target: str
    source: str | None
    constant: Any
    kind: str
    multiply: float


@dataclass(frozen=True)
class Mapping:
    into: str
    columns: tuple[ColumnSpec, ...]
    origin: Origin
    release: str
    scope: str
    sheet: str | None
    header_row: int


def read_mapping(path: Path, into: str) -> Mapping:
    """Parse and check ``MAP.toml`` against the target table; every problem is a coded error."""
    file = path.name
    if into not in TARGETS:
        raise PartnerWatchError.single(
            "unknown-table", f"--into must be one of {', '.join(TARGETS)}, not {into!r}", field="into"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PartnerWatchError.single("file-not-found", "no such mapping file", file=str(path)) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise PartnerWatchError.single(
            "bad-encoding", f"a mapping file is UTF-8 text; this one is not ({exc.reason})", file=file, row=line
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise PartnerWatchError.single("not-this-format", f"not valid TOML ({exc})", file=file) from None
    errors = ErrorCollector()
    sections = {name: data.get(name, {}) for name in ("source", "table", "columns")}
    for name, value in sections.items():
        if not isinstance(value, dict):
            errors.add(
                DataError("bad-value", f"[{name}] must be a table of keys, not {value!r}", file=file, field=name)
            )
    errors.raise_if_any()
    source, table = sections["source"], sections["table"]
    for key in ("producer", "citation", "licence", "url", "release", "scope"):
        if not isinstance(source.get(key, ""), str):
            errors.add(DataError("bad-value", "must be text (in quotes)", file=file, field=f"source.{key}"))
    for key in ("producer", "citation", "licence"):
        if not str(source.get(key, "")).strip():
            errors.add(
                DataError(
                    "missing-value",
                    "every table must say who made it, how to cite it and its licence",
                    file=file,
                    field=f"source.{key}",
                )
            )
    known = TARGETS[into]
    specs: list[ColumnSpec] = []
    for target, raw in sections["columns"].items():
        field = f"columns.{target}"
        if target not in known:
            errors.add(
                DataError(
                    "unknown-table",
                    f"{target!r} is not a column of {into} ({', '.join(known)})",
                    file=file,
                    field=field,
                )
            )
            continue
        spec = raw if isinstance(raw, dict) else {"from": raw}
        if ("from" in spec) == ("value" in spec):
            errors.add(
                DataError(
                    "missing-value",
                    "give exactly one of 'from' (a column of the table) or 'value' (a constant)",
                    file=file,
                    field=field,
                )
            )
            continue
        declared = spec.get("unit")
        if target in UNITS and declared != UNITS[target]:
            errors.add(
                DataError(
                    "bad-value",
                    f"{target} is in {UNITS[target]}: declare unit ="
                    f" {UNITS[target]!r} (and 'multiply' for thousands or millions)",
                    file=file,
                    field=field,
                )
            )
            continue
        multiply = spec.get("multiply", 1)
        if isinstance(multiply, bool) or not isinstance(multiply, int | float) or not 0 < multiply < math.inf:
            errors.add(DataError("bad-number", "'multiply' must be a positive, finite number", file=file, field=field))
            continue
        if "from" in spec and not isinstance(spec["from"], str):
            errors.add(DataError("bad-value", "'from' names a column: text, in quotes", file=file, field=field))
            continue
        specs.append(ColumnSpec(target, spec.get("from"), spec.get("value"), known[target], float(multiply)))
    mapped = {s.target for s in specs}
    for target in REQUIRED[into]:
        if target not in mapped and not any(e.field == f"columns.{target}" for e in errors.errors):
            errors.add(DataError("missing-column", f"{into} needs {target}", file=file, field=f"columns.{target}"))
    sheet = table.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        errors.add(DataError("bad-value", "the sheet's name is text, in quotes", file=file, field="table.sheet"))
    header_row = table.get("header_row", 1)
    if isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
        errors.add(
            DataError(
                "bad-value",
                f"the header row is a row number (1 or more), not {header_row!r}",
                file=file,
                field="table.header_row",
            )
        )
    errors.raise_if_any()
    return Mapping(
        into=into,
        columns=tuple(specs),
        origin=Origin(
            producer=str(source["producer"]),
            citation=str(source["citation"]),
            licence=str(source["licence"]),
            url=str(source.get("url", "")),
        ),
        release=str(source.get("release", "")),
        scope=str(source.get("scope", "")),
        sheet=sheet,
        header_row=header_row,
    )


def parse_table(path: Path, mapping_path: Path, into: str, progress: ProgressCallback | None = None) -> ParsedFile:
    mapping = read_mapping(mapping_path, into)
    file = path.name
    records = _records(path, mapping)
    header = next(records, None)
    if header is None:
        raise PartnerWatchError.single("empty-file", "the table is empty", file=file)
    names = [str(h).strip() if h is not None else "" for h in header[1]]
    duplicated = cells.duplicate_columns(names, file, header[0], sheet=mapping.sheet or "")
    if duplicated:
        raise PartnerWatchError(duplicated)
    while names and not names[-1]:  # a spreadsheet's empty cells after the last column name
        names.pop()
    positions = {name: i for i, name in enumerate(names)}
    missing = [s.source for s in mapping.columns if s.source is not None and s.source not in positions]
    if missing:
        raise PartnerWatchError(
            [
                DataError(
                    "missing-column",
                    "column named in the mapping is not in the table",
                    file=file,
                    row=header[0],
                    field=str(m),
                )
                for m in missing
            ]
        )
    errors = ErrorCollector()
    workbook = _is_workbook(path)
    columns: dict[str, list[Any]] = {s.target: [] for s in mapping.columns}
    for line, values in records:
        if all(v in (None, "") for v in values):
            continue
        overflow = any(v not in (None, "") for v in values[len(names) :])
        if overflow or (len(values) < len(names) and not workbook):  # a sheet leaves trailing empty cells out
            errors.add(
                DataError("bad-row", f"row has {len(values)} fields, header has {len(names)}", file=file, row=line)
            )
            continue
        row: dict[str, Any] = {}
        for spec in mapping.columns:
            raw = (
                spec.constant
                if spec.source is None
                else (values[positions[spec.source]] if positions[spec.source] < len(values) else None)
            )
            value = _convert(raw, spec, file, line, into)
            if isinstance(value, DataError):
                errors.add(value)
            else:
                row[spec.target] = value
        for target in REQUIRED[into]:
            if target in row and row[target] is None:
                errors.add(
                    DataError(
                        "missing-value",
                        f"{target} is required",
                        file=file,
                        row=line,
                        field=_field(mapping, target),
                    )
                )
        for target, allowed in KINDS.get(into, {}).items():
            if row.get(target) is not None and row[target] not in allowed:
                errors.add(
                    DataError(
                        "bad-value",
                        f"{row[target]!r} is not one of {', '.join(allowed)}",
                        file=file,
                        row=line,
                        field=_field(mapping, target),
                    )
                )
        if len(row) == len(mapping.columns):
            for target, value in row.items():
                columns[target].append(value)
    errors.raise_if_any()
    count = len(next(iter(columns.values()), []))
    if count == 0:
        raise PartnerWatchError.single("empty-file", "the table has a header but no data rows", file=file)
    if progress is not None:
        progress(count)
    schema = pa.schema([(s.target, ARROW_TYPES[s.kind]) for s in mapping.columns])
    return ParsedFile(
        tables={into: pa.table(columns, schema=schema)},
        scope=mapping.scope or f"{into}:{path.stem}",
        release=mapping.release,
        notes=f"mapping {mapping_path.name} into {into}",
        origin=mapping.origin,
    )


def _field(mapping: Mapping, target: str) -> str:
    spec = next((s for s in mapping.columns if s.target == target), None)
    return spec.source if spec is not None and spec.source else target


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _records(path: Path, mapping: Mapping) -> Iterator[tuple[int, list[Any]]]:
    """(line or row number, values) for the header and each row after it, from CSV or xlsx."""
    if _is_workbook(path):
        yield from _xlsx_records(path, mapping)
        return
    text, _warnings = cells.decode(cells.read_bytes(path), "utf-8", path.name)
    reader = csv.reader(text_lines(text))
    last = 0
    for fields in guarded(reader, path.name):
        line, last = last + 1, reader.line_num
        if line >= mapping.header_row:
            yield line, list(fields)


def _xlsx_records(path: Path, mapping: Mapping) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip and XML readers raise many kinds on bad input
        raise PartnerWatchError.single(
            "not-this-format", f"not a readable .xlsx workbook ({exc})", file=path.name
        ) from None
    try:
        if mapping.sheet is not None and mapping.sheet not in book.sheetnames:
            raise PartnerWatchError.single("missing-sheet", f"no sheet named {mapping.sheet!r}", file=path.name)
        sheet = book[mapping.sheet] if mapping.sheet else book.worksheets[0]
        check_formulas(path, sheet.title, path.name)
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number >= mapping.header_row:
                yield number, list(values)
    finally:
        book.close()


def _convert(raw: Any, spec: ColumnSpec, file: str, line: int, into: str) -> Any:
    field = spec.source or f"columns.{spec.target}"
    text = "" if raw is None else str(raw).strip()
    if spec.kind == "text":
        return text or None
    if spec.kind == "country":
        if not text:
            return None
        iso3 = crosswalk().lookup_name(text)
        if iso3 is None:
            return DataError(
                "unknown-country", f"{text!r} is not in the country crosswalk", file=file, row=line, field=field
            )
        # Assistance has regional lines (programmes for a region as a whole); the other tables hold countries.
        allowed = PLACES | {"aggregate"} if spec.target == "country_iso3" and into == "assistance" else PLACES
        return crosswalk().not_a(iso3, allowed, text, file=file, row=line, field=field) or iso3
    if spec.kind in ("integer", "number"):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            number: float | None | DataError = float(raw)
        else:
            number = cells.parse_float(text, file, line, field, minimum=None)
        if isinstance(number, DataError) or number is None:
            return number
        number *= spec.multiply
        if not math.isfinite(number):
            return DataError("bad-number", f"{raw!r} is not a finite number", file=file, row=line, field=field)
        lowest = MINIMUMS.get(spec.target)
        if lowest is not None and number < lowest:
            return DataError(
                "bad-number",
                f"{raw!r} is below {lowest}: {spec.target} cannot be negative",
                file=file,
                row=line,
                field=field,
            )
        if spec.kind == "integer":
            if not number.is_integer():
                return DataError("bad-number", f"{raw!r} is not a whole number", file=file, row=line, field=field)
            if abs(number) > cells.INT32_MAX:
                return DataError(
                    "bad-number", f"{raw!r} is larger than {cells.INT32_MAX:,}", file=file, row=line, field=field
                )
            return int(number)
        return number
    if spec.kind == "year":
        if isinstance(raw, int) and not isinstance(raw, bool):
            text = str(raw)
        # Fiscal years run ahead of the calendar in budget requests; other years are of what happened.
        ahead = 5 if spec.target == "fiscal_year" else 1
        return cells.parse_year(text.removeprefix("FY").strip(), file, line, field, ahead=ahead)
    if spec.kind == "date":
        if isinstance(raw, datetime | date):
            when = raw.date() if isinstance(raw, datetime) else raw
            return cells.date_error(when, file, line, field) or when
        if not text:
            return None
        for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d %B %Y"):
            try:
                when = datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            return cells.date_error(when, file, line, field) or when
        return DataError(
            "bad-date",
            f"{text!r} is not a date (YYYY-MM-DD, M/D/YYYY or 31 December 2020)",
            file=file,
            row=line,
            field=field,
        )
    if spec.kind == "boolean":
        if text.casefold() in TRUE:
            return True
        if text.casefold() in FALSE:
            return False
        return DataError("bad-value", f"{text!r} is not yes/no", file=file, row=line, field=field)
    raise AssertionError(spec.kind)
