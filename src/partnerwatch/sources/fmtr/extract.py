"""Words and their boxes from a PDF, through poppler's ``pdftotext -tsv``.

Why poppler: the FMTR tables need exact word positions (columns are decided by
x, wrapped cells by y), and poppler's C extractor gives them for all 841 shared
pages in about a second. Pure-Python extractors (pdfminer/pdfplumber) take
minutes; PDFium through pypdfium2 needs one Python call per text run and was
five times slower than poppler before any parsing. The price is a system
package (``poppler-utils``); its absence is a coded error, not a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from partnerwatch.errors import PartnerWatchError

PDFTOTEXT = "pdftotext"


@dataclass(frozen=True)
class Word:
    x0: float
    top: float
    width: float
    height: float
    text: str

    @property
    def center(self) -> float:
        return self.top + self.height / 2


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)


def extract_pages(path: Path) -> list[Page]:
    """Every page of ``path`` with its words, in reading order as poppler emits them."""
    exe = shutil.which(PDFTOTEXT)
    if exe is None:
        raise PartnerWatchError.single(
            "missing-dependency",
            "poppler's pdftotext is needed to read PDF files (Debian/Ubuntu: apt install poppler-utils;"
            " macOS: brew install poppler)",
            file=path.name,
        )
    if not path.is_file():
        raise PartnerWatchError.single("file-not-found", "no such file", file=str(path))
    with path.open("rb") as fh:
        magic = fh.read(5)
    if magic != b"%PDF-":
        raise PartnerWatchError.single("not-this-format", "not a PDF file", file=path.name, page=1)
    result = subprocess.run([exe, "-tsv", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PartnerWatchError.single(
            "not-this-format",
            f"the PDF cannot be read ({message[-1] if message else 'pdftotext failed'})",
            file=path.name,
        )
    return parse_tsv(result.stdout.decode("utf-8", "replace"))


def parse_tsv(text: str) -> list[Page]:
    """Pages and words from pdftotext's TSV (level 1 rows are pages, level 5 rows words)."""
    pages: list[Page] = []
    lines = iter(text.splitlines())
    next(lines, None)  # header
    for line in lines:
        parts = line.split("\t", 11)
        if len(parts) < 12:
            continue
        level = parts[0]
        if level == "5":
            pages[-1].words.append(Word(float(parts[6]), float(parts[7]), float(parts[8]), float(parts[9]), parts[11]))
        elif level == "1":
            pages.append(Page(int(parts[1]), float(parts[8]), float(parts[9])))
    return pages
