"""Signals: the rules of ``data/rules.toml`` applied to the watch table.

A rule is data (name, sentence, threshold); its *kind* is the test, written
here once. A signal carries the numbers it tested and the snapshots they
come from, so a reader can check it against the factsheet; it is a prompt
to look, not a finding.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from partnerwatch.figures.coverage import years_text
from partnerwatch.watch.model import Cell, Signal, Untested, WatchRow
from partnerwatch.watch.text import count, money, percent


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: str
    sentence: str
    threshold: float
    column: str = ""
    minimum: float = 0.0
    untested: str = ""
    """What the watch says of a case the rule cannot test on the data loaded (kinds that know such cases)."""


@cache
def rules() -> tuple[Rule, ...]:
    text = (resources.files("partnerwatch.watch") / "data" / "rules.toml").read_text(encoding="utf-8")
    found = []
    for entry in tomllib.loads(text)["rule"]:
        rule = Rule(**entry)
        if rule.kind not in KINDS:
            raise ValueError(f"rules.toml: rule {rule.id!r} has unknown kind {rule.kind!r}")
        found.append(rule)
    return tuple(found)


def _signal(
    rule: Rule, row: WatchRow, tested: float | None, span: str, cells: list[Cell], subject: str = "", **names: Any
) -> Signal:
    """The signal of ``rule`` for ``row``: ``tested`` is the number held against the threshold, over ``span``."""
    sources = tuple(sorted({s for c in cells for s in c.sources}))
    sentence = rule.sentence.format(country=row.country, threshold=_number(rule.threshold), **names)
    return Signal(rule.id, row.iso3, row.country, rule.title, sentence, tested, rule.threshold, span, sources, subject)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def above_baseline(rule: Rule, row: WatchRow) -> Iterator[Signal]:
    """Fills latest_quarter, latest, mean, z: the latest quarter's z-score against the four before."""
    cell = row.cells.get(rule.column)
    if cell is None or cell.value is None:
        return
    latest = cell.detail.get("latest", 0.0)
    if cell.value > rule.threshold and latest >= rule.minimum:
        quarter = cell.period.split(" vs ")[0]
        yield _signal(
            rule,
            row,
            cell.value,
            cell.period,
            [cell],
            latest_quarter=quarter,
            latest=count(latest),
            mean=count(cell.detail.get("mean", 0.0)),
            z=f"{cell.value:.1f}",
        )


def _fiscal_year(day: date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


def coup_after_assistance(rule: Rule, row: WatchRow) -> Iterator[Signal | Untested]:
    """Fills date, amount, years: each successful coup whose three previous fiscal years held assistance.

    A coup whose three years the assistance data do not cover is not tested: its ``untested`` sentence
    fills date, years (those missing) and last (the data's last fiscal year).
    """
    coups, aid = row.cells.get("coups"), row.cells.get("security_assistance_usd")
    if coups is None or aid is None:
        return
    by_year = {int(k.split(":")[1]): v for k, v in aid.detail.items() if k.startswith("fy:")}
    for day_text, successful in coups.detail.items():
        if not successful:
            continue
        year = _fiscal_year(date.fromisoformat(day_text))
        previous = [y for y in range(year - 3, year) if y in by_year]
        if len(previous) < 3:  # the assistance data do not cover the three years: no finding either way
            missing = [y for y in range(year - 3, year) if y not in by_year]
            names = {"country": row.country, "date": day_text, "last": f"FY{max(by_year)}" if by_year else "none"}
            sentence = rule.untested.format(**names, years=years_text(missing, "FY"))
            yield Untested(rule.id, row.iso3, row.country, day_text, sentence)
            continue
        amount = sum(by_year[y] for y in previous)
        if amount > rule.threshold:
            yield _signal(
                rule,
                row,
                amount,
                f"FY{previous[0]}–FY{previous[-1]}",
                [coups, aid],
                subject=day_text,
                date=day_text,
                amount=money(amount),
                years=f"FY{previous[0]}–FY{previous[-1]}",
            )


def both_rose(rule: Rule, row: WatchRow) -> Iterator[Signal]:
    """Fills assistance_before/now, year_before/now, harm_before/now, harm_period_before/now."""
    aid, harm = row.cells.get("security_assistance_usd"), row.cells.get("state_civilian_fatalities")
    if aid is None or harm is None or "previous_four" not in harm.detail or harm.value is None:
        return
    years = sorted(int(k.split(":")[1]) for k in aid.detail if k.startswith("fy:"))
    if len(years) < 2:
        return
    now, before = aid.detail[f"fy:{years[-1]}"], aid.detail[f"fy:{years[-2]}"]
    harm_now, harm_before = harm.value, harm.detail["previous_four"]
    if now > before and harm_now > harm_before and harm_now >= rule.threshold:
        first, last = harm.period.split("–")
        yield _signal(
            rule,
            row,
            harm_now,
            f"FY{years[-1]}; {harm.period}",
            [aid, harm],
            assistance_before=money(before),
            assistance_now=money(now),
            year_before=f"FY{years[-2]}",
            year_now=f"FY{years[-1]}",
            harm_before=count(harm_before),
            harm_now=count(harm_now),
            harm_period_before=f"the four quarters before {first}",
            harm_period_now=harm.period,
        )


def us_supported_latest(rule: Rule, row: WatchRow) -> Iterator[Signal]:
    """Fills years, period: U.S. support UCDP lists in the last two years of its conflict data."""
    cell = row.cells.get("us_supported_government")
    if cell is None:
        return
    last = int(cell.period.split("–")[-1])
    recent = sorted(int(y) for y in cell.detail if int(y) >= last - 1)
    if len(recent) >= rule.threshold:
        yield _signal(
            rule,
            row,
            float(len(recent)),
            cell.period,
            [cell],
            years=" and ".join(str(y) for y in recent),
            period=f"{last - 1}–{last}",
        )


def rose_by_percent(rule: Rule, row: WatchRow) -> Iterator[Signal]:
    """Fills change, year, value: a rise of more than the threshold percent, to at least the minimum."""
    cell = row.cells.get(rule.column)
    if cell is None or cell.value is None:
        return
    value = cell.detail.get("idps", 0.0)
    if cell.value > rule.threshold and value >= rule.minimum:
        yield _signal(
            rule,
            row,
            cell.value,
            cell.period,
            [cell],
            change=percent(cell.value),
            year=cell.period.split("–")[-1],
            value=count(value),
        )


KINDS: dict[str, Callable[[Rule, WatchRow], Iterator[Signal | Untested]]] = {
    "above_baseline": above_baseline,
    "coup_after_assistance": coup_after_assistance,
    "both_rose": both_rose,
    "us_supported_latest": us_supported_latest,
    "rose_by_percent": rose_by_percent,
}


def raise_signals(rows: list[WatchRow]) -> None:
    """Apply every rule to every row, filling each row's ``signals`` and the cases it could not test."""
    for row in rows:
        found = [found for rule in rules() for found in KINDS[rule.kind](rule, row)]
        row.signals = [f for f in found if isinstance(f, Signal)]
        row.untested = [f for f in found if isinstance(f, Untested)]
