"""Server-rendered pages: home, country (the factsheet, live, with interactive charts), tables, compare."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from partnerwatch.countries import crosswalk
from partnerwatch.export import exportable_tables
from partnerwatch.figures.context import DEFAULT_PERIOD
from partnerwatch.publish import render
from partnerwatch.publish.charts import chart_spec, describe
from partnerwatch.publish.content import Notes
from partnerwatch.publish.factsheet import build_factsheet
from partnerwatch.publish.html import blocks_for
from partnerwatch.web.api import OptionalYear, Year, country_code, country_headlines, state
from partnerwatch.web.errors import ApiError

router = APIRouter()


@cache
def environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: (resources.files(__package__) / "templates" / name).read_text(encoding="utf-8")
    )
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)


def script_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``</script>`` or ``<!--`` can end or change it.

    Data in the store come from files anyone can write (an analyst's table
    may name a program ``</script><script>…``); ``<``, ``>`` and ``&`` are
    written as JSON escapes, which ``JSON.parse`` reads back unchanged.
    """
    text = json.dumps(value, default=str)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text


def render_page(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def page(name: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(render_page(name, **context))


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    _version, rows = state(request).computed("countries", country_headlines)
    return page("home.html.j2", countries=rows)


@router.get("/countries/{iso3}", response_class=HTMLResponse)
def country(request: Request, iso3: str, year_from: Year = 2001, year_to: Year = 2021) -> HTMLResponse:
    code = country_code(iso3)
    if year_from > year_to:
        raise ApiError(422, "bad-value", "year_from is after year_to")
    _version, html = state(request).computed(
        f"page:{code}:{year_from}-{year_to}", lambda cur: _country_page(cur, code, year_from, year_to)
    )
    return HTMLResponse(html)


def _country_page(cur: Any, code: str, year_from: int, year_to: int) -> str:
    sheet = build_factsheet(cur, code, (year_from, year_to))
    if (year_from, year_to) != DEFAULT_PERIOD:
        # A list of single events for any period would let a visitor page through the events one by one.
        for section in sheet.sections:
            section.computed = [
                replace(f, rows=(), unavailable=f"shown for {DEFAULT_PERIOD[0]}-{DEFAULT_PERIOD[1]} only")
                if f.event_level
                else f
                for f in section.computed
            ]
    notes = Notes()
    sections = [(s, blocks_for(s, notes, {})) for s in sheet.sections]
    specs = {
        f.id: {"spec": spec, "description": describe(f)}
        for f in sheet.all_figures()
        if (spec := chart_spec(f, interactive=True)) is not None
    }
    return render_page(
        "country.html.j2",
        sheet=sheet,
        sections=sections,
        notes=notes.texts,
        specs=specs,
        specs_json=script_json(specs),
        year_from=year_from,
        year_to=year_to,
    )


@router.get("/countries/{iso3}/factsheet.{fmt}")
def download(request: Request, iso3: str, fmt: str) -> Response:
    code = country_code(iso3)
    types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "md": "text/markdown",
        "html": "text/html",
    }
    if fmt not in types:
        raise ApiError(404, "unknown-table", f"no factsheet format {fmt!r}")
    store = state(request)
    with store.cursor() as cur:
        data = render(build_factsheet(cur, code), fmt)
    return Response(
        data,
        media_type=types[fmt],
        headers={"Content-Disposition": f'attachment; filename="{code.lower()}-factsheet.{fmt}"'},
    )


@router.get("/tables", response_class=HTMLResponse)
def tables(
    table: str = "training", country: str = "", year_from: OptionalYear = None, year_to: OptionalYear = None
) -> HTMLResponse:
    if table not in exportable_tables():
        raise ApiError(404, "unknown-table", f"{table!r} is not a canonical table")
    query = {"country": country, "year_from": year_from, "year_to": year_to, "format": "csv", "limit": 10000}
    download = f"/api/tables/{table}?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})
    return page(
        "tables.html.j2",
        tables=exportable_tables(),
        table=table,
        country=country,
        year_from=year_from or "",
        year_to=year_to or "",
        download=download,
    )


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, c: Annotated[list[str], Query(min_length=2, max_length=4)]) -> HTMLResponse:
    codes = [country_code(x) for x in c]
    store = state(request)
    with store.cursor() as cur:
        columns = []
        for code in codes:
            figures = {f.topic: f for f in store.figures(cur, code, (2001, 2021)) if not f.unavailable}
            columns.append((code, crosswalk().name(code), figures))
    topics = [
        t
        for t in (
            "us_aid_by_year",
            "trainees_by_program",
            "state_and_allies_civilian_fatalities",
            "milex_peak",
            "idps_by_year",
            "aid_worker_attacks",
            "treaty_ratifications",
        )
        if any(t in figs for _c, _n, figs in columns)
    ]
    return page("compare.html.j2", columns=columns, topics=topics)


FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f4e79"/>'
    '<text x="8" y="12" font-size="10" text-anchor="middle" fill="#fff" font-family="sans-serif">P</text></svg>'
)


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@router.get("/static/vega.js")
def vega_bundle() -> Response:
    return Response(_vega(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})


@router.get("/static/app.js")
def app_js() -> Response:
    text = (resources.files(__package__) / "static" / "app.js").read_text(encoding="utf-8")
    return Response(text, media_type="text/javascript")


@cache
def _vega() -> str:
    import vl_convert as vlc

    return str(vlc.javascript_bundle())  # type: ignore[call-arg]
