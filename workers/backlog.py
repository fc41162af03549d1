"""Archivist mode: a folder of dossier folders, processed resumably.

Each sub-folder of the backlog folder is one dossier (its name is the dossier code), every file
in it a document. A run is idempotent by content: a document whose record says ``done`` is
skipped, a failed one is tried again, so a run stopped by Ctrl-C, ``--limit`` or a power cut is
resumed by running the same command again. Nothing is redone and nothing is silently dropped:
an invalid folder name or a stray file becomes a report row saying why it was not processed.

Two ways to run: in this process (``run_in_process``), or by queueing every document on the
``backlog`` queue for the workers (``run_queued``), optionally waiting for them.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis
from rq.job import Job, JobStatus

from digitize import intake
from digitize.errors import ConfigError, DigitizeError, InvalidName
from digitize.pipeline import existing_record, process_document, sha256_of_source
from digitize.settings import Settings
from storage import Store, layout, read_manifest

from . import webhook
from .queues import BACKLOG
from .report import Progress, Row
from .submit import submit_document

log = logging.getLogger(__name__)

WAIT_POLL_S = 1.0
"""Seconds between two looks at the queue while waiting for the workers."""


@dataclass
class Plan:
    """What a backlog folder holds: documents to process, and rows for what cannot be."""

    items: list[tuple[str, Path]] = field(default_factory=list)
    refused: list[Row] = field(default_factory=list)


@dataclass
class RunResult:
    rows: list[Row]
    interrupted: bool = False
    limited: bool = False


def plan(root: Path) -> Plan:
    """Walk ``root``: one dossier per sub-folder, invalid folder names and stray files refused."""
    out = Plan()
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file():
            out.refused.append(
                Row(
                    "",
                    entry.name,
                    str(entry),
                    status="skipped",
                    error_code="not_in_dossier_folder",
                    error_message=f"{entry.name} is not inside a dossier folder; "
                    "move it into the folder named after its dossier code.",
                )
            )
            continue
        files = [f for f, _ in intake.walk([entry])]
        try:
            code = layout.validate_dossier_code(entry.name)
        except InvalidName as exc:
            log.warning("folder %r skipped: not a dossier code", entry.name)
            for f in files or [entry]:
                out.refused.append(
                    Row(
                        "",
                        f.name,
                        str(f),
                        status="skipped",
                        error_code=exc.code,
                        error_message=f"folder {entry.name!r} is not a dossier "
                        "code (letters, digits, '.' and '-', 1-64 characters); "
                        "rename it and run again.",
                    )
                )
            continue
        out.items.extend((code, f) for f in files)
    return out


@contextlib.contextmanager
def graceful_interrupt() -> Iterator[threading.Event]:
    """First Ctrl-C: finish the current document, then stop. Second Ctrl-C: stop at once."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print(
            "\nstopping after the current document (Ctrl-C again to stop now)...",
            file=sys.stderr,
            flush=True,
        )

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def run_in_process(
    work: Plan,
    *,
    store: Store,
    settings: Settings,
    progress: Progress,
    limit: int | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Process each document now; stop early on ``limit`` processed documents or ``stop``."""
    result = RunResult(rows=[])
    processed = 0
    touched: dict[str, int] = {}
    try:
        for code, path in work.items:
            if stop is not None and stop.is_set():
                result.interrupted = True
                break
            if limit is not None and processed >= limit:
                result.limited = True
                break
            row = Row(code, path.name, str(path))
            try:
                # The path, not the bytes: a long scan is read page by page, never whole.
                outcome = process_document(
                    path, source_name=path.name, dossier_code=code, store=store, settings=settings
                )
            except intake.UnreadableFile as exc:
                row.status, row.error_code = "failed", exc.code
                row.error_message = f"{exc.message} {exc.hint}"
                result.rows.append(row)
                progress.advance(worked=False)
                continue
            row.fill_from(outcome.record, "skipped" if outcome.skipped else None)
            result.rows.append(row)
            if not outcome.skipped:
                processed += 1
                touched[code] = touched.get(code, 0) + 1
            progress.advance(
                pages=0 if outcome.skipped else row.pages,
                worked=not outcome.skipped,
                seconds=outcome.seconds,
            )
            _announce_if_complete(work, result, touched, code, store, settings)
    except KeyboardInterrupt:
        result.interrupted = True
    return result


def _announce_if_complete(
    work: Plan,
    result: RunResult,
    touched: dict[str, int],
    code: str,
    store: Store,
    settings: Settings,
) -> None:
    """The webhook for a dossier whose every file is now finished, if this run changed it."""
    if not settings.webhook_url or not touched.get(code):
        return
    total = sum(1 for c, _ in work.items if c == code)
    finished = sum(1 for r in result.rows if r.dossier_code == code)
    if finished != total:
        return
    try:
        manifest = read_manifest(store, code)
    except DigitizeError:
        manifest = None
    batch = sorted({r.doc_id for r in result.rows if r.dossier_code == code and r.doc_id})
    webhook.send(settings, webhook.completion_body(code, manifest, batch))


def run_queued(
    work: Plan,
    *,
    store: Store,
    conn: redis.Redis,
    settings: Settings,
    progress: Progress,
    limit: int | None = None,
    wait: bool = False,
    stop: threading.Event | None = None,
    on_queued: Callable[[Row], None] | None = None,
) -> RunResult:
    """Queue every document not done yet on ``backlog``; with ``wait``, follow the workers."""
    result = RunResult(rows=[])
    queued = 0
    try:
        for code, path in work.items:
            if stop is not None and stop.is_set():
                result.interrupted = True
                break
            if limit is not None and queued >= limit:
                result.limited = True
                break
            row = Row(code, path.name, str(path))
            try:
                sub = submit_document(
                    path,
                    source_name=path.name,
                    dossier_code=code,
                    store=store,
                    conn=conn,
                    settings=settings,
                    queue_name=BACKLOG,
                )
            except intake.UnreadableFile as exc:
                row.status, row.error_code = "failed", exc.code
                row.error_message = f"{exc.message} {exc.hint}"
            except DigitizeError as exc:
                if exc.code == "queue_unavailable" or isinstance(exc, ConfigError):
                    raise  # the same for every document: stop, as every command does
                with contextlib.suppress(DigitizeError):  # the file was read a moment ago
                    row.doc_id = layout.doc_id_for(sha256_of_source(path, path.name))
                row.status, row.error_code, row.error_message = "failed", exc.code, exc.message
            else:
                row.doc_id, row.job_id = sub.doc_id, sub.job_id or ""
                if sub.state == "already_done":
                    row.fill_from(existing_record(store, code, sub.doc_id) or {}, "skipped")
                else:
                    row.status = "queued"
                    queued += 1
                    if on_queued:
                        on_queued(row)
            result.rows.append(row)
            if not wait or row.status != "queued":
                progress.advance(pages=row.pages, worked=False)
        if wait:
            _wait(result.rows, store=store, conn=conn, progress=progress, stop=stop)
    except KeyboardInterrupt:
        result.interrupted = True
    if stop is not None and stop.is_set():
        result.interrupted = True
    return result


def _wait(
    rows: list[Row],
    *,
    store: Store,
    conn: redis.Redis,
    progress: Progress,
    stop: threading.Event | None,
) -> None:
    """Poll the jobs until every queued row is finished; rows are filled from the records."""
    waiting = {r.job_id: r for r in rows if r.status == "queued" and r.job_id}
    while waiting:
        if stop is not None and stop.is_set():
            return
        jobs = Job.fetch_many(list(waiting), connection=conn)
        for job_id, job in zip(list(waiting), jobs, strict=True):
            status = job.get_status(refresh=False) if job is not None else None
            if status not in (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, None):
                continue
            row = waiting.pop(job_id)
            record = existing_record(store, row.dossier_code, row.doc_id)
            if record is not None:
                row.fill_from(record)
            else:
                row.status, row.error_code = "failed", "job_failed"
                row.error_message = "the job ended without a record; resubmit the document."
            progress.advance(pages=row.pages, worked=False)
        if waiting:
            time.sleep(WAIT_POLL_S)
