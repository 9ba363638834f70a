"""What every figure function receives: the store as an Ibis backend, the country and the period.

Figures are written with Ibis so the same code runs on DuckDB (the default),
PostgreSQL or Spark; they only read. ``sources`` turns the snapshot ids behind
a figure into citations.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from ibis.expr.types import Table

from partnerwatch.figures.model import SourceRef
from partnerwatch.store import Connection, ibis_backend

DEFAULT_PERIOD = (2001, 2021)

# Ibis still calls DuckDB's fetch_arrow_table(), deprecated in DuckDB 2; harmless, and not ours to fix.
warnings.filterwarnings("ignore", message=r"fetch_arrow_table\(\) is deprecated", category=DeprecationWarning)


@dataclass
class FigureContext:
    backend: Any
    iso3: str
    period: tuple[int, int] = DEFAULT_PERIOD
    _snapshots: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)
    """Answers several figures of one context need (which snapshot kind a country's rows come from), asked once."""

    @classmethod
    def for_store(cls, con: Connection, iso3: str, period: tuple[int, int] = DEFAULT_PERIOD) -> FigureContext:
        return cls(ibis_backend(con), iso3, period)

    def table(self, name: str) -> Table:
        return self.backend.table(name)

    def rows(self, expr: Table) -> list[dict[str, Any]]:
        return list(expr.to_pyarrow().to_pylist())

    def has_rows(self, expr: Table) -> bool:
        return bool(expr.limit(1).to_pyarrow().num_rows)

    def sources(self, expr: Table) -> tuple[SourceRef, ...]:
        """Citations for the snapshots whose rows make up ``expr`` (which must carry ``snapshot_id``)."""
        return self.refs(sorted({int(r["snapshot_id"]) for r in self.rows(expr.select("snapshot_id").distinct())}))

    def refs(self, ids: list[int]) -> tuple[SourceRef, ...]:
        """Citations for these snapshots (the store's snapshot records are read once per context)."""
        if not self._snapshots:
            snaps = self.table("snapshots")
            for r in self.rows(snaps.select("id", "citation", "url", "release", "source")):
                release = f" (release {r['release']})" if r["release"] else ""
                self._snapshots[int(r["id"])] = (
                    f"{r['citation']}{release}",
                    r["url"] or "",
                    r["source"],
                    r["release"] or "",
                )
        return tuple(
            SourceRef(i, self._snapshots[i][0], "", self._snapshots[i][1], self._snapshots[i][3], self._snapshots[i][2])
            for i in ids
            if i in self._snapshots
        )

    @property
    def span(self) -> str:
        return f"{self.period[0]}-{self.period[1]}"
