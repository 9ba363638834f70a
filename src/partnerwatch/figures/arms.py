"""Arms-transfer figures from the SIPRI register: suppliers ranked, deliveries by year.

SIPRI gives one delivered-TIV figure per order and the list of years it was
delivered in; a year-by-year figure therefore spreads each order's delivered
TIV evenly over its delivery years (SIPRI's own year figures weigh by units
delivered each year, which the register does not give). The method says so.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.model import Figure

FAMILY = "arms"
SPREAD_METHOD = (
    "Sum of SIPRI TIV of delivered weapons with each order's delivered TIV spread evenly over its listed"
    " delivery years, counting only years in the period; TIV is a volume index, not money; donations and"
    " sales alike."
)


def _deliveries(ctx: FigureContext) -> Table:
    t = ctx.table("arms_transfers")
    t = t.filter((t.recipient_iso3 == ctx.iso3) & t.tiv_delivered.notnull() & (t.delivery_years.length() > 0))
    spread = t.mutate(tiv_per_year=t.tiv_delivered / t.delivery_years.length(), year=t.delivery_years.unnest())
    return spread.filter(spread.year.between(*ctx.period))


def arms_suppliers_by_delivered_tiv(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-arms-suppliers-{ctx.span}"
    label = f"Arms suppliers ranked by delivered volume, {ctx.span}"
    spread = _deliveries(ctx)
    if not ctx.has_rows(spread):
        return unavailable(
            fig_id,
            FAMILY,
            label,
            "tiv_millions",
            ctx.span,
            "no SIPRI deliveries to this country are loaded for the period",
        )
    countries = ctx.table("countries")
    ranked = (
        spread.group_by("supplier_iso3")
        .aggregate(tiv=spread.tiv_per_year.sum(), order_years=spread.count())
        .join(countries, spread.supplier_iso3 == countries.iso3, how="left")
        .order_by([ibis.desc("tiv"), "supplier_iso3"])
    )
    rows = tuple(
        {
            "rank": rank,
            "supplier_iso3": r["supplier_iso3"],
            "supplier": r["name"] or r["supplier_iso3"],
            "tiv_millions": round(r["tiv"], 2),
            "order_years": int(r["order_years"]),
        }
        for rank, r in enumerate(ctx.rows(ranked), start=1)
    )
    return Figure(
        id=fig_id,
        topic="arms_supplier_ranking",
        label=label,
        unit="tiv_millions",
        period=ctx.span,
        method=SPREAD_METHOD,
        sources=ctx.sources(spread),
        rows=rows,
        family=FAMILY,
        chart={"type": "bar", "x": "tiv_millions", "y": "supplier", "title": label},
    )


def arms_deliveries_by_year(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-arms-deliveries-{ctx.span}"
    label = f"Major arms delivered, by year (SIPRI TIV), {ctx.span}"
    spread = _deliveries(ctx)
    if not ctx.has_rows(spread):
        return unavailable(
            fig_id,
            FAMILY,
            label,
            "tiv_millions",
            ctx.span,
            "no SIPRI deliveries to this country are loaded for the period",
        )
    by_year = spread.group_by("year").aggregate(tiv=spread.tiv_per_year.sum()).order_by("year")
    rows = tuple({"year": int(r["year"]), "tiv_millions": round(r["tiv"], 2)} for r in ctx.rows(by_year))
    return Figure(
        id=fig_id,
        topic="arms_deliveries_by_year",
        label=label,
        unit="tiv_millions",
        period=ctx.span,
        method=SPREAD_METHOD,
        sources=ctx.sources(spread),
        rows=rows,
        family=FAMILY,
        chart={"type": "bar", "x": "year", "y": "tiv_millions", "title": label},
    )


def us_arms_sales_by_year(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-us-arms-sales-{ctx.span}"
    label = f"U.S. arms sales by year and kind, {ctx.span}"
    t = ctx.table("arms_sales")
    year = t.fiscal_year.fill_null(t.year)
    t = t.mutate(year_any=year)
    t = t.filter((t.country_iso3 == ctx.iso3) & t.year_any.between(*ctx.period))
    if not ctx.has_rows(t):
        return unavailable(
            fig_id,
            FAMILY,
            label,
            "usd",
            ctx.span,
            "no U.S. arms-sales table is loaded (load one with 'ingest table --into arms_sales')",
        )
    by_year = t.group_by(["year_any", "kind"]).aggregate(value=t.value_usd.sum()).order_by(["year_any", "kind"])
    rows = tuple({"year": int(r["year_any"]), "kind": r["kind"], "value_usd": r["value"]} for r in ctx.rows(by_year))
    return Figure(
        id=fig_id,
        topic="us_arms_sales_by_year",
        label=label,
        unit="usd",
        period=ctx.span,
        method="Sum of value_usd of the loaded arms-sales tables by year (fiscal year where given) and kind.",
        sources=ctx.sources(t),
        rows=rows,
        family=FAMILY,
        chart={"type": "stacked", "x": "year", "y": "value_usd", "color": "kind", "title": label},
    )
