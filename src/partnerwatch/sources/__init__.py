"""The explicit registry of sources: a name the CLI accepts -> the source that reads it.

No module scanning and no plugins loaded as a side effect: adding a source
means adding its package and one line here.
"""

from __future__ import annotations

from partnerwatch.errors import PartnerWatchError
from partnerwatch.sources import (
    acled,
    awsd,
    coups,
    curated,
    fmtr,
    foreignassistance,
    greenbook,
    idmc,
    iom_dtm,
    sipri_milex,
    sipri_transfers,
    state_budget,
    table,
    ucdp,
    un_peacekeeping,
    un_treaties,
)
from partnerwatch.sources.base import Origin, ParsedFile, Source

REGISTRY: dict[str, Source] = {
    source.name: source
    for source in (
        sipri_transfers.SOURCE,
        sipri_milex.SOURCE,
        fmtr.SOURCE,
        foreignassistance.SOURCE,
        greenbook.SOURCE,
        state_budget.SOURCE,
        acled.SOURCE,
        ucdp.BRD_SOURCE,
        ucdp.ACD_SOURCE,
        ucdp.GED_SOURCE,
        idmc.SOURCE,
        iom_dtm.SOURCE,
        awsd.SOURCE,
        un_treaties.SOURCE,
        coups.SOURCE,
        un_peacekeeping.SOURCE,
        table.SOURCE,
        curated.SOURCE,
    )
}


def get_source(name: str) -> Source:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise PartnerWatchError.single(
            "unknown-source", f"no source named {name!r}; registered sources: {known}"
        ) from None


__all__ = ["REGISTRY", "Origin", "ParsedFile", "Source", "get_source"]
