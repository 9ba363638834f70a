"""The app's view of the store: read-only connections, the store's version, figures cached per version.

A DuckDB file admits one writing process or several reading ones, so the
server holds no connection between requests: each request that needs the
store opens it read-only and closes it, and a load (which takes the write
lock only for its transaction) or another command can run beside the
server. The version of a DuckDB store is read from its files' sizes and
modification times, without opening it: ETags, pages and figures are cached
per version, so a cached answer needs no connection, and data loaded while
the server runs is seen at the next request. While a load holds the lock, a
request that needs the store waits a moment, then answers 503
``store-busy``. A PostgreSQL store keeps one read-only session (the server
has no such lock) and reads its version from the snapshots table.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.model import Figure
from partnerwatch.figures.published import published_facts
from partnerwatch.store import Connection, connect
from partnerwatch.store.postgres import is_postgres_url

VERSION_TTL = 1.0  # seconds, for a PostgreSQL store's version query
REQUEST_WAIT = 3.0  # seconds a request waits for a load to release the store


class StoreState:
    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.postgres = is_postgres_url(str(path))
        self.root: Connection | None = connect(path, read_only=True) if self.postgres else None
        if self.root is None:
            connect(path, read_only=True).close()  # a store that cannot be read fails the start, not a request
        self._lock = threading.Lock()
        self._figures: dict[tuple[str, tuple[int, int], str], list[Figure]] = {}
        self._headlines: dict[str, Any] = {}
        self._version: str | None = None
        self._version_at = 0.0

    @contextmanager
    def cursor(self) -> Iterator[Connection]:
        """A connection for one request: a new read-only DuckDB connection, or a cursor of the PostgreSQL session."""
        if self.root is not None:
            cur = self.root.cursor()
        else:
            cur = connect(self.path, read_only=True, wait=REQUEST_WAIT)
        try:
            yield cur
        finally:
            cur.close()

    def version(self, cur: Connection | None = None) -> str:
        """The store's version: of a DuckDB file from its files (no connection), else re-read once a second."""
        if self.root is None:
            return _file_version(Path(self.path))
        now = time.monotonic()
        with self._lock:
            if self._version is not None and now - self._version_at < VERSION_TTL:
                return self._version
        if cur is None:
            with self.cursor() as own:
                return self.version(own)
        row = cur.execute(
            "SELECT count(*), coalesce(max(id), 0), count(superseded_by),"
            " (SELECT max(version) FROM schema_version) FROM snapshots"
        ).fetchall()[0]
        version = hashlib.sha256(repr(row).encode()).hexdigest()[:16]
        with self._lock:
            self._version, self._version_at = version, now
        return version

    def figures(self, cur: Connection, iso3: str, period: tuple[int, int]) -> list[Figure]:
        key = (iso3, period, self.version(cur))
        with self._lock:
            cached = self._figures.get(key)
        if cached is not None:
            return cached
        ctx = FigureContext.for_store(cur, iso3, period)
        found = computed_figures(ctx) + published_facts(ctx)
        with self._lock:
            self._figures[key] = found
        return found

    def peek(self, name: str, version: str) -> Any:
        """A cached value, or None (no cursor needed: the fast path)."""
        with self._lock:
            return self._headlines.get(f"{name}:{version}")

    def cached(self, name: str, version: str, make: Any) -> Any:
        key = f"{name}:{version}"
        with self._lock:
            if key in self._headlines:
                return self._headlines[key]
        value = make()
        with self._lock:
            self._headlines[key] = value
        return value

    def computed(self, name: str, make: Callable[[Connection], Any]) -> tuple[str, Any]:
        """(version, value) of ``make`` for the current version: from the cache, or computed on a connection."""
        version = self.version()
        found = self.peek(name, version)
        if found is not None:
            return version, found
        with self.cursor() as cur:
            return version, self.cached(name, version, lambda: make(cur))

    def close(self) -> None:
        if self.root is not None:
            self.root.close()


def _file_version(path: Path) -> str:
    """A DuckDB store's version from its file and write-ahead log: every commit changes one of them."""
    parts = []
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            info = file.stat()
        except FileNotFoundError:
            parts.append("-")
            continue
        parts.append(f"{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
