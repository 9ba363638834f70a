"""The watch as a cross-country brief: at most four A4 pages, in the house style of the factsheets.

The content (sentences, the short table, the map's colours) is made here from
the watch; the template only lays it out. Long lists are cut to fit the four
pages, and each cut says how many more the feed, the CSV or the explorer hold.
"""

from __future__ import annotations

import base64
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import jinja2

from partnerwatch.countries import crosswalk
from partnerwatch.publish.numbers import count, money, number_word
from partnerwatch.store.revisions import Release
from partnerwatch.store.revisions import summary as revision_summary
from partnerwatch.watch.columns import COLUMNS
from partnerwatch.watch.model import Change, Signal
from partnerwatch.watch.signals import rules
from partnerwatch.watch.table import Watch

TABLE_ROWS = 18
"""Countries in the brief's table: the largest recipients of U.S. security assistance."""
SIGNALS_SHOWN = 26
CHANGES_SHOWN = 10
RELEASES_SHOWN = 4
BRIEF_COLUMNS = ("security_assistance_usd", "trainees", "us_arms_share", "state_civilian_fatalities", "coups",
                 "us_supported_government", "displacement_trend")  # fmt: skip
MAP_COLOURS = ("#fde0c5", "#facba6", "#f59e72", "#e3674c", "#b7303b")
EMPTY = "#e4e7ea"


@dataclass(frozen=True)
class Brief:
    title: str
    dated: str
    summary: list[str]
    table_lede: str
    columns: list[str]
    rows: list[dict[str, Any]]
    map_svg: str
    map_caption: str
    signals: dict[str, list[Signal]]
    signals_more: int
    untested: list[str]
    """The sentences of the cases a rule could not test (a coup after the assistance data end)."""
    changes_lede: str
    changes: list[Change]
    releases: list[tuple[str, list[str]]]
    """The last new releases loaded: a heading, and per table what they revised, added and removed."""
    sources: list[tuple[str, str]]
    """(snapshot ids, citation): snapshots with the same citation (a report's regional parts) listed once."""


def _lower_first(title: str) -> str:
    """A title inside a sentence: "Successful coup" -> "successful coup"; "U.S. security" stays."""
    return title[0].lower() + title[1:] if len(title) > 1 and title[1].islower() else title


def _grouped_sources(sources: dict[int, str], cited: list[int]) -> list[tuple[str, str]]:
    by_citation: dict[str, list[int]] = {}
    for snapshot in cited:
        if snapshot in sources:
            by_citation.setdefault(sources[snapshot], []).append(snapshot)
    return [
        (", ".join(map(str, ids)), citation) for citation, ids in sorted(by_citation.items(), key=lambda kv: kv[1][0])
    ]


def _untested_lines(watch: Watch, titles: dict[str, str]) -> list[str]:
    """One sentence per rule naming the cases it could not test, by country (the full sentences are in the JSON)."""
    cases: dict[str, dict[str, list[str]]] = {}
    for row in watch.rows:
        for case in row.untested:
            cases.setdefault(case.rule, {}).setdefault(case.country, []).append(case.subject)
    return [
        f"{titles[rule]}: not tested where the data loaded do not cover the years the rule tests, so no finding"
        " either way — "
        + "; ".join(f"{country} ({', '.join(subjects)})" for country, subjects in by_country.items())
        + "."
        for rule, by_country in cases.items()
    ]


def brief_content(
    watch: Watch,
    changes: list[Change],
    span: tuple[int | None, int | None],
    today: date,
    releases: Sequence[Release] = (),
) -> Brief:
    rows = [r for r in watch.rows if "security_assistance_usd" in r.cells]
    signals = [s for r in watch.rows for s in r.signals]
    by_rule = Counter(s.rule for s in signals)
    titles = {r.id: r.title for r in rules()}
    total = sum(r.cells["security_assistance_usd"].value or 0 for r in rows)
    top = rows[:3]
    summary = [
        f"The watch covers {count(len(watch.rows))} countries with data loaded. In the last three fiscal years of"
        f" account-level data the United States obligated {money(total)} in security assistance to"
        f" {count(len(rows))} of them; the largest recipients were "
        + ", ".join(f"{r.country} ({money(r.cells['security_assistance_usd'].value or 0)})" for r in top[:2])
        + (
            f" and {top[2].country} ({money(top[2].cells['security_assistance_usd'].value or 0)})"
            if len(top) > 2
            else ""
        )
        + ".",
        f"{number_word(len(signals)).capitalize()} signals are raised by {number_word(len(by_rule))} of the"
        f" {number_word(len(rules()))} rules: "
        + "; ".join(f"{_lower_first(titles[rule])} ({n})" for rule, n in by_rule.most_common())
        + "."
        if signals
        else "No rule fires on the data loaded.",
        "A signal is a prompt to read the country's factsheet and its sources, not a finding about any force or"
        " program; each names the numbers it tested and their period.",
    ]
    table = []
    for row in rows[:TABLE_ROWS]:
        cells = [row.cells[c].text if c in row.cells else "–" for c in BRIEF_COLUMNS]
        table.append({"country": row.country, "cells": cells, "flags": len(row.signals)})
    lede = (
        f"The {min(TABLE_ROWS, len(rows))} largest recipients of U.S. security assistance, with the other columns of"
        " the watch; each value's period and sources are in the CSV and on the explorer's /watch page."
    )
    grouped: dict[str, list[Signal]] = {}
    for signal in signals[:SIGNALS_SHOWN]:
        grouped.setdefault(titles[signal.rule], []).append(signal)
    if span[1] is None:
        changes_lede = "No load has been recorded yet: run partnerwatch watch after loading to start the history."
    elif span[0] is None:
        changes_lede = f"Store version {span[1]} is the first recorded: its {count(len(changes))} values are all new."
    else:
        changes_lede = (
            f"From store version {span[0]} to {span[1]} (the last load), {count(len(changes))}"
            f" value{'' if len(changes) == 1 else 's'} changed"
            + (f"; the first {CHANGES_SHOWN} are listed." if len(changes) > CHANGES_SHOWN else ".")
        )
    shown = releases[-RELEASES_SHOWN:]
    cited = sorted({s for r in rows[:TABLE_ROWS] for c in r.cells.values() for s in c.sources} | {
        s for sig in signals[:SIGNALS_SHOWN] for s in sig.sources
    })  # fmt: skip
    return Brief(
        title="U.S. security partners and the protection of civilians: the watch",
        dated=today.strftime("%-d %B %Y"),
        summary=summary,
        table_lede=lede,
        columns=[next(c.short or c.title for c in COLUMNS if c.id == i) for i in BRIEF_COLUMNS],
        rows=table,
        map_svg=_coloured_map(watch, "security_assistance_usd"),
        map_caption="U.S. security assistance obligated in the last three fiscal years with data, by fifth of the"
        " countries with data (darkest: the highest fifth); grey: no data. Source: USAID Greenbook (or the"
        " account-level files loaded). Map: pygal_maps_world.",
        signals=grouped,
        signals_more=max(0, len(signals) - SIGNALS_SHOWN),
        untested=_untested_lines(watch, titles),
        changes_lede=changes_lede,
        changes=[] if span[0] is None else changes[:CHANGES_SHOWN],
        releases=[
            (r.heading[0].upper() + r.heading[1:], [f"{v.table}: {revision_summary(v)}" for v in r.revisions])
            for r in shown
        ],
        sources=_grouped_sources(
            {**watch.sources, **{r.snapshot_id: r.citation for r in shown}},
            sorted({*cited, *(r.snapshot_id for r in shown)}),
        ),
    )


def _coloured_map(watch: Watch, column: str) -> str:
    """The package's world map with each country filled by the fifth its value falls in, as an image source."""
    values = sorted(r.cells[column].value or 0 for r in watch.rows if column in r.cells)
    cuts = [values[int(q * (len(values) - 1))] for q in (0.2, 0.4, 0.6, 0.8)] if values else []
    walk = crosswalk()
    rules_css = []
    for row in watch.rows:
        cell = row.cells.get(column)
        country = walk.by_iso3.get(row.iso3)
        if cell is None or cell.value is None or country is None or not country.iso2:
            continue
        colour = MAP_COLOURS[sum(1 for c in cuts if cell.value > c)]
        rules_css.append(f".{country.iso2.lower()} path {{ fill: {colour}; }}")
    svg = _map_svg()
    style = (
        f"<style>.country path {{ fill: {EMPTY}; stroke: #ffffff; stroke-width: 0.5; }} {' '.join(rules_css)}</style>"
    )
    svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + style, svg, count=1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@cache
def _map_svg() -> str:
    return (resources.files("pygal_maps_world") / "worldmap.svg").read_text(encoding="utf-8")


def render_brief_pdf(brief: Brief) -> bytes:
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    template = _environment().get_template("watch_brief.html.j2")
    return bytes(HTML(string=template.render(brief=brief), base_url=None).write_pdf())


@cache
def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: (resources.files(__package__) / "templates" / name).read_text(encoding="utf-8")
    )
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
