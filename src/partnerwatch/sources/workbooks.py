"""Opening .xlsx files with one coded error for everything that is not a readable workbook."""

from __future__ import annotations

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
