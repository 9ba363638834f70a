"""The JSON API: countries, figures, canonical tables (paged, CSV/Parquet too) and sources.

No user input reaches SQL as text: table names are checked against the
canonical list, every value is a bound parameter. ACLED's terms forbid
redistributing raw events, so ``harm_events`` rows from ACLED are served only
as aggregates (country, year, event type, perpetrator class).
"""

from __future__ import annotations

import io
import json
from typing import Annotated, Any, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from partnerwatch.countries import crosswalk, name_key
from partnerwatch.export import exportable_tables, flatten_lists, table_order
from partnerwatch.figures.context import DEFAULT_PERIOD, FigureContext
from partnerwatch.figures.headlines import headlines
from partnerwatch.figures.model import Figure
from partnerwatch.publish.series import countries_with_data
from partnerwatch.store import COUNTRY_COLUMN
from partnerwatch.web.errors import ApiError
from partnerwatch.web.state import StoreState

router = APIRouter(prefix="/api")
Year = Annotated[int, Query(ge=1900, le=2100)]
OptionalYear = Annotated[int | None, Query(ge=1900, le=2100)]
Cursor = Annotated[int, Query(ge=0, le=2**53)]  # paging offsets; beyond 64 bits the store cannot bind them
WITHHELD = (
    "rows withheld: they name single ACLED events, which ACLED's terms do not let PartnerWatch redistribute;"
    " the factsheet prints them"
)
YEAR_COLUMN = {
    "assistance": "fiscal_year",
    "training": "fiscal_year",
    "arms_transfers": "order_year",
    "arms_sales": "year",
    "milex": "year",
    "harm_events": "year",
    "conflict_deaths": "year",
    "displacement": "year",
    "aid_worker_incidents": "year",
    "training_totals": "fiscal_year",
}


def state(request: Request) -> StoreState:
    return request.app.state.store  # type: ignore[no-any-return]


def etagged(request: Request, version: str, payload: Any, extra: str = "") -> Response:
    """A JSON answer tagged with the store version; ``payload`` may be ready-encoded bytes."""
    tag = f'"{version}{extra}"'
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if isinstance(payload, bytes):
        return Response(payload, media_type="application/json", headers=headers)
    return JSONResponse(payload, headers=headers)


def country_code(value: str) -> str:
    iso3 = crosswalk().lookup_name(value)
    if iso3 is None:
        raise ApiError(404, "unknown-country", f"{value!r} is not in the country crosswalk")
    return iso3


def figure_json(figure: Figure) -> dict[str, Any]:
    data = figure.to_dict()
    if figure.event_level:
        data["rows"] = []
        data["rows_withheld"] = WITHHELD
    data["sources"] = [
        {"snapshot_id": s.snapshot_id, "citation": s.citation, "cited_source": s.cited_source, "url": s.url}
        for s in figure.sources
    ]
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


def country_headlines(cur: Any) -> list[dict[str, Any]]:
    """Every country with data and its headline figures (computed for all countries in three queries)."""
    walk = crosswalk()
    values = headlines(FigureContext.for_store(cur, "", DEFAULT_PERIOD))
    found = [
        {
            "iso3": code,
            "name": walk.name(code),
            "status": walk.by_iso3[code].status if code in walk.by_iso3 else "",
            "headline": values.get(code, {}),
        }
        for code in countries_with_data(cur)
    ]
    return sorted(found, key=lambda c: name_key(str(c["name"])))


@router.get("/countries")
def countries(request: Request) -> Response:
    version, payload = state(request).computed("countries", country_headlines)
    return etagged(request, version, payload)


@router.get("/countries/{iso3}")
def country(request: Request, iso3: str) -> Response:
    code = country_code(iso3)
    store = state(request)
    with store.cursor() as cur:
        version = store.version(cur)
        counts = {}
        for table, column in COUNTRY_COLUMN.items():
            if table in ("countries", "country_aliases"):
                continue
            counts[table] = int(
                cur.execute(
                    f"SELECT count(*) FROM {table} WHERE {column} = ?",  # noqa: S608
                    [code],
                ).fetchall()[0][0]
            )
    if not any(counts.values()):
        raise ApiError(404, "unknown-country", f"no data loaded for {code}")
    walk = crosswalk()
    info = walk.by_iso3[code]
    return etagged(
        request, version, {"iso3": code, "name": info.name, "kind": info.kind, "gw_code": info.gw_code, "rows": counts}
    )


@router.get("/countries/{iso3}/figures")
def figures(request: Request, iso3: str, year_from: Year = 2001, year_to: Year = 2021) -> Response:
    code = country_code(iso3)
    if year_from > year_to:
        raise ApiError(422, "bad-value", "year_from is after year_to")
    store = state(request)
    version = store.version()
    name = f"figures:{code}:{year_from}-{year_to}"
    payload = store.peek(name, version)
    if payload is None:
        with store.cursor() as cur:
            found = store.figures(cur, code, (year_from, year_to))
            payload = store.cached(
                name, version, lambda: json.dumps([figure_json(f) for f in found], separators=(",", ":")).encode()
            )
    return etagged(request, version, payload, f"-{code}-{year_from}-{year_to}")


@router.get("/countries/{iso3}/figures/{figure_id}.csv")
def figure_csv(request: Request, iso3: str, figure_id: str, year_from: Year = 2001, year_to: Year = 2021) -> Response:
    figure = _figure(request, iso3, figure_id, (year_from, year_to))
    sink = io.BytesIO()
    pacsv.write_csv(pa.Table.from_pylist([dict(r) for r in figure.rows]), sink)
    return Response(
        sink.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{figure.id}.csv"'},
    )


@router.get("/countries/{iso3}/figures/{figure_id}/datapackage.json")
def figure_datapackage(
    request: Request, iso3: str, figure_id: str, year_from: Year = 2001, year_to: Year = 2021
) -> JSONResponse:
    figure = _figure(request, iso3, figure_id, (year_from, year_to))
    fields = [{"name": k, "type": _field_type(v)} for k, v in (figure.rows[0].items() if figure.rows else [])]
    return JSONResponse(
        {
            "name": figure.id,
            "title": figure.label,
            "description": figure.method,
            "sources": [{"title": s.citation, "path": s.url} for s in figure.sources],
            "resources": [
                {
                    "name": figure.id,
                    "path": f"../{figure.id}.csv",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "schema": {"fields": fields},
                }
            ],
        }
    )


def _figure(request: Request, iso3: str, figure_id: str, period: tuple[int, int]) -> Figure:
    code = country_code(iso3)
    store = state(request)
    with store.cursor() as cur:
        found = {f.id: f for f in store.figures(cur, code, period)}
    figure = found.get(figure_id)
    if figure is None or not figure.rows:
        raise ApiError(404, "unknown-table", f"no figure {figure_id!r} with rows for {code}")
    if figure.event_level:
        raise ApiError(403, "withheld", f"{figure_id}: {WITHHELD}")
    return figure


def _field_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "date" if hasattr(value, "isoformat") else "string"


@router.get("/tables/{table}")
def table_rows(
    request: Request,
    table: str,
    country: str | None = None,
    year_from: OptionalYear = None,
    year_to: OptionalYear = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    cursor: Cursor = 0,
    format: Literal["json", "csv", "parquet"] = "json",  # noqa: A002 - the API's parameter name
) -> Response:
    if table not in exportable_tables():
        raise ApiError(404, "unknown-table", f"{table!r} is not a canonical table")
    where: list[str] = []
    params: list[object] = []
    if country:
        column = COUNTRY_COLUMN.get(table)
        if column is None:
            raise ApiError(422, "bad-value", f"{table} has no country column")
        where.append(f"{column} = ?")
        params.append(country_code(country))
    year = YEAR_COLUMN.get(table)
    if (year_from is not None or year_to is not None) and year is None:
        raise ApiError(422, "bad-value", f"{table} has no year column")
    if year_from is not None:
        where.append(f"{year} >= ?")
        params.append(year_from)
    if year_to is not None:
        where.append(f"{year} <= ?")
        params.append(year_to)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    if table == "harm_events":
        # ACLED rows only as aggregates; other sources (UCDP, CC BY) row by row.
        sql = (
            f"SELECT source, country_iso3, year, event_type, perpetrator_class, count(*) AS events,"
            f" CAST(sum(fatalities) AS BIGINT) AS fatalities"  # DuckDB's sum of integers is a 128-bit decimal
            f" FROM harm_events{clause} GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
        )
    store = state(request)
    with store.cursor() as cur:
        version = store.version(cur)
        if table != "harm_events":
            sql = f"SELECT * FROM {table}{clause}{table_order(cur, table)}"  # noqa: S608 - table checked, values bound
        data = cur.sql(f"{sql} LIMIT ? OFFSET ?", params=[*params, limit + 1, cursor]).to_arrow_table()
    more = data.num_rows > limit
    data = data.slice(0, limit)
    following = cursor + limit if more else None
    headers = {"ETag": f'"{version}"', "X-Next-Cursor": "" if following is None else str(following)}
    if format == "csv":
        sink = io.BytesIO()
        pacsv.write_csv(flatten_lists(data), sink)
        return Response(sink.getvalue(), media_type="text/csv", headers=headers)
    if format == "parquet":
        sink = io.BytesIO()
        pq.write_table(data, sink)
        return Response(sink.getvalue(), media_type="application/vnd.apache.parquet", headers=headers)
    rows = json.loads(json.dumps(data.to_pylist(), default=str))
    aggregated = table == "harm_events"
    return JSONResponse(
        {"table": table, "rows": rows, "next_cursor": following, "aggregated": aggregated}, headers=headers
    )


@router.get("/sources")
def sources(request: Request) -> Response:
    store = state(request)
    with store.cursor() as cur:
        version = store.version(cur)
        rows = (
            cur.sql(
                "SELECT id, source, file_name, release, rows, loaded_at, sha256, producer, citation, licence, url,"
                " superseded_by FROM snapshots ORDER BY id"
            )
            .to_arrow_table()
            .to_pylist()
        )
    return etagged(request, version, json.loads(json.dumps(rows, default=str)))
