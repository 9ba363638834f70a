"""Parse the SIPRI trade register CSV into ``arms_transfers`` rows.

What the real export does, and what this parser therefore handles:

* Latin-1 bytes; a preamble of notes (11 lines in the 2025 export) before the
  header line that starts ``Recipient,Supplier,``; the release date is read
  from its ``Data generated:`` line.
* Three columns named ``' '`` that hold a ``?`` when the value in the column
  before them is uncertain (year of order, number ordered, number delivered).
* ``Year(s) of delivery`` as a ``;``-separated list of years.
* Comments with an unquoted line break: the record continues on the next
  physical line, which starts with the rest of the comment and the TIV fields.
* Non-state recipients (``Hamas (Palestine)*``), organisations
  (``African Union**``) and unknown parties (``unknown supplier(s)``), which
  resolve through the crosswalk like states do.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from partnerwatch.countries import Crosswalk, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import guarded, text_lines

if TYPE_CHECKING:
    from _csv import Reader

HEADER_START = "Recipient,Supplier,"
PREAMBLE_LIMIT = 40

# Named columns the register must have, and the field each uncertainty flag follows.
REQUIRED = (
    "Recipient",
    "Supplier",
    "Year of order",
    "Number ordered",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
)
FLAGGED = ("Year of order", "Number ordered", "Number delivered")

SCHEMA = pa.schema(
    [
        ("supplier_iso3", pa.string()),
        ("recipient_iso3", pa.string()),
        ("supplier_name", pa.string()),
        ("recipient_name", pa.string()),
        ("order_year", pa.int32()),
        ("order_year_uncertain", pa.bool_()),
        ("number_ordered", pa.int64()),
        ("number_ordered_uncertain", pa.bool_()),
        ("designation", pa.string()),
        ("description", pa.string()),
        ("number_delivered", pa.int64()),
        ("number_delivered_uncertain", pa.bool_()),
        ("delivery_years", pa.list_(pa.int32())),
        ("status", pa.string()),
        ("comments", pa.string()),
        ("tiv_per_unit", pa.float64()),
        ("tiv_order", pa.float64()),
        ("tiv_delivered", pa.float64()),
        ("source_row", pa.int32()),
    ]
)

_GENERATED = re.compile(r"Data generated:\s*(\d{1,2} \w{3} \d{4})")


def parse_trade_register(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    text, warnings = cells.decode(cells.read_bytes(path), "latin-1", file)
    lines = list(text_lines(text))  # at "\n" only: str.splitlines() would also break at U+2028 in a comment
    header_index = next((i for i, line in enumerate(lines[:PREAMBLE_LIMIT]) if line.startswith(HEADER_START)), None)
    if header_index is None:
        raise PartnerWatchError.single(
            "not-this-format",
            f"no header line starting {HEADER_START!r} in the first {PREAMBLE_LIMIT} lines: not a SIPRI trade register",
            file=file,
            row=1,
        )
    release = _release(lines[:header_index])
    header = next(csv.reader([lines[header_index]]))
    positions, flags = _columns(header, file, header_index + 1)

    errors = ErrorCollector()
    walk = crosswalk()
    body = io.StringIO("".join(lines[header_index + 1 :]), newline="")
    records = list(_records(csv.reader(body), header, header_index + 1, file, errors))
    if progress is not None:
        progress(len(records))
    columns = None if errors.errors else _by_distinct_value(records, positions, flags, file, walk)
    if columns is None:  # something is wrong: the row-by-row pass names each error's row and field
        columns = {name: [] for name in SCHEMA.names}
        for start_line, record in records:
            row = _row(record, positions, flags, file, start_line, walk, errors)
            if row is not None:
                for name, value in row.items():
                    columns[name].append(value)
    errors.raise_if_any()
    if not columns["source_row"]:
        raise PartnerWatchError.single("empty-file", "the register has a header but no rows", file=file)
    table = pa.table(columns, schema=SCHEMA)
    return ParsedFile(
        tables={"arms_transfers": table},
        scope="all",
        release=release,
        notes=f"header on line {header_index + 1}",
        warnings=warnings,
    )


def _release(preamble: list[str]) -> str:
    for line in preamble:
        match = _GENERATED.search(line)
        if match:
            return datetime.strptime(match.group(1), "%d %b %Y").date().isoformat()
    return ""


def _columns(header: list[str], file: str, line: int) -> tuple[dict[str, int], dict[str, int]]:
    """Position of each named column, and of the ``?`` flag that follows a flagged one."""
    duplicated = cells.duplicate_columns(header, file, line)  # the unnamed flag columns are not names
    if duplicated:
        raise PartnerWatchError(duplicated)
    positions: dict[str, int] = {}
    flags: dict[str, int] = {}
    for i, name in enumerate(header):
        if name.strip():
            positions[name.strip()] = i
        elif i > 0 and header[i - 1].strip() in FLAGGED:
            flags[header[i - 1].strip()] = i
    missing = [name for name in (*REQUIRED,) if name not in positions]
    missing += [f"uncertainty flag after {name!r}" for name in FLAGGED if name not in flags]
    if missing:
        raise PartnerWatchError(
            [DataError("missing-column", "column not in header", file=file, row=line, field=m) for m in missing]
        )
    return positions, flags


def _numbered(reader: Reader, first_line: int, file: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, fields) for each CSV record, as physical line numbers."""
    last = first_line - 1
    for fields in guarded(reader, file, first_line - 1):
        end = first_line - 1 + reader.line_num
        yield last + 1, end, fields
        last = end


def _records(
    reader: Reader, header: list[str], header_line: int, file: str, errors: ErrorCollector
) -> Iterator[tuple[int, list[str]]]:
    """Yield (first physical line, fields) per record, rejoining comments split by a line break."""
    width = len(header)
    pending: list[str] | None = None
    pending_start = 0
    for start, _end, fields in _numbered(reader, header_line + 1, file):
        if pending is None:
            if not "".join(fields).strip():  # a blank record (faster than testing each field)
                continue
            if len(fields) >= width:
                record, record_start = fields, start
            else:
                pending, pending_start = fields, start
                continue
        else:
            # The first field completes the pending record's last field.
            record = pending[:-1] + [pending[-1] + "\n" + fields[0]] + fields[1:] if fields else pending
            record_start = pending_start
            if len(record) < width:
                pending = record
                continue
            pending = None
        if len(record) != width:
            errors.add(_width_error(len(record), header, file, record_start))
            continue
        yield record_start, record
    if pending is not None:
        errors.add(_width_error(len(pending), header, file, pending_start, " (file truncated?)"))


def _width_error(count: int, header: list[str], file: str, line: int, hint: str = "") -> DataError:
    """Name the first field that is missing, or the first one beyond the header."""
    width = len(header)
    if count > width:
        field = f"field {width + 1} (after {header[-1].strip()!r})"
    else:
        name = header[count].strip() or f"uncertainty flag after {header[count - 1].strip()!r}"
        field = f"{name} (missing)"
    return DataError("bad-row", f"record has {count} fields, expected {width}{hint}", file=file, row=line, field=field)


def _by_distinct_value(
    records: list[tuple[int, list[str]]],
    positions: dict[str, int],
    flags: dict[str, int],
    file: str,
    walk: Crosswalk,
) -> dict[str, list[object]] | None:
    """The columns ``_row`` would give, each cell function called once per distinct value; None at any error.

    A register repeats its values (80 order years, a few hundred parties,
    a few thousand TIV figures over 29,515 orders), and the cell functions
    depend on the value alone, so this is ``_row`` without repeating work. An
    error needs its row, so any error sends the caller back to ``_row``.
    """
    if not records:
        return {name: [] for name in SCHEMA.names}
    lines: list[object] = [line for line, _ in records]
    raw = list(zip(*(record for _, record in records), strict=True))
    for name, at in positions.items():
        if name in REQUIRED and cells.control_char_error("\n".join(raw[at]), file, 0, name) is not None:
            return None
    stripped = {name: [v.strip() for v in raw[positions[name]]] for name in REQUIRED}

    def column(name: str, parse: Callable[[str], object]) -> list[object] | None:
        values = stripped[name]
        done = {v: parse(v) for v in set(values)}
        if any(isinstance(r, DataError) for r in done.values()):
            return None
        return [done[v] for v in values]

    def party(value: str) -> object:
        if not value:
            return DataError("missing-value", "party is empty", file=file, field="party")
        return walk.resolve_name(value, "sipri", file=file, row=0, field="party")

    def order_year(value: str) -> object:
        year = cells.parse_year(value, file, 0, "Year of order")
        return DataError("missing-value", "empty", file=file) if year is None else year

    def delivery(value: str) -> object:
        years = [cells.parse_year(part, file, 0, "Year(s) of delivery") for part in value.split(";") if part.strip()]
        problem = next((y for y in years if isinstance(y, DataError)), None)
        return problem or [y for y in years if isinstance(y, int)]

    def flag(name: str) -> list[object] | None:
        values = [v.strip() for v in raw[flags[name]]]
        if any(v not in ("", "?") for v in set(values)):
            return None
        return [v == "?" for v in values]

    def whole(field: str) -> Callable[[str], object]:
        return lambda v: cells.parse_int(v, file, 0, field)

    def decimal(field: str) -> Callable[[str], object]:
        return lambda v: cells.parse_float(v, file, 0, field)

    def text(name: str, empty: object = "") -> list[object]:
        return [v or empty for v in stripped[name]]

    found = {
        "supplier_iso3": column("Supplier", party),
        "recipient_iso3": column("Recipient", party),
        "supplier_name": text("Supplier"),
        "recipient_name": text("Recipient"),
        "order_year": column("Year of order", order_year),
        "order_year_uncertain": flag("Year of order"),
        "number_ordered": column("Number ordered", whole("Number ordered")),
        "number_ordered_uncertain": flag("Number ordered"),
        "designation": text("Weapon designation"),
        "description": text("Weapon description"),
        "number_delivered": column("Number delivered", whole("Number delivered")),
        "number_delivered_uncertain": flag("Number delivered"),
        "delivery_years": column("Year(s) of delivery", delivery),
        "status": text("status", None),
        "comments": text("Comments", None),
        "tiv_per_unit": column("SIPRI TIV per unit", decimal("SIPRI TIV per unit")),
        "tiv_order": column("SIPRI TIV for total order", decimal("SIPRI TIV for total order")),
        "tiv_delivered": column("SIPRI TIV of delivered weapons", decimal("SIPRI TIV of delivered weapons")),
        "source_row": list(lines),
    }
    if any(values is None for values in found.values()):
        return None
    return {name: values for name, values in found.items() if values is not None}


def _row(
    record: list[str],
    positions: dict[str, int],
    flags: dict[str, int],
    file: str,
    line: int,
    walk: Crosswalk,
    errors: ErrorCollector,
) -> dict[str, object] | None:
    """One register record as an ``arms_transfers`` row, or None after recording its errors."""
    found: list[DataError] = []

    def cell(name: str) -> str:
        value = record[positions[name]]
        problem = cells.control_char_error(value, file, line, name)
        if problem is not None:
            found.append(problem)
        return value.strip()

    def flag(name: str) -> bool:
        value = record[flags[name]].strip()
        if value not in ("", "?"):
            found.append(
                DataError(
                    "bad-value",
                    f"uncertainty flag {value!r} is not '?' or empty",
                    file=file,
                    row=line,
                    field=f"{name} (?)",
                )
            )
        return value == "?"

    def checked(value: object) -> object:
        if isinstance(value, DataError):
            found.append(value)
            return None
        return value

    parties: dict[str, str | None] = {}
    for field in ("Supplier", "Recipient"):
        name = cell(field)
        if not name:
            found.append(DataError("missing-value", "party is empty", file=file, row=line, field=field))
            parties[field] = None
            continue
        resolved = walk.resolve_name(name, "sipri", file=file, row=line, field=field)
        parties[field] = checked(resolved)  # type: ignore[assignment]

    order_year = checked(cells.parse_year(cell("Year of order"), file, line, "Year of order"))
    if order_year is None and not found:
        found.append(DataError("missing-value", "year of order is empty", file=file, row=line, field="Year of order"))
    years: list[int] = []
    for part in cell("Year(s) of delivery").split(";"):
        if part.strip():
            year = checked(cells.parse_year(part, file, line, "Year(s) of delivery"))
            if isinstance(year, int):
                years.append(year)
    row = {
        "supplier_iso3": parties["Supplier"],
        "recipient_iso3": parties["Recipient"],
        "supplier_name": cell("Supplier"),
        "recipient_name": cell("Recipient"),
        "order_year": order_year,
        "order_year_uncertain": flag("Year of order"),
        "number_ordered": checked(cells.parse_int(cell("Number ordered"), file, line, "Number ordered")),
        "number_ordered_uncertain": flag("Number ordered"),
        "designation": cell("Weapon designation"),
        "description": cell("Weapon description"),
        "number_delivered": checked(cells.parse_int(cell("Number delivered"), file, line, "Number delivered")),
        "number_delivered_uncertain": flag("Number delivered"),
        "delivery_years": years,
        "status": cell("status") or None,
        "comments": cell("Comments") or None,
        "tiv_per_unit": checked(cells.parse_float(cell("SIPRI TIV per unit"), file, line, "SIPRI TIV per unit")),
        "tiv_order": checked(
            cells.parse_float(cell("SIPRI TIV for total order"), file, line, "SIPRI TIV for total order")
        ),
        "tiv_delivered": checked(
            cells.parse_float(cell("SIPRI TIV of delivered weapons"), file, line, "SIPRI TIV of delivered weapons")
        ),
        "source_row": line,
    }
    if found:
        errors.extend(found)
        return None
    return row
