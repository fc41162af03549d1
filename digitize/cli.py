"""The `digitize` command line.

Exit codes: 0 when every document was processed, 1 when any failed (the others are still
stored) or the machine lacks something, 2 on bad usage. With ``--json``, stdout carries only
JSON records, one per line; everything for people goes to stderr. No traceback reaches a user:
errors are printed as what went wrong and what to do (``-v`` shows more detail).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from digitize import PIPELINE_VERSION
from digitize.cliutil import EXIT_INTERRUPTED, fail
from digitize.errors import DigitizeError, InvalidName
from digitize.settings import Settings, get_settings

log = logging.getLogger("digitize")


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(PIPELINE_VERSION, prog_name="digitize")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debugging).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """Digitize scanned Vietnamese administrative dossiers: searchable PDFs, types and fields."""
    _setup_logging(verbose)
    try:
        ctx.obj = get_settings()
    except Exception as exc:  # pydantic's validation error names the variable
        click.secho(
            f"error: a DIGITIZE_* environment variable is invalid: {exc}", fg="red", err=True
        )
        sys.exit(2)


def _dossier_for(file: Path, root: Path | None, given: str | None) -> str:
    from digitize.pipeline import UNASSIGNED
    from storage import layout

    if given:
        return given
    if root is None:
        return UNASSIGNED
    try:
        return layout.validate_dossier_code(file.parent.name)
    except InvalidName:
        return UNASSIGNED


def _summary_line(rec: dict[str, Any], skipped: bool) -> str:
    status = "skipped (already done)" if skipped else rec["status"]
    colour = {"done": "green", "failed": "red"}.get(rec["status"], "yellow")
    head = click.style(f"{status:<8}", fg=colour)
    doc_type = rec.get("document_type") or {}
    parts = [f"{head} {rec['dossier_code']}/{rec['source_name']}"]
    if rec["status"] == "done":
        parts.append(
            f"  {rec['pages']} page(s), type {doc_type.get('code')} "
            f"({doc_type.get('confidence', 0):.2f}), "
            f"mean word confidence {rec['quality'].get('mean_word_confidence') or 0:.2f}"
        )
        review = [k for k, v in rec.get("fields", {}).items() if v.get("needs_review")]
        filled = [k for k in rec.get("fields", {}) if k not in review]
        if filled:
            parts.append(f"  fields: {', '.join(filled)}")
        if review:
            parts.append(click.style(f"  check by hand: {', '.join(review)}", fg="yellow"))
    else:
        err = rec.get("error") or {}
        parts.append(click.style(f"  {err.get('code')}: {err.get('message')}", fg="red"))
        if err.get("hint"):
            parts.append(f"  what to do: {err['hint']}")
    return "\n".join(parts)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dossier", help="Dossier code for every document (default: the folder name).")
@click.option("--out", help="Local folder or s3://bucket/prefix (default: DIGITIZE_STORE).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per document.")
@click.option("--force", is_flag=True, help="Process again documents that are already done.")
@click.option("--lang", help="Tesseract languages, e.g. vie or vie+eng (default: DIGITIZE_LANG).")
@click.pass_obj
def run(
    settings: Settings,
    paths: tuple[Path, ...],
    dossier: str | None,
    out: str | None,
    as_json: bool,
    force: bool,
    lang: str | None,
) -> None:
    """Process files or folders now, in this process (no Redis needed)."""
    from digitize import intake, tesseract
    from storage import layout, open_store

    settings = settings.with_overrides(lang=lang)
    try:
        if dossier:
            layout.validate_dossier_code(dossier)
        store = open_store(settings, out)
        tesseract.require_languages(settings.lang)
    except InvalidName as exc:
        fail(exc, 2)
    except DigitizeError as exc:
        fail(exc, 1)

    files = list(intake.walk(list(paths)))
    if not files:
        click.echo("No documents found (JPEG, PNG, TIFF, BMP, WebP or PDF).", err=True)
        sys.exit(1)
    show_progress = not as_json and sys.stderr.isatty()
    try:
        done, failed = _run_files(files, dossier, store, settings, as_json, force, show_progress)
    except KeyboardInterrupt:
        click.echo(
            "\nInterrupted. Finished documents are stored; run the same command again to "
            "continue (they are skipped).",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    if not as_json:
        click.echo(
            f"\n{len(files)} document(s): {done} done, {failed} failed. "
            f"Results are in {store.describe()}/dossiers/",
            err=True,
        )
    sys.exit(1 if failed else 0)


def _run_files(files, dossier, store, settings, as_json, force, show_progress) -> tuple[int, int]:
    from digitize.intake import UnreadableFile
    from digitize.pipeline import process_document

    done = failed = 0
    for n, (file, root) in enumerate(files, 1):
        code = _dossier_for(file, root, dossier)
        if show_progress:
            click.echo(f"[{n}/{len(files)}] {file.name} ...", err=True)
        try:
            # The path, not the bytes: a 300-page scan is read page by page, never whole.
            outcome = process_document(
                file,
                source_name=file.name,
                dossier_code=code,
                store=store,
                settings=settings,
                force=force,
            )
        except UnreadableFile as exc:
            click.secho(f"error: {file}: {exc.message}", fg="red", err=True)
            click.echo(f"  what to do: {exc.hint}", err=True)
            failed += 1
            continue
        rec = outcome.record
        failed += rec["status"] != "done"
        done += rec["status"] == "done"
        if as_json:
            click.echo(json.dumps(rec, ensure_ascii=False))
        else:
            click.echo(_summary_line(rec, outcome.skipped), err=True)
    return done, failed


@main.command()
@click.pass_obj
def check(settings: Settings) -> None:
    """Verify Tesseract, its language data, Redis and the object store."""
    from digitize.check import run_checks

    checks = run_checks(settings)
    for c in checks:
        mark = (
            click.style("ok     ", fg="green")
            if c.ok
            else click.style(
                "MISSING" if c.required else "warning", fg="red" if c.required else "yellow"
            )
        )
        click.echo(f"{mark} {c.name}: {c.detail}")
        if not c.ok and c.fix:
            click.echo(f"        install or fix: {c.fix}")
    sys.exit(0 if all(c.ok for c in checks if c.required) else 1)


@main.command()
@click.argument("code")
@click.option("--out", help="Local folder or s3://bucket/prefix (default: DIGITIZE_STORE).")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@click.pass_obj
def status(settings: Settings, code: str, out: str | None, as_json: bool) -> None:
    """Show a dossier's documents and their state."""
    from storage import layout, open_store

    try:
        layout.validate_dossier_code(code)
        store = open_store(settings, out)
        manifest = json.loads(store.get_bytes(layout.manifest_key(code)))
    except InvalidName as exc:
        fail(exc, 2)
    except DigitizeError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps(manifest, ensure_ascii=False, indent=2))
        return
    docs = manifest.get("documents", [])
    click.echo(f"Dossier {code}: {len(docs)} document(s), updated {manifest.get('updated_at')}")
    for d in docs:
        click.echo(
            f"  {d['status']:<7} {d['doc_id']}  {d.get('document_type', ''):<22} "
            f"{d.get('pages', 0):>3} p.  {d['source_name']}"
        )


@main.command()
@click.argument("code")
@click.option(
    "--to",
    "dest",
    type=click.Path(path_type=Path),
    default=Path("."),
    help="Folder to download into (default: here).",
)
@click.option("--out", help="Local folder or s3://bucket/prefix (default: DIGITIZE_STORE).")
@click.pass_obj
def fetch(settings: Settings, code: str, dest: Path, out: str | None) -> None:
    """Download a dossier's results (PDFs, text, records, manifest)."""
    from storage import layout, open_store

    try:
        layout.validate_dossier_code(code)
        store = open_store(settings, out)
        prefix = layout.manifest_key(code).rsplit("/", 1)[0] + "/"
        keys = list(store.list(prefix))
        if not keys:
            raise_not_found(code, store.describe())
        for key in keys:
            target = dest / key
            target.parent.mkdir(parents=True, exist_ok=True)
            store.get_file(key, target)
    except InvalidName as exc:
        fail(exc, 2)
    except DigitizeError as exc:
        fail(exc)
    click.echo(f"{len(keys)} file(s) of dossier {code} written under {dest / prefix}", err=True)


def raise_not_found(code: str, where: str) -> None:
    from digitize.errors import NotFound

    raise NotFound(f"Dossier {code} has no stored documents in {where}.")


# The queue commands live in their own module; it uses this one's helpers, so it is imported
# last.
from digitize.cli_queue import backlog, submit, worker  # noqa: E402

for _command in (submit, worker, backlog):
    main.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    from digitize.cliutil import entry

    entry()
