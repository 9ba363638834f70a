"""Render a Factsheet as PDF: the print HTML (A4, cover page, page numbers, numbered notes) through WeasyPrint."""

from __future__ import annotations

import logging

from partnerwatch.publish.charts import Chart
from partnerwatch.publish.factsheet import Factsheet
from partnerwatch.publish.html import render_html


def render_pdf(sheet: Factsheet, charts: dict[str, Chart] | None = None, appendix: bool = True) -> bytes:
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = render_html(sheet, for_print=True, charts=charts, appendix=appendix)
    return bytes(HTML(string=html, base_url=None).write_pdf())
