"""Typed, coded errors: the one vocabulary every stage uses to say what is wrong.

Following frictionless-py, an error is data: a stable code, the place it was
found (file, row or page, field) and a message. Parsers collect them, loaders
refuse a file that has any, the CLI prints them as ``file:row:field: code:
message`` and the API returns them as JSON. ``docs/errors.md`` lists every code;
a test keeps that list and ``ERROR_CODES`` in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

ERROR_CODES: dict[str, str] = {
    "file-not-found": "the path does not exist or is not a readable file",
    "not-this-format": "the file is not in the format the source expects",
    "bad-encoding": "the bytes cannot be decoded with the source's encoding",
    "missing-column": "a column the source requires is absent from the header",
    "bad-row": "a row has the wrong number of fields or cannot be split",
    "bad-number": "a value that must be a number is not one (or is out of range)",
    "bad-value": "a value is not one of those the source allows",
    "bad-date": "a value that must be a date or year is not one",
    "missing-value": "a required value is empty",
    "unknown-country": "a country or party name or code is not in the crosswalk",
    "duplicate-row": "the same key appears twice with conflicting values",
    "unknown-source": "no source is registered under that name",
    "unknown-table": "no canonical table has that name",
    "store-error": "the store could not be opened, migrated or written",
    "empty-file": "the file holds no data rows",
    "missing-sheet": "a workbook lacks a sheet the source requires",
    "fetch-error": "a data API kept failing (after retries) or answered with something unreadable",
    "missing-dependency": "a program the source needs is not installed",
    "total-mismatch": "parsed rows do not add up to the totals line the file prints",
    "unreadable-page": "a page holds no extractable text (drawn as outlines or as an image)",
    "unplaced-text": "table text that belongs to no row (a row the file itself prints broken)",
    "store-busy": "another PartnerWatch process is writing to the store (or reading it, for a writer): try again",
    "write-error": "an output file or folder could not be written (permissions, disk full)",
    "duplicate-column": "a header names the same column twice, so which one holds the data cannot be told",
    "not-a-country": "a place the crosswalk knows, but not of the kind this source can hold (World among events)",
    "unknown-figure": "a narrative refers to a figure id or topic that no figure of the country has",
    "older-release": "the file is an older release than the one the store holds of the same data",
}


@dataclass(frozen=True)
class DataError:
    """One problem found in one place of one input."""

    code: str
    message: str
    file: str = ""
    row: int | None = None
    field: str = ""
    page: int | None = None

    def __post_init__(self) -> None:
        if self.code not in ERROR_CODES:
            raise ValueError(f"unregistered error code {self.code!r}")

    @property
    def location(self) -> str:
        """``file:row:field`` (or ``file:p.N:field``) with empty parts kept short."""
        where = f"p.{self.page}" if self.page is not None else ("" if self.row is None else str(self.row))
        return ":".join(part for part in (self.file, where, self.field) if part)

    def __str__(self) -> str:
        loc = self.location
        return f"{loc}: {self.code}: {self.message}" if loc else f"{self.code}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class PartnerWatchError(Exception):
    """Raised with one or more ``DataError``; nothing partial has been written."""

    def __init__(self, errors: DataError | Sequence[DataError]) -> None:
        self.errors: list[DataError] = [errors] if isinstance(errors, DataError) else list(errors)
        if not self.errors:
            raise ValueError("PartnerWatchError needs at least one DataError")
        super().__init__("\n".join(str(e) for e in self.errors))

    def __reduce__(self) -> tuple[type[PartnerWatchError], tuple[list[DataError]]]:
        """Rebuilt from its errors, so a refusal raised in a worker process arrives whole."""
        return (type(self), (self.errors,))

    @classmethod
    def single(
        cls,
        code: str,
        message: str,
        *,
        file: str = "",
        row: int | None = None,
        field: str = "",
        page: int | None = None,
    ) -> PartnerWatchError:
        return cls(DataError(code, message, file=file, row=row, field=field, page=page))


class ErrorCollector:
    """Gathers errors while a parser keeps reading, so one run reports them all.

    A cap stops a hopeless file (wrong format, every row bad) from printing
    thousands of lines: after ``limit`` errors the parser is told to stop.
    """

    def __init__(self, limit: int = 50) -> None:
        self.errors: list[DataError] = []
        self.limit = limit

    def add(self, error: DataError) -> None:
        self.errors.append(error)
        if len(self.errors) >= self.limit:
            raise PartnerWatchError(self.errors)

    def extend(self, errors: Iterable[DataError]) -> None:
        for error in errors:
            self.add(error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise PartnerWatchError(self.errors)
