"""The web API and pages with the real app on a real store (file-backed, opened read-only)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from partnerwatch.ingest import ingest, load_bundled
from partnerwatch.store import connect
from partnerwatch.web import create_app

DATA = Path(__file__).parent / "data"


def build_store(path: Path) -> Path:
    con = connect(path)
    load_bundled(con)
    ingest(con, "sipri-transfers", DATA / "sipri" / "register_small.csv")
    ingest(con, "acled", DATA / "acled" / "current_export.csv")
    ingest(con, "foreignassistance", DATA / "foreignassistance" / "country_summary_small.csv")
    con.close()
    return path


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(build_store(tmp_path / "pw.duckdb"))) as test_client:
        yield test_client


def test_countries_and_country(client: TestClient) -> None:
    response = client.get("/api/countries")
    assert response.status_code == 200
    mali = next(c for c in response.json() if c["iso3"] == "MLI")
    # The ACLED events are from 2022, after the headline period (2001-2021); FMTR is not loaded.
    assert mali["headline"] == {"us_aid_by_year": {"value": 284466834.0, "period": "FY2012"}}
    tag = response.headers["etag"]
    assert client.get("/api/countries", headers={"If-None-Match": tag}).status_code == 304
    country = client.get("/api/countries/mli").json()
    assert country["iso3"] == "MLI" and country["rows"]["facts"] == 138 and country["rows"]["arms_transfers"] == 2


def test_figures_json(client: TestClient) -> None:
    figures = client.get("/api/countries/MLI/figures", params={"year_from": 2001, "year_to": 2022}).json()
    by_id = {f["id"]: f for f in figures}
    ranking = by_id["mli-arms-suppliers-2001-2022"]
    assert [r["supplier_iso3"] for r in ranking["rows"]] == ["RUS", "BGR"]
    assert ranking["sources"][0]["citation"].startswith("SIPRI Arms Transfers Database")
    assert {"id", "label", "value", "unit", "period", "method", "sources"} <= set(ranking)
    assert by_id["mli-us-aid-by-category-2022"]["unavailable"]
    csv_text = client.get("/api/countries/MLI/figures/mli-arms-suppliers-2001-2021.csv").text
    assert csv_text.splitlines()[0] == '"rank","supplier_iso3","supplier","tiv_millions","order_years"'
    package = client.get("/api/countries/MLI/figures/mli-arms-suppliers-2001-2021/datapackage.json").json()
    assert package["resources"][0]["schema"]["fields"][0] == {"name": "rank", "type": "integer"}


def test_tables_paging_formats_and_acled_aggregates(client: TestClient) -> None:
    first = client.get("/api/tables/facts", params={"country": "MLI", "limit": 100}).json()
    assert len(first["rows"]) == 100 and first["next_cursor"] == 100
    second = client.get("/api/tables/facts", params={"country": "MLI", "limit": 100, "cursor": 100}).json()
    assert len(second["rows"]) == 38 and second["next_cursor"] is None
    assert {r["fact_id"] for r in first["rows"]}.isdisjoint(r["fact_id"] for r in second["rows"])
    harm = client.get("/api/tables/harm_events", params={"country": "MLI"}).json()
    assert harm["aggregated"] and "notes" not in harm["rows"][0] and "event_id" not in harm["rows"][0]
    assert sum(r["events"] for r in harm["rows"]) == 4
    csv_text = client.get("/api/tables/arms_transfers", params={"country": "MLI", "format": "csv"}).text
    assert csv_text.count("\n") == 3 and "2011;2012" in csv_text
    parquet = client.get("/api/tables/assistance", params={"format": "parquet", "year_from": 2000}).content
    assert pq.read_table(io.BytesIO(parquet)).num_rows == 1


def test_errors_are_coded(client: TestClient) -> None:
    unknown = client.get("/api/tables/secrets")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown-table"
    assert client.get("/api/countries/XYZ").json()["error"]["code"] == "unknown-country"
    bad = client.get("/api/tables/training", params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "limit"
    injected = client.get("/api/tables/facts", params={"country": "MLI' OR '1'='1"})
    assert injected.status_code == 404
    assert client.get("/api/tables/milex", params={"year_from": 2025, "year_to": 2020}).json()["rows"] == []


def test_pages(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and 'href="/countries/MLI"' in home.text
    page = client.get("/countries/MLI", params={"year_from": 2010, "year_to": 2022})
    assert page.status_code == 200 and 'data-figure="mli-arms-suppliers-2010-2022"' in page.text
    assert client.get("/compare", params={"c": ["MLI", "CIV"]}).status_code == 200
    assert client.get("/compare", params={"c": ["MLI"]}).status_code == 422
    assert client.get("/static/vega.js").text.rstrip().endswith("window.vegaLite=__default1;")
    pdf = client.get("/countries/MLI/factsheet.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert client.get("/docs").status_code == 200


def test_a_stored_script_cannot_run_in_a_country_page(tmp_path: Path) -> None:
    """A program named '</script><script>…' in an analyst's table used to end the inline chart data and run."""
    from partnerwatch.ingest import ingest_table

    path = build_store(tmp_path / "pw.duckdb")
    con = connect(path)
    table, mapping = tmp_path / "t.csv", tmp_path / "t.toml"
    table.write_text(
        "Country,FY,Program,Trainees\nMali,2015,</script><script>alert(1)</script>,4\nMali,2016,IMET,2\n",
        encoding="utf-8",
    )
    mapping.write_text(
        '[source]\nproducer = "p"\ncitation = "c"\nlicence = "l"\n[columns]\ncountry_iso3 = { from = "Country" }\n'
        'fiscal_year = { from = "FY" }\nprogram = { from = "Program" }\nquantity = { from = "Trainees" }\n',
        encoding="utf-8",
    )
    ingest_table(con, table, "training", mapping)
    con.close()
    with TestClient(create_app(path)) as client:
        html = client.get("/countries/MLI").text
    assert "<script>alert(1)" not in html
    start = html.index('id="chart-specs">') + len('id="chart-specs">')
    specs = json.loads(html[start : html.index("</script>", start)])
    assert "</script><script>alert(1)</script>" in json.dumps(specs, ensure_ascii=False)


def test_out_of_range_numbers_unknown_routes_and_methods_are_coded(client: TestClient) -> None:
    for path, params in (
        ("/api/tables/facts", {"cursor": str(2**63)}),
        ("/api/countries/MLI/figures/mli-arms-suppliers-2001-2021.csv", {"year_from": str(10**30)}),
        ("/api/countries/MLI/figures", {"year_to": "-1"}),
        ("/countries/MLI", {"year_from": str(10**30)}),
    ):
        answer = client.get(path, params=params)
        assert answer.status_code == 422, path
        assert answer.json()["error"]["code"] == "bad-value"
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json() == {
        "error": {"code": "unknown-route", "message": "no such page or endpoint"}
    }
    wrong = client.post("/api/countries")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method-not-allowed"


def test_the_tables_page_encodes_its_download_link(client: TestClient) -> None:
    html = client.get("/tables", params={"table": "facts", "country": "MLI&format=parquet&limit=1"}).text
    assert "country=MLI%26format%3Dparquet%26limit%3D1&amp;format=csv&amp;limit=10000" in html


def test_single_acled_events_are_not_served_as_data(client: TestClient) -> None:
    """ACLED's terms: aggregates only. The deadliest events are in the factsheet, not in the API."""
    figures = client.get("/api/countries/MLI/figures", params={"year_from": 2001, "year_to": 2022}).json()
    deadliest = next(f for f in figures if f["topic"] == "deadliest_civilian_events")
    assert deadliest["rows"] == [] and "withheld" in deadliest["rows_withheld"]
    csv_answer = client.get(f"/api/countries/MLI/figures/{deadliest['id']}.csv", params={"year_to": 2022})
    assert csv_answer.status_code == 403 and csv_answer.json()["error"]["code"] == "withheld"
    swept = client.get("/countries/MLI", params={"year_from": 2022, "year_to": 2022}).text
    assert "Deadliest civilian-targeting events" not in swept  # any other period lists no single event
    harm = client.get("/api/tables/harm_events", params={"country": "MLI"}).json()
    assert all(isinstance(r["fatalities"], int) for r in harm["rows"])


def test_the_api_docs_work_offline(client: TestClient) -> None:
    docs = client.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/swagger/swagger-ui.css").status_code == 200


def test_home_lists_current_states_by_name_apart_from_former_ones_with_their_years(client: TestClient) -> None:
    html = client.get("/").text
    states, others = html.split('id="other-places"', 1)
    assert ">Mali</a>" in states and "South Yemen" not in states
    assert ">South Yemen</a>" in others  # from the ForeignAssistance.gov summary: a former state
    assert '$284 million <span class="muted">(FY2012)</span>' in states


def test_compare_shows_computed_figures_with_their_years(client: TestClient) -> None:
    """Figures used to be indexed by topic, so the last published row ('8' trainees) overwrote the computed total."""
    html = client.get("/compare", params={"c": ["MLI", "YMD"]}).text
    assert "U.S. aid obligated, latest fiscal year with data" in html
    assert '$284 million <span class="muted">(FY2012)</span>' in html
    assert " rows<" not in html and "us aid by year" not in html
    assert "Personnel trained" not in html  # no FMTR loaded: the row is left out, not filled from the curated table
