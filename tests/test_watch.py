"""The watch on small hand-made stores: each rule where it must fire and where it must not, history, formats."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from lxml import etree

from partnerwatch.publish.watch import watch_atom, watch_csv, watch_json
from partnerwatch.store import Connection
from partnerwatch.store.load import SnapshotRecord, load_snapshot
from partnerwatch.store.revisions import releases
from partnerwatch.watch.columns import Window
from partnerwatch.watch.history import changes_since, record_watch, store_version, stored_signals, with_history
from partnerwatch.watch.table import Watch, build_watch, filtered

ATOM_SCHEMA = Path(__file__).parent / "data" / "atom-subset.rng"


def load(con: Connection, source: str, scope: str, table: str, rows: list[dict[str, Any]]) -> int:
    """Load hand-made rows through the real loader, as one snapshot of ``source``."""
    digest = hashlib.sha256(json.dumps([source, scope, rows], default=str).encode()).hexdigest()
    record = SnapshotRecord(
        source=source,
        file_name=f"{source}-{digest[:6]}.csv",
        sha256=digest,
        bytes=1,
        rows=len(rows),
        producer="test",
        citation=f"Hand-made {source} rows",
        licence="",
        url="",
        release="",
        notes="",
        scope=scope,
        stored_path="",
    )
    return load_snapshot(con, record, {table: pa.Table.from_pylist(rows)}).snapshot_id


def security(iso3: str, amounts: dict[int, float]) -> list[dict[str, Any]]:
    """Greenbook-like rows: the Military category, obligations, one account."""
    return [
        {
            "country_iso3": iso3,
            "fiscal_year": year,
            "program": "",
            "account": "Foreign Military Financing Program",
            "category": "Military",
            "transaction_type": "Obligations",
            "amount_usd": usd,
        }
        for year, usd in amounts.items()
    ]


def events(
    iso3: str, per_quarter: list[int], last_quarter_start: date, perpetrator: str = "state_forces"
) -> list[dict[str, Any]]:
    """One ACLED civilian-targeting event a quarter, oldest first, the last in the quarter starting then."""
    rows = []
    for back, fatalities in enumerate(reversed(per_quarter)):
        month = last_quarter_start.month - 3 * back
        year = last_quarter_start.year + (month - 1) // 12
        day = date(year, (month - 1) % 12 + 1, 15)
        rows.append(
            {
                "source": "acled",
                "event_id": f"{iso3}{day.isoformat()}",
                "country_iso3": iso3,
                "event_date": day,
                "year": day.year,
                "civilian_targeting": True,
                "fatalities": fatalities,
                "perpetrator_class": perpetrator,
            }
        )
    end = _quarter_end(last_quarter_start)  # data reaching the quarter's end: it is complete
    rows.append(
        {**rows[-1], "event_id": f"{iso3}-end", "event_date": end, "fatalities": 0, "civilian_targeting": False}
    )
    return rows


def _quarter_end(start: date) -> date:
    month = start.month + 3
    return date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1) - timedelta(days=1)


def fired(watch: Watch, rule: str) -> dict[str, str]:
    return {s.iso3: s.sentence for r in watch.rows for s in r.signals if s.rule == rule}


def test_state_force_harm_far_above_its_own_baseline(store: duckdb.DuckDBPyConnection) -> None:
    q4 = date(2020, 10, 1)
    load(store, "acled", "a", "harm_events", events("MLI", [10, 12, 8, 10, 20], q4))  # z = 7.1
    load(store, "acled", "b", "harm_events", events("NER", [10, 12, 8, 10, 12], q4))  # z = 1.4: not 2
    load(store, "acled", "c", "harm_events", events("BFA", [0, 1, 0, 1, 5], q4))  # z = 9, but 5 < 10 killed
    load(store, "acled", "d", "harm_events", events("TCD", [10, 12, 8, 10, 30], q4, "rebel_group"))  # not state forces
    watch = build_watch(store, Window())
    assert fired(watch, "state_harm_surge") == {
        "MLI": "Civilian fatalities in events by the state forces of Mali and their allies in 2020-Q4 (20) exceed the"
        " average of the previous four quarters (10) by 7.1 standard deviations (threshold: 2)."
    }
    mali = next(r for r in watch.rows if r.iso3 == "MLI")
    trend = mali.cells["state_harm_trend"]
    assert (trend.value, trend.period, trend.detail["mean"], trend.detail["sd"]) == (
        7.07,
        "2020-Q4 vs 2019-Q4–2020-Q3",
        10.0,
        1.41,
    )
    assert mali.cells["state_civilian_fatalities"].value == 50  # 12 + 8 + 10 + 20, the last four quarters
    assert "TCD" not in {
        r.iso3
        for r in watch.rows
        if "state_civilian_fatalities" in r.cells and r.cells["state_civilian_fatalities"].value
    }


def test_an_incomplete_last_quarter_is_not_the_latest(store: duckdb.DuckDBPyConnection) -> None:
    rows = events("MLI", [10, 12, 8, 10, 20], date(2020, 7, 1))
    rows.append({**rows[0], "event_id": "late", "event_date": date(2020, 10, 20), "year": 2020, "fatalities": 500})
    load(store, "acled", "a", "harm_events", rows)
    trend = next(r for r in build_watch(store, Window()).rows if r.iso3 == "MLI").cells["state_harm_trend"]
    assert trend.period.startswith("2020-Q3 vs")  # Q4 ends 20 October, two months short: Q3 is the latest


def test_a_coup_after_three_years_of_us_security_assistance(store: duckdb.DuckDBPyConnection) -> None:
    load(store, "greenbook", "greenbook", "assistance", [
        *security("MLI", {2017: 10e6, 2018: 12e6, 2019: 9.8e6, 2020: 5e6}),
        *security("GIN", {2017: 0.0, 2018: 0.0, 2019: 0.0, 2020: 0.0}),
        *security("NER", {2019: 1e6, 2020: 1e6}),
    ])  # fmt: skip
    coups = [
        ("MLI", "Mali", date(2020, 8, 18), "successful"),
        ("MLI", "Mali", date(2019, 1, 10), "failed"),
        ("GIN", "Guinea", date(2020, 9, 5), "successful"),  # no assistance in the three years before
        ("NER", "Niger", date(2016, 3, 1), "successful"),  # FY2013-FY2015 not covered by the data: no finding
    ]
    load(store, "coups", "all", "coups", [
        {"country_iso3": i, "country": n, "date": d, "date_precision": "day", "year": d.year, "outcome": o,
         "source_row": k}
        for k, (i, n, d, o) in enumerate(coups, start=1)
    ])  # fmt: skip
    watch = build_watch(store, Window())
    assert fired(watch, "coup_after_assistance") == {
        "MLI": "A successful coup in Mali on 2020-08-18 came after $31.8 million of U.S. security assistance in the"
        " three previous fiscal years (FY2017–FY2019)."
    }
    # The coup the data cannot test is said to be untested, so the rule's silence is not read as a finding.
    assert [(u.iso3, u.subject, u.sentence) for r in watch.rows for u in r.untested] == [
        ("NER", "2016-03-01", "A successful coup in Niger on 2016-03-01 is not tested: the U.S. security assistance"
         " data loaded do not cover FY2013–FY2015 (their last fiscal year is FY2020).")
    ]  # fmt: skip
    assert json.loads(watch_json(watch, 1, [], (None, 1)))["untested"][0]["rule"] == "coup_after_assistance"
    mali = next(r for r in watch.rows if r.iso3 == "MLI")
    assert mali.cells["coups"].text == "2 (1 successful)"
    assert mali.cells["security_assistance_usd"].period == "FY2018–FY2020"
    assert mali.cells["security_assistance_usd"].value == 26.8e6
    late = build_watch(store, Window(coups_since=date(2020, 1, 1)))
    assert next(r for r in late.rows if r.iso3 == "MLI").cells["coups"].text == "1 (1 successful)"


def test_assistance_and_state_force_harm_both_rose(store: duckdb.DuckDBPyConnection) -> None:
    q4 = date(2020, 10, 1)
    load(store, "greenbook", "greenbook", "assistance", [
        *security("MLI", {2019: 5e6, 2020: 8e6}),
        *security("NER", {2019: 5e6, 2020: 8e6}),
        *security("BFA", {2019: 8e6, 2020: 5e6}),
    ])  # fmt: skip
    load(store, "acled", "a", "harm_events", events("MLI", [1, 1, 1, 1, 5, 5, 5, 5], q4))  # 4 -> 20
    load(store, "acled", "b", "harm_events", events("NER", [5, 5, 5, 5, 1, 1, 1, 1], q4))  # harm fell
    load(store, "acled", "c", "harm_events", events("BFA", [1, 1, 1, 1, 5, 5, 5, 5], q4))  # assistance fell
    signals = fired(build_watch(store, Window()), "assistance_and_harm_rose")
    assert signals == {
        "MLI": "U.S. security assistance to Mali rose from $5.0 million in FY2019 to $8.0 million in FY2020, while"
        " civilian fatalities in events by its state forces and allies rose from 4 in the four quarters before"
        " 2020-Q1 to 20 in 2020-Q1–2020-Q4."
    }


def test_us_support_in_the_last_two_years_of_ucdp_conflicts(store: duckdb.DuckDBPyConnection) -> None:
    def year(iso3: str, government: str, y: int, supporters: str) -> dict[str, Any]:
        return {"dataset": "ucdp-acd", "conflict_id": f"{iso3}1", "year": y, "country_iso3": iso3,
                "side_a": f"Government of {government}", "side_b": "JNIM", "supporting_iso3": supporters}  # fmt: skip

    load(store, "ucdp-acd", "all", "conflict_deaths", [
        year("MLI", "Mali", 2020, "FRA;USA"), year("MLI", "Mali", 2021, "FRA;USA"),
        year("NER", "Niger", 2012, "USA"), year("NER", "Niger", 2021, "FRA"),
    ])  # fmt: skip
    watch = build_watch(store, Window())
    assert set(fired(watch, "us_backed_government_in_conflict")) == {"MLI"}
    niger = next(r for r in watch.rows if r.iso3 == "NER").cells["us_supported_government"]
    assert (niger.value, niger.text, niger.period) == (1.0, "2012", "2012–2021")


def test_displacement_rose_sharply(store: duckdb.DuckDBPyConnection) -> None:
    def stock(iso3: str, values: dict[int, float]) -> list[dict[str, Any]]:
        return [{"country_iso3": iso3, "year": y, "cause": "conflict", "measure": "idps_stock", "value": v}
                for y, v in values.items()]  # fmt: skip

    load(store, "idmc", "all", "displacement", [
        *stock("MLI", {2021: 20_000, 2022: 40_000}),  # +100%
        *stock("NER", {2021: 1_000, 2022: 3_000}),  # +200%, but 3,000 < 10,000
        *stock("BFA", {2021: 100_000, 2022: 120_000}),  # +20%
    ])  # fmt: skip
    watch = build_watch(store, Window())
    assert fired(watch, "displacement_surge") == {
        "MLI": "The number of people internally displaced by conflict in Mali rose by 100% in 2022 to 40,000"
        " (threshold: 50%)."
    }
    assert {r.iso3: r.region for r in filtered(watch, region="africa").rows} == {
        "MLI": "Africa", "NER": "Africa", "BFA": "Africa",
    }  # fmt: skip
    assert [r.iso3 for r in filtered(watch, flag="displacement_surge").rows] == ["MLI"]


def test_history_records_once_links_signals_and_lists_changes(store: duckdb.DuckDBPyConnection) -> None:
    first = load(store, "idmc", "all", "displacement", [
        {"country_iso3": "MLI", "year": y, "cause": "conflict", "measure": "idps_stock", "value": v}
        for y, v in {2021: 20_000, 2022: 40_000}.items()
    ])  # fmt: skip
    watch = build_watch(store, Window())
    assert record_watch(store, watch, store_version(store)) == 1
    assert record_watch(store, watch, store_version(store)) == 0  # the same version: nothing again
    load(store, "greenbook", "greenbook", "assistance", security("NER", {2020: 1e6}))
    again = build_watch(store, Window())
    assert record_watch(store, again, store_version(store)) == 0  # Mali's signal unchanged: not raised again
    revised = load(
        store,
        "idmc",
        "all",
        "displacement",
        [
            {"country_iso3": "MLI", "year": y, "cause": "conflict", "measure": "idps_stock", "value": v}
            for y, v in {2021: 20_000, 2022: 50_000}.items()
        ],
    )  # fmt: skip  (a new release of the same scope supersedes the first)
    third = build_watch(store, Window())
    assert record_watch(store, third, store_version(store)) == 1
    signals = stored_signals(store)
    assert [(s.id, s.previous_id, s.store_version) for s in signals] == [(2, 1, revised), (1, None, first)]
    assert "rose by 150% in 2022 to 50,000" in signals[0].sentence
    base, latest, changes = changes_since(store, None)  # what the last load changed
    assert (base, latest) == (revised - 1, revised)
    assert [(c.iso3, c.column, c.old_text, c.new_text, c.old_sources, c.new_sources) for c in changes] == [
        ("MLI", "displacement_trend", "40,000 (+100% on 2021)", "50,000 (+150% on 2021)", (first,), (revised,))
    ]
    _, _, since_first = changes_since(store, first + 1)  # everything after the first load
    assert {(c.iso3, c.column) for c in since_first} == {
        ("MLI", "displacement_trend"),
        ("NER", "security_assistance_usd"),
    }
    with_history(store, third)
    live = [s for r in third.rows for s in r.signals]
    assert [(s.id, s.previous_id) for s in live] == [(2, 1)]


def test_csv_json_and_an_atom_feed_that_validates(store: duckdb.DuckDBPyConnection) -> None:
    load(store, "idmc", "all", "displacement", [
        {"country_iso3": "MLI", "year": y, "cause": "conflict", "measure": "idps_stock", "value": v}
        for y, v in {2021: 20_000, 2022: 40_000}.items()
    ])  # fmt: skip
    watch = build_watch(store, Window())
    version = store_version(store)
    record_watch(store, watch, version)
    header, *lines = list(csv.reader(io.StringIO(watch_csv(watch))))
    assert header[:3] == ["iso3", "country", "region"] and header[-1] == "flags"
    mali = dict(zip(header, lines[0], strict=True))
    assert (mali["displacement_trend"], mali["displacement_trend_period"], mali["flags"]) == (
        "100.0",
        "2021–2022",
        "displacement_surge",
    )
    data = json.loads(watch_json(watch, version, [], (None, version)))
    assert data["rows"][0]["cells"]["displacement_trend"]["sources"] == [version]
    assert data["sources"] == {str(version): "Hand-made idmc rows"}
    feed = watch_atom(stored_signals(store), "http://example.test", watch.sources)
    schema = etree.RelaxNG(etree.parse(str(ATOM_SCHEMA)))
    document = etree.fromstring(feed)
    assert schema.validate(document), schema.error_log
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = document.find("a:entry", ns)
    assert entry is not None
    assert entry.findtext("a:title", namespaces=ns) == "Mali: Conflict displacement rose sharply"
    assert entry.find("a:link", ns).get("href") == "http://example.test/countries/MLI"  # type: ignore[union-attr]
    assert "Sources: [" in (entry.findtext("a:summary", namespaces=ns) or "")
    broken = feed.replace(b"<updated>", b"<published>", 1).replace(b"</updated>", b"</published>", 1)
    assert not schema.validate(etree.fromstring(broken))  # the schema can fail: a feed without <updated>


def test_the_watch_command(tmp_path: Path) -> None:
    from tests.test_cli import run

    home = tmp_path / "home"
    assert run("init", home=home).returncode == 0
    shown = run("watch", "--format", "json", home=home)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["store_version"] == 1 and data["coups_since"] == "2001-01-01"
    assert [c["id"] for c in data["columns"]][:2] == ["security_assistance_usd", "trainees"]
    bad = run("watch", "--format", "xml", home=home)
    assert bad.returncode == 2 and bad.stderr.startswith("bad-value: --format 'xml' is not one of table, csv, json")
    when = run("watch", "--since", "last week", home=home)
    assert when.returncode == 2 and "bad-date: --since 'last week'" in when.stderr
    feed = tmp_path / "feed.atom"
    written = run("watch", "--format", "atom", "--out", str(feed), home=home)
    assert written.returncode == 0 and etree.RelaxNG(etree.parse(str(ATOM_SCHEMA))).validate(etree.parse(str(feed)))
    # The history has started: the next load is recorded by 'ingest' itself, and 'watch' lists what it changed.
    register = Path(__file__).parent / "data" / "sipri" / "register_small.csv"
    assert run("ingest", "sipri-transfers", str(register), home=home).returncode == 0
    with duckdb.connect(str(home / "partnerwatch.duckdb"), read_only=True) as con:
        assert con.execute("SELECT store_version FROM watch_versions ORDER BY 1").fetchall() == [(1,), (2,)]
    after = json.loads(run("watch", "--format", "json", home=home).stdout)
    changed = after["changes"]
    assert (changed["from_version"], changed["to_version"]) == (1, 2)
    assert changed["values"] and {c["column"] for c in changed["values"]} == {"us_arms_share"}
    assert all(c["old"] == "" and c["new_sources"] == [2] for c in changed["values"])
    # A later release of the register: 'ingest' says what it revised, and 'watch' lists it with the changes.
    later = tmp_path / "register_later.csv"
    later.write_bytes(
        register.read_bytes()
        .replace(b"02 Feb 2024", b"03 Mar 2025")
        .replace(b"Financed by Mali,10,20,20", b"Financed by Mali,10,20,24")
    )  # fmt: skip
    loaded = run("ingest", "sipri-transfers", str(later), home=home)
    assert loaded.returncode == 0, loaded.stderr
    assert "superseding snapshot(s) 2." in loaded.stdout
    assert "  arms_transfers: 1 revised, 0 added, 0 removed, 3 unchanged records" in loaded.stdout
    assert "    revised: RUS · MLI · 2016 · Mi-35M · combat helicopter — tiv_delivered 20 → 24" in loaded.stdout
    table = run("watch", home=home)
    assert "New releases (1): records revised, added and removed\n  snapshot 3 (sipri-transfers, release 2025-03-03)" \
        " replaced snapshot 2\n    arms_transfers: 1 revised" in table.stdout  # fmt: skip
    listed = run("sources", home=home).stdout
    assert "against the release it replaced, arms_transfers: 1 revised, 0 added, 0 removed, 3 unchanged" in listed
    (release,) = json.loads(run("watch", "--format", "json", home=home).stdout)["changes"]["releases"]
    assert (release["snapshot_id"], release["superseded"], release["tables"][0]["revised"]) == (3, [2], 1)
    assert run("watch", "--format", "atom", "--out", str(feed), home=home).returncode == 0
    document = etree.parse(str(feed))
    assert etree.RelaxNG(etree.parse(str(ATOM_SCHEMA))).validate(document)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    (entry,) = [
        e for e in document.findall("a:entry", ns) if e.findtext("a:id", namespaces=ns) == "urn:partnerwatch:release:3"
    ]
    assert entry.findtext("a:title", namespaces=ns).startswith("New release: SIPRI Arms Transfers Database")  # type: ignore[union-attr]
    assert entry.findtext("a:summary", namespaces=ns).startswith(  # type: ignore[union-attr]
        "Snapshot 3 (sipri-transfers, release 2025-03-03) replaced snapshot 2. arms_transfers: 1 revised, 0 added,"
        " 0 removed, 3 unchanged records (for example, revised: RUS · MLI · 2016 · Mi-35M"
    )


@pytest.mark.shared_data
def test_watch_on_the_shared_store_agrees_with_the_factsheet_figures(
    shared_data: Path, store: duckdb.DuckDBPyConnection
) -> None:
    from partnerwatch.figures.context import FigureContext
    from partnerwatch.figures.security import security_assistance_by_year
    from partnerwatch.ingest import ingest

    ingest(store, "greenbook", shared_data / "greenbook" / "us_foreignaid_greenbook.xlsx")
    watch = build_watch(store, Window())
    mali = next(r for r in watch.rows if r.iso3 == "MLI").cells["security_assistance_usd"]
    figure = security_assistance_by_year(FigureContext.for_store(store, "MLI", (2018, 2020)))
    assert mali.period == "FY2018–FY2020"
    assert mali.value == pytest.approx(sum(float(str(r["amount_usd"])) for r in figure.rows))


def _every_rule_store(con: Any) -> None:
    """One store where every rule fires once, for comparing engines."""
    q4 = date(2020, 10, 1)
    load(con, "greenbook", "greenbook", "assistance", security("MLI", {2017: 10e6, 2018: 12e6, 2019: 5e6, 2020: 8e6}))
    load(con, "acled", "a", "harm_events", events("MLI", [1, 1, 1, 1, 10, 10, 10, 40], q4))
    load(con, "coups", "all", "coups", [
        {"country_iso3": "MLI", "country": "Mali", "date": date(2020, 8, 18), "date_precision": "day", "year": 2020,
         "outcome": "successful", "source_row": 1},
    ])  # fmt: skip
    load(con, "ucdp-acd", "all", "conflict_deaths", [
        {"dataset": "ucdp-acd", "conflict_id": "1", "year": 2021, "country_iso3": "MLI", "side_a": "Government of Mali",
         "side_b": "JNIM", "supporting_iso3": "USA"},
    ])  # fmt: skip
    load(con, "idmc", "all", "displacement", [
        {"country_iso3": "MLI", "year": y, "cause": "conflict", "measure": "idps_stock", "value": v}
        for y, v in {2021: 20_000, 2022: 40_000}.items()
    ])  # fmt: skip


def test_every_rule_fires_alike_on_postgresql(store: duckdb.DuckDBPyConnection, postgres_url: str) -> None:
    from partnerwatch.store import connect

    _every_rule_store(store)
    expected = build_watch(store, Window())
    assert sorted(s.rule for r in expected.rows for s in r.signals) == [
        "assistance_and_harm_rose",
        "coup_after_assistance",
        "displacement_surge",
        "state_harm_surge",
        "us_backed_government_in_conflict",
    ]
    server = connect(postgres_url)
    try:
        _every_rule_store(server)
        found = build_watch(server, Window())
        assert [r.to_dict() for r in found.rows] == [r.to_dict() for r in expected.rows]
        assert [s.sentence for r in found.rows for s in r.signals] == [
            s.sentence for r in expected.rows for s in r.signals
        ]
        assert record_watch(server, found, store_version(server)) == 5
        assert [s.rule for s in stored_signals(server)][-1] == "state_harm_surge"
    finally:
        server.close()


def test_two_coups_are_two_signals_each_raised_once(store: duckdb.DuckDBPyConnection) -> None:
    load(store, "greenbook", "greenbook", "assistance", security("EGY", {y: 1.3e9 for y in range(2008, 2013)}))
    load(store, "coups", "all", "coups", [
        {"country_iso3": "EGY", "country": "Egypt", "date": d, "date_precision": "day", "year": d.year,
         "outcome": "successful", "source_row": k}
        for k, d in enumerate([date(2011, 2, 11), date(2012, 7, 3)], start=1)
    ])  # fmt: skip
    first = build_watch(store, Window())
    assert record_watch(store, first, store_version(store)) == 2
    load(
        store,
        "idmc",
        "all",
        "displacement",
        [{"country_iso3": "EGY", "year": 2021, "cause": "conflict", "measure": "idps_stock", "value": 3_200.0}],
    )
    assert record_watch(store, build_watch(store, Window()), store_version(store)) == 0  # both still raised
    signals = stored_signals(store)
    assert sorted(s.subject for s in signals) == ["2011-02-11", "2012-07-03"]
    feed = etree.fromstring(watch_atom(signals, "http://example.test", {}))
    ids = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}id")]
    assert len(ids) == len(set(ids)) == 3  # the feed's and one per signal


def test_trained_units_and_harming_forces_on_the_same_branches(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from partnerwatch.figures.context import FigureContext
    from partnerwatch.store import connect
    from partnerwatch.watch.branches import branches, forces
    from partnerwatch.web import create_app

    walk = branches()
    assert [walk.classify(n, "MLI") for n in ("2d Mali Battalion", "Senou Air Force Base 101", "DGGN", "MOD")] == [
        "army",
        "air_force",
        "gendarmerie",
        "armed_forces",
    ]
    assert walk.classify("Gendarmerie, Army, Air Force and National Guard", "MLI") == "several"
    assert walk.classify("Ministry of Defense Air Force", "MLI") == "air_force"  # a fallback gives way
    assert walk.classify("ACSS Community Chapter in Bamako", "MLI") == "not_identified"
    assert walk.classify("FAMa", "MLI") == "armed_forces" and walk.classify("FAMa", "NER") == "not_identified"
    # Contingents for peace operations, often the only unit the FMTR prints; Spanish names; a country's own names.
    assert [walk.classify(n, iso3) for n, iso3 in (
        ("NERBAT7", "NER"), ("Niger Mali Contingent", "NER"), ("MINUSMA Battalion", "NER"),
        ("Combat Engineer 2", "NER"), ("Formed Police Unit MINUSMA", "SEN"), ("LAAFI-7", "BFA"), ("LAAFI-7", "NER"),
        ("SEMAR", "MEX"), ("SEDENA", "MEX"), ("Policía Federal", "MEX"), ("Ejército Nacional", "COL"), ("61R", "LBN"),
    )] == [
        "peace_operations", "peace_operations", "army", "not_identified", "police", "peace_operations",
        "not_identified", "navy", "several", "police", "army", "army",
    ]  # fmt: skip
    assert walk.classify_actor("Police Forces of Mali (2013-2020) Gendarmerie", "MLI") == "gendarmerie"
    assert walk.classify_actor("Military Forces of Mali (2013-2020)", "MLI") == "armed_forces"

    def course(year: int, unit: str, n: int) -> dict[str, Any]:
        return {"country_iso3": "MLI", "fiscal_year": year, "student_unit": unit, "quantity": n, "region": "Africa"}

    def event(k: int, year: int, actor: str, killed: int) -> dict[str, Any]:
        return {"source": "acled", "event_id": f"e{k}", "country_iso3": "MLI", "event_date": date(year, 5, 1),
                "year": year, "civilian_targeting": True, "fatalities": killed, "actor1": actor,
                "perpetrator_class": "state_forces"}  # fmt: skip

    trained = [
        course(2019, "2d Mali Battalion", 600),
        course(2019, "DGGN", 20),
        course(2020, "BAFS", 12),
        course(2020, "Gendarmerie, Army, Air Force and National Guard", 38),
        course(2020, "ACSS", 5),
    ]
    army = "Military Forces of Mali (2013-2020)"
    harm = [
        event(1, 2019, army, 30),
        event(2, 2020, army, 12),
        event(3, 2020, "Police Forces of Mali (2013-2020) Gendarmerie", 2),
    ]
    on_disk = connect(tmp_path / "pw.duckdb")
    for con in (store, on_disk):
        load(con, "fmtr", "FY2019-2020 Africa", "training", trained)
        load(con, "acled", "mali", "harm_events", harm)
    on_disk.close()
    view = forces(FigureContext.for_store(store, "MLI"))
    table = {r.branch: (r.to_dict()["trainees"], r.to_dict()["events"], r.to_dict()["fatalities"]) for r in view.rows}
    assert table == {
        "gendarmerie": (20, 1, 2),
        "air_force": (12, 0, 0),
        "army": (600, 0, 0),
        "armed_forces": (0, 2, 42),
        "armed_forces_total": (612, 2, 42),
        "several": (38, 0, 0),
        "not_identified": (5, 0, 0),
    }
    assert [r.branch for r in view.rows].index("armed_forces_total") == [r.branch for r in view.rows].index(
        "armed_forces"
    ) + 1
    with TestClient(create_app(tmp_path / "pw.duckdb")) as client:
        page = client.get("/watch/MLI")
        assert page.status_code == 200 and "A screening aid, not a finding" in page.text
        assert '<tr data-branch="army">' in page.text and "600" in page.text
        data = client.get("/api/watch/mali/forces").json()
        assert data["iso3"] == "MLI" and data["branches"][0]["branch"] == "gendarmerie"
        assert data["branches"][0]["acled_actors"] == ["Police Forces of Mali (2013-2020) Gendarmerie"]
        assert client.get("/watch/XYZ").status_code == 404


def test_the_brief_is_at_most_four_pages_and_says_what_fired(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import subprocess

    from partnerwatch.publish.watch_brief import brief_content, render_brief_pdf

    _every_rule_store(store)
    for k, iso3 in enumerate(("NER", "BFA", "TCD", "SEN", "GHA", "KEN", "UGA", "NGA", "CMR", "TZA"), start=1):
        load(store, "greenbook", f"more{k}", "assistance", security(iso3, {2020: k * 1e6}))
    revised = load(store, "greenbook", "more1", "assistance", security("NER", {2020: 1.5e6}))  # a new release
    watch = build_watch(store, Window())
    brief = brief_content(watch, [], (None, store_version(store)), date(2026, 12, 1), releases(store))
    assert brief.summary[1] == (
        "Five signals are raised by five of the five rules: state-force civilian harm far above its baseline (1);"
        " successful coup in a country receiving U.S. security assistance (1); U.S. security assistance and"
        " state-force civilian harm both rose (1); the United States on the government's side in an armed"
        " conflict (1); conflict displacement rose sharply (1)."
    )
    assert [r["country"] for r in brief.rows][:2] == ["Mali", "Tanzania"]  # by security assistance, largest first
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(render_brief_pdf(brief))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 1 <= pages <= 4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "A successful coup in Mali on 2020-08-18 came after $27.0 million" in " ".join(text.split())
    assert text.count("Hand-made greenbook rows") == 1  # the snapshots of one citation listed once, ids together
    assert (
        f"Snapshot {revised} (greenbook) replaced snapshot {revised - 10}: assistance: 1 revised, 0 added, 0 removed,"
        " 0 unchanged records." in " ".join(text.split())
    )
