"""ACLED's aggregated workbooks (as published on HDX): events and fatalities by country, admin area and month.

ACLED publishes, for every country, monthly counts of civilian-targeting
events, political-violence events and demonstrations in one workbook per
measure: a terms sheet (``TOU``), a sheet by country and month for countries
without a humanitarian response plan (``Non_HRP``: Country, Month, Year,
Events, Fatalities) and sheets by admin-2 area for the others (``HRP_1``,
``HRP_2``…: Country, Admin1, Admin2, ISO3, Admin2 Pcode, Admin1 Pcode, Month,
Year, Events, Fatalities). The layout is recognised from the sheets; what a
workbook counts is written nowhere inside it — ACLED names it in the file's
name (``civilian-targeting-events-and-fatalities-2025-01-10.xlsx``) and the
HDX dataset's title — so the measure is read from the name as ACLED gives it,
and a workbook renamed beyond recognition is refused rather than guessed.

Aggregates are not events: they go to ``acled_monthly``, never into
``harm_events``, and carry no actor, so they cannot say who targeted
civilians. Rows of zero are kept: zero events in a month is a value.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.workbooks import check_formulas, open_workbook

MEASURES = {
    "civilian-targeting": "civilian targeting",
    "political-violence": "political violence",
    "demonstration": "demonstrations",
}
"""How ACLED names its aggregated workbooks -> the measure stored."""
COUNTRY_SHEET = ("Country", "Month", "Year", "Events", "Fatalities")
ADMIN_SHEET = (
    "Country",
    "Admin1",
    "Admin2",
    "ISO3",
    "Admin2 Pcode",
    "Admin1 Pcode",
    "Month",
    "Year",
    "Events",
    "Fatalities",
)
LARGEST = 10_000_000
MONTHS = tuple(calendar.month_name)[1:]
SCHEMA = pa.schema(
    [
        ("measure", pa.string()),
        ("country_iso3", pa.string()),
        ("country", pa.string()),
        ("admin1", pa.string()),
        ("admin2", pa.string()),
        ("admin1_pcode", pa.string()),
        ("admin2_pcode", pa.string()),
        ("year", pa.int32()),
        ("month", pa.int32()),
        ("events", pa.int32()),
        ("fatalities", pa.int32()),
        ("sheet", pa.string()),
        ("source_row", pa.int32()),
    ]
)


def is_aggregated_workbook(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def measure_of(file: str) -> str:
    name = file.casefold().replace("_", "-")
    for key, measure in MEASURES.items():
        if name.startswith(key):
            return measure
    raise PartnerWatchError.single(
        "not-this-format",
        "an ACLED aggregated workbook says what it counts only in its name, as ACLED publishes it"
        " (civilian-targeting-events-and-fatalities-….xlsx, political-violence-…, demonstration-…): keep that name",
        file=file,
    )


def parse_acled_workbook(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    with open_workbook(path) as book:
        sheets = list(book.sheetnames)
        data_sheets = [s for s in sheets if s == "Non_HRP" or s.startswith("HRP")]
        if "TOU" not in sheets or not data_sheets:
            raise PartnerWatchError.single(
                "not-this-format",
                f"not an ACLED aggregated workbook: no TOU sheet and Non_HRP/HRP sheets (sheets: {', '.join(sheets)})",
                file=file,
            )
        measure = measure_of(file)
        errors = ErrorCollector()
        rows: list[dict[str, object]] = []
        for sheet in data_sheets:
            rows.extend(_sheet_rows(book[sheet].iter_rows(values_only=True), sheet, measure, file, errors))
    for sheet in data_sheets:
        check_formulas(path, sheet, file)
    errors.raise_if_any()
    if not rows:
        raise PartnerWatchError.single("empty-file", "the workbook's sheets hold no monthly rows", file=file)
    _refuse_duplicates(rows, file)
    warnings = _shared_pcodes(rows, file)
    if progress is not None:
        progress(len(rows))
    months = sorted({(int(str(r["year"])), int(str(r["month"]))) for r in rows})
    dated = re.search(r"(\d{4}-\d{2}-\d{2})", file)
    return ParsedFile(
        tables={"acled_monthly": pa.Table.from_pylist(rows, schema=SCHEMA)},
        scope=f"aggregated:{measure}",
        release=dated.group(1) if dated else "",
        notes=f"ACLED aggregated workbook ({measure}), {len(months)} months from {MONTHS[months[0][1] - 1]}"
        f" {months[0][0]} to {MONTHS[months[-1][1] - 1]} {months[-1][0]}, sheets {', '.join(data_sheets)}",
        warnings=warnings,
    )


def _sheet_rows(
    values: Iterable[tuple[object, ...]], sheet: str, measure: str, file: str, errors: ErrorCollector
) -> list[dict[str, object]]:
    iterator = iter(values)
    header_values = next(iterator, None)
    header = tuple(str(v).strip() if v is not None else "" for v in header_values or ())
    expected = COUNTRY_SHEET if sheet == "Non_HRP" else ADMIN_SHEET
    missing = [c for c in expected if c not in header]
    if missing:
        raise PartnerWatchError(
            [
                DataError("missing-column", "column not in header", file=file, row=1, field=f"{sheet}: {c}")
                for c in missing
            ]
        )
    at = {name: header.index(name) for name in expected}
    walk = crosswalk()
    out: list[dict[str, object]] = []
    for number, row in enumerate(iterator, start=2):
        if not any(v not in (None, "") for v in row):
            continue
        cell = {name: row[i] if i < len(row) else None for name, i in at.items()}
        where = f"{sheet}: "
        problems: list[DataError] = []
        name = str(cell["Country"] or "").strip()
        iso3: str | DataError
        if "ISO3" in cell and cell["ISO3"]:
            code = str(cell["ISO3"]).strip().upper()
            iso3 = (
                code
                if code in walk.by_iso3
                else DataError(
                    "unknown-country",
                    f"{code!r} is not an ISO3 code the crosswalk knows",
                    file=file,
                    row=number,
                    field=where + "ISO3",
                )
            )
        else:
            iso3 = walk.resolve_name(name, "acled", file=file, row=number, field=where + "Country")
        if isinstance(iso3, DataError):
            problems.append(iso3)
        elif (not_place := walk.not_a(iso3, PLACES, name, file=file, row=number, field=where + "Country")) is not None:
            problems.append(not_place)
        month = _month(cell["Month"], file, number, where + "Month")
        year = cells.parse_year(str(cell["Year"] or ""), file, number, where + "Year")
        counts = {
            c: cells.parse_int(str(cell[c] if cell[c] is not None else ""), file, number, where + c, maximum=LARGEST)
            for c in ("Events", "Fatalities")
        }
        problems += [x for x in (month, year, *counts.values()) if isinstance(x, DataError)]
        for label, value in (("Year", year), ("Events", counts["Events"]), ("Fatalities", counts["Fatalities"])):
            if value is None:
                problems.append(DataError("missing-value", "empty cell", file=file, row=number, field=where + label))
        if problems:
            errors.extend(problems)
            continue
        out.append(
            {
                "measure": measure,
                "country_iso3": iso3,
                "country": name,
                "admin1": _text(cell.get("Admin1")),
                "admin2": _text(cell.get("Admin2")),
                "admin1_pcode": _text(cell.get("Admin1 Pcode")),
                "admin2_pcode": _text(cell.get("Admin2 Pcode")),
                "year": year,
                "month": month,
                "events": counts["Events"],
                "fatalities": counts["Fatalities"],
                "sheet": sheet,
                "source_row": number,
            }
        )
    return out


def _text(value: object) -> str | None:
    """A cell's text; ACLED writes ``NA`` for an area without a P-code (Myanmar's self-administered zones)."""
    return None if value is None or cells.is_missing(str(value)) else str(value).strip()


def _month(value: object, file: str, row: int, field: str) -> int | DataError:
    text = str(value or "").strip()
    for number, name in enumerate(MONTHS, start=1):
        if text.casefold() == name.casefold():
            return number
    return DataError("bad-date", f"{text!r} is not a month's name", file=file, row=row, field=field)


def _shared_pcodes(rows: list[dict[str, object]], file: str) -> list[str]:
    """Areas that carry another area's P-code (ACLED's: Nigeria's Ijebu Ode and Ijebu North East): kept, named."""
    areas: dict[object, set[tuple[object, object]]] = {}
    for r in rows:
        if r["admin2_pcode"] is not None:
            areas.setdefault(r["admin2_pcode"], set()).add((r["admin1"], r["admin2"]))
    shared = sorted(str(code) for code, names in areas.items() if len(names) > 1)
    if not shared:
        return []
    return [
        f"{file}: {len(shared)} admin-2 P-codes are printed for two or more areas ({', '.join(shared[:5])}"
        f"{'…' if len(shared) > 5 else ''}): rows are kept by area name; do not join on these codes"
    ]


def _refuse_duplicates(rows: list[dict[str, object]], file: str) -> None:
    """One row per area and month: a country or admin-2 area twice in a month would be counted twice."""
    seen: dict[tuple[object, ...], tuple[object, object]] = {}
    problems: list[DataError] = []
    for r in rows:
        key = (r["country_iso3"], r["admin1"], r["admin2"], r["year"], r["month"])
        if key in seen:
            sheet, row = seen[key]
            problems.append(
                DataError(
                    "duplicate-row",
                    f"{r['country']} {r['admin2'] or ''} {MONTHS[int(str(r['month'])) - 1]} {r['year']} is already"
                    f" on {sheet} row {row}".replace("  ", " "),
                    file=file,
                    row=int(str(r["source_row"])),
                    field=f"{r['sheet']}: Country",
                )
            )
        else:
            seen[key] = (r["sheet"], r["source_row"])
    if problems:
        raise PartnerWatchError(problems[:50])
