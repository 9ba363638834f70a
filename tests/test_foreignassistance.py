from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from tests.conftest import table_snapshot

DATA = Path(__file__).parent / "data" / "foreignassistance"


def test_country_summary_small(store: duckdb.DuckDBPyConnection) -> None:
    result = ingest(store, "foreignassistance", DATA / "country_summary_small.csv")
    assert result.rows == 3
    rows = store.execute(
        "SELECT country_iso3, fiscal_year, transition_quarter, transaction_type, amount_usd,"
        " amount_constant_usd FROM assistance ORDER BY fiscal_year"
    ).fetchall()
    assert rows == [
        ("MLI", 1976, True, "Disbursements", 1000.0, 5000.0),
        ("YMD", 1980, False, "Obligations", -25.0, -70.0),
        ("MLI", 2012, False, "Obligations", 284466834.0, 300000000.0),
    ]


def test_complete_file_streams_into_one_snapshot(store: duckdb.DuckDBPyConnection) -> None:
    result = ingest(store, "foreignassistance", DATA / "complete_small.csv")
    assert result.rows == 4
    assert store.execute("SELECT rows, scope FROM snapshots WHERE id = ?", [result.snapshot_id]).fetchall() == [
        (4, "complete")
    ]
    rows = store.execute(
        "SELECT country_iso3, fiscal_year, transition_quarter, program, account, category, amount_usd,"
        " amount_constant_usd FROM assistance ORDER BY activity_id"
    ).fetchall()
    assert rows == [
        (
            "MLI",
            2019,
            False,
            "Peacekeeping Operations",
            "19x1032",
            "Peace and Security",
            1500000.0,
            1450000.5,
        ),
        (
            "MLI",
            2020,
            False,
            "International Disaster Assistance",
            "72x1035",
            "Humanitarian Assistance",
            2500000.0,
            2400000.0,
        ),
        ("MLI", 2020, False, "Global Health Programs - USAID", "72x1031", "Health", -12000.0, -11800.0),
        (
            "SDN",
            1976,
            True,
            "International Narcotics Control and Law Enforcement",
            "19x1022",
            "Peace and Security",
            300.0,
            900.0,
        ),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "complete_bad_amount.csv",
            "complete_bad_amount.csv:4:Current Dollar Amount: bad-number: 'twelve' is not an amount",
        ),
        (
            "complete_missing_column.csv",
            "complete_missing_column.csv:1:Fiscal Year: missing-column: column not in header",
        ),
    ],
)
def test_complete_file_errors_leave_the_store_unchanged(
    store: duckdb.DuckDBPyConnection, name: str, expected: str
) -> None:
    ingest(store, "foreignassistance", DATA / "country_summary_small.csv")
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "foreignassistance", DATA / name)
    assert [str(e) for e in caught.value.errors] == [expected]
    assert table_snapshot(store) == before


def test_unrecognised_header(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    from partnerwatch.sources.foreignassistance import parse_foreignassistance

    with pytest.raises(PartnerWatchError, match="other.csv:1: not-this-format: header matches neither"):
        parse_foreignassistance(path)


@pytest.mark.shared_data
def test_real_country_summary(shared_data: Path, store: duckdb.DuckDBPyConnection) -> None:
    result = ingest(store, "foreignassistance", shared_data / "foreignassistance" / "us_foreign_aid_country.csv")
    assert result.rows == 21973
    obligations = store.execute(
        "SELECT fiscal_year, sum(amount_usd) FROM assistance WHERE country_iso3 = 'MLI'"
        " AND transaction_type = 'Obligations' AND fiscal_year IN (2012, 2021) GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert obligations == [(2012, 284466834.0), (2021, 239632645.0)]
    assert store.execute("SELECT count(*) FROM assistance WHERE transition_quarter").fetchall() == [(98,)]
