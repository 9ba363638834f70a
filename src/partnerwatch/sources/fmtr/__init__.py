"""Foreign Military Training Report (FMTR) PDFs: training rows reconciled to the report's totals."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.fmtr.parse import parse_fmtr_pdf

SOURCE = Source(
    name="fmtr",
    title="Foreign Military Training Report, Volume I, country training tables",
    reads="FMTR PDF (one region and fiscal year), read with poppler's pdftotext",
    tables=("training", "training_totals"),
    origin=Origin.from_package(__name__),
    parse=parse_fmtr_pdf,
)

__all__ = ["SOURCE", "parse_fmtr_pdf"]
