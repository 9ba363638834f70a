"""Parse every shape of ACLED file into ``harm_events`` rows (one per event).

Shapes, recognised from the header:

* the current export and API (``disorder_type``, ``civilian_targeting``);
* the export tool's dyadic file (``actor2``) and the HDX country file, whose
  second row is an HXL hashtag row (``#event+code,…``), not data;
* the monadic file: no ``actor2``, one row per actor per event — rows of one
  event are collapsed, the first row's actor being actor 1 and the second's
  actor 2 (checked on 2,757 events the HDX and monadic Mali files share:
  never the other way round);
* the pre-2019 taxonomy (``Battle-No change of territory``, ``Remote
  violence``, ``Riots/Protests``, no ``sub_event_type``), mapped to the current
  one with ``taxonomy.csv``.

Current, dyadic and HDX files are read column by column (``columnar.py``),
the others — and any file that reader is not sure of — row by row, here.

Dates are ISO (``2020-07-31``) or long (``31 December 2020``). Where the file
has no ``civilian_targeting`` it is derived as ACLED defines it — every
violence-against-civilians event, and explosions/remote violence whose target
(actor 2) is civilians — and marked ``civilian_targeting_derived``. Every actor
gets a class (``actors.py``). The same event in several files is one row in
the store: the store keeps the version with the newest ``timestamp``.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.acled import columnar
from partnerwatch.sources.acled.actors import classify, classify_many
from partnerwatch.sources.acled.aggregates import is_aggregated_workbook, parse_acled_workbook
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import csv_records, jsonl_as_csv

REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "fatalities")
BLOCK_ROWS = 50_000
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y", "%d %b %Y")
VAC = "Violence against civilians"
REMOTE = "Explosions/Remote violence"
SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("event_id", pa.string()),
        ("country_iso3", pa.string()),
        ("event_date", pa.date32()),
        ("year", pa.int32()),
        ("event_type", pa.string()),
        ("sub_event_type", pa.string()),
        ("actor1", pa.string()),
        ("assoc_actor_1", pa.string()),
        ("actor2", pa.string()),
        ("assoc_actor_2", pa.string()),
        ("interaction", pa.string()),
        ("civilian_targeting", pa.bool_()),
        ("admin1", pa.string()),
        ("admin2", pa.string()),
        ("admin3", pa.string()),
        ("location", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("fatalities", pa.int32()),
        ("notes", pa.string()),
        ("perpetrator_class", pa.string()),
        ("event_timestamp", pa.int64()),
        ("disorder_type", pa.string()),
        ("inter1", pa.string()),
        ("inter2", pa.string()),
        ("time_precision", pa.int32()),
        ("geo_precision", pa.int32()),
        ("reported_by", pa.string()),
        ("source_scale", pa.string()),
        ("civilian_targeting_derived", pa.bool_()),
        ("taxonomy_mapped", pa.bool_()),
        ("actor1_class", pa.string()),
        ("actor2_class", pa.string()),
        ("assoc_actor_1_classes", pa.string()),
    ]
)
# Columns stored as the file gives them, stripped, empty as null (both readers).
PLAIN_TEXT = (
    "actor1",
    "assoc_actor_1",
    "assoc_actor_2",
    "interaction",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "notes",
    "disorder_type",
    "source_scale",
)


@cache
def old_taxonomy() -> dict[tuple[str, str], tuple[str, str | None]]:
    text = (resources.files(__package__) / "taxonomy.csv").read_text(encoding="utf-8")
    return {
        (r["old_event_type"], r["inter1"]): (r["event_type"], r["sub_event_type"] or None)
        for r in csv.DictReader(io.StringIO(text))
    }


def parse_acled(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    """Stream current, dyadic and HDX files column by column; read the other shapes row by row.

    ACLED's aggregated workbooks (monthly counts, not events) are read by ``aggregates``.
    """
    if is_aggregated_workbook(path):
        return parse_acled_workbook(path, progress)
    header = columnar.header_of(path)
    names = [_column(h) for h in header or []]
    streamable = (
        bool(names)
        and not names[0].startswith("{")
        and all(r in names for r in REQUIRED)
        and "actor2" in names
        and len(set(names)) == len(names)
    )
    if not streamable:
        return parse_acled_rows(path, progress)
    hxl = columnar.second_row_is_hxl(path, names, "event_id_cnty")
    shape = "current" if "civilian_targeting" in names else "dyadic"

    def reread() -> ParsedFile:
        return parse_acled_rows(path)

    def convert(columns: dict[str, pa.Array]) -> pa.RecordBatch:
        return _convert(columns, reread)

    return ParsedFile(
        tables={},
        streams={"harm_events": columnar.blocks(path, names, hxl, convert, reread, progress)},
        scope=f"file:{path.name}",
        notes=f"ACLED {shape} file, read column by column",
    )


def parse_acled_rows(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    """Every shape, one record at a time, with each error at its row and field."""
    file = path.name
    text, warnings = cells.decode(cells.read_bytes(path), "utf-8", file)
    if text.lstrip().startswith("{"):
        text = jsonl_as_csv(text, file)
    errors = ErrorCollector()
    records = csv_records(text, file, REQUIRED, column=_column, hxl="event_id_cnty")
    first = next(records, None)
    if first is None:
        raise PartnerWatchError.single("empty-file", "no events", file=file)
    header = list(first[1])
    records = itertools.chain([first], records)
    monadic = "actor2" not in header
    # Monadic rows of one event must be seen together; other shapes stream, one block of rows at a time.
    events = _collapse_monadic(list(records), file, errors) if monadic else records
    blocks: list[pa.RecordBatch] = []
    block: list[dict[str, object]] = []
    keyed: list[tuple[int, str]] = []
    for line, record in events:
        row = _event(record, line, file, errors)
        if row is None:
            continue
        keyed.append((line, str(row["event_id"])))
        block.append(row)
        if len(block) == BLOCK_ROWS:
            blocks.append(pa.RecordBatch.from_pylist(block, schema=SCHEMA))
            block = []
            if progress is not None:
                progress(BLOCK_ROWS)
    if block:
        blocks.append(pa.RecordBatch.from_pylist(block, schema=SCHEMA))
        if progress is not None:
            progress(len(block))
    errors.extend(cells.duplicate_keys(keyed, file, "event_id_cnty"))
    errors.raise_if_any()
    if not keyed:
        raise PartnerWatchError.single("empty-file", "no events", file=file)
    shape = "monadic" if monadic else ("current" if "civilian_targeting" in header else "dyadic")
    return ParsedFile(
        tables={"harm_events": pa.Table.from_batches(blocks, schema=SCHEMA)},
        scope=f"file:{file}",
        notes=f"ACLED {shape} file, {len(keyed)} events",
        warnings=warnings,
    )


OLD_NAMES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}


def _column(name: str) -> str:
    """Header names as the current export writes them (older files: upper case, ALLY_ACTOR_1)."""
    key = name.lower()
    return OLD_NAMES.get(key, key)


def _collapse_monadic(
    records: Iterable[tuple[int, dict[str, str]]], file: str, errors: ErrorCollector
) -> list[tuple[int, dict[str, str]]]:
    """One record per event from one row per actor: the first row is actor 1, the second actor 2."""
    grouped: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, record in records:
        grouped.setdefault(record["event_id_cnty"], []).append((line, record))
    events = []
    for event_id, rows in grouped.items():
        line, first = rows[0]
        merged = dict(first)
        if len(rows) > 2:
            errors.add(
                DataError(
                    "duplicate-row",
                    f"event {event_id} has {len(rows)} actor rows (at most 2)",
                    file=file,
                    row=rows[2][0],
                    field="event_id_cnty",
                )
            )
            continue
        if len(rows) == 2:
            second = rows[1][1]
            for field in ("event_date", "event_type", "fatalities"):
                if second.get(field) != first.get(field):
                    errors.add(
                        DataError(
                            "duplicate-row",
                            f"the two actor rows of {event_id} disagree on {field}",
                            file=file,
                            row=rows[1][0],
                            field=field,
                        )
                    )
            merged["actor2"] = second.get("actor1", "")
            merged["assoc_actor_2"] = second.get("assoc_actor_1", "")
            merged["inter2"] = second.get("inter1", "")
        events.append((line, merged))
    return events


def _event(record: dict[str, str], line: int, file: str, errors: ErrorCollector) -> dict[str, object] | None:
    found: list[DataError] = []

    def text(name: str) -> str | None:
        value = record.get(name, "").strip()
        return value or None

    iso3 = _country(record)
    if iso3 is None:
        found.append(
            DataError(
                "unknown-country",
                f"{record.get('iso') or record.get('country')!r} is not in the crosswalk",
                file=file,
                row=line,
                field="iso",
            )
        )
    elif place := crosswalk().not_a(iso3, PLACES, record.get("country") or iso3, file=file, row=line, field="iso"):
        found.append(place)
    when = _date(record["event_date"])
    if when is None:
        found.append(
            DataError("bad-date", f"{record['event_date']!r} is not a date", file=file, row=line, field="event_date")
        )
    elif (late := cells.date_error(when, file, line, "event_date")) is not None:
        found.append(late)
    fatalities = cells.parse_int(record["fatalities"], file, line, "fatalities")
    timestamp = cells.parse_int(record.get("timestamp", ""), file, line, "timestamp", maximum=2**63 - 1)
    latitude = cells.parse_float(record.get("latitude", ""), file, line, "latitude", minimum=-90)
    longitude = cells.parse_float(record.get("longitude", ""), file, line, "longitude", minimum=-180)
    found += [v for v in (fatalities, timestamp, latitude, longitude) if isinstance(v, DataError)]
    if isinstance(latitude, float) and latitude > 90 or isinstance(longitude, float) and longitude > 180:
        found.append(DataError("bad-number", "coordinates out of range", file=file, row=line, field="latitude"))
    if not record.get("event_id_cnty", "").strip():
        found.append(DataError("missing-value", "event id is empty", file=file, row=line, field="event_id_cnty"))
    if found:
        errors.extend(found)
        return None
    event_type, sub_event_type, mapped = _taxonomy(record)
    inter1, inter2 = text("inter1"), text("inter2")
    actor2 = text("actor2")
    if "civilian_targeting" in record:
        targeting, derived = record["civilian_targeting"].strip().casefold() == "civilian targeting", False
    else:
        targets_civilians = (inter2 == "7") or (actor2 or "").startswith("Civilians")
        targeting, derived = event_type == VAC or (event_type == REMOTE and targets_civilians), True
    actor1_class = classify(text("actor1"), inter1, iso3)
    assert when is not None
    return {
        **{name: text(name) for name in PLAIN_TEXT},
        "source": "acled",
        "event_id": record["event_id_cnty"].strip(),
        "country_iso3": iso3,
        "event_date": when,
        "year": when.year,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor2": actor2,
        "civilian_targeting": targeting,
        "latitude": latitude,
        "longitude": longitude,
        "fatalities": fatalities,
        "perpetrator_class": actor1_class,
        "event_timestamp": timestamp,
        "inter1": inter1,
        "inter2": inter2,
        "time_precision": _small_int(record.get("time_precision")),
        "geo_precision": _small_int(record.get("geo_precision")),
        "reported_by": text("source"),
        "civilian_targeting_derived": derived,
        "taxonomy_mapped": mapped,
        "actor1_class": actor1_class,
        "actor2_class": classify(actor2, inter2, iso3),
        "assoc_actor_1_classes": classify_many(text("assoc_actor_1"), iso3),
    }


def _country(record: dict[str, str]) -> str | None:
    walk = crosswalk()
    iso = record.get("iso", "").strip()
    if cells.digits(iso):
        found = walk.lookup_numeric(int(iso))
        if found:
            return found
    for field in ("iso3", "country"):
        value = record.get(field, "").strip()
        if value:
            found = walk.lookup_name(value, "acled")
            if found:
                return found
    return None


def _date(value: str) -> date | None:
    text = value.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # ISO, as every current export: 10x faster than strptime
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _taxonomy(record: dict[str, str]) -> tuple[str, str | None, bool]:
    return _taxonomy_of(
        record["event_type"].strip(),
        record.get("sub_event_type", "").strip() or None,
        record.get("inter1", "").strip(),
        "sub_event_type" in record,
    )


def _taxonomy_of(event_type: str, sub: str | None, inter1: str, has_sub: bool) -> tuple[str, str | None, bool]:
    """(event type, sub-event type, mapped from the pre-2019 taxonomy?) of one event."""
    table = old_taxonomy()
    for key in ((event_type, inter1), (event_type, "")):
        if key in table and (key[0] not in ("Violence against civilians",) or not has_sub):
            new_type, new_sub = table[key]
            return new_type, sub or new_sub, True
    return event_type, sub, False


def _convert(columns: dict[str, pa.Array], reread: columnar.Reread) -> pa.RecordBatch:
    """One block of string columns as ``harm_events`` rows: ``_event`` for a whole column at once."""
    size = len(columns["event_id_cnty"])
    empty = pa.array([""] * size, pa.string())

    def raw(name: str) -> pa.Array:
        return columns.get(name, empty)

    trimmed: dict[str, pa.Array] = {}

    def strip(name: str) -> pa.Array:
        if name not in trimmed:
            trimmed[name] = columnar.stripped(raw(name))
        return trimmed[name]

    def text(name: str) -> pa.Array:
        return columnar.empty_as_null(strip(name))

    def within(values: pa.Array, low: float, high: float) -> bool:
        inside = pc.and_(pc.greater_equal(values, low), pc.less_equal(values, high))
        return bool(pc.all(pc.fill_null(inside, True)).as_py())

    event_id = strip("event_id_cnty")
    if pc.any(pc.starts_with(raw("event_id_cnty"), "#")).as_py() or pc.any(pc.equal(event_id, "")).as_py():
        columnar.doubt(reread)
    iso3 = columnar.country(columns, size, reread)
    when = columnar.iso_dates(raw("event_date"), reread)
    fatalities = columnar.number(raw("fatalities"), pa.int64(), columnar.INTEGER, reread)
    timestamp = columnar.number(raw("timestamp"), pa.int64(), columnar.INTEGER, reread)
    latitude = columnar.number(raw("latitude"), pa.float64(), columnar.DECIMAL, reread)
    longitude = columnar.number(raw("longitude"), pa.float64(), columnar.DECIMAL, reread)
    if not (within(fatalities, 0, cells.INT32_MAX) and within(latitude, -90, 90) and within(longitude, -180, 180)):
        columnar.doubt(reread)

    has_sub = "sub_event_type" in columns
    taxonomy = columnar.by_value(
        [strip("event_type"), strip("sub_event_type"), strip("inter1")],
        lambda e, s, i: dict(zip(("event_type", "sub", "mapped"), _taxonomy_of(e, s or None, i, has_sub), strict=True)),
        pa.struct([("event_type", pa.string()), ("sub", pa.string()), ("mapped", pa.bool_())]),
        reread,
    )
    event_type = pc.struct_field(taxonomy, "event_type")
    actor2, inter1, inter2 = text("actor2"), text("inter1"), text("inter2")
    if "civilian_targeting" in columns:
        targeting = columnar.by_value(
            [raw("civilian_targeting")], lambda v: v.strip().casefold() == "civilian targeting", pa.bool_(), reread
        )
        derived = pa.array([False] * size)
    else:
        to_civilians = pc.or_(pc.equal(strip("inter2"), "7"), pc.starts_with(strip("actor2"), "Civilians"))
        remote = pc.and_(pc.equal(event_type, REMOTE), to_civilians)
        targeting, derived = pc.or_(pc.equal(event_type, VAC), remote), pa.array([True] * size)

    def actor_class(actor: str, inter: str) -> pa.Array:
        return columnar.by_value(
            [strip(actor), strip(inter), iso3], lambda a, i, c: classify(a or None, i or None, c), pa.string(), reread
        )

    actor1_class = actor_class("actor1", "inter1")
    values: dict[str, pa.Array] = {
        **{name: text(name) for name in PLAIN_TEXT},
        "source": pa.array(["acled"] * size, pa.string()),
        "event_id": event_id,
        "country_iso3": iso3,
        "event_date": when,
        "year": pc.cast(pc.year(when), pa.int32()),
        "event_type": event_type,
        "sub_event_type": pc.struct_field(taxonomy, "sub"),
        "actor2": actor2,
        "civilian_targeting": targeting,
        "latitude": latitude,
        "longitude": longitude,
        "fatalities": pc.cast(fatalities, pa.int32()),
        "perpetrator_class": actor1_class,
        "event_timestamp": timestamp,
        "inter1": inter1,
        "inter2": inter2,
        "time_precision": columnar.by_value([raw("time_precision")], _small_int, pa.int32(), reread),
        "geo_precision": columnar.by_value([raw("geo_precision")], _small_int, pa.int32(), reread),
        "reported_by": text("source"),
        "civilian_targeting_derived": derived,
        "taxonomy_mapped": pc.struct_field(taxonomy, "mapped"),
        "actor1_class": actor1_class,
        "actor2_class": actor_class("actor2", "inter2"),
        "assoc_actor_1_classes": columnar.by_value(
            [strip("assoc_actor_1"), iso3], lambda a, c: classify_many(a or None, c), pa.string(), reread
        ),
    }
    return pa.RecordBatch.from_arrays([values[name] for name in SCHEMA.names], schema=SCHEMA)


def _small_int(value: str | None) -> int | None:
    """ACLED's precision and interaction codes (0-99): anything else is not a code and is not kept."""
    text = (value or "").strip()
    return int(text) if cells.digits(text) and len(text) <= 2 else None
