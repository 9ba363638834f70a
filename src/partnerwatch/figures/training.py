"""Training figures from the FMTR rows: trainees by program and year, course titles, units trained."""

from __future__ import annotations

import functools
import operator
import re

import ibis

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import years_text
from partnerwatch.figures.model import Figure

FAMILY = "training"
METHOD = (
    "Sum of trainees (quantity) in the Foreign Military Training Report rows; programs grouped by funding"
    " account ({covered}). Years without a loaded report count as no data, not as zero; a loaded report with"
    " no section for the country counts as zero."
)


def _chosen(ctx: FigureContext) -> list[tuple[int, int]]:
    """(fiscal year, snapshot) pairs whose rows the country's training figures use: one report per year."""
    if "training_chosen" not in ctx.memo:
        ctx.memo["training_chosen"] = sorted(chosen_reports(ctx, ctx.iso3).get(ctx.iso3, {}).items())
    return list(ctx.memo["training_chosen"])


def chosen_reports(ctx: FigureContext, iso3: str | None = None) -> dict[str, dict[int, int]]:
    """Country -> fiscal year -> the one report (snapshot) whose rows count; every country unless ``iso3``.

    A fiscal year can be in two loaded reports (a region's own report and a report of every region, or a
    two-year report's year ahead). Counted twice it would double the trainees, so each of a country's
    fiscal years takes the rows of one report: the one whose own year it is (``_release_year``), else the
    most recent report that holds it; among equals, the one with fewer regions, then the one loaded last.
    """
    t, s = ctx.table("training"), ctx.table("snapshots")
    mine = t if iso3 is None else t.filter(t.country_iso3 == iso3)
    per_report = (
        mine.filter(mine.fiscal_year.notnull()).group_by(["country_iso3", "fiscal_year", "snapshot_id"]).aggregate()
    )
    joined = per_report.join(s, per_report.snapshot_id == s.id).select(
        "country_iso3", "fiscal_year", "snapshot_id", "release"
    )
    regions = t.group_by("snapshot_id").aggregate(regions=t.region.nunique())
    spread = {int(r["snapshot_id"]): int(r["regions"] or 0) for r in ctx.rows(regions)}
    best: dict[tuple[str, int], tuple[tuple[bool, int, int, int], int]] = {}
    for r in ctx.rows(joined):
        key, snapshot = (str(r["country_iso3"]), int(r["fiscal_year"])), int(r["snapshot_id"])
        released = _release_year(str(r["release"] or ""))
        rank = (released == key[1], released, -spread.get(snapshot, 1), snapshot)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, snapshot)
    chosen: dict[str, dict[int, int]] = {}
    for (country, year), (_rank, snapshot) in sorted(best.items()):
        chosen.setdefault(country, {})[year] = snapshot
    return chosen


def _release_year(release: str) -> int:
    """A report's own year: ``FY2016`` -> 2016; ``FY2000-2001`` -> 2000.

    The two-year reports (FY1999, FY2000) give their first year as done and the second as the year ahead,
    which that year's own report gives again, complete.
    """
    years = [int(y) for y in re.findall(r"\d{4}", release)]
    return min(years) if years else 0


def _rows(ctx: FigureContext):  # type: ignore[no-untyped-def]
    t = ctx.table("training")
    chosen = [(year, snapshot) for year, snapshot in _chosen(ctx) if ctx.period[0] <= year <= ctx.period[1]]
    if not chosen:
        return t.filter((t.country_iso3 == ctx.iso3) & (t.fiscal_year == -1))
    pick = functools.reduce(operator.or_, [(t.fiscal_year == y) & (t.snapshot_id == s) for y, s in chosen])
    return t.filter((t.country_iso3 == ctx.iso3) & pick)


def report_years(ctx: FigureContext, *, within_period: bool = True) -> list[int]:
    """The fiscal years of the FMTR reports loaded for the country's region, within the period unless told not to."""
    if "training_report_years" not in ctx.memo:
        ctx.memo["training_report_years"] = report_years_by_country(ctx, ctx.iso3).get(ctx.iso3, [])
    years = list(ctx.memo["training_report_years"])
    return [y for y in years if ctx.period[0] <= y <= ctx.period[1]] if within_period else years


def report_years_by_country(ctx: FigureContext, iso3: str | None = None) -> dict[str, list[int]]:
    """Country -> the fiscal years of the FMTR reports loaded for its region; every country with rows unless ``iso3``.

    A report covers one region (or several): a year whose report for the country's region is loaded but
    has no section for the country is a year of zero trainees; a year loaded only for other regions is
    no data for this country. The country's region is the one its rows are printed under. Rows stored
    before regions were kept (no region) may be of any region: their reports count for every country.
    """
    t, totals = ctx.table("training"), ctx.table("training_totals")
    mine = t if iso3 is None else t.filter(t.country_iso3 == iso3)
    by_country: dict[str, set[str | None]] = {}
    for r in ctx.rows(mine.select("country_iso3", "region").distinct()):
        by_country.setdefault(str(r["country_iso3"]), set()).add(r["region"])
    by_snapshot: dict[int, set[str | None]] = {}
    for r in ctx.rows(t.select("snapshot_id", "region").distinct()):
        by_snapshot.setdefault(int(r["snapshot_id"]), set()).add(r["region"])
    years: dict[int, set[int]] = {}
    for r in ctx.rows(totals.filter(totals.fiscal_year.notnull()).select("snapshot_id", "fiscal_year").distinct()):
        years.setdefault(int(r["snapshot_id"]), set()).add(int(r["fiscal_year"]))
    found: dict[str, list[int]] = {}
    for country, regions in by_country.items():
        known = regions - {None}
        covered: set[int] = set()
        for snapshot, printed in by_snapshot.items():
            if not known or None in printed or printed & known:
                covered |= years.get(snapshot, set())
        found[country] = sorted(covered)
    return found


def reports_text(ctx: FigureContext) -> str:
    """ "the 12 FMTR report years loaded, FY2007–FY2016 and FY2019–FY2020" """
    years = report_years(ctx)
    if not years:
        return "no FMTR report loaded"
    return f"the {len(years)} FMTR report year{'s' if len(years) > 1 else ''} loaded, {years_text(years, 'FY')}"


def _covered(ctx: FigureContext) -> str:
    """The report years the figure rests on, and those loaded but outside its period (so none is missed unseen)."""
    inside = report_years(ctx)
    outside = [y for y in report_years(ctx, within_period=False) if y not in inside]
    also = f"; loaded but outside the period: {years_text(outside, 'FY')}" if outside else ""
    return f"reports loaded: {years_text(inside, 'FY') or 'none'}{also}"


def trainees_by_account(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-trainees-by-program-{ctx.span}"
    label = f"Personnel trained by the U.S., by program, in {reports_text(ctx)}"
    rows = _rows(ctx)
    if not ctx.has_rows(rows):
        return unavailable(fig_id, FAMILY, label, "persons", ctx.span, "no FMTR training rows loaded for this country")
    program = rows.account.fill_null(rows.program)
    grouped = (
        rows.mutate(program_account=program)
        .group_by("program_account")
        .aggregate(trainees=rows.quantity.sum())
        .order_by([ibis.desc("trainees"), "program_account"])
    )
    table = tuple(
        {"program": r["program_account"] or "(program heading lost)", "trainees": int(r["trainees"] or 0)}
        for r in ctx.rows(grouped)
    )
    return Figure(
        id=fig_id,
        topic="trainees_by_program",
        label=label,
        unit="persons",
        period=years_text(report_years(ctx), "FY"),
        method=METHOD.format(covered=_covered(ctx)),
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        value=float(sum(int(str(r["trainees"])) for r in table)),
        chart={"type": "bar", "x": "trainees", "y": "program", "title": label},
    )


def trainees_by_year(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-trainees-by-year-{ctx.span}"
    label = f"Personnel trained by the U.S., by fiscal year and program, in {reports_text(ctx)}"
    rows = _rows(ctx)
    if not ctx.has_rows(rows):
        return unavailable(fig_id, FAMILY, label, "persons", ctx.span, "no FMTR training rows loaded for this country")
    program = rows.account.fill_null(rows.program).fill_null("(unknown)")
    grouped = (
        rows.mutate(program_account=program)
        .group_by(["fiscal_year", "program_account"])
        .aggregate(trainees=rows.quantity.sum())
        .order_by(["fiscal_year", "program_account"])
    )
    table = tuple(
        {"fiscal_year": int(r["fiscal_year"]), "program": r["program_account"], "trainees": int(r["trainees"] or 0)}
        for r in ctx.rows(grouped)
    )
    years = report_years(ctx)
    none = [y for y in years if y not in {int(str(r["fiscal_year"])) for r in table}]
    zero = (
        f" No personnel in {years_text(none, 'FY')}: the report is loaded and has no section for them." if none else ""
    )
    return Figure(
        id=fig_id,
        topic="trainees_by_year",
        label=label,
        unit="persons",
        period=years_text(years, "FY"),
        method=METHOD.format(covered=_covered(ctx)) + zero,
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        chart={"type": "stacked", "x": "fiscal_year", "y": "trainees", "color": "program", "title": label},
    )


def course_titles(ctx: FigureContext, account: str = "Peacekeeping Operations") -> Figure:
    fig_id = f"{ctx.iso3.lower()}-course-titles-{account.lower().replace(' ', '-')}"
    label = f"Course titles with trainees under {account}"
    rows = _rows(ctx)
    rows = rows.filter(rows.account == account)
    if not ctx.has_rows(rows):
        return unavailable(fig_id, FAMILY, label, "persons", ctx.span, f"no FMTR rows under {account} for this country")
    grouped = (
        rows.group_by(["fiscal_year", "course_title"])
        .aggregate(trainees=rows.quantity.sum())
        .order_by(["fiscal_year", "course_title"])
    )
    table = tuple(
        {"fiscal_year": int(r["fiscal_year"]), "course_title": r["course_title"], "trainees": int(r["trainees"] or 0)}
        for r in ctx.rows(grouped)
    )
    return Figure(
        id=fig_id,
        topic="training_course_titles",
        label=label,
        unit="persons",
        period=ctx.span,
        method=f"Trainees per course title and fiscal year, FMTR rows whose program is paid from {account}.",
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
    )


def units_trained(ctx: FigureContext, limit: int = 15) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-units-trained-{ctx.span}"
    label = f"Units whose personnel the U.S. trained most, {ctx.span}"
    rows = _rows(ctx)
    rows = rows.filter(rows.student_unit.notnull())
    if not ctx.has_rows(rows):
        return unavailable(fig_id, FAMILY, label, "persons", ctx.span, "no FMTR rows with a student's unit")
    grouped = (
        rows.group_by("student_unit")
        .aggregate(trainees=rows.quantity.sum(), courses=rows.count())
        .order_by([ibis.desc("trainees"), "student_unit"])
        .limit(limit)
    )
    table = tuple(
        {"student_unit": r["student_unit"], "trainees": int(r["trainees"] or 0), "courses": int(r["courses"])}
        for r in ctx.rows(grouped)
    )
    return Figure(
        id=fig_id,
        topic="units_trained",
        label=label,
        unit="persons",
        period=ctx.span,
        method=f"Trainees per student's unit as the FMTR prints it (names are not harmonised), top {limit}.",
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
    )
