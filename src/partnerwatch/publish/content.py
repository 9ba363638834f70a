"""What every renderer shares: numbered notes, figure tables as text, and figure lines."""

from __future__ import annotations

import re
from datetime import date

from partnerwatch.figures.coverage import period_years, years_text
from partnerwatch.figures.model import Figure, SourceRef
from partnerwatch.figures.partnership import when as dated
from partnerwatch.figures.published import Record
from partnerwatch.publish.factsheet import REPORTED_IN, TABLE_TITLES, TABLE_TOPICS, Section, cite
from partnerwatch.publish.format import format_period, format_value
from partnerwatch.publish.prose import Sentence, period_words
from partnerwatch.publish.style import column_label, hidden, is_money, value_label


class Notes:
    """Numbered notes, one per distinct citation, in order of first use.

    The releases of one source that a statement rests on make one note
    ("…Training Report (releases FY2007, FY2008, FY2009)"), not one note each.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}
        self._documents: dict[str, int] = {}

    def numbers(self, sources: tuple[SourceRef, ...] | list[SourceRef]) -> list[int]:
        found: list[int] = []
        for text in _grouped_citations(sources):
            if text not in self._index:
                self.texts.append(self._short_after_first(text))
                self._index[text] = len(self.texts)
            if self._index[text] not in found:
                found.append(self._index[text])
        return found

    def _short_after_first(self, text: str) -> str:
        """A note citing a section of a document already cited in full gives the document's short form.

        Forty notes on sections of one published factsheet name it in full once;
        the others read "U.S. Security Partnerships and the Protection of
        Civilians (note 3), section “Arms Sales”".
        """
        head, marker, rest = text.partition(SECTION_MARK)
        if not marker:
            return text
        cited, reported, document = head.rpartition(REPORTED_IN)
        first = self._documents.setdefault(document, len(self.texts) + 1)
        if first == len(self.texts) + 1:
            return text
        return f"{cited}{reported}{short_form(document)} (note {first}){marker}{rest}"


SECTION_MARK = ", section \u201c"
COMPUTED_MARK, PUBLISHED_MARK = "\u25c6", "\u25c7"
LEGEND = (
    f"{COMPUTED_MARK} computed by PartnerWatch from the primary data loaded;"
    f" {PUBLISHED_MARK} published figure, transcribed from the document its note cites."
)


def mark(figure: Figure) -> str:
    """The sign that tells a computed figure from a transcribed one, the same in every format (see LEGEND)."""
    return COMPUTED_MARK if figure.computed else PUBLISHED_MARK


def short_form(citation: str, limit: int = 80) -> str:
    """A citation's short form: its title up to the first full stop, at most ``limit`` characters."""
    head = re.split(r"(?<!U\.S)(?<!U\.N)\.\s", citation, maxsplit=1)[0]
    if len(head) > limit:
        head = head[: limit - 1].rsplit(" ", 1)[0] + "\u2026"
    return head


def paragraph_items(notes: Notes, sentences: list[Sentence]) -> list[tuple[str, list[int]]]:
    """A paragraph's sentences with their note numbers; a run on the same sources is noted once, at its end.

    Three sentences on one coup table would otherwise each carry the same seven marks.
    """
    items = [(s.text, notes.numbers(s.sources)) for s in sentences]
    return [
        (text, [] if i + 1 < len(items) and items[i + 1][1] == marks else marks)
        for i, (text, marks) in enumerate(items)
    ]


def _grouped_citations(sources: tuple[SourceRef, ...] | list[SourceRef]) -> list[str]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for source in sources:
        base = source.citation.removesuffix(f" (release {source.release})") if source.release else source.citation
        groups.setdefault((base, source.cited_source, source.url), [])
        if source.release and source.release not in groups[(base, source.cited_source, source.url)]:
            groups[(base, source.cited_source, source.url)].append(source.release)
    texts = []
    for (base, cited, url), releases in groups.items():
        named = f" (release{'s' if len(releases) > 1 else ''} {', '.join(sorted(releases))})" if releases else ""
        text = cite(SourceRef(0, base + named, cited, url))
        texts.append(text + (f" <{url}>" if url else ""))
    return texts


def cell(column: str, value: object) -> str:
    """A table cell as a reader expects it, from the column's name and its value."""
    if value is None:
        return "–"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float | int):
        if is_money(column):
            return f"${value:,.0f}"
        if column.endswith("tiv_millions"):
            return f"{value:,.2f}"
        if column in ("percent",):
            return f"{value:g}%"
        if column in ("fiscal_year", "year", "rank"):
            return str(value)
        if isinstance(value, float) and not value.is_integer():
            return f"{value:,.2f}"
        return f"{int(value):,}"
    return str(value)


def header(column: str) -> str:
    return column_label(column)


def computed_tables(section: Section) -> list[Figure]:
    """Computed figures of a section shown as tables (none in the key-figures box)."""
    if section.title == "Key figures":
        return []
    return [f for f in section.computed if not f.unavailable and f.rows]


def figure_table(figure: Figure) -> tuple[list[str], list[list[str]]]:
    """A computed figure's rows as (headers, text rows): columns in words, identifiers in words, codes left out."""
    columns = [c for c in (figure.rows[0] if figure.rows else []) if not hidden(c)]
    rows = [[cell(c, value_label(c, row[c])) for c in columns] for row in figure.rows]
    return [header(c) for c in columns], rows


def published_tables(section: Section) -> list[tuple[str, list[Figure], list[str], list[list[str]]]]:
    """Published figures of a section that read as tables: (title, figures, headers, rows)."""
    grouped: dict[str, list[Figure]] = {}
    for figure in section.published:
        if figure.topic in TABLE_TOPICS:
            grouped.setdefault(figure.topic, []).append(figure)
    tables = []
    for topic, figures in grouped.items():
        first = figures[0]
        by_period = len({f.period for f in figures}) > 1
        detailed = len({f.label for f in figures}) > 2  # a last row worded apart is not a column of detail
        title = TABLE_TITLES.get(topic, first.label)
        if not by_period and first.period:
            title += f", {format_period(first.period)}"
        title += f" {PUBLISHED_MARK}"
        headers = (["Period"] if by_period else []) + ["Item"] + (["Detail"] if detailed else []) + ["Value"]
        rows = []
        for f in figures:
            row = [format_period(f.period)] if by_period else []
            row.append(f.item)
            if detailed:
                row.append(f.label)
            row.append(format_value(f.value, f.unit, f.qualifier, exact=True))
            rows.append(row)
        tables.append((title, figures, headers, rows))
    return tables


def figure_line(figure: Figure) -> str:
    """One published or computed single-value figure as a sentence fragment (without its note marks)."""
    value = format_value(figure.value, figure.unit, figure.qualifier)
    period = format_period(figure.period)
    text = figure.label
    if value:
        text += f": {value}"
    if figure.item and figure.computed and figure.item not in text:
        text += f" ({figure.item})"
    elif period and period not in text:
        text += f" ({period})"
    return text


def value_lines(section: Section) -> list[tuple[str, tuple[SourceRef, ...]]]:
    """The section's single values as lines (text, sources), in every format the same.

    In the key figures a computed figure and the published figure of the same
    concept are one line: the computed value with what it covers, the
    published one as a reconciliation ("published: about 10,000 for 2001–2021").
    """
    lines = []
    for figure in single_values(section):
        beside = section.published_beside.get(figure.id)
        text = f"{mark(figure)} {figure_line(figure)}"
        sources = figure.sources
        if beside is not None:
            value = format_value(beside.value, beside.unit, beside.qualifier)
            period = period_words(beside.period)
            text += f" — published: {value}{f' for {period}' if period else ''}{_why_apart(figure, beside)}"
            sources = tuple(dict.fromkeys((*figure.sources, *beside.sources)))
        lines.append((text, sources))
    return lines


def _why_apart(computed: Figure, published: Figure) -> str:
    """Why the two numbers differ, when their periods do: what one covers and the other does not."""
    mine = period_years(computed.item if computed.item and computed.item[:4].isdigit() else computed.period)
    theirs = period_years(published.period)
    if not mine or not theirs or mine == theirs:
        return ""
    missing = sorted(theirs - mine)
    if computed.topic.startswith("trainees") and missing:
        return f"; the difference is the {len(missing)} report year{'s' if len(missing) > 1 else ''} not loaded"
    if missing and not (mine - theirs):
        return f"; the published figure also covers {years_text(missing)}"
    return f"; the computed figure is for {years_text(sorted(mine))}"


def single_values(section: Section) -> list[Figure]:
    """Figures of a section shown as lines: published non-table figures and computed values without rows.

    In the key-figures box every figure is a line, tables included (by their headline value).
    """
    key = section.title == "Key figures"
    computed = [f for f in section.computed if not f.unavailable and (key or not f.rows) and f.value is not None]
    published = [f for f in section.published if f.topic not in TABLE_TOPICS]
    # A figure the section's paragraph already states is not stated again below it: one number per concept.
    said = {f.id for s in section.sentences for f in s.figures}
    return [f for f in computed + published if key or f.id not in said]


def record_line(kind: str, fields: dict[str, object]) -> str:
    if kind == "incidents":
        when = fields["period"] or fields["date_start"] or "date not given"
        place = f" — {fields['place']}" if fields["place"] else ""
        killed = f" Killed: {fields['killed']}." if fields["killed"] is not None else ""
        who = f" Perpetrator: {fields['perpetrator']}." if fields["perpetrator"] else ""
        return f"{when}{place}. {fields['description']}.{who}{killed}"
    if kind == "timeline":
        day = fields["date"]
        written = dated(day, str(fields["date_precision"])) if isinstance(day, date) else str(day)
        line = f"{written} ({fields['kind']}): {fields['title']}."
        if fields["description"]:
            line += f" {fields['description']}."
        if fields["effect_on_us_assistance"]:
            line += f" Effect on U.S. assistance: {fields['effect_on_us_assistance']}."
        return line
    return f"{fields['name']} ({fields['instrument_type']})"


def records_by_group(section: Section) -> list[tuple[str, list[Record]]]:
    """Records grouped for display: annex entries by area, others in one group."""
    if section.record_kind != "annex":
        return [("", section.records)] if section.records else []
    groups: dict[str, list[Record]] = {}
    for record in section.records:
        groups.setdefault(str(record.fields["area"]), []).append(record)
    return list(groups.items())
