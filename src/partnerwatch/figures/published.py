"""Figures as published: the curated facts, incidents, timeline and legal annex of a country.

These read the store only. A transcribed figure keeps the citation of the
document it was transcribed from and the original source that document names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb

from partnerwatch.figures.model import Figure, SourceRef

TRANSCRIBED = "Published figure, transcribed from the cited document."


def published_facts(con: duckdb.DuckDBPyConnection, iso3: str) -> list[Figure]:
    rows = con.execute(
        "SELECT fact_id, topic, item, statement, value, unit, qualifier, period, citation,"
        " cited_source, url, snapshot_id FROM facts WHERE country_iso3 = ? ORDER BY rowid",
        [iso3],
    ).fetchall()
    return [
        Figure(
            id=r[0],
            topic=r[1],
            item=r[2] or "",
            label=r[3],
            value=r[4],
            unit=r[5] or "",
            qualifier=r[6] or "",
            period=r[7] or "",
            method=TRANSCRIBED,
            sources=(SourceRef(int(r[11]), r[8], r[9] or "", r[10] or ""),),
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


def _records(con: duckdb.DuckDBPyConnection, sql: str, iso3: str) -> list[Record]:
    cursor = con.execute(sql, [iso3])
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        data = dict(zip(names, row, strict=True))
        source = SourceRef(
            int(data.pop("snapshot_id")),
            str(data.pop("citation")),
            str(data.pop("cited_source", "") or ""),
            str(data.pop("url", "") or ""),
        )
        out.append(Record(data, source))
    return out


def documented_incidents(con: duckdb.DuckDBPyConnection, iso3: str) -> list[Record]:
    return _records(
        con,
        "SELECT incident_id, date_start, date_end, period, place, perpetrator, victims, killed,"
        " description, citation, cited_source, url, snapshot_id FROM incidents"
        " WHERE country_iso3 = ? ORDER BY date_start NULLS LAST, incident_id",
        iso3,
    )


def timeline_events(con: duckdb.DuckDBPyConnection, iso3: str) -> list[Record]:
    return _records(
        con,
        "SELECT event_id, date, date_precision, kind, title, description, effect_on_us_assistance,"
        " citation, cited_source, url, snapshot_id FROM timeline WHERE country_iso3 = ?"
        " ORDER BY date, event_id",
        iso3,
    )


def legal_annex(con: duckdb.DuckDBPyConnection, iso3: str) -> list[Record]:
    return _records(
        con,
        "SELECT area, instrument_type, name, citation, snapshot_id FROM legal_instruments"
        " WHERE country_iso3 = ? ORDER BY rowid",
        iso3,
    )
