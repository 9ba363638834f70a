"""Reading text files and typed cells, with errors that say where.

Shared by every CSV-like parser so that "1,526,012", "$56504.76", "N/A" and a
control byte from a wrong encoding mean the same thing in every source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from partnerwatch.errors import DataError, PartnerWatchError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MISSING = frozenset({"", "n/a", "na", "-", "--", "..."})


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
    if encoding.lower().replace("-", "") != "utf8" and not data.isascii():
        try:
            text = data.decode("utf-8")
            warnings.append(f"{file}: file is UTF-8, not {encoding}; read as UTF-8")
        except UnicodeDecodeError:
            text = data.decode(encoding)
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise PartnerWatchError.single(
                "bad-encoding", f"bytes are not valid {encoding} ({exc.reason})", file=file, row=line
            ) from None
    return text.removeprefix("\ufeff"), warnings


def control_char_error(value: str, file: str, row: int, field: str) -> DataError | None:
    """A ``bad-encoding`` error if ``value`` holds bytes no text in the source has."""
    match = _CONTROL.search(value)
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
    try:
        number = int(text)
    except ValueError:
        try:
            as_float = float(text)
        except ValueError:
            as_float = float("nan")
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
    try:
        number = float(text)
    except ValueError:
        return DataError("bad-number", f"{value!r} is not a number", file=file, row=row, field=field)
    if number != number or number in (float("inf"), float("-inf")):
        return DataError("bad-number", f"{value!r} is not a finite number", file=file, row=row, field=field)
    if minimum is not None and number < minimum:
        return DataError("bad-number", f"{value!r} is below {minimum:g}", file=file, row=row, field=field)
    return number


def parse_year(value: str, file: str, row: int, field: str) -> int | None | DataError:
    text = value.strip()
    if is_missing(text):
        return None
    if not (len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2100):
        return DataError("bad-date", f"{value!r} is not a year", file=file, row=row, field=field)
    return int(text)
