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
    assert _refused(store, "fmtr", html) == ["report.pdf:p.1: not-this-format: not a PDF file"]


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
