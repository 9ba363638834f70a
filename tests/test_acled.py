from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from partnerwatch.sources.acled.actors import classify
from partnerwatch.sources.acled.columnar import WHITESPACE
from partnerwatch.sources.acled.parse import parse_acled, parse_acled_rows
from partnerwatch.sources.base import ReadAgain
from partnerwatch.store import Connection, connect
from tests.conftest import table_snapshot

DATA = Path(__file__).parent / "data" / "acled"


def _events(store: Connection) -> dict[str, tuple[object, ...]]:
    rows = store.execute(
        "SELECT event_id, fatalities, notes, actor2, snapshot_id FROM harm_events ORDER BY event_id"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_current_export_and_classes(store: duckdb.DuckDBPyConnection) -> None:
    ingest(store, "acled", DATA / "current_export.csv")
    rows = store.execute(
        "SELECT event_id, civilian_targeting, civilian_targeting_derived, perpetrator_class, actor2_class,"
        " assoc_actor_1_classes, disorder_type FROM harm_events ORDER BY event_id"
    ).fetchall()
    assert rows == [
        (
            "MLI9001",
            True,
            False,
            "state_forces",
            "civilians",
            "private_military_company",
            "Political violence",
        ),
        ("MLI9002", False, False, "rebel_or_jihadist", "state_forces", None, "Political violence"),
        ("MLI9003", True, False, "unidentified", "civilians", None, "Political violence"),
        ("MLI9004", True, False, "pro_government_militia", "civilians", None, "Political violence"),
    ]


def test_old_taxonomy_is_mapped_and_targeting_derived(store: duckdb.DuckDBPyConnection) -> None:
    ingest(store, "acled", DATA / "old_taxonomy.csv")
    rows = store.execute(
        "SELECT event_id, event_date, event_type, sub_event_type, civilian_targeting,"
        " civilian_targeting_derived, taxonomy_mapped FROM harm_events ORDER BY event_id"
    ).fetchall()
    assert [(r[0], str(r[1]), *r[2:]) for r in rows] == [
        ("MLI1", "2012-01-15", "Battles", "Government regains territory", False, True, True),
        ("MLI2", "2012-01-16", "Explosions/Remote violence", None, True, True, True),
        ("MLI3", "2012-01-17", "Protests", "Peaceful protest", False, True, True),
        ("MLI4", "2012-01-18", "Violence against civilians", None, True, True, True),
    ]


def test_same_event_from_two_files_is_one_row_newest_wins(store: duckdb.DuckDBPyConnection) -> None:
    first = ingest(store, "acled", DATA / "current_export.csv")
    second = ingest(store, "acled", DATA / "monadic_small.csv")
    # MLI9001: the monadic version is newer and replaces the export's; MLI9002: older, ignored.
    assert second.kept_existing == 1
    events = _events(store)
    assert events["MLI9001"] == (350, "Revised account.", "Civilians (Mali)", second.snapshot_id)
    assert events["MLI9002"] == (
        4,
        "Clash near the market.",
        "Military Forces of Mali (2021-)",
        first.snapshot_id,
    )
    assert len(events) == 5
    # The same files in the other order give the same store.
    other = connect(":memory:")
    ingest(other, "acled", DATA / "monadic_small.csv")
    ingest(other, "acled", DATA / "current_export.csv")
    assert {k: v[:3] for k, v in _events(other).items()} == {k: v[:3] for k, v in events.items()}


def test_errors_name_row_and_field(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (DATA / "current_export.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("2022-04-02", "2022-13-45").replace(",300,", ",many,"), encoding="utf-8")
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "acled", bad)
    assert [str(e) for e in caught.value.errors] == [
        "bad.csv:2:fatalities: bad-number: 'many' is not a whole number",
        "bad.csv:3:event_date: bad-date: '2022-13-45' is not a date",
    ]
    assert table_snapshot(store) == before


def test_state_forces_by_period_name() -> None:
    assert classify("Military Forces of Mali (2021-)", "1", "MLI") == "state_forces"
    assert classify("Police Forces of Mali (2013-2020) Gendarmerie", "1", "MLI") == "state_forces"
    assert classify("Military Forces of France (2017-)", "8", "MLI") == "foreign_state_forces"
    assert classify("Wagner Group", "8", "MLI") == "private_military_company"
    assert classify("Dan Na Ambassagou", "4", "MLI") == "identity_militia"
    assert classify("GATIA: Imghad Tuareg and Allies Self-Defense Group", "3", "MLI") == "pro_government_militia"
    assert classify("GATIA: Imghad Tuareg and Allies Self-Defense Group", "3", "NER") == "political_militia"


def _raw_events(shared: Path) -> dict[str, dict[str, str]]:
    """The union of the two Mali files computed straight from the CSVs: newest timestamp wins."""
    events: dict[str, dict[str, str]] = {}
    with (shared / "acled" / "mali_hdx_1997-2020.csv").open(encoding="utf-8") as fh:
        for row in list(csv.DictReader(fh))[1:]:
            events[row["event_id_cnty"]] = row
    with (shared / "acled" / "mali_export_monadic_2017-2020.csv").open(encoding="utf-8") as fh:
        monadic: dict[str, dict[str, str]] = {}
        for row in csv.DictReader(fh):
            monadic.setdefault(row["event_id_cnty"], row)
    for event_id, row in monadic.items():
        if event_id not in events or int(row["timestamp"]) > int(events[event_id]["timestamp"]):
            events[event_id] = row
    return events


@pytest.mark.shared_data
def test_real_mali_files(shared_data: Path, store: duckdb.DuckDBPyConnection) -> None:
    hdx = shared_data / "acled" / "mali_hdx_1997-2020.csv"
    ingest(store, "acled", hdx)
    vac = store.execute(
        "SELECT sum(fatalities) FROM harm_events WHERE event_type = 'Violence against civilians'"
    ).fetchall()
    assert vac == [(2969,)]
    ingest(store, "acled", shared_data / "acled" / "mali_export_monadic_2017-2020.csv")
    assert ingest(store, "acled", hdx).unchanged
    raw = _raw_events(shared_data)
    expected: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in raw.values():
        expected[int(row["year"])][0] += 1
        expected[int(row["year"])][1] += int(row["fatalities"])
    stored = store.execute(
        "SELECT year, count(*), sum(fatalities) FROM harm_events WHERE country_iso3 = 'MLI' GROUP BY 1"
    ).fetchall()
    assert {y: [n, f] for y, n, f in stored} == dict(expected)
    assert store.execute("SELECT count(*), count(DISTINCT event_id) FROM harm_events").fetchall() == [(4547, 4547)]
    assert store.execute("SELECT count(*) FROM harm_events WHERE perpetrator_class IS NULL").fetchall() == [(0,)]


def test_the_column_reader_strips_what_python_strips() -> None:
    assert set(WHITESPACE) == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}


def test_the_column_reader_strips_and_reads_as_the_row_reader_does(tmp_path: Path) -> None:
    """Whitespace Python strips (NBSP, ideographic and em spaces) at either end, ragged spacing in numbers."""
    rows = list(csv.reader((DATA / "current_export.csv").read_text(encoding="utf-8").splitlines()))
    header = rows[0]
    rows[1][header.index("actor1")] = "\u00a0Military Forces of Mali (2021-)\u3000"
    rows[1][header.index("location")] = "\u2003Moura "
    rows[2][header.index("notes")] = " Caf\u00e9"
    rows[2][header.index("admin1")] = "S\u00e9gou"
    rows[3][header.index("fatalities")] = " 12 "
    rows[3][header.index("inter2")] = "\t7"
    path = tmp_path / "spaced.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    expected = parse_acled_rows(path).tables["harm_events"]
    parsed = parse_acled(path)
    try:
        got = pa.Table.from_batches([b for stream in parsed.streams.values() for b in stream])
    except ReadAgain as again:  # " 12 " is a count only the row reader vouches for
        got = again.parsed.tables["harm_events"]
    assert got.equals(expected)
    assert expected.column("actor1").to_pylist()[0] == "Military Forces of Mali (2021-)"
    assert expected.column("location").to_pylist()[0] == "Moura"
    rows[3][header.index("fatalities")] = "12"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    streamed = pa.Table.from_batches([b for b in parse_acled(path).streams["harm_events"]])
    assert streamed.equals(parse_acled_rows(path).tables["harm_events"])
