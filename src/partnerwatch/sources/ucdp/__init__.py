"""UCDP: battle-related deaths, the armed-conflict dataset, and georeferenced events."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.ucdp.conflicts import parse_acd, parse_brd
from partnerwatch.sources.ucdp.ged import parse_ged

ORIGIN = Origin.from_package(__name__)
BRD_SOURCE = Source(
    name="ucdp-brd",
    title="UCDP Battle-Related Deaths (dyadic)",
    reads="ucdp-brd-dyadic-*.csv (or its zip)",
    tables=("conflict_deaths",),
    origin=ORIGIN,
    parse=parse_brd,
)
ACD_SOURCE = Source(
    name="ucdp-acd",
    title="UCDP/PRIO Armed Conflict Dataset",
    reads="ucdp-prio-acd-*.csv or .zip",
    tables=("conflict_deaths",),
    origin=ORIGIN,
    parse=parse_acd,
)
GED_SOURCE = Source(
    name="ucdp-ged",
    title="UCDP Georeferenced Event Dataset",
    reads="ged*.csv or .zip (49 columns)",
    tables=("harm_events",),
    origin=ORIGIN,
    parse=parse_ged,
)

__all__ = ["ACD_SOURCE", "BRD_SOURCE", "GED_SOURCE"]
