"""UN peacekeeping contributions: what the yearly file's numbers are, and the figure that leaves out partial years."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerwatch.errors import PartnerWatchError
from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import FigureContext
from partnerwatch.ingest import ingest
from partnerwatch.sources.un_peacekeeping.parse import parse_un_peacekeeping
from tests.conftest import table_snapshot

HEADER = '"","Year","Country","Mission","Female","Male","Total"\n'


def _file(path: Path, *lines: str) -> Path:
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_a_file_written_by_hand_keeps_every_column_as_printed(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _file(
        tmp_path / "CountryByYear.csv",
        '"1",2020,"Niger","MINUSMA",40,930,969',  # 40 + 930 = 970: rounded column by column
        '"2",2020,"Republic of Korea","UNIFIL",10,550,560',
        '"3",2020,"Niger","UNMISS",0,0,0',
    )
    result = ingest(store, "un-peacekeeping", path)
    assert result.rows == 3
    assert result.warnings == [
        "CountryByYear.csv: in 1 rows female + male differs from the total (the file's yearly figures are rounded"
        " column by column); figures use the total"
    ]
    got = store.execute("SELECT country_iso3, mission, female, male, total FROM peacekeeping ORDER BY source_row")
    assert got.fetchall() == [
        ("NER", "MINUSMA", 40, 930, 969),
        ("KOR", "UNIFIL", 10, 550, 560),
        ("NER", "UNMISS", 0, 0, 0),
    ]


@pytest.mark.parametrize(
    ("line", "first_error"),
    [
        ('"1",2020,"Atlantis","MINUSMA",0,1,1', "CountryByYear.csv:2:Country: unknown-country: 'Atlantis'"),
        ('"1",2020,"World","MINUSMA",0,1,1', "CountryByYear.csv:2:Country: not-a-country:"),
        ('"1",2020,"Niger","MINUSMA",0,1,-1', "CountryByYear.csv:2:Total: bad-number: '-1' is below 0"),
        (
            '"1",2020,"Niger","MINUSMA",0,1,"many"',
            "CountryByYear.csv:2:Total: bad-number: 'many' is not a whole number",
        ),
        ('"1",20,"Niger","MINUSMA",0,1,1', "CountryByYear.csv:2:Year: bad-date: '20' is not a year"),
        ('"1",2020,"Niger","",0,1,1', "CountryByYear.csv:2:Mission: missing-value: no mission"),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_field(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, line: str, first_error: str
) -> None:
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "un-peacekeeping", _file(tmp_path / "CountryByYear.csv", line))
    assert str(caught.value.errors[0]).startswith(first_error), str(caught.value.errors[0])
    assert table_snapshot(store) == before


def test_the_same_country_year_and_mission_twice_is_refused(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _file(tmp_path / "CountryByYear.csv", '"1",2020,"Niger","MINUSMA",0,1,1', '"2",2020,"Niger","MINUSMA",0,2,2')
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "un-peacekeeping", path)
    assert caught.value.errors[0].code == "duplicate-row" and caught.value.errors[0].row == 3


@settings(max_examples=int(os.environ.get("PARTNERWATCH_EXAMPLES", "0")) or 40, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.sampled_from(['"1"', "2020", '"Niger"', '"MINUSMA"', "0", "-3", "1e9", "", "٣"]),
                st.text(max_size=10),
            ),
            min_size=0,
            max_size=9,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_rows_give_rows_or_coded_errors(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "CountryByYear.csv"
        path.write_text(HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8", errors="replace")
        try:
            parsed = parse_un_peacekeeping(path)
        except PartnerWatchError as error:
            assert all(e.code and e.file == "CountryByYear.csv" for e in error.errors)
            return
        assert all(t is not None and t >= 0 for t in parsed.tables["peacekeeping"].column("total").to_pylist())


@pytest.mark.shared_data
def test_the_real_file_its_partial_years_and_the_figure(store: duckdb.DuckDBPyConnection, shared_data: Path) -> None:
    folder = shared_data / "un-peacekeeping"
    result = ingest(store, "un-peacekeeping", folder / "CountryByYear.csv")
    assert result.rows == 57_425
    assert any("in 900 rows female + male differs" in w for w in result.warnings)
    assert any("the worldwide totals of 2010, 2012, 2017, 2021 are far below" in w for w in result.warnings)
    # A yearly figure is the months' sum over twelve: Rwanda's 2021 is its January 2021 contribution / 12.
    rwanda_2021 = store.execute("SELECT sum(total) FROM peacekeeping WHERE country_iso3 = 'RWA' AND year = 2021")
    january = next(
        line for line in (folder / "Rank.csv").read_text(encoding="utf-8-sig").splitlines() if "Rwanda" in line
    )
    (total,) = rwanda_2021.fetchone() or (0,)
    assert abs(total - int(january.split(",")[6]) / 12) < 1  # 531 against 6,378 / 12 = 531.5
    figure = next(
        f
        for f in computed_figures(FigureContext.for_store(store, "NER"))
        if f.topic == "peacekeeping_contributions_by_year"
    )
    years = sorted({int(str(r["year"])) for r in figure.rows})
    assert years == [2011, 2013, 2014, 2015, 2016, 2018, 2019, 2020]  # 2012, 2017 and 2021 left out, and said
    assert (figure.value, figure.item) == (977.0, "2020")
    assert "Left out as incomplete: 2010, 2012, 2017 and 2021" in figure.method
