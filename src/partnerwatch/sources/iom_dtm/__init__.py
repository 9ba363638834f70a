"""IOM Displacement Tracking Matrix baseline assessments."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.iom_dtm.parse import parse_dtm

SOURCE = Source(
    name="iom-dtm",
    title="IOM DTM baseline assessments",
    reads="DTM baseline assessment .xlsx (IDPs by admin area, one round)",
    tables=("displacement",),
    origin=Origin.from_package(__name__),
    parse=parse_dtm,
)

__all__ = ["SOURCE", "parse_dtm"]
