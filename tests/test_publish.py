"""The factsheet formats looked at the way a reader would: pages, charts, tables, links."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from docx import Document
from PIL import Image

from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import FigureContext
from partnerwatch.ingest import ingest, load_bundled
from partnerwatch.publish import render
from partnerwatch.publish.factsheet import build_factsheet

DATA = Path(__file__).parent / "data"


@pytest.fixture
def mali(store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    load_bundled(store)
    ingest(store, "sipri-transfers", DATA / "sipri" / "register_small.csv")
    ingest(store, "acled", DATA / "acled" / "current_export.csv")
    ingest(store, "acled", DATA / "acled" / "old_taxonomy.csv")
    return store


def test_figures_carry_sources_or_say_why_not(mali: duckdb.DuckDBPyConnection) -> None:
    figures = computed_figures(FigureContext.for_store(mali, "MLI", (2001, 2022)))
    for figure in figures:
        assert figure.unavailable or figure.sources, figure.id
        assert bool(figure.unavailable) != bool(figure.rows or figure.value is not None), figure.id
    by_id = {f.id: f for f in figures}
    ranking = by_id["mli-arms-suppliers-2001-2022"]
    assert [(r["supplier_iso3"], r["tiv_millions"]) for r in ranking.rows] == [("RUS", 20.0), ("BGR", 2.0)]
    allies = by_id["mli-state-and-allies-civilian-fatalities-2001-2022"]
    assert (allies.value, allies.item) == (300.0, "2 events")  # Malian forces at Moura; GATIA, 0 killed
    assert "no ForeignAssistance.gov data" in by_id["mli-us-aid-by-year-2001-2022"].unavailable


def test_html_is_self_contained_with_accessible_charts(mali: duckdb.DuckDBPyConnection) -> None:
    html = render(build_factsheet(mali, "MLI", (2001, 2022)), "html").decode("utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)=["']https?:""", html)
    charts = re.findall(r'<svg role="img" aria-label="([^"]+)"', html)
    assert any(label.startswith("Arms suppliers ranked by delivered volume") for label in charts)
    assert any(label.startswith("Fatalities in civilian-targeting events") for label in charts)
    assert '<li id="n1">' in html and "Data notes" in html


def test_docx_has_headings_and_real_tables(mali: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "mali.docx"
    path.write_bytes(render(build_factsheet(mali, "MLI", (2001, 2022)), "docx"))
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "Civilian harm" in headings and "Data notes" in headings and "Legal obligations annex" in headings
    texts = [[cell.text for cell in table.rows[0].cells] for table in document.tables]
    assert ["Item", "Value"] in texts  # the published security-assistance table
    assert [
        "Rank",
        "Supplier",
        "SIPRI TIV (millions)",
        "Deliveries (orders × years)",
    ] in texts  # was "Supplier | Supplier"
    assert len(document.inline_shapes) >= 2  # charts as pictures
    alt = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert all(alt) and any(a.startswith("Arms suppliers ranked") for a in alt)  # alt text, not a caption
    captions = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Caption"]
    # The computed mark, as in every format; the note is a Word footnote, not a bracketed number.
    assert any(c.startswith("\u25c6 Source: SIPRI Arms Transfers Database. The data: table A") for c in captions)
    assert not any("values; the largest is" in c for c in captions)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
def test_pdf_pages_and_charts(mali: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "mali.pdf"
    path.write_bytes(render(build_factsheet(mali, "MLI", (2001, 2022)), "pdf"))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 10
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "page 2 of" in text and "Data vintage" in text
    chart_page = next(i for i, page in enumerate(text.split("\f")) if "Arms suppliers ranked by delivered" in page)
    with Image.open(images[chart_page]) as image:
        dark = sum(image.convert("L").histogram()[:200])
    assert dark > 500  # a drawn chart, not a blank page


def test_a_factsheet_lists_only_the_sources_of_its_own_country(mali: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Niger's factsheet used to list Mali's curated set, ACLED files and DTM rounds among its sources."""
    summary = tmp_path / "us_foreign_aid_country.csv"
    lines = (DATA / "foreignassistance" / "country_summary_small.csv").read_text(encoding="utf-8").splitlines()
    summary.write_text(
        "\n".join([lines[0], "NER,Niger,5,Sub-Saharan Africa,LIC,Low Income Country,2,Obligations,2019,1000,1000"])
        + "\n",
        encoding="utf-8",
    )
    loaded = ingest(mali, "foreignassistance", summary)
    sheet = build_factsheet(mali, "NER", (2001, 2022))
    assert [(sid, source) for sid, source, _c, _r, _s in sheet.snapshots] == [(loaded.snapshot_id, "foreignassistance")]
    assert sheet.source_lines() == [
        "ForeignAssistance.gov, U.S. Government foreign assistance data (Department of State and USAID)"
        f" (foreignassistance: snapshot {loaded.snapshot_id}, sha256 {sheet.snapshots[0][4][:12]}…)."
    ]
    assert "curated" not in sheet.vintage and "acled" not in sheet.vintage


def test_one_note_per_source_and_its_releases() -> None:
    from partnerwatch.figures.model import SourceRef
    from partnerwatch.publish.content import Notes

    notes = Notes()
    fmtr = [
        SourceRef(i, f"FMTR (release FY{y})", url="https://example.org", release=f"FY{y}")
        for i, y in ((37, 2008), (38, 2007), (39, 2007))
    ]
    assert notes.numbers(fmtr) == [1]
    assert notes.numbers([SourceRef(4, "ForeignAssistance.gov"), fmtr[0]]) == [2, 3]
    assert notes.texts == [
        "FMTR (releases FY2007, FY2008) <https://example.org>",
        "ForeignAssistance.gov",
        "FMTR (release FY2008) <https://example.org>",
    ]


def test_periods_are_what_the_data_cover(mali: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """ACLED events loaded for 2012 and 2022 are not '2001-2025'; IDMC's 2022 is not in a 2001-2021 factsheet."""
    from tests.test_intake import _idmc_workbook

    by_id = {f.id: f for f in computed_figures(FigureContext.for_store(mali, "MLI", (2001, 2025)))}
    harm = by_id["mli-civilian-fatalities-by-perpetrator-2001-2025"]
    assert harm.period == "2012–2022" and harm.label.endswith(", 2012–2022")
    assert harm.method.endswith("The ACLED events loaded cover 2012–2022 of the period asked for, 2001–2025.")
    book = _idmc_workbook(tmp_path / "idmc" / "IDMC_GIDD.xlsx", "24/09/2023", 326000)
    ingest(mali, "idmc", book)  # one row, 2022
    in_2022 = {f.topic: f for f in computed_figures(FigureContext.for_store(mali, "MLI", (2001, 2022)))}
    assert in_2022["idps_by_year"].value == 326000.0 and in_2022["idps_by_year"].item == "2022"
    up_to_2021 = {f.topic: f for f in computed_figures(FigureContext.for_store(mali, "MLI", (2001, 2021)))}
    assert up_to_2021["idps_by_year"].unavailable  # no IDMC year inside the period
    milex = [f for f in computed_figures(FigureContext.for_store(mali, "MLI", (2001, 2021))) if "milex" in f.id]
    assert all(f.unavailable for f in milex)  # none loaded: said so, never a period of no data


@pytest.mark.shared_data
def test_key_figures_give_one_number_per_concept(shared_data: Path, mali: duckdb.DuckDBPyConnection) -> None:
    """The computed trainees with the report years they rest on, the published 'about 10,000' only beside it."""
    ingest(mali, "fmtr", shared_data / "fmtr" / "FY2015_Africa.pdf")
    sheet = build_factsheet(mali, "MLI")
    key = next(s for s in sheet.sections if s.title == "Key figures")
    text = render(sheet, "md").decode("utf-8").split("## Key figures", 1)[1].split("\n## ", 1)[0]
    trained = [line for line in text.splitlines() if "trained" in line]
    assert len(trained) == 1, trained
    assert trained[0].startswith(
        "- \u25c6 Personnel trained by the U.S., by program, in the 1 FMTR report year loaded, FY2015: "
    )
    assert "— published: about 10,000 for 2001–2021; the difference is the 20 report years not loaded" in trained[0]
    assert not any(f.topic == "trainees_total" for f in key.published)


def test_charts_speak_words_with_units_and_show_missing_years(mali: duckdb.DuckDBPyConnection) -> None:
    """Axis titles in words with units, money as $500M, legends in words, every year on a year axis."""
    import json

    from partnerwatch.publish.charts import chart_spec

    by_id = {f.id: f for f in computed_figures(FigureContext.for_store(mali, "MLI", (2001, 2022)))}
    harm = chart_spec(by_id["mli-civilian-fatalities-by-perpetrator-2001-2022"])
    assert harm is not None
    text = json.dumps(harm)
    assert '"title": "People killed"' in text and '"title": "Year"' in text
    values = {str(v["perpetrator"]) for v in harm["data"]["values"]}  # type: ignore[index]
    assert values <= {
        "State forces",
        "Rebel and jihadist groups",
        "Unidentified",
        "Pro-government militias",
        "Civilians",
    }
    assert "state_forces" not in text and "rebel_or_jihadist" not in text
    year_scale = harm["encoding"]["x"]["scale"]["domain"]  # type: ignore[index]
    assert year_scale == list(range(2012, 2023))  # 2013-2021 have no events: gaps, not a squeezed axis
    assert harm["encoding"]["color"]["legend"]["labelLimit"] == 0  # type: ignore[index]
    scale = harm["encoding"]["color"]["scale"]  # type: ignore[index]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["State forces"] == "#0b3c5d"  # the same colour in every chart (style.toml)


def test_the_printed_text_has_no_identifiers_or_chart_descriptions(mali: duckdb.DuckDBPyConnection) -> None:
    html = render(build_factsheet(mali, "MLI", (2001, 2022)), "html").decode("utf-8")
    body = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    for token in (
        "rebel_or_jihadist",
        "state_forces",
        "amount usd",
        "tiv millions",
        'Supplier</th><th scope="col">Supplier',
    ):
        assert token not in body, token
    assert "values; the largest is" not in body  # the text equivalent is the SVG's label, not body text
    assert "Source: ACLED." in body


def test_tables_behind_charts_and_long_tables_go_to_an_appendix_the_reader_can_drop(
    mali: duckdb.DuckDBPyConnection,
) -> None:
    sheet = build_factsheet(mali, "MLI", (2001, 2022))
    full = render(sheet, "html").decode("utf-8")
    body, appendix = full.split('<h2 id="appendix">Appendix: tables</h2>', 1)
    assert "The data: table A1 in the appendix." in body
    assert "Table A1. " in appendix and '<th scope="col">Supplier</th>' in appendix
    short = render(sheet, "html", appendix=False).decode("utf-8")
    assert "Appendix: tables" not in short and "in the appendix" not in short
    live = render(sheet, "md").decode("utf-8")  # Markdown keeps every table in place
    assert "| Rank | Supplier |" in live


@pytest.mark.shared_data
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler is not installed")
def test_the_mali_body_fits_in_sixteen_pages_with_the_corpus_loaded(
    shared_data: Path, mali: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    for source, path in (
        ("sipri-transfers", "sipri/trade-register_2025-03-13.csv"),
        ("sipri-milex", "sipri/SIPRI-Milex-data-1948-2023.xlsx"),
        ("foreignassistance", "foreignassistance/us_foreign_aid_country.csv"),
        ("acled", "acled/mali_hdx_1997-2020.csv"),
        ("idmc", "idmc/IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx"),
        ("fmtr", "fmtr/FY2015_Africa.pdf"),
    ):
        ingest(mali, source, shared_data / path)
    sheet = build_factsheet(mali, "MLI")
    pdf = tmp_path / "mali.pdf"
    pdf.write_bytes(render(sheet, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    notes_page = next(i for i, page in enumerate(pages) if re.search(r"^\s*Data notes\s*$", page, re.M))
    assert notes_page <= 17, notes_page  # cover (page 1), then summary to legal annex in at most 16 pages
    assert any("Appendix: tables" in page for page in pages[notes_page:])
    body = "\n".join(pages[1:notes_page])
    # Every body section opens with a paragraph: its first line after the heading is prose, not a list or table.
    for section in sheet.sections:
        if section.title != "Key figures":
            assert section.paragraphs and section.paragraphs[0], section.title
            assert section.paragraphs[0][0].text[:40] in re.sub(r"\s+", " ", body), section.title
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", body)  # no identifiers such as rebel_or_jihadist
    # No body page is more than a third empty, except where a section ends (the next page opens with one).
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(pdf), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    titles = [s.title.split(":")[0] for s in sheet.sections] + ["Data notes"]
    for index in range(1, notes_page):
        following = pages[index + 1].strip().splitlines()[0].strip() if pages[index + 1].strip() else ""
        if any(following.startswith(t) for t in titles):
            continue
        assert _empty_share(images[index]) <= 1 / 3, f"page {index + 1} is {_empty_share(images[index]):.0%} empty"


def _empty_share(path: Path) -> float:
    """The share of a page's text area left blank below its last line (the running footer left out)."""
    with Image.open(path) as image:
        grey = image.convert("L")
        width, height = grey.size
        top, bottom = int(height * 0.07), int(height * 0.91)  # A4 margins of 18 mm and 20 mm, footer below
        last = top
        for y in range(top, bottom):
            darkest, _lightest = grey.crop((0, y, width, y + 1)).getextrema()
            if darkest < 200:  # type: ignore[operator]
                last = y
    return (bottom - last) / (bottom - top)


def test_a_year_without_data_breaks_a_line_instead_of_dropping_to_zero() -> None:
    from partnerwatch.figures.model import Figure
    from partnerwatch.publish.charts import chart_spec

    figure = Figure(
        id="x",
        topic="milex_share_of_government_spending",
        label="Military expenditure as a share of government spending, 2001–2004",
        unit="percent",
        period="2001–2004",
        method="",
        sources=(),
        rows=({"year": 2001, "percent": 7.4}, {"year": 2002, "percent": 5.2}, {"year": 2004, "percent": 5.3}),
        chart={"type": "line", "x": "year", "y": "percent"},
    )
    spec = chart_spec(figure)
    assert spec is not None
    assert spec["mark"]["invalid"] == "break-paths-show-domains"  # type: ignore[index]
    assert {"year": 2003, "percent": None} in spec["data"]["values"]  # type: ignore[index]
    assert spec["encoding"]["x"]["scale"]["domain"] == [2001, 2002, 2003, 2004]  # type: ignore[index]


def test_every_chart_spec_is_valid_vega_lite(mali: duckdb.DuckDBPyConnection) -> None:
    """Charts skip Altair's schema validation when drawn (it cost more than drawing): the schema is checked here."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    from partnerwatch.publish.charts import chart_spec

    specs = [s for f in build_factsheet(mali, "MLI", (2001, 2022)).all_figures() if (s := chart_spec(f))]
    assert len(specs) >= 3
    schema = load_schema()  # the Vega-Lite schema Altair ships
    for spec in specs:
        validate_jsonschema(spec, schema)
    with pytest.raises(Exception, match="was expected"):  # an invalid spec is caught: the check is real
        validate_jsonschema({**specs[0], "mark": {"type": "bar", "colour": "red"}}, schema)
