"""Server-rendered pages: home, country (the factsheet, live, with interactive charts), tables, compare."""

from __future__ import annotations

import json
from collections.abc import Callable
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
from partnerwatch.figures.model import Figure
from partnerwatch.publish import render
from partnerwatch.publish.charts import chart_spec, describe
from partnerwatch.publish.content import Notes
from partnerwatch.publish.factsheet import build_factsheet
from partnerwatch.publish.format import format_value
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
    listed = [_home_row(c) for c in rows]
    states = [r for r in listed if r["status"] == "state"]
    others = [r for r in listed if r["status"] != "state"]
    return page("home.html.j2", states=states, others=others, negative=any(r["negative"] for r in listed))


HOME_COLUMNS = (
    ("us_aid_by_year", "usd"),
    ("trainees_by_program", "persons"),
    ("state_and_allies_civilian_fatalities", ""),
)


def _home_row(country: dict[str, Any]) -> dict[str, Any]:
    """A country's headline cells: the value, the years it is for, and a mark where aid was net de-obligated."""
    cells = []
    negative = False
    for topic, unit in HOME_COLUMNS:
        found = country["headline"].get(topic)
        if not found or found.get("value") is None:
            cells.append({"sort": -1e18, "text": "–", "period": "", "title": ""})
            continue
        value = float(found["value"])
        mark = "†" if unit == "usd" and value < 0 else ""
        negative = negative or bool(mark)
        text = format_value(value, unit) if unit == "usd" else f"{value:,.0f}"  # counts of people
        cells.append({"sort": value, "text": text + mark, "period": found["period"], "title": found.get("note", "")})
    return {**country, "cells": cells, "negative": negative}


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
            # Computed figures only: a published table has one figure per row, and one topic may be both.
            figures = {f.topic: f for f in store.figures(cur, code, DEFAULT_PERIOD) if f.computed and not f.unavailable}
            columns.append((code, crosswalk().name(code), figures))
    rows = [(label, [cell(figs) for _c, _n, figs in columns]) for label, cell in COMPARED]
    rows = [(label, cells) for label, cells in rows if any(text != "–" for text, _p in cells)]
    span = f"{DEFAULT_PERIOD[0]}–{DEFAULT_PERIOD[1]}"
    return page("compare.html.j2", columns=columns, rows=rows, span=span)


Cell = tuple[str, str]
"""(the value as a reader reads it, the years it is for)."""


def _value(topic: str, unit: str) -> Callable[[dict[str, Figure]], Cell]:
    def cell(figures: dict[str, Figure]) -> Cell:
        figure = figures.get(topic)
        if figure is None or figure.value is None:
            return "–", ""
        return format_value(figure.value, unit) if unit == "usd" else f"{figure.value:,.0f}", figure.period

    return cell


def _years_of(figure: Figure | None, column: str = "year") -> str:
    """The years a figure's rows cover ("2012-2020"), which may be fewer than the period asked for."""
    years = sorted({int(str(r[column])) for r in figure.rows if r.get(column) is not None}) if figure else []
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _counted(topic: str, rows_topic: str) -> Callable[[dict[str, Figure]], Cell]:
    """A total, for the years the rows of ``rows_topic`` (by year) show it covers."""

    def cell(figures: dict[str, Figure]) -> Cell:
        figure = figures.get(topic)
        if figure is None or figure.value is None:
            return "–", ""
        return f"{figure.value:,.0f}", _years_of(figures.get(rows_topic)) or figure.period

    return cell


def _latest(topic: str, value_column: str) -> Callable[[dict[str, Figure]], Cell]:
    """The latest yearly value within the compared period (the figure's own value may lie beyond it)."""

    def cell(figures: dict[str, Figure]) -> Cell:
        figure = figures.get(topic)
        rows = [r for r in figure.rows if int(str(r["year"])) <= DEFAULT_PERIOD[1]] if figure else []
        if not rows:
            return "–", ""
        latest = max(rows, key=lambda r: int(str(r["year"])))
        return f"{float(str(latest[value_column])):,.0f}", str(latest["year"])

    return cell


def _latest_obligations(figures: dict[str, Figure]) -> Cell:
    figure = figures.get("us_aid_by_year")
    rows = [r for r in figure.rows if r.get("transaction_type") == "Obligations"] if figure else []
    if not rows:
        return "–", ""
    latest = max(rows, key=lambda r: int(str(r["fiscal_year"])))
    return format_value(float(str(latest["amount_usd"])), "usd"), f"FY{latest['fiscal_year']}"


def _trainees(figures: dict[str, Figure]) -> Cell:
    total, by_year = figures.get("trainees_by_program"), figures.get("trainees_by_year")
    if total is None or total.value is None:
        return "–", ""
    years = sorted({int(str(r["fiscal_year"])) for r in by_year.rows}) if by_year else []
    span = f"FY{years[0]}–FY{years[-1]}, {len(years)} reports" if years else total.period
    return f"{total.value:,.0f}", span


COMPARED: tuple[tuple[str, Callable[[dict[str, Figure]], Cell]], ...] = (
    ("U.S. aid obligated, latest fiscal year with data", _latest_obligations),
    ("Personnel trained by the U.S. (FMTR years loaded)", _trainees),
    (
        "Civilians killed in events by state forces and their allies (ACLED)",
        _counted("state_and_allies_civilian_fatalities", "civilian_fatalities_by_perpetrator"),
    ),
    ("Peak military expenditure (SIPRI, current US$)", _value("milex_peak", "usd")),
    ("People displaced by conflict, latest year (IDMC)", _latest("idps_by_year", "idps")),
    ("Attacks on aid workers (AWSD)", _counted("aid_worker_attacks", "aid_worker_attacks")),
    ("Core UN human-rights treaties ratified (of 18)", _value("treaty_ratifications", "count")),
)


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
