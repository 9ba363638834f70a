"""SIPRI Military Expenditure Database workbook."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.sipri_milex.parse import parse_milex_workbook

SOURCE = Source(
    name="sipri-milex",
    title="SIPRI Military Expenditure Database",
    reads="SIPRI-Milex-data-YYYY-YYYY.xlsx (one sheet per measure)",
    tables=("milex",),
    origin=Origin.from_package(__name__),
    parse=parse_milex_workbook,
)

__all__ = ["SOURCE", "parse_milex_workbook"]
