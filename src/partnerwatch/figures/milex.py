"""Military expenditure figures from the SIPRI Milex rows."""

from __future__ import annotations

import ibis

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import shorter_note, span_text, years_in
from partnerwatch.figures.model import Figure

FAMILY = "milex"


def milex_peak(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-milex-peak-{ctx.span}"
    label = f"Peak military expenditure (current US$), {ctx.span}"
    t = ctx.table("milex")
    rows = t.filter(
        (t.country_iso3 == ctx.iso3)
        & (t.measure == "current_usd_millions")
        & t.value.notnull()
        & t.year.between(*ctx.period)
    )
    if not ctx.has_rows(rows):
        return unavailable(
            fig_id, FAMILY, label, "usd", ctx.span, "no SIPRI military expenditure loaded for this country"
        )
    top = ctx.rows(rows.order_by([ibis.desc("value"), "year"]).limit(1))[0]
    covered = span_text(years_in(ctx, rows, "year"))
    return Figure(
        id=fig_id,
        topic="milex_peak",
        # A peak always carries its year, in the label itself: "Peak … in 2021 (highest of 2001–2021)".
        label=f"Peak military expenditure (current US$), in {top['year']} (the highest of {covered})",
        unit="usd",
        period=str(top["year"]),
        value=float(top["value"]) * 1e6,
        item=str(top["year"]),
        method="Highest current-US$ figure in the period (SIPRI gives US$ m.)."
        + shorter_note(ctx, covered, "SIPRI figures loaded"),
        sources=ctx.sources(rows),
        family=FAMILY,
    )


def milex_share_of_government_spending(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-milex-share-of-government-{ctx.span}"
    label = f"Military expenditure as a share of government spending, {ctx.span}"
    t = ctx.table("milex")
    rows = t.filter(
        (t.country_iso3 == ctx.iso3)
        & (t.measure == "share_of_government_spending")
        & t.value.notnull()
        & t.year.between(*ctx.period)
    )
    if not ctx.has_rows(rows):
        return unavailable(fig_id, FAMILY, label, "percent", ctx.span, "no SIPRI share of government spending loaded")
    table = tuple(
        {"year": int(r["year"]), "percent": round(float(r["value"]) * 100, 1), "estimate": r["estimate"]}
        for r in ctx.rows(rows.order_by("year"))
    )
    covered = span_text([int(str(r["year"])) for r in table])
    return Figure(
        id=fig_id,
        topic="milex_share_of_government_spending",
        label=f"Military expenditure as a share of government spending, {covered}",
        unit="percent",
        period=covered,
        method="SIPRI's military expenditure as a share of general government expenditure, per year.",
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        chart={"type": "line", "x": "year", "y": "percent", "title": label},
    )
