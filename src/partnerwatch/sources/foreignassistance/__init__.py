"""ForeignAssistance.gov: country summary and activity-level complete files, and the data API."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.foreignassistance.parse import parse_foreignassistance

SOURCE = Source(
    name="foreignassistance",
    title="ForeignAssistance.gov: U.S. foreign assistance",
    reads="country summary CSV, activity-level complete CSV, or data-API download (shape from the header)",
    tables=("assistance",),
    origin=Origin.from_package(__name__),
    parse=parse_foreignassistance,
)

__all__ = ["SOURCE", "parse_foreignassistance"]
