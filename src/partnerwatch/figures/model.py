"""The Figure: a number (or table) that knows its period, method and sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class SourceRef:
    """Where a figure comes from: the snapshot it was read from and what to cite."""

    snapshot_id: int
    citation: str
    cited_source: str = ""
    url: str = ""
    release: str = ""
    """The snapshot's release, also written at the end of ``citation``: notes group a source's releases."""
    source: str = ""
    """The registered source the snapshot was read by (``acled``, ``fmtr``): charts name it under them."""


@dataclass(frozen=True)
class Figure:
    """One statement of a factsheet.

    ``value`` is set for a single number and ``rows`` for a table (each row a
    mapping of column to value); ``method`` says in one sentence how it was
    obtained, so a reader can tell a transcribed figure from a computed one.
    """

    id: str
    topic: str
    label: str
    unit: str
    period: str
    method: str
    sources: tuple[SourceRef, ...]
    value: float | None = None
    qualifier: str = ""
    item: str = ""
    rows: tuple[Mapping[str, object], ...] = field(default_factory=tuple)
    unavailable: str = ""
    """Why the figure cannot be computed from the loaded data (then value and rows are empty)."""
    chart: dict[str, str] = field(default_factory=dict)
    """How to draw ``rows``: ``{"type": "bar"|"line"|"stacked", "x": col, "y": col, "color": col}``."""
    family: str = ""
    event_level: bool = False
    """Whether ``rows`` name single events of a source whose terms allow aggregates only (ACLED): such rows
    are printed in the factsheet, never served as data by the API."""

    @property
    def computed(self) -> bool:
        return not self.method.startswith("Published figure")

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["rows"] = [{k: _plain(v) for k, v in row.items()} for row in self.rows]
        return data


def _plain(value: object) -> object:
    """JSON-friendly cell values (dates as ISO text)."""
    return value.isoformat() if hasattr(value, "isoformat") else value
