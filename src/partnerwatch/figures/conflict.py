"""Armed conflict for any country, from UCDP: battle-related deaths by year, and whether the U.S. backed the government.

Where ACLED is not loaded this is what the data can say of the violence; it
is not civilian harm (UCDP's battle-related deaths are combatants and
civilians killed in fighting between organised sides). UCDP/PRIO lists the
states that supported a side with troops (``side_a_2nd``): the United States
among the government's supporters is a fact of the dataset, often through a
UN mission's contingent, and is reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ibis.expr.types import Table

from partnerwatch.countries import crosswalk
from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import shorter_note, span_text, years_in, years_text
from partnerwatch.figures.model import Figure, SourceRef

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


@dataclass
class ConflictYear:
    """One conflict in one year, its opponents and side A's supporters from every UCDP dataset loaded."""

    conflict_id: str
    year: int
    incompatibility: int | None
    opponents: set[str] = field(default_factory=set)
    supporters: set[str] = field(default_factory=set)
    war: bool = False


def _conflict_years(ctx: FigureContext) -> list[ConflictYear]:
    """Conflict-years located in the country with the government as side A, from UCDP/PRIO and UCDP BRD together.

    The Armed Conflict Dataset has one row per conflict and year (1946 on), the battle-deaths file one per
    dyad and year (1989 on); both join several opponents with ", ". A conflict-year is taken from both, its
    opponents and supporters united, so that each dataset covers the years the other lacks.
    """
    if "conflict_years" in ctx.memo:
        return list(ctx.memo["conflict_years"])
    rows = _ucdp_rows(ctx)
    columns = ("dataset", "conflict_id", "year", "side_a", "side_b", "supporting_iso3", "incompatibility")
    found = ctx.rows(rows.select(*columns, "intensity_level", "deaths_best"))
    deaths: dict[tuple[str, int], int] = {}
    walk = crosswalk()
    merged: dict[tuple[str, int], ConflictYear] = {}
    for r in found:
        government = str(r["side_a"] or "")
        if walk.lookup_name(government.removeprefix("Government of "), "ucdp") != ctx.iso3:
            continue
        key = (str(r["conflict_id"]), int(r["year"]))
        incompatibility = int(r["incompatibility"]) if r["incompatibility"] is not None else None
        entry = merged.setdefault(key, ConflictYear(key[0], key[1], incompatibility))
        sides = str(r["side_b"] or "")
        entry.opponents.update(x.strip() for x in sides.split(", ") if x.strip())  # both datasets join with ", "
        entry.supporters.update(x for x in str(r["supporting_iso3"] or "").split(";") if x)
        entry.war = entry.war or (r["intensity_level"] is not None and int(r["intensity_level"]) == 2)
        if r["dataset"] == "ucdp-brd" and r["deaths_best"] is not None:
            deaths[key] = deaths.get(key, 0) + int(r["deaths_best"])
    for key, count in deaths.items():  # BRD has no intensity: a war year is 1,000 deaths over the conflict's dyads
        merged[key].war = merged[key].war or count >= WAR
    ordered = [merged[k] for k in sorted(merged)]
    ctx.memo["conflict_years"] = ordered
    return list(ordered)


INCOMPATIBILITY = {1: "territory", 2: "government", 3: "government and territory"}
WAR = 1_000
"""Battle-related deaths in a conflict-year that make it a war in UCDP's terms (intensity level 2)."""


def _against(years: list[ConflictYear]) -> list[tuple[str, list[int]]]:
    """Each opponent with the years it fought, in order of its first year."""
    found: dict[str, list[int]] = {}
    for y in years:
        for name in y.opponents:
            found.setdefault(name, []).append(y.year)
    return sorted(found.items(), key=lambda kv: (min(kv[1]), kv[0]))


def armed_conflicts(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-armed-conflicts-{ctx.span}"
    label = f"Armed conflicts between the government and armed groups, with their opponents (UCDP), {ctx.span}"
    years = _conflict_years(ctx)
    if not years:
        return unavailable(
            fig_id, FAMILY, label, "conflicts", ctx.span, "no UCDP conflict with this country's government loaded"
        )
    table = []
    for conflict in sorted(
        {y.conflict_id for y in years}, key=lambda c: min(y.year for y in years if y.conflict_id == c)
    ):
        mine = [y for y in years if y.conflict_id == conflict]
        over = mine[0].incompatibility
        table.append(
            {
                "conflict_id": conflict,
                "over": INCOMPATIBILITY.get(over, "not stated") if over is not None else "not stated",
                "conflict_years": years_text(y.year for y in mine),
                "opponents": "; ".join(f"{name} ({years_text(ys)})" for name, ys in _against(mine)),
                "war_years": years_text(y.year for y in mine if y.war) or "none",
                "us_supported_government": years_text(y.year for y in mine if "USA" in y.supporters) or "no",
            }
        )
    covered = span_text(sorted({y.year for y in years}))
    return Figure(
        id=fig_id,
        topic="armed_conflicts",
        label=f"Armed conflicts between the government and armed groups, with their opponents (UCDP), {covered}",
        unit="conflicts",
        period=covered,
        value=float(len(table)),
        method="UCDP/PRIO Armed Conflict Dataset and UCDP Battle-Related Deaths together, conflict-years located in"
        " the country with its government as side A (at least 25 battle-related deaths in the year); a war year"
        " is one with 1,000 or more. Opponents are side B as UCDP names them; 'U.S. supported the government' is"
        " the years UCDP lists the United States among side A's secondary supporters (troops)."
        + shorter_note(ctx, covered, "UCDP conflict-years loaded"),
        sources=_sources(ctx),
        rows=tuple(table),
        family=FAMILY,
    )


def us_supported_government(ctx: FigureContext) -> Figure:
    """The years, and the opponents, for which UCDP lists the United States on the government's side."""
    fig_id = f"{ctx.iso3.lower()}-us-supported-government-{ctx.span}"
    label = f"Years UCDP lists the United States among the supporters of the government in armed conflict, {ctx.span}"
    years = _conflict_years(ctx)
    if not years:
        return unavailable(
            fig_id, FAMILY, label, "years", ctx.span, "no UCDP conflict with this country's government loaded"
        )
    backed = [y for y in years if "USA" in y.supporters]
    covered = span_text(sorted({y.year for y in years}))
    support_years = sorted({y.year for y in backed})
    return Figure(
        id=fig_id,
        topic="us_supported_government",
        label=f"Years UCDP lists the United States among the supporters of the government in armed conflict, {covered}",
        unit="years",
        period=covered,
        value=float(len(support_years)),
        item=years_text(support_years) or "none",
        method="Conflict-years of the UCDP/PRIO Armed Conflict Dataset and UCDP Battle-Related Deaths located in the"
        " country with its government as side A, in which UCDP lists the United States among side A's secondary"
        " supporters (support with troops, often a contingent of a UN mission); per opponent, the years of that"
        " support. Zero years is a finding when UCDP conflicts are loaded: UCDP lists no U.S. support."
        + shorter_note(ctx, covered, "UCDP conflict-years loaded"),
        sources=_sources(ctx),
        rows=tuple(
            {"opponent": name, "support_years": years_text(ys), "first": min(ys), "last": max(ys)}
            for name, ys in _against(backed)
        ),
        family=FAMILY,
    )


def _ucdp_rows(ctx: FigureContext) -> Table:
    """The UCDP/PRIO and BRD rows located in the country, in the period asked for."""
    t = ctx.table("conflict_deaths")
    return t.filter(
        (t.country_iso3 == ctx.iso3) & t.year.between(*ctx.period) & t.dataset.isin(["ucdp-acd", "ucdp-brd"])
    )


def _sources(ctx: FigureContext) -> tuple[SourceRef, ...]:
    return ctx.sources(_ucdp_rows(ctx))
