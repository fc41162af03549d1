"""Dossier endpoints: upload, manifest, records, result files, page thumbnails, corrections.

Every path names its dossier, and the dossier is checked against the caller's unit before
anything else (:func:`own_dossier`), so another unit's dossier and a missing one take the same
path to the same 404. Uploads go through ``workers.submit_document``, the function behind
``digitize submit``: the API and the command line cannot file a document differently.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from starlette.background import BackgroundTask

from digitize.errors import InvalidName, NotFound
from digitize.record import Correction, Record, utc_now
from storage import Store, layout, read_manifest
from workers import tracking
from workers.queues import BACKLOG, DESK, job_id_for
from workers.submit import submit_document

from .app_state import backends
from .auth import CallerDep, DossierNotFound
from .models import ERRORS, LOST_HINT, CorrectionIn, FieldAnswer, Pending, UploadAnswer
from .pages import page_layout, thumbnail
from .uploads import (
    MAX_FILES,
    UploadTooLarge,
    check_upload,
    source_name_of,
    staged,
    write_submission,
)

router = APIRouter(prefix="/v1", tags=["dossiers"], responses=ERRORS)

DossierCode = Annotated[str, PathParam(description="e.g. 000.00.12.H57-231221-0001")]
FieldName = Annotated[str, PathParam(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
PageNumber = Annotated[int, PathParam(ge=1, le=100_000, description="from 1")]


def own_dossier(code: DossierCode, who: CallerDep) -> str:
    """The dossier code when it is the caller's unit's; 404 otherwise (as for a missing one)."""
    return who.dossier(code)


Dossier = Annotated[str, Depends(own_dossier)]


def own_document(doc_id: str, code: Dossier) -> tuple[str, str]:
    try:
        layout.validate_doc_id(doc_id)
    except InvalidName:
        raise DossierNotFound(f"document {doc_id!r} not found in dossier {code}.") from None
    return code, doc_id


DocRef = Annotated[tuple[str, str], Depends(own_document)]


def _record(store: Store, code: str, doc_id: str) -> dict[str, Any] | None:
    try:
        return json.loads(store.get_bytes(layout.record_key(code, doc_id)))
    except NotFound:
        return None


def _api_links(code: str, doc_id: str) -> dict[str, str]:
    base = f"/v1/dossiers/{code}/documents/{doc_id}"
    return {
        "record": base,
        "searchable_pdf": f"{base}/searchable.pdf",
        "original": f"{base}/original",
        "first_page": f"{base}/pages/1.png",
    }


@router.post("/dossiers/{code}/documents", status_code=202, response_model=UploadAnswer)
def upload(
    request: Request,
    code: Dossier,
    who: CallerDep,
    files: Annotated[list[UploadFile], File(description="one or more scans (repeat the field)")],
    priority: Annotated[Literal["desk", "backlog"], Form()] = "desk",
    role: Annotated[
        Literal["component", "result"],
        Form(description="component: a paper the citizen brought; result: the one issued"),
    ] = "component",
) -> dict[str, Any]:
    """Store each file and queue its job; answers at once, before any is read."""
    b = backends(request)
    if len(files) > MAX_FILES:
        raise UploadTooLarge(f"{len(files)} files in one upload; at most {MAX_FILES} are accepted.")
    names = [source_name_of(f.filename, i) for i, f in enumerate(files)]
    # Every file is checked before any is queued: a refused upload leaves nothing half-done.
    for f, name in zip(files, names, strict=True):
        check_upload(f.file, name, b.settings)
    answers = []
    for f, name in zip(files, names, strict=True):
        with staged(f.file) as source:
            sub = submit_document(
                source,
                source_name=name,
                dossier_code=code,
                store=b.store,
                conn=b.conn,
                settings=b.settings,
                queue_name=BACKLOG if priority == BACKLOG else DESK,
            )
        if sub.state == "queued":  # a copy sent again keeps the role it was first sent with
            write_submission(b.store, code, sub.doc_id, role=role, unit=who.unit, source_name=name)
        answers.append(
            {
                "doc_id": sub.doc_id,
                "job_id": sub.job_id,
                "source_name": name,
                "state": sub.state,
                "links": _api_links(code, sub.doc_id),
            }
        )
    return {"dossier_code": code, "documents": answers}


@router.get("/dossiers/{code}")
def manifest(request: Request, code: Dossier) -> dict[str, Any]:
    """The dossier's manifest with API links per document, and the documents still queued."""
    b = backends(request)
    found = read_manifest(b.store, code)
    try:
        pending = sorted(x.decode() for x in b.conn.smembers(tracking.pending_key(code)))
    except Exception:  # Redis down: the stored manifest is still worth answering with
        pending = []
    if found is None and not pending:
        raise DossierNotFound(f"dossier {code!r} not found.")
    body = dict(found or {"dossier_code": code, "documents": []})
    body["documents"] = [
        {**d, "api": _api_links(code, d["doc_id"])}
        for d in body.get("documents") or []
        if isinstance(d, dict) and "doc_id" in d
    ]
    body["pending"] = pending
    return body


def _job_state(request: Request, code: str, doc_id: str) -> str | None:
    """``queued`` or ``started`` while the document waits or is read, ``lost`` when it waits
    for a job Redis no longer has (see ``workers.tracking.LOST``), else ``None``."""
    conn = backends(request).conn
    if not tracking.is_pending(conn, code, doc_id):
        return None
    try:
        status = Job.fetch(job_id_for(code, doc_id), connection=conn).get_status(refresh=False)
    except NoSuchJobError:
        return tracking.LOST
    return "started" if status == JobStatus.STARTED else "queued"


@router.get(
    "/dossiers/{code}/documents/{doc_id}",
    responses={202: {"model": Pending, "description": "not read yet"}},
)
def record(request: Request, ident: DocRef) -> Any:
    """The record (200) once stored; 202 with the job's state before that."""
    code, doc_id = ident
    found = _record(backends(request).store, code, doc_id)
    if found is not None and found.get("status") == "done":
        return found
    state = _job_state(request, code, doc_id)
    if state == tracking.LOST:
        return JSONResponse({"status": state, "hint": LOST_HINT}, status_code=202)
    if state is not None:
        return JSONResponse({"status": state}, status_code=202)
    if found is not None:
        return found
    raise DossierNotFound(f"document {doc_id!r} not found in dossier {code}.")


def _send(store: Store, key: str, media_type: str, redirect: bool) -> Response:
    """An object as a file response (a local path, or a private temporary copy), or a
    redirect to its presigned link when asked for and the store gives such links."""
    if not store.exists(key):
        raise DossierNotFound("this file is not stored (yet): wait for the document's job.")
    if redirect and store.links_are == "presigned":
        return RedirectResponse(store.link(key), status_code=307)
    if store.links_are == "paths":
        return FileResponse(store.link(key), media_type=media_type)
    tmp = tempfile.NamedTemporaryFile(prefix="digitize-send-", delete=False)  # noqa: SIM115
    tmp.close()
    store.get_file(key, tmp.name)
    return FileResponse(
        tmp.name, media_type=media_type, background=BackgroundTask(Path(tmp.name).unlink)
    )


@router.get("/dossiers/{code}/documents/{doc_id}/searchable.pdf", response_class=FileResponse)
def searchable_pdf(request: Request, ident: DocRef, redirect: bool = False) -> Response:
    """The searchable PDF (``?redirect=true``: a redirect to a presigned link, on S3)."""
    key = layout.searchable_pdf_key(*ident)
    return _send(backends(request).store, key, "application/pdf", redirect)


@router.get("/dossiers/{code}/documents/{doc_id}/original", response_class=FileResponse)
def original(request: Request, ident: DocRef, redirect: bool = False) -> Response:
    """The original as uploaded."""
    store = backends(request).store
    keys = [k for k in store.list(layout.document_key(*ident, "original.")) if "/original." in k]
    if not keys:
        raise DossierNotFound(f"document {ident[1]!r} not found in dossier {ident[0]}.")
    return _send(store, keys[0], store.stat(keys[0]).content_type, redirect)


@router.get(
    "/dossiers/{code}/documents/{doc_id}/pages/{n}.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def page_png(request: Request, n: PageNumber, ident: DocRef) -> Response:
    """Page ``n`` (from 1) as a PNG thumbnail 1000 pixels high, drawn from the searchable PDF."""
    store = backends(request).store
    key = layout.searchable_pdf_key(*ident)
    try:
        png = thumbnail(store, key, n)
    except NotFound:
        png = None
    if png is None:
        raise DossierNotFound(f"page {n} of document {ident[1]!r} is not stored.")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.get("/dossiers/{code}/documents/{doc_id}/pages/{n}.json")
def page_json(request: Request, n: PageNumber, ident: DocRef) -> dict[str, Any]:
    """The thumbnail's size and, per field, the boxes where it was read (thumbnail pixels)."""
    store = backends(request).store
    found = _record(store, *ident)
    try:
        words = json.loads(store.get_bytes(layout.page_words_key(*ident, n)))
    except NotFound:
        words = None
    if found is None or words is None:
        raise DossierNotFound(f"page {n} of document {ident[1]!r} is not stored.")
    return page_layout(words, found)


@router.patch("/dossiers/{code}/documents/{doc_id}/fields/{name}", response_model=FieldAnswer)
def correct(
    request: Request,
    name: FieldName,
    body: CorrectionIn,
    ident: DocRef,
    who: CallerDep,
) -> dict[str, Any]:
    """A clerk's correction: kept beside the read value, which stays as it was read."""
    store = backends(request).store
    code, doc_id = ident
    if _record(store, code, doc_id) is None:
        raise DossierNotFound(f"document {doc_id!r} of dossier {code} has no record yet.")
    made: dict[str, Any] = {}

    def apply(current: dict[str, Any] | None) -> dict[str, Any]:
        if current is None:
            raise DossierNotFound(f"document {doc_id!r} of dossier {code} has no record.")
        rec = Record.from_stored(current)
        read = rec.fields.get(name)
        fix = Correction(
            field=name,
            value=body.value,
            read_value=read.value if read else None,
            unit=who.unit,
            clerk=body.clerk,
            at=utc_now(),
        )
        rec.corrections = [*(rec.corrections or []), fix]
        made["read"], made["fix"] = read, fix
        return Record.from_stored(rec.to_json_dict()).to_json_dict()

    # The corrected record keeps the object metadata every record is stored with.
    store.update_json(
        layout.record_key(code, doc_id),
        apply,
        metadata=lambda new: Record.from_stored(new).object_metadata(),
    )
    read, fix = made["read"], made["fix"]
    return {
        "name": name,
        "value": fix.value,
        "read_value": read.value if read else None,
        "confidence": read.confidence if read else None,
        "needs_review": read.needs_review if read else False,
        "review_reasons": list(read.review_reasons) if read else [],
        "correction": fix.model_dump(mode="json"),
    }
