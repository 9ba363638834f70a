"""ACLED's aggregated workbooks: the real samples, hand-made hostile ones, and the monthly figure."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.harm_monthly import monthly_violence
from partnerwatch.ingest import ingest
from tests.conftest import table_snapshot

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "acled" / "hdx-aggregated"
COUNTRY = ["Country", "Month", "Year", "Events", "Fatalities"]
ADMIN = ["Country", "Admin1", "Admin2", "ISO3", "Admin2 Pcode", "Admin1 Pcode", "Month", "Year", "Events", "Fatalities"]
NAME = "civilian-targeting-events-and-fatalities-2025-03-14.xlsx"


def _book(path: Path, country: list[list[object]], admin: list[list[object]], *, terms: bool = True) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "TOU" if terms else "Notes"
    first.append(["Licensing"])
    for title, header, rows in (("Non_HRP", COUNTRY, country), ("HRP_1", ADMIN, admin)):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


MALI = [
    ["Mali", "Mopti", "Bandiagara", "MLI", "ML0501", "ML05", "February", "2025", 4, 12],
    ["Mali", "Mopti", "Djenne", "MLI", "ML0503", "ML05", "February", "2025", 1, 0],
    ["Mali", "Mopti", "Bandiagara", "MLI", "ML0501", "ML05", "March", "2025", 2, 3],
    ["Mali", "Segou", "Niono", "MLI", "NA", "NA", "February", "2025", 0, 0],
]


def test_a_workbook_by_hand_gives_monthly_rows_and_a_figure_that_leaves_out_the_partial_month(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _book(
        tmp_path / NAME, [["Niger", "February", "2025", 3, 7], ["Vatican City", "February", "2025", 0, 0]], MALI
    )
    result = ingest(store, "acled", path)
    assert result.rows == 6
    got = store.execute(
        "SELECT measure, country_iso3, admin2, admin2_pcode, year, month, events, fatalities, sheet FROM acled_monthly"
        " ORDER BY sheet, source_row"
    ).fetchall()
    assert got[0] == ("civilian targeting", "MLI", "Bandiagara", "ML0501", 2025, 2, 4, 12, "HRP_1")
    assert got[3][3] is None  # ACLED's "NA": no P-code
    assert got[4][:2] == ("civilian targeting", "NER") and got[5][1] == "VAT"
    assert store.execute("SELECT count(*) FROM harm_events").fetchone() == (0,)
    figure = monthly_violence(FigureContext.for_store(store, "MLI", (2020, 2025)))
    assert figure.rows == (
        {"measure": "civilian targeting", "year": 2025, "month": 2, "events": 5, "fatalities": 12, "complete": True},
        {"measure": "civilian targeting", "year": 2025, "month": 3, "events": 2, "fatalities": 3, "complete": False},
    )
    assert figure.value == 5.0 and figure.period == "February 2025–March 2025"
    assert "March 2025 counted only to the workbook's publication date" in figure.method
    outside = monthly_violence(FigureContext.for_store(store, "MLI", (2001, 2021)))
    assert outside.unavailable.startswith("ACLED's monthly aggregates loaded for this country cover 2025")
    assert ingest(store, "acled", path).unchanged


@pytest.mark.parametrize(
    ("country", "admin", "name", "first_error"),
    [
        ([["Atlantis", "February", "2025", 1, 1]], MALI, NAME, f"{NAME}:2:Non_HRP: Country: unknown-country"),
        ([["Niger", "Febtober", "2025", 1, 1]], MALI, NAME, f"{NAME}:2:Non_HRP: Month: bad-date: 'Febtober'"),
        ([["Niger", "February", "2025", -1, 1]], MALI, NAME, f"{NAME}:2:Non_HRP: Events: bad-number"),
        ([["Niger", "February", "2025", 1, None]], MALI, NAME, f"{NAME}:2:Non_HRP: Fatalities: missing-value"),
        ([], [*MALI, MALI[0]], NAME, f"{NAME}:6:HRP_1: Country: duplicate-row: Mali Bandiagara February 2025"),
        ([], [["Mali", "Mopti", "X", "XYZ", "", "", "May", "2025", 1, 1]], NAME, f"{NAME}:2:HRP_1: ISO3:"),
        ([], MALI, "acled-monthly.xlsx", "acled-monthly.xlsx: not-this-format: an ACLED aggregated workbook says"),
    ],
)
def test_a_bad_workbook_is_refused_with_its_sheet_row_and_field(
    store: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    country: list[list[object]],
    admin: list[list[object]],
    name: str,
    first_error: str,
) -> None:
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "acled", _book(tmp_path / name, country, admin))
    assert str(caught.value.errors[0]).startswith(first_error), str(caught.value.errors[0])
    assert table_snapshot(store) == before


def test_a_workbook_without_acleds_sheets_is_not_this_format(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "acled", _book(tmp_path / NAME, [], MALI, terms=False))
    assert caught.value.errors[0].code == "not-this-format" and "no TOU sheet" in str(caught.value.errors[0])


@pytest.mark.skipif(not DATA.is_dir(), reason="the shared corpus is not beside the repository")
def test_the_published_samples_load_with_their_defects_named(store: duckdb.DuckDBPyConnection) -> None:
    results = [ingest(store, "acled", path) for path in sorted(DATA.glob("*.xlsx"))]
    assert [r.rows for r in results] == [6_791, 6_791]
    assert any(
        "3 admin-2 P-codes are printed for two or more areas (CO52260, NG027017, NG028010)" in w
        for w in results[0].warnings
    )
    sahel = store.execute(
        "SELECT measure, country_iso3, year, sum(events), sum(fatalities) FROM acled_monthly"
        " WHERE country_iso3 IN ('MLI', 'NER', 'BFA') GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert sahel == [
        ("civilian targeting", "BFA", 1997, 0, 0),
        ("civilian targeting", "BFA", 2025, 3, 5),
        ("civilian targeting", "MLI", 1997, 0, 0),
        ("civilian targeting", "MLI", 2025, 11, 31),
        ("civilian targeting", "NER", 1997, 1, 1),
        ("civilian targeting", "NER", 2025, 0, 0),
        ("political violence", "BFA", 1997, 0, 0),
        ("political violence", "BFA", 2025, 30, 142),
        ("political violence", "MLI", 1997, 0, 0),
        ("political violence", "MLI", 2025, 23, 83),
        ("political violence", "NER", 1997, 3, 15),
        ("political violence", "NER", 2025, 3, 6),
    ]
    figure = monthly_violence(FigureContext.for_store(store, "NER", (1997, 2025)))
    # January 2025 was published on 10 January 2025: incomplete, so the value is January 1997's alone.
    assert figure.value == 1.0 and [r["complete"] for r in figure.rows] == [True, False, True, False]
