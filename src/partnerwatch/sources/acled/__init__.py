"""ACLED event files in every published shape, with every actor classified."""

from partnerwatch.sources.acled.parse import parse_acled
from partnerwatch.sources.base import Origin, Source

SOURCE = Source(
    name="acled",
    title="ACLED: Armed Conflict Location & Event Data",
    reads="ACLED CSV: current export/API, dyadic export, HDX country file (HXL row), monadic export;"
    " ACLED's aggregated monthly workbooks (.xlsx)",
    tables=("harm_events", "acled_monthly"),
    origin=Origin.from_package(__name__),
    parse=parse_acled,
)

__all__ = ["SOURCE", "parse_acled"]
