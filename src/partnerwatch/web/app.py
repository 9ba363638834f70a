"""The FastAPI application: API under /api (OpenAPI at /docs), pages at /, the store opened read-only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from partnerwatch import __version__
from partnerwatch.web import api, errors, pages
from partnerwatch.web.state import StoreState


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
    )
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
