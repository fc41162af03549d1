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
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@with_settings
def status(settings: Settings, code: str, out: str | None, as_json: bool) -> None:
    """Show a dossier's documents and their state."""
    from storage import layout, open_store

    try:
        layout.validate_dossier_code(code)
        store = open_store(settings, out)
        manifest = json.loads(store.get_bytes(layout.manifest_key(code)))
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
