"""The FastAPI application: API under /api (OpenAPI at /docs), pages at /, the store opened read-only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from partnerwatch import __version__
from partnerwatch.web import api, errors, pages, watch
from partnerwatch.web.state import StoreState


def install_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the swagger-ui-bundle package: FastAPI's default loads it from a CDN,
    which leaves the page blank offline."""
    import swagger_ui_bundle

    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="PartnerWatch API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/favicon.ico",
        )


def create_app(db_path: Path | str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = StoreState(db_path)
        yield
        app.state.store.close()

    app = FastAPI(
        title="PartnerWatch",
        version=__version__,
        lifespan=lifespan,
        description="U.S. security partnerships and the protection of civilians: figures, tables, sources.",
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)
    install_docs(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(watch.router)
    return app
