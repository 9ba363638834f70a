"""Peacekeeping: the uniformed personnel a country contributed to UN peace operations, by year and mission.

A partner's forces also serve abroad under the UN flag; U.S. peacekeeping
training (PKO, GPOI) is meant for them. The file's yearly figures are
rounded column by column, so the total is used, never female + male.
"""

from __future__ import annotations

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import shorter_note, span_text, years_in, years_text
from partnerwatch.figures.model import Figure

FAMILY = "peacekeeping"
NAMED_MISSIONS = 5
"""Missions named in the chart; the others are summed as 'other missions' so its legend stays readable."""
COMPLETE = 0.9
"""A year whose worldwide total is below this share of the median year's is taken as incomplete (see below)."""


def complete_years(ctx: FigureContext) -> tuple[list[int], list[int]]:
    """The file's years whose worldwide totals look whole, and those that do not.

    The yearly figures are the monthly figures summed and divided by twelve
    whatever the months reported: Rwanda's 531 for 2021 is its January 2021
    contribution (6,378, the UN's own ranking of 31 January 2021) over twelve.
    So a year with months missing reads as a collapse of every contribution;
    the worldwide total shows it (about 6,800 for 2021 against some 90,000),
    and such a year is left out rather than taken as a level.
    """
    t = ctx.table("peacekeeping")
    totals = {int(r["year"]): int(r["x"]) for r in ctx.rows(t.group_by("year").aggregate(x=t.total.sum()))}
    if not totals:
        return [], []
    ordered = sorted(totals.values())
    median = ordered[len(ordered) // 2]
    whole = sorted(y for y, v in totals.items() if v >= COMPLETE * median)
    return whole, sorted(set(totals) - set(whole))


def peacekeeping_contributions(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-peacekeeping-contributions-{ctx.span}"
    label = f"Uniformed personnel contributed to UN peace operations, by year and mission, {ctx.span}"
    t = ctx.table("peacekeeping")
    whole, partial = complete_years(ctx)
    rows = t.filter(
        (t.country_iso3 == ctx.iso3) & t.year.between(*ctx.period) & (t.total > 0) & t.year.isin(whole or [0])
    )
    years = years_in(ctx, rows, "year")
    if not years:
        return unavailable(
            fig_id, FAMILY, label, "persons", ctx.span, "no UN peacekeeping contributions loaded for this country"
        )
    covered = span_text(years)
    by_mission = {
        str(r["mission"]): int(r["personnel"])
        for r in ctx.rows(rows.group_by("mission").aggregate(personnel=rows.total.sum()))
    }
    named = sorted(by_mission, key=lambda m: (-by_mission[m], m))[:NAMED_MISSIONS]
    grouped = rows.group_by(["year", "mission"]).aggregate(personnel=rows.total.sum()).order_by(["year", "mission"])
    table: dict[tuple[int, str], int] = {
        (int(r["year"]), str(r["mission"])): int(r["personnel"]) for r in ctx.rows(grouped)
    }
    last = max(years)
    return Figure(
        id=fig_id,
        topic="peacekeeping_contributions_by_year",
        label=f"Uniformed personnel contributed to UN peace operations, by year and mission, {covered}",
        unit="persons",
        period=covered,
        value=float(sum(v for (year, _m), v in table.items() if year == last)),
        item=str(last),
        method="Total uniformed personnel (troops, police, experts) per year and mission as the yearly file gives"
        " them (its aggregation of the UN's monthly reports is not stated; the total is used, never female +"
        f" male); the chart names the {NAMED_MISSIONS} largest missions and shows the others as 'other missions'."
        + (
            f" Left out as incomplete: {years_text(partial)}, whose worldwide totals are far below the other years'"
            " (the file averages the months it has over twelve)."
            if partial
            else ""
        )
        + shorter_note(ctx, covered, "contributions loaded"),
        sources=ctx.sources(rows),
        rows=tuple(
            {
                "year": year,
                "mission": mission,
                "personnel": personnel,
                "chart_mission": mission if mission in named else "other missions",
            }
            for (year, mission), personnel in sorted(table.items())
        ),
        family=FAMILY,
        # Every mission is in the table; the chart names the largest and stacks the rest as one colour.
        chart={"type": "bar", "x": "year", "y": "personnel", "color": "chart_mission"},
    )
