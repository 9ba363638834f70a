"""FMTR reports published only as web pages (FY2006): the same tables as the PDFs, as one HTML table.

The State Department put the FY2006 report online region by region as HTML:
one ``<table>`` whose rows are, in order, a country (one cell spanning the
table), a program heading (``IMET - FY 2006 DoS Training``), the column
header, course rows, ``FY 2006 Program Totals`` and ``Benin FY 2006 Totals``.
The rows go through the same reading and reconciliation as a PDF's; the row
of the table stands where a PDF has its page (``page`` holds it).
"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from partnerwatch.countries import crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.fmtr.layout import COLUMNS, HEADER_FIRST_WORDS, Row
from partnerwatch.sources.fmtr.parse import (
    PROGRAM_HEADING,
    SEARCHED,
    ReportState,
    close_program,
    finished,
    search_form,
    start_country,
    start_early,
    start_program,
    take_row,
    two_year_heading,
)

YEAR_HEADING = re.compile(r",\s*FY\s?\d{2}$")
REGION = re.compile(r">\s*(?P<region>[A-Z][A-Za-z ]*?) Region\b")
TITLE = re.compile(r"Country Training Activities\s*-+\s*(?P<region>.+?)\s*$", re.I)


class _Tables(HTMLParser):
    """Every table row's cell texts (whitespace collapsed), and the page's title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.title = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_title:
            self.title += data


def is_web_page(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(2048).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def parse_fmtr_web(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    text, warnings = cells.decode(cells.read_bytes(path), "utf-8", file)
    tables = _Tables()
    tables.feed(text)
    try:
        if any(len([c for c in row if c]) == 1 and YEAR_HEADING.search(row[0]) for row in tables.rows):
            region = REGION.search(text)
            return _read_two_years(tables, file, warnings, region["region"] if region else "", progress)
        return _read(tables, file, warnings, progress)
    except PartnerWatchError as exc:  # errors name the table row where a PDF's name the page
        raise PartnerWatchError([_on_row(e) for e in exc.errors]) from None


def _on_row(error: DataError) -> DataError:
    return replace(error, row=error.page, page=None) if error.page is not None else error


def _read(tables: _Tables, file: str, warnings: list[str], progress: ProgressCallback | None) -> ParsedFile:
    state = ReportState(file=file, walk=crosswalk(), errors=ErrorCollector())
    titled = TITLE.search(" ".join(tables.title.split()))
    state.region = titled["region"] if titled else ""
    columns: list[str] | None = None
    for number, row in enumerate(tables.rows, start=1):
        first = row[0] if row else ""
        if len(row) == 1 and first:
            start_country(first, number, state)
            continue
        heading = PROGRAM_HEADING.match(first)
        if heading and not any(row[1:]):
            start_program(heading, number, state)
            continue
        if first.casefold() == "course title":
            columns = _columns(row)
            continue
        if not any(row) or columns is None:
            continue
        values = dict(zip(columns, row, strict=False))
        take_row(Row(number, {c: values.get(c, "") for c in COLUMNS}), state)
    if not state.training and not state.totals:
        raise PartnerWatchError.single(
            "not-this-format", "no FMTR tables in the web page (no 'Course Title' header rows)", file=file
        )
    return _finish(state, tables, warnings, progress)


def _read_two_years(
    tables: _Tables, file: str, warnings: list[str], region: str, progress: ProgressCallback | None
) -> ParsedFile:
    """The FY1999 report (March 2000, "FY 1999 and 2000"): course, count and cost only, two years a program.

    Headings are one-cell rows, "Benin, International Military Education And Training" wrapped onto a
    second row "(IMET), FY 99"; each block ends with "FY 99 Totals:", each program with "Program
    Totals:" over both years, each country with "Country Totals:".
    """
    state = ReportState(file=file, walk=crosswalk(), errors=ErrorCollector())
    state.early, state.region = True, region
    state.regions = [region] if region else []
    pending = ""
    started = False
    last_row = 0
    for number, row in enumerate(tables.rows, start=1):
        filled = [c for c in row if c]
        if not filled:
            continue
        if len(filled) == 1 and len(row) <= 2:
            heading = two_year_heading(pending, filled[0], state)
            if heading:
                start_early(heading, number, state)
                pending, started = "", True
            elif "," in filled[0] and len(filled[0]) < 120:
                pending = filled[0]  # the first row of a heading wrapped over two
            else:
                if started and state.training and state.training[-1]["page"] == last_row:
                    _run_on(state.training[-1], filled[0])  # a course title wrapped onto a row of its own
                elif started:
                    warnings.append(
                        f"{file}: row {number}: text outside any table row, not counted: {filled[0][:80]!r}"
                    )
                pending = ""
            continue
        if not started:
            continue
        last_row = number
        title, *rest = row
        values = {
            "course_title": title,
            "quantity": rest[0] if rest else "",
            "total_cost": rest[1] if len(rest) > 1 else "",
        }
        take_row(Row(number, {c: values.get(c, "") for c in COLUMNS}), state)
    if not state.training:
        raise PartnerWatchError.single("not-this-format", "no FMTR headings and rows in the web page", file=file)
    parsed = _finish(state, tables, warnings, progress)
    # The report was put online in parts of a region (Angola to Gambia, Ghana to Rwanda...): each part is
    # its own scope, so that loading one never retires another.
    named = [str(r["country_printed"]) for r in state.training if r["country_printed"]]
    parsed.scope = f"{parsed.scope} ({named[0]} to {named[-1]})"
    return parsed


def _finish(state: ReportState, tables: _Tables, warnings: list[str], progress: ProgressCallback | None) -> ParsedFile:
    close_program(state, len(tables.rows))
    state.errors.raise_if_any()
    if progress is not None:
        progress(len(tables.rows))
    parsed = finished(state, len(tables.rows), warnings + state.warnings, unit="table rows")
    parsed.mismatches = [_on_row(e) for e in parsed.mismatches]
    return parsed


def _run_on(training: dict[str, object], text: str) -> None:
    training["course_title"] = f"{training['course_title'] or ''} {text}".strip()
    training["search_text"] = search_form(" ".join(str(training.get(c) or "") for c in SEARCHED))


def _columns(header: list[str]) -> list[str]:
    """The canonical column of each header cell ("Students" is the count, "US Units" the U.S. unit)."""
    names: list[str] = []
    for label in header:
        word = label.casefold().replace("\u2019", "'").split(" ")[0] if label else ""
        name = next((c for c, firsts in HEADER_FIRST_WORDS.items() if word in firsts and c not in names), "")
        names.append(name)
    return names
