"""Analysts' own tables (CSV or xlsx) loaded through a declared column mapping."""

from __future__ import annotations

from pathlib import Path

from partnerwatch.errors import PartnerWatchError
from partnerwatch.sources.base import Origin, ParsedFile, ProgressCallback, Source
from partnerwatch.sources.table.parse import parse_table, read_mapping


def _needs_mapping(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    raise PartnerWatchError.single(
        "missing-value",
        "an analyst's table needs --into TABLE and --mapping MAP.toml (see docs/sources/table.md)",
        file=path.name,
        field="mapping",
    )


SOURCE = Source(
    name="table",
    title="Analysts' own tables through a column mapping",
    reads="CSV or xlsx, with --into arms_sales|assistance|training and --mapping MAP.toml",
    tables=("arms_sales", "assistance", "training"),
    origin=Origin.from_package(__name__),
    parse=_needs_mapping,
)

__all__ = ["SOURCE", "parse_table", "read_mapping"]
