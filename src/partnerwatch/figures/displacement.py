"""Displacement and humanitarian-access figures: IDMC trend, IOM DTM rounds, attacks on aid workers."""

from __future__ import annotations

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import span_text
from partnerwatch.figures.model import Figure


def idp_stock_by_year(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-conflict-idps-by-year"
    label = "People internally displaced by conflict and violence at year end (IDMC)"
    t = ctx.table("displacement")
    rows = t.filter(
        (t.country_iso3 == ctx.iso3)
        & (t.measure == "idps_stock")
        & (t.cause == "conflict")
        & t.value.notnull()
        & t.round.isnull()
        & t.year.between(*ctx.period)
    )
    if not ctx.has_rows(rows):
        return unavailable(
            fig_id, "displacement", label, "persons", "", "no IDMC displacement data loaded for this country and period"
        )
    table = tuple({"year": int(r["year"]), "idps": int(r["value"])} for r in ctx.rows(rows.order_by("year")))
    return Figure(
        id=fig_id,
        topic="idps_by_year",
        label=label,
        unit="persons",
        period=span_text([int(str(r["year"])) for r in table]),
        value=float(str(table[-1]["idps"])),
        item=str(table[-1]["year"]),
        method="IDMC's published (rounded) conflict stock figure per year within the period; value is the latest year.",
        sources=ctx.sources(rows),
        rows=table,
        family="displacement",
        chart={"type": "line", "x": "year", "y": "idps", "title": label},
    )


def dtm_rounds(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-dtm-idps-by-round"
    label = "Internally displaced people counted by IOM DTM, by assessment"
    t = ctx.table("displacement")
    rows = t.filter(
        (t.country_iso3 == ctx.iso3) & (t.measure == "idps") & t.date.notnull() & t.year.between(*ctx.period)
    )
    if not ctx.has_rows(rows):
        return unavailable(
            fig_id, "displacement", label, "persons", "", "no IOM DTM assessments loaded for this country"
        )
    grouped = rows.group_by(["date", "round"]).aggregate(idps=rows.value.sum()).order_by("date")
    table = tuple({"date": r["date"], "round": r["round"] or "", "idps": int(r["idps"])} for r in ctx.rows(grouped))
    return Figure(
        id=fig_id,
        topic="dtm_idps",
        label=label,
        unit="persons",
        period=f"{table[0]['date']} to {table[-1]['date']}",
        value=float(str(table[-1]["idps"])),
        method="Sum of individuals over the admin areas of each DTM baseline assessment.",
        sources=ctx.sources(rows),
        rows=table,
        family="displacement",
    )


def aid_worker_attacks(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-aid-worker-attacks-{ctx.span}"
    label = f"Major attacks on aid workers, by year, {ctx.span}"
    t = ctx.table("aid_worker_incidents")
    rows = t.filter((t.country_iso3 == ctx.iso3) & t.year.between(*ctx.period))
    if not ctx.has_rows(rows):
        return unavailable(
            fig_id, "humanitarian_access", label, "count", ctx.span, "no AWSD incidents loaded for this country"
        )
    grouped = (
        rows.group_by("year")
        .aggregate(incidents=rows.count(), killed=rows.killed.sum(), kidnapped=rows.kidnapped.sum())
        .order_by("year")
    )
    table = tuple(
        {
            "year": int(r["year"]),
            "incidents": int(r["incidents"]),
            "killed": int(r["killed"] or 0),
            "kidnapped": int(r["kidnapped"] or 0),
        }
        for r in ctx.rows(grouped)
    )
    return Figure(
        id=fig_id,
        topic="aid_worker_attacks",
        label=label,
        unit="count",
        period=ctx.span,
        value=float(sum(int(str(r["incidents"])) for r in table)),
        method="AWSD incidents per year, with aid workers killed and kidnapped.",
        sources=ctx.sources(rows),
        rows=table,
        family="humanitarian_access",
        chart={"type": "bar", "x": "year", "y": "incidents", "title": label},
    )
