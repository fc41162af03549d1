"""`digitize export`: a dossier's documents as an archive takes them (Decree 30/2020).

Per finished document of the dossier, read from the local folder or the bucket as `fetch`
reads them: the searchable PDF (signed by the digitizing unit when a key was configured) and
an XML file of its Appendix VI metadata, with the schema both follow beside them::

    DIR/<dossier_code>/001-<doc_id>.pdf
    DIR/<dossier_code>/001-<doc_id>.xml
    DIR/<dossier_code>/decree30-metadata.xsd

The number is the document's ordinal in the dossier (the order the manifest lists documents in,
which never changes between runs). A document that failed is not exported; it is named on
stderr and the command exits 1, so a script knows the export is incomplete.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from digitize.cli.output import fail, finish, with_settings
from digitize.errors import DigitizeError, NotFound, StorageError

if TYPE_CHECKING:
    from digitize.settings import Settings
    from storage import Store

log = logging.getLogger(__name__)


@click.command()
@click.argument("code")
@click.option(
    "--to",
    "dest",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into (a sub-folder named after the dossier is made there).",
)
@click.option("--out", help="Local folder or s3://bucket/prefix (default: DIGITIZE_STORE).")
@with_settings
def export(settings: Settings, code: str, dest: Path, out: str | None) -> None:
    """Export a dossier for archives: each document's PDF and its Decree 30 metadata XML."""
    from digitize.archive import SCHEMA_NAME, schema_text
    from storage import layout, open_store, read_manifest

    try:
        layout.validate_dossier_code(code)
        store = open_store(settings, out)
        manifest = read_manifest(store, code)
        if manifest is None or not manifest.get("documents"):
            raise NotFound(f"Dossier {code} has no stored documents in {store.describe()}.")
        folder = dest / code
        folder.mkdir(parents=True, exist_ok=True)
        (folder / SCHEMA_NAME).write_bytes(schema_text())
    except DigitizeError as exc:
        fail(exc)
    except OSError as exc:
        fail(StorageError(f"Cannot write into {dest}: {exc.strerror or exc}."))
    exported = left_out = 0
    for ordinal, entry in enumerate(manifest["documents"], 1):
        name = entry.get("source_name", entry.get("doc_id"))
        if entry.get("status") != "done":
            click.secho(f"not exported: {name} ({entry.get('status')})", fg="yellow", err=True)
            left_out += 1
            continue
        try:
            _export_one(store, code, entry["doc_id"], ordinal, folder)
            exported += 1
        except DigitizeError as exc:
            click.secho(f"error: {name}: {exc.message}", fg="red", err=True)
            click.echo(f"  what to do: {exc.hint}", err=True)
            left_out += 1
        except OSError as exc:
            click.secho(f"error: cannot write {name} into {folder}: {exc}", fg="red", err=True)
            left_out += 1
    click.echo(
        f"{exported} document(s) of dossier {code} exported to {folder}"
        + (f"; {left_out} not exported" if left_out else ""),
        err=True,
    )
    finish(left_out)


def _export_one(store: Store, code: str, doc_id: str, ordinal: int, folder: Path) -> None:
    """One document's PDF and XML, written only once both can be."""
    from digitize.archive import metadata_xml
    from storage import layout

    record = _record(store, layout.document_key(code, doc_id, "record.json"))
    stem = f"{ordinal:03d}-{doc_id}"
    pdf = folder / f"{stem}.pdf"
    partial = pdf.with_suffix(".pdf.part")
    try:
        store.get_file(layout.document_key(code, doc_id, "searchable.pdf"), partial)
        xml = metadata_xml(record, ordinal=ordinal, signatures=_signatures(partial))
        (folder / f"{stem}.xml").write_bytes(xml)
        partial.replace(pdf)
    finally:
        partial.unlink(missing_ok=True)


def _record(store: Store, key: str) -> dict[str, Any]:
    try:
        record = json.loads(store.get_bytes(key))
    except ValueError:
        raise StorageError(f"The stored record {key} is not valid JSON.") from None
    if not isinstance(record, dict) or record.get("status") != "done":
        raise StorageError(f"The stored record {key} is not a finished document's.")
    return record


def _signatures(pdf: Path) -> list[Any]:
    """The signatures the PDF states (none when it cannot be parsed for them)."""
    from digitize.signing import read_signatures

    try:
        return read_signatures(pdf)
    except Exception:  # an unusual born-digital PDF: export it, without signature details
        log.debug("signatures of %s not read", pdf.name, exc_info=True)
        return []
