"""Parse the yearly UN uniformed-personnel contributions file into ``peacekeeping`` rows.

The file (year × contributing country × mission; Female, Male, Total) was
aggregated from the UN's monthly contribution reports by its compiler, who
does not say how. What the numbers show: in 900 of the shared file's 57,425
rows female + male differs from the total, always by exactly one — what
rounding each column's yearly average separately gives. So the three columns
are kept as printed, ``Total`` is the one figures use, and a load warns with
the count of such rows rather than "fixing" either side. The yearly figures
are the months summed over twelve whatever the months present, so a year
with months missing (2010, 2012, 2017 and 2021 in the shared file, by their
worldwide totals) reads as a collapse: the load warns, and figures leave such
years out. Rows of zero (a
country listed for a mission it sent no one to) are kept: zero is a value.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import STATES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import csv_records

REQUIRED = ("Year", "Country", "Mission", "Female", "Male", "Total")
LARGEST = 100_000  # more uniformed personnel than the UN has ever deployed in all missions together
SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("year", pa.int32()),
        ("mission", pa.string()),
        ("female", pa.int32()),
        ("male", pa.int32()),
        ("total", pa.int32()),
        ("source_row", pa.int32()),
    ]
)


def parse_un_peacekeeping(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    text, repaired = cells.decode(cells.read_bytes(path), "utf-8", file)
    walk = crosswalk()
    errors = ErrorCollector()
    rows: list[dict[str, object]] = []
    seen: dict[tuple[str, int, str], int] = {}
    names: dict[str, str | None] = {}
    for line, record in csv_records(text, file, REQUIRED, errors=errors):
        name = record["Country"].strip()
        if name not in names:
            names[name] = walk.lookup_name(name, "un-peacekeeping")
        iso3 = names[name]
        problems: list[DataError] = []
        if iso3 is None:
            problems.append(
                DataError("unknown-country", f"{name!r} is not in the crosswalk", file=file, row=line, field="Country")
            )
        elif (not_state := walk.not_a(iso3, STATES, name, file=file, row=line, field="Country")) is not None:
            problems.append(not_state)
        year = cells.parse_year(record["Year"], file, line, "Year")
        counts = {c: cells.parse_int(record[c], file, line, c, maximum=LARGEST) for c in ("Female", "Male", "Total")}
        mission = record["Mission"].strip()
        if not mission:
            problems.append(DataError("missing-value", "no mission", file=file, row=line, field="Mission"))
        problems += [x for x in (year, *counts.values()) if isinstance(x, DataError)]
        if year is None:
            problems.append(DataError("missing-value", "no year", file=file, row=line, field="Year"))
        if counts["Total"] is None:
            problems.append(DataError("missing-value", "no total", file=file, row=line, field="Total"))
        if problems:
            errors.extend(problems)
            continue
        assert isinstance(year, int) and iso3 is not None
        key = (iso3, year, mission)
        if key in seen:
            errors.add(
                DataError(
                    "duplicate-row",
                    f"{name} {year} {mission} is already on line {seen[key]}",
                    file=file,
                    row=line,
                    field="Mission",
                )
            )
            continue
        seen[key] = line
        rows.append(
            {
                "country_iso3": iso3,
                "year": year,
                "mission": mission,
                "female": counts["Female"],
                "male": counts["Male"],
                "total": counts["Total"],
                "source_row": line,
            }
        )
    errors.raise_if_any()
    if not rows:
        raise PartnerWatchError.single("empty-file", "no contribution rows", file=file)
    if progress is not None:
        progress(len(rows))
    apart = sum(
        1
        for r in rows
        if r["female"] is not None
        and r["male"] is not None
        and int(str(r["female"])) + int(str(r["male"])) != int(str(r["total"]))
    )
    warnings = list(repaired)
    if apart:
        warnings.append(
            f"{file}: in {apart:,} rows female + male differs from the total (the file's yearly figures are"
            " rounded column by column); figures use the total"
        )
    worldwide: dict[int, int] = {}
    for r in rows:
        worldwide[int(str(r["year"]))] = worldwide.get(int(str(r["year"])), 0) + int(str(r["total"]))
    ordered = sorted(worldwide.values())
    low = sorted(y for y, v in worldwide.items() if v < 0.9 * ordered[len(ordered) // 2])
    if low:
        warnings.append(
            f"{file}: the worldwide totals of {', '.join(map(str, low))} are far below the other years' (months"
            " missing from a twelve-month average): figures leave those years out"
        )
    years = sorted(worldwide)
    return ParsedFile(
        tables={"peacekeeping": pa.Table.from_pylist(rows, schema=SCHEMA)},
        scope="all",
        release=f"{years[0]}-{years[-1]}",
        warnings=warnings,
    )
