from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from partnerwatch.sources.sipri_transfers import parse_trade_register
from tests.conftest import table_snapshot

DATA = Path(__file__).parent / "data" / "sipri"


def test_small_register_parses_every_quirk() -> None:
    parsed = parse_trade_register(DATA / "register_small.csv")
    rows = parsed.tables["arms_transfers"].to_pylist()
    assert parsed.release == "2024-02-02"
    assert len(rows) == 4
    bulgaria = rows[1]
    assert (bulgaria["supplier_iso3"], bulgaria["recipient_iso3"]) == ("BGR", "MLI")
    assert bulgaria["order_year_uncertain"] is True
    assert bulgaria["number_ordered_uncertain"] is True
    assert bulgaria["number_delivered_uncertain"] is False
    assert bulgaria["delivery_years"] == [2011, 2012]
    assert bulgaria["source_row"] == 14
    # A comment broken over two lines is one record, with its TIVs from the next line.
    engine = rows[2]
    assert engine["recipient_iso3"] == "CIV" and engine["supplier_iso3"] == "XXX"
    assert engine["comments"] == "Diesel engine for 12 APC from South Africa"
    assert (engine["tiv_per_unit"], engine["tiv_order"], engine["tiv_delivered"]) == (0.03, 0.36, 0.0)
    assert engine["delivery_years"] == []
    assert (rows[3]["recipient_iso3"], rows[3]["supplier_iso3"]) == ("XAU", "XHM")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "register_broken_row.csv",
            [
                "register_broken_row.csv:14:field 17 (after 'SIPRI TIV of delivered weapons'):"
                " bad-row: record has 17 fields, expected 16"
            ],
        ),
        (
            "register_truncated.csv",
            [
                "register_truncated.csv:14:Weapon description (missing): bad-row: record has 7 fields,"
                " expected 16 (file truncated?)"
            ],
        ),
        (
            "register_cp1252.csv",
            [
                "register_cp1252.csv:13:Comments: bad-encoding: control character '\\x93' in text:"
                " the file is not in the expected encoding"
            ],
        ),
        ("register_utf16.csv", ["register_utf16.csv:1: bad-encoding: file is UTF-16; expected latin-1"]),
        (
            "register_missing_column.csv",
            ["register_missing_column.csv:12:SIPRI TIV per unit: missing-column: column not in header"],
        ),
        (
            "register_bad_values.csv",
            [
                "register_bad_values.csv:13:SIPRI TIV per unit: bad-number: 'ten' is not a number",
                "register_bad_values.csv:14:Recipient: unknown-country: 'Atlantis' is not in the country"
                " crosswalk (add an alias for source 'sipri')",
            ],
        ),
    ],
)
def test_bad_files_give_coded_errors_and_leave_the_store_unchanged(
    store: duckdb.DuckDBPyConnection, name: str, expected: list[str]
) -> None:
    ingest(store, "sipri-transfers", DATA / "register_small.csv")
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "sipri-transfers", DATA / name)
    assert [str(e) for e in caught.value.errors] == expected
    assert table_snapshot(store) == before


def test_same_file_twice_is_a_no_op_and_a_new_release_supersedes(store: duckdb.DuckDBPyConnection) -> None:
    first = ingest(store, "sipri-transfers", DATA / "register_small.csv")
    again = ingest(store, "sipri-transfers", DATA / "register_small.csv")
    assert (first.unchanged, again.unchanged) == (False, True)
    assert again.snapshot_id == first.snapshot_id
    assert store.execute("SELECT count(*) FROM arms_transfers").fetchone() == (4,)
    newer = ingest(store, "sipri-transfers", DATA / "register_newer.csv")
    assert newer.superseded == (first.snapshot_id,)
    assert store.execute("SELECT count(*), min(snapshot_id) FROM arms_transfers").fetchone() == (
        5,
        newer.snapshot_id,
    )
    status = store.execute("SELECT id, superseded_by, release FROM snapshots ORDER BY id").fetchall()
    assert status == [
        (first.snapshot_id, newer.snapshot_id, "2024-02-02"),
        (newer.snapshot_id, None, "2025-03-01"),
    ]


@pytest.mark.shared_data
def test_real_register(shared_data: Path, store: duckdb.DuckDBPyConnection) -> None:
    path = shared_data / "sipri" / "trade-register_2025-03-13.csv"
    parsed = parse_trade_register(path)
    table = parsed.tables["arms_transfers"]
    # 29,519 data lines hold 29,515 records: four comments carry a line break.
    assert table.num_rows == 29515
    assert parsed.release == "2025-03-13"
    assert table.column("supplier_iso3").null_count == 0
    assert table.column("recipient_iso3").null_count == 0
    mali = table.filter(pc.equal(table["recipient_iso3"], "MLI"))
    assert mali.num_rows == 102
    assert (
        round(pc.sum(mali["tiv_delivered"]).as_py(), 2) == 683.07
    )  # independently: sum of the last column of the 102 Mali lines
    rejoined = table.filter(pc.equal(table["source_row"], 25178)).to_pylist()[0]
    assert rejoined["recipient_name"] == "Thailand" and rejoined["tiv_delivered"] == 3.25
    result = ingest(store, "sipri-transfers", path)
    assert result.rows == 29515
    assert ingest(store, "sipri-transfers", path).unchanged
    assert store.execute("SELECT count(*) FROM arms_transfers").fetchone() == (29515,)
