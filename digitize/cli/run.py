"""`digitize run`: process files or folders now, in this process, without Redis.

The clerk's command, so it must start reading the first page at once: the pipeline and its
libraries are imported when the command runs, never when the command line is built, and only
what the first document needs is loaded before it is read.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import click

from digitize.cli.output import (
    fail,
    file_error,
    finish,
    interrupted,
    no_documents,
    print_record,
    summary_line,
    with_settings,
)
from digitize.cli.progress import RunProgress
from digitize.errors import DigitizeError, InvalidName

if TYPE_CHECKING:
    from digitize.settings import Settings
    from storage import Store


def dossier_for(file: Path, root: Path | None, given: str | None) -> str:
    """The dossier a file belongs to: the one given, else its folder's name when that is a
    valid dossier code, else ``UNASSIGNED`` (a file named on its own has no dossier folder)."""
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


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dossier", help="Dossier code for every document (default: the folder name).")
@click.option("--out", help="Local folder or s3://bucket/prefix (default: DIGITIZE_STORE).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per document.")
@click.option("--force", is_flag=True, help="Process again documents that are already done.")
@click.option("--lang", help="Tesseract languages, e.g. vie or vie+eng (default: DIGITIZE_LANG).")
@with_settings
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
    from storage import layout, open_store

    settings = settings.with_overrides(lang=lang)
    try:
        if dossier:
            layout.validate_dossier_code(dossier)
        store = open_store(settings, out)
        # The unit's signing key, when configured: a bad one stops here, before any document.
        from digitize.signing import unit_key

        unit_key(settings)
    except DigitizeError as exc:
        fail(exc)
    # Tesseract is asked for its version and languages while the pipeline is imported: the two
    # programs run on another core instead of in front of the first page.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tesseract-check") as pool:
        languages = pool.submit(_require_languages, settings.lang)
        from digitize import intake, pipeline  # noqa: F401 - what the first document needs

        try:
            languages.result()
        except DigitizeError as exc:
            fail(exc)

    files = list(intake.walk(list(paths)))
    if not files:
        no_documents()
    try:
        done, failed = _run_files(files, dossier, store, settings, as_json, force)
    except KeyboardInterrupt:
        interrupted(
            "\nInterrupted. Finished documents are stored; run the same command again to "
            "continue (they are skipped)."
        )
    if not as_json:
        click.echo(
            f"\n{len(files)} document(s): {done} done, {failed} failed. "
            f"Results are in {store.describe()}/dossiers/",
            err=True,
        )
    finish(failed)


def _require_languages(lang: str) -> None:
    from digitize import tesseract

    tesseract.require_languages(lang)


def _run_files(
    files: list[tuple[Path, Path | None]],
    dossier: str | None,
    store: Store,
    settings: Settings,
    as_json: bool,
    force: bool,
) -> tuple[int, int]:
    """Each file through the pipeline in turn; the counts of done and failed documents."""
    from digitize.intake import UnreadableFile
    from digitize.pipeline import process_document

    progress = RunProgress(len(files), as_json=as_json)
    done = failed = 0
    for n, (file, root) in enumerate(files, 1):
        code = dossier_for(file, root, dossier)
        progress.starting(n, file)
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
            file_error(file, exc)
            failed += 1
            continue
        rec = outcome.record
        failed += rec["status"] != "done"
        done += rec["status"] == "done"
        if as_json:
            print_record(rec)
        else:
            click.echo(summary_line(rec, outcome.skipped), err=True)
    return done, failed
