"""Submission: store a document's original, then queue one job for it.

The original goes into the store first (``dossiers/<code>/documents/<doc_id>/original.<ext>``),
so nothing a desk scanned is lost even if no worker runs for hours, and the job only carries
keys. The doc_id comes from the bytes, so submitting the same file twice to the same dossier is
one document and one job; a document already done is not queued again; a failed one is.
A file given by its path is hashed and stored in pieces, never held in memory whole.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import redis
from rq import Callback, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from digitize.errors import ConfigError, QueueUnavailable
from digitize.intake import HEAD_BYTES, KINDS, head_of, sniff
from digitize.pipeline import Source, existing_record, put_source, sha256_of_source
from digitize.settings import Settings
from storage import Store, layout

from . import jobs, tracking
from .queues import DESK, job_id_for, queue

log = logging.getLogger(__name__)

RESULT_TTL_S = 24 * 3600
"""How long RQ keeps a finished job's summary, in seconds (``backlog --wait`` reads it)."""

ACTIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}

State = Literal["queued", "already_queued", "already_done"]


@dataclass(frozen=True)
class Submission:
    dossier_code: str
    source_name: str
    doc_id: str
    job_id: str | None
    state: State


def check_timeouts(settings: Settings) -> None:
    """A job must outlive Tesseract's own per-page limit, or it dies before OCR can report."""
    if settings.job_timeout_s <= settings.ocr_timeout_s:
        raise ConfigError(
            f"DIGITIZE_JOB_TIMEOUT_S={settings.job_timeout_s} must be above "
            f"DIGITIZE_OCR_TIMEOUT_S={settings.ocr_timeout_s:g}",
            hint="Raise DIGITIZE_JOB_TIMEOUT_S (seconds per document, e.g. 1800).",
        )


def submit_document(
    source: Source,
    *,
    source_name: str,
    dossier_code: str,
    store: Store,
    conn: redis.Redis,
    settings: Settings,
    queue_name: str = DESK,
) -> Submission:
    """Store the original and queue its job, unless it is already queued or done.

    ``source`` is the file's bytes or its path; a path that cannot be read raises
    :class:`~digitize.intake.UnreadableFile`.
    """
    layout.validate_dossier_code(dossier_code)
    sha = sha256_of_source(source, source_name)
    doc_id = layout.doc_id_for(sha)
    job_id = job_id_for(dossier_code, doc_id)

    def result(state: State, jid: str | None) -> Submission:
        return Submission(dossier_code, source_name, doc_id, jid, state)

    previous = existing_record(store, dossier_code, doc_id)
    if previous is not None and previous.get("status") == "done":
        return result("already_done", None)
    try:
        if tracking.is_pending(conn, dossier_code, doc_id) and _active(conn, job_id):
            return result("already_queued", job_id)
        original = _store_original(store, dossier_code, doc_id, sha, source, source_name)
        newly = tracking.mark_submitted(conn, dossier_code, doc_id)
        if not newly and _active(conn, job_id):
            return result("already_queued", job_id)
        try:
            _enqueue(
                conn,
                settings,
                queue_name,
                job_id,
                dossier_code,
                doc_id,
                original,
                source_name,
                store.describe(),
            )
        except BaseException:
            tracking.unmark(conn, dossier_code, doc_id)
            raise
    except redis.exceptions.RedisError as exc:
        raise QueueUnavailable(
            f"could not queue {source_name} for dossier {dossier_code}: Redis failed "
            f"({type(exc).__name__}); its original is stored, submit it again."
        ) from None
    log.info("queued %s/%s on %s", dossier_code, doc_id, queue_name)
    return result("queued", job_id)


def _store_original(
    store: Store, dossier_code: str, doc_id: str, sha: str, source: Source, source_name: str
) -> str:
    """Put the original under its contract key; an unreadable file is kept as ``.bin``."""
    kind = sniff(_head(source, source_name))
    ext, content_type = KINDS[kind] if kind else ("bin", "application/octet-stream")
    key = layout.original_key(dossier_code, doc_id, ext)
    meta = {"dossier_code": dossier_code, "doc_id": doc_id, "sha256": sha}
    put_source(store, key, source, content_type=content_type, meta=meta)
    return key


def _head(source: Source, source_name: str) -> bytes:
    """The first kilobyte, which decides the kind."""
    if isinstance(source, bytes):
        return source[:HEAD_BYTES]
    return head_of(Path(source), name=source_name)


def _active(conn: redis.Redis, job_id: str) -> bool:
    try:
        status = Job.fetch(job_id, connection=conn).get_status(refresh=False)
    except NoSuchJobError:
        return False
    return status in ACTIVE


def _enqueue(
    conn: redis.Redis,
    settings: Settings,
    queue_name: str,
    job_id: str,
    dossier_code: str,
    doc_id: str,
    original_key: str,
    source_name: str,
    target: str,
) -> None:
    check_timeouts(settings)
    q = queue(queue_name, conn)
    # A finished or failed job of the same document is replaced: one job id per document.
    with contextlib.suppress(NoSuchJobError):
        Job.fetch(job_id, connection=conn).delete(remove_from_queue=True)
    intervals = list(settings.job_retry_intervals_s)
    q.enqueue(
        jobs.process_stored_document,
        dossier_code,
        doc_id,
        original_key,
        source_name,
        target,
        job_id=job_id,
        # The file name may carry a person's name: keep it out of RQ's log lines.
        description=f"digitize {dossier_code}/{doc_id}",
        job_timeout=settings.job_timeout_s,
        result_ttl=RESULT_TTL_S,
        retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
        on_failure=Callback(jobs.on_failure),
    )
