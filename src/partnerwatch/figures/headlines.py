"""Headline figures for every country at once (the explorer's home page): three grouped queries, not 200 factsheets."""

from __future__ import annotations

from typing import Any

import ibis

from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.harm import by_state_and_allies


def headlines(ctx: FigureContext) -> dict[str, dict[str, Any]]:
    """iso3 -> {topic: value} for U.S. obligations (latest FY), trainees, and civilians killed by state and allies."""
    first, last = ctx.period
    found: dict[str, dict[str, Any]] = {}
    a, s = ctx.table("assistance"), ctx.table("snapshots")
    summary = a.join(s, a.snapshot_id == s.id).filter(
        (s.scope == "country-summary") & (a.transaction_type == "Obligations") & a.fiscal_year.between(first, last)
    )
    latest = summary.group_by("country_iso3").aggregate(year=summary.fiscal_year.max())
    joined = summary.join(latest, (summary.country_iso3 == latest.country_iso3) & (summary.fiscal_year == latest.year))
    for r in ctx.rows(
        joined.group_by([summary.country_iso3, summary.fiscal_year]).aggregate(x=summary.amount_usd.sum())
    ):
        found.setdefault(r["country_iso3"], {})["us_aid_by_year"] = {"value": r["x"], "period": f"FY{r['fiscal_year']}"}
    t = ctx.table("training")
    t = t.filter(t.fiscal_year.between(first, last))
    trained = t.group_by("country_iso3").aggregate(
        x=t.quantity.sum(), low=t.fiscal_year.min(), high=t.fiscal_year.max(), years=t.fiscal_year.nunique()
    )
    for r in ctx.rows(trained):
        found.setdefault(r["country_iso3"], {})["trainees_by_program"] = {
            "value": r["x"],
            "period": _years(r["low"], r["high"], "FY"),
            "note": f"{r['years']} FMTR year(s) loaded",
        }
    h = ctx.table("harm_events")
    h = h.filter((h.source == "acled") & h.civilian_targeting & h.year.between(first, last))
    h = by_state_and_allies(h)
    harmed = h.group_by("country_iso3").aggregate(x=h.fatalities.sum(), low=h.year.min(), high=h.year.max())
    for r in ctx.rows(harmed):
        found.setdefault(r["country_iso3"], {})["state_and_allies_civilian_fatalities"] = {
            "value": r["x"],
            "period": _years(r["low"], r["high"]),
        }
    assert ibis  # Ibis builds every query above
    return found


def _years(low: object, high: object, prefix: str = "") -> str:
    """The years the data cover, not the period asked for: "FY2007-FY2020", "2012"."""
    return f"{prefix}{low}" if low == high else f"{prefix}{low}-{prefix}{high}"
