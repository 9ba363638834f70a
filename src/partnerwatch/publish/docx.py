"""Render a Factsheet as DOCX with real Word headings, tables and footnotes, so NGO staff can edit it.

python-docx writes no footnotes, so this module adds the footnotes part
itself (``word/footnotes.xml``, related from the document, with the two
separator notes Word expects). Word numbers footnotes per reference, so a
source cited a second time gets a short footnote pointing to the first one
("See note 3: …"), the way a printed book would.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from partnerwatch.publish.charts import Chart, chart_for
from partnerwatch.publish.content import LEGEND, Notes, short_form
from partnerwatch.publish.factsheet import Factsheet
from partnerwatch.publish.html import Appendix, Block, blocks_for

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
FOOTNOTES_CONTENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class Footnotes:
    """Word footnotes for the notes of ``Notes``: the first reference to a note in full, later ones short."""

    def __init__(self, notes: Notes) -> None:
        self.notes = notes
        self.texts: list[str] = []
        self._first: dict[int, int] = {}

    def add(self, paragraph: Any, numbers: list[int]) -> None:
        from docx.oxml import parse_xml

        for number in numbers:
            text = self.notes.texts[number - 1]
            if number in self._first:
                text = f"{short_form(text)}; see note {self._first[number]}."
            self.texts.append(text)
            footnote_id = len(self.texts)
            self._first.setdefault(number, footnote_id)
            paragraph._p.append(
                parse_xml(
                    f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    f'<w:footnoteReference w:id="{footnote_id}"/></w:r>'
                )
            )

    def attach(self, document: Any) -> None:
        """Write the footnotes part and relate it from the document (once, when every reference is made)."""
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        notes = "".join(
            f'<w:footnote w:id="{i}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/>'
            f'</w:r><w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve"> {escape(text)}</w:t></w:r>'
            "</w:p></w:footnote>"
            for i, text in enumerate(self.texts, start=1)
        )
        xml = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            f"</w:footnote>{notes}</w:footnotes>"
        )
        part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CONTENT, xml.encode("utf-8"), document.part.package)
        document.part.relate_to(part, FOOTNOTES_TYPE)


def render_docx(sheet: Factsheet, charts: dict[str, Chart] | None = None, appendix: bool = True) -> bytes:
    from docx import Document
    from docx.shared import Inches

    charts = charts if charts is not None else {f.id: c for f in sheet.all_figures() if (c := chart_for(f)) is not None}
    notes = Notes()
    footnotes = Footnotes(notes)
    moved = Appendix(kept=appendix)
    document = Document()
    document.core_properties.title = f"U.S. Security Partnership and the Protection of Civilians: {sheet.country}"
    document.add_heading(document.core_properties.title, level=0)
    document.add_paragraph(
        f"PartnerWatch factsheet for {sheet.country} ({sheet.iso3}), generated {sheet.generated} from the loaded data"
        f" ({sheet.period[0]}–{sheet.period[1]} unless stated). Data vintage: {sheet.vintage}."
    )
    document.add_paragraph(LEGEND)
    for section in sheet.sections:
        document.add_heading(section.title, level=1)
        blocks = blocks_for(section, notes, charts, moved)
        if not blocks:
            document.add_paragraph("No data loaded for this section.")
        for block in blocks:
            if block.kind == "paragraph":
                paragraph = document.add_paragraph()
                for i, (text, marks) in enumerate(block.items):
                    paragraph.add_run(("" if i == 0 else " ") + text)
                    footnotes.add(paragraph, marks)
            elif block.kind in ("lines", "records"):
                if block.text:
                    footnotes.add(document.add_heading(block.text, level=2), block.notes)
                for text, marks in block.items:
                    footnotes.add(document.add_paragraph(text, style="List Bullet"), marks)
            elif block.kind == "chart" and block.chart is not None:
                shape = document.add_picture(io.BytesIO(block.chart.png()), width=Inches(6.0))
                # The text equivalent is the picture's alt text (docPr descr), for screen readers; not printed.
                shape._inline.docPr.set("descr", block.chart.description)
                shape._inline.docPr.set("title", block.text)
                caption = document.add_paragraph(f"{block.mark} {block.chart.source}", style="Caption")
                footnotes.add(caption, block.notes)
                if block.reference:
                    caption.add_run(f" The data: {block.reference}.")
            elif block.kind == "moved":
                moved_line = document.add_paragraph(f"{block.text} {block.mark}")
                footnotes.add(moved_line, block.notes)
                moved_line.add_run(f": {block.reference}.")
            elif block.kind == "table":
                _table(document, block, block.text, footnotes)
    document.add_heading("Data notes", level=1)
    for r in sheet.reconciliations:
        marks = notes.numbers([x for f in (r.published_figure, r.computed_figure) if f for x in f.sources])
        footnotes.add(document.add_paragraph(r.sentence(), style="List Bullet"), marks)
    for note in sheet.notes:
        document.add_paragraph(note, style="List Bullet")
    for figure in sheet.unavailable:
        document.add_paragraph(f"Not computed — {figure.label}: {figure.unavailable}.", style="List Bullet")
    for warning in sheet.warnings:
        document.add_paragraph(f"Narrative: {warning}.", style="List Bullet")
    if appendix and moved.blocks:
        document.add_heading("Appendix: tables", level=1)
        for block in moved.blocks:
            if block.kind == "records":
                footnotes.add(document.add_heading(f"Table {block.reference}. {block.text}", level=2), block.notes)
                for text, marks in block.items:
                    footnotes.add(document.add_paragraph(text, style="List Bullet"), marks)
            else:
                _table(document, block, f"Table {block.reference}. {block.text}", footnotes)
    document.add_heading("Sources", level=1)
    for line in sheet.source_lines():
        document.add_paragraph(line, style="List Bullet")
    footnotes.attach(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document: Any, block: Block, caption: str, footnotes: Footnotes) -> None:
    title = document.add_paragraph(f"{caption} {block.mark}".rstrip(), style="Caption")
    footnotes.add(title, block.notes)
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
