"""Powell & Thyne's Global Instances of Coups: every attempt since 1950, successful or failed, with its date."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.coups.parse import parse_coups

SOURCE = Source(
    name="coups",
    title="Powell & Thyne, Global Instances of Coups",
    reads="powell_thyne_coups_final.txt (tab-separated: country, ccode, year, month, day, coup, version)",
    tables=("coups",),
    origin=Origin.from_package(__name__),
    parse=parse_coups,
)

__all__ = ["SOURCE", "parse_coups"]
