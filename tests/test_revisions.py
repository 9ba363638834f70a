"""A new release against the one it supersedes: records revised, added and removed, counted inside the load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from partnerwatch.store import Connection, connect
from partnerwatch.store.load import table_columns
from partnerwatch.store.revisions import Release, releases
from partnerwatch.store.schema import DATA_TABLES, REVISABLE
from tests.test_watch import load


def stock(values: dict[tuple[str, int], float | None]) -> list[dict[str, Any]]:
    return [
        {"country_iso3": c, "year": y, "cause": "conflict", "measure": "idps_stock", "value": v}
        for (c, y), v in values.items()
    ]


def counts(found: list[Release]) -> list[tuple[int, tuple[int, ...], str, int, int, int, int]]:
    return [
        (r.snapshot_id, r.superseded, v.table, v.revised, v.added, v.removed, v.unchanged)
        for r in found
        for v in r.revisions
    ]


def _two_releases(con: Connection) -> tuple[int, int]:
    first = load(con, "idmc", "all", "displacement", stock({
        ("MLI", 2021): 20_000, ("MLI", 2022): 40_000, ("NER", 2022): 1_000, ("BFA", 2022): 5, ("TCD", 2021): None,
    }))  # fmt: skip
    second = load(con, "idmc", "all", "displacement", stock({
        ("MLI", 2021): 20_000, ("MLI", 2022): 50_000, ("NER", 2022): 1_000, ("SEN", 2022): 7, ("TCD", 2021): None,
    }))  # fmt: skip
    return first, second


def test_a_new_release_counts_its_revised_added_removed_and_unchanged_records(
    store: duckdb.DuckDBPyConnection,
) -> None:
    first, second = _two_releases(store)
    found = releases(store)
    # TCD's empty value is the same record in both (set operations take NULLs as equal).
    assert counts(found) == [(second, (first,), "displacement", 1, 1, 1, 3)]
    assert found[0].revisions[0].examples == (
        "revised: MLI · 2022 · conflict · idps_stock — value 40,000 → 50,000",
        "added: SEN · 2022 · conflict · idps_stock",
        "removed: BFA · 2022 · conflict · idps_stock",
    )
    assert found[0].heading == f"snapshot {second} (idmc) replaced snapshot {first}"
    assert releases(store, after=second) == []  # a span after the release holds none
    # Loading a third, identical release: every record unchanged, still one row of revisions for it.
    third = load(store, "idmc", "all", "displacement", stock({
        ("MLI", 2021): 20_000, ("MLI", 2022): 50_000, ("NER", 2022): 1_000, ("SEN", 2022): 7, ("TCD", 2021): None,
    }) + [{"country_iso3": "SEN", "year": 2023, "cause": "conflict", "measure": "idps_stock", "value": 9}])  # fmt: skip
    assert counts(releases(store, after=second)) == [(third, (second,), "displacement", 0, 1, 0, 5)]


def test_a_keyed_table_compares_the_superseded_versions_behind_other_snapshots_too(
    store: duckdb.DuckDBPyConnection,
) -> None:
    def event(event_id: str, fatalities: int, stamp: int) -> dict[str, Any]:
        return {"source": "acled", "event_id": event_id, "country_iso3": "MLI", "year": 2020,
                "fatalities": fatalities, "event_timestamp": stamp}  # fmt: skip

    first = load(store, "acled", "export", "harm_events", [event("A", 1, 1), event("B", 2, 1), event("C", 3, 1)])
    # Another live file carries event C in a newer version: the export's C waits in the shadow table.
    load(store, "acled", "hdx", "harm_events", [event("C", 4, 2)])
    second = load(store, "acled", "export", "harm_events", [event("A", 1, 1), event("B", 5, 3), event("D", 1, 3)])
    assert counts(releases(store)) == [(second, (first,), "harm_events", 1, 1, 1, 1)]
    assert releases(store)[0].revisions[0].examples[0].startswith("revised: acled · B — ")
    assert "fatalities 2 → 5" in releases(store)[0].revisions[0].examples[0]
    # The record the export no longer carries stays, in the version the other file holds.
    assert store.execute("SELECT event_id, fatalities FROM harm_events ORDER BY 1").fetchall() == [
        ("A", 1), ("B", 5), ("C", 4), ("D", 1),
    ]  # fmt: skip


def test_a_table_the_new_release_no_longer_has_is_counted_as_removed(store: duckdb.DuckDBPyConnection) -> None:
    first = load(store, "idmc", "all", "displacement", stock({("MLI", 2022): 40_000}))
    second = load(store, "idmc", "all", "peacekeeping", [
        {"country_iso3": "MLI", "year": 2022, "mission": "MINUSMA", "total": 10, "source_row": 1}
    ])  # fmt: skip
    assert sorted(counts(releases(store))) == [
        (second, (first,), "displacement", 0, 0, 1, 0),
        (second, (first,), "peacekeeping", 0, 1, 0, 0),
    ]


def test_a_refused_load_records_no_revision_and_keeps_the_old_release(store: duckdb.DuckDBPyConnection) -> None:
    first = load(store, "idmc", "all", "displacement", stock({("MLI", 2022): 40_000}))
    with pytest.raises(PartnerWatchError, match="rolled back"):
        load(store, "idmc", "all", "displacement", [{"country_iso3": None, "year": 2022, "measure": "idps_stock"}])
    assert store.execute("SELECT count(*) FROM snapshot_revisions").fetchall() == [(0,)]
    assert store.execute("SELECT id, superseded_by FROM snapshots").fetchall() == [(first, None)]
    assert store.execute("SELECT value FROM displacement").fetchall() == [(40_000,)]


def test_every_data_table_says_how_its_releases_compare(store: duckdb.DuckDBPyConnection) -> None:
    assert set(REVISABLE) == set(DATA_TABLES) - {"snapshot_issues"}
    for table, rule in REVISABLE.items():
        columns = set(table_columns(store, table))
        assert set(rule.key) <= columns and set(rule.ignore) <= columns, table


def _two_registers(con: Connection) -> None:
    """Arms deals with lists of delivery years, a repeated key, and empty values: the types hashed differ most."""

    def deal(designation: str, years: list[int], tiv: float | None) -> dict[str, Any]:
        return {
            "supplier_iso3": "RUS",
            "recipient_iso3": "MLI",
            "order_year": 2016,
            "designation": designation,
            "description": "helicopter",
            "delivery_years": years,
            "tiv_delivered": tiv,
            "source_row": len(years),
        }

    first = [deal("Mi-35M", [2017], 20.0), deal("Mi-8", [], None), deal("Mi-8", [2018], 5.0)]
    later = [deal("Mi-35M", [2017, 2019], 40.0), deal("Mi-8", [], None), deal("Mi-8", [2018], 5.0)]
    load(con, "sipri-transfers", "all", "arms_transfers", first)
    load(con, "sipri-transfers", "all", "arms_transfers", [*later, deal("Mi-17", [2020], None)])


def test_revisions_alike_on_postgresql(store: duckdb.DuckDBPyConnection, postgres_url: str) -> None:
    _two_releases(store)
    _two_registers(store)
    assert counts(releases(store))[1][2:] == ("arms_transfers", 1, 1, 0, 1)  # the two Mi-8 rows: one record
    server = connect(postgres_url)
    try:
        _two_releases(server)
        _two_registers(server)
        assert counts(releases(server)) == counts(releases(store))
        assert [r.revisions[0].examples for r in releases(server)] == [r.revisions[0].examples for r in releases(store)]
    finally:
        server.close()


@pytest.mark.shared_data
def test_a_revised_sipri_register_names_its_changes(
    shared_data: Path, store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """SIPRI's real register, then the same file as a later release with one deal revised, one new, one gone."""
    original = shared_data / "sipri" / "trade-register_2025-03-13.csv"
    lines = original.read_text(encoding="latin-1").splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if line.startswith("Recipient,Supplier,"))
    mali = [i for i, line in enumerate(lines) if line.startswith("Mali,Russia,2016,")]
    assert len(mali) == 1, "the register's Mi-35M deal for Mali is the one this test revises"
    deal = "Mali,Russia,2016,,4,,Mi-35M,combat helicopter,4,,2017; 2019; 2020,New,,11.5,46,46\n"
    assert lines[mali[0]] == deal
    revised = list(lines)
    revised[mali[0]] = "Mali,Russia,2016,,6,,Mi-35M,combat helicopter,6,,2017; 2019; 2020; 2024,New,,11.5,69,69\n"
    gone = revised.pop(header + 1)  # the first deal of the register (Afghanistan's Super Tucanos)
    revised.append("Mali,Turkiye,2024,,2,,Bayraktar TB2,UAV,2,,2025,New,,5,10,10\n")
    later = tmp_path / "trade-register_2025-06-02.csv"
    later.write_text("".join(revised).replace("Data generated: 13 Mar 2025", "Data generated: 02 Jun 2025"),
                     encoding="latin-1")  # fmt: skip

    first = ingest(store, "sipri-transfers", original)
    second = ingest(store, "sipri-transfers", later)
    assert second.superseded == (first.snapshot_id,)
    (revision,) = second.revisions
    deals = store.execute(
        "SELECT count(*) FROM (SELECT DISTINCT supplier_iso3, recipient_iso3, order_year, designation, description"
        " FROM arms_transfers)"
    ).fetchall()[0][0]
    assert (revision.table, revision.revised, revision.added, revision.removed) == ("arms_transfers", 1, 1, 1)
    assert revision.unchanged == deals - 2  # every record but the revised and the added one is unchanged
    assert revision.examples[0] == (
        "revised: RUS · MLI · 2016 · Mi-35M · combat helicopter — number_ordered 4 → 6; number_delivered 4 → 6;"
        " delivery_years [2017, 2019, 2020] → [2017, 2019, 2020, 2024]; tiv_order 46 → 69; tiv_delivered 46 → 69"
    )
    assert revision.examples[1].startswith("added: TUR · MLI · 2024 · Bayraktar TB2")
    assert revision.examples[2].startswith("removed: BRA · AFG · 2017 · EMB-314 Super Tucano")
    assert gone.startswith("Afghanistan,Brazil,2017,")
    assert ingest(store, "sipri-transfers", later).unchanged  # the same bytes again: no new revisions
    assert len(releases(store)) == 1
