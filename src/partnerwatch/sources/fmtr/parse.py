"""Parse a Foreign Military Training Report PDF into ``training`` and ``training_totals`` rows.

The report is a sequence of country sections (a heading in a larger font),
each a sequence of program blocks (``IMET-1 - FY 2008 DoS Training``), each a
table that may run over several pages, repeating its header, and ends with a
program totals line; the country ends with its own totals line. Spellings
drift between years (``FY 2008`` / ``Fiscal Year 2019``, ``DoS`` /
``Department of State``), and so do the columns (see ``layout``).

Reconciliation is part of parsing: every program block and every country is
added up and compared with the totals line the report prints. Differences
are returned as ``total-mismatch`` errors; ``ingest`` refuses the file unless
told to keep it anyway.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from statistics import median

import pyarrow as pa

from partnerwatch.countries import Crosswalk, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.fmtr.extract import Page, extract_pages
from partnerwatch.sources.fmtr.layout import (
    Columns,
    Line,
    Row,
    assemble_rows,
    group_lines,
    header_columns,
)
from partnerwatch.sources.fmtr.programs import program_info

PROGRAM_HEADING = re.compile(
    r"^(?P<program>.+?)\s+-\s+(?:FY|Fiscal Year)\s*(?P<year>\d{4})\s+(?P<dept>.+?)\s+Training$"
)
PROGRAM_TOTAL = re.compile(r"(?:^|\s)(?:FY|Fiscal Year)\s*(?P<year>\d{4})\s+Program\s+Totals$", re.I)
COUNTRY_TOTAL = re.compile(r"^(?P<country>.+?)\s+(?:FY|Fiscal Year)\s*(?P<year>\d{4})\s+Totals$", re.I)
RUNNING_HEAD = re.compile(r"^Volume I\b")
# FY2001-FY2005: one heading names region, country and program ("DoS Africa Region, Benin, International
# Military Education and Training (IMET), FY 01"); the same heading without the department heads each page.
EARLY_HEADING = re.compile(
    r"^(?:(?P<dept>DoS|DOS|DoD|DOD|DHS|DoHS|DOHS)\s+)?(?P<region>(?:[A-Z][A-Za-z ]*? )?Region),"
    r"\s*(?P<rest>.*?),\s*FY\s?(?P<yy>\d{2})$"
)
NOT_STATED = "XNS"
"""The entity of a block whose heading names no country (FY2004 Africa p.1: "Region, , DoD Regional Centers")."""
EARLY_TOTAL = re.compile(r"^(?:FY\s?(?P<yy>\d{2})\s+Totals|(?P<level>Program|Country)\s+Totals)\s*:?$", re.I)
PAGE_NUMBER = re.compile(r"^(?:IV|V|VI)-\d+$")
DEPARTMENTS = {
    "dos": "DoS",
    "department of state": "DoS",
    "dod": "DoD",
    "department of defense": "DoD",
    "dohs": "DHS",
    "department of homeland security": "DHS",
}
COUNTRY_HEADING_RATIO = 1.5  # a country heading's font is this much larger than the body text
LEFT_MARGIN_SLACK = 5.0  # points: a country heading starts at the page's left margin
COST_TOLERANCE = 1.0  # dollars: totals are printed rounded to the dollar

TRAINING_SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("fiscal_year", pa.int32()),
        ("program", pa.string()),
        ("department", pa.string()),
        ("course_title", pa.string()),
        ("quantity", pa.int32()),
        ("location", pa.string()),
        ("student_unit", pa.string()),
        ("us_unit", pa.string()),
        ("total_cost_usd", pa.float64()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("page", pa.int32()),
        ("account", pa.string()),
        ("authority", pa.string()),
        ("region", pa.string()),
        ("country_printed", pa.string()),
        ("program_printed", pa.string()),
        ("start_date_raw", pa.string()),
        ("end_date_raw", pa.string()),
        ("search_text", pa.string()),
        ("inferred", pa.bool_()),
        ("repair", pa.string()),
    ]
)
TOTALS_SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("fiscal_year", pa.int32()),
        ("level", pa.string()),
        ("program", pa.string()),
        ("department", pa.string()),
        ("printed_quantity", pa.int64()),
        ("printed_cost_usd", pa.float64()),
        ("parsed_quantity", pa.int64()),
        ("parsed_cost_usd", pa.float64()),
        ("parsed_rows", pa.int32()),
        ("matches", pa.bool_()),
        ("page", pa.int32()),
    ]
)


@dataclass
class _Block:
    """Running sums of a program block or a country section, to compare with its totals line."""

    quantity: int = 0
    cost: float = 0.0
    rows: int = 0

    def add(self, quantity: int | None, cost: float | None) -> None:
        self.quantity += quantity or 0
        self.cost += cost or 0.0
        self.rows += 1


@dataclass
class ReportState:
    file: str
    walk: Crosswalk
    errors: ErrorCollector
    mismatches: list[DataError] = field(default_factory=list)
    country: str | None = None
    country_heading: str = ""
    program: str | None = None
    department: str = ""
    fiscal_year: int | None = None
    columns: Columns | None = None
    program_sum: _Block = field(default_factory=_Block)
    country_sum: _Block = field(default_factory=_Block)
    training: list[dict[str, object]] = field(default_factory=list)
    totals: list[dict[str, object]] = field(default_factory=list)
    region: str = ""
    pending_totals_from: int = 0
    pending_from: int | None = None
    """Index of the first row read after an unreadable page, while its country is unknown."""
    lost_page: int | None = None
    early: bool = False
    """The report is of the FY2001-FY2005 layout (recognised from its headings, never its file name)."""
    country_before_gap: _Block | None = None
    printed_program: tuple[int | None, float | None, int] | None = None
    """The program totals line seen for the open block: (trainees, cost, page)."""
    program_heading: str = ""
    early_block: tuple[str, str, int] | None = None
    """FY2001-FY2005: the (country, program, year) of the open block, to tell a page's head from a new block."""
    regions: list[str] = field(default_factory=list)
    program_run: _Block = field(default_factory=_Block)
    """FY1999-FY2005: the open program's rows over all its years' blocks, for its "Program Totals:" line."""
    section_years: set[int] = field(default_factory=set)
    """The fiscal years of the open country section's blocks."""
    section_from: tuple[int, int] = (0, 0)
    """Where the open country section's rows and totals start, by index."""
    closed: set[str] = field(default_factory=set)
    """The countries whose totals line has been read."""
    warnings: list[str] = field(default_factory=list)
    counts_offset: float | None = None
    """FY2001-FY2005: how far right of the "#" label the counts end, as the last totals line showed."""
    misprinted: list[tuple[int, str, str]] = field(default_factory=list)
    """Dates printed impossibly far from the report's year, left empty: page (or table row), field, as printed."""
    hidden: list[int] = field(default_factory=list)
    """Rows of the open block printed under its totals line (their count and cost hidden), by index."""


def parse_fmtr_pdf(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    pages = extract_pages(path)
    state = ReportState(file=path.name, walk=crosswalk(), errors=ErrorCollector())
    halves = two_column_split(pages)
    state.early = halves is not None or is_early_layout(pages)
    if state.early:  # FY2004 Western Hemisphere p.1 prints no column header: its table reads as the next page's
        state.columns = next(
            (
                c
                for page in pages
                for ln in group_lines(page.words, page.number)
                if (c := header_columns(ln)) is not None
            ),
            None,
        )
    for page in pages:
        if halves is not None:
            for half in _halves(page, halves):
                _read_two_column_half(half, state)
        else:
            _read_page(page, state)
        if progress is not None:
            progress(1)
    if not state.training and not state.totals:
        raise PartnerWatchError.single(
            "not-this-format",
            "no FMTR program tables found (no 'PROGRAM - FY YYYY ... Training' headings)",
            file=path.name,
            page=1,
        )
    close_program(state, pages[-1].number if pages else 1)
    _settle_pending(state.country, state)
    state.errors.raise_if_any()
    return finished(state, len(pages), state.warnings, unit="pages")


def finished(state: ReportState, size: int, warnings: list[str], *, unit: str) -> ParsedFile:
    """The rows and totals a report gave, with its scope, notes, mismatches and warnings."""
    years = sorted({int(str(r["fiscal_year"])) for r in state.training if r["fiscal_year"] is not None})
    if not years:
        raise PartnerWatchError.single("empty-file", "the report has no course rows", file=state.file)
    scope = f"FY{years[0]}" if len(years) == 1 else f"FY{years[0]}-{years[-1]}"
    regions = ", ".join(state.regions) if len(state.regions) > 1 else state.region
    if state.misprinted:
        place = "p." if unit == "pages" else "table row "
        where = "; ".join(f"{place}{at} {column} {text!r}" for at, column, text in state.misprinted[:8])
        warnings = [
            *warnings,
            f"{state.file}: {len(state.misprinted)} dates printed far outside FY{years[0]} (left empty, kept as"
            f" printed in start_date_raw/end_date_raw): {where}",
        ]
    return ParsedFile(
        tables={
            "training": pa.Table.from_pylist(state.training, schema=TRAINING_SCHEMA),
            "training_totals": pa.Table.from_pylist(state.totals, schema=TOTALS_SCHEMA),
        },
        scope=f"{scope} {regions}".strip(),
        release=scope,
        notes=f"{size} {unit}; {sum(1 for t in state.totals if t['level'] == 'country')} countries;"
        f" {len(state.mismatches)} totals mismatches",
        mismatches=state.mismatches,
        warnings=warnings,
    )


def two_column_split(pages: list[Page]) -> float | None:
    """FY2000: pages hold two tables side by side; the x where the right one begins, or None for one table.

    The report's first pages show two "Title of" column headers far apart; the right table starts past
    the left one's "Cost" label.
    """
    for page in pages[:3]:
        titles = [w for w in page.words if w.text == "Title"]
        costs = [w for w in page.words if w.text == "Cost"]
        if len(titles) >= 2 and costs and max(t.x0 for t in titles) - min(t.x0 for t in titles) > 200:
            left = min(t.x0 for t in titles)
            left_cost = min((c for c in costs if c.x0 > left), key=lambda c: c.x0)
            return left_cost.x0 + left_cost.width + 10.0
    return None


def _halves(page: Page, split: float) -> list[Page]:
    left = Page(page.number, split, page.height, [w for w in page.words if w.x0 < split])
    right = Page(page.number, page.width - split, page.height, [w for w in page.words if w.x0 >= split])
    return [left, right]


def _read_two_column_half(page: Page, state: ReportState) -> None:
    """One table of a FY2000 page: course, count and cost, two fiscal years a program.

    Headings wrap ("Benin, Non-Security Assistance, Unified Command, FY" / "00") and name the region only at
    the region's start; the rest is read as the FY2001-FY2005 layout.
    """
    lines = group_lines(page.words, page.number)
    segment: list[Line] = []
    pending = ""
    pending_lines: list[Line] = []
    for line in lines:
        text = line.text
        at_foot = line.center > page.height * 0.9
        if PAGE_NUMBER.match(text) or (at_foot and text.isdigit()) or text.startswith("IV. COUNTRY TRAINING"):
            continue
        columns = header_columns(line)
        if columns is not None:
            _flush(segment, state)
            state.columns = _place_counts(columns, lines, state)
            continue
        words = [w.text for w in line.words]
        if any(re.fullmatch(r"\$[\d,]+", w) for w in words):
            if pending:
                segment.extend(pending_lines)
                pending, pending_lines = "", []
            segment.append(line)
            continue
        joined = f"{pending} {text}".strip()
        heading = two_year_heading(pending, text, state)
        if heading is not None:
            _flush(segment, state)
            start_early(heading, line.page, state)
            pending = ""
            continue
        if "," in text or text.endswith(" FY") or pending:
            if not pending:
                pending_lines = []
            pending = joined if len(joined) < 200 else text
            pending_lines.append(line)
            continue
        if pending_lines:  # not a heading after all: the lines were a course title's
            segment.extend(pending_lines)
            pending, pending_lines = "", []
        segment.append(line)
    _flush(segment, state)


def two_year_heading(pending: str, text: str, state: ReportState) -> re.Match[str] | None:
    """The FY1999/FY2000 heading a line completes: with the line before it, else alone.

    Such headings wrap ("Benin, International Military Education And Training" / "(IMET), FY 99") and
    name their region only where it starts ("Africa Region, Angola, …, FY 00"), so each candidate is tried
    as printed and under the region read last. One that names a country the crosswalk knows is preferred;
    else the first match, so that an unknown country is refused by name rather than read as another's.
    """
    found: re.Match[str] | None = None
    for candidate in ([f"{pending} {text}"] if pending else []) + [text]:
        if not re.search(r",\s*FY\s?\d{2}$", candidate):
            continue
        for form in (candidate, f"{state.region} Region, {candidate}"):
            heading = EARLY_HEADING.match(form)
            if heading is None:
                continue
            if state.walk.lookup_name(split_country(heading["rest"], state.walk)[0], "fmtr") is not None:
                return heading
            found = found or heading
    return found


def _place_counts(columns: Columns, lines: list[Line], state: ReportState) -> Columns:
    """FY2001-FY2005: where the page's counts end, from its totals lines ("FY 01 Totals:  61  $188,729").

    A page without a totals line places them as the report's other pages do, relative to its "#" label.
    """
    for line in lines:
        texts = [w.text for w in line.words]
        if "Totals:" in texts:
            at = texts.index("Totals:") + 1
            if at < len(texts) and re.fullmatch(r"[\d,]+", texts[at]):
                word = line.words[at]
                state.counts_offset = word.x0 + word.width - columns.hash_right
                return replace(columns, qty_right=word.x0 + word.width)
    return replace(columns, qty_right=columns.hash_right + (state.counts_offset or 0.0))


def is_early_layout(pages: list[Page]) -> bool:
    """Whether the report is of the FY2001-FY2005 layout: its first pages carry its one-line headings."""
    for page in pages[:5]:
        for line in group_lines(page.words, page.number):
            if EARLY_HEADING.match(line.text):
                return True
            if PROGRAM_HEADING.match(line.text):
                return False
    return False


def start_early(heading: re.Match[str], page: int, state: ReportState) -> None:
    """A FY2001-FY2005 heading: a new block, or the head of a page that continues the open one."""
    year = int(heading["yy"])
    year += 2000 if year < 50 else 1900
    country, program = split_country(heading["rest"], state.walk)
    key = (country, program, year)
    dept = heading["dept"]
    if key == state.early_block:
        if dept and not state.department:
            state.department = DEPARTMENTS.get(dept.casefold(), dept)
        return
    region = heading["region"].removesuffix("Region").strip()
    if region:
        state.region = region
        if region not in state.regions:
            state.regions.append(region)
    if country != state.country_heading or not country:
        start_country(country, page, state)
    close_program(state, page)
    if program != state.program:
        state.program_run = _Block()
    state.program, state.program_heading = program, heading.group(0)
    state.department = DEPARTMENTS.get(dept.casefold(), dept) if dept else ""
    state.fiscal_year = year
    state.section_years.add(year)
    state.early_block = key


def split_country(rest: str, walk: Crosswalk) -> tuple[str, str]:
    """ "Congo, Democratic Republic of, IMET" -> the longest leading part the crosswalk knows, and the program."""
    parts = [p.strip() for p in rest.split(",")]
    if parts and not parts[0]:  # "Region, , DoD Regional Centers": the report names no country
        return "", ", ".join(parts[1:])
    for end in range(len(parts) - 1, 0, -1):
        name = ", ".join(parts[:end])
        if walk.lookup_name(name, "fmtr") is not None:
            return name, ", ".join(parts[end:])
    return parts[0], ", ".join(parts[1:])


def _read_page(page: Page, state: ReportState) -> None:
    lines = group_lines(page.words, page.number)
    if not lines:
        _lost_page(page.number, state)
        return
    body = median(w.height for w in page.words)
    margin = min(w.x0 for w in page.words)
    footer_top = next(
        (ln.center for ln in lines if RUNNING_HEAD.match(ln.text) and ln.center > page.height * 0.7),
        page.height,
    )
    segment: list[Line] = []
    if state.columns is not None and state.columns.early:  # counts end where this page's totals say
        state.columns = _place_counts(state.columns, lines, state)
    for line in lines:
        text = line.text
        if RUNNING_HEAD.match(text):
            if not state.region and " - " in text:
                state.region = text.rsplit(" - ", 1)[-1].strip()
            continue
        if line.center >= footer_top or PAGE_NUMBER.match(text):
            continue
        early = EARLY_HEADING.match(text)
        if early:
            _flush(segment, state)
            start_early(early, line.page, state)
            continue
        if state.early and state.early_block is None and header_columns(line) is None:
            continue  # the front matter before the first table ("IV. COUNTRY TRAINING ACTIVITIES", notes)
        if line.height >= body * COUNTRY_HEADING_RATIO and line.words[0].x0 <= margin + LEFT_MARGIN_SLACK:
            _flush(segment, state)
            start_country(text, line.page, state)
            continue
        heading = PROGRAM_HEADING.match(text)
        if heading:
            _flush(segment, state)
            start_program(heading, line.page, state)
            continue
        columns = header_columns(line)
        if columns is not None:
            _flush(segment, state)
            state.columns = _place_counts(columns, lines, state) if columns.early else columns
            continue
        segment.append(line)
    _flush(segment, state)


def _lost_page(page: int, state: ReportState) -> None:
    """A page without text: its rows are gone, and so may be a country's end and the next one's start.

    The running program can no longer be reconciled; rows read after the gap
    wait for a country totals line (or heading) to learn whose they are.
    """
    state.mismatches.append(
        DataError(
            "unreadable-page",
            "the page holds no extractable text (its text is drawn as outlines or an image); its rows are missing",
            file=state.file,
            page=page,
        )
    )
    close_program(state, page)
    state.program = None
    state.country_before_gap = state.country_sum
    state.country_sum = _Block()
    state.pending_from = len(state.training)
    state.pending_totals_from = len(state.totals)
    state.lost_page = page


def _settle_pending(iso3: str | None, state: ReportState) -> None:
    """Rows read since an unreadable page belong to ``iso3``; a country that ended unseen is closed."""
    if state.pending_from is None:
        return
    for row in state.training[state.pending_from :]:
        row["country_iso3"] = iso3
    for total in state.totals[state.pending_totals_from :]:
        total["country_iso3"] = iso3
    if iso3 != state.country and state.country_before_gap is not None:
        # The previous country's totals line was on the lost page.
        _reconcile(state, "country", None, state.country_before_gap, None, None, state.lost_page or 0)
    state.pending_from = None
    state.country_before_gap = None


def close_program(state: ReportState, page: int) -> None:
    """Reconcile the open program block with its totals line, if any: rows printed after it count."""
    printed = state.printed_program
    if printed is not None and len(state.hidden) == 1:
        _infer_hidden(state, printed)
    state.hidden = []
    if state.program_sum.rows or printed is not None:
        qty, usd, where = printed if printed is not None else (None, None, page)
        _reconcile(state, "program", state.program, state.program_sum, qty, usd, where)
    state.program_sum = _Block()
    state.printed_program = None


def _infer_hidden(state: ReportState, printed: tuple[int | None, float | None, int]) -> None:
    """The one row printed under a totals line: its count and cost are what the totals leave over.

    The report prints the block's totals line over one of its rows (FY2007 Africa p.27, FY2016 Africa
    p.50, FY2015 South Central Asia p.12): the row's place and dates show, its trainees and cost do not.
    With one such row in the block, the printed totals less the rows read are its values: stored and
    marked ``inferred``. A negative remainder means the block has another defect; nothing is inferred.
    """
    quantity, cost, _page = printed
    missing_quantity = (quantity or 0) - state.program_sum.quantity
    missing_cost = round((cost or 0.0) - state.program_sum.cost, 2)
    if missing_quantity < 0 or missing_cost < -COST_TOLERANCE:
        return
    row = state.training[state.hidden[0]]
    row["quantity"], row["total_cost_usd"], row["inferred"] = missing_quantity, max(missing_cost, 0.0), True
    for block in (state.program_sum, state.country_sum, state.program_run):
        block.quantity += missing_quantity
        block.cost += max(missing_cost, 0.0)


def start_country(heading: str, page: int, state: ReportState) -> None:
    close_program(state, page)
    _settle_pending(state.country, state)
    iso3 = state.walk.lookup_name(heading, "fmtr") if heading else NOT_STATED
    if iso3 is None:
        state.errors.add(
            DataError(
                "unknown-country",
                f"country heading {heading!r} is not in the crosswalk",
                file=state.file,
                page=page,
                field="country",
            )
        )
    state.country, state.country_heading = iso3, heading
    state.program = None
    state.country_sum = _Block()
    state.section_from = (len(state.training), len(state.totals))
    state.section_years = set()
    state.program_run = _Block()


def _misheaded(printed: str, iso3: str, state: ReportState) -> None:
    """A section headed with a country already closed whose totals line names another: the totals line's.

    FY2006 Africa prints a second "Benin" section, totalled as Burkina Faso: its rows are Burkina Faso's,
    and each says why.
    """
    note = (
        f"the section is headed {state.country_heading!r}, a country already reported; its totals line"
        f" names {printed!r}"
    )
    rows_from, totals_from = state.section_from
    for training in state.training[rows_from:]:
        training["country_iso3"] = iso3
        training["repair"] = note
    for total in state.totals[totals_from:]:
        total["country_iso3"] = iso3
    state.warnings.append(f"{state.file}: {note}; its rows are counted for {printed}")
    state.country, state.country_heading = iso3, printed


def start_program(heading: re.Match[str], page: int, state: ReportState) -> None:
    close_program(state, page)
    state.program = heading["program"].strip()
    state.program_heading = heading.group(0)
    dept = heading["dept"].strip()
    state.department = DEPARTMENTS.get(dept.casefold(), dept)
    state.fiscal_year = int(heading["year"])


def _flush(segment: list[Line], state: ReportState) -> None:
    if not segment:
        return
    lines = list(segment)
    segment.clear()
    if state.columns is None:
        state.errors.add(
            DataError(
                "not-this-format",
                f"table text before any table header: {lines[0].text[:60]!r}",
                file=state.file,
                page=lines[0].page,
            )
        )
        return
    segment_rows = assemble_rows(lines, state.columns)
    for text in segment_rows.strays:
        state.mismatches.append(
            DataError(
                "unplaced-text",
                f"values outside any row, not counted: {text[:100]!r}",
                file=state.file,
                page=lines[0].page,
            )
        )
    for row in segment_rows.rows:
        take_row(row, state)


def take_row(row: Row, state: ReportState) -> None:
    title = row.cells["course_title"]
    quantity = cells.parse_int(row.cells["quantity"], state.file, row.page, "quantity")
    cost = cells.parse_float(row.cells["total_cost"], state.file, row.page, "total_cost")
    for value in (quantity, cost):
        if isinstance(value, DataError):
            state.errors.add(_on_page(value, row.page))
    qty = quantity if isinstance(quantity, int) else None
    usd = cost if isinstance(cost, float) else None
    early_total = EARLY_TOTAL.match(title.strip()) if state.early else None
    if early_total:
        _early_total(early_total, qty, usd, row.page, state)
        return
    program_total = PROGRAM_TOTAL.search(title)
    if program_total:
        hidden = title[: program_total.start()].strip()
        if hidden or any(row.cells.get(c) for c in ("location", "start_date", "end_date")):
            # The totals line is printed over one of the block's rows: that row's other cells
            # show, its trainees and cost are hidden under the totals (see _infer_hidden).
            state.hidden.append(len(state.training))
            _add_training(row, hidden or None, None, None, state)
        if state.printed_program is not None:
            close_program(state, row.page)
        state.printed_program = (qty, usd, row.page)
        return
    country_total = COUNTRY_TOTAL.match(title)
    if country_total:
        close_program(state, row.page)
        named = state.walk.lookup_name(country_total["country"], "fmtr")
        if state.pending_from is not None:
            _settle_pending(named, state)
            state.country, state.country_heading = named, country_total["country"]
        elif named != state.country and named is not None and state.country in state.closed:
            _misheaded(country_total["country"], named, state)
        elif named != state.country:
            state.mismatches.append(
                DataError(
                    "total-mismatch",
                    f"totals line for {country_total['country']!r} inside the section of {state.country_heading!r}",
                    file=state.file,
                    page=row.page,
                )
            )
        _reconcile(state, "country", None, state.country_sum, qty, usd, row.page)
        state.country_sum = _Block()
        if state.country is not None:
            state.closed.add(state.country)
        return
    if state.pending_from is None and (state.program is None or state.country is None):
        state.errors.add(
            DataError(
                "not-this-format",
                f"table row outside a country and program: {title[:60]!r}",
                file=state.file,
                page=row.page,
            )
        )
        return
    _add_training(row, title, qty, usd, state)


def _early_total(total: re.Match[str], qty: int | None, usd: float | None, page: int, state: ReportState) -> None:
    """FY1999-FY2005 totals: "FY 01 Totals:" closes a block, "Program Totals:" a program, "Country Totals:" a country.

    A block is one program's fiscal year. The FY1999 and FY2000 reports cover two years, so a program's
    total adds its blocks of both years, and a country's total both years (stored without a fiscal year);
    from FY2001 a program has one block and its program total repeats its year's.
    """
    level = (total["level"] or "").casefold()
    if level == "country":
        close_program(state, page)
        year = state.fiscal_year
        if len(state.section_years) > 1:
            state.fiscal_year = None
        _reconcile(state, "country", None, state.country_sum, qty, usd, page)
        state.fiscal_year = year
        state.country_sum = _Block()
        return
    if level != "program":
        if state.printed_program is not None:
            close_program(state, page)
        state.printed_program = (qty, usd, page)
        return
    if state.printed_program is None and state.program_sum.rows:
        state.printed_program = (qty, usd, page)  # a block printed with its program totals only
    close_program(state, page)
    run = state.program_run
    if (qty or 0) != run.quantity or abs((usd or 0.0) - run.cost) > COST_TOLERANCE:
        state.mismatches.append(
            DataError(
                "total-mismatch",
                f"{state.country_heading} program {state.program}: printed program totals {qty} trainees /"
                f" ${usd or 0:,.2f}, its years' rows add up to {run.quantity} / ${run.cost:,.2f}",
                file=state.file,
                page=page,
                field=state.program or "program",
            )
        )
    state.program_run = _Block()


def _add_training(row: Row, title: str | None, qty: int | None, usd: float | None, state: ReportState) -> None:
    printed_dates = row.printed_dates or (row.cells.get("start_date", ""), row.cells.get("end_date", ""))
    start = _date(row.cells.get("start_date", ""), state, row.page, "start_date")
    end = _date(row.cells.get("end_date", ""), state, row.page, "end_date")
    account, authority = program_info(state.program) if state.program else (None, None)
    state.training.append(
        {
            "country_iso3": None if state.pending_from is not None else state.country,
            "fiscal_year": state.fiscal_year,
            "program": state.program,
            "department": state.department,
            "course_title": title,
            "quantity": qty,
            "location": _text(row.cells.get("location", "")),
            "student_unit": _text(row.cells.get("student_unit", "")),
            "us_unit": _text(row.cells.get("us_unit", "")),
            "total_cost_usd": usd,
            "start_date": start,
            "end_date": end,
            "page": row.page,
            "account": account,
            "authority": authority,
            "region": state.region or None,
            "country_printed": state.country_heading or None,
            "program_printed": state.program_heading or None,
            "start_date_raw": _text(printed_dates[0]),
            "end_date_raw": _text(printed_dates[1]),
            "search_text": search_form(" ".join(row.cells.get(c, "") for c in SEARCHED)),
            "inferred": False,
            "repair": row.repair or None,
        }
    )
    state.program_sum.add(qty, usd)
    state.country_sum.add(qty, usd)
    state.program_run.add(qty, usd)


def _reconcile(
    state: ReportState,
    level: str,
    program: str | None,
    block: _Block,
    quantity: int | None,
    cost: float | None,
    page: int,
) -> None:
    matches = (quantity or 0) == block.quantity and abs((cost or 0.0) - block.cost) <= COST_TOLERANCE
    state.totals.append(
        {
            "country_iso3": state.country,
            "fiscal_year": state.fiscal_year,
            "level": level,
            "program": program,
            "department": state.department if level == "program" else None,
            "printed_quantity": quantity,
            "printed_cost_usd": cost,
            "parsed_quantity": block.quantity,
            "parsed_cost_usd": round(block.cost, 2),
            "parsed_rows": block.rows,
            "matches": matches,
            "page": page,
        }
    )
    if not matches:
        what = f"program {program or '(heading lost)'}" if level == "program" else "country total"
        printed = (
            "no totals line"
            if quantity is None and cost is None
            else f"printed {quantity} trainees / ${cost or 0:,.2f}"
        )
        country = (
            f"(country unknown after unreadable p.{state.lost_page})"
            if state.pending_from is not None and level == "program"
            else state.country_heading
        )
        state.mismatches.append(
            DataError(
                "total-mismatch",
                f"{country} FY{state.fiscal_year} {what}: {printed}, parsed"
                f" {block.quantity} / ${block.cost:,.2f} from {block.rows} rows",
                file=state.file,
                page=page,
                field=(program or "(program heading lost)") if level == "program" else "country",
            )
        )


DATE_WINDOW = (10, 5)
"""Years before and after the report's fiscal year a course date may fall (academies run four years)."""


def _date(value: str, state: ReportState, page: int, field: str) -> date | None:
    """A M/D/YYYY date; a date the report misprints far from its year (``2/18/2109``) is not a date.

    Such a date is left empty and named in a warning; the cell stays as printed in the row's raw date.
    """
    text = value.strip()
    if cells.is_missing(text):
        return None
    try:
        month, day, year = (int(part) for part in text.split("/"))
        if len(text.rsplit("/", 1)[-1]) == 2:  # FY2001-FY2003 print two-digit years: 1/29/01
            year += 2000 if year < 50 else 1900
        when = date(year, month, day)
    except ValueError:
        state.errors.add(
            DataError("bad-date", f"{value!r} is not a date (M/D/YYYY)", file=state.file, page=page, field=field)
        )
        return None
    if state.fiscal_year is not None and not (
        state.fiscal_year - DATE_WINDOW[0] <= year <= state.fiscal_year + DATE_WINDOW[1]
    ):
        state.misprinted.append((page, field, text))
        return None
    return when


# Letters some reports print in the wrong code page: a Latin-1 letter shown as the DOS (CP437) character of
# the same byte ("Forτas Armadas" for Forças, "Bogotß" for Bogotá, "Delegaci≤n" for Delegación, "33║ RCP" for
# 33º). Every one of these characters in the shared reports is such a letter, ß included (no German ß occurs).
_CP437 = "τφπΘΩ≤║⌠ßδΣσ"
GLYPHS = str.maketrans(
    {
        **{ch: ch.encode("cp437").decode("latin-1") for ch in _CP437},
        "ᵒ": "o",
        "º": "o",
        "°": "o",
        "ª": "a",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
    }
)


SEARCHED = ("course_title", "location", "student_unit", "us_unit")
"""The cells a row's ``search_text`` is made of."""


def search_form(text: str) -> str | None:
    """Text as an analyst searches it: glyphs mended, accents and case dropped, spaces collapsed."""
    mended = unicodedata.normalize("NFKD", text.translate(GLYPHS))
    plain = "".join(ch for ch in mended if not unicodedata.combining(ch)).casefold()
    words = " ".join(plain.split())
    return words or None


def _text(value: str) -> str | None:
    text = value.strip()
    return None if cells.is_missing(text) else text


def _on_page(error: DataError, page: int) -> DataError:
    return DataError(error.code, error.message, file=error.file, page=page, field=error.field)
