"""The people's side of the API: the desk page, the archivist's view and their data.

The pages are plain files in ``static/`` (HTML, CSS and a little JavaScript, no build step,
nothing fetched from elsewhere) served by the same app, so a desk needs only a browser and the
server's address. They call the same ``/v1`` endpoints as a dossier system, with the unit's key
the clerk typed once. The archivist's numbers are computed here from the store and the queue
(``archive``, ``quality``), scoped to the key's unit like every other ``/v1`` answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel

from digitize.errors import NotFound

from . import archive, quality
from .app_state import backends
from .auth import CallerDep
from .models import ERRORS
from .terms import all_terms

STATIC = Path(__file__).with_name("static")
"""The pages' files, shipped inside the package (``[tool.setuptools.package-data]``)."""

ASSETS = {
    "style.css": "text/css; charset=utf-8",
    "common.js": "text/javascript; charset=utf-8",
    "desk.js": "text/javascript; charset=utf-8",
    "card.js": "text/javascript; charset=utf-8",
    "archive.js": "text/javascript; charset=utf-8",
}
"""The only files ``/static/`` serves: a fixed list, so no path typed in a URL reaches others."""

PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    # Everything the pages use comes from this server; blob: for thumbnails and the PDF.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
}

router = APIRouter()


@router.get("/", include_in_schema=False)
def desk_page() -> FileResponse:
    """The one-stop desk's page."""
    return FileResponse(STATIC / "desk.html", media_type="text/html", headers=PAGE_HEADERS)


@router.get("/archive", include_in_schema=False)
def archive_page() -> FileResponse:
    """The archivist's view."""
    return FileResponse(STATIC / "archive.html", media_type="text/html", headers=PAGE_HEADERS)


@router.get("/static/{name}", include_in_schema=False)
def asset(name: str) -> FileResponse:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFound(f"no file {name!r} here.", hint="The pages are at / and /archive.")
    return FileResponse(STATIC / name, media_type=media_type, headers=PAGE_HEADERS)


class DocumentCounts(BaseModel):
    total: int
    done: int
    failed: int
    queued: int
    started: int


class Progress(BaseModel):
    """A unit's documents by state now, and the recent reading pace."""

    unit: str
    dossiers: int
    documents: DocumentCounts
    pages_done: int
    pages_per_minute: float
    """Pages of documents finished in the last ``window_minutes``, per minute."""
    window_minutes: int
    last_finished_at: str | None
    at: str


@router.get("/v1/desk/terms", tags=["pages"], responses=ERRORS)
def terms(_who: CallerDep) -> dict[str, Any]:
    """Vietnamese labels of field names and type codes, and the sentences of review reasons
    and error codes: what the desk page shows instead of the record's codes."""
    return all_terms()


@router.get("/v1/backlog/progress", tags=["archive"], responses=ERRORS, response_model=Progress)
def backlog_progress(
    request: Request,
    who: CallerDep,
    window: Annotated[int, Query(ge=1, le=1440, description="minutes for pages/minute")] = (
        archive.RATE_WINDOW_MIN
    ),
) -> dict[str, Any]:
    """Documents of the key's unit done, failed, queued and being read; pages per minute."""
    b = backends(request)
    state = request.app.state
    if getattr(state, "progress_cache", None) is None:
        state.progress_cache = archive.ProgressCache()
    return archive.progress(
        b.store, b.conn, who.unit, cache=state.progress_cache, window_min=window
    )


class TypeBar(BaseModel):
    code: str
    label: str
    count: int


class ReasonBar(BaseModel):
    """A review reason or an error code, with its sentence for a clerk."""

    code: str
    text: str
    count: int


class FieldBar(BaseModel):
    name: str
    label: str
    read: int
    flagged: int
    corrected: int


class Confidence(BaseModel):
    edges: list[float]
    documents: list[int]
    fields: list[int]


class QualityCounts(BaseModel):
    total: int
    done: int
    failed: int


class QualityReport(BaseModel):
    """What the archivist's charts draw; ``format=csv`` gives one row per document instead."""

    unit: str
    at: str
    documents: QualityCounts
    confidence: Confidence
    types: list[TypeBar]
    fields: list[FieldBar]
    reasons: list[ReasonBar]
    failures: list[ReasonBar]


@router.get(
    "/v1/backlog/quality",
    tags=["archive"],
    response_model=QualityReport,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
)
def backlog_quality(
    request: Request,
    who: CallerDep,
    format: Annotated[Literal["json", "csv"], Query(description="csv: one row per document")] = (
        "json"
    ),
) -> Any:
    """The quality report of the key's unit's stored documents: confidence, types, the fields
    most often flagged or corrected, failures by code."""
    store = backends(request).store
    body = quality.report(archive.unit_records(store, who.unit), unit=who.unit)
    rows = body.pop("rows")
    if format == "csv":
        name = f"chat-luong-{who.unit}.csv"
        return Response(
            quality.csv_bytes(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return JSONResponse(QualityReport.model_validate(body).model_dump(mode="json"))
