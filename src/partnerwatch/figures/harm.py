"""Civilian-harm figures from harm_events: who kills civilians, how many, and is it getting worse.

ACLED is the default event source (UCDP GED rows are kept apart: the two are
never added). Civilian harm is "civilian targeting" events; fatalities are as
reported, a floor rather than a count. The partner's own forces and those
fighting beside them are the event country's state forces, pro-government
militias and private military companies, as actor 1 or as actor 1's
associates.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import shorter_note, span_text, years_in
from partnerwatch.figures.model import Figure

FAMILY = "civilian_harm"
STATE_AND_ALLIES = ("state_forces", "pro_government_militia", "private_military_company")


def by_state_and_allies(events: Table) -> Table:
    """Events whose actor 1, or one of its associates, is state forces, a pro-government militia or a PMC."""
    allied = events.perpetrator_class.isin(STATE_AND_ALLIES)
    for cls in STATE_AND_ALLIES:
        allied = allied | events.assoc_actor_1_classes.fill_null("").contains(cls)
    return events.filter(allied)


def _civilian(ctx: FigureContext, source: str = "acled") -> Table:
    t = ctx.table("harm_events")
    return t.filter(
        (t.country_iso3 == ctx.iso3) & (t.source == source) & t.civilian_targeting & t.year.between(*ctx.period)
    )


def _covered(ctx: FigureContext) -> str:
    """The years of the ACLED events loaded for the country, within the period asked for ("2001–2020")."""
    t = ctx.table("harm_events")
    loaded = t.filter((t.country_iso3 == ctx.iso3) & (t.source == "acled") & t.year.between(*ctx.period))
    return span_text(years_in(ctx, loaded, "year"))


def civilian_fatalities_by_perpetrator(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-civilian-fatalities-by-perpetrator-{ctx.span}"
    rows = _civilian(ctx)
    if not ctx.has_rows(rows):
        label = f"Fatalities in civilian-targeting events, by perpetrator and year, {ctx.span}"
        return unavailable(
            fig_id, FAMILY, label, "persons", ctx.span, "no ACLED events loaded for this country and period"
        )
    covered = _covered(ctx)
    label = f"Fatalities in civilian-targeting events, by perpetrator and year, {covered}"
    grouped = (
        rows.group_by(["year", "perpetrator_class"])
        .aggregate(events=rows.count(), fatalities=rows.fatalities.sum())
        .order_by(["year", "perpetrator_class"])
    )
    table = tuple(
        {
            "year": int(r["year"]),
            "perpetrator": r["perpetrator_class"],
            "events": int(r["events"]),
            "fatalities": int(r["fatalities"] or 0),
        }
        for r in ctx.rows(grouped)
    )
    return Figure(
        id=fig_id,
        topic="civilian_fatalities_by_perpetrator",
        label=label,
        unit="persons",
        period=covered,
        method="ACLED civilian-targeting events (read or derived as ACLED defines it): events and reported fatalities"
        " by year and by the class of actor 1." + shorter_note(ctx, covered, "ACLED events loaded"),
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        chart={"type": "stacked", "x": "year", "y": "fatalities", "color": "perpetrator", "title": label},
    )


def state_and_allies_fatalities(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-state-and-allies-civilian-fatalities-{ctx.span}"
    rows = _civilian(ctx)
    if not ctx.has_rows(rows):
        label = f"Civilians killed in events by state forces and their allies, {ctx.span}"
        return unavailable(
            fig_id, FAMILY, label, "persons", ctx.span, "no ACLED events loaded for this country and period"
        )
    covered = _covered(ctx)
    label = f"Civilians killed in events by state forces and their allies, {covered}"
    chosen = by_state_and_allies(rows)
    total = ctx.rows(chosen.aggregate(fatalities=chosen.fatalities.sum(), events=chosen.count()))[0]
    return Figure(
        id=fig_id,
        topic="state_and_allies_civilian_fatalities",
        label=label,
        unit="persons",
        period=covered,
        value=float(total["fatalities"] or 0),
        item=f"{int(total['events'])} events",
        method="Reported fatalities of ACLED civilian-targeting events whose actor 1, or one of its associates, is the"
        " country's state forces, a pro-government militia or a private military company."
        + shorter_note(ctx, covered, "ACLED events loaded"),
        sources=ctx.sources(rows),
        family=FAMILY,
    )


def latest_quarter_vs_previous_year(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-civilian-fatalities-latest-quarter-vs-year"
    label = "Civilian-targeting fatalities: latest quarter against the whole previous year"
    t = ctx.table("harm_events")
    rows = t.filter((t.country_iso3 == ctx.iso3) & (t.source == "acled") & t.civilian_targeting)
    if not ctx.has_rows(rows):
        return unavailable(fig_id, FAMILY, label, "persons", "", "no ACLED events loaded for this country")
    last = ctx.rows(rows.aggregate(last=rows.event_date.max()))[0]["last"]
    quarter = (last.month - 1) // 3 + 1
    q_rows = rows.filter((rows.year == last.year) & (((rows.event_date.month() - 1) // 3 + 1) == quarter))
    y_rows = rows.filter(rows.year == last.year - 1)
    q = ctx.rows(q_rows.aggregate(f=q_rows.fatalities.sum()))[0]["f"] or 0
    y = ctx.rows(y_rows.aggregate(f=y_rows.fatalities.sum()))[0]["f"] or 0
    period = f"{last.year}-Q{quarter} vs {last.year - 1}"
    table = (
        {"period": f"{last.year}-Q{quarter} (to {last.isoformat()})", "fatalities": int(q)},
        {"period": str(last.year - 1), "fatalities": int(y)},
    )
    return Figure(
        id=fig_id,
        topic="civilian_fatalities_change",
        label=label,
        unit="percent",
        period=period,
        value=round((q / y - 1) * 100, 1) if y else None,
        rows=table,
        method="Reported fatalities of ACLED civilian-targeting events in the latest quarter with data (which may be"
        " incomplete) compared with the whole previous calendar year; value is the change in percent.",
        sources=ctx.sources(rows),
        family=FAMILY,
    )


def deadliest_events(ctx: FigureContext, limit: int = 5) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-deadliest-civilian-events-{ctx.span}"
    rows = _civilian(ctx)
    if not ctx.has_rows(rows):
        label = f"Deadliest civilian-targeting events, {ctx.span}"
        return unavailable(
            fig_id, FAMILY, label, "persons", ctx.span, "no ACLED events loaded for this country and period"
        )
    covered = _covered(ctx)
    label = f"Deadliest civilian-targeting events, {covered}"
    top = rows.order_by([ibis.desc("fatalities"), "event_date"]).limit(limit)
    table = tuple(
        {
            "date": r["event_date"],
            "location": r["location"],
            "admin1": r["admin1"],
            "perpetrator": r["actor1"],
            "class": r["perpetrator_class"],
            "fatalities": int(r["fatalities"] or 0),
        }
        for r in ctx.rows(top)
    )
    return Figure(
        id=fig_id,
        topic="deadliest_civilian_events",
        label=label,
        unit="persons",
        period=covered,
        method=f"The {limit} ACLED civilian-targeting events with the most reported fatalities."
        + shorter_note(ctx, covered, "ACLED events loaded"),
        sources=ctx.sources(top),
        rows=table,
        family=FAMILY,
        event_level=True,
    )
