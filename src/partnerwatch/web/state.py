"""The app's view of the store: a read-only connection, its version, and figures cached per version.

The store version changes whenever a snapshot is loaded or superseded; ETags
and the figure cache are keyed on it, so a reload of the store is seen at the
next request without serving stale figures.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.model import Figure
from partnerwatch.figures.published import published_facts
from partnerwatch.store import Connection, connect

VERSION_TTL = 1.0  # seconds


class StoreState:
    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.root = connect(path, read_only=True)
        self._lock = threading.Lock()
        self._figures: dict[tuple[str, tuple[int, int], str], list[Figure]] = {}
        self._headlines: dict[str, Any] = {}
        self._version: str | None = None
        self._version_at = 0.0

    @contextmanager
    def cursor(self) -> Iterator[Connection]:
        """A connection for one request (DuckDB cursors are safe to use from one thread each)."""
        cur = self.root.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def version(self, cur: Connection | None = None) -> str:
        """The store's version, re-read at most once a second (the hot path of every request)."""
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

    def close(self) -> None:
        self.root.close()
