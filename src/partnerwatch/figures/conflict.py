"""Armed conflict for any country, from UCDP: battle-related deaths by year, and whether the U.S. backed the government.

Where ACLED is not loaded this is what the data can say of the violence; it
is not civilian harm (UCDP's battle-related deaths are combatants and
civilians killed in fighting between organised sides). UCDP/PRIO lists the
states that supported a side with troops (``side_a_2nd``): the United States
among the government's supporters is a fact of the dataset, often through a
UN mission's contingent, and is reported as such.
"""

from __future__ import annotations

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import shorter_note, span_text, years_in
from partnerwatch.figures.model import Figure

FAMILY = "conflict"


def battle_deaths_by_year(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-battle-deaths-{ctx.span}"
    label = f"Battle-related deaths in armed conflicts in the country, by year and opponent (UCDP), {ctx.span}"
    t = ctx.table("conflict_deaths")
    rows = t.filter(
        (t.dataset == "ucdp-brd") & (t.country_iso3 == ctx.iso3) & t.year.between(*ctx.period) & t.deaths_best.notnull()
    )
    years = years_in(ctx, rows, "year")
    if not years:
        return unavailable(fig_id, FAMILY, label, "persons", ctx.span, "no UCDP battle-related deaths loaded")
    covered = span_text(years)
    grouped = (
        rows.group_by(["year", "side_b"])
        .aggregate(deaths=rows.deaths_best.sum(), us=rows.supporting_iso3.contains("USA").any())
        .order_by(["year", "side_b"])
    )
    table = tuple(
        {
            "year": int(r["year"]),
            "opponent": r["side_b"],
            "battle_deaths": int(r["deaths"]),
            "us_supported_government": bool(r["us"]),
        }
        for r in ctx.rows(grouped)
    )
    return Figure(
        id=fig_id,
        topic="battle_deaths_by_year",
        label=f"Battle-related deaths in armed conflicts in the country, by year and opponent (UCDP), {covered}",
        unit="persons",
        period=covered,
        value=float(sum(int(str(r["battle_deaths"])) for r in table)),
        item=f"{len({r['opponent'] for r in table})} opponents",
        method="UCDP Battle-Related Deaths (dyadic), best estimates summed per year and opposing side for dyads"
        " located in the country; 'U.S. supported the government' when UCDP lists the United States among the"
        " secondary supporters of side A (troops, often a UN contingent)."
        + shorter_note(ctx, covered, "UCDP years loaded"),
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        chart={"type": "bar", "x": "year", "y": "battle_deaths", "color": "opponent"},
    )
