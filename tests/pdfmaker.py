"""A minimal PDF writer for tests: text placed at given positions, nothing else.

Tests author small FMTR-shaped PDFs with it (wrapped cells, totals lines,
headings) instead of copying real reports into the repository. Coordinates are
given from the top of a 792 x 612 landscape page, like pdftotext reports them.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 792, 612


@dataclass(frozen=True)
class Text:
    x: float
    top: float
    size: float
    text: str


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(pages: list[list[Text]]) -> bytes:
    """A PDF whose pages show ``pages``' texts in Helvetica (size per text)."""
    objects: list[bytes] = []
    font_id = 3
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(len(pages)).encode() + b" >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, texts in enumerate(pages):
        stream = b"".join(
            b"BT /F1 %.2f Tf %.2f %.2f Td (" % (t.size, t.x, HEIGHT - t.top - t.size * 0.8)
            + _escape(t.text)
            + b") Tj ET\n"
            for t in texts
        )
        content_id = page_ids[i] + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 %d 0 R >> >>"
            b" /Contents %d 0 R >>" % (WIDTH, HEIGHT, font_id, content_id)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
