"""The factsheet's writing: numbers for readers, paragraphs for any country, narratives whose numbers stay live."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import duckdb
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import FigureContext
from partnerwatch.ingest import ingest, ingest_table, load_bundled
from partnerwatch.publish import render
from partnerwatch.publish.factsheet import build_factsheet
from partnerwatch.publish.numbers import change, count, money, ordinal, percent, times

BUNDLED_NARRATIVE = Path(__file__).parents[1] / "src" / "partnerwatch" / "data" / "curated" / "mli" / "narrative.md"


def test_numbers_read_as_a_reader_reads_them() -> None:
    assert [money(v) for v in (69e6, 16.56e6, 652_883_353, 405_000, 686_654, 2.52e9, -3000)] == [
        "$69 million",
        "$16.6 million",
        "$653 million",
        "$405,000",
        "$687,000",
        "$2.52 billion",
        "\u2212$3,000",
    ]
    assert count(10_000, "about") == "about 10,000" and count(1870) == "1,870" and count(1.23e6) == "1.23 million"
    assert (percent(7.62), percent(40), percent(0.1, "about")) == ("7.6%", "40%", "about 0.1%")
    assert change(876, 150) == "fell by 83%" and change(100, 112) == "rose by 12%"
    assert (
        change(45.6e6, 240e6) == "rose 5.3-fold" and change(1, 5) == "rose fivefold" and change(3, 3) == "was unchanged"
    )
    assert (times(5.02), times(2.5)) == ("five times", "2.5 times")
    assert (ordinal(9), ordinal(12), ordinal(22)) == ("ninth", "12th", "22nd")


@pytest.fixture
def niger(store: duckdb.DuckDBPyConnection, shared_data: Path) -> duckdb.DuckDBPyConnection:
    """Niger has no curated dataset: every sentence of its factsheet is written from primary data."""
    load_bundled(store)
    for source, path in (
        ("sipri-transfers", "sipri/trade-register_2025-03-13.csv"),
        ("sipri-milex", "sipri/SIPRI-Milex-data-1948-2023.xlsx"),
        ("foreignassistance", "foreignassistance/us_foreign_aid_country.csv"),
        ("idmc", "idmc/IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx"),
        ("fmtr", "fmtr/FY2013_Africa.pdf"),
        ("fmtr", "fmtr/FY2015_Africa.pdf"),
    ):
        ingest(store, source, shared_data / path, allow_mismatch=True)
    return store


@pytest.mark.shared_data
def test_every_section_of_a_country_without_curated_data_opens_with_a_paragraph(
    niger: duckdb.DuckDBPyConnection,
) -> None:
    sheet = build_factsheet(niger, "NER")
    paragraphs = {s.title.split(":")[0]: " ".join(x.text for x in s.sentences) for s in sheet.sections}
    assert [title for title, text in paragraphs.items() if not text] == ["Key figures"]
    summary = next(s for s in sheet.sections if s.title == "Summary").sentences
    assert 4 <= len(summary) <= 8 and all(s.figures for s in summary)
    assert paragraphs["U.S. assistance"].startswith(
        "The United States obligated $2.52 billion in foreign assistance of every kind to Niger in FY2001–FY2021,"
        " $198 million of it in FY2021. Yearly obligations rose 18-fold between FY2001 and FY2021, and were highest"
        " in FY2018, at $581 million."
    )
    assert paragraphs["Arms sales and military spending"].startswith(
        "The United States was the largest supplier of major arms to Niger in 2001–2021, with 39% of the volume"
        " SIPRI records from nine suppliers."
    )
    assert (
        "Niger's military expenditure was highest in 2019, at $248 million"
        in paragraphs["Arms sales and military spending"]
    )
    assert paragraphs["Foreign military training"] == (
        "The Foreign Military Training Reports loaded record 5,162 personnel from Niger trained by the United States"
        " in two report years, FY2013 and FY2015. Peacekeeping Operations trained the most, 4,675 (91%). The largest"
        " year was FY2015, with 3,653."
    )
    assert paragraphs["Displacement and humanitarian access"].startswith(
        "IDMC counted 224,000 people internally displaced by conflict and violence in Niger at the end of 2021. The"
        " number rose by 44% from 156,000 at the end of 2018. It was highest at the end of 2020, at 257,000."
    )
    # Where the data cannot carry a sentence, one plain sentence says what is missing.
    assert paragraphs["Civilian harm"] == (
        "Civilian harm by perpetrator cannot be computed for Niger from the loaded data: no ACLED events loaded for"
        " this country and period."
    )
    # Every sentence that states a number other than a year is noted to the figures it comes from.
    for section in sheet.sections:
        for sentence in section.sentences:
            if re.search(r"\d", re.sub(r"\b(?:FY)?(?:19|20)\d\d\b", "", sentence.text)):
                assert sentence.figures and sentence.sources, sentence.text


def test_the_bundled_narrative_types_no_number() -> None:
    """Its numbers are references; what is left are years, days of the month and the names of laws."""
    text = re.sub(r"<!--.*?-->", "", BUNDLED_NARRATIVE.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", "", text)
    text = re.sub(r"Section \d+", "", text)
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    text = re.sub(rf"\b\d{{1,2}} (?:{months})", "", text)
    assert re.findall(r"\b(?!(?:19|20)\d\d\b)\d[\d,.]*\b", text) == []


def test_the_mali_narrative_is_live_and_complete(store: duckdb.DuckDBPyConnection) -> None:
    load_bundled(store)
    sheet = build_factsheet(store, "MLI")
    assert sheet.warnings == []  # every reference resolves on the bundled data alone
    sections = {s.title.split(":")[0]: s for s in sheet.sections}
    for title in (
        "Summary",
        "U.S. assistance",
        "Security assistance",
        "Arms sales and military spending",
        "Foreign military training",
        "Partnership status",
        "Civilian harm",
        "Displacement and humanitarian access",
        "Legal obligations annex",
    ):
        assert sections[title].paragraphs and sections[title].paragraphs[0][0].text, title
    summary = " ".join(s.text for s in sections["Summary"].sentences)
    assert "it gave about $146 million in humanitarian and health assistance and $16.6 million" in summary
    security = sections["Security assistance"].sentences[0]
    assert security.text.startswith("Direct U.S. security aid to Mali came to about $36 million in 2001–2019, while")
    assert {f.id for f in security.figures} == {"mli-sa-direct-2001-2019", "mli-sa-un-2001-2019"}
    text = render(sheet, "md").decode("utf-8")
    assert "{{" not in text and "[figure not available" not in text


def _folder(tmp_path: Path, narrative: str) -> Path:
    """A curated folder for Niger written by hand: two published facts and a narrative."""
    folder = tmp_path / "ner"
    folder.mkdir()
    (folder / "dataset.toml").write_text(
        'country = "Niger"\ndocument = "A Niger factsheet, PartnerWatch test edition, 2026"\nrelease = "2026-01"\n',
        encoding="utf-8",
    )
    (folder / "facts.csv").write_text(
        "fact_id,section,topic,item,statement,value,unit,qualifier,period,cited_source,url\n"
        "ner-sa-total,Security,security_assistance_total,All programs,U.S. security assistance to Niger,"
        "215000000,usd,about,2001-2021,,\n"
        "ner-trainees,Training,trainees_total,All programs,Nigerien personnel trained,12000,persons,,2001-2021,,\n",
        encoding="utf-8",
    )
    (folder / "narrative.md").write_text(narrative, encoding="utf-8")
    return folder


def test_a_narrative_reference_becomes_the_figure_with_its_note(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = _folder(
        tmp_path,
        "<!-- a comment\nover two lines -->\n# Security assistance\n\n"
        "The United States gave Niger {{ ner-sa-total }} in security assistance in {{ ner-sa-total | period }}."
        " It trained {{ ner-trainees }} people.\n",
    )
    ingest(store, "curated", folder)
    sheet = build_factsheet(store, "NER")
    security = next(s for s in sheet.sections if s.title == "Security assistance")
    first, second = security.paragraphs[0]
    assert first.text == "The United States gave Niger about $215 million in security assistance in 2001–2021."
    assert [f.id for f in first.figures] == ["ner-sa-total"]
    assert second.text == "It trained 12,000 people." and [f.id for f in second.figures] == ["ner-trainees"]
    text = render(sheet, "md").decode("utf-8")
    note = re.search(r"in 2001–2021\.\[\^(\d+)\]", text)
    assert note is not None
    assert (
        f"[^{note.group(1)}]: A Niger factsheet, PartnerWatch test edition, 2026, section \u201cSecurity\u201d" in text
    )


def test_an_unknown_figure_is_an_error_naming_the_file_and_line(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, "# Summary\n\nFine: {{ ner-trainees }}.\nTypo on line four: {{ ner-sa-totl }}.\n")
    ingest(store, "curated", folder)
    with pytest.raises(PartnerWatchError) as raised:
        build_factsheet(store, "NER")
    (error,) = raised.value.errors
    assert (error.code, error.file, error.row, error.field) == ("unknown-figure", "ner/narrative.md", 4, "reference")
    assert "ner-sa-totl" in error.message


def test_an_unavailable_figure_shows_a_marker_and_a_warning_never_a_number(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = _folder(
        tmp_path, "# Civilian harm\n\nState forces killed {{ state_and_allies_civilian_fatalities }} civilians.\n"
    )
    ingest(store, "curated", folder)  # no ACLED events: the figure exists but cannot be computed
    sheet = build_factsheet(store, "NER")
    harm = next(s for s in sheet.sections if s.title == "Civilian harm")
    assert harm.paragraphs[0][0].text == (
        "State forces killed [figure not available: Civilians killed in events by state forces and their allies,"
        " 2001-2021] civilians."
    )
    assert sheet.warnings == [
        "ner/narrative.md:3: {{ state_and_allies_civilian_fatalities }} is not available (no ACLED events loaded for"
        " this country and period)"
    ]
    assert "- Narrative: ner/narrative.md:3:" in render(sheet, "md").decode("utf-8")


@pytest.mark.parametrize(
    ("narrative", "row", "message"),
    [
        ("Text before any heading.\n", 1, "text before the first '# Section' heading"),
        ("# Summary\n\nAn open {{ ner-sa-total.\n", 3, "'{{' without its '}}'"),
        ("# Summary\n\nA view {{ ner-sa-total | colour }}.\n", 3, "'colour' is not a view"),
    ],
)
def test_a_narrative_of_the_wrong_shape_is_refused_at_load(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, narrative: str, row: int, message: str
) -> None:
    with pytest.raises(PartnerWatchError) as raised:
        ingest(store, "curated", _folder(tmp_path, narrative))
    (error,) = raised.value.errors
    assert (error.file, error.row) == ("ner/narrative.md", row) and message in error.message
    assert store.execute("SELECT count(*) FROM narratives").fetchone() == (0,)


def test_a_heading_that_names_no_section_is_an_error(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ingest(store, "curated", _folder(tmp_path, "# Sumary\n\nText.\n"))
    with pytest.raises(PartnerWatchError) as raised:
        build_factsheet(store, "NER")
    (error,) = raised.value.errors
    assert (error.code, error.file, error.row, error.field) == ("bad-value", "ner/narrative.md", 3, "section")


@pytest.mark.shared_data
def test_coups_compare_security_accounts_and_count_a_silent_report_as_zero(
    store: duckdb.DuckDBPyConnection, shared_data: Path, tmp_path: Path
) -> None:
    load_bundled(store)
    ingest(store, "fmtr", shared_data / "fmtr" / "FY2013_Africa.pdf", allow_mismatch=True)  # no Mali section
    ingest(store, "fmtr", shared_data / "fmtr" / "FY2010_Africa.pdf", allow_mismatch=True)
    # Obligations by account, as the Greenbook prints them: security accounts and aid that is not security.
    table = tmp_path / "accounts.csv"
    table.write_text(
        "Country,Fiscal Year,Assistance Category,Funding Account Name,Obligations\n"
        "Mali,2010,Military,International Military Education and Training,300000\n"
        'Mali,2011,Economic,"Nonproliferation, Anti-Terrorism, Demining and Related Programs",1000000\n'
        "Mali,2011,Economic,Development Assistance,50000000\n"
        "Mali,2013,Economic,International Disaster Assistance,20000000\n"
        "Mali,2014,Military,Foreign Military Financing,200000\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "accounts.toml"
    mapping.write_text(
        '[source]\nproducer = "USAID"\ncitation = "Greenbook extract typed by hand for a test"\n'
        'licence = "public domain"\nrelease = "2022-08"\n\n[columns]\n'
        'country_iso3 = { from = "Country" }\nfiscal_year = { from = "Fiscal Year" }\n'
        'category = { from = "Assistance Category" }\naccount = { from = "Funding Account Name" }\n'
        'amount_usd = { from = "Obligations", unit = "usd" }\ntransaction_type = { value = "Obligations" }\n',
        encoding="utf-8",
    )
    ingest_table(store, table, "assistance", mapping)
    effect = next(
        f for f in computed_figures(FigureContext.for_store(store, "MLI")) if f.topic == "restrictions_effect"
    )
    rows = {str(r["when"]): r for r in effect.rows}
    coup_2012 = rows["March 2012"]
    # Security accounts only: humanitarian and development aid are left out, however large.
    assert (coup_2012["security_before_usd"], coup_2012["security_after_usd"]) == (1_300_000.0, 200_000.0)
    # FY2013's report is loaded and has no Mali section: 0 trainees, and the window says which years it rests on.
    assert (coup_2012["trainees_after"], coup_2012["years_after"]) == (0, "FY2013 (FY2014–15 not loaded)")
    assert coup_2012["years_before"] == "FY2010 (FY2009 and FY2011 not loaded)"
    assert int(str(coup_2012["trainees_before"])) > 0
    # The analyst's table covers FY2010–11 and FY2013–14: a window names the years it rests on.
    assert (coup_2012["security_years_before"], coup_2012["security_years_after"]) == (
        "FY2010–11 (FY2009 not loaded)",
        "FY2013–14 (FY2015 not loaded)",
    )
    # Dates to the precision of their source: a day where the timeline gives one, a year where it gives a year.
    assert {"18 August 2020", "June 2021", "2022"} <= set(rows)
    assert "category Military" not in effect.method and "Military category" in effect.method  # the rule is stated
    assert all(account in effect.method for account in ("IMET", "NADR", "INCLE", "PKO"))


def test_docx_notes_are_word_footnotes_with_short_forms_after_the_first(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load_bundled(store)
    path = tmp_path / "mali.docx"
    path.write_bytes(render(build_factsheet(store, "MLI"), "docx"))
    with zipfile.ZipFile(path) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        footnotes = archive.read("word/footnotes.xml").decode("utf-8")
        relations = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        types = archive.read("[Content_Types].xml").decode("utf-8")
    references = re.findall(r'<w:footnoteReference w:id="(\d+)"/>', document)
    notes = re.findall(r'<w:footnote w:id="(\d+)">', footnotes)
    assert len(references) > 50 and sorted(references, key=int) == notes  # one footnote per reference
    assert "relationships/footnotes" in relations and "footnotes+xml" in types
    texts = re.findall(r'<w:t xml:space="preserve"> ([^<]*)</w:t>', footnotes)
    assert sum("Brown University" in t for t in texts) == 1  # the document in full once…
    assert any(re.search(r"; see note \d+\.$", t) for t in texts)  # …and short after
    assert "\u25c6 computed by PartnerWatch" in document and "\u25c7 published figure" in document
