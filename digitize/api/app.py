"""The HTTP API: one FastAPI app over the queue and the store that already exist.

The app never runs the pipeline in a request. An upload stores the original and queues a job
exactly as ``digitize submit`` does (same doc ids, same job ids, ``desk`` before ``backlog``);
everything else is read from the store, so any number of API servers and workers can share one
Redis and one bucket. Errors are the project's typed errors, answered as
``{"error": {"code", "message", "hint"}}`` with a fitting status; no traceback reaches a caller.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from digitize import PIPELINE_VERSION
from digitize.errors import (
    ConfigError,
    DigitizeError,
    InputError,
    NotFound,
    QueueUnavailable,
    StorageUnavailable,
    TooLarge,
)
from digitize.settings import Settings
from storage import Store

from . import desk, dossiers, jobs, reports
from .app_state import Backends
from .auth import KeyRing, Unauthorized
from .uploads import UploadTooLarge, check_request_size

log = logging.getLogger(__name__)

_STATUS: tuple[tuple[type[DigitizeError], int], ...] = (
    (Unauthorized, 401),
    (NotFound, 404),
    (TooLarge, 413),
    (InputError, 400),
    (QueueUnavailable, 503),
    (StorageUnavailable, 503),
    (ConfigError, 500),
)
"""HTTP status of each error family; the first match wins, anything else is 500."""


def status_for(exc: DigitizeError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def error_body(exc: DigitizeError) -> dict[str, Any]:
    return {"error": {"code": exc.code, "message": exc.message, "hint": exc.hint}}


def create_app(settings: Settings, *, store: Store | None = None) -> FastAPI:
    """The API app for ``settings`` (``store`` replaces the one the settings name, for tests)."""
    app = FastAPI(
        title="digitize",
        version=PIPELINE_VERSION,
        description="Upload scans of a dossier, follow their jobs, read the records, correct "
        "fields, and report the Index 766 digitization indicators. Every /v1 endpoint needs "
        "'Authorization: Bearer KEY' (a unit's key from `digitize keys create --unit CODE`).",
    )
    backends = Backends(settings, store)
    app.state.backends = backends
    app.state.keys = KeyRing(backends.store)

    @app.exception_handler(DigitizeError)
    async def _typed(_request: Request, exc: DigitizeError) -> JSONResponse:
        status = status_for(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status >= 500:
            log.warning("request failed: %s", exc.code)
        return JSONResponse(error_body(exc), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own "detail" list is kept (the spec publishes it); "error" says it in words.
        problems = [
            {k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()
        ]
        first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
        where = " ".join(str(p) for p in first.get("loc", ()))
        body = {
            "error": {
                "code": "invalid_request",
                "message": f"{where}: {first.get('msg')}" if where else str(first.get("msg")),
                "hint": "Check the request against the API's spec at /docs.",
            },
            "detail": jsonable_encoder(problems),
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected %s in a request", type(exc).__name__, exc_info=exc)
        body = {
            "error": {
                "code": "internal_error",
                "message": f"unexpected {type(exc).__name__} on the server.",
                "hint": DigitizeError.hint,
            }
        }
        return JSONResponse(body, status_code=500)

    @app.middleware("http")
    async def _refuse_oversized(request: Request, call_next):  # type: ignore[no-untyped-def]
        # Before the body is read: a huge upload is refused without spooling it to disk.
        if request.method == "POST":
            try:
                check_request_size(request.headers.get("content-length"), settings)
            except UploadTooLarge as exc:
                return JSONResponse(error_body(exc), status_code=413)
        return await call_next(request)

    app.include_router(dossiers.router)
    app.include_router(jobs.router)
    app.include_router(reports.router)
    app.include_router(desk.router)
    return app
