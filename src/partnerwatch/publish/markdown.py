"""Render a Factsheet as Markdown with numbered footnotes (one per distinct citation)."""

from __future__ import annotations

from partnerwatch.figures.model import Figure, SourceRef
from partnerwatch.publish.factsheet import TABLE_TITLES, TABLE_TOPICS, Factsheet, Section, cite
from partnerwatch.publish.format import format_period, format_value


class _Footnotes:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}

    def ref(self, sources: tuple[SourceRef, ...] | list[SourceRef]) -> str:
        marks = []
        for source in sources:
            text = cite(source)
            if source.url:
                text += f" <{source.url}>"
            if text not in self._index:
                self.texts.append(text)
                self._index[text] = len(self.texts)
            marks.append(f"[^{self._index[text]}]")
        return "".join(dict.fromkeys(marks))


def _escape(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(sheet: Factsheet) -> str:
    notes = _Footnotes()
    out = [
        f"# U.S. Security Partnership and the Protection of Civilians: {sheet.country}",
        "",
        f"*PartnerWatch factsheet for {sheet.country} ({sheet.iso3}), generated {sheet.generated}"
        " from the loaded data. Every figure is footnoted to its source.*",
        "",
    ]
    if not sheet.has_data:
        out += ["No data is loaded for this country yet.", ""]
    for section in sheet.sections:
        out += [f"## {section.title}", ""]
        if section.empty_reason:
            out += [section.empty_reason, ""]
        out += _figures(section, notes)
        out += _records(section, notes)
    out += ["## Data notes", ""]
    out += [f"- {n}" for n in sheet.notes] or ["- No discrepancies found between published totals."]
    out += ["", "## Sources loaded", ""]
    out += [
        f"- Snapshot {sid} ({source}{', release ' + release if release else ''}): {citation} (sha256 {sha[:12]}…)"
        for sid, source, citation, release, sha in sheet.snapshots
    ]
    out.append("")
    out += [f"[^{i}]: {text}" for i, text in enumerate(notes.texts, start=1)]
    return "\n".join(out).rstrip() + "\n"


def _figures(section: Section, notes: _Footnotes) -> list[str]:
    out: list[str] = []
    table_topics: dict[str, list[Figure]] = {}
    for figure in section.figures:
        if figure.rows:
            out += _computed_table(figure, notes)
        elif figure.topic in TABLE_TOPICS:
            table_topics.setdefault(figure.topic, []).append(figure)
        else:
            value = format_value(figure.value, figure.unit, figure.qualifier)
            period = format_period(figure.period)
            line = f"- {figure.label}"
            if value:
                line += f": **{value}**"
            if period:
                line += f" ({period})"
            out.append(line + notes.ref(figure.sources))
    if out:
        out.append("")
    for topic, figures in table_topics.items():
        out += _fact_table(topic, figures, notes)
    return out


def _fact_table(topic: str, figures: list[Figure], notes: _Footnotes) -> list[str]:
    first = figures[0]
    periods = sorted({f.period for f in figures})
    by_period = len(periods) > 1
    detailed = len({f.label for f in figures}) > 1
    title = TABLE_TITLES.get(topic, first.label)
    if not by_period and first.period:
        title += f", {format_period(first.period)}"
    out = [f"**{title}**{notes.ref([s for f in figures for s in f.sources])}", ""]
    if not detailed:
        out += [f"*{first.label}.*", ""]
    header = (["Period"] if by_period else []) + ["Item"] + (["Detail"] if detailed else []) + ["Value"]
    out += ["| " + " | ".join(header) + " |", "|" + "---|" * (len(header) - 1) + "---:|"]
    for f in figures:
        cells = [format_period(f.period)] if by_period else []
        cells.append(_escape(f.item))
        if detailed:
            cells.append(_escape(f.label))
        cells.append(format_value(f.value, f.unit, f.qualifier, exact=True))
        out.append("| " + " | ".join(cells) + " |")
    return out + [""]


def _computed_table(figure: Figure, notes: _Footnotes) -> list[str]:
    columns = list(figure.rows[0])
    out = [f"**{figure.label}** (computed){notes.ref(figure.sources)}", "", f"*Method: {figure.method}*", ""]
    out += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(_escape(row[c]) for c in columns) + " |" for row in figure.rows]
    return out + [""]


def _records(section: Section, notes: _Footnotes) -> list[str]:
    if not section.records:
        return []
    render = {"incidents": _incident, "timeline": _event, "annex": _instrument}[section.record_kind]
    out: list[str] = []
    if section.record_kind == "incidents":
        out += ["**Documented incidents**", ""]
    last_area = None
    for record in section.records:
        if section.record_kind == "annex" and record.fields["area"] != last_area:
            last_area = record.fields["area"]
            out += ["" if out else "", f"**{last_area}**", ""]
        out.append(render(record.fields) + notes.ref([record.source]))
    return out + [""]


def _incident(f: dict[str, object]) -> str:
    when = f["period"] or f["date_start"] or "date not given"
    place = f" — {f['place']}" if f["place"] else ""
    killed = f" Killed: {f['killed']}." if f["killed"] is not None else ""
    who = f" Perpetrator: {f['perpetrator']}." if f["perpetrator"] else ""
    return f"- **{when}{place}.** {f['description']}.{who}{killed}"


def _event(f: dict[str, object]) -> str:
    raw = str(f["date"])
    when = {"year": raw[:4], "month": raw[:7]}.get(str(f["date_precision"]), raw)
    line = f"- **{when}** ({f['kind']}): {f['title']}."
    if f["description"]:
        line += f" {f['description']}."
    if f["effect_on_us_assistance"]:
        line += f" *Effect on U.S. assistance:* {f['effect_on_us_assistance']}."
    return line


def _instrument(f: dict[str, object]) -> str:
    return f"- {f['name']} ({f['instrument_type']})"
