from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.export import read_table
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.training import report_years, trainees_by_account, trainees_by_year
from partnerwatch.ingest import ingest
from partnerwatch.sources.fmtr import parse_fmtr, parse_fmtr_pdf
from partnerwatch.sources.fmtr.layout import distribute
from partnerwatch.sources.fmtr.parse import search_form
from tests.conftest import table_snapshot
from tests.pdfmaker import Text, make_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None and os.environ.get("CI") != "true",
    reason="poppler's pdftotext is not installed",
)

# Column left edges of the FY2014-FY2020 layout, in points.
X = {
    "title": 23.4,
    "qty": 203.4,
    "loc": 239.4,
    "unit": 365.5,
    "us": 491.5,
    "cost": 617.5,
    "start": 671.5,
    "end": 725.5,
}
HEADER = [
    ("title", "Course Title"),
    ("qty", "Qty"),
    ("loc", "Training Location"),
    ("unit", "Student's Unit"),
    ("us", "US Unit"),
    ("cost", "Total Cost"),
    ("start", "Start Date"),
    ("end", "End Date"),
]
BODY = 7.0
STEP = 9.0


def _line(top: float, cells: dict[str, str]) -> list[Text]:
    return [Text(X[c], top, BODY, text) for c, text in cells.items() if text]


def _row(top: float, cells: dict[str, str | list[str]]) -> tuple[list[Text], float]:
    """A row whose multi-line cells are centred on the row's line; returns texts and next top."""
    height = max(len(v) if isinstance(v, list) else 1 for v in cells.values())
    anchor = top + (height - 1) * STEP / 2
    texts: list[Text] = []
    for column, value in cells.items():
        parts = value if isinstance(value, list) else [value]
        first = anchor - (len(parts) - 1) * STEP / 2
        texts += [Text(X[column], first + i * STEP, BODY, p) for i, p in enumerate(parts) if p]
    return texts, top + height * STEP + 2


def report(program_total: str = "$3,512.50", qty_total: str = "7", region: str = "Africa") -> bytes:
    """Two pages of an FMTR-shaped report for Mali: wrapped cells, a table across a page break."""
    run = f"Volume I - Section IV - Part IV-I - {region}"
    page1 = [
        Text(343, 19, 5, run),
        Text(18, 48, 14, "Mali"),
        Text(18, 67, BODY, "IMET-1 - Fiscal Year 2019 Department of State Training"),
    ]
    page1 += _line(80, dict(HEADER))
    top = 90.0
    rows: list[dict[str, str | list[str]]] = [
        {
            "title": "Basic Officer Course",
            "qty": "2",
            "loc": "Ft. Benning, GA, US",
            "unit": "Army",
            "us": "N/A",
            "cost": "$1,000",
            "start": "10/1/2018",
            "end": "12/14/2018",
        },
        {
            "title": "Legal Aspects Of Combating Terrorism",
            "qty": "1",
            "loc": "Newport, RI, US",
            "unit": "Gendarmerie",
            "us": ["Defense Institute Of International Legal", "Studies (DIILS)"],
            "cost": "$2,500.50",
            "start": "3/18/2019",
            "end": "4/4/2019",
        },
        {
            "title": ["American Language Course", "General English Training", "Only"],
            "qty": "1",
            "loc": "Lackland AFB, TX, US",
            "unit": "N/A",
            "us": "-",
            "cost": "12",
            "start": "N/A",
            "end": "N/A",
        },
    ]
    for cells in rows:
        texts, top = _row(top, cells)
        page1 += texts
    page1 += [Text(343, 579, 5, run), Text(394, 587, 5, "1")]
    page2 = [Text(343, 19, 5, run)] + _line(40, dict(HEADER))
    top = 50.0
    texts, top = _row(
        top,
        {
            "title": "Squadron Officer School",
            "qty": "3",
            "loc": "Maxwell AFB, AL, US",
            "unit": ["National", "Gendarmerie"],
            "us": "Maxwell AFB, AL",
            "cost": "$0",
            "start": "11/5/2018",
            "end": "12/21/2018",
        },
    )
    page2 += texts
    page2 += _line(top, {"title": "Fiscal Year 2019 Program Totals", "qty": qty_total, "cost": program_total})
    page2 += _line(top + 15, {"title": "Mali Fiscal Year 2019 Totals", "qty": "7", "cost": "$3,512.50"})
    page2 += [Text(343, 579, 5, run), Text(394, 587, 5, "2")]
    return make_pdf([page1, page2])


@pytest.fixture
def small_report(tmp_path: Path) -> Path:
    path = tmp_path / "FY2019_small.pdf"
    path.write_bytes(report())
    return path


def test_a_fiscal_year_in_two_loaded_reports_is_counted_once(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    (tmp_path / "africa.pdf").write_bytes(report())
    (tmp_path / "all.pdf").write_bytes(report(region="All Regions"))
    ingest(store, "fmtr", tmp_path / "africa.pdf")
    ingest(store, "fmtr", tmp_path / "all.pdf")
    live = store.execute("SELECT scope FROM snapshots WHERE source = 'fmtr' AND superseded_by IS NULL ORDER BY id")
    assert live.fetchall() == [("FY2019 Africa",), ("FY2019 All Regions",)]
    assert store.execute("SELECT sum(quantity) FROM training WHERE country_iso3 = 'MLI'").fetchone() == (14,)
    ctx = FigureContext.for_store(store, "MLI", (2019, 2019))
    figure = trainees_by_account(ctx)
    assert figure.value == 7  # one report per country and year, never both
    assert [s.source for s in figure.sources] == ["fmtr"] and len(figure.sources) == 1
    assert report_years(ctx) == [2019]


def test_distribute_balances_centred_cells() -> None:
    # A five-line cell centred on 10, then a one-line row at 46: nearest-anchor would steal "a5".
    five = [(-8.0, "a1"), (1.0, "a2"), (10.0, "a3"), (19.0, "a4"), (28.0, "a5")]
    assert distribute([10.0, 46.0], [*five, (46.0, "b")]) == [["a1", "a2", "a3", "a4", "a5"], ["b"]]
    # The other way round: the five-line cell's upper lines sit closer to the one-line row.
    after = [(18.0, "a1"), (27.0, "a2"), (36.0, "a3"), (45.0, "a4"), (54.0, "a5")]
    assert distribute([0.0, 36.0], [(0.0, "b"), *after]) == [["b"], ["a1", "a2", "a3", "a4", "a5"]]
    # Two-line cells straddle their anchor: one line above, one below.
    assert distribute([10.0, 30.0], [(5.5, "x1"), (14.5, "x2"), (25.5, "y1"), (34.5, "y2")]) == [
        ["x1", "x2"],
        ["y1", "y2"],
    ]


def test_small_report_parses_wrapped_cells_across_pages(small_report: Path) -> None:
    parsed = parse_fmtr_pdf(small_report)
    rows = parsed.tables["training"].to_pylist()
    assert [r["course_title"] for r in rows] == [
        "Basic Officer Course",
        "Legal Aspects Of Combating Terrorism",
        "American Language Course General English Training Only",
        "Squadron Officer School",
    ]
    assert rows[1]["us_unit"] == "Defense Institute Of International Legal Studies (DIILS)"
    assert rows[1]["total_cost_usd"] == 2500.5
    assert rows[2]["start_date"] is None and rows[2]["us_unit"] is None and rows[2]["student_unit"] is None
    assert rows[3]["student_unit"] == "National Gendarmerie" and rows[3]["page"] == 2
    assert rows[0]["start_date"] == date(2018, 10, 1)
    assert {(r["country_iso3"], r["fiscal_year"], r["program"], r["department"], r["account"]) for r in rows} == {
        ("MLI", 2019, "IMET-1", "DoS", "International Military Education and Training")
    }
    totals = parsed.tables["training_totals"].to_pylist()
    assert [(t["level"], t["printed_quantity"], t["parsed_quantity"], t["matches"]) for t in totals] == [
        ("program", 7, 7, True),
        ("country", 7, 7, True),
    ]
    assert parsed.mismatches == []
    assert parsed.scope == "FY2019 Africa"


def test_mismatch_refuses_the_file_unless_allowed(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "FY2019_wrong.pdf"
    path.write_bytes(report(program_total="$3,600", qty_total="8"))
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "fmtr", path)
    assert [str(e) for e in caught.value.errors] == [
        "FY2019_wrong.pdf:p.2:IMET-1: total-mismatch: Mali FY2019 program IMET-1: printed 8 trainees /"
        " $3,600.00, parsed 7 / $3,512.50 from 4 rows"
    ]
    assert table_snapshot(store) == before
    result = ingest(store, "fmtr", path, allow_mismatch=True)
    assert result.issues == 1
    issue = store.execute("SELECT code, page, field FROM snapshot_issues").fetchall()
    assert issue == [("total-mismatch", 2, "IMET-1")]
    assert store.execute("SELECT count(*) FROM training_totals WHERE NOT matches").fetchall() == [(1,)]


def test_not_an_fmtr_report(tmp_path: Path) -> None:
    other = tmp_path / "letter.pdf"
    other.write_bytes(make_pdf([[Text(72, 72, 12, "Dear colleague, this is not a training report.")]]))
    with pytest.raises(PartnerWatchError) as caught:
        parse_fmtr_pdf(other)
    assert caught.value.errors[0].code == "not-this-format"
    assert str(caught.value.errors[0]).startswith("letter.pdf:p.1: not-this-format: no FMTR program tables")
    fake = tmp_path / "table.pdf"
    fake.write_text("Course Title,Qty\n", encoding="utf-8")
    with pytest.raises(PartnerWatchError, match="table.pdf:p.1: not-this-format: not a PDF file"):
        parse_fmtr_pdf(fake)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00" * 64)
    with pytest.raises(PartnerWatchError) as unreadable:
        parse_fmtr_pdf(broken)
    assert unreadable.value.errors[0].code == "not-this-format"


def test_missing_poppler_is_a_coded_error(small_report: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("partnerwatch.sources.fmtr.extract.PDFTOTEXT", "pdftotext-not-installed")
    with pytest.raises(PartnerWatchError) as caught:
        parse_fmtr_pdf(small_report)
    assert caught.value.errors[0].code == "missing-dependency"
    assert "apt install poppler-utils" in caught.value.errors[0].message


# Per file: countries with a printed totals line, how many reconcile, and Mali's printed totals.
EXPECTED = {
    "FY2007": (44, 44, (430, 911635.0)),
    "FY2008": (47, 47, (175, 1023106.0)),
    "FY2009": (46, 46, (66, 1045364.0)),
    "FY2010": (45, 45, (273, 980934.0)),
    "FY2011": (46, 46, (331, 1304049.0)),
    "FY2012": (47, 47, (38, 625110.0)),
    "FY2013": (42, 42, None),
    "FY2014": (43, 43, (70, 89095.0)),
    "FY2015": (44, 44, (21, 227734.0)),
    "FY2016": (45, 45, (110, 974926.0)),
    "FY2019": (45, 44, (153, 2912471.0)),
    "FY2020": (44, 44, (203, 1526012.0)),
}


@pytest.mark.shared_data
@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_real_reports_reconcile(shared_data: Path, year: str) -> None:
    parsed = parse_fmtr_pdf(shared_data / "fmtr" / f"{year}_Africa.pdf")
    countries, reconciled, mali = EXPECTED[year]
    printed = [
        t
        for t in parsed.tables["training_totals"].to_pylist()
        if t["level"] == "country" and t["printed_quantity"] is not None
    ]
    assert len(printed) == countries
    assert sum(t["matches"] for t in printed) == reconciled
    mali_total = [(t["printed_quantity"], t["printed_cost_usd"]) for t in printed if t["country_iso3"] == "MLI"]
    assert mali_total == ([mali] if mali else [])
    if mali:
        rows = [r for r in parsed.tables["training"].to_pylist() if r["country_iso3"] == "MLI"]
        assert sum(r["quantity"] or 0 for r in rows) == mali[0]
        assert round(sum(r["total_cost_usd"] or 0 for r in rows), 2) == pytest.approx(mali[1], abs=1.0)
    assert parsed.tables["training"].column("country_iso3").null_count == 0


@pytest.mark.shared_data
def test_known_defects_of_the_shared_reports(shared_data: Path) -> None:
    """What the reports themselves break is reported, never papered over."""
    codes = {
        year: [
            (e.code, e.page, e.field) for e in parse_fmtr_pdf(shared_data / "fmtr" / f"{year}_Africa.pdf").mismatches
        ]
        for year in ("FY2007", "FY2016", "FY2019")
    }
    # FY2007 p.27 and FY2016 p.50: rows printed under a totals line, and a row printed broken, are read
    # (see the next test): both reports now reconcile.
    assert codes["FY2007"] == [] and codes["FY2016"] == []
    # FY2019 p.2: the page's text is drawn as outlines; Angola's end and Benin's start are lost.
    assert codes["FY2019"][0] == ("unreadable-page", 2, "")
    assert len(codes["FY2019"]) == 5


@pytest.mark.shared_data
def test_rows_the_reports_print_broken_are_read_and_marked(shared_data: Path) -> None:
    rows = parse_fmtr_pdf(shared_data / "fmtr" / "FY2016_Africa.pdf").tables["training"].to_pylist()
    niger = [r for r in rows if r["country_iso3"] == "NER" and r["page"] == 50]
    harris = [r for r in niger if r["course_title"] == "Harris Radio Training"]
    # p.50: one row in four fragments, its unit running on in the title column and its cost, U.S. unit and
    # start date printed two columns to the left; it no longer merges into the clean row below it.
    assert [(r["student_unit"], r["total_cost_usd"], str(r["start_date"]), r["end_date"]) for r in harris] == [
        ("246 IEME CSM 241 IEME CCAS BA 201 DCT", 147_478.0, "2016-04-04", None),
        ("246 IEME CSM, 241 IEME CCAS, BA 201, DCT", 152_551.0, "2016-04-04", date(2016, 4, 29)),
    ]
    assert harris[0]["repair"].startswith("printed broken over several lines") and harris[1]["repair"] is None
    # The row printed under Section 1206/2282's totals line: its place and dates show; trainees and cost
    # are what the printed totals leave over, marked as inferred.
    hidden = [r for r in niger if r["inferred"]]
    assert [(r["course_title"], r["location"], r["quantity"], r["total_cost_usd"]) for r in hidden] == [
        (None, "Niger", 0, 61_624.0)
    ]
    lesotho = [
        r
        for r in parse_fmtr_pdf(shared_data / "fmtr" / "FY2007_Africa.pdf").tables["training"].to_pylist()
        if r["inferred"]
    ]
    assert [(r["country_iso3"], r["page"]) for r in lesotho] == [("LSO", 27)]


@pytest.mark.shared_data
def test_a_row_printed_one_column_to_the_right_and_misprinted_dates(shared_data: Path) -> None:
    europe = parse_fmtr_pdf(shared_data / "fmtr" / "FY2016_Europe.pdf")
    shifted = [r for r in europe.tables["training"].to_pylist() if r["repair"] and r["page"] == 34]
    first = shifted[0]
    assert (first["course_title"], first["us_unit"], first["total_cost_usd"], str(first["start_date"])) == (
        "OCONUS Installation Support",
        "A1688",
        0.0,
        "2016-07-31",
    )
    assert first["end_date"] is None and (first["start_date_raw"], first["end_date_raw"]) == ("$0", "7/31/2016 9/30/20")
    assert "the end date cut off at the page's edge as '9/30/20'" in first["repair"]
    assert all(t["matches"] for t in europe.tables["training_totals"].to_pylist())
    africa = parse_fmtr_pdf(shared_data / "fmtr" / "FY2019_Africa.pdf")
    nursing = [r for r in africa.tables["training"].to_pylist() if r["start_date_raw"] == "2/18/2109"]
    assert len(nursing) == 3 and {r["start_date"] for r in nursing} == {None}
    assert any("p.78 start_date '2/18/2109'" in w for w in africa.warnings)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("report", "iso3", "region", "printed"),
    [
        ("FY2013_WesternHemisphere", "COL", "Western Hemisphere", None),
        ("FY2011_NearEast", "IRQ", "Near East", None),
        ("FY2015_EastAsiaandPacific", "PHL", "East Asia and Pacific", None),
        ("FY2019_Europe", "UKR", "Europe", None),
        ("FY2020_SouthCentralAsia", "AFG", "South Central Asia", None),
        ("FY2008_EastAsiaandPacific", "XIC", "East Asia and Pacific", (1, 4000.0)),  # the Indochina section
    ],
)
def test_every_region_reconciles(
    shared_data: Path, report: str, iso3: str, region: str, printed: tuple[int, float] | None
) -> None:
    parsed = parse_fmtr_pdf(shared_data / "fmtr" / f"{report}.pdf")
    totals = parsed.tables["training_totals"].to_pylist()
    assert parsed.mismatches == [] and all(t["matches"] for t in totals)
    country = [
        (t["printed_quantity"], t["printed_cost_usd"])
        for t in totals
        if t["level"] == "country" and t["country_iso3"] == iso3
    ]
    assert len(country) == 1 and (printed is None or country[0] == printed)
    rows = [r for r in parsed.tables["training"].to_pylist() if r["country_iso3"] == iso3]
    assert sum(r["quantity"] or 0 for r in rows) == country[0][0]
    assert {r["region"] for r in rows} == {region}


def test_search_text_mends_the_reports_wrong_letters() -> None:
    assert search_form("Forτas Armadas Angolanas") == "forcas armadas angolanas"
    assert search_form("Marine Corps Command, Bogotß") == "marine corps command, bogota"
    assert search_form("Delegaci≤n Policial de  Lima") == "delegacion policial de lima"
    assert search_form("1ᵒ BIR") == search_form("1º BIR") == "1o bir"


@pytest.mark.shared_data
def test_ingest_and_export_mali_training(shared_data: Path, store: duckdb.DuckDBPyConnection) -> None:
    ingest(store, "fmtr", shared_data / "fmtr" / "FY2008_Africa.pdf")
    ingest(store, "fmtr", shared_data / "fmtr" / "FY2019_Africa.pdf", allow_mismatch=True)
    assert ingest(store, "fmtr", shared_data / "fmtr" / "FY2008_Africa.pdf").unchanged
    data = read_table(store, "training", "MLI")
    assert data.num_rows == 73 + 98
    by_year = store.execute(
        "SELECT fiscal_year, sum(quantity), round(sum(total_cost_usd)) FROM training"
        " WHERE country_iso3 = 'MLI' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert by_year == [(2008, 175, 1023106.0), (2019, 153, 2912471.0)]


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("report", "iso3", "printed", "regions"),
    [
        ("FY2001_Africa", "BEN", (700, 651_638.0), {"Africa"}),
        ("FY2004_WesternHemisphere", "ATG", (94, 138_187.0), {"Western Hemisphere"}),
        ("FY2004_Africa", "XNS", (6, 0.0), set()),  # p.1: "Region, , DoD Regional Centers": no country named
        ("FY2005_AllRegions", "BWA", (68, 827_224.0), {"Africa"}),
    ],
)
def test_the_fy2001_to_fy2005_layout_reconciles(
    shared_data: Path, report: str, iso3: str, printed: tuple[int, float], regions: set[str]
) -> None:
    """One-line headings ("DoS Africa Region, Benin, IMET, FY 01"), centred labels, right-aligned counts."""
    parsed = parse_fmtr_pdf(shared_data / "fmtr" / f"{report}.pdf")
    totals = parsed.tables["training_totals"].to_pylist()
    assert parsed.mismatches == [] and all(t["matches"] for t in totals)
    country = [
        (t["printed_quantity"], t["printed_cost_usd"])
        for t in totals
        if t["level"] == "country" and t["country_iso3"] == iso3
    ]
    assert country == [printed]
    rows = [r for r in parsed.tables["training"].to_pylist() if r["country_iso3"] == iso3]
    assert sum(r["quantity"] or 0 for r in rows) == printed[0]
    assert {r["region"] for r in rows if r["region"]} == regions
    assert all(r["program_printed"] and r["fiscal_year"] == int(report[2:6]) for r in rows)


@pytest.mark.shared_data
def test_an_early_report_reads_its_wrapped_titles_and_two_digit_years(shared_data: Path) -> None:
    parsed = parse_fmtr_pdf(shared_data / "fmtr" / "FY2001_Africa.pdf")
    benin = [r for r in parsed.tables["training"].to_pylist() if r["country_iso3"] == "BEN"]
    met = next(r for r in benin if r["course_title"] == "MET REGIONAL DIILS")
    assert (met["quantity"], met["total_cost_usd"], met["start_date"], met["end_date_raw"]) == (
        45,
        32_329.0,
        date(2001, 7, 23),
        "7/27/01",
    )
    assert met["student_unit"].startswith("Navy (2), Air Force (2), National Gendarmerie (8)")
    assert met["program"] == "International Military Education and Training (IMET)" and met["department"] == "DoS"
    five = parse_fmtr_pdf(shared_data / "fmtr" / "FY2005_AllRegions.pdf")
    assert five.scope == ("FY2005 Africa, East Asia and Pacific, Europe, Near East, South Asia, Western Hemisphere")
    titles = {r["course_title"] for r in five.tables["training"].to_pylist() if r["country_iso3"] == "BWA"}
    assert "WHLD VEH MECH BNCOC - DL - RES" in titles and "METALWKR BNCOC DL - RESDNT" in titles


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("report", "iso3", "printed", "years"),
    [
        ("FY2006_Africa.html", "MLI", None, {2006}),
        ("FY2006_Africa.html", "BFA", None, {2006}),  # its section is headed "Benin" a second time
        ("FY2006_Western_Hemisphere.html", "COL", None, {2006}),
        ("FY1999_cta_af_a2gam.html", "BEN", None, {1999, 2000}),
        ("FY1999_cta_eur_alb2est.html", "ALB", None, {1999, 2000}),
    ],
)
def test_reports_published_as_web_pages_reconcile(
    shared_data: Path, report: str, iso3: str, printed: tuple[int, float] | None, years: set[int]
) -> None:
    parsed = parse_fmtr(shared_data / "fmtr" / report)
    totals = parsed.tables["training_totals"].to_pylist()
    assert parsed.mismatches == [] and all(t["matches"] for t in totals)
    country = [t for t in totals if t["level"] == "country" and t["country_iso3"] == iso3]
    assert len(country) == 1
    rows = [r for r in parsed.tables["training"].to_pylist() if r["country_iso3"] == iso3]
    assert sum(r["quantity"] or 0 for r in rows) == country[0]["printed_quantity"]
    assert {r["fiscal_year"] for r in rows} == years
    # Two-year reports total a country over both years: that total has no single fiscal year.
    assert country[0]["fiscal_year"] == (None if len(years) > 1 else 2006)


@pytest.mark.shared_data
def test_web_page_defects_are_named_and_parts_keep_their_own_scope(shared_data: Path, tmp_path: Path) -> None:
    africa = parse_fmtr(shared_data / "fmtr" / "FY2006_Africa.html")
    assert any(
        "headed 'Benin', a country already reported; its totals line names 'Burkina Faso'" in w for w in africa.warnings
    )
    burkina = [r for r in africa.tables["training"].to_pylist() if r["country_iso3"] == "BFA"]
    assert burkina and all(r["repair"] and r["country_printed"] == "Benin" for r in burkina)  # as printed
    parts = [
        parse_fmtr(shared_data / "fmtr" / f"FY1999_cta_af_{p}.html").scope for p in ("a2gam", "gha2rwa", "sao2zim")
    ]
    assert parts == [
        "FY1999-2000 Africa (Angola to Gambia)",
        "FY1999-2000 Africa (Ghana to Rwanda)",
        "FY1999-2000 Africa (Sao Tome And Principe to Zimbabwe)",  # as printed
    ]
    misprinted = tmp_path / "FY2006_Western_Hemisphere.html"  # the real page, one date misprinted
    text = (shared_data / "fmtr" / misprinted.name).read_bytes().decode("latin-1")
    misprinted.write_bytes(text.replace(">1/30/2006<", ">1/30/2106<", 1).encode("latin-1"))
    hemisphere = parse_fmtr(misprinted)
    warned = [w for w in hemisphere.warnings if "dates printed far outside FY2006" in w]
    assert len(warned) == 1 and re.search(r"\): table row \d+ start_date '1/30/2106'$", warned[0]), warned
    page = tmp_path / "page.html"
    page.write_text("<html><body><table><tr><td>x</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(PartnerWatchError) as caught:
        parse_fmtr(page)
    assert caught.value.errors[0].code == "not-this-format"


@pytest.mark.shared_data
def test_the_fy2000_report_reads_its_two_tables_a_page(shared_data: Path) -> None:
    """Two tables side by side, two fiscal years a program; the file stops inside Albania's first block."""
    parsed = parse_fmtr(shared_data / "fmtr" / "FY2000_Africa-EastAsiaPacific.pdf")
    assert parsed.scope == "FY2000-2001 Africa, East Asia and Pacific"
    assert [(e.code, e.page, e.field) for e in parsed.mismatches] == [
        ("total-mismatch", 32, "International Military Education and Training (IMET)")
    ]
    totals = parsed.tables["training_totals"].to_pylist()
    countries = [t for t in totals if t["level"] == "country"]
    assert len(countries) == 72 and all(t["matches"] for t in countries)
    angola = [t for t in countries if t["country_iso3"] == "AGO"]
    assert [(t["printed_quantity"], t["printed_cost_usd"], t["fiscal_year"]) for t in angola] == [(8, 31_032.0, None)]
    rows = [r for r in parsed.tables["training"].to_pylist() if r["country_iso3"] == "AGO"]
    assert sorted({r["fiscal_year"] for r in rows}) == [2000, 2001] and sum(r["quantity"] for r in rows) == 8
    korea = [r for r in parsed.tables["training"].to_pylist() if r["country_iso3"] == "KOR"]
    assert any(r["course_title"] == "KATUSA Training" and r["quantity"] == 1900 for r in korea)


@pytest.mark.shared_data
def test_a_two_year_reports_year_ahead_gives_way_to_that_years_own_report(
    shared_data: Path, store: duckdb.DuckDBPyConnection
) -> None:
    """FY2000 is in the FY1999 report (the year ahead) and the FY2000 report (done): counted from the latter."""
    ingest(store, "fmtr", shared_data / "fmtr" / "FY1999_cta_af_gha2rwa.html")
    ingest(store, "fmtr", shared_data / "fmtr" / "FY2000_Africa-EastAsiaPacific.pdf", allow_mismatch=True)
    stored = store.execute(
        "SELECT s.release, sum(t.quantity) FROM training t JOIN snapshots s ON s.id = t.snapshot_id"
        " WHERE t.country_iso3 = 'MLI' AND t.fiscal_year = 2000 GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert stored == [("FY1999-2000", 322), ("FY2000-2001", 301)]
    by_year = trainees_by_year(FigureContext.for_store(store, "MLI", (1999, 2001)))
    counted: dict[object, int] = {}
    for row in by_year.rows:
        counted[row["fiscal_year"]] = counted.get(row["fiscal_year"], 0) + int(str(row["trainees"]))
    assert counted == {1999: 274, 2000: 301, 2001: 858}


def test_many_reports_read_in_worker_processes_load_in_the_order_given(tmp_path: Path) -> None:
    from tests.test_cli import run

    (tmp_path / "africa.pdf").write_bytes(report())
    (tmp_path / "wrong.pdf").write_bytes(report(program_total="$3,600", qty_total="8"))
    (tmp_path / "all.pdf").write_bytes(report(region="All Regions"))
    (tmp_path / "empty.pdf").write_bytes(b"")
    files = [str(tmp_path / name) for name in ("africa.pdf", "wrong.pdf", "empty.pdf", "all.pdf")]
    parallel, serial = tmp_path / "parallel", tmp_path / "serial"
    result = run("ingest", "fmtr", "--jobs", "2", *files, home=parallel)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"{files[0]}: loaded 6 rows as snapshot 2.",
        f"{files[3]}: loaded 6 rows as snapshot 3.",
    ]
    assert "wrong.pdf:p.2:IMET-1: total-mismatch: Mali FY2019 program IMET-1: printed 8" in result.stderr
    assert f"{files[1]}: not loaded; the store is unchanged." in result.stderr
    assert f"empty.pdf: empty-file: the file is empty (0 bytes)\n{files[2]}: not loaded" in result.stderr
    assert len(list((parallel / "snapshots").iterdir())) == 3  # the curated dataset and the two loaded; no refused copy
    assert not list((parallel / "staging").iterdir())
    assert run("ingest", "fmtr", "--jobs", "1", *files, home=serial).returncode == 2
    query = "SELECT s.file_name, t.* EXCLUDE (snapshot_id) FROM training t JOIN snapshots s ON s.id = t.snapshot_id"
    rows = []
    for home in (parallel, serial):
        with duckdb.connect(str(home / "partnerwatch.duckdb"), read_only=True) as con:
            rows.append(sorted(map(str, con.execute(query).fetchall())))
    assert len(rows[0]) == 8 and rows[0] == rows[1]
    again = run("ingest", "fmtr", "--jobs", "2", files[0], files[3], home=parallel)
    assert again.returncode == 0
    assert again.stdout.splitlines() == [
        f"{files[0]}: already loaded as snapshot 2; nothing changed.",
        f"{files[3]}: already loaded as snapshot 3; nothing changed.",
    ]


@pytest.mark.shared_data
def test_the_whole_record_in_one_call_gives_colombia_and_mali_their_training_years(
    shared_data: Path, tmp_path: Path
) -> None:
    """Every shared report in one parallel ingest; the figures span FY1999-FY2020 where reports have them."""
    import json

    from tests.test_cli import run

    home = tmp_path / "record"
    files = sorted(str(p) for p in (shared_data / "fmtr").iterdir() if p.suffix in (".pdf", ".html"))
    loaded = run("ingest", "fmtr", "--allow-mismatch", "--jobs", "2", *files, home=home)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert len([line for line in loaded.stdout.splitlines() if ": loaded " in line]) == len(files) == 60

    def by_year(iso3: str, period: str) -> tuple[dict[str, Any], dict[int, int]]:
        shown = run("figures", iso3, "--period", period, "--json", home=home)
        assert shown.returncode == 0, shown.stderr
        figure = next(f for f in json.loads(shown.stdout) if f["topic"] == "trainees_by_year")
        years: dict[int, int] = {}
        for row in figure["rows"]:
            years[row["fiscal_year"]] = years.get(row["fiscal_year"], 0) + row["trainees"]
        return figure, years

    colombia, colombia_years = by_year("COL", "1999-2020")
    years = colombia_years
    assert colombia["period"] == "FY2004–FY2006, FY2008, FY2011, FY2013, FY2015–FY2016 and FY2019–FY2020"
    assert years == {
        2004: 8397, 2005: 10285, 2006: 1503, 2008: 1673, 2011: 2561,
        2013: 3453, 2015: 3296, 2016: 2238, 2019: 2514, 2020: 1430,
    }  # fmt: skip
    assert {s["release"] for s in colombia["sources"]} >= {"FY2004", "FY2005", "FY2020"}
    mali, years = by_year("MLI", "1999-2020")
    assert mali["period"] == "FY1999–FY2002, FY2004–FY2016 and FY2019–FY2020"
    assert (years[1999], years[2000], years[2001], years[2013] if 2013 in years else 0, years[2020]) == (
        274, 301, 919, 0, 203,
    )  # fmt: skip
    assert "No personnel in FY2013" in str(mali["method"])
    with duckdb.connect(str(home / "partnerwatch.duckdb"), read_only=True) as con:
        printed = dict(
            con.execute(
                "SELECT fiscal_year, printed_quantity FROM training_totals WHERE country_iso3 = 'COL'"
                " AND level = 'country' AND fiscal_year IS NOT NULL"
            ).fetchall()
        )
    assert printed == colombia_years  # every computed year is the report's printed country total
    default, _ = by_year("MLI", "2001-2021")
    assert "loaded but outside the period: FY1999–FY2000" in str(default["method"])
