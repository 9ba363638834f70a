"""Publishing: factsheets assembled from figures, rendered per format."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the factsheet pulls in Ibis: not for commands that only need format_value
    from partnerwatch.publish.charts import Chart
    from partnerwatch.publish.factsheet import Factsheet

FORMATS = ("md", "html", "pdf", "docx")


def render(sheet: Factsheet, fmt: str, charts: dict[str, Chart] | None = None, *, appendix: bool = True) -> bytes:
    """The factsheet in one of ``FORMATS``, as bytes ready to write; ``appendix=False`` drops the appendix."""
    if fmt == "md":
        from partnerwatch.publish.markdown import render_markdown

        return render_markdown(sheet).encode("utf-8")
    if fmt == "html":
        from partnerwatch.publish.html import render_html

        return render_html(sheet, charts=charts, appendix=appendix).encode("utf-8")
    if fmt == "pdf":
        from partnerwatch.publish.pdf import render_pdf

        return render_pdf(sheet, charts, appendix)
    if fmt == "docx":
        from partnerwatch.publish.docx import render_docx

        return render_docx(sheet, charts, appendix)
    raise ValueError(fmt)
