"""The queue commands of `digitize`: submit, worker, backlog.

Same conventions as the other commands: machine-readable output (job ids) on stdout,
everything for people on stderr, exit codes from :class:`~digitize.cli.output.ExitCode`, and no
traceback: errors print what went wrong and what to do. Redis, RQ and the pipeline are
imported only when one of these commands runs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from digitize.cli.output import (
    ExitCode,
    fail,
    file_error,
    finish,
    interrupted,
    no_documents,
    stop,
    with_settings,
)
from digitize.cli.progress import backlog_progress
from digitize.errors import ConfigError, DigitizeError

if TYPE_CHECKING:
    from digitize.settings import Settings

REDIS_HELP = "Redis URL (default: DIGITIZE_REDIS_URL)."
OUT_HELP = "Local folder or s3://bucket/prefix (default: DIGITIZE_STORE)."


def _connect(url: str) -> Any:
    from workers import connect

    try:
        return connect(url)
    except DigitizeError as exc:
        fail(exc)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dossier", required=True, help="Dossier code every document belongs to.")
@click.option("--redis", "redis_url", help=REDIS_HELP)
@click.option(
    "--queue",
    "queue_name",
    type=click.Choice(["desk", "backlog"]),
    default="desk",
    show_default=True,
    help="desk: a clerk's scans, taken first; backlog: bulk runs.",
)
@click.option("--out", help=OUT_HELP)
@with_settings
def submit(
    settings: Settings,
    paths: tuple[Path, ...],
    dossier: str,
    redis_url: str | None,
    queue_name: str,
    out: str | None,
) -> None:
    """Store the originals and queue one job per document; print the job ids on stdout.

    The same file twice is one document and one job; a document already done is not queued
    again. Workers (`digitize worker`) must see the same store: the same folder, or the same
    DIGITIZE_S3_* settings.
    """
    from digitize import intake
    from storage import layout, open_store
    from workers import submit_document

    try:
        layout.validate_dossier_code(dossier)
        store = open_store(settings, out)
    except DigitizeError as exc:
        fail(exc)
    conn = _connect(redis_url or settings.redis_url)
    files = [f for f, _ in intake.walk(list(paths))]
    if not files:
        no_documents()
    failed = 0
    printed: set[str] = set()
    for file in files:
        try:
            # The path, not the bytes: the file is hashed and stored in pieces.
            sub = submit_document(
                file,
                source_name=file.name,
                dossier_code=dossier,
                store=store,
                conn=conn,
                settings=settings,
                queue_name=queue_name,
            )
        except ConfigError as exc:
            fail(exc)
        except DigitizeError as exc:
            file_error(file.name, exc)
            failed += 1
            if exc.code == "queue_unavailable":
                break
            continue
        text = {
            "queued": f"queued on {queue_name}",
            "already_queued": "already queued",
            "already_done": "already done, not queued",
        }[sub.state]
        click.echo(f"{text:<26} {dossier}/{sub.doc_id}  {file.name}", err=True)
        if sub.job_id and sub.job_id not in printed:
            printed.add(sub.job_id)
            click.echo(sub.job_id)
    finish(failed)


@click.command()
@click.option("--redis", "redis_url", help=REDIS_HELP)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option(
    "--queues",
    default="desk,backlog",
    show_default=True,
    help="Queues to take jobs from, highest priority first.",
)
@click.option("--no-fork", is_flag=True, help="Run jobs in this process (where fork is unsafe).")
@with_settings
def worker(
    settings: Settings, redis_url: str | None, burst: bool, queues: str, no_fork: bool
) -> None:
    """Run an RQ worker for the pipeline queues (desk jobs always before backlog jobs)."""
    from workers import run_worker
    from workers.queues import parse_queue_list

    try:
        names = parse_queue_list(queues)
    except DigitizeError as exc:
        fail(exc)
    conn = _connect(redis_url or settings.redis_url)
    try:
        run_worker(conn, settings, queues=names, burst=burst, simple=no_fork)
    except DigitizeError as exc:
        fail(exc)


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--redis", "redis_url", help="Queue on this Redis (queued mode) instead of working here."
)
@click.option("--in-process", is_flag=True, help="Process here, now (the default without --redis).")
@click.option("--out", help=OUT_HELP)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV report path (default: ./backlog-report-<date-time>.csv).",
)
@click.option("--json", "as_json", is_flag=True, help="Also write the report as JSON (.json).")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="Stop after this many documents processed (or queued); run again to go on.",
)
@click.option("--wait", is_flag=True, help="Queued mode: wait for the workers, showing progress.")
@click.option("--lang", help="Tesseract languages (default: DIGITIZE_LANG).")
@with_settings
def backlog(
    settings: Settings,
    folder: Path,
    redis_url: str | None,
    in_process: bool,
    out: str | None,
    report_path: Path | None,
    as_json: bool,
    limit: int | None,
    wait: bool,
    lang: str | None,
) -> None:
    """Archivist mode: each sub-folder of FOLDER is a dossier (its name is the dossier code).

    \b
    Mode: with --redis URL every document is queued on the `backlog` queue for the workers
    (add --wait to follow them); without --redis (or with --in-process) this process does
    the work. Resumable: documents already done are skipped, failed ones are tried again.
    Ctrl-C stops after the current document and still writes the report; run the same
    command again to continue. Exit 0 when nothing failed, 1 otherwise, 130 if interrupted.
    """
    from digitize import tesseract
    from storage import open_store
    from workers import backlog as bl

    if in_process and redis_url:
        fail(ConfigError("--in-process and --redis exclude each other: choose one mode"))
    if wait and not redis_url:
        fail(ConfigError("--wait applies to the queued mode: add --redis URL"))
    settings = settings.with_overrides(lang=lang)
    try:
        store = open_store(settings, out)
        if not redis_url:
            tesseract.require_languages(settings.lang)
            from digitize.signing import unit_key

            unit_key(settings)  # this process signs: a bad key stops it before any document
    except DigitizeError as exc:
        fail(exc)
    conn = _connect(redis_url) if redis_url else None
    work = bl.plan(folder)
    for row in work.refused:
        click.secho(f"skipped  {row.path}: {row.error_message}", fg="yellow", err=True)
    if not work.items and not work.refused:
        stop(f"{folder} holds no dossier folders with documents.", ExitCode.FAILED)
    mode = "queued on backlog" if conn is not None else "in this process"
    click.echo(
        f"{len(work.items)} document(s) in {folder}, {mode}; results in {store.describe()}",
        err=True,
    )
    common = {"store": store, "settings": settings, "limit": limit}
    try:
        with backlog_progress(len(work.items)) as progress, bl.graceful_interrupt() as halt:
            if conn is None:
                result = bl.run_in_process(work, progress=progress, stop=halt, **common)
            else:
                result = bl.run_queued(
                    work, conn=conn, progress=progress, wait=wait, stop=halt, **common
                )
    except DigitizeError as exc:
        fail(exc)
    _finish(result, work, report_path, as_json)


def _finish(result: Any, work: Any, report_path: Path | None, as_json: bool) -> NoReturn:
    """Write the report, say where it is and what is left, and exit with the run's outcome."""
    from workers.report import counts, write_csv, write_json

    rows = result.rows + work.refused
    path = report_path or Path(f"backlog-report-{datetime.now():%Y%m%d-%H%M%S}.csv")
    totals = counts(rows)
    left = len(work.items) - len(result.rows)
    summary = {
        **totals,
        "not_reached": left,
        "interrupted": result.interrupted,
        "limited": result.limited,
    }
    try:
        write_csv(rows, path)
        if as_json:
            write_json(rows, path.with_suffix(".json"), summary)
    except OSError as exc:
        message = f"error: cannot write the report {path}: {exc.strerror}"
        stop(click.style(message, fg="red"), ExitCode.FAILED)
    click.echo(
        f"\n{totals['done']} done, {totals['failed']} failed, {totals['skipped']} skipped, "
        f"{totals['queued']} queued. Report: {path}",
        err=True,
    )
    stopped = ""
    if result.interrupted or result.limited:
        why = "interrupted" if result.interrupted else "--limit reached"
        stopped = (
            f"Stopped ({why}) with {left} document(s) not reached: run the same "
            "command again to continue."
        )
    if result.interrupted:
        interrupted(stopped)
    if stopped:
        click.echo(stopped, err=True)
    finish(totals["failed"] + len(work.refused))
