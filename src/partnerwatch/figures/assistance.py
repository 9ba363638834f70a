"""U.S. assistance figures from ForeignAssistance.gov rows.

Only obligations and disbursements are money that moved; figures say which
they use. The country summary, the complete file and API downloads overlap,
so a figure uses one of them for a country — the most detailed loaded
(complete file or API, else the country summary) — never their sum.
"""

from __future__ import annotations

from ibis.expr.types import Table

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.model import Figure

FAMILY = "assistance"
MOVED = ("Obligations", "Disbursements")
HUMANITARIAN = ("Humanitarian Assistance", "Health")
SECURITY = ("Peace and Security",)


def _rows(ctx: FigureContext, detailed: bool = False) -> tuple[Table, str]:
    """The assistance rows of the country from one kind of snapshot, and that kind's name."""
    a, s = ctx.table("assistance"), ctx.table("snapshots")
    joined = a.join(s, a.snapshot_id == s.id).filter(a.country_iso3 == ctx.iso3)
    scopes = {r["scope"] for r in ctx.rows(joined.select("scope").distinct())}
    detailed_scopes = sorted(
        x for x in scopes if x == "complete" or x.startswith("api:") or x.startswith("assistance:")
    )
    chosen = (
        detailed_scopes
        if detailed_scopes
        else ([] if detailed else sorted(x for x in scopes if x == "country-summary"))
    )
    kind = "activity-level data" if detailed_scopes else "country summary"
    rows = joined.filter(joined.scope.isin(chosen or ["-"]))
    return rows.select(a.columns), kind


def aid_by_year(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-us-aid-by-year-{ctx.span}"
    label = f"U.S. foreign assistance obligated and disbursed, by fiscal year, {ctx.span}"
    rows, kind = _rows(ctx)
    rows = rows.filter(rows.transaction_type.isin(MOVED) & rows.fiscal_year.between(*ctx.period))
    if not ctx.has_rows(rows):
        return unavailable(
            fig_id, FAMILY, label, "usd", ctx.span, "no ForeignAssistance.gov data loaded for this country"
        )
    by_year = (
        rows.group_by(["fiscal_year", "transaction_type"])
        .aggregate(amount=rows.amount_usd.sum())
        .order_by(["fiscal_year", "transaction_type"])
    )
    table = tuple(
        {
            "fiscal_year": int(r["fiscal_year"]),
            "transaction_type": r["transaction_type"],
            "amount_usd": round(r["amount"], 2),
        }
        for r in ctx.rows(by_year)
    )
    return Figure(
        id=fig_id,
        topic="us_aid_by_year",
        label=label,
        unit="usd",
        period=ctx.span,
        method="Sum of current-dollar obligations and disbursements per fiscal year, from the ForeignAssistance.gov"
        f" {kind}.",
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        chart={"type": "line", "x": "fiscal_year", "y": "amount_usd", "color": "transaction_type", "title": label},
    )


def aid_by_category(ctx: FigureContext, year: int | None = None) -> Figure:
    label_year = year or ctx.period[1]
    fig_id = f"{ctx.iso3.lower()}-us-aid-by-category-{label_year}"
    label = f"U.S. assistance obligated by category, FY{label_year}"
    rows, _kind = _rows(ctx, detailed=True)
    rows = rows.filter(
        (rows.transaction_type == "Obligations") & (rows.fiscal_year == label_year) & rows.category.notnull()
    )
    if not ctx.has_rows(rows):
        return unavailable(
            fig_id,
            FAMILY,
            label,
            "usd",
            f"FY{label_year}",
            "no category-level assistance data loaded (load the ForeignAssistance.gov complete file"
            " or run 'fetch foreignassistance')",
        )
    grouped = rows.group_by("category").aggregate(amount=rows.amount_usd.sum()).order_by("category")
    table = tuple({"category": r["category"], "amount_usd": round(r["amount"], 2)} for r in ctx.rows(grouped))
    return Figure(
        id=fig_id,
        topic="us_aid_by_category",
        label=label,
        unit="usd",
        period=f"FY{label_year}",
        method="Sum of current-dollar obligations per factsheet category (mapped from US Category).",
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        chart={"type": "bar", "x": "amount_usd", "y": "category", "title": label},
    )


def humanitarian_to_security_ratio(ctx: FigureContext, year: int | None = None) -> Figure:
    by_category = aid_by_category(ctx, year)
    fig_id = by_category.id.replace("by-category", "humanitarian-to-security")
    label = f"Humanitarian and health assistance per dollar of peace and security assistance, {by_category.period}"
    if by_category.unavailable:
        return unavailable(fig_id, FAMILY, label, "ratio", by_category.period, by_category.unavailable)
    amounts = {str(r["category"]): float(str(r["amount_usd"])) for r in by_category.rows}
    humanitarian = sum(amounts.get(c, 0.0) for c in HUMANITARIAN)
    security = sum(amounts.get(c, 0.0) for c in SECURITY)
    if security <= 0:
        return unavailable(fig_id, FAMILY, label, "ratio", by_category.period, "no peace and security obligations")
    return Figure(
        id=fig_id,
        topic="humanitarian_to_security_ratio",
        label=label,
        unit="ratio",
        period=by_category.period,
        method="(Humanitarian Assistance + Health obligations) / Peace and Security obligations.",
        sources=by_category.sources,
        value=round(humanitarian / security, 2),
        family=FAMILY,
    )


def security_assistance_by_program(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-security-assistance-by-program-{ctx.span}"
    label = f"U.S. security assistance obligated, by program, {ctx.span}"
    rows, _kind = _rows(ctx, detailed=True)
    rows = rows.filter(
        (rows.transaction_type == "Obligations") & rows.category.isin(SECURITY) & rows.fiscal_year.between(*ctx.period)
    )
    if not ctx.has_rows(rows):
        return unavailable(
            fig_id,
            FAMILY,
            label,
            "usd",
            ctx.span,
            "no program-level security assistance loaded (ForeignAssistance.gov complete file, API,"
            " or an analyst's table)",
        )
    grouped = rows.group_by("program").aggregate(amount=rows.amount_usd.sum()).order_by(rows.amount_usd.sum().desc())
    table = tuple({"program": r["program"], "amount_usd": round(r["amount"], 2)} for r in ctx.rows(grouped))
    return Figure(
        id=fig_id,
        topic="security_assistance_by_program",
        label=label,
        unit="usd",
        period=ctx.span,
        method="Sum of Peace and Security obligations by funding account over the period.",
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        chart={"type": "bar", "x": "amount_usd", "y": "program", "title": label},
    )
