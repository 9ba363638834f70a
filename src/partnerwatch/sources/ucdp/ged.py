"""UCDP Georeferenced Event Dataset (GED) into ``harm_events``.

GED has 49 columns; PartnerWatch keeps the event's identity, date, place, sides
and deaths. ``type_of_violence`` 1 is state-based, 2 non-state, 3 one-sided
violence (an organised actor against civilians): one-sided events are
``civilian_targeting``. ``best`` is the fatality figure, with ``low`` and
``high`` and ``deaths_civilians`` kept beside it. UCDP revises events between
releases, so a release's version ranks the rows: an event from a newer
release replaces the older one (``event_timestamp`` holds the version rank).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.acled.actors import classify
from partnerwatch.sources.acled.parse import SCHEMA
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import csv_records, jsonl_as_csv
from partnerwatch.sources.ucdp.common import disorder_warning, estimate_order, gw_list, read_text, version_rank

REQUIRED = (
    "id",
    "year",
    "type_of_violence",
    "side_a",
    "side_b",
    "country_id",
    "adm_1",
    "adm_2",
    "where_coordinates",
    "latitude",
    "longitude",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "source_headline",
)
ESTIMATES = ("low", "best", "high")
VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}
GED_SCHEMA = (
    SCHEMA.append(pa.field("fatalities_low", pa.int32()))
    .append(pa.field("fatalities_high", pa.int32()))
    .append(pa.field("civilian_fatalities", pa.int32()))
)


def parse_ged(path: Path, progress: ProgressCallback | None = None, version: str = "") -> ParsedFile:
    file = path.name
    text, warnings = read_text(cells.read_bytes(path), file)
    if text.lstrip().startswith("{"):
        text = jsonl_as_csv(text, file)
    errors = ErrorCollector()
    rows: list[dict[str, object]] = []
    keyed: list[tuple[int, str]] = []
    disordered: list[tuple[int, str]] = []
    for line, r in csv_records(text, file, REQUIRED, errors=errors):
        row = _event(r, file, line, errors, version or r.get("version", ""))
        if row is not None:
            rows.append(row)
            keyed.append((line, str(row["event_id"])))
            disorder = estimate_order(row["fatalities_low"], row["fatalities"], row["fatalities_high"], ESTIMATES)
            if disorder:
                disordered.append((line, disorder))
    errors.extend(cells.duplicate_keys(keyed, file, "id"))
    errors.raise_if_any()
    if not rows:
        raise PartnerWatchError.single("empty-file", "no events", file=file)
    if progress is not None:
        progress(len(rows))
    return ParsedFile(
        tables={"harm_events": pa.Table.from_pylist(rows, schema=GED_SCHEMA)},
        scope=f"file:{file}",
        notes=f"UCDP GED, {len(rows)} events",
        warnings=warnings + disorder_warning(file, disordered),
    )


def _event(r: dict[str, str], file: str, line: int, errors: ErrorCollector, version: str) -> dict[str, object] | None:
    found: list[DataError] = []
    located = gw_list(r["country_id"], file, line, "country_id")
    numbers = {k: cells.parse_int(r[k], file, line, k) for k in ("best", "low", "high", "deaths_civilians")}
    coords = {k: cells.parse_float(r[k], file, line, k, minimum=-180) for k in ("latitude", "longitude")}
    start = _date(r["date_start"])
    if start is None:
        found.append(
            DataError("bad-date", f"{r['date_start']!r} is not a date", file=file, row=line, field="date_start")
        )
    elif (late := cells.date_error(start, file, line, "date_start")) is not None:
        found.append(late)
    kind = VIOLENCE.get(r["type_of_violence"].strip())
    if kind is None:
        found.append(
            DataError(
                "bad-value",
                f"type_of_violence {r['type_of_violence']!r} is not 1, 2 or 3",
                file=file,
                row=line,
                field="type_of_violence",
            )
        )
    found += [v for v in (located, *numbers.values(), *coords.values()) if isinstance(v, DataError)]
    if not r["id"].strip():
        found.append(DataError("missing-value", "event id is empty", file=file, row=line, field="id"))
    if found:
        errors.extend(found)
        return None
    assert isinstance(located, list) and start is not None
    iso3 = located[0] if located else None
    if iso3 is not None and (
        place := crosswalk().not_a(iso3, PLACES, r["country_id"], file=file, row=line, field="country_id")
    ):
        errors.add(place)
        return None
    if iso3 is None:
        errors.add(DataError("missing-value", "no country", file=file, row=line, field="country_id"))
        return None
    side_a, side_b = r["side_a"].strip() or None, r["side_b"].strip() or None
    actor1_class = classify(side_a, None, iso3)
    return {
        "source": "ucdp-ged",
        "event_id": r["id"].strip(),
        "country_iso3": iso3,
        "event_date": start,
        "year": start.year,
        "event_type": kind,
        "sub_event_type": None,
        "actor1": side_a,
        "assoc_actor_1": None,
        "actor2": side_b,
        "assoc_actor_2": None,
        "interaction": r["type_of_violence"].strip(),
        "civilian_targeting": r["type_of_violence"].strip() == "3",
        "admin1": r["adm_1"].strip() or None,
        "admin2": r["adm_2"].strip() or None,
        "admin3": None,
        "location": r["where_coordinates"].strip() or None,
        "latitude": coords["latitude"],
        "longitude": coords["longitude"],
        "fatalities": numbers["best"],
        "notes": r["source_headline"].strip() or None,
        "perpetrator_class": actor1_class,
        "event_timestamp": version_rank(version) if version else None,
        "disorder_type": None,
        "inter1": None,
        "inter2": None,
        "time_precision": None,
        "geo_precision": None,
        "reported_by": None,
        "source_scale": None,
        "civilian_targeting_derived": False,
        "taxonomy_mapped": False,
        "actor1_class": actor1_class,
        "actor2_class": classify(side_b, "7" if side_b == "Civilians" else None, iso3),
        "assoc_actor_1_classes": None,
        "fatalities_low": numbers["low"],
        "fatalities_high": numbers["high"],
        "civilian_fatalities": numbers["deaths_civilians"],
    }


def _date(value: str) -> date | None:
    text = value.strip()[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
