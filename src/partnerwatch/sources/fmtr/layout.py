"""From word boxes to table rows: lines, columns, and wrapped cells put back together.

The FMTR tables are report-writer output: each cell is wrapped inside its
column and centred vertically on its row. A row therefore shows as one
*anchor* line (the one with the trainee count or a start date) and, per column,
wrapped lines above and below it, interleaved with the lines of the rows
before and after. Because every cell is centred, the lines of a cell balance
around their anchor: taking lines below an anchor until the cell's centre
reaches the anchor splits each gap between two anchors correctly, even when a
five-line cell sits next to a one-line one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from partnerwatch.sources.fmtr.extract import Word

LINE_TOLERANCE = 1.5  # points: words whose centres differ less than this share a line
WORD_GAP = 3.0  # points: a smaller gap between two words never separates two columns
COLUMN_SLACK = 3.0  # points: a cell may start this far left of its header
CENTRE_SLACK = 2.0  # points: how far above its anchor a cell's centre may stay

COLUMNS = (
    "course_title",
    "quantity",
    "location",
    "student_unit",
    "us_unit",
    "total_cost",
    "start_date",
    "end_date",
)
# The first word of each column's header label, in every year's layout.
HEADER_FIRST_WORDS: dict[str, tuple[str, ...]] = {
    "course_title": ("course",),
    "quantity": ("qty", "students"),
    "location": ("training", "location"),
    "student_unit": ("student's",),
    "us_unit": ("us",),
    "total_cost": ("total",),
    "start_date": ("start",),
    "end_date": ("end",),
}
EARLY_HEADER_FIRST_WORDS: dict[str, tuple[str, ...]] = {
    "course_title": ("title",),
    "quantity": ("#",),
    "location": ("location",),
    "student_unit": ("students'",),
    "us_unit": ("us",),
    "total_cost": ("cost",),
    "start_date": ("start",),
    "end_date": ("end",),
}
_INTEGER = re.compile(r"^\d[\d,]*$")
_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_EARLY_TOTALS = re.compile(r"^(?:FY\s?\d{2}\s+|Program\s+|Country\s+)Totals:$")
_ANY_DATE = re.compile(r"^\d{1,2}/\d{1,2}/(?:\d{2}|\d{4})$")
_MONEY = re.compile(r"^\$[\d,]+(?:\.\d\d)?$")
BROKEN_ROW = (
    "printed broken over several lines: its unit, cost and dates were read from the fragment below it,"
    " printed two columns to the left"
)


@dataclass
class Line:
    page: int
    center: float
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def height(self) -> float:
        """The smallest word height: a heading is a line whose every word is large."""
        return min(w.height for w in self.words)


def group_lines(words: Iterable[Word], page: int) -> list[Line]:
    """Words on the same baseline, each line's words left to right, lines top to bottom."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.center, w.x0)):
        if lines and abs(word.center - lines[-1].center) <= LINE_TOLERANCE:
            lines[-1].words.append(word)
        else:
            lines.append(Line(page, word.center, [word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


@dataclass(frozen=True)
class Columns:
    """The columns of one table layout: names and left edges, left to right.

    FY2001-FY2005 tables centre their labels over columns whose text starts well left of them and right-align
    the counts: there ``centres`` holds each label's centre and ``qty_right`` the counts' right edge, and
    lines are split by what their words are (``split_early``), not by left edges.
    """

    names: tuple[str, ...]
    starts: tuple[float, ...]
    centres: tuple[float, ...] = ()
    qty_right: float = 0.0
    hash_right: float = 0.0
    """FY2001-FY2005: the right edge of the "#" label, from which a page without totals places its counts."""

    @property
    def early(self) -> bool:
        """A FY2000-FY2005 layout (its labels' centres are known)."""
        return bool(self.centres)

    def centre(self, name: str) -> float:
        return self.centres[self.names.index(name)] if name in self.names else 0.0


def header_columns(line: Line) -> Columns | None:
    """The columns a table header line declares, or None if the line is not a header.

    Years differ: FY2008-FY2010 have no U.S. unit column; the labels vary
    ("Qty"/"Students", "Location"/"Training Location", "US Units"/"US Unit - US Qty").
    """
    words = [w.text.casefold().replace("\u2019", "'") for w in line.words]
    if words[:2] == ["title", "of"]:  # FY2001-FY2005: "Title of Training  #  Location  Students' Units ..."
        first_words = EARLY_HEADER_FIRST_WORDS
    elif words[:2] == ["course", "title"]:
        first_words = HEADER_FIRST_WORDS
    else:
        return None
    names: list[str] = []
    starts: list[float] = []
    i = 0
    for column in COLUMNS:
        j = i
        while j < len(words) and words[j] not in first_words[column]:
            j += 1
        if j < len(words):
            names.append(column)
            starts.append(line.words[j].x0)
            i = j + 1
    if "quantity" not in names or "total_cost" not in names:
        return None
    if first_words is not EARLY_HEADER_FIRST_WORDS:
        return Columns(tuple(names), tuple(starts))
    firsts = [next(k for k, w in enumerate(line.words) if w.x0 == x) for x in starts]
    ends = [*(k - 1 for k in firsts[1:]), len(line.words) - 1]
    centres = tuple(
        (line.words[a].x0 + line.words[b].x0 + line.words[b].width) / 2 for a, b in zip(firsts, ends, strict=True)
    )
    hash_word = line.words[firsts[names.index("quantity")]]
    return Columns(tuple(names), tuple(starts), centres, hash_right=hash_word.x0 + hash_word.width)


def split_columns(line: Line, columns: Columns) -> dict[str, str]:
    """The text of a line in each column; a word closer than WORD_GAP to the previous stays with it."""
    if columns.early:
        return split_early(line, columns)
    cells: dict[int, list[str]] = {}
    column = 0
    previous_end: float | None = None
    for word in line.words:
        if previous_end is None or word.x0 - previous_end >= WORD_GAP:
            column = max(bisect_right(columns.starts, word.x0 + COLUMN_SLACK) - 1, 0)
        cells.setdefault(column, []).append(word.text)
        previous_end = word.x0 + word.width
    return {columns.names[i]: " ".join(parts) for i, parts in cells.items()}


QTY_SLACK = 3.0  # points: a count's right edge lies this close to the column's
ROW_MARK = "_row"
"""A key ``split_early`` sets on a line that holds a row's cost: a row's own line, whatever its count."""


def split_early(line: Line, columns: Columns) -> dict[str, str]:
    """A FY2001-FY2005 line split by what its words are: dates and a cost at the right, a right-aligned count.

    The dates are the last one or two date words, the cost the money word before them; the count is the
    whole number whose right edge is the counts' (so a title's own numbers, "Seminar 0", stay in it); words
    left of the count are the title, and the others go to location, students' unit or U.S. unit by the
    midpoints between those labels' centres.
    """
    words = list(line.words)
    cells: dict[str, list[str]] = {}
    cost_left = columns.starts[columns.names.index("total_cost")] - 10.0
    tail: list[Word] = []
    while words and len(tail) < 2 and _ANY_DATE.match(words[-1].text) and words[-1].x0 > cost_left:
        tail.insert(0, words.pop())
    if len(tail) == 2:
        cells["start_date"], cells["end_date"] = [tail[0].text], [tail[1].text]
    elif tail:
        middle = (columns.centre("start_date") + columns.centre("end_date")) / 2
        cells["end_date" if tail[0].x0 >= middle and "end_date" in columns.names else "start_date"] = [tail[0].text]
    if words and (_MONEY.match(words[-1].text) or _INTEGER.match(words[-1].text)):
        if words[-1].x0 + words[-1].width >= cost_left:
            cells["total_cost"] = [words.pop().text]
            if _MONEY.match(cells["total_cost"][0]) and words:
                cells[ROW_MARK] = ["yes"]  # a row line, even with its count left blank (FY2000 JCET rows)
    count = next(
        (
            k
            for k, w in enumerate(words)
            if _INTEGER.match(w.text) and abs(w.x0 + w.width - columns.qty_right) <= QTY_SLACK
        ),
        None,
    )
    bounds = [
        ("location", (columns.centre("location") + columns.centre("student_unit")) / 2),
        (
            "student_unit",
            (columns.centre("student_unit") + columns.centre("us_unit")) / 2 if "us_unit" in columns.names else 1e9,
        ),
        ("us_unit", 1e9),
    ]
    for k, word in enumerate(words):
        if count is not None and k < count or count is None and word.x0 + word.width <= columns.qty_right - QTY_SLACK:
            column = "course_title"
        elif k == count:
            column = "quantity"
        else:
            column = next(name for name, edge in bounds if word.x0 < edge)
        cells.setdefault(column, []).append(word.text)
    return {name: " ".join(parts) for name, parts in cells.items()}


def is_anchor(cells: dict[str, str]) -> bool:
    """A row's own line: it holds the trainee count or a start date."""
    return (
        bool(_INTEGER.match(cells.get("quantity", "")))
        or bool(_ANY_DATE.match(cells.get("start_date", "")))
        or bool(_EARLY_TOTALS.match(cells.get("course_title", "")))  # FY2004 p.14: "FY 04 Totals:  $0", no count
        or ROW_MARK in cells
    )


# Columns whose values never wrap: text in them on a line that is not a row's
# own line is a stray (a broken row in the report), never part of a cell.
SINGLE_LINE = frozenset({"quantity", "total_cost", "start_date", "end_date"})


@dataclass
class Row:
    """One assembled table row: the text of each column, and the anchor line's page."""

    page: int
    cells: dict[str, str]
    repair: str = ""
    """How the row was read when the report prints it otherwise than as a table row (else empty)."""
    printed_dates: tuple[str, str] | None = None
    """The start and end date cells as printed, when a repair moved them."""


@dataclass
class Segment:
    rows: list[Row]
    strays: list[str]
    """Lines with values in single-line columns that belong to no row."""


def assemble_rows(lines: list[Line], columns: Columns) -> Segment:
    """Rows of one table segment (one page, one header), wrapped cells rejoined per column."""
    split = [(line, split_columns(line, columns)) for line in lines]
    tails = _broken_rows(split, columns)
    taken = {id(line) for repair in tails.values() for line in repair.lines}
    split = [(line, cells) for line, cells in split if id(line) not in taken]
    anchors = [line.center for line, cells in split if is_anchor(cells)]
    strays = [line.text for line, cells in split if not is_anchor(cells) and any(c in cells for c in SINGLE_LINE)]
    if not anchors:
        return Segment([], [line.text for line in lines])
    page = lines[0].page
    texts: dict[str, list[list[str]]] = {}
    for column in COLUMNS:
        fragments = [
            (line.center, cells[column])
            for line, cells in split
            if column in cells and (column not in SINGLE_LINE or is_anchor(cells))
        ]
        if columns.early:  # FY2000-FY2005: cells start on their row's line and wrap below it
            texts[column] = hang(anchors, fragments)
        else:
            texts[column] = distribute(anchors, fragments, closed={k for k, a in enumerate(anchors) if a in tails})
    rows = [Row(page, {c: " ".join(texts[c][k]).strip() for c in COLUMNS}) for k in range(len(anchors))]
    for k, center in enumerate(anchors):
        if center in tails:
            tails[center].apply(rows[k])
    for row in rows:
        _run_together(row)
        _shifted_right(row)
    return Segment(rows, strays)


def _run_together(row: Row) -> None:
    """A cost and a date printed too close to be split by position (FY2001: ``$2,903 10/30/00``).

    The cost and date cells are read as one run of tokens, a cost then one or two dates, and dealt out
    to their columns; anything else is left for the cells' own checks to refuse.
    """
    tokens = " ".join(row.cells.get(c, "") for c in ("total_cost", "start_date", "end_date")).split()
    if len(row.cells.get("total_cost", "").split()) < 2 or not tokens or not _MONEY.match(tokens[0]):
        return
    dates = tokens[1:]
    if 1 <= len(dates) <= 2 and all(_ANY_DATE.match(d) for d in dates):
        row.cells["total_cost"], row.cells["start_date"] = tokens[0], dates[0]
        row.cells["end_date"] = dates[1] if len(dates) == 2 else ""


_PARTIAL_DATE = re.compile(r"^\d{1,2}(?:/\d{0,2}(?:/\d{0,4})?)?$")


def _shifted_right(row: Row) -> None:
    """A row printed one column to the right of its headers (FY2015 Western Hemisphere p.17, FY2016 Europe p.34).

    An extra cell (a U.S. quantity the page's header does not have) pushes the cost under "Start Date" and
    both dates under "End Date", the second cut off at the page's edge: ``0  $0  7/31/2016 9/30/20``. The
    cells are read where they belong; an end date the page cut off is left empty, and the cells as
    printed are kept.
    """
    start, end = row.cells.get("start_date", ""), row.cells.get("end_date", "")
    dates = end.split()
    if not (_MONEY.match(start) and len(dates) == 2 and _DATE.match(dates[0]) and _PARTIAL_DATE.match(dates[1])):
        return
    extra = row.cells.get("total_cost", "")
    row.printed_dates = (start, end)
    row.cells["total_cost"] = start
    row.cells["start_date"] = dates[0]
    row.cells["end_date"] = dates[1] if _DATE.match(dates[1]) else ""
    cut = "" if _DATE.match(dates[1]) else f", the end date cut off at the page's edge as {dates[1]!r}"
    row.repair = f"printed one column to the right (an extra cell {extra!r} before the cost{cut})"


@dataclass
class _Tail:
    """The right-hand cells of a row the report prints broken, read from the fragment that holds them."""

    lines: list[Line]
    unit: list[str]
    """The student's unit as it runs on below the row's own line, mostly in the course-title column."""
    us_unit: str
    cost: str
    dates: list[str]

    def apply(self, row: Row) -> None:
        row.cells["student_unit"] = " ".join([row.cells.get("student_unit", ""), *self.unit]).strip()
        row.cells["us_unit"] = row.cells.get("us_unit") or self.us_unit
        row.cells["total_cost"] = self.cost
        row.cells["start_date"] = self.dates[0]
        row.cells["end_date"] = self.dates[1] if len(self.dates) > 1 else ""
        row.repair = BROKEN_ROW


def _broken_rows(split: list[tuple[Line, dict[str, str]]], columns: Columns) -> dict[float, _Tail]:
    """Rows printed in fragments (FY2016 Africa p.50, FY2015 South Central Asia p.12), by their anchor's centre.

    The row's own line has its title, count and place but no cost or dates; its student's unit runs on in
    the course-title column over the next lines; and a last fragment carries the rest two columns to the
    left of where they belong: ``DCT  N/A  147478  $147,478  4/4/2016`` (unit, U.S. unit, the cost twice,
    the start date). Read as a table, those fragments would merge into the next row; they are given back
    to their row instead.
    """
    found: dict[float, _Tail] = {}
    cost_column = columns.starts[columns.names.index("total_cost")]
    open_row: tuple[Line, list[Line]] | None = None
    for line, cells in split:
        if is_anchor(cells):
            broken = not cells.get("total_cost") and not cells.get("start_date")
            open_row = (line, []) if broken else None
            continue
        if open_row is None:
            continue
        dates = [w for w in line.words if _DATE.match(w.text)]
        money = [w for w in line.words if _MONEY.match(w.text)]
        if not (money and dates and money[-1].x0 < cost_column - COLUMN_SLACK):
            if set(cells) <= {"course_title", "student_unit"}:
                open_row[1].append(line)  # the unit running on in the wrong column
            continue
        at = next(i for i, w in enumerate(line.words) if w is money[-1])
        quantity_start = columns.starts[columns.names.index("quantity")]
        lead = [w.text for w in line.words[:at] if w.x0 < quantity_start - COLUMN_SLACK]
        middle = [w for w in line.words[len(lead) : at] if not _INTEGER.match(w.text)]
        anchor, between = open_row
        found[anchor.center] = _Tail(
            lines=[*between, line],
            unit=[x.text for x in between] + ([" ".join(lead)] if lead else []),
            us_unit=" ".join(w.text for w in middle),
            cost=money[-1].text,
            dates=[w.text for w in dates if w.x0 > money[-1].x0][:2],
        )
        open_row = None
    return {k: v for k, v in found.items() if v.dates}


def distribute(
    anchors: list[float], fragments: list[tuple[float, str]], closed: set[int] | frozenset[int] = frozenset()
) -> list[list[str]]:
    """Give each fragment of one column to the anchor whose centred cell it belongs to.

    ``closed`` rows are printed broken and already whole (``_broken_rows``): their cells are not centred, so
    they take nothing from the gap below them.
    """
    cells: list[list[tuple[float, str]]] = [[] for _ in anchors]
    queue = sorted(fragments)
    i = 0
    for k, anchor in enumerate(anchors):
        # Fragments strictly between the previous anchor and this one.
        gap: list[tuple[float, str]] = []
        while i < len(queue) and queue[i][0] < anchor - LINE_TOLERANCE:
            gap.append(queue[i])
            i += 1
        if k > 0 and k - 1 not in closed:
            above = cells[k - 1]
            while gap and above and _centre(above) < anchors[k - 1] - CENTRE_SLACK:
                above.append(gap.pop(0))
        cells[k].extend(gap)
        while i < len(queue) and abs(queue[i][0] - anchor) <= LINE_TOLERANCE:
            cells[k].append(queue[i])
            i += 1
    cells[-1].extend(queue[i:])
    return [[text for _y, text in sorted(cell)] for cell in cells]


def hang(anchors: list[float], fragments: list[tuple[float, str]]) -> list[list[str]]:
    """Give each fragment to the row whose line is the last at or above it (cells aligned to their top)."""
    cells: list[list[tuple[float, str]]] = [[] for _ in anchors]
    for y, text in fragments:
        k = max(bisect_right(anchors, y + LINE_TOLERANCE) - 1, 0)
        cells[k].append((y, text))
    return [[text for _y, text in sorted(cell)] for cell in cells]


def _centre(cell: list[tuple[float, str]]) -> float:
    return sum(y for y, _text in cell) / len(cell)
