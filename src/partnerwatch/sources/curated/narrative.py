"""Read ``narrative.md``: an analyst's paragraphs per factsheet section, numbers written as figure references.

The file is plain Markdown so that a non-programmer can write it: a heading
(``# Civilian harm``) opens the text of a section, blank lines separate
paragraphs, and a number is written as a reference to the figure that holds
it, ``{{ mli-sa-total-21y }}`` or ``{{ trainees_by_program }}``, with an
optional view after a bar: ``{{ milex_peak | year }}``. The text is stored as
written; the factsheet puts the figure's current value in place when it is
rendered, so the narrative never carries a stale number. Here only the
shape is checked (headings, closed braces, known views); whether a figure
exists is known when the country's figures are computed.
"""

from __future__ import annotations

import re
from pathlib import Path

from partnerwatch.errors import DataError, ErrorCollector

REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*(?:\|\s*([a-z]+)\s*)?\}\}")
VIEWS = ("value", "exact", "period", "item", "year", "label")
"""value: the number for reading; exact: every digit; period, item, label: the figure's own words; year: the
year the figure names (its item when that is a year, as for a peak)."""
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def read_narrative(path: Path, iso3: str, document: str, errors: ErrorCollector) -> list[dict[str, object]]:
    if not path.exists():
        return []
    file = f"{iso3.lower()}/{path.name}"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.add(DataError("bad-encoding", f"narrative.md is not UTF-8 ({exc.reason})", file=file))
        return []
    # Comments are blanked line for line, so that line numbers stay those of the file.
    text = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    rows: list[dict[str, object]] = []
    section = ""
    paragraph: list[str] = []
    start = 0
    counter: dict[str, int] = {}

    def flush() -> None:
        if not paragraph:
            return
        if not section:
            errors.add(DataError("missing-value", "text before the first '# Section' heading", file=file, row=start))
        else:
            counter[section] = counter.get(section, 0) + 1
            rows.append(
                {
                    "country_iso3": iso3,
                    "section": section,
                    "paragraph": counter[section],
                    "source_row": start,
                    "text": "\n".join(paragraph),
                    "citation": f"PartnerWatch narrative for {iso3} ({file}), written from: {document}",
                }
            )
        paragraph.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            flush()
            section = line.lstrip("#").strip()
            if not section:
                errors.add(DataError("missing-value", "a heading names no section", file=file, row=number))
            continue
        if not line:
            flush()
            continue
        _check_references(line, file, number, errors)
        if not paragraph:
            start = number
        paragraph.append(line)
    flush()
    return rows


def _check_references(line: str, file: str, number: int, errors: ErrorCollector) -> None:
    if line.count("{{") != line.count("}}"):
        errors.add(
            DataError("bad-value", "a '{{' without its '}}' (or the reverse)", file=file, row=number, field="reference")
        )
        return
    for inner in re.findall(r"\{\{(.*?)\}\}", line):
        match = REFERENCE.fullmatch("{{" + inner + "}}")
        if match is None:
            errors.add(
                DataError(
                    "bad-value",
                    f"{{{{{inner}}}}} is not a figure reference (write {{{{ figure-id }}}} or {{{{ topic | view }}}})",
                    file=file,
                    row=number,
                    field="reference",
                )
            )
        elif match.group(2) and match.group(2) not in VIEWS:
            errors.add(
                DataError(
                    "bad-value",
                    f"'{match.group(2)}' is not a view; use one of {', '.join(VIEWS)}",
                    file=file,
                    row=number,
                    field="reference",
                )
            )
