"""The partnership question: what each coup or restriction changed for U.S. security assistance and training.

The comparison is of *security* assistance (the accounts in
``data/security_accounts.toml``, read in ``security``), not of all aid: humanitarian aid often
rises after a coup while security assistance stops, and a total hides
exactly that. A window that the data cover only in part is shown as
partial (its years are named), not hidden; a loaded FMTR report with no
section for the country counts as zero trainees, because the report's
silence is the finding; a fiscal year without a loaded report is unknown.
"""

from __future__ import annotations

import re
from datetime import date

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import MONTHS, years_text
from partnerwatch.figures.model import Figure
from partnerwatch.figures.published import Record, timeline_events
from partnerwatch.figures.security import security_accounts, security_rows, security_years
from partnerwatch.figures.training import report_years

WINDOW = 3  # fiscal years before and after
KINDS = ("coup", "restriction")


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


SAME_EVENT_DAYS = 62
"""A curated coup and a Powell & Thyne coup this close are one event (the curated one, with its account, is kept)."""


def coup_events(ctx: FigureContext) -> list[Record]:
    """The country's coup attempts of the coups table, from the period's first year on, as timeline records."""
    c = ctx.table("coups")
    rows = c.filter((c.country_iso3 == ctx.iso3) & (c.year >= ctx.period[0])).order_by(["date", "source_row"])
    cited = {s.snapshot_id: s for s in ctx.sources(rows)} if ctx.has_rows(rows) else {}
    records = []
    for r in ctx.rows(rows):
        successful = r["outcome"] == "successful"
        records.append(
            Record(
                {
                    "event_id": f"coup-{r['date'].isoformat()}",
                    "date": r["date"],
                    "date_precision": r["date_precision"],
                    "kind": "coup",
                    "title": "Successful coup" if successful else "Failed coup attempt",
                    "description": (
                        "A successful coup can trigger the restrictions of Section 7008 on assistance to the"
                        " government; whether they apply is the State Department's determination"
                        if successful
                        else ""
                    ),
                    "effect_on_us_assistance": "",
                    "cited_source": "",
                    "url": "",
                    "outcome": r["outcome"],
                },
                cited[int(r["snapshot_id"])],
            )
        )
    return records


def timeline(ctx: FigureContext) -> list[Record]:
    """The curated timeline and the coups table together, in date order, each coup once (asked once per context)."""
    if "timeline" in ctx.memo:
        return list(ctx.memo["timeline"])
    curated = timeline_events(ctx)
    curated_coups = [r.fields["date"] for r in curated if r.fields["kind"] == "coup"]
    extra = [
        r
        for r in coup_events(ctx)
        if r.fields["outcome"] != "successful"  # a curated coup is a successful one: never the same as a failed one
        or not any(abs((r.fields["date"] - day).days) <= SAME_EVENT_DAYS for day in curated_coups)  # type: ignore[operator]
    ]
    ctx.memo["timeline"] = sorted(curated + extra, key=lambda r: (str(r.fields["date"]), str(r.fields["event_id"])))
    return list(ctx.memo["timeline"])


def restrictions_effect(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-restrictions-effect"
    label = f"U.S. security assistance and training, {WINDOW} fiscal years before and after each coup or restriction"
    records = [
        r for r in timeline(ctx) if r.fields["kind"] in KINDS and r.fields.get("outcome", "successful") == "successful"
    ]
    events = [r.fields for r in records]
    if not events:
        return unavailable(
            fig_id, "partnership", label, "usd", "", "no coup or restriction is recorded for this country"
        )
    accounts = security_accounts()
    a, kind = security_rows(ctx)
    found = {
        int(r["fiscal_year"]): float(r["x"])
        for r in ctx.rows(a.group_by("fiscal_year").aggregate(x=a.amount_usd.sum()))
        if r["fiscal_year"] is not None
    }
    security = {year: found.get(year, 0.0) for year in security_years(ctx)} if found else {}
    reports = report_years(ctx, within_period=False)  # a window may reach past the period asked for
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
        day = event["date"]
        assert isinstance(day, date)
        fy = event_fiscal_year(day, precision)
        before, after = range(fy - WINDOW, fy), range(fy + 1, fy + 1 + WINDOW)
        row: dict[str, object] = {
            "when": when(day, precision),
            "kind": event["kind"],
            "event": event["title"],
            "fiscal_year": fy,
        }
        if security:
            row |= {
                "security_before_usd": _total(security, before),
                "security_years_before": _covered(security, before),
                "security_after_usd": _total(security, after),
                "security_years_after": _covered(security, after),
            }
        row |= {
            "trainees_before": _total(trainees, before),
            "years_before": _covered(trainees, before),
            "trainees_after": _total(trainees, after),
            "years_after": _covered(trainees, after),
        }
        table.append(row)
    sources = tuple(r.source for r in records) + ctx.sources(tr) + (ctx.sources(a) if security else ())
    money = (
        f"U.S. security assistance is the sum of obligations in {accounts.describe()}, from the {kind}."
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
    """'FY2009–11', 'FY2013–14 (FY2015 not loaded)', 'none loaded': which years of a window the data cover."""
    have = [y for y in years if y in values]
    missing = [y for y in years if y not in values]
    if not have:
        return "none loaded"
    text = _short_years(have)
    return f"{text} ({_short_years(missing)} not loaded)" if missing else text


def _short_years(years: list[int]) -> str:
    """[2009, 2010, 2011] -> 'FY2009–11'; [2013, 2015] -> 'FY2013 and FY2015'."""
    return re.sub(r"FY(\d\d)(\d\d)–FY\1(\d\d)", r"FY\1\2–\3", years_text(years, "FY"))


__all__ = ["event_fiscal_year", "restrictions_effect", "timeline", "when"]
