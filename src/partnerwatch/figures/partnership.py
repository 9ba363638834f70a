"""The partnership's status: what each coup or restriction changed for U.S. assistance and training."""

from __future__ import annotations

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.model import Figure

WINDOW = 3  # fiscal years before and after


def restrictions_effect(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-restrictions-effect"
    label = f"U.S. assistance and training in the {WINDOW} fiscal years before and after each coup or restriction"
    tl = ctx.table("timeline")
    events = ctx.rows(tl.filter((tl.country_iso3 == ctx.iso3) & tl.kind.isin(["coup", "restriction"])).order_by("date"))
    if not events:
        return unavailable(fig_id, "partnership", label, "usd", "", "no coups or restrictions in the curated timeline")
    a, tr = ctx.table("assistance"), ctx.table("training")
    a = a.filter((a.country_iso3 == ctx.iso3) & (a.transaction_type == "Obligations"))
    s = ctx.table("snapshots")
    a = a.join(s, a.snapshot_id == s.id).filter(s.scope == "country-summary")
    tr = tr.filter(tr.country_iso3 == ctx.iso3)
    obligations = {
        int(r["fiscal_year"]): float(r["x"])
        for r in ctx.rows(a.group_by("fiscal_year").aggregate(x=a.amount_usd.sum()))
    }
    trainees = {
        int(r["fiscal_year"]): int(r["x"] or 0)
        for r in ctx.rows(tr.group_by("fiscal_year").aggregate(x=tr.quantity.sum()))
    }
    if not obligations and not trainees:
        return unavailable(
            fig_id,
            "partnership",
            label,
            "usd",
            "",
            "no ForeignAssistance.gov country summary or FMTR rows loaded to compare",
        )
    table = []
    for event in events:
        # A coup after September falls in the next fiscal year.
        fy = event["date"].year + (1 if event["date"].month >= 10 else 0)
        before, after = range(fy - WINDOW, fy), range(fy + 1, fy + 1 + WINDOW)
        table.append(
            {
                "date": event["date"],
                "event": event["title"],
                "obligations_before_usd": _total(obligations, before),
                "obligations_after_usd": _total(obligations, after),
                "trainees_before": _count(trainees, before),
                "trainees_after": _count(trainees, after),
            }
        )
    return Figure(
        id=fig_id,
        topic="restrictions_effect",
        label=label,
        unit="usd",
        period="",
        method=f"ForeignAssistance.gov obligations (country summary) and FMTR trainees summed over the {WINDOW} fiscal"
        " years before and after the fiscal year of each event; '-' where a year has no loaded data.",
        sources=ctx.sources(a.select(a.snapshot_id)) + ctx.sources(tr),
        rows=tuple(table),
        family="partnership",
    )


def _total(values: dict[int, float], years: range) -> float | None:
    found = [values[y] for y in years if y in values]
    return round(sum(found), 2) if len(found) == len(years) else None


def _count(values: dict[int, int], years: range) -> int | None:
    found = [values[y] for y in years if y in values]
    return sum(found) if len(found) == len(years) else None
