"""What the data cover: a figure's period is the period asked for, cut to the years its data hold.

"2001–2021" over ACLED events that end in 2020 is not honest; "2001–2020"
is, and the method says that the period asked for was longer. The FMTR is
one report per fiscal year, and years without a loaded report are not zero
but unknown, so training figures name the report years they rest on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ibis.expr.types import Table

from partnerwatch.figures.context import FigureContext

MONTHS = "January February March April May June July August September October November December".split()


def runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive numbers as (first, last) runs: [2007, 2008, 2010] -> [(2007, 2008), (2010, 2010)]."""
    found: list[tuple[int, int]] = []
    for number in sorted(set(numbers)):
        if found and number == found[-1][1] + 1:
            found[-1] = (found[-1][0], number)
        else:
            found.append((number, number))
    return found


def years_text(years: Iterable[int], prefix: str = "") -> str:
    """Years as a reader reads them: runs joined ("FY2007–FY2016 and FY2019–FY2020", "2001–2020", "2012")."""
    parts = [f"{prefix}{a}" if a == b else f"{prefix}{a}–{prefix}{b}" for a, b in runs(years)]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def years_in(ctx: FigureContext, rows: Table, column: str) -> list[int]:
    """The distinct years of ``column`` in ``rows`` (already cut to the period asked for)."""
    return sorted(int(r[column]) for r in ctx.rows(rows.select(column).distinct()) if r[column] is not None)


def span_text(years: list[int], prefix: str = "") -> str:
    """The first to the last year ("2001–2020"), for data that cover every year between."""
    if not years:
        return ""
    return f"{prefix}{years[0]}" if years[0] == years[-1] else f"{prefix}{years[0]}–{prefix}{years[-1]}"


def shorter_note(ctx: FigureContext, covered: str, what: str) -> str:
    """A sentence for the method when the data cover less than the period asked for, else ''."""
    asked = f"{ctx.period[0]}–{ctx.period[1]}"
    if not covered or covered == asked:
        return ""
    return f" The {what} cover {covered} of the period asked for, {asked}."


def period_years(text: str) -> set[int]:
    """The years a period names: "2001-2021", "FY2007–FY2016 and FY2019–FY2020", "2021-09" -> {2021}."""
    years: set[int] = set()
    for match in re.finditer(r"(?:FY)?(\d{4})(?:\s*[-–]\s*(?:FY)?(\d{4})(?!-\d))?", text):
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        years.update(range(first, last + 1))
    return years
