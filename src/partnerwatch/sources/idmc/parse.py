"""IDMC's GIDD workbook: country-year conflict and disaster displacement into ``displacement``.

The data sheet gives each figure twice: rounded as IDMC publishes it
(``Conflict Stock Displacement`` = 326,000) and unrounded (``… (Raw)``). The
published figure is ``value``, the raw one ``value_raw``. An empty cell means
IDMC has no figure for that year; no row is written for it. The release is
the README sheet's extraction date, so an older workbook loaded after a
newer one is recognised as older.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.workbooks import check_formulas, open_workbook

SHEET = "1_Displacement_data"
# column -> (cause, measure)
MEASURES = {
    "Conflict Stock Displacement": ("conflict", "idps_stock"),
    "Conflict Internal Displacements": ("conflict", "new_displacements"),
    "Disaster Internal Displacements": ("disaster", "new_displacements"),
    "Disaster Stock Displacement": ("disaster", "idps_stock"),
}
SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("year", pa.int32()),
        ("cause", pa.string()),
        ("measure", pa.string()),
        ("value", pa.float64()),
        ("value_raw", pa.float64()),
        ("unit", pa.string()),
    ]
)


def parse_idmc(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    with open_workbook(path) as book:
        if SHEET not in book.sheetnames:
            raise PartnerWatchError.single("missing-sheet", f"no sheet named {SHEET!r}", file=file)
        sheet_rows = list(book[SHEET].iter_rows(values_only=True))
        extracted = _extraction_date(book)
    check_formulas(path, SHEET, file)
    if not sheet_rows:
        raise PartnerWatchError.single("empty-file", "the data sheet is empty", file=file)
    header = [str(c).strip() if c is not None else "" for c in sheet_rows[0]]
    duplicated = cells.duplicate_columns(header, file, sheet=SHEET)
    if duplicated:
        raise PartnerWatchError(duplicated)
    required = ["ISO3", "Name", "Year", *MEASURES, *(f"{m} (Raw)" for m in MEASURES)]
    missing = [c for c in required if c not in header]
    if missing:
        raise PartnerWatchError(
            [
                DataError("missing-column", "column not in header", file=file, row=1, field=f"{SHEET}: {m}")
                for m in missing
            ]
        )
    at = {name: header.index(name) for name in required}
    walk = crosswalk()
    errors = ErrorCollector()
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, int], int] = {}
    for number, values in enumerate(sheet_rows[1:], start=2):
        if not values or values[at["ISO3"]] is None:
            continue
        code, name = str(values[at["ISO3"]]).strip(), str(values[at["Name"]] or "").strip()
        iso3 = walk.lookup_name(code, "idmc") or walk.lookup_name(name, "idmc")
        if iso3 is None:
            errors.add(
                DataError(
                    "unknown-country",
                    f"{code!r} / {name!r} is not in the crosswalk",
                    file=file,
                    row=number,
                    field=f"{SHEET}: ISO3",
                )
            )
            continue
        if aggregate := walk.not_a(iso3, PLACES, name or code, file=file, row=number, field=f"{SHEET}: ISO3"):
            errors.add(aggregate)
            continue
        year = values[at["Year"]]
        if isinstance(year, bool) or not isinstance(year, int):
            errors.add(DataError("bad-date", f"{year!r} is not a year", file=file, row=number, field=f"{SHEET}: Year"))
            continue
        if (implausible := cells.year_error(year, file, number, f"{SHEET}: Year")) is not None:
            errors.add(implausible)
            continue
        if (iso3, year) in seen:
            errors.add(
                DataError(
                    "duplicate-row",
                    f"{iso3} {year} is already on row {seen[iso3, year]}: one row per country and year",
                    file=file,
                    row=number,
                    field=f"{SHEET}: ISO3",
                )
            )
            continue
        seen[iso3, year] = number
        for column, (cause, measure) in MEASURES.items():
            field = f"{SHEET}: {column}"
            value = cells.people_count(values[at[column]], file, number, field)
            raw = cells.people_count(values[at[f"{column} (Raw)"]], file, number, f"{field} (Raw)")
            if isinstance(value, DataError) or isinstance(raw, DataError):
                errors.extend(v for v in (value, raw) if isinstance(v, DataError))
                continue
            if value is None and raw is None:
                continue
            rows.append(
                {
                    "country_iso3": iso3,
                    "year": year,
                    "cause": cause,
                    "measure": measure,
                    "value": value,
                    "value_raw": raw,
                    "unit": "people",
                }
            )
    errors.raise_if_any()
    if progress is not None:
        progress(len(rows))
    years = sorted({int(r["year"]) for r in rows})
    span = f"{years[0]}-{years[-1]}" if years else ""
    return ParsedFile(
        tables={"displacement": pa.Table.from_pylist(rows, schema=SCHEMA)},
        scope="gidd",
        release=extracted or span,
        notes=f"years {span}" if span else "",
    )


def _extraction_date(book: Any) -> str:
    """The README sheet's "Date extracted" (DD/MM/YYYY) as an ISO date: which release this is."""
    if "README" not in book.sheetnames:
        return ""
    for values in book["README"].iter_rows(max_row=40, values_only=True):
        if len(values) >= 2 and str(values[0] or "").strip().casefold() == "date extracted":
            found = values[1]
            if isinstance(found, datetime | date):
                return found.strftime("%Y-%m-%d")
            try:
                return datetime.strptime(str(found).strip(), "%d/%m/%Y").date().isoformat()
            except ValueError:
                return ""
    return ""
