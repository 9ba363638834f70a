"""Where PartnerWatch keeps its files: the store, raw snapshot copies, staged loads and downloads.

Kept apart from ``connection`` so that the loader can find its staging folder
without importing the code that opens the store.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DB_FILE = "partnerwatch.duckdb"


def home_dir() -> Path:
    env = os.environ.get("PARTNERWATCH_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("partnerwatch"))


def default_db_path() -> Path:
    return home_dir() / DB_FILE


def snapshot_dir() -> Path:
    """Where the raw files of every snapshot are kept, by sha256 (immutable)."""
    return home_dir() / "snapshots"


def staging_dir() -> Path:
    """Where large loads are staged as Parquet while their transaction runs (cleared of dead loads' leftovers)."""
    return home_dir() / "staging"


def downloads_dir() -> Path:
    """Where API downloads are written before they are ingested (and where partial ones wait)."""
    return home_dir() / "downloads"


__all__ = ["DB_FILE", "default_db_path", "downloads_dir", "home_dir", "snapshot_dir", "staging_dir"]
