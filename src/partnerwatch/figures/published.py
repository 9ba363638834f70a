"""Figures as published: the curated facts, incidents, timeline and legal annex of a country.

These read the store only, through Ibis like the computed figures, so a
factsheet's published side comes out the same on every engine. A transcribed
figure keeps the citation of the document it was transcribed from and the
original source that document names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import ibis

from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.model import Figure, SourceRef

TRANSCRIBED = "Published figure, transcribed from the cited document."


def published_facts(ctx: FigureContext) -> list[Figure]:
    rows = _rows(
        ctx,
        "facts",
        ("fact_id", "topic", "item", "statement", "value", "unit", "qualifier", "period", "citation")
        + ("cited_source", "url", "snapshot_id"),
        ("snapshot_id", "source_row", "fact_id"),
    )
    return [
        Figure(
            id=r["fact_id"],
            topic=r["topic"],
            item=r["item"] or "",
            label=r["statement"],
            value=r["value"],
            unit=r["unit"] or "",
            qualifier=r["qualifier"] or "",
            period=r["period"] or "",
            method=TRANSCRIBED,
            sources=(
                SourceRef(
                    int(r["snapshot_id"]), r["citation"], r["cited_source"] or "", r["url"] or "", source="curated"
                ),
            ),
        )
        for r in rows
    ]


def facts_by_topic(figures: list[Figure]) -> dict[str, list[Figure]]:
    grouped: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        grouped[figure.topic].append(figure)
    return dict(grouped)


@dataclass(frozen=True)
class Record:
    """A documented incident, a dated event or an annex entry, with its citation."""

    fields: dict[str, object]
    source: SourceRef


def _rows(ctx: FigureContext, table: str, columns: tuple[str, ...], order: tuple[str, ...]) -> list[dict[str, Any]]:
    t = ctx.table(table)
    keys = [ibis.asc(c, nulls_first=False) for c in order]
    return ctx.rows(t.filter(t.country_iso3 == ctx.iso3).order_by(keys).select(*columns))


def _records(ctx: FigureContext, table: str, columns: tuple[str, ...], order: tuple[str, ...]) -> list[Record]:
    out = []
    for data in _rows(ctx, table, (*columns, "citation", "snapshot_id"), order):
        source = SourceRef(
            int(data.pop("snapshot_id")),
            str(data.pop("citation")),
            str(data.pop("cited_source", "") or ""),
            str(data.pop("url", "") or ""),
            source="curated",
        )
        out.append(Record(data, source))
    return out


def documented_incidents(ctx: FigureContext) -> list[Record]:
    return _records(
        ctx,
        "incidents",
        ("incident_id", "date_start", "date_end", "period", "place", "perpetrator", "victims", "killed")
        + ("description", "cited_source", "url"),
        ("date_start", "incident_id"),
    )


def timeline_events(ctx: FigureContext) -> list[Record]:
    return _records(
        ctx,
        "timeline",
        ("event_id", "date", "date_precision", "kind", "title", "description", "effect_on_us_assistance")
        + ("cited_source", "url"),
        ("date", "event_id"),
    )


def legal_annex(ctx: FigureContext) -> list[Record]:
    return _records(
        ctx, "legal_instruments", ("area", "instrument_type", "name"), ("snapshot_id", "source_row", "name")
    )


def narrative_parts(ctx: FigureContext) -> list[Record]:
    """The analyst's paragraphs for the country (``narratives``), in the file's order."""
    return _records(ctx, "narratives", ("section", "paragraph", "source_row", "text"), ("source_row",))
