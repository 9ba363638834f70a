"""Small CSV files with a header row, read with line numbers for error messages."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from partnerwatch.errors import DataError, PartnerWatchError
from partnerwatch.sources import cells


def read_csv_records(
    path: Path,
    required: Sequence[str],
    *,
    encoding: str = "utf-8",
    optional_trailing: Sequence[str] = (),
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each data row; header and row width are checked.

    ``optional_trailing`` names trailing columns a row may leave out (a ragged
    row): they read as empty. Any other width mismatch is a ``bad-row``.
    """
    file = path.name
    text, _warnings = cells.decode(cells.read_bytes(path), encoding, file)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise PartnerWatchError.single("empty-file", "the file is empty", file=file)
    header = [h.strip() for h in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise PartnerWatchError(
            [DataError("missing-column", "column not in header", file=file, row=1, field=m) for m in missing]
        )
    last = 1
    for fields in reader:
        line = last + 1
        last = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        short = len(header) - len(fields)
        if 0 < short <= len(optional_trailing) and all(name in optional_trailing for name in header[len(fields) :]):
            fields = fields + [""] * short
        if len(fields) != len(header):
            raise PartnerWatchError.single(
                "bad-row", f"row has {len(fields)} fields, header has {len(header)}", file=file, row=line
            )
        yield line, dict(zip(header, fields, strict=True))


def jsonl_as_csv(text: str, file: str) -> str:
    """An API download (one JSON event per line) as CSV text with the API's field names as header."""
    records: list[dict[str, object]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PartnerWatchError.single("bad-row", f"not a JSON object ({exc.msg})", file=file, row=number) from None
        if not isinstance(record, dict):
            raise PartnerWatchError.single("bad-row", "not a JSON object", file=file, row=number)
        records.append(record)
    fields = list(dict.fromkeys(key for record in records for key in record))
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, restval="")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return out.getvalue()
