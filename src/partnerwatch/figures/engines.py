"""Figures from an exported Data Package instead of the store: DuckDB in memory, or Spark for large loads.

The figure code is the same Ibis code that runs on the store; only the backend
changes. Each canonical table of the package becomes a view over its Parquet
file, so nothing is copied. Spark runs in local mode unless ``SPARK_MASTER``
names a cluster; it needs Java, and PySpark from the ``spark`` extra.
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path
from typing import Any

from partnerwatch.datapackage import read_package
from partnerwatch.errors import PartnerWatchError

PACKAGE_ENGINES = ("duckdb", "spark")

# Ibis and PySpark use pandas options and keywords (on Spark results) that pandas 3 deprecates; harmless.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ibis\.formats\.pandas")
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pyspark\.")


def package_backend(engine: str, folder: Path) -> Any:
    """An Ibis backend whose tables are the package's Parquet files."""
    tables = read_package(folder)
    if engine == "duckdb":
        backend = _duckdb()
    elif engine == "spark":
        backend = _spark()
    else:
        raise PartnerWatchError.single(
            "bad-value", f"engine {engine!r} is not one of {', '.join(PACKAGE_ENGINES)}", field="engine"
        )
    for name, path in tables.items():
        backend.read_parquet(str(path), table_name=name)
    return backend


def _duckdb() -> Any:
    import duckdb
    import ibis

    from partnerwatch.store.connection import duckdb_config

    return ibis.duckdb.from_connection(duckdb.connect(":memory:", config=duckdb_config()))


def _spark() -> Any:
    try:
        import ibis
        from pyspark.sql import SparkSession
    except ImportError:
        raise PartnerWatchError.single(
            "missing-dependency", "the Spark engine needs PySpark: pip install 'partnerwatch[spark]'"
        ) from None
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise PartnerWatchError.single("missing-dependency", "the Spark engine needs Java (a JRE 17 or newer)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    logging = Path(__file__).with_name("log4j2.properties")
    session = (
        SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[2]"))
        .appName("partnerwatch")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{logging}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return ibis.pyspark.connect(session)
