"""The store: DuckDB connection, versioned schema and atomic loads. Knows nothing of sources."""

from partnerwatch.store.connection import connect
from partnerwatch.store.load import LoadResult, SnapshotRecord, load_snapshot
from partnerwatch.store.paths import default_db_path, downloads_dir, home_dir, snapshot_dir, staging_dir
from partnerwatch.store.schema import COUNTRY_COLUMN, DATA_TABLES, REFERENCE_TABLES

__all__ = [
    "COUNTRY_COLUMN",
    "DATA_TABLES",
    "REFERENCE_TABLES",
    "LoadResult",
    "SnapshotRecord",
    "connect",
    "default_db_path",
    "downloads_dir",
    "home_dir",
    "load_snapshot",
    "snapshot_dir",
    "staging_dir",
]
