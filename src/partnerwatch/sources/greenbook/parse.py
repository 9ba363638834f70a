"""Parse USAID's Greenbook workbook into ``assistance`` rows, every account and category as printed.

The sheet opens with a few rows of title and notes (their number has changed
between editions, so the header row is found, not counted), then one row per
fiscal year, country, assistance category, publication row (program group),
funding agency and funding account, with obligations in current ("Historical")
and constant dollars. Its quirks, each kept rather than smoothed over:

- The 1976 transition quarter (July–September 1976, when the fiscal year moved)
  is printed as fiscal year ``1976.9``: it is stored as 1976 with
  ``transition_quarter`` set, so a figure can count or leave it out.
- Regional lines ("Sub-Saharan Africa (not specified)", "World (not specified)")
  are money not attributed to a country: they are kept, as the crosswalk's
  regional aggregates, never dropped and never added to a country.
- Security-related State accounts (NADR, INCLE) are filed under "Economic";
  which accounts count as security assistance is decided by the figures
  (``figures/data/security_accounts.toml``), not here.
- Negative obligations are de-obligations and are kept.

The release is the date the sheet says it was prepared ("Prepared by USAID
Data Services on August 9, 2022" -> 2022-08-09).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.workbooks import check_formulas, open_workbook

COLUMNS = (
    "Fiscal Year",
    "Region",
    "Country",
    "Assistance Category",
    "Publication Row",
    "Funding Agency",
    "Funding Account Name",
    "Obligations (Historical Dollars)",
    "Obligations (Constant Dollars)",
)
CATEGORIES = ("Economic", "Military")
TRANSITION_QUARTER = 1976.9
HEADER_SEARCH = 30  # rows looked at for the header
LARGEST = 1e12  # no single obligation line comes near a trillion dollars
SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("fiscal_year", pa.int32()),
        ("program", pa.string()),
        ("account", pa.string()),
        ("category", pa.string()),
        ("transaction_type", pa.string()),
        ("amount_usd", pa.float64()),
        ("amount_constant_usd", pa.float64()),
        ("transition_quarter", pa.bool_()),
        ("managing_agency", pa.string()),
    ]
)
PREPARED = re.compile(r"Prepared by .*? on (\w+ \d{1,2}, \d{4})")


def parse_greenbook(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    with open_workbook(path) as book:
        sheet_name = book.sheetnames[0]
        sheet = book[sheet_name]
        rows = sheet.iter_rows(values_only=True)
        preamble: list[str] = []
        header_row = 0
        for number, values in enumerate(rows, start=1):
            first = values[0] if values else None
            if isinstance(first, str) and first.strip() == COLUMNS[0]:
                header_row = number
                header = [str(v).strip() if v is not None else "" for v in values]
                break
            preamble.extend(str(v) for v in (values or ()) if isinstance(v, str))
            if number >= HEADER_SEARCH:
                break
        if not header_row:
            raise PartnerWatchError.single(
                "not-this-format",
                f"no header row starting 'Fiscal Year' in the first {HEADER_SEARCH} rows of sheet {sheet_name!r}",
                file=file,
            )
        at = _columns(header, file, header_row, sheet_name)
        errors = ErrorCollector()
        out = _rows(rows, at, header_row, file, sheet_name, errors, progress)
    check_formulas(path, sheet_name, file)
    errors.raise_if_any()
    if not out:
        raise PartnerWatchError.single("empty-file", "the sheet has a header but no data rows", file=file)
    years = sorted({int(str(r["fiscal_year"])) for r in out})
    return ParsedFile(
        tables={"assistance": pa.Table.from_pylist(out, schema=SCHEMA)},
        scope="greenbook",
        release=_prepared(preamble) or f"{years[0]}-{years[-1]}",
        notes=f"fiscal years {years[0]}-{years[-1]}; {sum(1 for r in out if r['transition_quarter']):,} rows of the"
        " 1976 transition quarter",
    )


def _columns(header: list[str], file: str, row: int, sheet: str) -> dict[str, int]:
    duplicated = cells.duplicate_columns(header, file, sheet=sheet)
    if duplicated:
        raise PartnerWatchError(duplicated)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise PartnerWatchError(
            [
                DataError("missing-column", "column not in header", file=file, row=row, field=f"{sheet}: {c}")
                for c in missing
            ]
        )
    return {c: header.index(c) for c in COLUMNS}


def _rows(
    rows: Any,
    at: dict[str, int],
    header_row: int,
    file: str,
    sheet: str,
    errors: ErrorCollector,
    progress: ProgressCallback | None,
) -> list[dict[str, object]]:
    walk = crosswalk()
    allowed = PLACES | {"aggregate"}
    names: dict[str, str | DataError] = {}
    out: list[dict[str, object]] = []
    for number, values in enumerate(rows, start=header_row + 1):
        if not values or all(v is None for v in values):
            continue
        values = tuple(values) + (None,) * (len(COLUMNS) - len(values))

        def field(column: str) -> str:
            return f"{sheet}: {column}"

        year = _fiscal_year(values[at["Fiscal Year"]], file, number, field("Fiscal Year"))
        country = values[at["Country"]]
        iso3 = names.get(str(country))
        if iso3 is None:
            iso3 = _country(walk, country, allowed, file, number, field("Country"))
            names[str(country)] = iso3
        elif isinstance(iso3, DataError):
            iso3 = DataError(iso3.code, iso3.message, file=file, row=number, field=iso3.field)
        category = values[at["Assistance Category"]]
        texts = {c: _text(values[at[c]], file, number, field(c)) for c in COLUMNS[3:7]}
        amounts = {c: _amount(values[at[c]], file, number, field(c)) for c in COLUMNS[7:]}
        problems = [x for x in (year, iso3, *texts.values(), *amounts.values()) if isinstance(x, DataError)]
        if isinstance(category, str) and category.strip() not in CATEGORIES:
            problems.append(
                DataError(
                    "bad-value",
                    f"{category!r} is not one of {', '.join(CATEGORIES)}",
                    file=file,
                    row=number,
                    field=field("Assistance Category"),
                )
            )
        if problems:
            errors.extend(problems)
            continue
        assert isinstance(year, tuple)
        out.append(
            {
                "country_iso3": iso3,
                "fiscal_year": year[0],
                "program": texts["Publication Row"],
                "account": texts["Funding Account Name"],
                "category": texts["Assistance Category"],
                "transaction_type": "Obligations",
                "amount_usd": amounts["Obligations (Historical Dollars)"],
                "amount_constant_usd": amounts["Obligations (Constant Dollars)"],
                "transition_quarter": year[1],
                "managing_agency": texts["Funding Agency"],
            }
        )
        if progress is not None and len(out) % 5000 == 0:
            progress(5000)
    if progress is not None:
        progress(len(out) % 5000)
    return out


def _fiscal_year(value: object, file: str, row: int, field: str) -> tuple[int, bool] | DataError:
    """1996 -> (1996, False); 1976.9, the transition quarter -> (1976, True)."""
    if isinstance(value, float) and math.isclose(value, TRANSITION_QUARTER):
        return 1976, True
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and cells.digits(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        return DataError("bad-date", f"{value!r} is not a fiscal year", file=file, row=row, field=field)
    problem = cells.year_error(value, file, row, field)
    return problem if problem is not None else (value, False)


def _country(walk: Any, value: object, allowed: frozenset[str], file: str, row: int, field: str) -> str | DataError:
    name = str(value).strip() if value is not None else ""
    if not name:
        return DataError("missing-value", "no country or region", file=file, row=row, field=field)
    iso3 = walk.lookup_name(name, "greenbook")
    if iso3 is None:
        return DataError("unknown-country", f"{name!r} is not in the crosswalk", file=file, row=row, field=field)
    problem = walk.not_a(iso3, allowed, name, file=file, row=row, field=field)
    return problem if problem is not None else str(iso3)


def _text(value: object, file: str, row: int, field: str) -> str | DataError:
    if value is None or (isinstance(value, str) and not value.strip()):
        return DataError("missing-value", "empty", file=file, row=row, field=field)
    text = str(value).strip()
    problem = cells.control_char_error(text, file, row, field)
    return problem if problem is not None else text


def _amount(value: object, file: str, row: int, field: str) -> float | DataError:
    if value is None:
        return DataError("missing-value", "no amount", file=file, row=row, field=field)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return DataError("bad-number", f"{value!r} is not an amount in dollars", file=file, row=row, field=field)
    if not math.isfinite(value) or abs(value) >= LARGEST:
        return DataError("bad-number", f"{value!r} is not a plausible amount", file=file, row=row, field=field)
    return float(value)


def _prepared(preamble: list[str]) -> str:
    for line in preamble:
        match = PREPARED.search(line)
        if match:
            try:
                return datetime.strptime(match.group(1), "%B %d, %Y").date().isoformat()
            except ValueError:
                return ""
    return ""
