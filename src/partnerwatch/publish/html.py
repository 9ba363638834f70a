"""Render a Factsheet as one self-contained HTML page (inline CSS and SVG charts), and as print HTML for PDF.

Self-contained means the page makes no request when opened: no CDN, no web
fonts, no external images; charts are inline SVG with an accessible label.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources

import jinja2

from partnerwatch.publish.charts import Chart, chart_for
from partnerwatch.publish.content import (
    LEGEND,
    Notes,
    computed_tables,
    figure_table,
    mark,
    paragraph_items,
    published_tables,
    record_line,
    records_by_group,
    value_lines,
)
from partnerwatch.publish.factsheet import Factsheet, Section, cite


@dataclass
class Block:
    """One renderable piece of a section, already numbered for notes."""

    kind: str  # paragraph | lines | chart | moved | table | records
    text: str = ""
    notes: list[int] = field(default_factory=list)
    chart: Chart | None = None
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    method: str = ""
    items: list[tuple[str, list[int]]] = field(default_factory=list)
    figure_id: str = ""
    cite: str = ""
    reference: str = ""
    """Where the data of a chart or a moved table are: "table A3 in the appendix"."""
    mark: str = ""
    """Computed or published (``content.mark``), shown with the caption in every format."""


RECORD_HEADINGS = {"incidents": "Documented incidents", "timeline": "Timeline of events"}
LONG_TABLE = 16
"""Rows beyond which a table leaves the body for the appendix (the seed's longest table has 21)."""
WORDY_CELL = 120
"""Characters in one cell beyond which a table is read as a list, better in the appendix than wrapped in the body."""


def _too_long(rows: list[list[str]]) -> bool:
    return len(rows) > LONG_TABLE or any(len(str(cell)) > WORDY_CELL for row in rows for cell in row)


class Appendix:
    """The tables a printed factsheet moves out of its body: behind a chart, or too long to read there.

    The body keeps the chart, or a line saying where the table went; the
    reader can drop the appendix (``--no-appendix``).
    """

    def __init__(self, kept: bool = True) -> None:
        self.blocks: list[Block] = []
        self.kept = kept

    def take(self, block: Block) -> str:
        """Number the table A1, A2…, keep it (if the appendix is kept) and say where it is."""
        label = f"A{len(self.blocks) + 1}"
        self.blocks.append(replace(block, reference=label))
        return f"table {label} in the appendix" if self.kept else ""


def blocks_for(
    section: Section, notes: Notes, charts: dict[str, Chart], appendix: Appendix | None = None
) -> list[Block]:
    """The blocks of a section in reading order (shared by the HTML and DOCX renderers).

    With an ``appendix`` (print), a table behind a chart or longer than
    ``LONG_TABLE`` rows goes there; without one (the live web page) every
    table stays in place.
    """
    blocks = [
        Block("paragraph", items=paragraph_items(notes, paragraph)) for paragraph in section.paragraphs if paragraph
    ]
    lines = [Block("line", text, notes.numbers(sources)) for text, sources in value_lines(section)]
    if lines:
        blocks.append(Block("lines", items=[(b.text, b.notes) for b in lines]))
    for figure in computed_tables(section):
        chart = charts.get(figure.id)
        marks = notes.numbers(figure.sources)
        sign = mark(figure)
        headers, rows = figure_table(figure)
        table = Block(
            "table",
            figure.label,
            marks,
            headers=headers,
            rows=rows,
            method=figure.method,
            figure_id=figure.id,
            cite="; ".join(cite(s) for s in figure.sources),
            mark=sign,
        )
        if appendix is not None and (chart is not None or _too_long(rows)):
            where = appendix.take(table)
            if chart is not None:
                blocks.append(
                    Block("chart", figure.label, marks, chart=chart, method=figure.method, reference=where, mark=sign)
                )
            else:
                blocks.append(
                    Block("moved", figure.label, marks, reference=where or "left out of this edition", mark=sign)
                )
            continue
        if chart is not None:
            blocks.append(Block("chart", figure.label, marks, chart=chart, method=figure.method, mark=sign))
        blocks.append(table)
    for title, figures, headers, rows in published_tables(section):
        table = Block(
            "table", title, notes.numbers([s for f in figures for s in f.sources]), headers=headers, rows=rows
        )
        if appendix is not None and len(rows) > LONG_TABLE:
            blocks.append(Block("moved", title, table.notes, reference=appendix.take(table) or "left out"))
            continue
        blocks.append(table)
    for group, records in records_by_group(section):
        heading = group or RECORD_HEADINGS.get(section.record_kind, "")
        items = [(record_line(section.record_kind, r.fields), notes.numbers([r.source])) for r in records]
        shared = items[0][1] if items and heading and all(n == items[0][1] for _t, n in items) else []
        if shared:
            # Forty entries from one source take its note once, on their heading.
            items = [(text, []) for text, _n in items]
        block = Block("records", heading, shared, items=items)
        if appendix is not None and section.record_kind == "timeline" and len(records) > LONG_TABLE:
            # The section's paragraph tells the story and its table the coups; the full chronology is reference.
            where = appendix.take(block)
            blocks.append(Block("moved", f"{heading} ({len(records)} events)", reference=where or "left out"))
            continue
        blocks.append(block)
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


def render_html(
    sheet: Factsheet, *, for_print: bool = False, charts: dict[str, Chart] | None = None, appendix: bool = True
) -> str:
    notes = Notes()
    charts = charts if charts is not None else charts_for(sheet)
    moved = Appendix(kept=appendix)
    sections = [(s, blocks_for(s, notes, charts, moved)) for s in sheet.sections]
    data_notes: list[tuple[str, list[int]]] = [
        (r.sentence(), notes.numbers([x for f in (r.published_figure, r.computed_figure) if f for x in f.sources]))
        for r in sheet.reconciliations
    ]
    data_notes += [(n, []) for n in sheet.notes]
    data_notes += [(f"Not computed — {f.label}: {f.unavailable}.", []) for f in sheet.unavailable]
    data_notes += [(f"Narrative: {w}.", []) for w in sheet.warnings]
    return (
        _environment()
        .get_template("factsheet.html.j2")
        .render(
            sheet=sheet,
            sections=sections,
            data_notes=data_notes,
            appendix=moved.blocks if appendix else [],
            notes=notes.texts,
            for_print=for_print,
            legend=LEGEND,
        )
    )
