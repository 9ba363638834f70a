"""Render a Factsheet as DOCX with real Word headings, tables and notes, so NGO staff can edit it."""

from __future__ import annotations

import io
from typing import Any

from partnerwatch.publish.charts import Chart, chart_for
from partnerwatch.publish.content import Notes
from partnerwatch.publish.factsheet import Factsheet
from partnerwatch.publish.html import Appendix, Block, blocks_for


def _marks(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def render_docx(sheet: Factsheet, charts: dict[str, Chart] | None = None, appendix: bool = True) -> bytes:
    from docx import Document
    from docx.shared import Inches

    charts = charts if charts is not None else {f.id: c for f in sheet.all_figures() if (c := chart_for(f)) is not None}
    notes = Notes()
    moved = Appendix(kept=appendix)
    document = Document()
    document.core_properties.title = f"U.S. Security Partnership and the Protection of Civilians: {sheet.country}"
    document.add_heading(document.core_properties.title, level=0)
    document.add_paragraph(
        f"PartnerWatch factsheet for {sheet.country} ({sheet.iso3}), generated {sheet.generated} from the loaded data"
        f" ({sheet.period[0]}-{sheet.period[1]} unless stated). Data vintage: {sheet.vintage}."
    )
    for section in sheet.sections:
        document.add_heading(section.title, level=1)
        blocks = blocks_for(section, notes, charts, moved)
        if not blocks:
            document.add_paragraph("No data loaded for this section.")
        for block in blocks:
            if block.kind == "sentence":
                document.add_paragraph(block.text + _marks(block.notes))
            elif block.kind in ("lines", "records"):
                if block.text:
                    document.add_heading(block.text, level=2)
                for text, marks in block.items:
                    document.add_paragraph(text + _marks(marks), style="List Bullet")
            elif block.kind == "chart" and block.chart is not None:
                shape = document.add_picture(io.BytesIO(block.chart.png()), width=Inches(6.0))
                # The text equivalent is the picture's alt text (docPr descr), for screen readers; not printed.
                shape._inline.docPr.set("descr", block.chart.description)
                shape._inline.docPr.set("title", block.text)
                where = f" The data: {block.reference}." if block.reference else ""
                document.add_paragraph(block.chart.source + _marks(block.notes) + where, style="Caption")
            elif block.kind == "moved":
                document.add_paragraph(f"{block.text}{_marks(block.notes)}: {block.reference}.")
            elif block.kind == "table":
                _table(document, block, block.text)
    document.add_heading("Data notes", level=1)
    for r in sheet.reconciliations:
        marks = notes.numbers([x for f in (r.published_figure, r.computed_figure) if f for x in f.sources])
        document.add_paragraph(r.sentence() + _marks(marks), style="List Bullet")
    for note in sheet.notes:
        document.add_paragraph(note, style="List Bullet")
    for figure in sheet.unavailable:
        document.add_paragraph(f"Not computed — {figure.label}: {figure.unavailable}.", style="List Bullet")
    if appendix and moved.blocks:
        document.add_heading("Appendix: tables", level=1)
        for block in moved.blocks:
            _table(document, block, f"Table {block.reference}. {block.text}")
    document.add_heading("Sources", level=1)
    for line in sheet.source_lines():
        document.add_paragraph(line, style="List Bullet")
    document.add_heading("Notes", level=1)
    for number, text in enumerate(notes.texts, start=1):
        document.add_paragraph(f"[{number}] {text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document: Any, block: Block, caption: str) -> None:
    document.add_paragraph(caption + _marks(block.notes), style="Caption")
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        cell.text = text
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    if block.method:
        document.add_paragraph(f"Method: {block.method}")
