"""Render a Factsheet as Markdown with numbered footnotes (one per distinct citation)."""

from __future__ import annotations

from partnerwatch.figures.model import Figure
from partnerwatch.publish.content import (
    LEGEND,
    Notes,
    computed_tables,
    figure_table,
    mark,
    paragraph_items,
    published_tables,
    record_line,
    records_by_group,
    value_lines,
)
from partnerwatch.publish.factsheet import Factsheet, Section


def _marks(numbers: list[int]) -> str:
    return "".join(f"[^{n}]" for n in numbers)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
    return out + [""]


def render_markdown(sheet: Factsheet) -> str:
    notes = Notes()
    out = [
        f"# U.S. Security Partnership and the Protection of Civilians: {sheet.country}",
        "",
        f"*PartnerWatch factsheet for {sheet.country} ({sheet.iso3}), generated {sheet.generated} from the loaded"
        f" data ({sheet.period[0]}-{sheet.period[1]} unless stated). Every figure is footnoted to its source.*",
        "",
        f"*{LEGEND}*",
        "",
    ]
    if not sheet.has_data:
        out += ["No data is loaded for this country yet.", ""]
    for section in sheet.sections:
        out += _section(section, notes)
    out += ["## Data notes", ""]
    lines = [
        f"- {r.sentence()}{_marks(notes.numbers(_sources(r.published_figure, r.computed_figure)))}"
        for r in sheet.reconciliations
    ]
    lines += [f"- {n}" for n in sheet.notes]
    lines += [f"- Not computed — {f.label}: {f.unavailable}." for f in sheet.unavailable]
    lines += [f"- Narrative: {w}." for w in sheet.warnings]
    out += (lines or ["- No differences found between published and computed figures."]) + [""]
    out += ["## Sources", ""]
    out += [f"- {line}" for line in sheet.source_lines()]
    out.append("")
    out += [f"[^{i}]: {text}" for i, text in enumerate(notes.texts, start=1)]
    return "\n".join(out).rstrip() + "\n"


def _sources(*figures: Figure | None) -> list:  # type: ignore[type-arg]
    return [s for f in figures if f is not None for s in f.sources]


def _section(section: Section, notes: Notes) -> list[str]:
    out = [f"## {section.title}", ""]
    if section.empty:
        return out + ["No data loaded for this section.", ""]
    for paragraph in section.paragraphs:
        out += [" ".join(text + _marks(marks) for text, marks in paragraph_items(notes, paragraph)), ""]
    lines = [f"- {text}{_marks(notes.numbers(sources))}" for text, sources in value_lines(section)]
    out += lines + ([""] if lines else [])
    for figure in computed_tables(section):
        headers, rows = figure_table(figure)
        out += [
            f"**{figure.label}** {mark(figure)}{_marks(notes.numbers(figure.sources))}",
            "",
            f"*Method: {figure.method}*",
            "",
        ]
        out += _table(headers, rows)
    for title, figures, headers, rows in published_tables(section):
        out += [f"**{title}**{_marks(notes.numbers([s for f in figures for s in f.sources]))}", ""]
        out += _table(headers, rows)
    for group, records in records_by_group(section):
        if group:
            out += [f"**{group}**", ""]
        elif section.record_kind == "incidents":
            out += ["**Documented incidents**", ""]
        out += [f"- {record_line(section.record_kind, r.fields)}{_marks(notes.numbers([r.source]))}" for r in records]
        out.append("")
    return out
