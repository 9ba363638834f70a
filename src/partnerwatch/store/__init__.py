"""The store: a DuckDB file or a PostgreSQL database, versioned schema and atomic loads. Knows nothing of sources."""

from partnerwatch.store.connection import connect, describe_store, store_target
from partnerwatch.store.engine import Connection, ibis_backend, is_postgres, row_order, store_errors
from partnerwatch.store.load import LoadResult, SnapshotRecord, load_snapshot
from partnerwatch.store.paths import default_db_path, downloads_dir, home_dir, snapshot_dir, staging_dir
from partnerwatch.store.schema import COUNTRY_COLUMN, DATA_TABLES, REFERENCE_TABLES

__all__ = [
    "COUNTRY_COLUMN",
    "DATA_TABLES",
    "REFERENCE_TABLES",
    "Connection",
    "LoadResult",
    "SnapshotRecord",
    "connect",
    "default_db_path",
    "describe_store",
    "downloads_dir",
    "home_dir",
    "ibis_backend",
    "is_postgres",
    "load_snapshot",
    "row_order",
    "snapshot_dir",
    "staging_dir",
    "store_errors",
    "store_target",
]
