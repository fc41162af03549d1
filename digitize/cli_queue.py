"""The queue commands of `digitize`: submit, worker, backlog.

Registered on the main group by :mod:`digitize.cli`. Same conventions as the other commands:
machine-readable output (job ids) on stdout, everything for people on stderr, exit 0 when all
went well, 1 when something failed (the rest is still done), 2 on bad usage, and no traceback:
errors print what went wrong and what to do.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click

from digitize.cliutil import EXIT_INTERRUPTED, fail
from digitize.errors import ConfigError, DigitizeError, InvalidName
from digitize.settings import Settings


def _settings(ctx: click.Context) -> Settings:
    from digitize.settings import get_settings

    return ctx.obj if isinstance(ctx.obj, Settings) else get_settings()


def _connect(url: str):
    from workers import connect

    try:
        return connect(url)
    except ConfigError as exc:
        fail(exc, 2)
    except DigitizeError as exc:
        fail(exc)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dossier", required=True, help="Dossier code every document belongs to.")
@click.option("--redis", "redis_url", help="Redis URL (default: DIGITIZE_REDIS_URL).")
@click.option(
    "--queue",
    "queue_name",
    type=click.Choice(["desk", "backlog"]),
    default="desk",
    show_default=True,
    help="desk: a clerk's scans, taken first; backlog: bulk runs.",
)
@click.option("--out", help="Local folder or s3://bucket/prefix (default: DIGITIZE_STORE).")
@click.pass_context
def submit(
    ctx: click.Context,
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

    settings = _settings(ctx)
    try:
        layout.validate_dossier_code(dossier)
        store = open_store(settings, out)
    except (InvalidName, ConfigError) as exc:
        fail(exc, 2)
    except DigitizeError as exc:
        fail(exc)
    conn = _connect(redis_url or settings.redis_url)
    files = [f for f, _ in intake.walk(list(paths))]
    if not files:
        click.echo("No documents found (JPEG, PNG, TIFF, BMP, WebP or PDF).", err=True)
        sys.exit(1)
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
            fail(exc, 2)
        except DigitizeError as exc:
            click.secho(f"error: {file.name}: {exc.message}", fg="red", err=True)
            click.echo(f"  what to do: {exc.hint}", err=True)
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
    sys.exit(1 if failed else 0)


@click.command()
@click.option("--redis", "redis_url", help="Redis URL (default: DIGITIZE_REDIS_URL).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option(
    "--queues",
    default="desk,backlog",
    show_default=True,
    help="Queues to take jobs from, highest priority first.",
)
@click.option("--no-fork", is_flag=True, help="Run jobs in this process (where fork is unsafe).")
@click.pass_context
def worker(
    ctx: click.Context, redis_url: str | None, burst: bool, queues: str, no_fork: bool
) -> None:
    """Run an RQ worker for the pipeline queues (desk jobs always before backlog jobs)."""
    from workers import run_worker
    from workers.queues import parse_queue_list

    settings = _settings(ctx)
    try:
        names = parse_queue_list(queues)
    except ConfigError as exc:
        fail(exc, 2)
    conn = _connect(redis_url or settings.redis_url)
    try:
        run_worker(conn, settings, queues=names, burst=burst, simple=no_fork)
    except ConfigError as exc:
        fail(exc, 2)
    except DigitizeError as exc:
        fail(exc)


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--redis", "redis_url", help="Queue on this Redis (queued mode) instead of working here."
)
@click.option("--in-process", is_flag=True, help="Process here, now (the default without --redis).")
@click.option("--out", help="Local folder or s3://bucket/prefix (default: DIGITIZE_STORE).")
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
@click.pass_context
def backlog(
    ctx: click.Context,
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
    from workers.report import Progress

    if in_process and redis_url:
        fail(ConfigError("--in-process and --redis exclude each other: choose one mode"), 2)
    if wait and not redis_url:
        fail(ConfigError("--wait applies to the queued mode: add --redis URL"), 2)
    settings = _settings(ctx).with_overrides(lang=lang)
    try:
        store = open_store(settings, out)
        if not redis_url:
            tesseract.require_languages(settings.lang)
    except ConfigError as exc:
        fail(exc, 2)
    except DigitizeError as exc:
        fail(exc)
    conn = _connect(redis_url) if redis_url else None
    work = bl.plan(folder)
    for row in work.refused:
        click.secho(f"skipped  {row.path}: {row.error_message}", fg="yellow", err=True)
    if not work.items and not work.refused:
        click.echo(f"{folder} holds no dossier folders with documents.", err=True)
        sys.exit(1)
    mode = "queued on backlog" if conn is not None else "in this process"
    click.echo(
        f"{len(work.items)} document(s) in {folder}, {mode}; results in {store.describe()}",
        err=True,
    )
    progress = Progress(len(work.items))
    try:
        with bl.graceful_interrupt() as stop:
            if conn is None:
                result = bl.run_in_process(
                    work, store=store, settings=settings, progress=progress, limit=limit, stop=stop
                )
            else:
                result = bl.run_queued(
                    work,
                    store=store,
                    conn=conn,
                    settings=settings,
                    progress=progress,
                    limit=limit,
                    wait=wait,
                    stop=stop,
                )
    except DigitizeError as exc:
        progress.close()
        fail(exc)
    progress.close()
    _finish(result, work, report_path, as_json)


def _finish(result, work, report_path: Path | None, as_json: bool) -> NoReturn:
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
        click.secho(f"error: cannot write the report {path}: {exc.strerror}", fg="red", err=True)
        sys.exit(1)
    click.echo(
        f"\n{totals['done']} done, {totals['failed']} failed, {totals['skipped']} skipped, "
        f"{totals['queued']} queued. Report: {path}",
        err=True,
    )
    if result.interrupted or result.limited:
        why = "interrupted" if result.interrupted else "--limit reached"
        click.echo(
            f"Stopped ({why}) with {left} document(s) not reached: run the same "
            "command again to continue.",
            err=True,
        )
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(1 if totals["failed"] or work.refused else 0)
