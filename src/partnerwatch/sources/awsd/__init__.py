"""Aid Worker Security Database (Humanitarian Outcomes)."""

from partnerwatch.sources.awsd.parse import parse_awsd
from partnerwatch.sources.base import Origin, Source

SOURCE = Source(
    name="awsd",
    title="Aid Worker Security Database",
    reads="security_incidents.csv (HDX export, HXL row 2)",
    tables=("aid_worker_incidents",),
    origin=Origin.from_package(__name__),
    parse=parse_awsd,
)

__all__ = ["SOURCE", "parse_awsd"]
