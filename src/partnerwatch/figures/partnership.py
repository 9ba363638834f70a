"""The partnership question: what each coup or restriction changed for U.S. security assistance and training.

The comparison is of *security* assistance (the accounts in
``data/security_accounts.toml``), not of all aid: humanitarian aid often
rises after a coup while security assistance stops, and a total hides
exactly that. A window that the data cover only in part is shown as
partial (its years are named), not hidden; a loaded FMTR report with no
section for the country counts as zero trainees, because the report's
silence is the finding; a fiscal year without a loaded report is unknown.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import years_text
from partnerwatch.figures.model import Figure

WINDOW = 3  # fiscal years before and after
KINDS = ("coup", "restriction")
MONTHS = "January February March April May June July August September October November December".split()


@dataclass(frozen=True)
class SecurityAccounts:
    categories: tuple[str, ...]
    accounts: dict[str, str]
    """Abbreviation -> name as printed."""

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
    return SecurityAccounts(tuple(data["categories"]), dict(data["accounts"]))


def when(day: date, precision: str) -> str:
    """A date to the precision its source gives: '2012', 'March 2012', '18 August 2020'."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def event_fiscal_year(day: date, precision: str) -> int:
    """The U.S. fiscal year of an event: October–December fall in the next one; a year-only date keeps its year."""
    return day.year + (1 if precision != "year" and day.month >= 10 else 0)


def restrictions_effect(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-restrictions-effect"
    label = f"U.S. security assistance and training, {WINDOW} fiscal years before and after each coup or restriction"
    tl = ctx.table("timeline")
    timeline = tl.filter((tl.country_iso3 == ctx.iso3) & tl.kind.isin(list(KINDS)))
    events = ctx.rows(timeline.order_by(["date", "event_id"]))
    if not events:
        return unavailable(
            fig_id, "partnership", label, "usd", "", "no coup or restriction is recorded for this country"
        )
    accounts = security_accounts()
    a = ctx.table("assistance")
    a = a.filter(
        (a.country_iso3 == ctx.iso3)
        & (a.transaction_type.isnull() | (a.transaction_type == "Obligations"))
        & (
            a.category.isin(list(accounts.categories))
            | a.account.lower().isin(accounts.names())
            | a.program.lower().isin(accounts.names())
        )
    )
    security = {
        int(r["fiscal_year"]): float(r["x"])
        for r in ctx.rows(a.group_by("fiscal_year").aggregate(x=a.amount_usd.sum()))
        if r["fiscal_year"] is not None
    }
    totals = ctx.table("training_totals")
    printed = totals.filter(totals.fiscal_year.notnull()).select("fiscal_year").distinct()
    reports = {int(r["fiscal_year"]) for r in ctx.rows(printed)}
    tr = ctx.table("training")
    tr = tr.filter(tr.country_iso3 == ctx.iso3)
    trained = {
        int(r["fiscal_year"]): int(r["x"] or 0)
        for r in ctx.rows(tr.group_by("fiscal_year").aggregate(x=tr.quantity.sum()))
    }
    trainees = {year: trained.get(year, 0) for year in reports}
    table = []
    for event in events:
        precision = str(event["date_precision"])
        fy = event_fiscal_year(event["date"], precision)
        before, after = range(fy - WINDOW, fy), range(fy + 1, fy + 1 + WINDOW)
        row: dict[str, object] = {
            "when": when(event["date"], precision),
            "kind": event["kind"],
            "event": event["title"],
            "fiscal_year": fy,
        }
        if security:
            row |= {
                "security_before_usd": _total(security, before),
                "security_after_usd": _total(security, after),
            }
        row |= {
            "trainees_before": _total(trainees, before),
            "years_before": _covered(trainees, before),
            "trainees_after": _total(trainees, after),
            "years_after": _covered(trainees, after),
        }
        table.append(row)
    sources = ctx.sources(timeline) + ctx.sources(tr) + (ctx.sources(a) if security else ())
    money = (
        f"U.S. security assistance is the sum of obligations in {accounts.describe()}."
        if security
        else "U.S. security assistance by account is not loaded for this country (the ForeignAssistance.gov country"
        " summary gives totals of every kind of aid only), so the table gives trainees only; a Greenbook or an"
        " activity-level file fills it."
    )
    return Figure(
        id=fig_id,
        topic="restrictions_effect",
        label=label,
        unit="persons",
        period="",
        method=f"For each coup or restriction in the timeline, FMTR trainees summed over the {WINDOW} fiscal years"
        " before and after the fiscal year of the event (October–December count in the next fiscal year); a loaded"
        " report with no section for the country counts as 0; years without a loaded report are named as not"
        f" loaded. {money} Dates are given to the precision of their source.",
        sources=tuple(dict.fromkeys(sources)),
        rows=tuple(table),
        family="partnership",
    )


def _total(values: dict[int, float] | dict[int, int], years: range) -> float | int | None:
    found = [values[y] for y in years if y in values]
    return sum(found) if found else None


def _covered(values: dict[int, float] | dict[int, int], years: range) -> str:
    """'FY2009–FY2011', 'FY2013–FY2014; FY2015 not loaded', 'none loaded'."""
    have = [y for y in years if y in values]
    missing = [y for y in years if y not in values]
    if not have:
        return "none loaded"
    text = years_text(have, "FY")
    return f"{text}; {years_text(missing, 'FY')} not loaded" if missing else text


__all__ = ["restrictions_effect", "security_accounts", "when", "event_fiscal_year"]
