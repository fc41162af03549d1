"""The commands about what is stored: `status` and `fetch` of a dossier, and `schema`, the
shape of the records they hold.

They read the store only; nothing here runs the pipeline, so they start without OCR or image
libraries, and `schema` without even the settings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from digitize.cli.output import fail, with_settings
from digitize.errors import DigitizeError, NotFound

if TYPE_CHECKING:
    from digitize.settings import Settings

OUT_HELP = "Local folder or s3://bucket/prefix (default: DIGITIZE_STORE)."


@click.command()
@click.argument("code")
@click.option("--out", help=OUT_HELP)
@click.option("--redis", "redis_url", help="Redis URL (default: DIGITIZE_REDIS_URL).")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@with_settings
def status(
    settings: Settings, code: str, out: str | None, redis_url: str | None, as_json: bool
) -> None:
    """Show a dossier's documents and their state: stored ones, and those still in the queue.

    The queue is asked too (Redis): documents queued, running or waiting for a retry are listed
    beside the stored ones, and a waiting document whose job Redis no longer has as ``lost``,
    with what to do. Redis not answering is said, not fatal: the store still answers.
    """
    from storage import layout, open_store

    try:
        layout.validate_dossier_code(code)
        store = open_store(settings, out)
        try:
            manifest = json.loads(store.get_bytes(layout.manifest_key(code)))
        except NotFound:
            manifest = None
        queue, queue_note = _queue_states(redis_url or settings.redis_url, code)
        if manifest is None and not queue:
            raise NotFound(
                f"Dossier {code} has no stored or queued documents in {store.describe()}."
            )
    except DigitizeError as exc:
        fail(exc)
    manifest = manifest or {"dossier_code": code, "documents": []}
    stored = {d["doc_id"] for d in manifest.get("documents", [])}
    done = {d["doc_id"] for d in manifest.get("documents", []) if d.get("status") == "done"}
    lost_note = _lost_note(code, [q for q in queue if q["doc_id"] not in done])
    if as_json:
        # Documents still in the queue are an extra key; the manifest's own keys are as stored.
        body = {**manifest, "in_queue": queue} if queue_note is None else manifest
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        if queue_note:
            click.echo(queue_note, err=True)
        if lost_note:
            click.echo(lost_note, err=True)
        return
    docs = manifest.get("documents", [])
    waiting = [q for q in queue if q["doc_id"] not in stored]
    click.echo(
        f"Dossier {code}: {len(docs) + len(waiting)} document(s), "
        f"updated {manifest.get('updated_at') or '-'}"
    )
    by_id = {q["doc_id"]: q["state"] for q in queue}
    for d in docs:
        # A stored document being processed again shows its queue state beside the stored one.
        again = _again(by_id[d["doc_id"]]) if d["doc_id"] in by_id else ""
        click.echo(
            f"  {d['status']:<8} {d['doc_id']}  {d.get('document_type', ''):<22} "
            f"{d.get('pages', 0):>3} p.  {d['source_name']}{again}"
        )
    for q in waiting:
        click.echo(f"  {q['state']:<8} {q['doc_id']}  {'':<22}        {q['source_name']}")
    if queue_note:
        click.echo(queue_note, err=True)
    if lost_note:
        click.echo(lost_note, err=True)


def _again(state: str) -> str:
    """A stored document's queue state: being read again, or its new reading's job lost."""
    from workers.tracking import LOST

    return "  (job lost)" if state == LOST else f"  ({state} again)"


def _lost_note(code: str, queue: list[dict[str, str]]) -> str | None:
    """What to do about documents not done whose job is gone: no worker will read them."""
    from workers.tracking import LOST

    n = sum(q["state"] == LOST for q in queue)
    if not n:
        return None
    return (
        f"note: {n} document(s) {LOST}: waiting, but their job is gone from Redis, so no worker "
        f"will read them; submit them again (digitize submit FILE... --dossier {code}); "
        "their originals are kept in the store."
    )


def _queue_states(url: str, code: str) -> tuple[list[dict[str, str]], str | None]:
    """The dossier's documents in the queue, and a note for people when Redis cannot say."""
    import redis

    from workers import connect
    from workers.tracking import queue_states

    try:
        return queue_states(connect(url), code), None
    except (DigitizeError, redis.exceptions.RedisError) as exc:
        return [], f"note: queued documents are not shown: {exc}"


@click.command()
@click.argument("code")
@click.option(
    "--to",
    "dest",
    type=click.Path(path_type=Path),
    default=Path("."),
    help="Folder to download into (default: here).",
)
@click.option("--out", help=OUT_HELP)
@with_settings
def fetch(settings: Settings, code: str, dest: Path, out: str | None) -> None:
    """Download a dossier's results (PDFs, text, records, manifest)."""
    from storage import layout, open_store

    try:
        layout.validate_dossier_code(code)
        store = open_store(settings, out)
        prefix = layout.manifest_key(code).rsplit("/", 1)[0] + "/"
        keys = list(store.list(prefix))
        if not keys:
            raise NotFound(f"Dossier {code} has no stored documents in {store.describe()}.")
        for key in keys:
            # A key listed from a bucket someone else writes to is checked like any other:
            # none may reach outside the folder it is downloaded into.
            target = dest / layout.validate_key(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            store.get_file(key, target)
    except DigitizeError as exc:
        fail(exc)
    click.echo(f"{len(keys)} file(s) of dossier {code} written under {dest / prefix}", err=True)


@click.command()
@click.option("--manifest", is_flag=True, help="The schema of a dossier's manifest.json instead.")
def schema(manifest: bool) -> None:
    """Print the JSON Schema of record.json (or of manifest.json).

    The schema (draft 2020-12) is the one every stored record is checked against before it is
    written, so a dossier system can validate what it receives with any JSON Schema library.
    """
    from digitize.record import manifest_schema, record_schema

    body = manifest_schema() if manifest else record_schema()
    click.echo(json.dumps(body, ensure_ascii=False, indent=2))
