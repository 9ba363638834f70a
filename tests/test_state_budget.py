"""The State Department's budget tables: the real files, hand-made hostile ones, and planned against obligated."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerwatch.errors import PartnerWatchError
from partnerwatch.figures.budget import security_planned_and_obligated
from partnerwatch.figures.context import FigureContext
from partnerwatch.ingest import ingest
from partnerwatch.sources.state_budget.parse import account_code, parse_state_budget
from tests.conftest import table_snapshot
from tests.test_greenbook import _book as greenbook_workbook

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "state-budget"
HEADER = "Country ,Total,Total without GHCS-State,GHCS- USAID,GHCS- STATE,IMET,PKO,Other*,Fiscal Year\n"
# Africa = Mali + Niger + the wrapped TSCTP line; a bureau printed twice under two wrappings of its name.
LINES = (
    'TOTAL,"1,410","1,400",-,10,300,900,200,2013',
    'Africa,"1,200","1,190",-,10,300,890,-,2013',
    "Mali,110,100,-,10,100,-,-,2013",
    "Niger,200,200,-,-,200,-,-,2013",
    "Trans-Sahara Counter-Terrorism,,,,,,,,2013",
    "Partnership (TSCTP),890,890,-,-,-,890,-,2013",
    "Political-Military Affairs,200,200,-,-,-,-,200,2013",
    "Political-Military,,,,,,,,2013",
    "Affairs (PM),200,200,-,-,-,-,200,2013",
    ",,,,,,,,",
    "http://www.state.gov/documents/organization/224071.pdf,,,,,,,,",
)


def _file(path: Path, *lines: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_bytes((header + "".join(f"{line}\n" for line in lines)).encode(encoding))
    return path


def test_a_table_written_by_hand_is_read_line_by_line_account_by_account(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    result = ingest(store, "state-budget", _file(tmp_path / "STATE budget by country.13.csv", *LINES))
    assert result.rows == 7 * 5  # every printed account cell of the seven lines, '-' as 0
    got = store.execute(
        "SELECT DISTINCT source_row, line, line_kind, region, country_iso3, repeats_row, basis, document"
        " FROM state_budget ORDER BY source_row"
    ).fetchall()
    document = "http://www.state.gov/documents/organization/224071.pdf"
    assert got == [
        (2, "TOTAL", "total", None, None, None, "actual", document),
        (3, "Africa", "region", "Africa", None, None, "actual", document),
        (4, "Mali", "country", "Africa", "MLI", None, "actual", document),
        (5, "Niger", "country", "Africa", "NER", None, "actual", document),
        (6, "Trans-Sahara Counter-Terrorism Partnership (TSCTP)", "regional", "Africa", None, None, "actual", document),
        (8, "Political-Military Affairs", "other", None, None, None, "actual", document),
        (9, "Political-Military Affairs (PM)", "other", None, None, 8, "actual", document),
    ]
    mali = store.execute(
        "SELECT account, account_printed, amount_thousands, amount_usd FROM state_budget"
        " WHERE country_iso3 = 'MLI' ORDER BY account"
    ).fetchall()
    assert mali == [
        ("GHCS-STATE", "GHCS- STATE", 10, 10_000.0),
        ("GHCS-USAID", "GHCS- USAID", 0, 0.0),
        ("IMET", "IMET", 100, 100_000.0),
        ("Other", "Other*", 0, 0.0),
        ("PKO", "PKO", 0, 0.0),
    ]
    assert any("1 line repeat the line above" in w for w in result.warnings)
    again = ingest(store, "state-budget", tmp_path / "STATE budget by country.13.csv")
    assert again.unchanged and store.execute("SELECT count(*) FROM state_budget").fetchone() == (35,)


@pytest.mark.parametrize(
    ("printed", "normalised"),
    [("GHCS- USAID", "GHCS-USAID"), ("GHP USAID", "GHP-USAID"), ("GHCS-State", "GHCS-STATE"), ("PL 480", "P.L. 480")],
)
def test_account_spellings_of_different_years_are_one_code(printed: str, normalised: str) -> None:
    assert account_code(printed) == normalised and account_code("Other**") == "Other"


@pytest.mark.parametrize(
    ("replace", "by", "first_error"),
    [
        ("Mali,110,100,-,10,100", "Mali,120,110,-,10,100", "STATE budget by country.13.csv:4:Total: total-mismatch:"),
        ("Mali,110,100,-,10", "Mali,110,105,-,10", "STATE budget by country.13.csv:4:Total without GHCS-State:"),
        ("Niger,200,200,-,-,200", "Niger,200,200,-,-,2OO", "STATE budget by country.13.csv:5:IMET: bad-number: '2OO'"),
        ("Niger,200,200,-,-,200,-,-,2013", "Niger,200,200,-,-,200,-,-,13", "STATE budget by country.13.csv:5:Fiscal"),
        ("Niger,200,200,-,-,200,-,-,2013", "Niger,200,200,-,-,200,-,-,2014", "STATE budget by country.13.csv:"),
        ("Niger,200,200,-,-,200,-,-,2013", "Niger,200,200,-,-,200,-,2013", "STATE budget by country.13.csv:5: bad-row"),
        ("Mali,110,100,-,10,100,-,-,2013", "Mali,110,100,-,10,100,-,-,2013\nMali,1,1,-,-,1,-,-,2013", ":5:Country:"),
    ],
)
def test_a_bad_table_is_refused_with_its_line_and_field(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, replace: str, by: str, first_error: str
) -> None:
    lines = [line.replace(replace, by) for line in LINES]
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "state-budget", _file(tmp_path / "STATE budget by country.13.csv", *lines))
    assert first_error in str(caught.value.errors[0]), str(caught.value.errors[0])
    assert table_snapshot(store) == before


def test_a_region_whose_lines_do_not_add_up_is_refused_unless_accepted(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    wrong = 'Africa,"1,300","1,290",-,10,300,990'  # the region's accounts add up; its lines do not
    lines = [line.replace('Africa,"1,200","1,190",-,10,300,890', wrong) for line in LINES]
    path = _file(tmp_path / "STATE budget by country.13.csv", *lines)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "state-budget", path)
    error = caught.value.errors[0]
    assert (error.code, error.row, error.field) == ("total-mismatch", 3, "Total")
    assert "the lines under 'Africa' add up to 1,400 thousand by the end of the table, the region prints 1,300" in str(
        error
    )
    accepted = ingest(store, "state-budget", path, allow_mismatch=True)
    assert accepted.rows == 35
    assert store.execute("SELECT code FROM snapshot_issues").fetchall() == [("total-mismatch",)]


def test_an_unknown_name_under_a_region_is_kept_as_a_regional_line_and_named(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lines = [line.replace("Niger,", "Atlantis,") for line in LINES]
    result = ingest(store, "state-budget", _file(tmp_path / "STATE budget by country.13.csv", *lines))
    assert any("neither a country in the crosswalk nor named regional: Atlantis" in w for w in result.warnings)
    kind = store.execute("SELECT DISTINCT line_kind, region FROM state_budget WHERE line = 'Atlantis'").fetchall()
    assert kind == [("regional", "Africa")]


def test_windows_1252_text_and_a_year_without_a_known_basis(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    women = "S/GWI - Women\u2019s Issues,"
    lines = [line.replace("2013", "2019").replace("Political-Military Affairs,", women) for line in LINES]
    result = ingest(store, "state-budget", _file(tmp_path / "b.csv", *lines, encoding="cp1252"))
    assert any("whether FY2019 is actual or requested is not known" in w for w in result.warnings)
    got = store.execute("SELECT DISTINCT line, basis FROM state_budget WHERE line LIKE 'S/GWI%'").fetchall()
    assert got == [("S/GWI - Women\u2019s Issues", None)]


def test_a_file_that_is_not_a_budget_table(tmp_path: Path) -> None:
    with pytest.raises(PartnerWatchError) as caught:
        parse_state_budget(_file(tmp_path / "x.csv", "a,b", header="Name,Value\n"))
    assert caught.value.errors[0].code == "missing-column"
    with pytest.raises(PartnerWatchError) as caught:
        parse_state_budget(_file(tmp_path / "y.csv", "Mali,,,,,,,,2013"))
    assert caught.value.errors[0].code == "empty-file"


@settings(max_examples=int(os.environ.get("PARTNERWATCH_EXAMPLES", "25")), deadline=None)
@given(cells=st.lists(st.lists(st.text(max_size=8), min_size=9, max_size=9), max_size=6))
def test_any_cells_give_rows_or_coded_errors(cells: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            fh.write(HEADER)
            csv.writer(fh).writerows(cells)
        try:
            parsed = parse_state_budget(path)
        except PartnerWatchError as exc:
            assert exc.errors and all(e.code for e in exc.errors)
        else:
            assert parsed.tables["state_budget"].num_rows > 0


@pytest.mark.skipif(not DATA.is_dir(), reason="the shared corpus is not beside the repository")
def test_every_shared_budget_table_loads_and_every_region_adds_up(store: duckdb.DuckDBPyConnection) -> None:
    files = sorted(DATA.glob("STATE budget by country.*.csv"))
    assert len(files) == 10
    for path in files:
        result = ingest(store, "state-budget", path)  # a region or line that does not add up would be refused
        assert result.rows > 2_900, path.name
    years = store.execute(
        "SELECT fiscal_year, basis, count(DISTINCT source_row) FILTER (WHERE line_kind = 'country'),"
        " count(DISTINCT source_row) FILTER (WHERE repeats_row IS NOT NULL) FROM state_budget GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert [y[0] for y in years] == list(range(2008, 2018))
    assert {y[0]: y[1] for y in years}[2016] == "request" and {y[0]: y[1] for y in years}[2015] == "actual"
    assert [y[2] for y in years] == [152, 150, 149, 147, 143, 143, 142, 143, 143, 144]
    assert [y[3] for y in years] == [17, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    mali = store.execute(
        "SELECT fiscal_year, account, amount_thousands FROM state_budget WHERE country_iso3 = 'MLI'"
        " AND account IN ('PKO', 'IMET', 'NADR') AND amount_thousands <> 0 ORDER BY 1, 2"
    ).fetchall()
    assert mali == [
        (2008, "IMET", 285),
        (2009, "IMET", 306),
        (2010, "IMET", 330),
        (2011, "IMET", 397),
        (2012, "IMET", 69),
        (2013, "PKO", 19_908),
        (2014, "IMET", 99),
        (2014, "PKO", 2_720),
        (2015, "IMET", 409),
        (2015, "PKO", 6_000),
        (2016, "IMET", 280),
        (2016, "NADR", 500),
        (2017, "IMET", 400),
        (2017, "NADR", 1_000),
    ]
    tsctp = store.execute(
        "SELECT DISTINCT fiscal_year, region FROM state_budget WHERE line LIKE 'Trans-Sahara%' ORDER BY 1"
    ).fetchall()
    # The Near East bureau's share of the partnership (the Maghreb); the Sahel's is in "State Africa Regional".
    assert tsctp[0] == (2009, "Near East") and len(tsctp) == 9 and {r[1] for r in tsctp} == {"Near East"}


def _greenbook(path: Path) -> Path:
    """A Greenbook by hand: Mali's FY2012-13 PKO and IMET obligations as the real workbook prints them."""
    pko, imet = "Peace Keeping Operations", "International Military Education and Training"
    rows: list[list[object]] = [
        [year, "Sub-Saharan Africa", "Mali", "Military", account, "State", account, amount, amount]
        for year, account, amount in ((2012, pko, 128_260_000), (2013, pko, 19_908_000), (2012, imet, 69_000))
    ]
    return greenbook_workbook(path, rows)


@pytest.mark.skipif(not DATA.is_dir(), reason="the shared corpus is not beside the repository")
def test_planned_against_obligated_keeps_actuals_and_requests_apart(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    for year in ("12", "13", "16"):
        ingest(store, "state-budget", DATA / f"STATE budget by country.{year}.csv")
    without = security_planned_and_obligated(FigureContext.for_store(store, "MLI"))
    assert {r["obligated_usd"] for r in without.rows} == {None}
    assert "No account-level obligations are loaded for these years." in without.method
    ingest(store, "greenbook", _greenbook(tmp_path / "us_foreignaid_greenbook.xlsx"))
    figure = security_planned_and_obligated(FigureContext.for_store(store, "MLI"))
    assert figure.period == "FY2012–FY2016" and figure.topic == "security_planned_and_obligated"
    got = [(r["fiscal_year"], r["account"], r["basis"], r["planned_usd"], r["obligated_usd"]) for r in figure.rows]
    assert got == [
        (2012, "IMET", "actual", 69_000.0, 69_000.0),
        (2012, "PKO", "actual", 0.0, 128_260_000.0),
        (2013, "PKO", "actual", 19_908_000.0, 19_908_000.0),
        (2016, "IMET", "request", 280_000.0, None),
        (2016, "NADR", "request", 500_000.0, None),
    ]
    assert "No account-level obligations are loaded for FY2016." in figure.method
    assert {s.source for s in figure.sources} == {"state-budget", "greenbook"}
    empty = security_planned_and_obligated(FigureContext.for_store(store, "NOR"))
    assert empty.unavailable == "no State Department budget tables loaded for this country"
