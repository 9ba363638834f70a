"""The watch in the explorer: /watch (table, map, signals, changes), /watch.atom, /api/watch.

The store is read-only here, so the page shows the watch computed live for
the store's version (cached per version) and the history the command line
recorded after each load: signal ids, their previous signals, the changes.
The world map is the SVG shipped by the ``pygal_maps_world`` package, served
from this server: no request leaves it.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from partnerwatch.countries import crosswalk
from partnerwatch.figures.context import FigureContext
from partnerwatch.publish.watch import forces_json, watch_atom, watch_json
from partnerwatch.store import Connection
from partnerwatch.store.revisions import Release, releases
from partnerwatch.watch.branches import ForcesView, forces
from partnerwatch.watch.columns import COLUMNS, Window
from partnerwatch.watch.history import changes_since, recorded, releases_in, store_version, stored_signals, with_history
from partnerwatch.watch.model import Change, Signal
from partnerwatch.watch.signals import rules
from partnerwatch.watch.table import Watch, build_watch, filtered
from partnerwatch.web.api import country_code, state
from partnerwatch.web.pages import render_page, script_json

router = APIRouter()


@dataclass(frozen=True)
class Seen:
    """What one store version shows: the watch with its history, the recorded signals, the last load's changes."""

    watch: Watch
    version: int
    recorded: bool
    signals: list[Signal]
    changes: list[Change]
    span: tuple[int | None, int | None]
    releases: list[Release]
    every_release: list[Release]
    """Every new release the store holds, for the feed (``releases``: those of the last load)."""


def _seen(cur: Connection) -> Seen:
    watch = build_watch(cur, Window())
    with_history(cur, watch)
    base, latest, changes = changes_since(cur, None)
    version = store_version(cur)
    span = (base, latest)
    return Seen(
        watch,
        version,
        recorded(cur, version),
        stored_signals(cur),
        changes,
        span,
        releases_in(cur, span),
        releases(cur),
    )


def _current(request: Request) -> tuple[str, Seen]:
    return state(request).computed("watch", _seen)


@router.get("/watch", response_class=HTMLResponse)
def watch_page(
    request: Request,
    region: Annotated[str | None, Query(max_length=40)] = None,
    flag: Annotated[str | None, Query(max_length=60)] = None,
) -> Response:
    version, seen = _current(request)
    key = f"watch-page:{region or ''}:{flag or ''}"
    body = state(request).cached(key, version, lambda: _packed(_page(seen, region, flag).encode()))
    return _send(request, body, "text/html; charset=utf-8")


def _packed(raw: bytes) -> tuple[bytes, bytes]:
    """A body and its gzip form, made once per store version: the page is large, its readers many."""
    return raw, gzip.compress(raw, compresslevel=6)


def _send(request: Request, body: tuple[bytes, bytes], media_type: str) -> Response:
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(body[1], media_type=media_type, headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return Response(body[0], media_type=media_type, headers={"Vary": "Accept-Encoding"})


def _page(seen: Seen, region: str | None, flag: str | None) -> str:
    shown = filtered(seen.watch, region, flag)
    walk = crosswalk()
    regions = sorted({r.region for r in seen.watch.rows})
    rows = []
    for row in shown.rows:
        cells: list[dict[str, Any]] = []
        for column in COLUMNS:
            cell = row.cells.get(column.id)
            if cell is None:
                cells.append({"sort": "", "text": "–", "period": "", "sources": [], "title": "no data loaded"})
                continue
            cells.append(
                {
                    "sort": "" if cell.value is None else cell.value,
                    "text": cell.text,
                    "period": cell.period,
                    "sources": list(cell.sources),
                    "title": "; ".join(x for x in (cell.period, cell.note) if x),
                }
            )
        rows.append(
            {
                "iso3": row.iso3,
                "country": row.country,
                "region": row.region,
                "cells": cells,
                "flags": [s.rule for s in row.signals],
            }
        )
    mapped: dict[str, dict[str, Any]] = {}
    for row in shown.rows:
        country = walk.by_iso3.get(row.iso3)
        if country is None or not country.iso2:
            continue
        mapped[country.iso2.lower()] = {
            "iso3": row.iso3,
            "name": row.country,
            **{c: (row.cells[c].value, row.cells[c].text) for c in row.cells},
        }
    signals = [s for r in shown.rows for s in r.signals]
    return render_page(
        "watch.html.j2",
        columns=COLUMNS,
        rows=rows,
        regions=regions,
        rules=rules(),
        region=region or "",
        flag=flag or "",
        signals=signals,
        untested=[u for r in shown.rows for u in r.untested],
        changes=seen.changes[:300],
        more_changes=max(0, len(seen.changes) - 300),
        span=seen.span,
        releases=seen.releases,
        version=seen.version,
        recorded=seen.recorded,
        sources=shown.sources,
        map_data=script_json(mapped),
    )


@router.get("/watch/{iso3}", response_class=HTMLResponse)
def forces_page(request: Request, iso3: str) -> Response:
    code = country_code(iso3)
    version, view = state(request).computed(f"forces:{code}", lambda cur: _forces(cur, code))
    body = state(request).cached(f"forces-page:{code}", version, lambda: _packed(_forces_page(view).encode()))
    return _send(request, body, "text/html; charset=utf-8")


@router.get("/api/watch/{iso3}/forces")
def forces_api(request: Request, iso3: str) -> Response:
    code = country_code(iso3)
    version, view = state(request).computed(f"forces:{code}", lambda cur: _forces(cur, code))
    body = state(request).cached(f"forces-json:{code}", version, lambda: _packed(forces_json(view).encode()))
    return _send(request, body, "application/json")


def _forces(cur: Connection, iso3: str) -> tuple[ForcesView, dict[int, str]]:
    ctx = FigureContext.for_store(cur, iso3)
    view = forces(ctx)
    return view, {ref.snapshot_id: ref.citation for ref in ctx.refs(list(view.sources))}


def _forces_page(found: tuple[ForcesView, dict[int, str]]) -> str:
    view, sources = found
    return render_page(
        "forces.html.j2",
        country=crosswalk().name(view.iso3),
        iso3=view.iso3,
        rows=[r.to_dict() for r in view.rows],
        trained_years=sorted({y for r in view.rows for y in r.trainees}),
        harm_years=sorted({y for r in view.rows for y in r.events}),
        note=view.note,
        sources=sources,
    )


@router.get("/watch.atom")
def watch_feed(request: Request) -> Response:
    version, seen = _current(request)
    base = str(request.base_url).rstrip("/")
    body = state(request).cached(
        f"watch-atom:{base}", version, lambda: watch_atom(seen.signals, base, seen.watch.sources, seen.every_release)
    )
    return Response(body, media_type="application/atom+xml")


@router.get("/api/watch")
def watch_api(request: Request) -> Response:
    version, seen = _current(request)
    body = state(request).cached(
        "watch-json",
        version,
        lambda: _packed(watch_json(seen.watch, seen.version, seen.changes, seen.span, seen.releases).encode()),
    )
    return _send(request, body, "application/json")


@router.get("/static/worldmap.svg")
def world_map() -> Response:
    return Response(_map(), media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@router.get("/static/watch.js")
def watch_js() -> Response:
    text = (resources.files(__package__) / "static" / "watch.js").read_text(encoding="utf-8")
    return Response(text, media_type="text/javascript")


@cache
def _map() -> bytes:
    return (resources.files("pygal_maps_world") / "worldmap.svg").read_bytes()
