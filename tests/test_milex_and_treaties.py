from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl.styles import Font

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from partnerwatch.sources.sipri_milex import parse_milex_workbook
from partnerwatch.sources.un_treaties import parse_treaty_status
from tests.conftest import table_snapshot

SHEETS = [
    "Local currency financial years",
    "Local currency calendar years",
    "Constant (2022) US$",
    "Current US$",
    "Share of GDP",
    "Per capita",
    "Share of Govt. spending",
]


def _workbook(path: Path, sheets: list[str], mali_2020: object = 593.87) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title in sheets:
        sheet = book.create_sheet(title)
        sheet.append([f"{title}, 1948-2023      (c) SIPRI 2023"])
        sheet.append(['". ." = data unavailable. "xxx" = country did not exist.'])
        sheet.append(["Country", "Notes", 2019, 2020, 2021])
        sheet.append(["Africa", None, None, None, None])
        sheet.append(["Mali", "\u00b6", 480.1, mali_2020, "..."])
        sheet.append(["South Sudan", None, "xxx", 12.5, 13.0])
        sheet.cell(row=6, column=4).font = Font(color="FF0000FF")
    notes = book.create_sheet("Footnotes")
    notes.append(["\u00b6", "Figures for these countries do not include spending on paramilitary forces"])
    book.save(path)
    return path


def test_small_workbook(tmp_path: Path) -> None:
    parsed = parse_milex_workbook(_workbook(tmp_path / "milex.xlsx", SHEETS))
    rows = parsed.tables["milex"].to_pylist()
    assert parsed.release == "1948-2023"
    current = {(r["country_iso3"], r["year"]): r for r in rows if r["measure"] == "current_usd_millions"}
    assert current["MLI", 2020]["value"] == 593.87
    assert current["MLI", 2021]["status"] == "missing" and current["MLI", 2021]["value"] is None
    assert current["SSD", 2019]["status"] == "not applicable"
    assert current["MLI", 2020]["note"] == "Figures for these countries do not include spending on paramilitary forces"
    assert {r["measure"] for r in rows} == {
        "local_currency_financial_year",
        "local_currency_calendar_year",
        "constant_2022_usd_millions",
        "current_usd_millions",
        "share_of_gdp",
        "per_capita_current_usd",
        "share_of_government_spending",
    }
    assert len(rows) == 7 * 2 * 3


def test_workbook_errors(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    before = table_snapshot(store)
    missing = _workbook(tmp_path / "missing.xlsx", SHEETS[:3])
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "sipri-milex", missing)
    assert str(caught.value.errors[0]) == (
        "missing.xlsx: missing-sheet: workbook lacks the sheet(s): Current US$, Share of GDP, Per capita,"
        " Share of Govt. spending"
    )
    bad = _workbook(tmp_path / "bad.xlsx", SHEETS, mali_2020="n/a")
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "sipri-milex", bad)
    assert str(caught.value.errors[0]) == (
        "bad.xlsx:5:Local currency financial years: 2020: bad-number: 'n/a' is not a number, '...' or 'xxx'"
    )
    not_xlsx = tmp_path / "notes.xlsx"
    not_xlsx.write_text("hello", encoding="utf-8")
    with pytest.raises(PartnerWatchError, match="notes.xlsx: not-this-format"):
        ingest(store, "sipri-milex", not_xlsx)
    assert table_snapshot(store) == before


def test_treaty_file_with_ragged_and_inconsistent_rows(tmp_path: Path) -> None:
    path = tmp_path / "hr_status_op_crc_ac.csv"
    path.write_text(
        "iso2,member,state party,year ratification or accession,signatory,no action,status,note\n"
        "ML,Mali,1,2002,0,0,state party,\n"
        "NA,Namibia,1,2002,0,0,state party\n"
        "KZ,Kazakhstan,0,2003,0,0,state party,Fix name\n"
        "SO,Somalia,0,,1,0,signatory state,\n",
        encoding="utf-8",
    )
    parsed = parse_treaty_status(path)
    rows = parsed.tables["treaty_status"].to_pylist()
    assert [(r["country_iso3"], r["treaty"], r["status"], r["ratification_year"], r["signatory"]) for r in rows] == [
        ("MLI", "OP-CRC-AC", "state party", 2002, False),
        ("NAM", "OP-CRC-AC", "state party", 2002, False),
        ("KAZ", "OP-CRC-AC", "state party", 2003, False),
        ("SOM", "OP-CRC-AC", "signatory state", None, True),
    ]
    assert rows[2]["note"] == "Fix name; source inconsistent: status 'state party', state-party flag 0, year 2003"
    assert parsed.warnings == [
        "hr_status_op_crc_ac.csv:4: source inconsistent: status 'state party', state-party flag 0, year 2003"
    ]
    unknown = tmp_path / "hr_status_unknown.csv"
    unknown.write_text("iso2,member\n", encoding="utf-8")
    with pytest.raises(PartnerWatchError, match="cannot tell the treaty from the file name"):
        parse_treaty_status(unknown)


@pytest.mark.shared_data
def test_real_milex_and_treaties(shared_data: Path, store: duckdb.DuckDBPyConnection) -> None:
    ingest(store, "sipri-milex", shared_data / "sipri" / "SIPRI-Milex-data-1948-2023.xlsx")
    # Every year SIPRI gives a value for Mali, in every measure, is in the store.
    book = openpyxl.load_workbook(shared_data / "sipri" / "SIPRI-Milex-data-1948-2023.xlsx", read_only=True)
    sheet = book["Current US$"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Country")
    mali = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Mali")
    given = {
        year
        for year, value in zip(header, mali, strict=False)
        if isinstance(year, int) and isinstance(value, int | float)
    }
    book.close()
    stored = {
        r[0]
        for r in store.execute(
            "SELECT year FROM milex WHERE country_iso3 = 'MLI' AND measure = 'current_usd_millions'"
            " AND status = 'value'"
        ).fetchall()
    }
    assert stored == given and len(given) == 61
    # The factsheet's "2020 peak" of $593.87 m.: the 2020 value holds, but this release has 2021 higher.
    by_year = dict(
        store.execute(
            "SELECT year, round(value, 2) FROM milex WHERE country_iso3 = 'MLI'"
            " AND measure = 'current_usd_millions' AND year BETWEEN 2019 AND 2021"
        ).fetchall()
    )
    assert by_year == {2019: 475.64, 2020: 593.87, 2021: 652.88}
    for path in sorted((shared_data / "un-treaties").glob("*.csv")):
        ingest(store, "un-treaties", path)
    assert store.execute("SELECT count(*), count(DISTINCT treaty) FROM treaty_status").fetchall() == [
        (3473, 18)
    ]  # Montserrat (no action) left out
    assert store.execute(
        "SELECT status, ratification_year FROM treaty_status WHERE country_iso3 = 'MLI' AND treaty = 'OP-CRC-AC'"
    ).fetchall() == [("state party", 2002)]
