"""The pipeline: one document in, its stored results and record out.

``process_document`` is the single call that both ``digitize run`` and the queue workers make,
so in-process and queued runs cannot drift apart. Pages stream through one at a time (intake,
cleanup, OCR, PDF page, words file) so memory stays flat however long the document is; given a
path rather than bytes, the file itself is never held whole either (it is hashed, stored and
read in pieces). Whatever goes wrong with one document ends as a failed record for that
document; it never costs the others.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from digitize.errors import DigitizeError, DiskFull, StorageError
from digitize.intake import KINDS, Document, jpeg_quality, open_document, sha256_of_file
from digitize.models import PageResult
from digitize.pdfmeta import archive_metadata
from digitize.pdfwriter import SearchablePDF
from digitize.reading import complete_page, prepared_pages
from digitize.record import (
    DocumentType,
    FieldRecord,
    Quality,
    Record,
    RecordStatus,
    save_record,
    utc_now,
)
from digitize.settings import Settings
from digitize.signing import sign_searchable
from digitize.text import document_text
from storage import Store, layout, read_manifest, upsert_manifest_entry

log = logging.getLogger(__name__)

UNASSIGNED = "UNASSIGNED"

MIN_COPY_DPI = 200
"""Lowest resolution of an electronic copy of a paper document (Decree 30/2020, Appendix I)."""


@dataclass(frozen=True)
class Outcome:
    record: dict[str, Any]
    """The record as stored (plain JSON types, see :class:`~digitize.record.Record`)."""
    skipped: bool
    """True when the document was already stored and finished, so nothing was redone."""
    seconds: float


def now_iso() -> str:
    """Now as ISO 8601 in UTC with its offset, as records and manifests write times."""
    return utc_now().isoformat()


Source = bytes | os.PathLike[str]
"""A submitted file: its bytes, or its path (read in pieces, never whole)."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of_source(source: Source, name: str) -> str:
    """The SHA-256 of a submitted file, the same whether it is given as bytes or as a path."""
    if isinstance(source, bytes):
        return sha256_of(source)
    return sha256_of_file(Path(source), name=name)


def new_record(dossier_code: str, source_name: str, sha: str) -> Record:
    """The record of a document about to be read: its identity, nothing found yet."""
    return Record.start(dossier_code, source_name, doc_id=layout.doc_id_for(sha), sha256=sha)


def existing_record(store: Store, dossier_code: str, doc_id: str) -> dict[str, Any] | None:
    key = layout.document_key(dossier_code, doc_id, "record.json")
    if not store.exists(key):
        return None
    try:
        return json.loads(store.get_bytes(key))
    except (StorageError, ValueError):
        return None


def process_document(
    source: Source,
    *,
    source_name: str,
    dossier_code: str,
    store: Store,
    settings: Settings,
    force: bool = False,
    original_stored_as: str | None = None,
) -> Outcome:
    """Process one submitted file and store everything under its dossier.

    ``source`` is the file's bytes or its path. From a path the file is never held in memory
    whole (a 200-page scan is 80 MB): it is hashed in chunks, stored by streaming, and its
    pages are read one at a time; the file must not change while it is processed. The original
    is stored first, so nothing submitted is ever lost, even when the pipeline then fails on
    it. A document already finished (same bytes, same dossier) is not redone unless ``force``
    is set. ``original_stored_as`` is the key of an original that is already in the store (a
    queued job stored it at submission): it is linked, not written again.

    A path that cannot be read raises :class:`~digitize.intake.UnreadableFile` before anything
    is stored: without its bytes the file has no document id to file a record under.
    """
    started = time.monotonic()
    layout.validate_dossier_code(dossier_code)
    sha = sha256_of_source(source, source_name)
    record = new_record(dossier_code, source_name, sha)
    doc_id = record.doc_id
    if not force:
        previous = existing_record(store, dossier_code, doc_id)
        if previous is not None and previous.get("status") == "done":
            _repair_manifest(store, previous)
            return Outcome(previous, True, time.monotonic() - started)

    key = lambda name: layout.document_key(dossier_code, doc_id, name)  # noqa: E731
    meta = record.object_metadata()
    original_key = original_stored_as
    # Page reading counts pages into a plain copy, so a failure still says how far it got.
    progress = record.to_json_dict()
    try:
        doc = _open(source, source_name, settings)
        if original_stored_as is None:
            original_key = key(f"original.{doc.ext}")
            put_source(store, original_key, source, content_type=doc.content_type, meta=meta)
        with tempfile.TemporaryDirectory(prefix="digitize-") as tmp:
            pdf_path = Path(tmp) / "searchable.pdf"
            pages = _read_pages(doc, pdf_path, progress, store, settings, record)
            # Signed by the digitizing unit (when a key is configured) before it is stored.
            chosen = _choose_pdf(doc, pages, pdf_path)
            searchable_from = sign_searchable(chosen, Path(tmp), settings)
            store.put_file(
                key("searchable.pdf"),
                searchable_from,
                content_type="application/pdf",
                metadata=meta,
            )
        if doc.unreadable_pages:  # the other pages are kept; the record says which are missing
            record.quality.unreadable_pages = list(doc.unreadable_pages)
        text = record.text
        store.put_bytes(
            key("text.txt"),
            text.encode("utf-8"),
            content_type="text/plain; charset=utf-8",
            metadata=meta,
        )
        record.status = RecordStatus.DONE
    except DigitizeError as exc:
        exc = disk_full(exc, source_name) or exc
        record.fail(exc.to_dict())
        record.pages = progress["pages"]
        log.info("%s failed: %s", doc_id, exc.code)
        if original_key is None and not isinstance(exc, StorageError):
            original_key = _store_unreadable_original(store, key, source, meta)
    except Exception as exc:  # a bug must cost this document only, and never show a traceback
        log.debug("unexpected failure on %s", doc_id, exc_info=True)
        record.fail(_internal_error(exc, source_name))
        record.pages = progress["pages"]
    return Outcome(_save(store, record, original_key), False, time.monotonic() - started)


def _internal_error(exc: Exception, source_name: str) -> dict[str, Any]:
    full = disk_full(exc, source_name)
    if full is not None:
        return full.to_dict()
    return {
        "code": "internal_error",
        "message": f"Unexpected {type(exc).__name__} while processing {source_name}.",
        "hint": DigitizeError.hint,
    }


def disk_full(exc: BaseException, source_name: str) -> DiskFull | None:
    """A :class:`DiskFull` when ``exc`` was caused by a full disk (ENOSPC), else ``None``.

    The PDF libraries wrap the system's error in their own, so the whole chain is looked at.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            break
        if "No space left on device" in str(seen):
            break
        seen = seen.__cause__ or seen.__context__
    else:
        return None
    where = tempfile.gettempdir()
    return DiskFull(f"No space left in {where} while processing {source_name}.", path=where)


def _repair_manifest(store: Store, stored: dict[str, Any]) -> None:
    """Write a done record's manifest entry when the manifest lacks it or says otherwise.

    The record is written before its manifest entry, so a process killed between the two
    writes leaves a record its manifest does not list; the next run finds the record done and
    skips the document, so this is where the entry is put right (one manifest read).
    """
    try:
        record = Record.from_stored(stored)
        entry = record.manifest_entry().model_dump(mode="json")
        manifest = read_manifest(store, record.dossier_code) or {}
        if entry not in (manifest.get("documents") or []):
            log.info("%s: manifest entry written again", record.doc_id)
            upsert_manifest_entry(store, record.dossier_code, entry, links_are=record.links_are)
    except (DigitizeError, ValidationError) as exc:
        log.warning("manifest of %s not checked: %s", stored.get("doc_id"), type(exc).__name__)


def _open(source: Source, source_name: str, settings: Settings) -> Document:
    opts = {
        "max_pixels": settings.max_pixels,
        "pdf_dpi": settings.pdf_render_dpi,
        "max_pages": settings.max_pages,
    }
    if isinstance(source, bytes):
        return open_document(Path(source_name), source, **opts)
    return open_document(Path(source), None, name=source_name, **opts)


def put_source(
    store: Store, key: str, source: Source, *, content_type: str, meta: dict[str, str]
) -> None:
    """Store a submitted file: bytes as they are, a path streamed from the disk."""
    if isinstance(source, bytes):
        store.put_bytes(key, source, content_type=content_type, metadata=meta)
    else:
        store.put_file(key, source, content_type=content_type, metadata=meta)


def _store_unreadable_original(
    store: Store, key: Callable[[str], str], source: Source, meta: dict[str, str]
) -> str | None:
    """Keep even a file we cannot read: nothing a desk submitted may be lost."""
    try:
        k = key("original.bin")
        put_source(store, k, source, content_type="application/octet-stream", meta=meta)
        return k
    except DigitizeError:
        return None


def _read_pages(
    doc: Document,
    pdf_path: Path,
    record: dict[str, Any],
    store: Store,
    settings: Settings,
    finished: Record,
) -> list[PageResult]:
    """Every page read, written to the searchable PDF and its words file as it comes.

    Only the small per-page results are kept (the classifier and the record need every page's
    words and text); page images are dropped as soon as their PDF page is written. The next
    page is decoded and cleaned on a helper thread while Tesseract reads this one. Once every
    page is read, ``finished`` is filled (:func:`finish_record`) before the PDF is completed,
    so the PDF's metadata carries the document's type, number, date, organ and subject.
    """
    pages: list[PageResult] = []
    dossier, doc_id = record["dossier_code"], record["doc_id"]
    # A JPEG is one page, decoded whole anyway: a page encoded again keeps its quality.
    source_quality = jpeg_quality(doc.read_bytes()) if doc.kind == "jpeg" else None
    profile = settings.pdf_profile
    with SearchablePDF(pdf_path, title=record["source_name"], profile=profile) as pdf:
        lang, timeout = settings.lang, settings.ocr_timeout_s
        ahead = prepared_pages(doc.pages(), lang=lang, timeout=timeout, name=record["source_name"])
        for ready in ahead:
            page = ready.page
            read = complete_page(ready, lang=lang, timeout=timeout)
            result = read.result
            pdf.add_page(
                read.display,
                dpi=result.dpi,
                words=result.words,
                bilevel=page.bilevel,
                jpeg_quality=source_quality,
                source=page.source_image,
                placement=read.placement,
            )
            result.quality["stored_image"] = pdf.image_kinds[-1]
            store.put_bytes(
                layout.page_words_key(dossier, doc_id, result.index + 1),
                json.dumps(result.words_json(), ensure_ascii=False).encode("utf-8"),
                content_type="application/json",
            )
            pages.append(result)
            record["pages"] = len(pages)
        finish_record(finished, pages)
        pdf.describe(archive_metadata(finished))
    return pages


def _choose_pdf(doc: Document, pages: list[PageResult], built: Path) -> Path:
    """A born-digital PDF whose every page has real text is already searchable: keep it."""
    if doc.kind == "pdf" and pages and all(p.source == "text_layer" for p in pages):
        if doc.data is None:
            return doc.path
        original = built.with_name("original.pdf")
        original.write_bytes(doc.data)
        return original
    return built


def finish_record(record: Record, pages: list[PageResult]) -> None:
    """Fill ``record`` from the read pages: text, quality, then type and fields.

    The classifier's output is checked against the record's model here (a field flagged for
    review must say why, confidences are 0..1), so a classifier bug fails this document with
    ``internal_error`` instead of storing a record that breaks the contract.
    """
    record.pages = len(pages)
    record.text = document_text(p.text for p in pages)
    confs = [w.conf for p in pages for w in p.words]
    record.quality = Quality(
        mean_word_confidence=round(sum(confs) / len(confs), 3) if confs else None,
        rotation_applied=[p.quality.get("rotation", 0) for p in pages],
        skew_deg=[p.quality.get("skew_deg", 0.0) for p in pages],
        dpi=[round(p.dpi) for p in pages],
        page_sources=[p.source for p in pages],
        # Decree 30 asks for copies of at least 200 dpi: these pages should be scanned again.
        low_resolution_pages=[p.index + 1 for p in pages if p.dpi < MIN_COPY_DPI - 0.5],
        # What cleanup did to each page (orientation evidence, dpi source, seals, ...).
        page_details=[{"page": p.index + 1, **p.quality} for p in pages],
    )
    import classifiers  # imported once pages are read, so that reading starts without waiting

    found = classifiers.classify(pages)
    record.document_type = DocumentType.model_validate(found.document_type)
    record.fields = {k: FieldRecord.model_validate(v) for k, v in found.fields.items()}
    if found.metadata:
        record.metadata = dict(found.metadata)


def _save(store: Store, record: Record, original_key: str | None) -> dict[str, Any]:
    """Store the record through the one writer; a failing store fails the document."""
    try:
        return save_record(store, record, original_key=original_key)
    except DigitizeError as exc:
        # The store itself is failing: the record cannot be kept there; say so in the result.
        if record.status is RecordStatus.DONE:
            record.fail(exc.to_dict())
        return record.to_json_dict()
    except ValidationError as exc:  # a bug: still keep a failed record for this document
        log.debug("record of %s breaks the record model", record.doc_id, exc_info=True)
        failed = Record.start(
            record.dossier_code, record.source_name, doc_id=record.doc_id, sha256=record.sha256
        )
        failed.fail(_internal_error(exc, record.source_name))
        return _save(store, failed, original_key)


__all__ = [
    "KINDS",
    "Outcome",
    "Source",
    "UNASSIGNED",
    "finish_record",
    "new_record",
    "process_document",
    "put_source",
    "sha256_of",
    "sha256_of_source",
]
