"""Coded API errors as JSON bodies: 404 for an unknown country, table or route, 405, 422 for bad parameters.

Every answer that is not a success has the same body, ``{"error": {"code",
"message"}}``, whatever raised it: the app's own errors, FastAPI's
validation, Starlette's unknown routes and methods, and a store that another
process is writing to.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from partnerwatch.errors import PartnerWatchError

log = logging.getLogger("partnerwatch.web")
HTTP_CODES = {404: "unknown-route", 405: "method-not-allowed"}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def coded(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        return JSONResponse(
            {"error": {"code": "bad-value", "message": "invalid parameters", "details": details}}, status_code=422
        )

    @app.exception_handler(HTTPException)
    async def http(_request: Request, exc: HTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "http-error")
        message = "no such page or endpoint" if exc.status_code == 404 else str(exc.detail)
        return JSONResponse(
            {"error": {"code": code, "message": message}}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(PartnerWatchError)
    async def store(_request: Request, exc: PartnerWatchError) -> JSONResponse:
        first = exc.errors[0]
        busy = first.code == "store-busy"
        return JSONResponse(
            {"error": {"code": first.code, "message": first.message}},
            status_code=503 if busy else 500,
            headers={"Retry-After": "5"} if busy else None,
        )
