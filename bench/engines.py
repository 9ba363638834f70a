"""Benchmark: the shared corpus loaded into DuckDB and PostgreSQL, and the figures on every engine.

Loads the corpus the engine tests use (``tests/corpus.py``) into a new DuckDB
file and, when ``--postgres URL`` names a server whose role may create
databases, into a new database there; exports the DuckDB store with
``export_package``; then times every figure for each country on DuckDB,
PostgreSQL, DuckDB over the Parquet export and Spark (local mode), checking
that each engine gives the same figures as the DuckDB store.

    python bench/engines.py [--postgres postgresql://user:pw@127.0.0.1/db] [--countries MLI NER]

Not a test: results go in docs/benchmarks.md with the command used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus import load_corpus  # noqa: E402

from partnerwatch.datapackage import export_package  # noqa: E402
from partnerwatch.figures.catalog import computed_figures  # noqa: E402
from partnerwatch.figures.context import FigureContext  # noqa: E402
from partnerwatch.figures.engines import package_backend  # noqa: E402
from partnerwatch.figures.published import published_facts  # noqa: E402
from partnerwatch.store import connect  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def figures(backend: Any, countries: list[str]) -> str:
    found = []
    for iso3 in countries:
        ctx = FigureContext(backend, iso3, (2001, 2021))
        found += [f.to_dict() for f in computed_figures(ctx) + published_facts(ctx)]
    return json.dumps(found, default=str, sort_keys=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="")
    parser.add_argument("--countries", nargs="+", default=["MLI", "NER"])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pw-engines-"))
    os.environ["PARTNERWATCH_HOME"] = str(folder / "home")
    rows: list[tuple[str, str, float]] = []

    con = connect(folder / "store.duckdb")
    took, _ = timed(lambda: load_corpus(con, SHARED))
    rows.append(("DuckDB store", "load the corpus", took))
    took, reference = timed(lambda: figures(FigureContext.for_store(con, "").backend, args.countries))
    rows.append(("DuckDB store", "figures", took))
    took, _ = timed(lambda: export_package(con, folder / "package"))
    rows.append(("DuckDB store", "export --all (Parquet)", took))
    con.close()

    if args.postgres:
        import psycopg

        name = f"pw_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(urlsplit(args.postgres)._replace(path=f"/{name}"))
        try:
            pg = connect(url)
            took, _ = timed(lambda: load_corpus(pg, SHARED))
            rows.append(("PostgreSQL", "load the corpus", took))
            took, found = timed(lambda: figures(FigureContext.for_store(pg, "").backend, args.countries))
            rows.append(("PostgreSQL", "figures" + ("" if found == reference else " (DIFFERENT)"), took))
            pg.close()
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    for engine, label in (("duckdb", "DuckDB over the export"), ("spark", "Spark over the export")):
        start = time.perf_counter()
        backend = package_backend(engine, folder / "package")
        rows.append((label, "start and register tables", time.perf_counter() - start))
        start = time.perf_counter()
        found = figures(backend, args.countries)
        rows.append((label, "figures" + ("" if found == reference else " (DIFFERENT)"), time.perf_counter() - start))

    print(f"countries: {' '.join(args.countries)}")
    for engine, step, seconds in rows:
        print(f"{engine:<24} {step:<28} {seconds:8.2f} s")


if __name__ == "__main__":
    main()
