"""Foreign Military Training Report (FMTR) PDFs: training rows reconciled to the report's totals."""

from pathlib import Path

from partnerwatch.sources.base import Origin, ParsedFile, ProgressCallback, Source
from partnerwatch.sources.fmtr.parse import parse_fmtr_pdf
from partnerwatch.sources.fmtr.web import is_web_page, parse_fmtr_web


def parse_fmtr(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    """A report as published: a PDF (FY2000-FY2020) or a web page (FY1999, FY2006), told apart by its bytes."""
    if path.is_file() and is_web_page(path):
        return parse_fmtr_web(path, progress)
    return parse_fmtr_pdf(path, progress)


SOURCE = Source(
    name="fmtr",
    title="Foreign Military Training Report, Volume I, country training tables",
    reads="FMTR PDF (read with poppler's pdftotext) or web page, any region, FY1999-FY2020",
    tables=("training", "training_totals"),
    origin=Origin.from_package(__name__),
    parse=parse_fmtr,
    parallel=True,
)

__all__ = ["SOURCE", "parse_fmtr", "parse_fmtr_pdf", "parse_fmtr_web"]
