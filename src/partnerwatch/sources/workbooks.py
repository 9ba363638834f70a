"""Opening .xlsx files with one coded error for everything that is not a readable workbook."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from partnerwatch.errors import PartnerWatchError


@contextmanager
def open_workbook(path: Path, *, data_only: bool = True) -> Iterator[Any]:
    import openpyxl  # only the workbook sources need it

    if not path.is_file():
        raise PartnerWatchError.single("file-not-found", "no such file", file=str(path))
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - zip and XML readers raise many kinds on bad input
        raise PartnerWatchError.single(
            "not-this-format", f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", file=path.name
        ) from None
    try:
        yield book
    finally:
        book.close()


_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.DOTALL)
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def check_formulas(path: Path, sheet: str, file: str) -> None:
    """Refuse a sheet whose formulas were never calculated: read for their values, they would be empty.

    A workbook written by a program rather than saved by a spreadsheet holds
    formulas without their results; openpyxl then reads those cells as empty,
    and a figure would silently miss them. The sheet's XML is scanned for a
    cell with a formula (``<f>``) and no value (``<v>``).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            data = archive.read(part) if part else b""
    except (zipfile.BadZipFile, KeyError, OSError, ET.ParseError):
        return  # openpyxl has read the file already: whatever it could not, it said
    if b"<f" not in data:
        return
    empty = [m.group(1).decode() for m in _CELL.finditer(data) if m.group(2) and _uncached(m.group(2))]
    if empty:
        shown = ", ".join(empty[:5]) + (f" and {len(empty) - 5:,} more" if len(empty) > 5 else "")
        raise PartnerWatchError.single(
            "missing-value",
            f"{len(empty):,} formula cell(s) have no saved result ({shown}): open the workbook in a spreadsheet"
            " program and save it, so that the values are stored",
            file=file,
            field=sheet,
        )


def _uncached(inner: bytes) -> bool:
    """A cell's XML holds a formula and no result (no ``<v>``, or an empty one)."""
    if b"<f" not in inner:
        return False
    return b"<v" not in inner or b"<v></v>" in inner or b"<v/>" in inner


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member that holds the sheet titled ``sheet``."""
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for element in book.iter():
        if element.tag.endswith("}sheet") and element.get("name") == sheet:
            target = targets.get(element.get(_REL), "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None
