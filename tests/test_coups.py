"""Powell & Thyne's coups: the real file, hand-made hostile ones, and coups in every country's factsheet."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerwatch.errors import PartnerWatchError
from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import FigureContext
from partnerwatch.ingest import ingest, load_bundled
from partnerwatch.publish.factsheet import build_factsheet
from partnerwatch.sources.coups.parse import parse_coups
from tests.conftest import table_snapshot

HEADER = "country\tccode\tccode_gw\tccode_polity\tyear\tmonth\tday\tcoup\tversion\r\n"


def _file(path: Path, *lines: str) -> Path:
    path.write_text(HEADER + "".join(line + "\r\n" for line in lines), encoding="utf-8")
    return path


def test_a_coups_file_written_by_hand_keeps_each_date_to_its_precision(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _file(
        tmp_path / "coups.txt",
        '"Niger"\t436\t\t\t2023\t7\t26\t2\t"V2023.09.08"',
        '"Niger"\t436\t\t\t2021\t3\t\t1\t"V2023.09.08"',  # no day: an event of March 2021
        '"Republic of Vietnam"\t817\t\t\t1963\t11\t1\t2\t"V2023.09.08"',
    )
    assert ingest(store, "coups", path).rows == 3
    got = store.execute(
        "SELECT country_iso3, date, date_precision, day, outcome, version FROM coups ORDER BY date"
    ).fetchall()
    assert got == [
        ("XSV", date(1963, 11, 1), "day", 1, "successful", "V2023.09.08"),
        ("NER", date(2021, 3, 1), "month", None, "failed", "V2023.09.08"),
        ("NER", date(2023, 7, 26), "day", 26, "successful", "V2023.09.08"),
    ]
    assert store.execute("SELECT release FROM snapshots WHERE source = 'coups'").fetchone() == ("V2023.09.08",)


@pytest.mark.parametrize(
    ("case", "line", "first_error"),
    [
        ("outcome", '"Mali"\t432\t\t\t2012\t3\t22\t3\t"V1"', "coups.txt:2:coup: bad-value: '3' is not 1 (failed)"),
        ("no_such_day", '"Mali"\t432\t\t\t2012\t2\t30\t2\t"V1"', "coups.txt:2:day: bad-date: 2012-02-30 is not a date"),
        ("day_no_month", '"Mali"\t432\t\t\t2012\t\t22\t2\t"V1"', "coups.txt:2:month: bad-date: a day without a month"),
        ("country", '"Atlantis"\t999\t\t\t2012\t3\t22\t2\t"V1"', "coups.txt:2:country: unknown-country: 'Atlantis'"),
        ("month", '"Mali"\t432\t\t\t2012\t13\t22\t2\t"V1"', "coups.txt:2:month: bad-number: '13' is larger than 12"),
        ("year", '"Mali"\t432\t\t\t12\t3\t22\t2\t"V1"', "coups.txt:2:year: bad-date: '12' is not a year"),
        ("future", '"Mali"\t432\t\t\t2099\t3\t22\t2\t"V1"', "coups.txt:2:year: bad-date:"),
    ],
)
def test_a_bad_coups_file_is_refused_with_its_line_and_field(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, case: str, line: str, first_error: str
) -> None:
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "coups", _file(tmp_path / "coups.txt", line))
    assert str(caught.value.errors[0]).startswith(first_error), (case, str(caught.value.errors[0]))
    assert table_snapshot(store) == before


def test_a_comma_separated_file_is_not_this_format(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "coups.txt"
    path.write_text("country,ccode,year,month,day,coup,version\nMali,432,2012,3,22,2,V1\n", encoding="utf-8")
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "coups", path)
    assert caught.value.errors[0].code == "not-this-format"


@settings(max_examples=int(os.environ.get("PARTNERWATCH_EXAMPLES", "0")) or 40, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.sampled_from(['"Mali"', "Niger", "432", "2012", "3", "22", "2", "1", "", '"V1"', "-1", "٣"]),
                st.text(max_size=12),
            ),
            min_size=0,
            max_size=11,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_rows_give_rows_or_coded_errors(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "coups.txt"
        path.write_text(HEADER + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8", errors="replace")
        try:
            parsed = parse_coups(path)
        except PartnerWatchError as error:
            assert all(e.code and e.file == "coups.txt" for e in error.errors)
            return
        assert all(d is not None for d in parsed.tables["coups"].column("date").to_pylist())


@pytest.mark.shared_data
def test_every_country_gets_its_coups_and_the_partnership_question_answered(
    store: duckdb.DuckDBPyConnection, shared_data: Path
) -> None:
    load_bundled(store)
    assert ingest(store, "coups", shared_data / "coups" / "powell_thyne_coups_final.txt").rows == 491
    ingest(store, "fmtr", shared_data / "fmtr" / "FY2009_Africa.pdf", allow_mismatch=True)
    ingest(store, "fmtr", shared_data / "fmtr" / "FY2011_Africa.pdf", allow_mismatch=True)
    burkina = build_factsheet(store, "BFA")
    status = next(s for s in burkina.sections if s.title.startswith("Partnership status"))
    coups = [(r.fields["date"], r.fields["title"]) for r in status.records]
    assert coups == [
        (date(2014, 10, 30), "Successful coup"),
        (date(2015, 9, 17), "Failed coup attempt"),
        (date(2022, 1, 23), "Successful coup"),
        (date(2022, 9, 30), "Successful coup"),
    ]
    assert all(r.source.source == "coups" and "Powell" in r.source.citation for r in status.records)
    lead = status.sentences[0].text
    assert lead.startswith(
        "The timeline records three successful coups in Burkina Faso since 2001: 30 October 2014, 23 January 2022"
        " and 30 September 2022, and one failed attempt."
    )
    assert "the State Department's determination" in lead
    # Mali: the published timeline's three coups are not doubled by the file's.
    mali = build_factsheet(store, "MLI")
    mali_status = next(s for s in mali.sections if s.title.startswith("Partnership status"))
    mali_coups = [r for r in mali_status.records if r.fields["kind"] == "coup"]
    assert [(r.fields["date"], r.source.source) for r in mali_coups] == [
        (date(2012, 3, 1), "curated"),
        (date(2012, 5, 1), "coups"),  # the failed counter-coup, which the published factsheet does not list
        (date(2020, 8, 18), "curated"),
        (date(2021, 6, 1), "curated"),
    ]
    # Niger: the 2010 coup gets its window, with FY2009 and FY2011 reports loaded and FY2010 not.
    effect = next(
        f for f in computed_figures(FigureContext.for_store(store, "NER")) if f.topic == "restrictions_effect"
    )
    coup_2010 = next(r for r in effect.rows if r["when"] == "18 February 2010")
    assert (coup_2010["years_before"], coup_2010["years_after"]) == (
        "FY2009 (FY2007–08 not loaded)",
        "FY2011 (FY2012–13 not loaded)",
    )
    assert int(str(coup_2010["trainees_before"])) > 0 and int(str(coup_2010["trainees_after"])) > 0
