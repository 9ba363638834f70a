"""The activity-level "complete" file: one row per transaction, streamed.

The real file is over 3 GB, so it is never held in memory: pyarrow's
streaming CSV reader yields blocks of rows, each block is checked and
transformed with vectorised kernels (countries and categories are resolved
once per distinct value, not once per row), and the store appends each block
inside the load's single transaction. Memory stays flat as the file grows.

Errors name the record (data row) number: descriptions may contain line
breaks, so records and physical lines differ.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from partnerwatch.errors import DataError, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.foreignassistance.categories import category_of
from partnerwatch.sources.foreignassistance.summary import resolve_country

REQUIRED = (
    "Country Code",
    "Country Name",
    "Managing Agency Name",
    "US Category Name",
    "US Sector Name",
    "Funding Account ID",
    "Funding Account Name",
    "Activity ID",
    "Activity Name",
    "Transaction Type Name",
    "Fiscal Year",
    "Current Dollar Amount",
    "Constant Dollar Amount",
)
BLOCK_SIZE = 1 << 20  # bigger blocks read ahead more: 8 MB blocks cost 500 MB of RSS, 1 MB 150 MB
SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("fiscal_year", pa.int32()),
        ("transition_quarter", pa.bool_()),
        ("program", pa.string()),
        ("account", pa.string()),
        ("category", pa.string()),
        ("us_category", pa.string()),
        ("us_sector", pa.string()),
        ("transaction_type", pa.string()),
        ("amount_usd", pa.float64()),
        ("amount_constant_usd", pa.float64()),
        ("managing_agency", pa.string()),
        ("activity_id", pa.string()),
        ("description", pa.string()),
    ]
)
_NUMBER = r"^-?\d+(\.\d+)?$"


def read_header(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(io.StringIO(fh.readline())), [])


def parse_complete_file(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    header = [h.strip() for h in read_header(path)]
    duplicated = cells.duplicate_columns(header, path.name)
    if duplicated:
        raise PartnerWatchError(duplicated)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise PartnerWatchError(
            [DataError("missing-column", "column not in header", file=path.name, row=1, field=m) for m in missing]
        )
    warnings: list[str] = []  # filled while the stream is read, before the load is committed
    return ParsedFile(
        tables={},
        streams={"assistance": _batches(path, progress, warnings)},
        scope="complete",
        notes="activity-level complete file",
        warnings=warnings,
    )


def _batches(path: Path, progress: ProgressCallback | None, warnings: list[str]) -> Iterator[pa.RecordBatch]:
    first = 1
    marks = 0
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=BLOCK_SIZE, encoding="utf8"),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(REQUIRED),
                column_types={c: pa.string() for c in REQUIRED},
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _unreadable(path, first, exc) from None
    countries: dict[str, str | None] = {}
    categories: dict[str, str | None] = {}
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise _unreadable(path, first, exc) from None
        batch, removed = clean_text(batch, first, path.name)
        marks += removed
        yield transform_block(batch, first, path.name, countries, categories)
        first += batch.num_rows
        if progress is not None:
            progress(batch.num_rows)
    if first == 1:
        raise PartnerWatchError.single("empty-file", "the file has a header but no records", file=path.name)
    if marks:
        warnings.append(cells.marks_removed(path.name, marks))


def _unreadable(path: Path, first: int, exc: Exception) -> PartnerWatchError:
    """Arrow reads in blocks and cannot say which line broke: find it again with the csv module (error path only)."""
    with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        width = len(next(reader, []))
        last = 1
        try:
            for fields in reader:
                line, last = last + 1, reader.line_num
                if len(fields) != width:
                    return PartnerWatchError.single(
                        "bad-row", f"row has {len(fields)} fields, header has {width}", file=path.name, row=line
                    )
        except csv.Error as error:
            return PartnerWatchError.single(
                "bad-row", f"the line cannot be split into fields ({error})", file=path.name, row=last + 1
            )
    return PartnerWatchError.single(
        "bad-row", f"a record at or after record {first} cannot be read ({exc})", file=path.name
    )


_CONTROLS = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"


def clean_text(batch: pa.RecordBatch, first: int, file: str) -> tuple[pa.RecordBatch, int]:
    """What ``cells.decode`` does for the row readers, a column at a time: controls refused, U+FEFF removed.

    Returns the batch and how many byte-order marks were removed.
    """
    columns, removed = [], 0
    for index, name in enumerate(batch.schema.names):
        column = batch.column(index)
        controls = pc.indices_nonzero(pc.match_substring_regex(column, _CONTROLS))
        if len(controls):
            row = controls[0].as_py()
            raise PartnerWatchError.single(
                "bad-encoding",
                "a control character in text: the file is binary or not in the expected encoding",
                file=file,
                row=first + row + 1,
                field=name,
            )
        count = int(pc.sum(pc.count_substring(column, "\ufeff")).as_py() or 0)
        if count:
            column = pc.replace_substring(column, "\ufeff", "")
            removed += count
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema), removed


def transform_block(
    batch: pa.RecordBatch,
    first: int,
    file: str,
    countries: dict[str, str | None],
    categories: dict[str, str | None],
) -> pa.RecordBatch:
    def col(name: str) -> pa.Array:
        return batch.column(batch.schema.get_field_index(name))

    def fail(mask: pa.Array, code: str, field: str, message: str) -> None:
        bad = pc.indices_nonzero(mask)
        if len(bad):
            index = bad[0].as_py()
            value = col(field)[index].as_py()
            raise PartnerWatchError.single(
                code, message.format(value=value), file=file, row=first + index + 1, field=field
            )

    keys = pc.binary_join_element_wise(col("Country Code"), col("Country Name"), "\x1f")
    for key in pc.unique(keys).to_pylist():
        if key not in countries:
            code, _sep, name = key.partition("\x1f")
            countries[key] = resolve_country(code, name)
    iso3 = pa.array([countries[k] for k in keys.to_pylist()], pa.string())
    fail(pc.is_null(iso3), "unknown-country", "Country Code", "{value!r} is not in the country crosswalk")

    years = pc.utf8_lower(pc.utf8_trim_whitespace(col("Fiscal Year")))
    quarter = pc.ends_with(years, "tq")
    digits = pc.replace_substring(years, "tq", "")
    fail(
        pc.invert(pc.match_substring_regex(digits, r"^\d{4}$")),
        "bad-date",
        "Fiscal Year",
        "{value!r} is not a fiscal year (YYYY or YYYYtq)",
    )
    year_numbers = pc.cast(digits, pa.int32())
    fail(
        pc.less(year_numbers, cells.EARLIEST_YEAR),
        "bad-date",
        "Fiscal Year",
        f"fiscal year {{value!r}} is before {cells.EARLIEST_YEAR}, earlier than any data PartnerWatch reads",
    )
    fail(
        pc.greater(year_numbers, cells.latest_year(5)),
        "bad-date",
        "Fiscal Year",
        "fiscal year {value!r} is more than 5 years ahead",
    )

    amounts = {}
    for field in ("Current Dollar Amount", "Constant Dollar Amount"):
        cleaned = pc.replace_substring_regex(pc.utf8_trim_whitespace(col(field)), r"[$,]", "")
        empty = pc.equal(cleaned, "")
        fail(
            pc.and_(pc.invert(empty), pc.invert(pc.match_substring_regex(cleaned, _NUMBER))),
            "bad-number",
            field,
            "{value!r} is not an amount",
        )
        amounts[field] = pc.cast(pc.if_else(empty, None, cleaned), pa.float64())

    us_category = col("US Category Name")
    for value in pc.unique(us_category).to_pylist():
        if value not in categories:
            categories[value] = category_of(value)
    category = pa.array([categories[v] for v in us_category.to_pylist()], pa.string())

    def text(name: str) -> pa.Array:
        trimmed = pc.utf8_trim_whitespace(col(name))
        return pc.if_else(pc.equal(trimmed, ""), None, trimmed)

    return pa.RecordBatch.from_arrays(
        [
            iso3,
            year_numbers,
            quarter,
            text("Funding Account Name"),
            text("Funding Account ID"),
            category,
            text("US Category Name"),
            text("US Sector Name"),
            text("Transaction Type Name"),
            amounts["Current Dollar Amount"],
            amounts["Constant Dollar Amount"],
            text("Managing Agency Name"),
            text("Activity ID"),
            text("Activity Name"),
        ],
        schema=SCHEMA,
    )
