"""Read a data-API download (JSON lines, one activity record per line) into ``assistance`` rows.

The API's field names vary in case and spelling (``Country Code``,
``country_code``, ``current_amount``, ``usg_sector_name``); they are matched to
the complete file's columns after normalising, then the same vectorised checks
as the complete file apply.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from partnerwatch.errors import DataError, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.foreignassistance.complete import REQUIRED, clean_text, transform_block
from partnerwatch.sources.tabular import json_record

ALIASES = {
    "current_amount": "current_dollar_amount",
    "constant_amount": "constant_dollar_amount",
    "usg_sector_name": "us_sector_name",
    "us_sector": "us_sector_name",
    "us_category": "us_category_name",
    "funding_account": "funding_account_name",
    "transaction_type": "transaction_type_name",
    "managing_agency": "managing_agency_name",
}


def _norm(key: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")
    return ALIASES.get(name, name)


COLUMN_OF = {_norm(column): column for column in REQUIRED}


def parse_api_download(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    columns: dict[str, list[str]] = {c: [] for c in REQUIRED}
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise PartnerWatchError.single(
                    "bad-encoding", f"bytes are not valid utf-8 ({exc.reason})", file=file, row=number
                ) from None
            if not line.strip():
                continue
            record = json_record(line, file, number)
            found: dict[str, object] = {}
            for key, value in record.items():
                column = COLUMN_OF.get(_norm(key))
                if column is None:
                    continue
                if column in found:  # "Fiscal Year" and "fiscal_year" in one record
                    raise PartnerWatchError.single(
                        "duplicate-column",
                        f"two fields of one record ({key!r} and another) both name {column!r}",
                        file=file,
                        row=number,
                        field=key,
                    )
                found[column] = value
            for column in REQUIRED:
                value = found.get(column)
                columns[column].append("" if value is None else str(value))
    if not columns["Country Code"]:
        raise PartnerWatchError.single("empty-file", "the download holds no records", file=file)
    for column in ("Country Code", "Fiscal Year", "Current Dollar Amount", "Transaction Type Name"):
        if all(value == "" for value in columns[column]):
            raise PartnerWatchError(
                DataError("missing-column", "no record has this field", file=file, row=1, field=column)
            )
    batch, marks = clean_text(pa.RecordBatch.from_pydict(columns), 0, file)  # json_record refused controls
    table = pa.Table.from_batches([transform_block(batch, 0, file, {}, {})])
    if progress is not None:
        progress(table.num_rows)
    countries = sorted(set(table.column("country_iso3").to_pylist()))
    return ParsedFile(
        tables={"assistance": table},
        scope=f"api:{','.join(countries)}",
        notes="data-API download",
        warnings=[cells.marks_removed(file, marks)] if marks else [],
    )
