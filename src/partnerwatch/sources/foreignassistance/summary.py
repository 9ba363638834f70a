"""The country summary CSV: one row per country, transaction type and fiscal year.

Its quirks: the source's own column typo ``income_roup``; fiscal years such as
``1976tq`` (the transition quarter of 1976, when the fiscal year moved from
July to October) stored as year 1976 with ``transition_quarter`` set;
``NULL`` country codes for historical entities, resolved by name; negative
amounts (de-obligations) kept as they are.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import read_csv_records

COLUMNS = (
    "country_code",
    "country_name",
    "transaction_type_name",
    "fiscal_year",
    "current_amount",
    "constant_amount",
)
SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("fiscal_year", pa.int32()),
        ("transition_quarter", pa.bool_()),
        ("transaction_type", pa.string()),
        ("amount_usd", pa.float64()),
        ("amount_constant_usd", pa.float64()),
    ]
)


def parse_fiscal_year(value: str, file: str, row: int, field: str) -> tuple[int, bool] | DataError:
    text = value.strip().lower()
    quarter = text.endswith("tq")
    digits = text[:-2] if quarter else text
    if len(digits) == 4 and cells.digits(digits):
        # A budget request or planned figure can lie a few years ahead; nothing lies centuries ahead.
        return cells.year_error(int(digits), file, row, field, ahead=5) or (int(digits), quarter)
    return DataError("bad-date", f"{value!r} is not a fiscal year (YYYY or YYYYtq)", file=file, row=row, field=field)


def resolve_country(code: str, name: str, walk_source: str = "foreignassistance") -> str | None:
    walk = crosswalk()
    if code and code.upper() != "NULL":
        found = walk.lookup_name(code, walk_source)
        if found:
            return found
    return walk.lookup_name(name, walk_source)


def parse_country_summary(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    errors = ErrorCollector()
    rows: list[dict[str, object]] = []
    warnings: list[str] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, record in read_csv_records(path, COLUMNS, warnings=warnings):
        key = tuple(record[c].strip() for c in ("country_code", "country_name", "transaction_type_name", "fiscal_year"))
        if key in seen:
            errors.add(
                DataError(
                    "duplicate-row",
                    f"{key[1]} {key[2]} FY{key[3]} is already on line {seen[key]}: one amount per country,"
                    " transaction type and fiscal year",
                    file=file,
                    row=line,
                    field="fiscal_year",
                )
            )
            continue
        seen[key] = line
        iso3 = resolve_country(record["country_code"], record["country_name"])
        if iso3 is None:
            errors.add(
                DataError(
                    "unknown-country",
                    f"{record['country_code']!r} / {record['country_name']!r} is not in the crosswalk",
                    file=file,
                    row=line,
                    field="country_code",
                )
            )
            continue
        year = parse_fiscal_year(record["fiscal_year"], file, line, "fiscal_year")
        current = cells.parse_float(record["current_amount"], file, line, "current_amount", minimum=None)
        constant = cells.parse_float(record["constant_amount"], file, line, "constant_amount", minimum=None)
        problems = [v for v in (year, current, constant) if isinstance(v, DataError)]
        if problems:
            errors.extend(problems)
            continue
        assert isinstance(year, tuple)
        kind = record["transaction_type_name"].strip()
        if not kind:
            errors.add(
                DataError(
                    "missing-value",
                    "transaction type is empty",
                    file=file,
                    row=line,
                    field="transaction_type_name",
                )
            )
            continue
        rows.append(
            {
                "country_iso3": iso3,
                "fiscal_year": year[0],
                "transition_quarter": year[1],
                "transaction_type": kind,
                "amount_usd": current,
                "amount_constant_usd": constant,
            }
        )
    errors.raise_if_any()
    if not rows:
        raise PartnerWatchError.single("empty-file", "no data rows", file=file)
    if progress is not None:
        progress(len(rows))
    return ParsedFile(
        tables={"assistance": pa.Table.from_pylist(rows, schema=SCHEMA)},
        scope="country-summary",
        notes="country summary file",
        warnings=warnings,
    )
