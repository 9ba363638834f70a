"""An analyst's narrative, made live: each ``{{ figure }}`` reference becomes the figure's current value.

A reference names a figure by its id (``mli-sa-total-21y``) or by its topic
(``trainees_by_program``: the computed figure of that topic where there is
one, else the first published one). The sentence that holds a reference
cites that figure, so its note is the figure's source. A reference to a name
no figure has is a coded error (``unknown-figure``) naming the file and line;
a figure that exists but cannot be computed from the data loaded shows a
visible marker and a warning — never a stale number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from partnerwatch.errors import DataError, PartnerWatchError
from partnerwatch.figures.model import Figure
from partnerwatch.figures.published import Record
from partnerwatch.publish.format import format_value
from partnerwatch.publish.prose import Sentence, period_words, spoken
from partnerwatch.sources.curated.narrative import REFERENCE

# A sentence ends at . ! or ? before a capital, but not after the abbreviations these texts use.
SENTENCE_END = re.compile(r"(?<=[.!?])(?<!U\.S\.)(?<!U\.N\.)(?<!\bNo\.)(?<!\bvs\.)\s+(?=[A-Z\u201c\"(])")
MARKER = "[figure not available: {label}]"


@dataclass
class Narrative:
    """Sections (as headed in the file) -> paragraphs of sentences, and the warnings of making them live."""

    sections: dict[str, list[list[Sentence]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Figures:
    def __init__(self, figures: Iterable[Figure]) -> None:
        self.by_id: dict[str, Figure] = {}
        self.by_topic: dict[str, list[Figure]] = {}
        for figure in figures:
            self.by_id.setdefault(figure.id, figure)
            self.by_topic.setdefault(figure.topic, []).append(figure)

    def find(self, name: str) -> Figure | None:
        if name in self.by_id:
            return self.by_id[name]
        candidates = self.by_topic.get(name, [])
        usable = [f for f in candidates if not f.unavailable and (f.value is not None or f.rows)]
        computed = [f for f in usable if f.computed]
        chosen = computed or usable or candidates
        return chosen[0] if chosen else None


def make_live(parts: list[Record], figures: Iterable[Figure], file: str) -> Narrative:
    """The narrative with its references replaced, or ``unknown-figure`` errors for every bad reference."""
    known = _Figures(figures)
    narrative = Narrative()
    errors: list[DataError] = []
    for part in parts:
        text, first_line = str(part.fields["text"]), int(str(part.fields["source_row"]))
        sentences = []
        for piece, offset in _sentences(text):
            line = first_line + text[:offset].count("\n")
            sentences.append(_live(piece, line, known, file, errors, narrative.warnings))
        narrative.sections.setdefault(str(part.fields["section"]), []).append(sentences)
    if errors:
        raise PartnerWatchError(errors)
    return narrative


def _live(piece: str, line: int, known: _Figures, file: str, errors: list[DataError], warnings: list[str]) -> Sentence:
    """One sentence with its references filled in; the figures it used are its sources."""
    used: list[Figure] = []
    out, last = [], 0
    for match in REFERENCE.finditer(piece):
        out.append(piece[last : match.start()])
        last = match.end()
        name, view = match.group(1), match.group(2) or "value"
        at = line + piece[: match.start()].count("\n")
        figure = known.find(name)
        if figure is None:
            errors.append(
                DataError(
                    "unknown-figure",
                    f"{{{{ {name} }}}} names no figure or topic of this country",
                    file=file,
                    row=at,
                    field="reference",
                )
            )
            out.append(match.group(0))
            continue
        written = _view(figure, view)
        if not written:
            warnings.append(f"{file}:{at}: {{{{ {name} }}}} is not available ({figure.unavailable or 'no value'})")
            out.append(MARKER.format(label=figure.label))
            continue
        if figure.qualifier and view == "value" and piece[: match.start()].rstrip().endswith(figure.qualifier):
            warnings.append(f"{file}:{at}: '{figure.qualifier}' is written before {{{{ {name} }}}}, which says it")
        used.append(figure)
        out.append(written)
    out.append(piece[last:])
    unique = {f.id: f for f in used}
    return Sentence("".join(out).replace("\n", " "), tuple(unique.values()))


def _sentences(text: str) -> list[tuple[str, int]]:
    """The sentences of a paragraph with the offset each starts at (for the line of a reference)."""
    found, start = [], 0
    for match in SENTENCE_END.finditer(text):
        found.append((text[start : match.start()], start))
        start = match.end()
    found.append((text[start:], start))
    return [(piece, offset) for piece, offset in found if piece.strip()]


def _view(figure: Figure, view: str) -> str:
    if figure.unavailable:
        return ""
    if view == "period":
        return period_words(figure.period)
    if view == "item":
        return figure.item
    if view == "label":
        return figure.label
    if view == "year":
        year = re.search(r"\d{4}", figure.item) or re.search(r"\d{4}", figure.period)
        return year.group(0) if year else ""
    if figure.value is None:
        return ""
    if view == "exact":
        return format_value(figure.value, figure.unit, figure.qualifier, exact=True)
    return spoken(figure)
