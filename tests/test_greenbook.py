"""USAID's Greenbook: the real workbook, hand-made hostile ones, and the security figures it feeds."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from partnerwatch.errors import PartnerWatchError
from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import FigureContext
from partnerwatch.ingest import ingest, load_bundled
from partnerwatch.publish.factsheet import build_factsheet
from partnerwatch.sources.greenbook.parse import parse_greenbook
from tests.conftest import table_snapshot

HEADER = [
    "Fiscal Year",
    "Region",
    "Country",
    "Assistance Category",
    "Publication Row",
    "Funding Agency",
    "Funding Account Name",
    "Obligations (Historical Dollars)",
    "Obligations (Constant Dollars)",
]
PREAMBLE: list[list[object]] = [
    ["U.S.  Economic and Miliary Assistance Fiscal Years 1946-2020"],
    ["Obligations (Current $US and Constant 2020 $US)"],
    ["Prepared by USAID Data Services on August 9, 2022"],
    [],
]
MALI = ["Sub-Saharan Africa", "Mali", "Military", "International Military Education and Training"]
ROWS: list[list[object]] = [
    [2012, *MALI, "Department of Defense", "International Military Education and Training", 69000, 80000],
    [1976.9, "Sub-Saharan Africa", "Mali", "Economic", "USAID", "USAID", "Development Assistance", 5000, 25000],
    [2012, "Sub-Saharan Africa", "Sub-Saharan Africa (not specified)", "Military", "PKO", "State", "PKO", 10, 12],
    [2013, *MALI, "Department of Defense", "International Military Education and Training", -1000, -1100],
]


def _book(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Economic and Military Aid"
    table: list[list[object]] = [*PREAMBLE, list(HEADER), *rows]
    for row in table:
        sheet.append(row)
    book.save(path)
    return path


def test_a_greenbook_written_by_hand_loads_every_line_as_printed(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    result = ingest(store, "greenbook", _book(tmp_path / "greenbook.xlsx", ROWS))
    assert result.rows == 4
    got = store.execute(
        "SELECT country_iso3, fiscal_year, transition_quarter, category, program, account, amount_usd,"
        " amount_constant_usd, managing_agency FROM assistance ORDER BY fiscal_year, amount_usd"
    ).fetchall()
    assert got == [
        ("MLI", 1976, True, "Economic", "USAID", "Development Assistance", 5000.0, 25000.0, "USAID"),
        ("SSN", 2012, False, "Military", "PKO", "PKO", 10.0, 12.0, "State"),  # a regional line, kept as a region
        (
            "MLI",
            2012,
            False,
            "Military",
            "International Military Education and Training",
            "International Military Education and Training",
            69000.0,
            80000.0,
            "Department of Defense",
        ),
        ("MLI", 2013, False, "Military", *[MALI[3]] * 2, -1000.0, -1100.0, "Department of Defense"),  # de-obligation
    ]
    release = store.execute("SELECT release, scope FROM snapshots WHERE source = 'greenbook'").fetchone()
    assert release == ("2022-08-09", "greenbook")
    again = ingest(store, "greenbook", tmp_path / "greenbook.xlsx")
    assert again.unchanged and store.execute("SELECT count(*) FROM assistance").fetchone() == (4,)


@pytest.mark.parametrize(
    ("case", "rows", "first_error"),
    [
        ("no_header", None, "greenbook.xlsx: not-this-format: no header row starting 'Fiscal Year'"),
        ("header_only", [], "greenbook.xlsx: empty-file: the sheet has a header but no data rows"),
        (
            "fiscal_year_as_text",
            [["FY12", *ROWS[0][1:]]],
            "greenbook.xlsx:6:Economic and Military Aid: Fiscal Year: bad-date: 'FY12' is not a fiscal year",
        ),
        (
            "unknown_country",
            [[2012, "Africa", "Atlantis", *ROWS[0][3:]]],
            "greenbook.xlsx:6:Economic and Military Aid: Country: unknown-country: 'Atlantis' is not in the",
        ),
        (
            "unknown_category",
            [[2012, "Sub-Saharan Africa", "Mali", "Civil", *ROWS[0][4:]]],
            "greenbook.xlsx:6:Economic and Military Aid: Assistance Category: bad-value: 'Civil' is not one of",
        ),
        (
            "amount_as_text",
            [[*ROWS[0][:7], "69,000", 80000]],
            "greenbook.xlsx:6:Economic and Military Aid: Obligations (Historical Dollars): bad-number: '69,000'",
        ),
        (
            "amount_missing",
            [[*ROWS[0][:8], None]],
            "greenbook.xlsx:6:Economic and Military Aid: Obligations (Constant Dollars): missing-value: no amount",
        ),
        (
            "year_out_of_range",
            [[1820, *ROWS[0][1:]]],
            "greenbook.xlsx:6:Economic and Military Aid: Fiscal Year: bad-date: year 1820 is before 1900",
        ),
    ],
)
def test_a_bad_greenbook_is_refused_with_its_row_and_column_and_loads_nothing(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, case: str, rows: list[list[object]] | None, first_error: str
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Economic and Military Aid"
    table: list[list[object]] = PREAMBLE + ([] if rows is None else [list(HEADER), *rows])
    for row in table:
        sheet.append(row)
    path = tmp_path / "greenbook.xlsx"
    book.save(path)
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "greenbook", path)
    assert str(caught.value.errors[0]).startswith(first_error), (case, str(caught.value.errors[0]))
    assert table_snapshot(store) == before


@pytest.mark.shared_data
def test_the_real_greenbook_and_the_security_figures_it_feeds(
    store: duckdb.DuckDBPyConnection, shared_data: Path
) -> None:
    load_bundled(store)
    result = ingest(store, "greenbook", shared_data / "greenbook" / "us_foreignaid_greenbook.xlsx")
    assert result.rows == 75_002
    counts = store.execute(
        "SELECT count(*) FILTER (WHERE transition_quarter), count(*) FILTER (WHERE country_iso3 = 'WLD'),"
        " count(*) FILTER (WHERE amount_usd < 0) FROM assistance"
    ).fetchone()
    assert counts == (323, 1904, 4391)
    figures = {f.topic: f for f in computed_figures(FigureContext.for_store(store, "MLI")) if not f.unavailable}
    by_account = figures["security_assistance_by_account"]
    accounts = {str(r["account"]): float(str(r["amount_usd"])) for r in by_account.rows}
    assert by_account.period == "2001–2020"  # the Greenbook ends in FY2020: the period says so
    assert accounts["Peace Keeping Operations"] == 156_721_546.0
    assert accounts["Drug Interdiction and Counter-Drug Activities, Defense"] == 405_000.0
    assert "Development Assistance" not in accounts and "Peace Corps" not in accounts  # never security
    assert "Nonproliferation, Anti-Terrorism, Demining and Related Programs" in accounts  # filed under Economic
    split = figures["economic_and_military_by_year"]
    totals: dict[str, float] = {}
    for row in split.rows:
        totals[str(row["category"])] = totals.get(str(row["category"]), 0.0) + float(str(row["amount_usd"]))
    assert totals == {"Economic": 3_112_165_818.0, "Military": 169_995_159.0} and split.period == "2001–2020"
    sheet = build_factsheet(store, "MLI")
    notes = {r.topic: r for r in sheet.reconciliations}
    # The two that must match exactly, and one that differs by basis, said so rather than bent.
    s1004 = notes["Security assistance, Section 1004 Counter-Drug Assistance (2001-2019)"]
    assert not s1004.flagged and s1004.computed.startswith("$405,000 in the Greenbook")
    pko_2012 = notes["PKO support to UN missions (2012)"]
    assert not pko_2012.flagged and pko_2012.computed.startswith("$128,260,000 of Peace Keeping Operations")
    pko = notes["Security assistance, Peacekeeping Operations (2001-2019)"]
    assert pko.flagged and "includes the support to UN missions that the factsheet lists apart" in pko.difference
    # The coup windows now compare security assistance, from the Greenbook.
    effect = next(
        f for f in computed_figures(FigureContext.for_store(store, "MLI")) if f.topic == "restrictions_effect"
    )
    march_2012 = next(r for r in effect.rows if r["when"] == "March 2012")
    assert march_2012["security_before_usd"] is not None and march_2012["security_after_usd"] is not None
    assert "from the USAID Greenbook" in effect.method


CELLS = st.one_of(
    st.none(),
    st.sampled_from([2012, 1976.9, 2019.0, "2012", "FY12", 1820, True, "Mali", "World (not specified)", "Atlantis"]),
    st.sampled_from(["Military", "Economic", "Civil", "", " "]),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)


@settings(max_examples=int(os.environ.get("PARTNERWATCH_EXAMPLES", "0")) or 30, deadline=None)
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=11), min_size=1, max_size=6))
def test_any_rows_under_the_greenbook_header_give_rows_or_coded_errors(rows: list[list[object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "greenbook.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        table: list[list[object]] = [*PREAMBLE, list(HEADER), *rows]
        for row in table:
            try:
                sheet.append(row)
            except (ValueError, TypeError, IllegalCharacterError):  # openpyxl will not write control characters
                return
        book.save(path)
        try:
            parsed = parse_greenbook(path)
        except PartnerWatchError as error:
            assert all(e.code and e.file == "greenbook.xlsx" for e in error.errors)
            return
        loaded = parsed.tables["assistance"]
        assert loaded.num_rows >= 1 and all(v is not None for v in loaded.column("fiscal_year").to_pylist())
