"""The treaty-ratification annex from the UN Treaty Collection status files."""

from __future__ import annotations

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.model import Figure


def treaty_ratifications(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-treaty-ratifications"
    label = "Core UN human-rights treaties: status"
    t = ctx.table("treaty_status")
    rows = t.filter(t.country_iso3 == ctx.iso3)
    if not ctx.has_rows(rows):
        return unavailable(fig_id, "legal", label, "", "", "no UN treaty status files loaded")
    table = tuple(
        {"treaty": r["treaty"], "name": r["treaty_name"], "status": r["status"], "year": r["ratification_year"]}
        for r in ctx.rows(rows.order_by("treaty"))
    )
    parties = sum(1 for r in table if r["status"] == "state party")
    return Figure(
        id=fig_id,
        topic="treaty_ratifications",
        label=label,
        unit="count",
        period="",
        value=float(parties),
        method="Status per treaty in the UN Treaty Collection extraction; value is the number of treaties the state is"
        " party to.",
        sources=ctx.sources(rows),
        rows=table,
        family="legal",
    )
