"""The hostile corpus: every broken file gets its coded error (file, row or page, field) and the store stays as it was.

The files under ``tests/hostile/`` are written by ``tests/hostile/build.py``
from each source's small valid file; ``expected.csv`` holds the first error
each must give, reviewed by hand. Large or binary cases (a 10 MB field, a zip
bomb, a PDF that is not an FMTR report, workbooks without their sheets) are
made here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from tests.conftest import table_snapshot
from tests.pdfmaker import Text, make_pdf

HOSTILE = Path(__file__).parent / "hostile"
DATA = Path(__file__).parent / "data"
VALID = {
    "acled": DATA / "acled" / "current_export.csv",
    "sipri-transfers": DATA / "sipri" / "register_small.csv",
    "foreignassistance": DATA / "foreignassistance" / "complete_small.csv",
    "ucdp-ged": DATA / "ucdp" / "ged_small.csv",
    "awsd": HOSTILE / "awsd" / "valid.csv",
    "ucdp-brd": HOSTILE / "ucdp-brd" / "valid.csv",
}


def _expected() -> list[tuple[str, str]]:
    with (HOSTILE / "expected.csv").open(encoding="utf-8", newline="") as fh:
        return [(r["file"], r["first_error"]) for r in csv.DictReader(fh)]


def _refused(store: duckdb.DuckDBPyConnection, source: str, path: Path) -> list[str]:
    """Load the source's valid file, then the hostile one: the error lines, with the store proven unchanged."""
    if source in VALID:
        ingest(store, source, VALID[source])
    before = table_snapshot(store)
    snapshots = store.execute("SELECT * FROM snapshots ORDER BY id").fetchall()
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, source, path)
    assert table_snapshot(store) == before
    assert store.execute("SELECT * FROM snapshots ORDER BY id").fetchall() == snapshots
    assert all(error.file for error in caught.value.errors)
    return [str(error) for error in caught.value.errors]


def test_the_corpus_and_its_expectations_agree() -> None:
    listed = {name for name, _ in _expected()}
    on_disk = {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.glob("*/*.csv")}
    assert on_disk - listed == {"awsd/valid.csv", "awsd/hxl_missing.csv", "ucdp-brd/valid.csv"}
    assert listed <= on_disk


@pytest.mark.parametrize(("name", "first_error"), _expected())
def test_hostile_file(store: duckdb.DuckDBPyConnection, name: str, first_error: str) -> None:
    path = HOSTILE / name
    assert _refused(store, path.parent.name, path)[0] == first_error


def test_a_missing_hxl_row_is_not_an_error(store: duckdb.DuckDBPyConnection) -> None:
    """The producer's own file has no HXL row; only HDX copies add one."""
    assert ingest(store, "awsd", HOSTILE / "awsd" / "hxl_missing.csv").rows == 3


@pytest.mark.parametrize("source", ["acled", "ucdp-ged", "awsd"])
def test_a_10_mb_field(store: duckdb.DuckDBPyConnection, tmp_path: Path, source: str) -> None:
    """A quote never closed swallows the rest of the file into one field: refused at the line, not a traceback."""
    text = VALID[source].read_text(encoding="utf-8").splitlines(keepends=True)
    at = 2 if source == "awsd" else 1
    path = tmp_path / f"{source}_big_field.csv"
    path.write_text("".join(text[: at + 1]) + '"' + "A" * 10_000_000 + "\n" + "".join(text[at + 1 :]), "utf-8")
    errors = _refused(store, source, path)
    assert errors[0].startswith(f"{path.name}:{at + 2}: bad-row: the line cannot be split into fields")


def test_a_zip_bomb_in_place_of_the_ucdp_archive(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "ucdp-prio-acd-201.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ucdp-prio-acd-201.csv", b"conflict_id," + b"0" * 200_000_000)
    errors = _refused(store, "ucdp-acd", path)
    assert errors[0].startswith("ucdp-prio-acd-201.zip: not-this-format: ucdp-prio-acd-201.csv would expand to")
    assert errors[0].endswith("refused as a zip bomb")


def test_a_pdf_that_is_not_an_fmtr_report(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    newsletter = tmp_path / "newsletter.pdf"
    newsletter.write_bytes(make_pdf([[Text(72, 72, 14, "Quarterly newsletter"), Text(72, 100, 10, "No tables.")]]))
    assert _refused(store, "fmtr", newsletter) == [
        "newsletter.pdf:p.1: not-this-format: no FMTR program tables found (no 'PROGRAM - FY YYYY ... Training'"
        " headings)"
    ]
    html = tmp_path / "report.pdf"
    html.write_bytes(b"<html><body>Not found</body></html>")
    # A web page is read as one (reports FY1999 and FY2006 were published so), whatever its name says.
    assert _refused(store, "fmtr", html) == [
        "report.pdf: not-this-format: no FMTR tables in the web page (no 'Course Title' header rows)"
    ]


@pytest.mark.parametrize(
    ("source", "sheet", "error"),
    [
        ("sipri-milex", "Front page", "milex.xlsx: missing-sheet: workbook lacks the sheet(s): Local currency"),
        ("idmc", "Sheet1", "idmc.xlsx: missing-sheet: no sheet named '1_Displacement_data'"),
    ],
)
def test_a_workbook_missing_its_sheet(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, source: str, sheet: str, error: str
) -> None:
    book = openpyxl.Workbook()
    active = book.active
    assert active is not None
    active.title = sheet
    active["A1"] = "a workbook re-saved with one sheet"
    path = tmp_path / f"{error.split(':')[0]}"
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    assert _refused(store, source, path)[0].startswith(error)


TREATY_HEADER = "iso2,member,state party,year ratification or accession,signatory,no action,status,note\n"
TREATY_ROWS = [
    "ML,Mali,1,1990,0,0,state party,\n",
    "NE,Niger,1,1990,0,0,state party,\n",
    "NA,Namibia,1,1991,0,0,state party,\n",
]


@pytest.mark.parametrize(
    ("case", "text", "first_error"),
    [
        ("empty", "", "hr_status_crc.csv: empty-file: the file is empty (0 bytes)"),
        ("header_only", TREATY_HEADER, "hr_status_crc.csv: empty-file: no member rows"),
        (
            "ragged",
            TREATY_HEADER + TREATY_ROWS[0] + "NE,Niger,1,1990\n",
            "hr_status_crc.csv:3: bad-row: row has 4 fields, header has 8",
        ),
        (
            "duplicate_member",
            TREATY_HEADER + "".join(TREATY_ROWS) + "ML,Mali,0,,1,0,signatory state,\n",
            "hr_status_crc.csv:5:iso2: duplicate-row: 'Mali' (MLI) is also on line 2: one status per member",
        ),
        (
            "impossible_year",
            TREATY_HEADER + "ML,Mali,1,19x0,0,0,state party,\n",
            "hr_status_crc.csv:2:year ratification or accession: bad-date: '19x0' is not a year",
        ),
        (
            "unknown_member",
            TREATY_HEADER + "XQ,Freedonia,1,1990,0,0,state party,\n",
            "hr_status_crc.csv:2:iso2: unknown-country: 'XQ' / 'Freedonia' is not in the crosswalk",
        ),
        (
            "bad_status",
            TREATY_HEADER + "ML,Mali,1,1990,0,0,ratified maybe,\n",
            "hr_status_crc.csv:2:status: bad-value: 'ratified maybe' is not one of state party, signatory state,"
            " no action",
        ),
        (
            "missing_column",
            "iso2,member,state party,signatory,no action,status\nML,Mali,1,0,0,state party\n",
            "hr_status_crc.csv:1:year ratification or accession: missing-column: column not in header",
        ),
    ],
)
def test_hostile_un_treaty_files(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, case: str, text: str, first_error: str
) -> None:
    """Which treaty a file holds comes from its name, so each case is a hr_status_crc.csv of its own."""
    valid = tmp_path / "valid" / "hr_status_crc.csv"
    valid.parent.mkdir()
    valid.write_text(TREATY_HEADER + "".join(TREATY_ROWS), encoding="utf-8")
    ingest(store, "un-treaties", valid)
    path = tmp_path / case / "hr_status_crc.csv"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    assert _refused(store, "un-treaties", path)[0] == first_error


def test_an_un_treaty_file_of_no_known_treaty(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "hr_status_unknown.csv"
    path.write_text(TREATY_HEADER + TREATY_ROWS[0], encoding="utf-8")
    assert _refused(store, "un-treaties", path)[0].startswith(
        "hr_status_unknown.csv: not-this-format: cannot tell the treaty from the file name"
    )


DTM_HEADER: list[object] = [
    "Snapshot Date",
    "Admin 0 pcode",
    "Admin 1",
    "Admin 2",
    "Total No. of IDPs Ind.",
    "Total No# of IDPs HH",
]
DTM_ROWS: list[list[object]] = [
    ["31-12-2019", "MLI", "Mopti", "Bandiagara", 1200, 300],
    ["31-12-2019", "MLI", "Gao", "Ansongo", 800, 150],
]


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("case", "rows", "first_error"),
    [
        ("empty_sheet", [], "Round_60.xlsx: empty-file: the first sheet is empty"),
        ("header_only", [DTM_HEADER], "Round_60.xlsx: empty-file: no IDP rows"),
        (
            "missing_column",
            [DTM_HEADER[:4] + DTM_HEADER[5:], DTM_ROWS[0][:4] + DTM_ROWS[0][5:]],
            "Round_60.xlsx:1:total no. of idps ind.: missing-column: column not in header",
        ),
        (
            "text_count",
            [DTM_HEADER, DTM_ROWS[0], [*DTM_ROWS[1][:4], "about 800", 150]],
            "Round_60.xlsx:3:Total No. of IDPs Ind.: bad-number: 'about 800' is not a number of people",
        ),
        (
            "negative_count",
            [DTM_HEADER, [*DTM_ROWS[0][:5], -3]],
            "Round_60.xlsx:2:Total No# of IDPs HH: bad-number: -3 is not a number of households (0 to 10,000,000,000)",
        ),
        (
            "boolean_count",
            [DTM_HEADER, [*DTM_ROWS[0][:4], True, 300]],
            "Round_60.xlsx:2:Total No. of IDPs Ind.: bad-number: True is not a number of people",
        ),
        (
            "impossible_date",
            [DTM_HEADER, ["31-02-2019", *DTM_ROWS[0][1:]]],
            "Round_60.xlsx:2:Snapshot Date: bad-date: '31-02-2019' is not a date",
        ),
        (
            "unknown_country",
            [DTM_HEADER, [DTM_ROWS[0][0], "XQX", *DTM_ROWS[0][2:]]],
            "Round_60.xlsx:2:Admin 0 pcode: unknown-country: 'XQX' is not in the crosswalk",
        ),
    ],
)
def test_hostile_iom_dtm_workbooks(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, case: str, rows: list[list[object]], first_error: str
) -> None:
    ingest(store, "iom-dtm", _workbook(tmp_path / "Round_59.xlsx", [DTM_HEADER, *DTM_ROWS]))
    (tmp_path / case).mkdir()
    path = _workbook(tmp_path / case / "Round_60.xlsx", rows)
    assert _refused(store, "iom-dtm", path)[0] == first_error


@pytest.mark.parametrize("damage", ["truncated", "not_a_workbook"])
def test_an_iom_dtm_file_that_is_not_a_workbook(store: duckdb.DuckDBPyConnection, tmp_path: Path, damage: str) -> None:
    whole = _workbook(tmp_path / "whole.xlsx", [DTM_HEADER, *DTM_ROWS]).read_bytes()
    path = tmp_path / "Round_61.xlsx"
    path.write_bytes(whole[: len(whole) // 2] if damage == "truncated" else b"Snapshot Date,Admin 0 pcode\n")
    assert _refused(store, "iom-dtm", path)[0].startswith("Round_61.xlsx: not-this-format: not a readable .xlsx")
