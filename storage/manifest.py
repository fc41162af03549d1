"""A dossier's ``manifest.json``: the one object several workers update at the same time.

Each worker that finishes a document calls :func:`upsert_manifest_entry`; the read-modify-write
goes through :meth:`Store.update_json`, so two documents of one dossier finishing together both
end up in the manifest. Entries are keyed by ``doc_id``: resubmitting or reprocessing a document
replaces its entry in place, so the manifest never lists a document twice and its order (the
order documents were first seen) does not jump around between runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from digitize.errors import InvalidName, NotFound

from .base import JsonObject, Store, decode_json_object
from .layout import (
    manifest_key,
    original_key,
    record_key,
    searchable_pdf_key,
    text_key,
    validate_doc_id,
    validate_dossier_code,
)

ENTRY_KEYS = ("doc_id", "source_name", "document_type", "status", "pages", "links")
"""Keys of a manifest entry, per the contract; extra keys are kept as given."""
LINK_KEYS = ("original", "searchable_pdf", "text", "record")
"""Keys of an entry's ``links`` object, per the contract (see :func:`document_links`)."""

ManifestLinkKind = Literal["paths", "presigned", "keys"]
MANIFEST_LINK_KINDS = ("paths", "presigned", "keys")


def upsert_manifest_entry(
    store: Store,
    dossier_code: str,
    entry: Mapping[str, Any],
    *,
    links_are: ManifestLinkKind | None = None,
) -> JsonObject:
    """Add or replace one document's entry in the dossier's manifest; return the new manifest.

    ``entry`` carries the contract's keys (``doc_id``, ``source_name``, ``document_type``,
    ``status``, ``pages``, ``links``); extra keys are kept. ``dossier_code``, ``updated_at``
    (ISO 8601, UTC) and ``links_are`` are set here so that every writer sets them the same way.
    ``links_are`` says what the entries' links are: by default what ``store.link`` gives
    (``paths`` or ``presigned``, see :func:`document_links`); pass ``"keys"`` when the links
    are storage keys, which never expire.
    """
    kind = links_are or store.links_are
    if kind not in MANIFEST_LINK_KINDS:
        raise ValueError(f"links_are must be one of {MANIFEST_LINK_KINDS}, not {kind!r}")
    code = validate_dossier_code(dossier_code)
    if not isinstance(entry, Mapping) or "doc_id" not in entry:
        raise InvalidName(f"manifest entry for dossier {code!r} has no doc_id: {entry!r}")
    new_entry = dict(entry)
    doc_id = validate_doc_id(new_entry["doc_id"])

    def merge(current: JsonObject | None) -> JsonObject:
        current = current or {}
        documents = [d for d in current.get("documents") or [] if isinstance(d, dict)]
        for i, doc in enumerate(documents):
            if doc.get("doc_id") == doc_id:
                documents[i] = new_entry
                break
        else:
            documents.append(new_entry)
        # Fixed key order first, so the file reads the same whoever wrote it last.
        manifest: JsonObject = {
            "dossier_code": code,
            "documents": documents,
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "links_are": kind,
        }
        for k, v in current.items():
            manifest.setdefault(k, v)
        return manifest

    return store.update_json(manifest_key(code), merge)


def read_manifest(store: Store, dossier_code: str) -> JsonObject | None:
    """The dossier's manifest, or ``None`` when nothing was stored for it yet."""
    key = manifest_key(dossier_code)
    try:
        data = store.get_bytes(key)
    except NotFound:
        return None
    return decode_json_object(data, key=key, where=store.describe())


def document_links(store: Store, dossier_code: str, doc_id: str, *, ext: str) -> dict[str, str]:
    """The ``links`` object of a manifest entry: original, searchable_pdf, text, record.

    ``ext`` is the original's extension. Links are paths or presigned URLs, per
    ``store.links_are``; presigned URLs expire, so dossier systems should refresh them with
    ``digitize fetch`` rather than store them forever.
    """
    links = {
        "original": store.link(original_key(dossier_code, doc_id, ext)),
        "searchable_pdf": store.link(searchable_pdf_key(dossier_code, doc_id)),
        "text": store.link(text_key(dossier_code, doc_id)),
        "record": store.link(record_key(dossier_code, doc_id)),
    }
    return links
