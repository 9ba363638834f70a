"""The watch table: one row per country with data, its cells, its region, the signals its numbers raise."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from partnerwatch.countries import PLACES, crosswalk
from partnerwatch.figures.context import FigureContext
from partnerwatch.store import Connection
from partnerwatch.watch.columns import COLUMNS, Window, all_columns
from partnerwatch.watch.model import WatchRow
from partnerwatch.watch.signals import raise_signals


@cache
def regions() -> dict[str, str]:
    """ISO3 -> the State Department regional bureau that covers it (the grouping of the FMTR reports)."""
    text = (resources.files("partnerwatch") / "data" / "regions.csv").read_text(encoding="utf-8")
    return {r["iso3"]: r["region"] for r in csv.DictReader(io.StringIO(text))}


@dataclass
class Watch:
    rows: list[WatchRow]
    window: Window
    sources: dict[int, str]
    """Snapshot id -> its citation, for every snapshot a cell rests on."""


def build_watch(con: Connection, window: Window) -> Watch:
    """Every country with data in any column, the United States itself and aggregates left out."""
    ctx = FigureContext.for_store(con, "")
    columns = all_columns(ctx, window)
    walk = crosswalk()
    places = {
        iso3
        for cells in columns.values()
        for iso3 in cells
        if iso3 != "USA" and (c := walk.by_iso3.get(iso3)) is not None and c.status in PLACES
    }
    rows = [
        WatchRow(
            iso3,
            walk.name(iso3),
            regions().get(iso3, "Other"),
            {column.id: columns[column.id][iso3] for column in COLUMNS if iso3 in columns[column.id]},
        )
        for iso3 in places
    ]
    rows.sort(
        key=lambda r: (
            -(r.cells["security_assistance_usd"].value or 0) if "security_assistance_usd" in r.cells else 0,
            r.country,
        )
    )
    raise_signals(rows)
    used = sorted({s for r in rows for c in r.cells.values() for s in c.sources})
    refs = {ref.snapshot_id: ref.citation for ref in ctx.refs(used)}
    return Watch(rows, window, refs)


def filtered(watch: Watch, region: str | None = None, flag: str | None = None) -> Watch:
    """The rows of one region (case-insensitive prefix: "africa", "near") and/or raising one rule."""
    rows = watch.rows
    if region:
        rows = [r for r in rows if r.region.casefold().startswith(region.casefold())]
    if flag:
        rows = [r for r in rows if any(s.rule == flag for s in r.signals)]
    return Watch(rows, watch.window, watch.sources)
