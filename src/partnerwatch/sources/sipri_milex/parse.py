"""Parse the SIPRI Military Expenditure Database workbook into ``milex`` rows.

One sheet per measure, each with a few lines of notes, a header row starting
``Country`` (its row differs between sheets), metadata columns (currency,
fiscal year, notes, reporting year) and one column per year. Countries are
grouped under region rows, which hold no values. ``...`` means the data are
unavailable, ``xxx`` that the country did not exist or was not independent;
both are kept as rows with no value and a status, so "missing" and "not
applicable" stay distinct. Figures in blue are SIPRI estimates and in red
highly uncertain: the cell's font colour is kept as two flags. The note
symbols (``¶``, ``†``…) are expanded with the workbook's Footnotes sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.cells import year_error

# Sheet title (pattern) -> (measure, unit). The constant-dollar base year is read from the title.
SHEETS: tuple[tuple[str, str, str], ...] = (
    (r"^Local currency financial years$", "local_currency_financial_year", "local currency, current prices"),
    (r"^Local currency calendar years$", "local_currency_calendar_year", "local currency, current prices"),
    (r"^Constant \((\d{4})\) US\$$", "constant_{0}_usd_millions", "US$ m., constant {0} prices"),
    (r"^Current US\$$", "current_usd_millions", "US$ m., current prices"),
    (r"^Share of GDP$", "share_of_gdp", "fraction of GDP"),
    (r"^Per capita$", "per_capita_current_usd", "US$ per person, current prices"),
    (
        r"^Share of Govt\. spending$",
        "share_of_government_spending",
        "fraction of general government expenditure",
    ),
)
MISSING = {"...", ". .", ".."}
NOT_APPLICABLE = {"xxx"}
BLUE, RED = 12, 10  # indexed colours of SIPRI's estimate and uncertain figures
SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("year", pa.int32()),
        ("measure", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("note", pa.string()),
        ("status", pa.string()),
        ("estimate", pa.bool_()),
        ("uncertain", pa.bool_()),
    ]
)


def parse_milex_workbook(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    import openpyxl  # imported here: only this source needs it
    from openpyxl.utils.exceptions import InvalidFileException

    file = path.name
    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise PartnerWatchError.single("not-this-format", f"not a readable .xlsx workbook ({exc})", file=file) from None
    except Exception as exc:  # noqa: BLE001 - zipfile and XML parsers raise many kinds on bad input
        raise PartnerWatchError.single("not-this-format", f"not a readable .xlsx workbook ({exc})", file=file) from None
    try:
        footnotes = _footnotes(book)
        errors = ErrorCollector()
        columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
        found: list[str] = []
        release = ""
        for sheet in book.worksheets:
            spec = _sheet_spec(sheet.title)
            if spec is None:
                continue
            measure, unit = spec
            found.append(sheet.title)
            for row in _sheet_rows(sheet, measure, unit, footnotes, file, errors):
                for name, value in row.items():
                    columns[name].append(value)
            release = release or _years_in_title(sheet)
            if progress is not None:
                progress(1)
    finally:
        book.close()
    missing = [pattern for pattern, _m, _u in SHEETS if not any(re.match(pattern, t) for t in found)]
    if missing:
        titles = ", ".join(re.sub(r"\\(.)", r"\1", p[1:-1].replace("(\\d{4})", "YYYY")) for p in missing)
        raise PartnerWatchError.single("missing-sheet", f"workbook lacks the sheet(s): {titles}", file=file)
    errors.raise_if_any()
    return ParsedFile(tables={"milex": pa.table(columns, schema=SCHEMA)}, scope="all", release=release)


def _sheet_spec(title: str) -> tuple[str, str] | None:
    for pattern, measure, unit in SHEETS:
        match = re.match(pattern, title.strip())
        if match:
            return measure.format(*match.groups()), unit.format(*match.groups())
    return None


def _years_in_title(sheet: Any) -> str:
    first = next(sheet.iter_rows(max_row=1, values_only=True), (None,))
    match = re.search(r"(\d{4})\s*-\s*(\d{4})", str(first[0] or ""))
    return f"{match.group(1)}-{match.group(2)}" if match else ""


def _footnotes(book: Any) -> dict[str, str]:
    if "Footnotes" not in book.sheetnames:
        return {}
    notes: dict[str, str] = {}
    for row in book["Footnotes"].iter_rows(values_only=True):
        if len(row) >= 2 and isinstance(row[0], str) and isinstance(row[1], str) and len(row[0].strip()) <= 3:
            notes[row[0].strip()] = row[1].strip()
    return notes


def _sheet_rows(
    sheet: Any, measure: str, unit: str, footnotes: dict[str, str], file: str, errors: ErrorCollector
) -> Iterator[dict[str, Any]]:
    walk = crosswalk()
    header: list[Any] | None = None
    years: list[tuple[int, int]] = []
    meta: dict[str, int] = {}
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = [c.value for c in cells]
        if header is None:
            if values and values[0] == "Country":
                header = values
                years = [(i, v) for i, v in enumerate(values) if isinstance(v, int) and not isinstance(v, bool)]
                for _i, year in years:  # a year no release can have (2999) must not make its column vanish
                    if (implausible := year_error(year, file, number, f"{sheet.title}: {year}")) is not None:
                        errors.add(implausible)
                years = [(i, v) for i, v in years if year_error(v, file, number, "") is None]
                meta = {str(v).strip(): i for i, v in enumerate(values) if isinstance(v, str) and v.strip()}
                if not years:
                    errors.add(
                        DataError(
                            "missing-column",
                            "no year columns in the header",
                            file=file,
                            row=number,
                            field=f"{sheet.title}: years",
                        )
                    )
                    return
            continue
        if not values or not isinstance(values[0], str) or not values[0].strip():
            continue
        year_cells = [(year, cells[i]) for i, year in years if i < len(cells)]
        if all(cell.value is None for _y, cell in year_cells):
            continue  # a region heading
        name = values[0].strip()
        iso3 = walk.lookup_name(name, "sipri")
        if iso3 is None:
            errors.add(
                DataError(
                    "unknown-country",
                    f"{name!r} is not in the country crosswalk",
                    file=file,
                    row=number,
                    field=f"{sheet.title}: Country",
                )
            )
            continue
        # SIPRI gives the European Union's spending too; a group of countries ("World") it never lists.
        allowed = PLACES | {"organisation"}
        if aggregate := walk.not_a(iso3, allowed, name, file=file, row=number, field=f"{sheet.title}: Country"):
            errors.add(aggregate)
            continue
        note = _note(values, meta, footnotes)
        for year, cell in year_cells:
            value, status = _value(cell.value)
            if status == "bad":
                errors.add(
                    DataError(
                        "bad-number",
                        f"{cell.value!r} is not a number, '...' or 'xxx'",
                        file=file,
                        row=number,
                        field=f"{sheet.title}: {year}",
                    )
                )
                continue
            colour = _indexed_colour(cell)
            yield {
                "country_iso3": iso3,
                "year": year,
                "measure": measure,
                "value": value,
                "unit": unit,
                "note": note,
                "status": status,
                "estimate": colour == BLUE,
                "uncertain": colour == RED,
            }


def _value(raw: Any) -> tuple[float | None, str]:
    if isinstance(raw, bool):
        return None, "bad"
    if isinstance(raw, int | float):
        return float(raw), "value"
    text = str(raw).strip() if raw is not None else ""
    if text in MISSING or not text:
        return None, "missing"
    if text.casefold() in NOT_APPLICABLE:
        return None, "not applicable"
    return None, "bad"


def _indexed_colour(cell: Any) -> int | None:
    colour = getattr(getattr(cell, "font", None), "color", None)
    if colour is None or getattr(colour, "type", None) != "indexed":
        return None
    return int(colour.indexed)


def _note(values: list[Any], meta: dict[str, int], footnotes: dict[str, str]) -> str | None:
    parts: list[str] = []
    for label, index in meta.items():
        if label in ("Country", "Currency") or index >= len(values) or values[index] in (None, ""):
            continue
        value = str(values[index]).strip()
        if label == "Notes":
            parts.extend(footnotes.get(symbol, symbol) for symbol in value.split())
        else:
            parts.append(f"{label}: {value}")
    if "Currency" in meta and meta["Currency"] < len(values) and values[meta["Currency"]]:
        parts.insert(0, f"Currency: {values[meta['Currency']]}")
    return "; ".join(parts) or None
