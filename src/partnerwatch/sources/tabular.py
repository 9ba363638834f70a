"""Small CSV files with a header row, read with line numbers for error messages."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells

if TYPE_CHECKING:
    from _csv import Reader


def text_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, one at a time, for ``csv.reader``.

    ``io.StringIO(text)`` would hold a second copy of the whole file, widened
    to four bytes a character; this holds one line at a time.
    """
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def guarded(reader: Reader, file: str, lines_before: int = 0) -> Iterator[list[str]]:
    """The csv module's own failures as a coded ``bad-row`` at the line it stopped on.

    It refuses a field over its size limit (128 KiB) — in practice a quote
    that is never closed, swallowing the rest of the file — and NUL bytes.
    """
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PartnerWatchError.single(
                "bad-row",
                f"the line cannot be split into fields ({exc}): an unclosed quote or binary data",
                file=file,
                row=lines_before + reader.line_num,
            ) from None
        yield fields


def read_csv_records(
    path: Path,
    required: Sequence[str],
    *,
    encoding: str = "utf-8",
    optional_trailing: Sequence[str] = (),
    warnings: list[str] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each data row of a CSV file; see ``csv_records``.

    What decoding repaired (byte-order marks inside the text) is added to ``warnings``.
    """
    text, repaired = cells.decode(cells.read_bytes(path), encoding, path.name)
    if warnings is not None:
        warnings.extend(repaired)
    yield from csv_records(text, path.name, required, optional_trailing=optional_trailing)


def csv_records(
    text: str,
    file: str,
    required: Sequence[str],
    *,
    optional_trailing: Sequence[str] = (),
    errors: ErrorCollector | None = None,
    column: Callable[[str], str] | None = None,
    hxl: str | None = None,
    delimiter: str = ",",
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (first physical line, row) for each data row; the header and every row's width are checked.

    Line numbers are physical lines, so a quoted field with line breaks still
    points at the line where its row starts. ``optional_trailing`` names
    trailing columns a row may leave out (a ragged row): they read as empty.
    Any other width mismatch is a ``bad-row``: raised at once, or collected in
    ``errors`` (and the row skipped) when given. ``column`` maps each header
    name to the name the source uses (older spellings); ``hxl`` names the
    column that marks an HXL hashtag row; ``delimiter`` is a tab for tab-separated files.
    """
    reader = csv.reader(text_lines(text), delimiter=delimiter)
    header = next(guarded(reader, file), None)
    if header is None:
        raise PartnerWatchError.single("empty-file", "the file is empty", file=file)
    header = [h.strip().lstrip("\ufeff") for h in header]
    if column is not None:
        header = [column(h) for h in header]
    duplicated = cells.duplicate_columns(header, file)
    if duplicated:
        raise PartnerWatchError(duplicated)
    missing = [name for name in required if name not in header]
    if missing:
        raise PartnerWatchError(
            [DataError("missing-column", "column not in header", file=file, row=1, field=m) for m in missing]
        )
    last = 1
    for fields in guarded(reader, file):
        line = last + 1
        last = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        short = len(header) - len(fields)
        if 0 < short <= len(optional_trailing) and all(name in optional_trailing for name in header[len(fields) :]):
            fields = fields + [""] * short
        if len(fields) != len(header):
            problem = DataError(
                "bad-row", f"row has {len(fields)} fields, header has {len(header)}", file=file, row=line
            )
            if errors is None:
                raise PartnerWatchError(problem)
            errors.add(problem)
            continue
        record = dict(zip(header, fields, strict=True))
        if hxl is not None and is_hxl_row(record, hxl, line, file):
            continue
        yield line, record


def is_hxl_row(record: dict[str, str], column: str, line: int, file: str) -> bool:
    """HDX copies carry one row of HXL hashtags directly under the header; anywhere else the file was edited.

    A hashtag row further down means the file was sorted or stitched together
    by hand, so its rows can no longer be trusted to be the producer's.
    """
    if not record[column].startswith("#"):
        return False
    if line != 2:
        raise PartnerWatchError.single(
            "bad-row",
            "a row of HXL hashtags; HDX copies have it directly under the header (line 2): the file was sorted or"
            " edited",
            file=file,
            row=line,
            field=column,
        )
    return True


def jsonl_as_csv(text: str, file: str) -> str:
    """An API download (one JSON event per line) as CSV text with the API's field names as header."""
    records: list[dict[str, object]] = []
    # Lines end at "\n" only: str.splitlines() also splits at U+2028 and other separators JSON strings may hold.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        records.append(json_record(line, file, number))
    fields = list(dict.fromkeys(key for record in records for key in record))
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, restval="")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return out.getvalue()


def json_record(line: str, file: str, number: int) -> dict[str, object]:
    """One line of an API download as a JSON object, refusing what would be silently wrong.

    A field given twice (``json.loads`` keeps the last) is a ``duplicate-column``;
    a control character in a string (``\\u0000``) is a ``bad-encoding``, as in a CSV file.
    """
    try:
        record = json.loads(line, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise PartnerWatchError.single("bad-row", f"not a JSON object ({exc.msg})", file=file, row=number) from None
    except _RepeatedKey as repeated:
        raise PartnerWatchError.single(
            "duplicate-column",
            f"field {repeated.key!r} appears twice in one record: which one holds the data cannot be told",
            file=file,
            row=number,
            field=repeated.key,
        ) from None
    if not isinstance(record, dict):
        raise PartnerWatchError.single("bad-row", "not a JSON object", file=file, row=number)
    for key, value in record.items():
        if isinstance(value, str) and (problem := cells.control_char_error(value, file, number, key, c1=False)):
            raise PartnerWatchError(problem)
    return record


class _RepeatedKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object, refusing a key given twice (``json.loads`` would keep the last silently)."""
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(key)
        found[key] = value
    return found
