"""Values that used to load silently wrong, and inputs that ended in a traceback, per class.

Each class is decided once (``docs/errors.md``, "What a careful analyst
expects"): refused with a coded error naming file, row and field, or loaded
with a warning kept on the snapshot. The CSV cases of the same classes are in
the hostile corpus (``tests/hostile/``); these are the workbooks, mappings,
archives and JSON lines, and the accepted-with-a-warning cases.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest, ingest_table
from tests.conftest import table_snapshot
from tests.test_milex_and_treaties import SHEETS as MILEX_SHEETS

DATA = Path(__file__).parent / "data"
HOSTILE = Path(__file__).parent / "hostile"


def _refused(store: duckdb.DuckDBPyConnection, load: object) -> list[str]:
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        load()  # type: ignore[operator]
    assert table_snapshot(store) == before
    return [str(e) for e in caught.value.errors]


def _warnings(store: duckdb.DuckDBPyConnection, snapshot_id: int) -> str:
    return str(store.execute("SELECT warnings FROM snapshots WHERE id = ?", [snapshot_id]).fetchall()[0][0])


# --- byte-order marks inside values: removed, and the snapshot says so -------------------------------------


def test_a_byte_order_mark_inside_a_value_is_removed_with_a_warning(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Files joined end to end leave '\\ufeffMLI9003' beside 'MLI9003': one event, not two."""
    rows = (DATA / "acled" / "current_export.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "joined.csv"
    path.write_text(rows[0] + rows[1] + "\ufeff" + rows[2] + "".join(rows[3:]), encoding="utf-8")
    result = ingest(store, "acled", path)
    ids = [r[0] for r in store.execute("SELECT event_id FROM harm_events ORDER BY event_id").fetchall()]
    assert ids == ["MLI9001", "MLI9002", "MLI9003", "MLI9004"]
    assert "1 byte-order mark(s) (U+FEFF) inside the text were removed" in _warnings(store, result.snapshot_id)


def test_a_byte_order_mark_in_a_ucdp_conflict_id(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (HOSTILE / "ucdp-brd" / "valid.csv").read_text(encoding="utf-8").replace("\n11347,", "\n\ufeff11347,", 1)
    path = tmp_path / "brd.csv"
    path.write_text(text, encoding="utf-8")
    ingest(store, "ucdp-brd", path)
    assert store.execute("SELECT DISTINCT conflict_id FROM conflict_deaths").fetchall() == [("11347",)]


# --- UCDP's own estimates out of order: kept as published, with a warning ----------------------------------


def test_ucdp_low_above_best_is_kept_with_a_warning(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (
        (HOSTILE / "ucdp-brd" / "valid.csv").read_text(encoding="utf-8").replace(",2014,61,61,75,", ",2014,61,62,75,")
    )
    path = tmp_path / "brd.csv"
    path.write_text(text, encoding="utf-8")
    result = ingest(store, "ucdp-brd", path)
    assert result.warnings == [
        "brd.csv: 1 row(s) have low, best and high estimates out of order (line 3: bd_low 62 > bd_best 61);"
        " kept as published, figures use the best estimate"
    ]
    assert result.warnings[0] in _warnings(store, result.snapshot_id)


# --- analysts' tables ---------------------------------------------------------------------------------------

MAPPING = """
[source]
producer = "Security Assistance Monitor"
citation = "Typed from the FY2014 FMTR"
licence = "public domain"

[columns]
country_iso3 = { from = "Country" }
fiscal_year = { from = "Fiscal Year" }
course_title = { from = "Course" }
quantity = { from = "Trainees" }
total_cost_usd = { from = "Cost (US$ thousands)", unit = "usd", multiply = 1000 }
"""
HEADER = "Country,Fiscal Year,Course,Trainees,Cost (US$ thousands)\n"


def _table(tmp_path: Path, rows: str, mapping: str = MAPPING, header: str = HEADER) -> tuple[Path, Path]:
    table, map_file = tmp_path / "training.csv", tmp_path / "training.toml"
    table.write_text(header + rows, encoding="utf-8")
    map_file.write_text(mapping, encoding="utf-8")
    return table, map_file


@pytest.mark.parametrize(
    ("case", "rows", "header", "first_error"),
    [
        (
            "one field too many",
            "Mali,FY2014,Fire control,1,250\nMali,FY2014,XII,Fire control,1,250\n",
            HEADER,
            "training.csv:3: bad-row: row has 6 fields, header has 5",
        ),
        (
            "one field too few",
            "Mali,FY2014,Fire control,1\n",
            HEADER,
            "training.csv:2: bad-row: row has 4 fields, header has 5",
        ),
        (
            "a column named twice",
            "Mali,FY2014,Fire control,1,250,0\n",
            HEADER.strip() + ",Trainees\n",
            "training.csv:1:Trainees: duplicate-column: column 'Trainees' appears twice (columns 4 and 6): which"
            " one holds the data cannot be told",
        ),
        (
            "negative trainees",
            "Mali,FY2014,Fire control,-4,250\n",
            HEADER,
            "training.csv:2:Trainees: bad-number: '-4' is below 0: quantity cannot be negative",
        ),
        (
            "a trillion trainees",
            "Mali,FY2014,Fire control,1e12,250\n",
            HEADER,
            "training.csv:2:Trainees: bad-number: '1e12' is larger than 2,147,483,647",
        ),
        (
            "fiscal year 2999",
            "Mali,FY2999,Fire control,1,250\n",
            HEADER,
            "training.csv:2:Fiscal Year: bad-date: year 2999 is more than 5 years ahead",
        ),
        (
            "World as a country",
            "World,FY2014,Fire control,1,250\n",
            HEADER,
            "training.csv:2:Country: not-a-country: 'World' is a group of countries (WLD), not a place (a state,"
            " territory or area)",
        ),
    ],
)
def test_hostile_analyst_tables(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, case: str, rows: str, header: str, first_error: str
) -> None:
    table, mapping = _table(tmp_path, rows, header=header)
    assert _refused(store, lambda: ingest_table(store, table, "training", mapping))[0] == first_error


def test_the_row_with_one_field_too_many_no_longer_loads_a_thousandth(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The probe's row: 'XII' shifted every value right, so $1,250,000 loaded as $1,000."""
    table, mapping = _table(tmp_path, "Mali,FY2014,XII,Fire control,1,250\n")
    errors = _refused(store, lambda: ingest_table(store, table, "training", mapping))
    assert errors == ["training.csv:2: bad-row: row has 6 fields, header has 5"]


@pytest.mark.parametrize(
    ("case", "change", "first_error"),
    [
        ("infinite multiply", ("multiply = 1000", "multiply = inf"), "bad-number: 'multiply' must be a positive"),
        ("NaN multiply", ("multiply = 1000", "multiply = nan"), "bad-number: 'multiply' must be a positive"),
        ("boolean multiply", ("multiply = 1000", "multiply = true"), "bad-number: 'multiply' must be a positive"),
        ("header row as text", ("[columns]", '[table]\nheader_row = "one"\n\n[columns]'), "table.header_row"),
        ("source as text", ('[source]\nproducer = "Security Assistance Monitor"', 'source = "me"\n[x]'), "source:"),
        ("sheet as a number", ("[columns]", "[table]\nsheet = 3\n\n[columns]"), "table.sheet: bad-value"),
        ("from as a number", ('quantity = { from = "Trainees" }', "quantity = { from = 4 }"), "columns.quantity"),
    ],
)
def test_mappings_with_values_of_the_wrong_type(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, case: str, change: tuple[str, str], first_error: str
) -> None:
    assert change[0] in MAPPING
    table, mapping = _table(tmp_path, "Mali,FY2014,Fire control,1,250\n", MAPPING.replace(*change))
    errors = _refused(store, lambda: ingest_table(store, table, "training", mapping))
    assert first_error in errors[0], errors
    assert errors[0].startswith("training.toml:")


def test_a_mapping_that_is_not_utf8(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    table, mapping = _table(tmp_path, "Mali,FY2014,Fire control,1,250\n")
    mapping.write_bytes(MAPPING.replace("Monitor", "Monitor \xe9").encode("latin-1"))
    errors = _refused(store, lambda: ingest_table(store, table, "training", mapping))
    assert errors[0].startswith("training.toml:3: bad-encoding: a mapping file is UTF-8 text")


# --- workbooks ------------------------------------------------------------------------------------------------

IDMC_MEASURES = [
    "Conflict Stock Displacement",
    "Conflict Internal Displacements",
    "Disaster Internal Displacements",
    "Disaster Stock Displacement",
]


def _idmc(tmp_path: Path, rows: list[list[object]], header: list[object] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "1_Displacement_data"
    sheet.append(header or ["ISO3", "Name", "Year", *[c for m in IDMC_MEASURES for c in (m, f"{m} (Raw)")]])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "IDMC_GIDD.xlsx"
    book.save(path)
    return path


def _idmc_row(iso3: str, name: str, year: object, stock: object) -> list[object]:
    return [iso3, name, year, stock, stock, None, None, None, None, None, None]


@pytest.mark.parametrize(
    ("case", "rows", "first_error"),
    [
        (
            "TRUE for a count",
            [_idmc_row("MLI", "Mali", 2022, True)],
            "IDMC_GIDD.xlsx:2:1_Displacement_data: Conflict Stock Displacement: bad-number: True is not a number of"
            " people",
        ),
        (
            "1e300 people",
            [_idmc_row("MLI", "Mali", 2022, 1e300)],
            "IDMC_GIDD.xlsx:2:1_Displacement_data: Conflict Stock Displacement: bad-number: 1e+300 is not a number"
            " of people (0 to 10,000,000,000)",
        ),
        (
            "a row twice",
            [_idmc_row("MLI", "Mali", 2022, 380000), _idmc_row("MLI", "Mali", 2022, 380000)],
            "IDMC_GIDD.xlsx:3:1_Displacement_data: ISO3: duplicate-row: MLI 2022 is already on row 2: one row per"
            " country and year",
        ),
        (
            "year 2999",
            [_idmc_row("MLI", "Mali", 2999, 380000)],
            "IDMC_GIDD.xlsx:2:1_Displacement_data: Year: bad-date: year 2999 is in the future",
        ),
        (
            "World as a country",
            [_idmc_row("WLD", "World", 2022, 71000000)],
            "IDMC_GIDD.xlsx:2:1_Displacement_data: ISO3: not-a-country: 'World' is a group of countries (WLD), not a"
            " place (a state, territory or area)",
        ),
    ],
)
def test_hostile_idmc_workbooks(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, case: str, rows: list[list[object]], first_error: str
) -> None:
    path = _idmc(tmp_path, rows)
    assert _refused(store, lambda: ingest(store, "idmc", path))[0] == first_error


def test_an_idmc_column_named_twice(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header: list[object] = ["ISO3", "Name", "Year", *[c for m in IDMC_MEASURES for c in (m, f"{m} (Raw)")], "Year"]
    path = _idmc(tmp_path, [[*_idmc_row("MLI", "Mali", 2022, 1), 2021]], header)
    assert _refused(store, lambda: ingest(store, "idmc", path))[0].startswith(
        "IDMC_GIDD.xlsx:1:1_Displacement_data: Year: duplicate-column: column 'Year' appears twice"
    )


def test_a_formula_without_a_saved_result_is_not_read_as_empty(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """openpyxl writes formulas without results, as any program that is not a spreadsheet does."""
    path = _idmc(tmp_path, [_idmc_row("MLI", "Mali", 2022, "=300000+80000")])
    assert _refused(store, lambda: ingest(store, "idmc", path)) == [
        "IDMC_GIDD.xlsx:1_Displacement_data: missing-value: 2 formula cell(s) have no saved result (D2, E2): open"
        " the workbook in a spreadsheet program and save it, so that the values are stored"
    ]


def test_a_milex_year_column_of_2999_is_refused_not_dropped(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title in MILEX_SHEETS:
        sheet = book.create_sheet(title)
        sheet.append(["SIPRI Military Expenditure Database 1948-2023"])
        sheet.append(["Country", "Notes", 2022, 2999])
        sheet.append(["Mali", None, 10.5, 11.0])
    path = tmp_path / "milex.xlsx"
    book.save(path)
    errors = _refused(store, lambda: ingest(store, "sipri-milex", path))
    assert errors[0] == "milex.xlsx:2:Local currency financial years: 2999: bad-date: year 2999 is in the future"


# --- treaty parties ---------------------------------------------------------------------------------------------

TREATY_HEADER = "iso2,member,state party,year ratification or accession,signatory,no action,status,note\n"


def test_antarctica_is_not_a_treaty_party(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "hr_status_crc.csv"
    path.write_text(TREATY_HEADER + "ML,Mali,1,1990,0,0,state party,\nAQ,Antarctica,1,1991,0,0,state party,\n")
    assert _refused(store, lambda: ingest(store, "un-treaties", path)) == [
        "hr_status_crc.csv:3:iso2: not-a-country: 'Antarctica' is a territory (ATA), not a state"
    ]


def test_a_territory_listed_with_no_action_is_left_out_with_a_warning(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "hr_status_crc.csv"
    path.write_text(TREATY_HEADER + "ML,Mali,1,1990,0,0,state party,\nMS,Montserrat,0,,0,1,no action,\n")
    result = ingest(store, "un-treaties", path)
    assert result.rows == 1
    assert result.warnings == [
        "hr_status_crc.csv: not states, listed with no action, so not stored: Montserrat (MSR, line 3)"
    ]


# --- the ForeignAssistance.gov summary ---------------------------------------------------------------------------


def test_a_summary_row_given_twice_is_refused(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = (DATA / "foreignassistance" / "country_summary_small.csv").read_text(encoding="utf-8").splitlines(True)
    path = tmp_path / "us_foreign_aid_country.csv"
    path.write_text("".join(lines) + lines[1], encoding="utf-8")
    errors = _refused(store, lambda: ingest(store, "foreignassistance", path))
    assert len(errors) == 1 and ": duplicate-row: " in errors[0]
    assert errors[0].startswith(f"us_foreign_aid_country.csv:{len(lines) + 1}:fiscal_year: duplicate-row:")


# --- damaged archives --------------------------------------------------------------------------------------------


def _brd_zip(tmp_path: Path, damage: str) -> Path:
    text = (HOSTILE / "ucdp-brd" / "valid.csv").read_text(encoding="utf-8").replace("Azawad", "Azawad é")
    data = text.encode("latin-1" if damage == "latin-1 member" else "utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ucdp-brd-dyadic-221.csv", data)
    raw = bytearray(buffer.getvalue())
    local_data = 30 + len("ucdp-brd-dyadic-221.csv")
    if damage == "bad CRC":
        raw[local_data + 5] ^= 0xFF  # a byte of the compressed data
    elif damage == "unknown compression":
        for at in (8, raw.find(b"PK\x01\x02") + 10):  # method, in the local and the central header
            raw[at : at + 2] = (99).to_bytes(2, "little")
    elif damage == "encrypted":
        for at in (6, raw.find(b"PK\x01\x02") + 8):
            raw[at] |= 0x1
    path = tmp_path / "ucdp-brd-221.zip"
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize(
    ("damage", "first_error"),
    [
        ("bad CRC", "ucdp-brd-221.zip: not-this-format: ucdp-brd-dyadic-221.csv cannot be read from the zip"),
        ("unknown compression", "ucdp-brd-221.zip: not-this-format: ucdp-brd-dyadic-221.csv cannot be read"),
        ("encrypted", "ucdp-brd-221.zip: not-this-format: ucdp-brd-dyadic-221.csv is encrypted"),
        ("latin-1 member", "ucdp-brd-221.zip/ucdp-brd-dyadic-221.csv:2: bad-encoding: bytes are not valid utf-8"),
    ],
)
def test_damaged_ucdp_archives(store: duckdb.DuckDBPyConnection, tmp_path: Path, damage: str, first_error: str) -> None:
    path = _brd_zip(tmp_path, damage)
    errors = _refused(store, lambda: ingest(store, "ucdp-brd", path))
    assert errors[0].startswith(first_error), errors


# --- JSON lines ----------------------------------------------------------------------------------------------------


def _ged_jsonl(tmp_path: Path, change: dict[str, object] | None = None, raw: str | None = None) -> Path:
    rows = list(csv.DictReader(io.StringIO((DATA / "ucdp" / "ged_small.csv").read_text(encoding="utf-8"))))
    lines = [json.dumps({**r, "version": "25.1"}, ensure_ascii=False) for r in rows]
    if change:
        lines[0] = json.dumps({**rows[0], **change, "version": "25.1"}, ensure_ascii=False)
    if raw is not None:
        lines[0] = raw
    path = tmp_path / "ucdp-ged-MLI-25.1.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_line_separator_inside_a_json_string_is_text(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """U+2028 is valid inside JSON strings; str.splitlines() used to cut the record there."""
    result = ingest(store, "ucdp-ged", _ged_jsonl(tmp_path, {"source_headline": "Attack\u2028report"}))
    assert result.rows == 3
    notes = store.execute("SELECT notes FROM harm_events WHERE event_id = '400001'").fetchall()
    assert notes == [("Attack\u2028report",)]


def test_a_json_field_given_twice_is_refused(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((DATA / "ucdp" / "ged_small.csv").read_text(encoding="utf-8"))))
    raw = json.dumps(rows[0])[:-1] + ', "best": "0"}'
    errors = _refused(store, lambda: ingest(store, "ucdp-ged", _ged_jsonl(tmp_path, raw=raw)))
    assert errors == [
        "ucdp-ged-MLI-25.1.jsonl:1:best: duplicate-column: field 'best' appears twice in one record: which one"
        " holds the data cannot be told"
    ]


def test_a_nul_inside_a_json_string_is_refused(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    errors = _refused(store, lambda: ingest(store, "ucdp-ged", _ged_jsonl(tmp_path, {"side_a": "Govern\u0000ment"})))
    assert errors[0].startswith("ucdp-ged-MLI-25.1.jsonl:1:side_a: bad-encoding: control character '\\x00'")


def test_an_analyst_table_with_a_date_in_the_future_or_an_uncached_formula(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    mapping = MAPPING.replace(
        'quantity = { from = "Trainees" }', 'quantity = { from = "Trainees" }\nstart_date = { from = "Start" }'
    )
    table, map_file = _table(
        tmp_path, "Mali,FY2014,Fire control,1,250,2999-01-05\n", mapping, HEADER.strip() + ",Start\n"
    )
    assert _refused(store, lambda: ingest_table(store, table, "training", map_file)) == [
        "training.csv:2:Start: bad-date: year 2999 is in the future"
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Country", "Fiscal Year", "Course", "Trainees", "Cost (US$ thousands)"])
    sheet.append(["Mali", 2014, "Fire control", "=2+2", 250])
    workbook = tmp_path / "training.xlsx"
    book.save(workbook)
    errors = _refused(store, lambda: ingest_table(store, workbook, "training", map_file))
    assert errors[0].startswith("training.xlsx:Sheet: missing-value: 1 formula cell(s) have no saved result (D2)")
