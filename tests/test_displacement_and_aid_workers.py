from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from partnerwatch.sources.iom_dtm import parse_dtm
from tests.conftest import table_snapshot


def test_dtm_headers_dates_and_names(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "Snapshot Date",
            "Admin 0",
            "Admin 0 pcode",
            "Admin 1",
            "Admin 1 pcode",
            "Admin 2",
            "Admin 2 pcode",
            "Admin 3",
            "Admin 3 pcode",
            "Total No# of IDPs HH",
            "Total No# of IDPs Ind#",
        ]
    )
    sheet.append(
        [
            "31-12-2017",
            "MALI",
            "MLI",
            "KaYes",
            "MLI01",
            "KaYes",
            "MLI0103",
            "KaYes Commune",
            "ML010312",
            8,
            45,
        ]
    )
    sheet.append(["31-12-2017", "MALI", "MLI", "MOPTI", "MLI05", "Douentza", "MLI0503", "Boni", "ML050305", 120, 600])
    path = tmp_path / "Baseline_Assessment_Round_40.xlsx"
    book.save(path)
    parsed = parse_dtm(path)
    rows = parsed.tables["displacement"].to_pylist()
    assert [(r["admin1"], r["admin3"], r["measure"], r["value"], r["round"], str(r["date"])) for r in rows] == [
        ("Kayes", "Kayes Commune", "idps", 45.0, "Round 40", "2017-12-31"),
        ("Kayes", "Kayes Commune", "idp_households", 8.0, "Round 40", "2017-12-31"),
        ("Mopti", "Boni", "idps", 600.0, "Round 40", "2017-12-31"),
        ("Mopti", "Boni", "idp_households", 120.0, "Round 40", "2017-12-31"),
    ]
    assert parsed.scope == "dtm:MLI:2017-12-31"


def test_awsd_hxl_row_reused_id_and_bad_coordinates(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = (
        "Incident ID,Year,Month,Day,Country Code,Country,Region,District,City,Total killed,Total wounded,"
        "Total kidnapped,Total detained,Total affected,Total nationals,Total internationals,Means of attack,"
        "Attack context,Latitude,Longitude,Actor type,Actor name,Motive,Details,Verified\n"
    )
    hxl = "#event+id,#date+year,,,,,,,,,,,,,,,,,,,,,,,\n"
    rows = (
        "10,2021,5,3,ML,Mali,Mopti,,Bandiagara,1,0,0,0,1,1,0,Shooting,Ambush,14.35,-3.61,Unknown,,Unknown,"
        '"Driver shot.\nAnother line.",Yes\n'
        "11,2021,6,,ML,Mali,Gao,,,0,0,2,0,2,2,0,Kidnapping,Raid,1.407.092.855,2.963.497,Non-state armed group,,"
        "Political,Two staff taken.,Yes\n"
        "11,2022,1,9,,Chechnya,,,,1,0,0,0,1,1,0,Shooting,Ambush,,,Unknown,,Unknown,Another incident.,Yes\n"
    )
    path = tmp_path / "security_incidents.csv"
    path.write_text(header + hxl + rows, encoding="utf-8")
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "awsd", path)
    assert [str(e) for e in caught.value.errors] == [
        "security_incidents.csv:6:Incident ID: duplicate-row: incident id 11 also on line 5 for a different"
        " incident; kept as '11/6'"
    ]
    assert table_snapshot(store) == before
    result = ingest(store, "awsd", path, allow_mismatch=True)
    assert result.warnings == [
        "security_incidents.csv: 2 latitude/longitude values cannot be read (digits grouped in threes with the"
        " decimal point lost, e.g. '1.407.092.855', or out of range): stored without coordinates"
    ]
    stored = store.execute(
        "SELECT incident_id, country_iso3, event_date, month, latitude, details FROM aid_worker_incidents ORDER BY 1"
    ).fetchall()
    assert [(r[0], r[1], str(r[2]), r[3], r[4], r[5]) for r in stored] == [
        ("10", "MLI", "2021-05-03", 5, 14.35, "Driver shot.\nAnother line."),
        ("11", "MLI", "None", 6, None, "Two staff taken."),
        ("11/6", "RUS", "2022-01-09", 1, None, "Another incident."),
    ]


@pytest.mark.shared_data
def test_real_displacement_and_awsd(shared_data: Path, store: duckdb.DuckDBPyConnection) -> None:
    ingest(store, "idmc", shared_data / "idmc" / "IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx")
    stock = store.execute(
        "SELECT year, value FROM displacement WHERE country_iso3 = 'MLI' AND measure = 'idps_stock'"
        " AND cause = 'conflict' AND year IN (2021, 2022) ORDER BY 1"
    ).fetchall()
    assert stock == [(2021, 326000.0), (2022, 380000.0)]
    for path in sorted((shared_data / "iom-dtm").glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
        column = next(
            i for i, h in enumerate(rows[0]) if str(h).replace("#", ".").strip().startswith("Total No. of IDPs Ind")
        )
        expected = 0.0
        for row in rows[1:]:
            value = row[column]
            if isinstance(value, int | float):
                expected += value
        result = ingest(store, "iom-dtm", path)
        total = store.execute(
            "SELECT sum(value) FROM displacement WHERE snapshot_id = ? AND measure = 'idps'",
            [result.snapshot_id],
        ).fetchall()
        assert total == [(float(expected),)], path.name
    ingest(store, "awsd", shared_data / "awsd" / "security_incidents.csv", allow_mismatch=True)
    assert store.execute("SELECT count(*) FROM aid_worker_incidents WHERE country_iso3 = 'MLI'").fetchall() == [(132,)]
