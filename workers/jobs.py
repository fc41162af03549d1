"""The RQ job: process one document whose original is already in the store.

A job takes keys, never bytes: ``(dossier_code, doc_id, original_key, source_name, store)``,
where ``store`` is where the original lives (a local folder or ``s3://bucket/prefix``, as
:meth:`Store.describe` gives it). The S3 endpoint and credentials come from the worker's own
environment, so no secret ever travels through Redis. The job is a thin shell around the same
:func:`~digitize.pipeline.process_document` call that ``digitize run`` makes. The original is
downloaded to a private temporary file (removed when the job ends) and processed from there,
so a 300-page scan is never held in the work horse's memory whole.

Failures follow one rule: a failed record is a result, not an exception. A bad scan ends as a
``failed`` record and a finished job, never retried (the same bytes fail the same way). Only
errors that can pass (the store unreachable, an OCR timeout on a loaded machine) are raised to
RQ, which retries them after the intervals of ``DIGITIZE_JOB_RETRY_INTERVALS_S``; on the last
attempt the failed record is kept as the result instead.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import redis
from rq import get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job

from digitize.errors import DigitizeError, DiskFull, OCRTimeout, StorageUnavailable
from digitize.pipeline import disk_full, process_document
from digitize.record import Record, save_record
from digitize.settings import Settings, get_settings
from storage import Store, open_store, read_manifest

from . import recovery, tracking, webhook

log = logging.getLogger(__name__)

RETRYABLE_CODES = frozenset({StorageUnavailable.code, OCRTimeout.code, DiskFull.code})
"""Error codes worth another attempt later; everything else is final."""

_stores: dict[str, Store] = {}
"""Stores opened by this process, by target. A forked work horse inherits the parent's stores
(warmed: bucket checked) and builds its own S3 client on first use; clients are never pickled."""


class RetryLater(DigitizeError):
    """Raised to RQ so that it retries the job after the next interval."""

    retryable = True

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def store_for(target: str, settings: Settings) -> Store:
    """This process's store for ``target``, opened once."""
    store = _stores.get(target)
    if store is None:
        store = open_store(settings, target)
        _stores[target] = store
    return store


def register_store(store: Store) -> None:
    """Use ``store`` for jobs naming it (by :meth:`Store.describe`), e.g. one already warmed."""
    _stores[store.describe()] = store


def process_stored_document(
    dossier_code: str, doc_id: str, original_key: str, source_name: str, store: str
) -> dict[str, Any]:
    """The job function: load the stored original, run the pipeline, finish the document.

    Returns a small summary (kept by RQ as the job's result): doc_id, status, pages, error
    code and the pipeline's own seconds, which the benchmark compares with the queue's time.
    """
    settings = get_settings()
    job = get_current_job()
    try:
        target = store_for(store, settings)
        with tempfile.TemporaryDirectory(prefix="digitize-job-") as tmp:
            local = _download(target, original_key, Path(tmp), source_name)
            outcome = process_document(
                local,
                source_name=source_name,
                dossier_code=dossier_code,
                store=target,
                settings=settings,
                original_stored_as=original_key,
            )
        record = outcome.record
    except DigitizeError as exc:
        if exc.retryable and _retries_left(job):
            log.info("%s/%s: %s, will retry", dossier_code, doc_id, exc.code)
            raise
        log.info("%s/%s failed before processing: %s", dossier_code, doc_id, exc.code)
        record = _record_failure(
            store, settings, dossier_code, doc_id, source_name, original_key, exc
        )
        outcome = None
    error = record.get("error") or {}
    retryable = record.get("status") != "done" and error.get("code") in RETRYABLE_CODES
    if retryable and _retries_left(job):
        log.info("%s/%s: %s, will retry", dossier_code, doc_id, error["code"])
        raise RetryLater(error["code"], error.get("message", ""))
    if job is not None:
        finish(job.connection, settings, store, dossier_code, doc_id)
    return {
        "doc_id": record.get("doc_id", doc_id),
        "dossier_code": dossier_code,
        "status": record.get("status"),
        "pages": record.get("pages", 0),
        "error_code": error.get("code"),
        "skipped": bool(outcome and outcome.skipped),
        "seconds": round(outcome.seconds, 4) if outcome else None,
    }


def _download(store: Store, key: str, folder: Path, source_name: str) -> Path:
    """The stored original as a file only this user can read, in ``folder`` (itself 0700).

    The name is fixed, not the submitted one (a file name chosen by a desk must not become a
    path here); intake decides the format from the content anyway. A full temporary folder is
    :class:`DiskFull` (retried), not a bug of the job.
    """
    local = folder / "original"
    try:
        store.get_file(key, local)
    except OSError as exc:
        full = disk_full(exc, source_name)
        if full is None:
            raise
        raise full from exc
    os.chmod(local, 0o600)
    return local


def _retries_left(job: Job | None) -> bool:
    return bool(job is not None and job.retries_left)


def _record_failure(
    target: str,
    settings: Settings,
    dossier_code: str,
    doc_id: str,
    source_name: str,
    original_key: str,
    exc: DigitizeError,
) -> dict[str, Any]:
    """A failed record when the original could not even be loaded; stored when possible.

    It goes through the same writer as every other record, so it has ``links`` and a manifest
    entry like any other; ``sha256`` is ``None`` (the bytes were never read). The original is
    linked only if it is in the store: a link to a missing object would send a clerk nowhere.
    """
    record = Record.start(dossier_code, source_name, doc_id=doc_id, sha256=None)
    record.fail(exc.to_dict())
    try:
        store = store_for(target, settings)
        stored = original_key if store.exists(original_key) else None
        return save_record(store, record, original_key=stored)
    except DigitizeError as store_exc:
        log.warning("%s/%s: failed record not stored (%s)", dossier_code, doc_id, store_exc.code)
    return record.to_json_dict()


def finish(
    conn: redis.Redis, settings: Settings, target: str, dossier_code: str, doc_id: str
) -> None:
    """Mark the document finished; announce the dossier if it was the last one waiting."""
    try:
        # Redis restarting must not leave the dossier waiting for ever: wait for it a while.
        batch = recovery.with_redis_retry(
            f"{dossier_code}/{doc_id}",
            lambda: tracking.mark_finished(conn, dossier_code, doc_id),
        )
    except redis.exceptions.RedisError as exc:
        log.warning("%s/%s: could not update the queue state (%s)", dossier_code, doc_id, exc)
        return
    if batch is None:
        return
    log.info("dossier %s complete (%d document(s) in this batch)", dossier_code, len(batch))
    if not settings.webhook_url or not tracking.claim_announcement(conn, dossier_code, batch):
        return
    try:
        manifest = read_manifest(store_for(target, settings), dossier_code)
    except DigitizeError as exc:
        log.warning("dossier %s: manifest unreadable for the webhook (%s)", dossier_code, exc.code)
        manifest = None
    webhook.send(settings, webhook.completion_body(dossier_code, manifest, batch))


def on_failure(job: Job, connection: redis.Redis, exc_type, exc_value, tb) -> None:
    """RQ failure callback: keep retries for retryable errors, finish the document otherwise.

    A job timeout or a bug escapes the job function; it must not be retried (it would fail the
    same way) and must not leave the dossier waiting forever for this document. A job whose
    worker died under it (RQ's ``AbandonedJobError``) is taken up again instead, a few times
    (see :mod:`workers.recovery`).
    """
    if isinstance(exc_value, AbandonedJobError):
        if recovery.take_over(job):
            return
        exc_value = recovery.lost_error(_source_name(job), int(job.meta[recovery.LOST_META]))
    retryable = isinstance(exc_value, DigitizeError) and exc_value.retryable
    if retryable and job.retries_left:
        return
    job.retries_left = 0
    args = job.args
    if len(args) != 5:
        return
    dossier_code, doc_id, original_key, source_name, target = args
    settings = get_settings()
    if not isinstance(exc_value, DigitizeError):
        exc_value = DigitizeError(
            f"{source_name} could not be processed: {exc_type.__name__} in the worker.",
            hint="Resubmit the document; if it fails again, raise DIGITIZE_JOB_TIMEOUT_S or "
            "split the document.",
        )
        exc_value.code = "job_failed"
    log.warning("%s/%s: job failed (%s)", dossier_code, doc_id, exc_value.code)
    _record_failure(target, settings, dossier_code, doc_id, source_name, original_key, exc_value)
    finish(connection, settings, target, dossier_code, doc_id)


def fail_lost_job(job: Job, connection: redis.Redis, times: int) -> None:
    """Finish a document whose worker died under it once too often: a ``worker_lost`` record."""
    error = recovery.lost_error(_source_name(job), times)
    on_failure(job, connection, type(error), error, None)


def _source_name(job: Job) -> str:
    return str(job.args[3]) if len(job.args) == 5 else "the document"
