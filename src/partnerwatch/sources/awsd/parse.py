"""The Aid Worker Security Database export into ``aid_worker_incidents``.

The HDX export's second row is an HXL hashtag row; ``Details`` holds free
text with line breaks. Countries are ISO alpha-2 codes, or names where the
code is empty (Chechnya, Kashmir); an incident with neither keeps the unknown
code ``XXX`` rather than being dropped. A date is stored only when year, month
and day are all given; ``year`` and ``month`` are kept in any case.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import csv_records

REQUIRED = (
    "Incident ID",
    "Year",
    "Month",
    "Day",
    "Country Code",
    "Country",
    "Region",
    "City",
    "Total killed",
    "Total wounded",
    "Total kidnapped",
    "Total detained",
    "Total affected",
    "Total nationals",
    "Total internationals",
    "Means of attack",
    "Attack context",
    "Latitude",
    "Longitude",
    "Actor type",
    "Actor name",
    "Motive",
    "Details",
    "Verified",
)
SCHEMA = pa.schema(
    [
        ("incident_id", pa.string()),
        ("country_iso3", pa.string()),
        ("event_date", pa.date32()),
        ("year", pa.int32()),
        ("month", pa.int32()),
        ("admin1", pa.string()),
        ("location", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("killed", pa.int32()),
        ("wounded", pa.int32()),
        ("kidnapped", pa.int32()),
        ("detained", pa.int32()),
        ("total_affected", pa.int32()),
        ("nationals_affected", pa.int32()),
        ("internationals_affected", pa.int32()),
        ("means_of_attack", pa.string()),
        ("attack_context", pa.string()),
        ("actor_type", pa.string()),
        ("actor_name", pa.string()),
        ("motive", pa.string()),
        ("details", pa.string()),
        ("verified", pa.string()),
    ]
)
COUNTS = {
    "killed": "Total killed",
    "wounded": "Total wounded",
    "kidnapped": "Total kidnapped",
    "detained": "Total detained",
    "total_affected": "Total affected",
    "nationals_affected": "Total nationals",
    "internationals_affected": "Total internationals",
}


_GROUPED = re.compile(r"-?\d{1,3}(?:\.\d{3})+")


def _coordinate(value: str, limit: float) -> float | None:
    """A plain decimal coordinate within range, or None for an empty or mangled one."""
    text = value.strip()
    if not text or _GROUPED.fullmatch(text):
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if -limit <= number <= limit else None


def parse_awsd(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    text, warnings = cells.decode(cells.read_bytes(path), "utf-8", file)
    walk = crosswalk()
    errors = ErrorCollector()
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    mangled = 0
    reused: list[DataError] = []
    for line, r in csv_records(text, file, REQUIRED, errors=errors, hxl="Incident ID"):
        found: list[DataError] = []
        code, name = r["Country Code"].strip(), r["Country"].strip()
        iso3 = walk.lookup_iso2(code) if code else (walk.lookup_name(name, "awsd") if name else "XXX")
        if iso3 is None:
            found.append(
                DataError(
                    "unknown-country",
                    f"{code or name!r} is not in the crosswalk",
                    file=file,
                    row=line,
                    field="Country Code",
                )
            )
        elif place := walk.not_a(iso3, PLACES | {"unknown"}, code or name, file=file, row=line, field="Country Code"):
            found.append(place)
        year = cells.parse_year(r["Year"], file, line, "Year")
        month = cells.parse_int(r["Month"], file, line, "Month")
        if isinstance(month, int) and not 1 <= month <= 12:
            month = DataError("bad-date", f"month {month} is not 1 to 12", file=file, row=line, field="Month")
        day = cells.parse_int(r["Day"], file, line, "Day")
        counts = {k: cells.parse_int(r[c], file, line, c) for k, c in COUNTS.items()}
        lat, lon = _coordinate(r["Latitude"], 90), _coordinate(r["Longitude"], 180)
        mangled += sum(
            1 for raw, value in ((r["Latitude"], lat), (r["Longitude"], lon)) if raw.strip() and value is None
        )
        found += [v for v in (year, month, day, *counts.values()) if isinstance(v, DataError)]
        when: date | None = None
        if not found and isinstance(year, int) and isinstance(month, int) and isinstance(day, int):
            try:
                when = date(year, month, day)
            except ValueError:
                found.append(
                    DataError("bad-date", f"{year}-{month}-{day} is not a date", file=file, row=line, field="Day")
                )
        incident = r["Incident ID"].strip()
        if incident in seen:
            # The producer reused an id for a different incident: both are kept, the later one renamed,
            # and the file is refused unless the user accepts it (--allow-mismatch).
            renamed = f"{incident}/{line}"
            reused.append(
                DataError(
                    "duplicate-row",
                    f"incident id {incident} also on line {seen[incident]} for a different incident;"
                    f" kept as {renamed!r}",
                    file=file,
                    row=line,
                    field="Incident ID",
                )
            )
            incident = renamed
        seen[incident] = line
        if found:
            errors.extend(found)
            continue
        rows.append(
            {
                "incident_id": incident,
                "country_iso3": iso3,
                "event_date": when,
                "year": year,
                "month": month,
                "admin1": r["Region"].strip() or None,
                "location": r["City"].strip() or None,
                "latitude": lat,
                "longitude": lon,
                **counts,
                "means_of_attack": r["Means of attack"].strip() or None,
                "attack_context": r["Attack context"].strip() or None,
                "actor_type": r["Actor type"].strip() or None,
                "actor_name": r["Actor name"].strip() or None,
                "motive": r["Motive"].strip() or None,
                "details": r["Details"].strip() or None,
                "verified": r["Verified"].strip() or None,
            }
        )
    errors.raise_if_any()
    if not rows:
        raise PartnerWatchError.single("empty-file", "no incidents", file=file)
    if mangled:
        warnings.append(
            f"{file}: {mangled:,} latitude/longitude values cannot be read (digits grouped in threes with the"
            " decimal point lost, e.g. '1.407.092.855', or out of range): stored without coordinates"
        )
    if progress is not None:
        progress(len(rows))
    years = sorted({int(r["year"]) for r in rows if r["year"] is not None})
    return ParsedFile(
        tables={"aid_worker_incidents": pa.Table.from_pylist(rows, schema=SCHEMA)},
        scope="all",
        release=f"{years[0]}-{years[-1]}" if years else "",
        warnings=warnings,
        mismatches=reused,
    )
