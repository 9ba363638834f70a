"""Keyed tables never lose a record that a live snapshot still carries.

ACLED's export names its files by country and date range, so a newer
download often has the same name as the one it replaces, and the same events
arrive in several files. Whatever the order of loads, ``harm_events`` must
hold, for every event some live snapshot carries, the newest version (the
first loaded among equals), stamped with the snapshot it came from.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerwatch.ingest import ingest
from partnerwatch.store import Connection, connect

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled" / "current_export.csv"
GED = DATA / "ucdp" / "ged_small.csv"
EXAMPLES = int(os.environ.get("PARTNERWATCH_EXAMPLES", "25"))


def _acled_file(path: Path, events: list[tuple[str, int, int]]) -> Path:
    """An ACLED export of ``events`` (id, timestamp, fatalities), every other field from the sample's first row."""
    rows = list(csv.DictReader(io.StringIO(ACLED.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for event_id, timestamp, fatalities in events:
        writer.writerow({**rows[0], "event_id_cnty": event_id, "timestamp": timestamp, "fatalities": fatalities})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _stored(store: Connection) -> dict[str, tuple[int, int, int]]:
    rows = store.execute("SELECT event_id, event_timestamp, fatalities, snapshot_id FROM harm_events").fetchall()
    assert len(rows) == len({r[0] for r in rows}), "an event is stored twice"
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_a_newer_file_of_the_same_name_keeps_the_events_it_shares(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first = [(f"MLI{n}", 1_600_000_000, 1) for n in range(100)]
    ingest(store, "acled", _acled_file(tmp_path / "a" / "Mali.csv", first))
    more = first + [(f"MLI{n}", 1_600_000_000, 2) for n in range(100, 200)]
    second = ingest(store, "acled", _acled_file(tmp_path / "b" / "Mali.csv", more))
    assert second.superseded
    stored = _stored(store)
    assert len(stored) == 200
    assert {snapshot for _t, _f, snapshot in stored.values()} == {second.snapshot_id}
    assert store.execute("SELECT count(*) FROM harm_events_shadowed").fetchall() == [(0,)]


def test_one_revised_event_in_a_file_of_the_same_name(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    events = [(f"MLI{n}", 1_600_000_000, 1) for n in range(50)]
    ingest(store, "acled", _acled_file(tmp_path / "a" / "Mali.csv", events))
    events[7] = ("MLI7", 1_700_000_000, 9)
    ingest(store, "acled", _acled_file(tmp_path / "b" / "Mali.csv", events))
    stored = _stored(store)
    assert len(stored) == 50
    assert stored["MLI7"][:2] == (1_700_000_000, 9)


def test_ucdp_ged_in_a_file_of_the_same_name(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = GED.read_text(encoding="utf-8").splitlines(keepends=True)
    first = tmp_path / "a" / "ged.csv"
    first.parent.mkdir()
    first.write_text("".join(lines[:3]), encoding="utf-8")
    ingest(store, "ucdp-ged", first)
    second = tmp_path / "b" / "ged.csv"
    second.parent.mkdir()
    second.write_text("".join(lines), encoding="utf-8")
    ingest(store, "ucdp-ged", second)
    assert store.execute("SELECT count(*) FROM harm_events").fetchall() == [(3,)]


def test_an_event_comes_back_from_the_other_file_that_carries_it(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Two overlapping files; when one is replaced by a file without the shared events, the other still has them."""
    old = ingest(store, "acled", _acled_file(tmp_path / "hdx.csv", [("MLI1", 10, 1), ("MLI2", 20, 2)]))
    export = ingest(store, "acled", _acled_file(tmp_path / "export.csv", [("MLI1", 10, 5), ("MLI2", 30, 6)]))
    # MLI1: same version, the first loaded stays; MLI2: the export's is newer.
    assert _stored(store) == {"MLI1": (10, 1, old.snapshot_id), "MLI2": (30, 6, export.snapshot_id)}
    replaced = ingest(store, "acled", _acled_file(tmp_path / "new" / "export.csv", [("MLI3", 40, 7)]))
    assert _stored(store) == {
        "MLI1": (10, 1, old.snapshot_id),
        "MLI2": (20, 2, old.snapshot_id),  # the older version, which the HDX file still carries
        "MLI3": (40, 7, replaced.snapshot_id),
    }
    newer = ingest(store, "acled", _acled_file(tmp_path / "newer" / "hdx.csv", [("MLI3", 40, 8)]))
    assert _stored(store) == {"MLI3": (40, 7, replaced.snapshot_id)}
    # The new HDX file's MLI3 is the same version: it waits behind the export's, nothing else is kept.
    assert store.execute("SELECT event_id, fatalities, snapshot_id FROM harm_events_shadowed").fetchall() == [
        ("MLI3", 8, newer.snapshot_id)
    ]


def test_the_shadow_table_has_the_columns_of_harm_events(store: duckdb.DuckDBPyConnection) -> None:
    def columns(table: str) -> list[tuple[str, str]]:
        return store.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?"
            " ORDER BY ordinal_position",
            [table],
        ).fetchall()

    assert columns("harm_events_shadowed") == columns("harm_events")


NAMES = ("a.csv", "b.csv", "c.csv")
EVENT = st.tuples(st.sampled_from([f"MLI{n}" for n in range(6)]), st.integers(1, 3), st.integers(0, 9))
FILE = st.tuples(
    st.sampled_from(NAMES),
    st.lists(EVENT, min_size=1, max_size=6, unique_by=lambda e: e[0]),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(loads=st.lists(FILE, min_size=1, max_size=6))
def test_any_sequence_of_loads_keeps_the_best_version_each_live_file_carries(
    loads: list[tuple[str, list[tuple[str, int, int]]]],
) -> None:
    """The store against a model: the live file of each name, and for each event the newest, earliest-loaded version."""
    store = connect(":memory:")
    live: dict[str, tuple[int, list[tuple[str, int, int]]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, events) in enumerate(loads):
            path = _acled_file(Path(folder) / str(number) / name, events)
            result = ingest(store, "acled", path)
            if not result.unchanged:
                live[name] = (number, events)
    best: dict[str, tuple[int, int, int]] = {}  # event -> (timestamp, -load order, fatalities)
    for order, events in live.values():
        for event_id, timestamp, fatalities in events:
            candidate = (timestamp, -order, fatalities)
            if event_id not in best or candidate[:2] > best[event_id][:2]:
                best[event_id] = candidate
    assert {k: v[:2] for k, v in _stored(store).items()} == {k: (v[0], v[2]) for k, v in best.items()}
    store.close()
