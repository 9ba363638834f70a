"""Parse Powell & Thyne's coups file: one dated event per attempt, to the precision the file gives.

The file is tab-separated: ``country`` (quoted), ``ccode`` (Correlates of
War), two code columns the file leaves empty (``ccode_gw``, ``ccode_polity``),
``year``, ``month``, ``day``, ``coup`` (2 successful, 1 failed) and
``version``. A date is never more precise than its source: a row without a
day is a month-precision event (stored on the month's first day, with
``date_precision = 'month'``), without a month a year-precision one. The
country is found by name through the crosswalk (the file's names for states
that no longer exist, "Republic of Vietnam", are aliases of source
``coups``); the ``ccode`` is kept as printed.
"""

from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import PLACES, Crosswalk, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import csv_records

REQUIRED = ("country", "ccode", "year", "month", "day", "coup", "version")
OUTCOMES = {"2": "successful", "1": "failed"}
SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("country", pa.string()),
        ("ccode", pa.int32()),
        ("date", pa.date32()),
        ("date_precision", pa.string()),
        ("year", pa.int32()),
        ("month", pa.int32()),
        ("day", pa.int32()),
        ("outcome", pa.string()),
        ("version", pa.string()),
        ("source_row", pa.int32()),
    ]
)


def parse_coups(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    text, repaired = cells.decode(cells.read_bytes(path), "utf-8", file)
    if "\t" not in text.split("\n", 1)[0]:
        raise PartnerWatchError.single(
            "not-this-format", "the header is not tab-separated (Powell & Thyne's coups file is)", file=file
        )
    walk = crosswalk()
    errors = ErrorCollector()
    rows: list[dict[str, object]] = []
    seen: dict[tuple[str, object, str], int] = {}
    for line, record in csv_records(text, file, REQUIRED, errors=errors, delimiter="\t"):
        row = _row(record, line, file, walk, errors)
        if row is None:
            continue
        key = (str(row["country_iso3"]), row["date"], str(row["outcome"]))
        if key in seen:
            errors.add(
                DataError(
                    "duplicate-row",
                    f"the same attempt is on line {seen[key]}",
                    file=file,
                    row=line,
                    field="country",
                )
            )
            continue
        seen[key] = line
        rows.append(row)
    errors.raise_if_any()
    if not rows:
        raise PartnerWatchError.single("empty-file", "no coup rows", file=file)
    if progress is not None:
        progress(len(rows))
    versions = sorted({str(r["version"]) for r in rows if r["version"]})
    years = sorted({int(str(r["year"])) for r in rows})
    return ParsedFile(
        tables={"coups": pa.Table.from_pylist(rows, schema=SCHEMA)},
        scope="all",
        release=versions[-1] if versions else f"{years[0]}-{years[-1]}",
        warnings=repaired,
    )


def _row(
    record: dict[str, str], line: int, file: str, walk: Crosswalk, errors: ErrorCollector
) -> dict[str, object] | None:
    name = record["country"].strip().strip('"').strip()
    problems: list[DataError] = []
    iso3 = walk.lookup_name(name, "coups") if name else None
    if not name:
        problems.append(DataError("missing-value", "no country", file=file, row=line, field="country"))
    elif iso3 is None:
        problems.append(
            DataError("unknown-country", f"{name!r} is not in the crosswalk", file=file, row=line, field="country")
        )
    elif (aggregate := walk.not_a(iso3, PLACES, name, file=file, row=line, field="country")) is not None:
        problems.append(aggregate)
    ccode = cells.parse_int(record["ccode"], file, line, "ccode", maximum=9999)
    year = cells.parse_year(record["year"], file, line, "year")
    month = cells.parse_int(record["month"], file, line, "month", minimum=1, maximum=12)
    day = cells.parse_int(record["day"], file, line, "day", minimum=1, maximum=31)
    problems += [x for x in (ccode, year, month, day) if isinstance(x, DataError)]
    outcome = OUTCOMES.get(record["coup"].strip())
    if outcome is None:
        problems.append(
            DataError(
                "bad-value",
                f"{record['coup']!r} is not 1 (failed) or 2 (successful)",
                file=file,
                row=line,
                field="coup",
            )
        )
    if year is None:
        problems.append(DataError("missing-value", "no year", file=file, row=line, field="year"))
    if problems:
        errors.extend(problems)
        return None
    assert isinstance(year, int) and not isinstance(month, DataError) and not isinstance(day, DataError)
    if day is not None and month is None:
        errors.add(DataError("bad-date", "a day without a month", file=file, row=line, field="month"))
        return None
    if month is not None and day is not None and day > calendar.monthrange(year, month)[1]:
        errors.add(
            DataError("bad-date", f"{year}-{month:02d}-{day:02d} is not a date", file=file, row=line, field="day")
        )
        return None
    when = date(year, month or 1, day or 1)
    if (future := cells.date_error(when, file, line, "year")) is not None:
        errors.add(future)
        return None
    version = record["version"].strip().strip('"').strip()
    return {
        "country_iso3": iso3,
        "country": name,
        "ccode": ccode,
        "date": when,
        "date_precision": "day" if day is not None else "month" if month is not None else "year",
        "year": year,
        "month": month,
        "day": day,
        "outcome": outcome,
        "version": version or None,
        "source_row": line,
    }
