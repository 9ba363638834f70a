from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest_table
from partnerwatch.sources.table.targets import TARGETS
from partnerwatch.store.load import table_columns
from tests.conftest import table_snapshot

DATA = Path(__file__).parent / "data" / "table"


def test_targets_match_the_store(store: duckdb.DuckDBPyConnection) -> None:
    for table, columns in TARGETS.items():
        assert set(columns) <= set(table_columns(store, table)), table


def test_dcs_table_loads_with_its_own_provenance(store: duckdb.DuckDBPyConnection) -> None:
    result = ingest_table(store, DATA / "dcs_mali.csv", "arms_sales", DATA / "dcs_mapping.toml")
    assert result.rows == 4
    rows = store.execute(
        "SELECT country_iso3, fiscal_year, usml_category, value_usd, kind FROM arms_sales ORDER BY rowid"
    ).fetchall()
    assert rows == [
        ("MLI", 2014, "XII", 412500.0, "dcs"),
        ("MLI", 2014, "XI", 210000.0, "dcs"),
        ("MLI", 2016, "I", 38250.0, "dcs"),
        ("CIV", 2016, "XII", 90000.0, "dcs"),
    ]
    snapshot = store.execute(
        "SELECT source, producer, release, scope FROM snapshots WHERE id = ?", [result.snapshot_id]
    ).fetchall()
    assert snapshot == [
        (
            "table",
            "U.S. Department of State, Directorate of Defense Trade Controls",
            "FY2014-FY2016",
            "arms_sales:dcs_mali",
        )
    ]
    again = ingest_table(store, DATA / "dcs_mali.csv", "arms_sales", DATA / "dcs_mapping.toml")
    assert again.unchanged


def test_the_same_table_from_xlsx(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "DCS"
    sheet.append(["Country", "Fiscal Year", "USML Category", "Category description", "Value (US$ thousands)"])
    sheet.append(["Mali", 2014, "XII", "Fire control", 412.5])
    path = tmp_path / "dcs.xlsx"
    book.save(path)
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        (DATA / "dcs_mapping.toml").read_text(encoding="utf-8") + '\n[table]\nsheet = "DCS"\n',
        encoding="utf-8",
    )
    result = ingest_table(store, path, "arms_sales", mapping)
    assert result.rows == 1
    assert store.execute("SELECT fiscal_year, value_usd FROM arms_sales").fetchall() == [(2014, 412500.0)]


def test_bad_rows_and_bad_mappings(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest_table(store, DATA / "dcs_bad.csv", "arms_sales", DATA / "dcs_mapping.toml")
    assert [str(e) for e in caught.value.errors] == [
        "dcs_bad.csv:3:Country: unknown-country: 'Atlantis' is not in the country crosswalk",
        "dcs_bad.csv:4:Fiscal Year: bad-date: '20X6' is not a year",
        "dcs_bad.csv:4:Value (US$ thousands): bad-number: 'lots' is not a number",
    ]
    mapping = tmp_path / "bad.toml"
    mapping.write_text(
        '[source]\nproducer = "me"\ncitation = "my table"\n'
        '[columns]\ncountry_iso3 = { from = "Country" }\nvalue_usd = { from = "Value (US$ thousands)" }\n'
        'colour = { value = "red" }\n',
        encoding="utf-8",
    )
    with pytest.raises(PartnerWatchError) as caught:
        ingest_table(store, DATA / "dcs_mali.csv", "arms_sales", mapping)
    assert [str(e) for e in caught.value.errors] == [
        "bad.toml:source.licence: missing-value: every table must say who made it, how to cite it and its licence",
        "bad.toml:columns.value_usd: bad-value: value_usd is in usd: declare unit = 'usd' (and 'multiply' for"
        " thousands or millions)",
        "bad.toml:columns.colour: unknown-table: 'colour' is not a column of arms_sales (country_iso3, year,"
        " fiscal_year, usml_category, value_usd, kind, description)",
        "bad.toml:columns.kind: missing-column: arms_sales needs kind",
    ]
    with pytest.raises(PartnerWatchError, match="--into must be one of"):
        ingest_table(store, DATA / "dcs_mali.csv", "milex", DATA / "dcs_mapping.toml")
    assert table_snapshot(store) == before
