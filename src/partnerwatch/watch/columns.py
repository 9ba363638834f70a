"""The watch table's columns, each one grouped query over every country (never one factsheet per country).

Each column follows the rule of the factsheet figure it summarises, so a
watch cell and the country's factsheet agree: security assistance is the
rule of ``figures/data/security_accounts.toml`` from one kind of
account-level snapshot per country; trainees take one FMTR report per
fiscal year; state-force civilian harm is ACLED's civilian targeting by
state forces and their allies. Windows are the latest the data hold — the
last three fiscal years, the latest complete quarter — not a fixed period,
because the watch asks "what now".
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ibis
from ibis.expr.types import Table

from partnerwatch.countries import crosswalk
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import years_text
from partnerwatch.figures.harm import by_state_and_allies
from partnerwatch.figures.security import security_obligations
from partnerwatch.figures.training import chosen_reports, report_years_by_country
from partnerwatch.watch.model import Cell, Column
from partnerwatch.watch.text import count, money, percent

YEARS = 3
"""Fiscal years of assistance and FMTR reports a cell sums: the latest three with data."""
ARMS_YEARS = 10
"""Years of SIPRI deliveries in the U.S.-share column: the register's latest ten."""
BASELINE_QUARTERS = 4
"""Quarters before the latest that make a country's own baseline of state-force civilian harm."""
QUARTER_SLACK_DAYS = 14
"""A quarter whose data end this close to its last day counts as complete (an export's last days are sparse)."""


@dataclass(frozen=True)
class Window:
    """What the caller chooses: coups since when."""

    coups_since: date = date(2001, 1, 1)
    """The default is fixed (the factsheets' first year), so that recorded values change only with the data."""


COLUMNS: tuple[Column, ...] = (
    Column(
        "security_assistance_usd",
        "U.S. security assistance",
        "U.S. security assistance obligated in the last three fiscal years with data (USAID Greenbook, else"
        " account-level assistance files), current dollars, by account.",
        short="Security aid",
    ),
    Column(
        "trainees",
        "Trainees (FMTR)",
        "Personnel trained by the U.S. in the last three FMTR report years loaded for the country's region"
        " (a loaded report without the country counts as zero).",
        short="Trainees",
    ),
    Column(
        "us_arms_share",
        "U.S. share of arms",
        "The United States' share of the major arms SIPRI records delivered to the country in the register's"
        " last ten years (trend-indicator values).",
        short="U.S. arms share",
    ),
    Column(
        "state_civilian_fatalities",
        "Civilians killed by state forces and allies",
        "Reported fatalities of ACLED civilian-targeting events by the country's state forces, pro-government"
        " militias or private military companies in the last four complete quarters.",
        short="State-force harm",
    ),
    Column(
        "state_harm_trend",
        "Against its baseline",
        "The latest complete quarter of those fatalities against the country's own baseline, the four quarters"
        " before it: standard deviations above (+) or below (-) their mean.",
        short="vs baseline",
    ),
    Column(
        "battle_deaths",
        "Battle deaths (UCDP)",
        "Battle-related deaths in UCDP conflicts located in the country, latest year of UCDP's battle-deaths"
        " data: what UCDP can say where ACLED events are not loaded (combatants and civilians together).",
        short="Battle deaths",
    ),
    Column(
        "coups",
        "Coups",
        "Coup attempts (successful and failed) since the date asked for, from the coups dataset.",
        short="Coups",
    ),
    Column(
        "us_supported_government",
        "U.S. on the government's side",
        "Years UCDP lists the United States among the supporters of the country's government in an armed"
        " conflict located there (last ten years of UCDP's conflict data).",
        short="U.S. backs gov't",
    ),
    Column(
        "displacement_trend",
        "Displacement",
        "People internally displaced by conflict at the end of the latest year (IDMC), and the change on the"
        " year before.",
        short="IDPs",
    ),
)


def _latest(ctx: FigureContext, table: Table, column: str) -> Any:
    """The largest non-null value of a column, or None for no rows (a global max over no rows is typed
    non-null by one engine's result conversion, so it is asked as a sort)."""
    found = ctx.rows(table.filter(table[column].notnull()).select(column).order_by(ibis.desc(column)).limit(1))
    return found[0][column] if found else None


def security_assistance(ctx: FigureContext, window: Window) -> dict[str, Cell]:
    a, s = ctx.table("assistance"), ctx.table("snapshots")
    joined = a.join(s, a.snapshot_id == s.id)
    levels = joined.filter(joined.scope != "country-summary")
    scopes: dict[str, set[str]] = defaultdict(set)
    for r in ctx.rows(levels.select("country_iso3", "scope").distinct()):
        scopes[str(r["country_iso3"])].add(str(r["scope"]))
    covered: dict[str, set[int]] = defaultdict(set)
    for r in ctx.rows(levels.filter(levels.fiscal_year.notnull()).select("scope", "fiscal_year").distinct()):
        covered[str(r["scope"])].add(int(r["fiscal_year"]))
    rows = security_obligations(levels)
    name = rows.account.fill_null(rows.program).fill_null("(account not stated)")
    grouped = rows.mutate(name=name).group_by(["country_iso3", "scope", "fiscal_year", "snapshot_id", "name"])
    sums: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in ctx.rows(grouped.aggregate(usd=rows.amount_usd.sum())):
        sums[str(r["country_iso3"])].append(r)
    cells = {}
    for country, held in scopes.items():
        chosen = {"greenbook"} if "greenbook" in held else held
        years = sorted(set().union(*(covered[x] for x in chosen)))[-YEARS:]
        if not years:
            continue
        parts: dict[str, float] = defaultdict(float)
        sources: set[int] = set()
        for r in sums.get(country, []):
            if r["scope"] in chosen and r["fiscal_year"] in years:
                parts[str(r["name"])] += float(str(r["usd"] or 0))
                sources.add(int(str(r["snapshot_id"])))
        by_year: dict[int, float] = defaultdict(float)
        for r in sums.get(country, []):
            if r["scope"] in chosen and r["fiscal_year"] is not None:
                by_year[int(str(r["fiscal_year"]))] += float(str(r["usd"] or 0))
        total = sum(parts.values())
        top = sorted(parts.items(), key=lambda kv: -kv[1])[:3]
        cells[country] = Cell(
            value=round(total, 2),
            text=money(total),
            period=years_text(years, "FY"),
            sources=tuple(sorted(sources)),
            note=", ".join(f"{k} {money(v)}" for k, v in top if v),
            detail={
                **{f"account:{k}": round(v, 2) for k, v in parts.items()},
                **{
                    f"fy:{y}": round(by_year.get(y, 0.0), 2) for y in sorted(set().union(*(covered[x] for x in chosen)))
                },
            },
        )
    return cells


def trainees(ctx: FigureContext, window: Window) -> dict[str, Cell]:
    chosen = chosen_reports(ctx)
    years_loaded = report_years_by_country(ctx)
    t = ctx.table("training")
    sums: dict[tuple[str, int, int], int] = {}
    for r in ctx.rows(
        t.filter(t.fiscal_year.notnull())
        .group_by(["country_iso3", "fiscal_year", "snapshot_id"])
        .aggregate(n=t.quantity.sum())
    ):
        sums[(str(r["country_iso3"]), int(r["fiscal_year"]), int(r["snapshot_id"]))] = int(r["n"] or 0)
    cells = {}
    for country, loaded in years_loaded.items():
        years = loaded[-YEARS:]
        picked = {y: s for y, s in chosen.get(country, {}).items() if y in years}
        per_year = {y: sums.get((country, y, picked[y]), 0) if y in picked else 0 for y in years}
        total = sum(per_year.values())
        cells[country] = Cell(
            value=float(total),
            text=count(total),
            period=years_text(years, "FY"),
            sources=tuple(sorted(set(picked.values()))),
            note="; ".join(f"FY{y} {count(n)}" for y, n in per_year.items()),
            detail={f"fy:{y}": float(n) for y, n in per_year.items()},
        )
    return cells


def us_arms_share(ctx: FigureContext, window: Window) -> dict[str, Cell]:
    t = ctx.table("arms_transfers")
    t = t.filter(t.tiv_delivered.notnull() & (t.delivery_years.length() > 0) & t.recipient_iso3.notnull())
    spread = t.mutate(tiv=t.tiv_delivered / t.delivery_years.length(), year=t.delivery_years.unnest())
    last = _latest(ctx, spread, "year")
    if last is None:
        return {}
    first = int(last) - ARMS_YEARS + 1
    recent = spread.filter(spread.year >= first)
    us = (recent.supplier_iso3 == "USA").ifelse(recent.tiv, 0)
    grouped = recent.group_by(["recipient_iso3", "snapshot_id"]).aggregate(total=recent.tiv.sum(), us=us.sum())
    cells = {}
    for r in ctx.rows(grouped):
        total, from_us = float(r["total"] or 0), float(r["us"] or 0)
        if total <= 0:
            continue
        share = from_us / total * 100
        cells[str(r["recipient_iso3"])] = Cell(
            value=round(share, 1),
            text=percent(share),
            period=f"{first}–{last}",
            sources=(int(r["snapshot_id"]),),
            note=f"{from_us:,.0f} of {total:,.0f} TIV (millions)",
            detail={"us_tiv": round(from_us, 2), "all_tiv": round(total, 2)},
        )
    return cells


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter_end(year: int, quarter: int) -> date:
    following = date(year + quarter // 4, quarter % 4 * 3 + 1, 1)
    return following - timedelta(days=1)


def _previous(year: int, quarter: int, n: int) -> tuple[int, int]:
    index = year * 4 + quarter - 1 - n
    return index // 4, index % 4 + 1


def state_harm(ctx: FigureContext) -> dict[str, dict[str, Cell]]:
    """Both civilian-harm columns at once: last four quarters' fatalities, and the latest against its baseline."""
    h = ctx.table("harm_events")
    acled = h.filter(h.source == "acled")
    ends = {
        str(r["country_iso3"]): (r["last"], r["first"])
        for r in ctx.rows(
            acled.group_by("country_iso3").aggregate(last=acled.event_date.max(), first=acled.event_date.min())
        )
    }
    chosen = by_state_and_allies(acled.filter(acled.civilian_targeting))
    quarterly = chosen.mutate(quarter=chosen.event_date.quarter()).group_by(
        ["country_iso3", "year", "quarter", "snapshot_id"]
    )
    fatalities: dict[str, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    sources: dict[str, set[int]] = defaultdict(set)
    for r in ctx.rows(quarterly.aggregate(f=chosen.fatalities.sum())):
        fatalities[str(r["country_iso3"])][(int(r["year"]), int(r["quarter"]))] += int(r["f"] or 0)
        sources[str(r["country_iso3"])].add(int(r["snapshot_id"]))
    totals: dict[str, Cell] = {}
    trends: dict[str, Cell] = {}
    for country, (last, first) in ends.items():
        latest = _quarter(last)
        if last < _quarter_end(*latest) - timedelta(days=QUARTER_SLACK_DAYS):
            latest = _previous(*latest, 1)  # the quarter the data end in is not complete
        if _quarter_end(*latest) < first:
            continue
        counts = fatalities.get(country, {})
        year_quarters = [_previous(*latest, n) for n in range(BASELINE_QUARTERS)]
        label = f"{_quarter_label(year_quarters[-1])}–{_quarter_label(latest)}"
        last_four = sum(counts.get(q, 0) for q in year_quarters)
        before = [_previous(*latest, n) for n in range(BASELINE_QUARTERS, 2 * BASELINE_QUARTERS)]
        refs = tuple(sorted(sources.get(country, set())))
        detail = {_quarter_label(q): float(counts.get(q, 0)) for q in reversed(year_quarters)}
        if _quarter(first) <= before[-1]:  # the four quarters before are loaded too: a year-on-year comparison
            detail["previous_four"] = float(sum(counts.get(q, 0) for q in before))
        totals[country] = Cell(
            value=float(last_four),
            text=count(last_four),
            period=label,
            sources=refs,
            note="; ".join(f"{_quarter_label(q)} {counts.get(q, 0)}" for q in reversed(year_quarters)),
            detail=detail,
        )
        baseline_quarters = [_previous(*latest, n) for n in range(1, BASELINE_QUARTERS + 1)]
        if _quarter(first) > baseline_quarters[-1]:
            continue  # the events loaded do not reach back over the whole baseline
        baseline = [counts.get(q, 0) for q in baseline_quarters]
        mean, sd = statistics.fmean(baseline), statistics.pstdev(baseline)
        now = counts.get(latest, 0)
        z = (now - mean) / sd if sd else (0.0 if now == mean else None)
        trends[country] = Cell(
            value=None if z is None else round(z, 2),
            text=(f"{z:+.1f} sd" if z is not None else "above a flat baseline") + f" ({now} vs mean {mean:.0f})",
            period=f"{_quarter_label(latest)} vs {_quarter_label(baseline_quarters[-1])}–"
            f"{_quarter_label(baseline_quarters[0])}",
            sources=refs,
            note=f"baseline sd {sd:.1f}",
            detail={"latest": float(now), "mean": round(mean, 2), "sd": round(sd, 2)},
        )
    return {"state_civilian_fatalities": totals, "state_harm_trend": trends}


def _quarter_label(quarter: tuple[int, int]) -> str:
    return f"{quarter[0]}-Q{quarter[1]}"


def battle_deaths(ctx: FigureContext, window: Window) -> dict[str, Cell]:
    t = ctx.table("conflict_deaths")
    brd = t.filter((t.dataset == "ucdp-brd") & t.country_iso3.notnull())
    last = _latest(ctx, brd, "year")
    if last is None:
        return {}
    by_year: dict[str, dict[int, int]] = defaultdict(dict)
    sources: dict[str, set[int]] = defaultdict(set)
    recent = brd.filter(brd.year >= int(last) - 1)
    for r in ctx.rows(recent.group_by(["country_iso3", "year", "snapshot_id"]).aggregate(d=recent.deaths_best.sum())):
        by_year[str(r["country_iso3"])][int(r["year"])] = int(r["d"] or 0)
        sources[str(r["country_iso3"])].add(int(r["snapshot_id"]))
    cells = {}
    for country, years in by_year.items():
        now, before = years.get(int(last), 0), years.get(int(last) - 1, 0)
        cells[country] = Cell(
            value=float(now),
            text=count(now),
            period=str(last),
            sources=tuple(sorted(sources[country])),
            note=f"{int(last) - 1}: {count(before)}",
            detail={str(last): float(now), str(int(last) - 1): float(before)},
        )
    return cells


def coups(ctx: FigureContext, window: Window) -> dict[str, Cell]:
    c = ctx.table("coups")
    since = c.filter(c.date >= window.coups_since)
    found: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in ctx.rows(since.order_by(["date", "source_row"])):
        found[str(r["country_iso3"])].append(r)
    last = _latest(ctx, c, "date")
    cells = {}
    for country, rows in found.items():
        successful = [r for r in rows if r["outcome"] == "successful"]
        cells[country] = Cell(
            value=float(len(rows)),
            text=f"{len(rows)} ({len(successful)} successful)",
            period=f"{window.coups_since.isoformat()} to {last.isoformat() if last else '?'}",
            sources=tuple(sorted({int(str(r["snapshot_id"])) for r in rows})),
            note="; ".join(f"{r['date']} {r['outcome']}" for r in rows),
            detail={f"{r['date']}": 1.0 if r["outcome"] == "successful" else 0.0 for r in rows},
        )
    return cells


def us_supported_government(ctx: FigureContext, window: Window) -> dict[str, Cell]:
    t = ctx.table("conflict_deaths")
    ucdp = t.filter(t.dataset.isin(["ucdp-acd", "ucdp-brd"]))
    last = _latest(ctx, ucdp, "year")
    if last is None:
        return {}
    first = int(last) - 9
    recent = ucdp.filter(ucdp.year >= first)
    walk = crosswalk()
    years: dict[str, set[int]] = defaultdict(set)
    conflicts: dict[str, set[int]] = defaultdict(set)
    sources: dict[str, set[int]] = defaultdict(set)
    columns = ("side_a", "year", "supporting_iso3", "snapshot_id")
    for r in ctx.rows(recent.select(*columns).distinct()):
        country = walk.lookup_name(str(r["side_a"] or "").removeprefix("Government of "), "ucdp")
        if country is None:
            continue
        conflicts[country].add(int(r["year"]))
        sources[country].add(int(r["snapshot_id"]))
        if "USA" in str(r["supporting_iso3"] or "").split(";"):
            years[country].add(int(r["year"]))
    cells = {}
    for country, fought in conflicts.items():
        backed = sorted(years.get(country, set()))
        cells[country] = Cell(
            value=float(len(backed)),
            text=years_text(backed) or "none",
            period=f"{first}–{last}",
            sources=tuple(sorted(sources[country])),
            note=f"government in armed conflict in {years_text(sorted(fought))}",
            detail={str(y): 1.0 for y in backed},
        )
    return cells


def displacement_trend(ctx: FigureContext, window: Window) -> dict[str, Cell]:
    t = ctx.table("displacement")
    rows = t.filter(
        (t.measure == "idps_stock") & (t.cause == "conflict") & t.value.notnull() & t.round.isnull()
    ).select("country_iso3", "year", "value", "snapshot_id")
    series: dict[str, dict[int, tuple[float, int]]] = defaultdict(dict)
    for r in ctx.rows(rows):
        series[str(r["country_iso3"])][int(r["year"])] = (float(r["value"]), int(r["snapshot_id"]))
    cells = {}
    for country, values in series.items():
        latest = max(values)
        now, snapshot = values[latest]
        before = values.get(latest - 1)
        change = round((now / before[0] - 1) * 100, 1) if before and before[0] else None  # one rounding for all
        said = f"{count(now)} ({change:+.0f}% on {latest - 1})" if change is not None else count(now)
        cells[country] = Cell(
            value=change,
            text=said,
            period=str(latest) if before is None else f"{latest - 1}–{latest}",
            sources=tuple(sorted({snapshot} | ({before[1]} if before else set()))),
            note="" if before else f"no {latest - 1} figure: change not computed",
            detail={"idps": now, **({"idps_before": before[0]} if before else {})},
        )
    return cells


PLAIN: dict[str, Callable[[FigureContext, Window], dict[str, Cell]]] = {
    "security_assistance_usd": security_assistance,
    "trainees": trainees,
    "us_arms_share": us_arms_share,
    "battle_deaths": battle_deaths,
    "coups": coups,
    "us_supported_government": us_supported_government,
    "displacement_trend": displacement_trend,
}


def all_columns(ctx: FigureContext, window: Window) -> dict[str, dict[str, Cell]]:
    """Column id -> country -> cell, for every country any column knows."""
    found = {name: compute(ctx, window) for name, compute in PLAIN.items()}
    found.update(state_harm(ctx))
    return {column.id: found.get(column.id, {}) for column in COLUMNS}
