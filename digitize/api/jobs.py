"""``GET /v1/jobs/{id}``: where a queued document is, in words a dossier system can act on.

A job id names its document (``dz_<doc_id>_<dossier code>``, see ``workers.queues``), so the
job's dossier is known before Redis is asked, and another unit's job answers 404 like a
missing one. RQ keeps a finished job for a day; after that the document's record still says
how it ended, so the answer does not change when the job is gone.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from digitize.errors import InvalidName, NotFound
from storage import Store, layout
from workers import tracking
from workers.queues import parse_job_id

from .app_state import backends
from .auth import CallerDep, DossierNotFound
from .models import ERRORS, JobAnswer

router = APIRouter(prefix="/v1", tags=["jobs"], responses=ERRORS)

_WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def _record_outcome(store: Store, code: str, doc_id: str) -> tuple[str, str | None] | None:
    """How the document ended, from its record: (``done`` | ``failed``, error code)."""
    try:
        rec = json.loads(store.get_bytes(layout.record_key(code, doc_id)))
    except (NotFound, ValueError):
        return None
    error = rec.get("error") or {}
    return ("done", None) if rec.get("status") == "done" else ("failed", error.get("code"))


@router.get("/jobs/{job_id}", response_model=JobAnswer)
def job(request: Request, job_id: str, who: CallerDep) -> dict[str, Any]:
    """queued / started / done / failed, with the error code of a failed document."""
    parsed = parse_job_id(job_id)
    if parsed is None or not who.owns(parsed[0]):
        raise DossierNotFound(f"job {job_id!r} not found.")
    code, doc_id = parsed
    try:
        layout.validate_dossier_code(code)
        layout.validate_doc_id(doc_id)
    except InvalidName:
        raise DossierNotFound(f"job {job_id!r} not found.") from None
    b = backends(request)
    answer: dict[str, Any] = {"id": job_id, "dossier_code": code, "doc_id": doc_id}
    try:
        rq_job = Job.fetch(job_id, connection=b.conn)
        status = rq_job.get_status(refresh=False)
    except NoSuchJobError:
        status = None
    if status in _WAITING:
        return {**answer, "status": "queued"}
    if status == JobStatus.STARTED:
        return {**answer, "status": "started"}
    outcome = _record_outcome(b.store, code, doc_id)
    if outcome is None:
        if status is None and tracking.is_pending(b.conn, code, doc_id):
            return {**answer, "status": tracking.LOST}
        if status is None:
            raise DossierNotFound(f"job {job_id!r} not found.")
        # Finished or failed in RQ but no record yet: the record is written just before.
        return {**answer, "status": "failed", "error_code": "job_failed"}
    state, error_code = outcome
    return {**answer, "status": state, "error_code": error_code}
