"""One figure code, three engines: the DuckDB store, a PostgreSQL store and Spark over a Parquet export.

The shared corpus is loaded into a DuckDB file and, through the same ingest
code, into a new PostgreSQL database; the DuckDB store is exported with
``export_package`` and read by Spark (local mode) and by DuckDB in memory.
Every figure for Mali and Niger, with its rows, sources and method, must come
out identical on each.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from partnerwatch.datapackage import export_package
from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.engines import package_backend
from partnerwatch.figures.published import published_facts
from partnerwatch.store import connect
from tests.conftest import fresh_database
from tests.corpus import load_corpus

# PySpark leaves the local sockets it reads results from to the garbage collector (its code, not ours).
pytestmark = pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")

COUNTRIES = ("MLI", "NER")
PERIOD = (2001, 2021)
Figures = dict[str, list[dict[str, Any]]]


def _figures(backend: Any) -> Figures:
    found: Figures = {}
    for iso3 in COUNTRIES:
        ctx = FigureContext(backend, iso3, PERIOD)
        # Through JSON, as `figures --json` and the API give them: dates and numbers as users see them.
        found[iso3] = json.loads(
            json.dumps([f.to_dict() for f in computed_figures(ctx) + published_facts(ctx)], default=str)
        )
    return found


@pytest.fixture(scope="module")
def home_for_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("engines")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARTNERWATCH_HOME", str(root / "home"))
        yield root


@pytest.fixture(scope="module")
def duckdb_store(home_for_module: Path, shared_data: Path) -> tuple[Figures, Path]:
    """The reference: the DuckDB store's figures, and its export as a package."""
    con = connect(home_for_module / "store.duckdb")
    try:
        load_corpus(con, shared_data)
        figures = _figures(FigureContext.for_store(con, "MLI").backend)
        package = home_for_module / "package"
        export_package(con, package)
    finally:
        con.close()
    return figures, package


@pytest.fixture(scope="module")
def postgresql_figures(home_for_module: Path, shared_data: Path, postgres_server: str) -> Figures:
    with fresh_database(postgres_server) as url:
        con = connect(url)
        try:
            load_corpus(con, shared_data)
            return _figures(FigureContext.for_store(con, "MLI").backend)
        finally:
            con.close()


@pytest.fixture(scope="module")
def spark_figures(duckdb_store: tuple[Figures, Path]) -> Figures:
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but there is no Java for the Spark engine")
        pytest.skip("no Java runtime for the Spark engine")
    figures = _figures(package_backend("spark", duckdb_store[1]))
    gc.collect()  # collect PySpark's sockets now, under this module's warning filter
    return figures


@pytest.fixture(scope="module")
def parquet_figures(duckdb_store: tuple[Figures, Path]) -> Figures:
    return _figures(package_backend("duckdb", duckdb_store[1]))


def test_the_reference_figures_are_real(duckdb_store: tuple[Figures, Path]) -> None:
    """Values checked against the sources (see the closing notes of the source issues), not against each other."""
    by_id = {iso3: {f["id"]: f for f in figures} for iso3, figures in duckdb_store[0].items()}
    mali, niger = by_id["MLI"], by_id["NER"]
    assert len(mali) == 169 and sum(1 for f in mali.values() if not f["unavailable"]) == 164
    assert (round(mali["mli-milex-peak-2001-2021"]["value"]), mali["mli-milex-peak-2001-2021"]["item"]) == (
        652_883_353,
        "2021",
    )
    assert mali["mli-trainees-by-program-2001-2021"]["value"] == 1870
    assert mali["mli-state-and-allies-civilian-fatalities-2001-2021"]["value"] == 698
    assert niger["ner-trainees-by-program-2001-2021"]["value"] == 13098
    assert niger["ner-arms-suppliers-2001-2021"]["rows"][0] == {
        "rank": 1,
        "supplier_iso3": "USA",
        "supplier": "United States",
        "tiv_millions": 33.06,
        "order_years": 8,
    }
    assert niger["ner-aid-worker-attacks-2001-2021"]["value"] == 14
    accounts = {r["account"]: r["amount_usd"] for r in mali["mli-security-assistance-by-account-2001-2021"]["rows"]}
    assert accounts["Drug Interdiction and Counter-Drug Activities, Defense"] == 405_000  # as the seed prints it
    pko_2012 = [
        r["amount_usd"]
        for r in mali["mli-security-assistance-by-year-2001-2021"]["rows"]
        if r["fiscal_year"] == 2012 and r["account"] == "Peace Keeping Operations"
    ]
    assert pko_2012 == [128_260_000]
    # The State budget table against the Greenbook: FY2013 PKO allotted and obligated to the dollar.
    planned = mali["mli-security-planned-and-obligated-2001-2021"]["rows"]
    assert {"fiscal_year": 2013, "account": "PKO", "basis": "actual", "planned_usd": 19_908_000.0} in [
        {k: v for k, v in r.items() if k != "obligated_usd"} for r in planned if r["obligated_usd"] == 19_908_000
    ]
    support = mali["mli-us-supported-government-2001-2021"]
    assert (support["value"], support["item"]) == (9, "2013–2021")
    assert {"opponent": "JNIM", "support_years": "2017–2021", "first": 2017, "last": 2021} in support["rows"]
    missions = mali["mli-peacekeeping-contributions-2001-2021"]["rows"]
    assert {r["mission"] for r in missions if r["year"] == 2020} == {"MINUSCA", "MONUSCO", "BINUH"}


@pytest.mark.parametrize("engine", ["postgresql", "spark", "parquet"])
@pytest.mark.parametrize("iso3", COUNTRIES)
def test_every_engine_gives_the_same_figures(
    request: pytest.FixtureRequest, duckdb_store: tuple[Figures, Path], engine: str, iso3: str
) -> None:
    reference = duckdb_store[0][iso3]
    other: Figures = request.getfixturevalue(f"{engine}_figures")
    assert [f["id"] for f in other[iso3]] == [f["id"] for f in reference]
    for mine, theirs in zip(other[iso3], reference, strict=True):
        assert mine == theirs, mine["id"]
