"""U.S. *security* assistance, for any country: by account and by year, from account-level obligations.

What counts as security assistance is a documented rule, not a guess per
figure: ``data/security_accounts.toml`` (the Greenbook's Military category,
plus the security accounts it files under Economic, such as NADR and INCLE).
Account-level rows come from one kind of snapshot per country — USAID's
Greenbook where it is loaded (it covers every year since 1946), else the
ForeignAssistance.gov activity files or an analyst's table — so that two
sources of the same obligations are never added together.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ibis
from ibis.expr.types import Table

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import shorter_note, span_text, years_in
from partnerwatch.figures.model import Figure

FAMILY = "assistance"


@dataclass(frozen=True)
class SecurityAccounts:
    categories: tuple[str, ...]
    accounts: dict[str, str]
    """Abbreviation -> name as printed."""
    published_programs: dict[str, list[str]]
    """A published program's name -> the funding accounts that hold the same money (for reconciliation)."""
    budget_accounts: dict[str, list[str]]
    """A State budget-table account code -> the Greenbook funding accounts that obligate it."""

    def names(self) -> list[str]:
        return sorted({n.lower() for n in self.accounts.values()} | {a.lower() for a in self.accounts})

    def describe(self) -> str:
        return (
            f"rows of the {', '.join(self.categories)} category and of the accounts {', '.join(sorted(self.accounts))}"
        )


@cache
def security_accounts() -> SecurityAccounts:
    text = (resources.files("partnerwatch.figures") / "data" / "security_accounts.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return SecurityAccounts(
        tuple(data["categories"]),
        dict(data["accounts"]),
        {k: list(v) for k, v in data["published_programs"].items()},
        {k: list(v) for k, v in data["budget_accounts"].items()},
    )


def _chosen_scopes(ctx: FigureContext) -> tuple[Table, list[str]]:
    """The assistance rows joined to their snapshots, and the one kind of account-level snapshot for the country."""
    a, s = ctx.table("assistance"), ctx.table("snapshots")
    joined = a.join(s, a.snapshot_id == s.id)
    if "security_scopes" not in ctx.memo:
        mine = joined.filter(joined.country_iso3 == ctx.iso3)
        scopes = {r["scope"] for r in ctx.rows(mine.select("scope").distinct())}
        greenbook = "greenbook" in scopes
        ctx.memo["security_scopes"] = (
            ["greenbook"] if greenbook else sorted(x for x in scopes if x != "country-summary")
        )
    return joined, list(ctx.memo["security_scopes"])


def security_rows(ctx: FigureContext) -> tuple[Table, str]:
    """The country's security-assistance obligations from one kind of account-level snapshot, and its name."""
    joined, chosen = _chosen_scopes(ctx)
    kind = "USAID Greenbook" if chosen == ["greenbook"] else "account-level assistance files"
    mine = joined.filter((joined.country_iso3 == ctx.iso3) & joined.scope.isin(chosen or ["-"]))
    return security_obligations(mine.select(ctx.table("assistance").columns)), kind


def security_obligations(rows: Table) -> Table:
    """The rows the security-accounts rule counts: obligations in its categories and accounts (any country)."""
    accounts = security_accounts()
    return rows.filter(
        (rows.transaction_type.isnull() | (rows.transaction_type == "Obligations"))
        & (
            rows.category.isin(list(accounts.categories))
            | rows.account.lower().isin(accounts.names())
            | rows.program.lower().isin(accounts.names())
        )
    )


def security_years(ctx: FigureContext) -> set[int]:
    """The fiscal years the account-level snapshots chosen for the country cover, for any country.

    A year they cover without a security row for the country is zero, not unknown: the Greenbook lists every
    obligation of every year it spans.
    """
    joined, chosen = _chosen_scopes(ctx)
    if not chosen:
        return set()
    every = joined.filter(joined.scope.isin(chosen) & joined.fiscal_year.notnull())
    return {int(r["fiscal_year"]) for r in ctx.rows(every.select("fiscal_year").distinct())}


def _method(kind: str) -> str:
    return (
        f"Sum of current-dollar obligations in {security_accounts().describe()} (the rule of"
        f" figures/data/security_accounts.toml), from the {kind}; humanitarian, health, development and governance"
        " aid never count."
    )


def _in_period(ctx: FigureContext, fig_id: str, label: str) -> tuple[Table, str, str] | Figure:
    """The security rows in the period, their kind and the years they cover; or the figure saying none are loaded."""
    rows, kind = security_rows(ctx)
    rows = rows.filter(rows.fiscal_year.between(*ctx.period))
    years = years_in(ctx, rows, "fiscal_year")
    if not years:
        return unavailable(
            fig_id, FAMILY, label, "usd", ctx.span, "no account-level assistance loaded (USAID's Greenbook, say)"
        )
    return rows, kind, span_text(years)


def security_assistance_by_account(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-security-assistance-by-account-{ctx.span}"
    found = _in_period(ctx, fig_id, f"U.S. security assistance obligated, by account, {ctx.span}")
    if isinstance(found, Figure):
        return found
    rows, kind, covered = found
    label = f"U.S. security assistance obligated, by account, {covered}"
    grouped = (
        rows.group_by(["account", "category"])
        .aggregate(amount=rows.amount_usd.sum(), years=rows.fiscal_year.nunique())
        .order_by([ibis.desc("amount"), "account"])
    )
    table = tuple(
        {
            "account": r["account"],
            "category": r["category"],
            "amount_usd": round(float(r["amount"]), 2),
            "years": int(r["years"]),
        }
        for r in ctx.rows(grouped)
        if round(float(r["amount"]), 2) != 0
    )
    return Figure(
        id=fig_id,
        topic="security_assistance_by_account",
        label=label,
        unit="usd",
        period=covered,
        value=round(sum(float(str(r["amount_usd"])) for r in table), 2),
        item="All security accounts",
        method=_method(kind) + shorter_note(ctx, covered, "account-level obligations loaded"),
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        chart={"type": "bar", "x": "amount_usd", "y": "account", "title": label},
    )


def security_assistance_by_year(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-security-assistance-by-year-{ctx.span}"
    found = _in_period(ctx, fig_id, f"U.S. security assistance obligated, by fiscal year, {ctx.span}")
    if isinstance(found, Figure):
        return found
    rows, kind, covered = found
    grouped = (
        rows.group_by(["fiscal_year", "account", "category"])
        .aggregate(amount=rows.amount_usd.sum())
        .order_by(["fiscal_year", "category", "account"])
    )
    table = tuple(
        {
            "fiscal_year": int(r["fiscal_year"]),
            "account": r["account"],
            "category": r["category"],
            "amount_usd": round(float(r["amount"]), 2),
        }
        for r in ctx.rows(grouped)
    )
    return Figure(
        id=fig_id,
        topic="security_assistance_by_year",
        label=f"U.S. security assistance obligated, by fiscal year and account, {covered}",
        unit="usd",
        period=covered,
        method=_method(kind)
        + " A year without a row has no security obligations recorded."
        + shorter_note(ctx, covered, "account-level obligations loaded"),
        sources=ctx.sources(rows),
        rows=table,
        family=FAMILY,
        chart={"type": "bar", "x": "fiscal_year", "y": "amount_usd", "color": "category"},
    )


def economic_and_military_by_year(ctx: FigureContext) -> Figure:
    """The Greenbook's own split of U.S. obligations, Economic against Military, by fiscal year."""
    fig_id = f"{ctx.iso3.lower()}-economic-and-military-by-year-{ctx.span}"
    label = f"U.S. economic and military assistance obligated, by fiscal year (USAID Greenbook), {ctx.span}"
    joined, _chosen = _chosen_scopes(ctx)
    rows = joined.filter(
        (joined.country_iso3 == ctx.iso3) & (joined.scope == "greenbook") & joined.fiscal_year.between(*ctx.period)
    )
    years = years_in(ctx, rows, "fiscal_year")
    if not years:
        return unavailable(fig_id, FAMILY, label, "usd", ctx.span, "no USAID Greenbook loaded for this country")
    covered = span_text(years)
    grouped = (
        rows.group_by(["fiscal_year", "category"])
        .aggregate(amount=rows.amount_usd.sum())
        .order_by(["fiscal_year", "category"])
    )
    return Figure(
        id=fig_id,
        topic="economic_and_military_by_year",
        label=f"U.S. economic and military assistance obligated, by fiscal year (USAID Greenbook), {covered}",
        unit="usd",
        period=covered,
        method="Sum of current-dollar obligations per fiscal year and the Greenbook's assistance category, as it files"
        " them: security accounts such as NADR and INCLE are under Economic there (the security-assistance figures"
        " count them)." + shorter_note(ctx, covered, "Greenbook years loaded"),
        sources=ctx.sources(rows.select(ctx.table("assistance").columns)),
        rows=tuple(
            {
                "fiscal_year": int(r["fiscal_year"]),
                "category": r["category"],
                "amount_usd": round(float(r["amount"]), 2),
            }
            for r in ctx.rows(grouped)
        ),
        family=FAMILY,
        # No chart of its own: the sentence gives the split, the table the years (the body's page budget).
    )
