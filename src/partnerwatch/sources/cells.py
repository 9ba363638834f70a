"""Reading text files and typed cells, with errors that say where.

Shared by every CSV-like parser so that "1,526,012", "$56504.76", "N/A" and a
control byte from a wrong encoding mean the same thing in every source.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from partnerwatch.errors import DataError, PartnerWatchError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# C0 controls (tab, line feed and carriage return aside) and DEL: no text any source publishes holds them.
_C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MISSING = frozenset({"", "n/a", "na", "-", "--", "..."})
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""ASCII decimal numbers, as every source writes them."""
EARLIEST_YEAR = 1900
"""No source PartnerWatch reads has data before this year (UCDP/PRIO and the Greenbook start in 1946)."""
MAX_PEOPLE = 10_000_000_000
"""More people than live on Earth: a count above this is a broken cell, not a figure."""


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise PartnerWatchError.single(
            "file-not-found", f"cannot read the file ({exc.strerror})", file=str(path)
        ) from None


def decode(data: bytes, encoding: str, file: str) -> tuple[str, list[str]]:
    """Decode ``data``; a valid UTF-8 file is accepted in place of ``encoding``.

    Returns the text and warnings. Text with NUL or control bytes (UTF-16, a
    binary file, a bad conversion) is refused with the row and field where it
    starts, so the user can find it.
    """
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PartnerWatchError.single("bad-encoding", f"file is UTF-16; expected {encoding}", file=file, row=1)
    text: str
    try:
        if encoding.lower().replace("-", "") != "utf8" and not data.isascii():
            try:
                text = data.decode("utf-8")
                warnings.append(f"{file}: file is UTF-8, not {encoding}; read as UTF-8")
            except UnicodeDecodeError:
                text = data.decode(encoding)  # Windows-1252 leaves five bytes undefined: they fail here
        else:
            text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PartnerWatchError.single(
            "bad-encoding", f"bytes are not valid {encoding} ({exc.reason})", file=file, row=line
        ) from None
    text = text.removeprefix("\ufeff")
    marks = text.count("\ufeff")
    if marks:  # files joined end to end carry the second file's byte-order mark inside a value
        text = text.replace("\ufeff", "")
        warnings.append(marks_removed(file, marks))
    control = _C0.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise PartnerWatchError.single(
            "bad-encoding",
            f"control character {control.group()!r} in text: the file is binary or not in the expected encoding",
            file=file,
            row=line,
        )
    return text, warnings


def control_char_error(value: str, file: str, row: int, field: str, *, c1: bool = True) -> DataError | None:
    """A ``bad-encoding`` error if ``value`` holds bytes no text in the source has.

    ``c1``: also the C1 controls (U+0080-U+009F), which Windows-1252 text read as Latin-1 turns into.
    """
    match = (_CONTROL if c1 else _C0).search(value)
    if match is None:
        return None
    return DataError(
        "bad-encoding",
        f"control character {match.group()!r} in text: the file is not in the expected encoding",
        file=file,
        row=row,
        field=field,
    )


def duplicate_keys(keyed: Iterable[tuple[int, str]], file: str, field: str) -> list[DataError]:
    """One ``duplicate-row`` per repeated id, at the repeat's line.

    A file that says two things of one event is refused rather than letting
    the later row silently win.
    """
    first: dict[str, int] = {}
    found: list[DataError] = []
    for line, key in keyed:
        if key in first:
            message = f"id {key!r} is already used on line {first[key]}"
            found.append(DataError("duplicate-row", message, file=file, row=line, field=field))
        else:
            first[key] = line
    return found


def marks_removed(file: str, count: int) -> str:
    """The warning for byte-order marks removed from inside a file's text (every reader says it alike)."""
    return (
        f"{file}: {count:,} byte-order mark(s) (U+FEFF) inside the text were removed: the file looks like"
        " several files joined end to end"
    )


def duplicate_columns(
    header: Sequence[object], file: str, row: int = 1, *, allowed: Iterable[str] = (), sheet: str = ""
) -> list[DataError]:
    """A ``duplicate-column`` per header name given twice: otherwise the last of them silently wins.

    ``allowed`` names columns a source repeats on purpose (SIPRI's unnamed
    uncertainty flags); empty header cells are not names.
    """
    seen: dict[str, int] = {}
    found: list[DataError] = []
    permitted = set(allowed)
    for position, raw in enumerate(header, start=1):
        name = "" if raw is None else str(raw).strip()
        if not name or name in permitted:
            continue
        if name in seen:
            found.append(
                DataError(
                    "duplicate-column",
                    f"column {name!r} appears twice (columns {seen[name]} and {position}): which one holds the"
                    " data cannot be told",
                    file=file,
                    row=row,
                    field=f"{sheet}: {name}" if sheet else name,
                )
            )
        else:
            seen[name] = position
    return found


def digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit()`` also accepts '²' and other digits ``int()`` refuses or misreads."""
    return text.isascii() and text.isdigit()


def latest_year(ahead: int = 1) -> int:
    """The last plausible year: next year for what happened, a few years on for budgets and plans."""
    return date.today().year + ahead


def year_error(year: int, file: str, row: int | None, field: str, *, ahead: int = 1) -> DataError | None:
    """A ``bad-date`` for a year no source's data can have (0, 2999), naming the plausible range."""
    if EARLIEST_YEAR <= year <= latest_year(ahead):
        return None
    return DataError("bad-date", year_problem(year, ahead), file=file, row=row, field=field)


def year_problem(year: int, ahead: int = 1) -> str:
    """Why a year is implausible, in words that do not change with the calendar."""
    if year < EARLIEST_YEAR:
        return f"year {year} is before {EARLIEST_YEAR}, earlier than any data PartnerWatch reads"
    return f"year {year} is in the future" if ahead <= 1 else f"year {year} is more than {ahead} years ahead"


def date_error(when: date, file: str, row: int | None, field: str) -> DataError | None:
    """``year_error`` for a date of something that happened: it cannot lie beyond next year."""
    return year_error(when.year, file, row, field)


def people_count(value: object, file: str, row: int, field: str, *, noun: str = "people") -> float | None | DataError:
    """A number of people from a spreadsheet cell: None if empty, else a count or a ``bad-number``.

    A cell holding TRUE is not 1 person, and NaN, a negative count or more
    people than live on Earth are broken cells.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return DataError("bad-number", f"{value!r} is not a number of {noun}", file=file, row=row, field=field)
    if not math.isfinite(value) or value < 0 or value > MAX_PEOPLE:
        return DataError(
            "bad-number",
            f"{value!r} is not a number of {noun} (0 to {MAX_PEOPLE:,})",
            file=file,
            row=row,
            field=field,
        )
    return float(value)


def is_missing(value: str) -> bool:
    return value.strip().casefold() in MISSING


INT32_MAX = 2**31 - 1


def parse_int(
    value: str, file: str, row: int, field: str, *, minimum: int | None = 0, maximum: int = INT32_MAX
) -> int | None | DataError:
    """An integer, None for an empty cell, or a ``bad-number`` error.

    Counts are stored as 32-bit integers, so a larger value is refused here,
    naming its cell, rather than failing later inside Arrow.
    """
    text = value.strip().replace(",", "")
    if is_missing(text):
        return None
    if not _NUMBER.fullmatch(text):  # int() and float() also take '١٢', '1_000' and 'infinity'
        return DataError("bad-number", f"{value!r} is not a whole number", file=file, row=row, field=field)
    try:
        number = int(text)
    except ValueError:
        as_float = float(text)
        if not as_float.is_integer():
            return DataError("bad-number", f"{value!r} is not a whole number", file=file, row=row, field=field)
        number = int(as_float)
    if minimum is not None and number < minimum:
        return DataError("bad-number", f"{value!r} is below {minimum}", file=file, row=row, field=field)
    if number > maximum:
        return DataError("bad-number", f"{value!r} is larger than {maximum:,}", file=file, row=row, field=field)
    return number


def parse_float(
    value: str, file: str, row: int, field: str, *, minimum: float | None = 0.0
) -> float | None | DataError:
    """A number ("$1,526,012", "56504.76"), None for an empty cell, or a ``bad-number`` error."""
    text = value.strip().replace(",", "").replace("$", "")
    if is_missing(text):
        return None
    if not _NUMBER.fullmatch(text):
        return DataError("bad-number", f"{value!r} is not a number", file=file, row=row, field=field)
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        return DataError("bad-number", f"{value!r} is not a finite number", file=file, row=row, field=field)
    if minimum is not None and number < minimum:
        return DataError("bad-number", f"{value!r} is below {minimum:g}", file=file, row=row, field=field)
    return number


def parse_year(value: str, file: str, row: int, field: str, *, ahead: int = 1) -> int | None | DataError:
    """A year (``ahead``: how many years past this one are plausible), None for an empty cell, or ``bad-date``."""
    text = value.strip()
    if is_missing(text):
        return None
    if not (len(text) == 4 and digits(text)):
        return DataError("bad-date", f"{value!r} is not a year", file=file, row=row, field=field)
    return year_error(int(text), file, row, field, ahead=ahead) or int(text)
