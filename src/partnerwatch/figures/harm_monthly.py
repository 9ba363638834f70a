"""Civilian targeting and political violence by month, from ACLED's aggregated workbooks.

ACLED publishes monthly counts for every country even where its events are
not loaded here; they carry no actor, so they can say how much violence
targeted civilians, never who committed it (the perpetrator figures need the
events). A workbook published during a month counts that month only to its
publication date: such a month is marked incomplete and left out of the
totals, never read as a fall.
"""

from __future__ import annotations

import re

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import MONTHS
from partnerwatch.figures.model import Figure

FAMILY = "civilian_harm"


def monthly_violence(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-acled-monthly-{ctx.span}"
    label = f"Civilian-targeting and political-violence events and fatalities by month (ACLED aggregates), {ctx.span}"
    m, s = ctx.table("acled_monthly"), ctx.table("snapshots")
    joined = m.join(s, m.snapshot_id == s.id)
    mine = joined.filter(joined.country_iso3 == ctx.iso3)
    rows = mine.filter(mine.year.between(*ctx.period))
    grouped = rows.group_by(["measure", "year", "month", "release"]).aggregate(
        events=rows.events.sum(), fatalities=rows.fatalities.sum()
    )
    found = ctx.rows(grouped.order_by(["measure", "year", "month"]))
    if not found:
        loaded = sorted({int(r["year"]) for r in ctx.rows(mine.select("year").distinct())})
        why = (
            f"ACLED's monthly aggregates loaded for this country cover {', '.join(map(str, loaded))}, outside the"
            " period asked for"
            if loaded
            else "no ACLED aggregated workbook loaded for this country"
        )
        return unavailable(fig_id, FAMILY, label, "events", ctx.span, why)
    table = []
    for r in found:
        published = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(r["release"] or ""))
        partial = published is not None and (int(published.group(1)), int(published.group(2))) == (
            int(r["year"]),
            int(r["month"]),
        )
        table.append(
            {
                "measure": r["measure"],
                "year": int(r["year"]),
                "month": int(r["month"]),
                "events": int(r["events"]),
                "fatalities": int(r["fatalities"]),
                "complete": not partial,
            }
        )
    whole = [r for r in table if r["complete"]]
    civilian = [r for r in whole if r["measure"] == "civilian targeting"]
    months = sorted({(int(str(r["year"])), int(str(r["month"]))) for r in table})
    period = (
        f"{MONTHS[months[0][1] - 1]} {months[0][0]}"
        if len(months) == 1
        else f"{MONTHS[months[0][1] - 1]} {months[0][0]}–{MONTHS[months[-1][1] - 1]} {months[-1][0]}"
    )
    partial_months = sorted({f"{MONTHS[int(str(r['month'])) - 1]} {r['year']}" for r in table if not r["complete"]})
    return Figure(
        id=fig_id,
        topic="acled_monthly_violence",
        label=f"Civilian-targeting and political-violence events and fatalities by month (ACLED aggregates), {period}",
        unit="events",
        period=period,
        value=float(sum(int(str(r["events"])) for r in civilian)) if civilian else None,
        item="civilian-targeting events in the complete months",
        method="Events and reported fatalities per month as ACLED's aggregated workbooks count them, summed over"
        " the country's admin-2 areas where the workbook gives them by area; the months loaded are "
        f"{len(months)} between {period.replace('–', ' and ')} (the months between are not loaded, not zero)."
        " Aggregates carry no actor: who targeted civilians needs ACLED's events."
        + (
            f" {' and '.join(partial_months)} counted only to the workbook's publication date: marked incomplete"
            " and left out of the value."
            if partial_months
            else ""
        ),
        sources=ctx.sources(rows.select(m.columns)),
        rows=tuple(table),
        family=FAMILY,
    )
