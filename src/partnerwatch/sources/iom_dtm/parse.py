"""IOM DTM baseline assessments: IDPs by administrative area, one round per file.

The rounds change their headers (``Total No# of IDPs Ind#`` in some,
``Total No. of IDPs Ind.`` in others, line breaks inside names), their date
cells (Excel dates, ``31-12-2017`` text) and the case of admin names (``KaYes``).
Columns are found after normalising their names; dates in any of those forms
are read; admin names are written in title case, while the P-codes are kept
as given. The round is read from the file name (``Round_60``) when it says so.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.workbooks import check_formulas, open_workbook

SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("year", pa.int32()),
        ("date", pa.date32()),
        ("admin1", pa.string()),
        ("admin2", pa.string()),
        ("admin3", pa.string()),
        ("cause", pa.string()),
        ("measure", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("round", pa.string()),
    ]
)
COLUMNS = {
    "snapshot date": "date",
    "admin 0 pcode": "country",
    "admin 1": "admin1",
    "admin 2": "admin2",
    "admin 3": "admin3",
    "total no. of idps ind.": "idps",
    "total no. of idps hh": "households",
}
EXCEL_EPOCH = date(1899, 12, 30)


def _key(name: object) -> str:
    text = str(name or "").replace("#", ".").replace("\n", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value or "").strip()
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _name(value: Any) -> str | None:
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    if not text:
        return None
    return text.title() if text != text.title() and not text.isupper() or text.isupper() else text


def parse_dtm(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    with open_workbook(path) as book:
        sheet = book.worksheets[0]
        title = sheet.title
        sheet_rows = list(sheet.iter_rows(values_only=True))
    if not sheet_rows:
        raise PartnerWatchError.single("empty-file", "the first sheet is empty", file=file)
    check_formulas(path, title, file)
    header = [_key(c) for c in sheet_rows[0]]
    duplicated = cells.duplicate_columns(header, file)
    if duplicated:
        raise PartnerWatchError(duplicated)
    at = {field: header.index(name) for name, field in COLUMNS.items() if name in header}
    missing = [name for name, field in COLUMNS.items() if field not in at and field != "admin3"]
    if missing:
        raise PartnerWatchError(
            [DataError("missing-column", "column not in header", file=file, row=1, field=m) for m in missing]
        )
    names = {field: re.sub(r"\s+", " ", str(sheet_rows[0][i])).strip() for field, i in at.items()}
    match = re.search(r"round[_ ]?(\d+)", path.stem, re.I)
    round_name = f"Round {match.group(1)}" if match else ""
    walk = crosswalk()
    errors = ErrorCollector()
    rows: list[dict[str, Any]] = []
    dates: set[date] = set()
    for number, values in enumerate(sheet_rows[1:], start=2):
        if not values or all(v is None for v in values):
            continue

        def cell(field: str, current: tuple[Any, ...] = values) -> Any:
            return current[at[field]] if field in at and at[field] < len(current) else None

        when = _date(cell("date"))
        iso3 = walk.lookup_name(str(cell("country") or ""), "iom-dtm")
        if when is not None and (late := cells.date_error(when, file, number, "Snapshot Date")) is not None:
            errors.add(late)
            continue
        if when is None:
            errors.add(
                DataError(
                    "bad-date",
                    f"{cell('date')!r} is not a date",
                    file=file,
                    row=number,
                    field="Snapshot Date",
                )
            )
            continue
        if iso3 is None:
            errors.add(
                DataError(
                    "unknown-country",
                    f"{cell('country')!r} is not in the crosswalk",
                    file=file,
                    row=number,
                    field="Admin 0 pcode",
                )
            )
            continue
        place = walk.not_a(iso3, PLACES, str(cell("country")), file=file, row=number, field="Admin 0 pcode")
        if place is not None:
            errors.add(place)
            continue
        dates.add(when)
        for field, measure, unit in (
            ("idps", "idps", "people"),
            ("households", "idp_households", "households"),
        ):
            value = cells.people_count(cell(field), file, number, names[field], noun=unit)
            if isinstance(value, DataError):
                errors.add(value)
                continue
            if value is None:
                continue
            rows.append(
                {
                    "country_iso3": iso3,
                    "year": when.year,
                    "date": when,
                    "admin1": _name(cell("admin1")),
                    "admin2": _name(cell("admin2")),
                    "admin3": _name(cell("admin3")),
                    "cause": "conflict",
                    "measure": measure,
                    "value": value,
                    "unit": unit,
                    "round": round_name or None,
                }
            )
    errors.raise_if_any()
    if not rows:
        raise PartnerWatchError.single("empty-file", "no IDP rows", file=file)
    if progress is not None:
        progress(len(rows))
    snapshot = max(dates).isoformat()
    countries = ",".join(sorted({str(r["country_iso3"]) for r in rows}))
    return ParsedFile(
        tables={"displacement": pa.Table.from_pylist(rows, schema=SCHEMA)},
        scope=f"dtm:{countries}:{snapshot}",
        release=" ".join(p for p in (round_name, snapshot) if p),
    )
