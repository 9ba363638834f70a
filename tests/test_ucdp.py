from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from tests.conftest import table_snapshot

DATA = Path(__file__).parent / "data" / "ucdp"


def test_ged_events(store: duckdb.DuckDBPyConnection) -> None:
    result = ingest(store, "ucdp-ged", DATA / "ged_small.csv")
    assert result.rows == 3
    rows = store.execute(
        "SELECT event_id, event_date, event_type, civilian_targeting, fatalities, fatalities_low, fatalities_high,"
        " civilian_fatalities, perpetrator_class, actor2_class FROM harm_events ORDER BY event_id"
    ).fetchall()
    assert [(r[0], str(r[1]), *r[2:]) for r in rows] == [
        ("400001", "2022-03-27", "One-sided violence", True, 300, 200, 500, 300, "state_forces", "civilians"),
        ("400002", "2022-04-02", "State-based conflict", False, 6, 4, 9, 0, "state_forces", "other"),
        ("400003", "2022-03-21", "One-sided violence", True, 28, 28, 40, 28, "other", "civilians"),
    ]


def test_zip_bomb_is_refused(store: duckdb.DuckDBPyConnection) -> None:
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "ucdp-acd", DATA / "acd_bomb.zip")
    assert caught.value.errors[0].code == "not-this-format"
    assert "refused as a zip bomb" in caught.value.errors[0].message
    assert table_snapshot(store) == before


def test_unknown_gleditsch_ward_code(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (DATA / "ged_small.csv").read_text(encoding="utf-8").replace(",432,Africa,", ",999,Africa,", 1)
    bad = tmp_path / "ged_bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "ucdp-ged", bad)
    assert [str(e) for e in caught.value.errors] == [
        "ged_bad.csv:2:country_id: unknown-country: Gleditsch-Ward code '999' is not in the crosswalk"
    ]


@pytest.mark.shared_data
def test_real_brd_and_acd(shared_data: Path, store: duckdb.DuckDBPyConnection) -> None:
    brd = ingest(store, "ucdp-brd", shared_data / "ucdp" / "ucdp-brd-dyadic-221.csv")
    acd = ingest(store, "ucdp-acd", shared_data / "ucdp" / "ucdp-prio-acd-201.zip")
    assert (brd.rows, acd.rows) == (1403, 2448)
    expected: dict[int, int] = defaultdict(int)
    with (shared_data / "ucdp" / "ucdp-brd-dyadic-221.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["gwno_loc"].split(",")[0].strip() == "432":
                expected[int(row["year"])] += int(row["bd_best"])
    stored = store.execute(
        "SELECT year, sum(deaths_best) FROM conflict_deaths WHERE dataset = 'ucdp-brd' AND country_iso3 = 'MLI'"
        " GROUP BY 1"
    ).fetchall()
    assert dict(stored) == dict(expected)
    supported = store.execute(
        "SELECT min(year), max(year) FROM conflict_deaths WHERE dataset = 'ucdp-brd' AND country_iso3 = 'MLI'"
        " AND supporting_iso3 LIKE '%USA%'"
    ).fetchall()
    assert supported == [(2013, 2021)]
    with zipfile.ZipFile(shared_data / "ucdp" / "ucdp-prio-acd-201.zip") as archive:
        raw = list(csv.DictReader(io.TextIOWrapper(archive.open("ucdp-prio-acd-201.csv"), encoding="utf-8")))
    mali_years = sorted({int(r["year"]) for r in raw if r["gwno_loc"].split(",")[0].strip() == "432"})
    stored_years = [
        r[0]
        for r in store.execute(
            "SELECT DISTINCT year FROM conflict_deaths WHERE dataset = 'ucdp-acd' AND country_iso3 = 'MLI' ORDER BY 1"
        ).fetchall()
    ]
    assert stored_years == mali_years
