"""Render a Factsheet as one self-contained HTML page (inline CSS and SVG charts), and as print HTML for PDF.

Self-contained means the page makes no request when opened: no CDN, no web
fonts, no external images; charts are inline SVG with an accessible label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import jinja2

from partnerwatch.publish.charts import Chart, chart_for
from partnerwatch.publish.content import (
    Notes,
    computed_tables,
    figure_table,
    published_tables,
    record_line,
    records_by_group,
    value_lines,
)
from partnerwatch.publish.factsheet import Factsheet, Section, cite


@dataclass
class Block:
    """One renderable piece of a section, already numbered for notes."""

    kind: str  # sentence | line | chart | table | records
    text: str = ""
    notes: list[int] = field(default_factory=list)
    chart: Chart | None = None
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    method: str = ""
    items: list[tuple[str, list[int]]] = field(default_factory=list)
    figure_id: str = ""
    cite: str = ""


def blocks_for(section: Section, notes: Notes, charts: dict[str, Chart]) -> list[Block]:
    """The blocks of a section in reading order (shared by the HTML and DOCX renderers)."""
    blocks = [Block("sentence", s.text, notes.numbers(s.sources)) for s in section.sentences]
    lines = [Block("line", text, notes.numbers(sources)) for text, sources in value_lines(section)]
    if lines:
        blocks.append(Block("lines", items=[(b.text, b.notes) for b in lines]))
    for figure in computed_tables(section):
        chart = charts.get(figure.id)
        marks = notes.numbers(figure.sources)
        if chart is not None:
            blocks.append(Block("chart", figure.label, marks, chart=chart, method=figure.method))
        headers, rows = figure_table(figure)
        blocks.append(
            Block(
                "table",
                figure.label,
                marks,
                headers=headers,
                rows=rows,
                method=figure.method,
                figure_id=figure.id,
                cite="; ".join(cite(s) for s in figure.sources),
            )
        )
    for title, figures, headers, rows in published_tables(section):
        blocks.append(
            Block("table", title, notes.numbers([s for f in figures for s in f.sources]), headers=headers, rows=rows)
        )
    for group, records in records_by_group(section):
        heading = group or ("Documented incidents" if section.record_kind == "incidents" else "")
        blocks.append(
            Block(
                "records",
                heading,
                items=[(record_line(section.record_kind, r.fields), notes.numbers([r.source])) for r in records],
            )
        )
    return blocks


def charts_for(sheet: Factsheet) -> dict[str, Chart]:
    found: dict[str, Chart] = {}
    for figure in sheet.all_figures():
        if figure.id not in found and (chart := chart_for(figure)) is not None:
            found[figure.id] = chart
    return found


def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: (resources.files(__package__) / "templates" / name).read_text(encoding="utf-8")
    )
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)


def render_html(sheet: Factsheet, *, for_print: bool = False, charts: dict[str, Chart] | None = None) -> str:
    notes = Notes()
    charts = charts if charts is not None else charts_for(sheet)
    sections = [(s, blocks_for(s, notes, charts)) for s in sheet.sections]
    data_notes: list[tuple[str, list[int]]] = [
        (r.sentence(), notes.numbers([x for f in (r.published_figure, r.computed_figure) if f for x in f.sources]))
        for r in sheet.reconciliations
    ]
    data_notes += [(n, []) for n in sheet.notes]
    data_notes += [(f"Not computed — {f.label}: {f.unavailable}.", []) for f in sheet.unavailable]
    return (
        _environment()
        .get_template("factsheet.html.j2")
        .render(
            sheet=sheet,
            sections=sections,
            data_notes=data_notes,
            notes=notes.texts,
            for_print=for_print,
        )
    )
