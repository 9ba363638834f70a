"""UCDP in the figures: battle-related deaths for any country, and the U.S. among a government's supporters."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import FigureContext
from partnerwatch.ingest import ingest, load_bundled
from partnerwatch.publish.factsheet import build_factsheet


@pytest.mark.shared_data
def test_battle_deaths_for_a_country_without_acled(store: duckdb.DuckDBPyConnection, shared_data: Path) -> None:
    load_bundled(store)
    ingest(store, "ucdp-brd", shared_data / "ucdp" / "ucdp-brd-dyadic-221.csv")
    figure = next(
        f for f in computed_figures(FigureContext.for_store(store, "NER")) if f.topic == "battle_deaths_by_year"
    )
    per_year: dict[int, int] = {}
    for row in figure.rows:
        per_year[int(str(row["year"]))] = per_year.get(int(str(row["year"])), 0) + int(str(row["battle_deaths"]))
    assert figure.value == 2127 and figure.period == "2007–2021"
    assert max(per_year, key=lambda y: per_year[y]) == 2020 and per_year[2020] == 512
    backed = sorted({int(str(r["year"])) for r in figure.rows if r["us_supported_government"]})
    assert backed == [2017, 2018, 2019, 2020, 2021]
    harm = next(s for s in build_factsheet(store, "NER").sections if s.title == "Civilian harm")
    assert harm.sentences[0].text == (
        "UCDP counts 2,127 battle-related deaths in armed conflicts in Niger in 2007–2021, the most in 2020 (512)."
    )
    assert harm.sentences[1].text == (
        "UCDP records two armed conflicts between the government of Niger and armed groups in 2007–2021, over"
        " government (MNJ and JNIM) and over territory (IS); it lists the United States among the government's"
        " supporters in 2017–2021, with troops."
    )
    conflicts = {f.topic: f for f in computed_figures(FigureContext.for_store(store, "NER"))}
    assert [
        (r["conflict_id"], r["over"], r["conflict_years"], r["us_supported_government"])
        for r in conflicts["armed_conflicts"].rows
    ] == [
        ("430", "government", "2007–2008 and 2021", "2021"),
        ("13639", "territory", "2015–2021", "2017–2021"),
    ]
    # Still no ACLED: the paragraph says so rather than passing battle deaths off as civilian harm.
    assert harm.sentences[2].missing and "no ACLED events" in harm.sentences[2].text
