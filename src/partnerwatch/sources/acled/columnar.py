"""ACLED's CSV exports read a block at a time, column by column, at the speed of Arrow's C++ reader.

The row-by-row reader (``parse.py``) checks each cell in Python; on millions of
events that is most of an ingest. Here Arrow splits the CSV into string
columns and every check and conversion is a whole-column operation; what
depends on a handful of distinct values (countries, the old taxonomy, actor
classes, precision codes) is computed once per distinct value and mapped
back.

The two readers must agree. This one is strict: it accepts only values whose
meaning is beyond doubt (``5``, ``-3.25``, ``2020-07-31``) and raises
``ReadAgain`` at the first thing it is not sure of — a bad or merely unusual
cell, an encoding error, a ragged row, a duplicate id, an HXL row out of
place. ``ReadAgain`` carries the row-by-row reader's result for the same file,
or that reader raises its coded errors (file, row, field). Either way the
store has not been touched: blocks are staged before the load's transaction.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback, ReadAgain

CHUNK_BYTES = 32 << 20  # bytes Arrow parses at once, on every core, then converted as one batch
FIELD_LIMIT = 128 * 1024  # the csv module's field limit, which the row-by-row reader enforces
# What Python's str.strip() removes (every c with c.isspace(); a test checks), spelled out rather than
# trusting that Arrow's utf8_trim_whitespace means the same (in the pyarrow of 2026-11 it does).
WHITESPACE = (
    "\u0009\u000a\u000b\u000c\u000d\u001c\u001d\u001e\u001f \u0085\u00a0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
INTEGER = r"^[0-9]+$"
DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"

Reread = Callable[[], ParsedFile]


def header_of(path: Path) -> list[str] | None:
    """The header as the row-by-row reader sees it, or None when it is not on one physical line."""
    with path.open("rb") as fh:
        first = fh.readline(1 << 20)
    try:
        line = first.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    if not line.endswith("\n") or line.count('"') % 2:
        return None
    try:
        fields = next(csv.reader([line]), None)
    except csv.Error:  # a stray carriage return, say: the row reader names it
        return None
    return [f.strip() for f in fields] if fields else None


def second_row_is_hxl(path: Path, header: list[str], column: str) -> bool:
    with path.open("rb") as fh:
        fh.readline(1 << 20)
        second = fh.readline(1 << 20).decode("utf-8", errors="replace")
    try:
        fields = next(csv.reader([second]), [])
    except csv.Error:
        return False
    return len(fields) == len(header) and fields[header.index(column)].startswith("#")


def blocks(
    path: Path,
    header: list[str],
    hxl: bool,
    convert: Callable[[dict[str, pa.Array]], pa.RecordBatch],
    reread: Reread,
    progress: ProgressCallback | None,
) -> Iterator[pa.RecordBatch]:
    """Converted blocks of the file; ``ReadAgain`` (or the row reader's errors) at the first doubt."""
    parse = pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=True)
    types = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
    )
    ids: list[pa.Array] = []
    try:
        for number, chunk in enumerate(chunks(path)):
            if _unusual_bytes(chunk, number == 0):
                doubt(reread)
            skip = (1, 1 if hxl else 0) if number == 0 else (0, 0)
            options = pacsv.ReadOptions(column_names=header, skip_rows=skip[0], skip_rows_after_names=skip[1])
            table = pacsv.read_csv(
                pa.BufferReader(chunk), read_options=options, parse_options=parse, convert_options=types
            )
            for batch in table.combine_chunks().to_batches():
                columns = {name: batch.column(i) for i, name in enumerate(batch.schema.names)}
                if any(_suspicious(array) for array in columns.values()):
                    doubt(reread)
                converted = convert(columns)
                ids.append(converted.column(converted.schema.get_field_index("event_id")))
                if progress is not None:
                    progress(converted.num_rows)
                yield converted
    except (pa.ArrowInvalid, UnicodeDecodeError):
        doubt(reread)
    every = pa.chunked_array(ids, pa.string())
    if len(every) == 0 or pc.count_distinct(every).as_py() != len(every):
        doubt(reread)


def chunks(path: Path, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The file in pieces of about ``size`` bytes, each ending at a line break outside quotes.

    Arrow then parses each piece on all cores. A quote character toggles
    "inside a field" (a doubled quote toggles twice), so a line break is a
    record boundary when the quotes before it are even in number.
    """
    inside = False
    carry = b""
    with path.open("rb") as fh:
        while True:
            data = fh.read(size)
            if not data:
                break
            piece = carry + data
            cut = _boundary(piece, inside)
            if cut < 0:
                carry = piece
                continue
            head, carry = piece[:cut], piece[cut:]
            inside = False
            yield head
    if carry:
        yield carry


def _boundary(piece: bytes, inside: bool) -> int:
    """The end of the last complete record in ``piece`` (just past its line break), or -1."""
    odd = (piece.count(b'"') % 2 == 1) != inside
    end = len(piece)
    while True:
        line_break = piece.rfind(b"\n", 0, end)
        if line_break < 0:
            return -1
        after = piece.count(b'"', line_break + 1, end)
        odd = odd != (after % 2 == 1)
        if not odd:
            return line_break + 1
        end = line_break


# Control bytes (tab and line ends aside) map to NUL, and so does 0xEF, the first byte of U+FEFF (and of
# the rest of U+F000-U+FFFF, rare in ACLED's text: such a file is read row by row, at worst); other bytes to 1.
_UNUSUAL_TO_NUL = bytes(0 if (c < 32 and c not in (9, 10, 13)) or c in (127, 0xEF) else 1 for c in range(256))
BOM = b"\xef\xbb\xbf"


def _unusual_bytes(chunk: bytes, first: bool) -> bool:
    """Control bytes (the row reader refuses them) or a byte-order mark inside the text (it removes them, and warns).

    One ``bytes.translate`` and one search: 45 ms per 32 MB piece here, a third of a numpy table lookup.
    """
    start = len(BOM) if first and chunk.startswith(BOM) else 0
    return b"\x00" in (chunk[start:] if start else chunk).translate(_UNUSUAL_TO_NUL)


def _suspicious(array: pa.Array) -> bool:
    """A field longer than the csv module allows: the row reader refuses it, so must we."""
    offsets, _data = _buffers(array)
    if len(offsets) < 2:
        return False
    return int(np.diff(offsets).max()) > FIELD_LIMIT


def _buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string column's value offsets and bytes, read in place (no copy)."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    data = array.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)


def doubt(reread: Reread) -> NoReturn:
    raise ReadAgain(reread())


def stripped(array: pa.Array) -> pa.Array:
    """``str.strip()`` of every value; the column itself when no value can start or end with whitespace."""
    if _may_need_trim(array):
        return pc.utf8_trim(array, characters=WHITESPACE)
    return array


# First bytes of the UTF-8 encodings of WHITESPACE; any multi-byte character ends in a continuation byte.
_LEADING = np.zeros(256, dtype=bool)
_LEADING[[ord(c) for c in WHITESPACE if ord(c) < 0x80] + [0xC2, 0xE1, 0xE2, 0xE3]] = True
_TRAILING = np.zeros(256, dtype=bool)
_TRAILING[[ord(c) for c in WHITESPACE if ord(c) < 0x80] + list(range(0x80, 0xC0))] = True


def _may_need_trim(array: pa.Array) -> bool:
    """Whether some value begins or ends with a byte that could be whitespace (cheap: two lookups a value)."""
    offsets, raw = _buffers(array)
    if len(offsets) < 2:
        return False
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    return bool(_LEADING[raw[starts[filled]]].any() or _TRAILING[raw[ends[filled] - 1]].any())


def empty_as_null(trimmed: pa.Array) -> pa.Array:
    """A stripped column with empty values as null: the row reader's ``value.strip() or None``."""
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def number(array: pa.Array, kind: pa.DataType, pattern: str, reread: Reread) -> pa.Array:
    """``cells.parse_int``/``parse_float`` for unmistakable values: missing markers as null, else digits."""
    trimmed = pc.replace_substring(stripped(array), ",", "")
    missing = pc.is_in(pc.utf8_lower(trimmed), value_set=pa.array(sorted(cells.MISSING)))
    given = pc.invert(missing)
    if not pc.all(pc.or_(missing, pc.match_substring_regex(trimmed, pattern))).as_py():
        doubt(reread)
    values = pc.if_else(given, trimmed, pa.scalar(None, pa.string()))
    try:
        return pc.cast(values, kind)
    except pa.ArrowInvalid:  # out of range for the type
        doubt(reread)


def iso_dates(array: pa.Array, reread: Reread) -> pa.Array:
    """``YYYY-MM-DD`` dates that exist, as the row reader's ``date.fromisoformat`` takes them."""
    trimmed = stripped(array)
    if not pc.all(pc.equal(pc.utf8_length(trimmed), 10)).as_py():
        doubt(reread)
    try:
        dates = pc.cast(trimmed, pa.date32())  # refuses 2020-02-30 and anything but YYYY-MM-DD
    except pa.ArrowInvalid:
        doubt(reread)
    years = pc.year(dates)
    plausible = pc.and_(pc.greater_equal(years, cells.EARLIEST_YEAR), pc.less_equal(years, cells.latest_year()))
    if not pc.all(pc.fill_null(plausible, True)).as_py():
        doubt(reread)
    return dates


def by_value(columns: list[pa.Array], compute: Callable[..., object], kind: pa.DataType, reread: Reread) -> pa.Array:
    """``compute`` called once per distinct combination of values, mapped back onto every row.

    Each column is dictionary-encoded; the combination of codes is one integer
    per row, whose distinct values numpy finds.
    """
    encoded = [pc.dictionary_encode(column) for column in columns]
    sizes = [len(e.dictionary) for e in encoded]
    if math.prod(sizes) >= 2**62:  # too many combinations to number: cannot happen with ACLED's columns
        doubt(reread)
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for e, size in zip(encoded, sizes, strict=True):
        key = key * size + e.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    combos = pc.dictionary_encode(pa.array(key))  # hashing: cheaper than numpy's sort-based unique
    values = [e.dictionary.to_pylist() for e in encoded]
    results = []
    for combined in combos.dictionary.to_pylist():
        codes = []
        for size in reversed(sizes):
            combined, code = divmod(combined, size)
            codes.append(code)
        results.append(compute(*(v[c] for v, c in zip(values, reversed(codes), strict=True))))
    return pc.take(pa.array(results, kind), combos.indices)


def country(columns: dict[str, pa.Array], size: int, reread: Reread) -> pa.Array:
    """The row reader's ``_country``: ISO numeric code first, then ISO3 or name; any unknown is a doubt."""
    walk = crosswalk()
    empty = pa.array([""] * size, pa.string())

    def resolve(iso: str, iso3: str, name: str) -> str | None:
        iso, iso3, name = iso.strip(), iso3.strip(), name.strip()
        found = walk.lookup_numeric(int(iso)) if cells.digits(iso) else None
        for value in (iso3, name):
            if found is None and value:
                found = walk.lookup_name(value, "acled")
        return found

    keys = [columns.get(name, empty) for name in ("iso", "iso3", "country")]
    resolved = by_value(keys, resolve, pa.string(), reread)
    if resolved.null_count:
        doubt(reread)
    for iso3 in pc.unique(resolved).to_pylist():
        if walk.not_a(iso3, PLACES, iso3) is not None:  # "World": the row reader says so
            doubt(reread)
    return resolved
