"""The pipeline: one document in, its stored results and record out.

``process_document`` is the single call that both ``digitize run`` and the queue workers make,
so in-process and queued runs cannot drift apart. Pages stream through one at a time (intake,
cleanup, OCR, PDF page) so memory stays flat however long the document is. Whatever goes wrong
with one document ends as a failed record for that document; it never costs the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import classifiers
from digitize import PIPELINE_VERSION
from digitize.errors import DigitizeError, StorageError
from digitize.intake import KINDS, jpeg_quality, open_document
from digitize.models import PageResult
from digitize.pdfwriter import SearchablePDF
from digitize.reading import read_page
from digitize.settings import Settings
from digitize.text import document_text
from storage import Store, layout, upsert_manifest_entry

log = logging.getLogger(__name__)

UNASSIGNED = "UNASSIGNED"

MIN_COPY_DPI = 200
"""Lowest resolution of an electronic copy of a paper document (Decree 30/2020, Appendix I)."""


@dataclass(frozen=True)
class Outcome:
    record: dict[str, Any]
    skipped: bool
    """True when the document was already stored and finished, so nothing was redone."""
    seconds: float


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _base_record(dossier_code: str, source_name: str, sha: str) -> dict[str, Any]:
    return {
        "doc_id": layout.doc_id_for(sha),
        "dossier_code": dossier_code,
        "source_name": source_name,
        "sha256": sha,
        "pages": 0,
        "pipeline_version": PIPELINE_VERSION,
        "status": "failed",
        "error": None,
        "document_type": {"code": "unknown", "label": "Không xác định", "confidence": 0.0},
        "fields": {},
        "text": "",
        "quality": {},
        "created_at": now_iso(),
    }


def _object_metadata(record: dict[str, Any]) -> dict[str, str]:
    return {
        "dossier_code": record["dossier_code"],
        "doc_id": record["doc_id"],
        "sha256": record["sha256"],
        "pipeline_version": PIPELINE_VERSION,
    }


def existing_record(store: Store, dossier_code: str, doc_id: str) -> dict[str, Any] | None:
    key = layout.document_key(dossier_code, doc_id, "record.json")
    if not store.exists(key):
        return None
    try:
        return json.loads(store.get_bytes(key))
    except (StorageError, ValueError):
        return None


def process_document(
    data: bytes,
    *,
    source_name: str,
    dossier_code: str,
    store: Store,
    settings: Settings,
    force: bool = False,
    original_stored_as: str | None = None,
) -> Outcome:
    """Process one submitted file and store everything under its dossier.

    The original is stored first, so nothing submitted is ever lost, even when the pipeline
    then fails on it. A document already finished (same bytes, same dossier) is not redone
    unless ``force`` is set. ``original_stored_as`` is the key of an original that is already
    in the store (a queued job stored it at submission): it is linked, not written again.
    """
    started = time.monotonic()
    layout.validate_dossier_code(dossier_code)
    sha = sha256_of(data)
    record = _base_record(dossier_code, source_name, sha)
    doc_id = record["doc_id"]
    if not force:
        previous = existing_record(store, dossier_code, doc_id)
        if previous is not None and previous.get("status") == "done":
            return Outcome(previous, True, time.monotonic() - started)

    key = lambda name: layout.document_key(dossier_code, doc_id, name)  # noqa: E731
    meta = _object_metadata(record)
    original_key = original_stored_as
    try:
        doc = open_document(
            Path(source_name), data, max_pixels=settings.max_pixels, pdf_dpi=settings.pdf_render_dpi
        )
        if original_stored_as is None:
            original_key = key(f"original.{doc.ext}")
            store.put_bytes(original_key, data, content_type=doc.content_type, metadata=meta)
        with tempfile.TemporaryDirectory(prefix="digitize-") as tmp:
            pdf_path = Path(tmp) / "searchable.pdf"
            pages = _read_pages(doc, pdf_path, record, store, settings)
            searchable_from = _choose_pdf(doc, pages, pdf_path)
            store.put_file(
                key("searchable.pdf"),
                searchable_from,
                content_type="application/pdf",
                metadata=meta,
            )
        _finish_record(record, pages)
        text = record["text"]
        store.put_bytes(
            key("text.txt"),
            text.encode("utf-8"),
            content_type="text/plain; charset=utf-8",
            metadata=meta,
        )
        record["status"] = "done"
    except DigitizeError as exc:
        record["status"] = "failed"
        record["error"] = exc.to_dict()
        log.info("%s failed: %s", doc_id, exc.code)
        if original_key is None and not isinstance(exc, StorageError):
            original_key = _store_unreadable_original(store, key, data, meta)
    except Exception as exc:  # a bug must cost this document only, and never show a traceback
        log.debug("unexpected failure on %s", doc_id, exc_info=True)
        record["status"] = "failed"
        record["error"] = {
            "code": "internal_error",
            "message": f"Unexpected {type(exc).__name__} while processing {source_name}.",
            "hint": DigitizeError.hint,
        }
    _save(store, record, original_key, meta)
    return Outcome(record, False, time.monotonic() - started)


def _store_unreadable_original(store: Store, key, data: bytes, meta: dict[str, str]) -> str | None:
    """Keep even a file we cannot read: nothing a desk submitted may be lost."""
    try:
        k = key("original.bin")
        store.put_bytes(k, data, content_type="application/octet-stream", metadata=meta)
        return k
    except DigitizeError:
        return None


def _read_pages(doc, pdf_path: Path, record: dict[str, Any], store: Store, settings: Settings):
    pages: list[PageResult] = []
    dossier, doc_id = record["dossier_code"], record["doc_id"]
    source_quality = jpeg_quality(doc.data) if doc.kind == "jpeg" else None
    with SearchablePDF(pdf_path, title=record["source_name"]) as pdf:
        for page in doc.pages():
            read = read_page(
                page, lang=settings.lang, timeout=settings.ocr_timeout_s, name=record["source_name"]
            )
            result = read.result
            pristine_jpeg = doc.kind == "jpeg" and read.display is page.image and page.pristine
            pdf.add_page(
                read.display,
                dpi=result.dpi,
                words=result.words,
                bilevel=page.bilevel,
                jpeg_bytes=doc.data if pristine_jpeg else None,
                jpeg_quality=source_quality,
            )
            store.put_bytes(
                layout.page_words_key(dossier, doc_id, result.index + 1),
                json.dumps(result.words_json(), ensure_ascii=False).encode("utf-8"),
                content_type="application/json",
            )
            pages.append(result)
            record["pages"] = len(pages)
    return pages


def _choose_pdf(doc, pages: list[PageResult], built: Path) -> Path:
    """A born-digital PDF whose every page has real text is already searchable: keep it."""
    if doc.kind == "pdf" and pages and all(p.source == "text_layer" for p in pages):
        original = built.with_name("original.pdf")
        original.write_bytes(doc.data)
        return original
    return built


def _finish_record(record: dict[str, Any], pages: list[PageResult]) -> None:
    record["pages"] = len(pages)
    record["text"] = document_text(p.text for p in pages)
    confs = [w.conf for p in pages for w in p.words]
    record["quality"] = {
        "mean_word_confidence": round(sum(confs) / len(confs), 3) if confs else None,
        "rotation_applied": [p.quality.get("rotation", 0) for p in pages],
        "skew_deg": [p.quality.get("skew_deg", 0.0) for p in pages],
        "dpi": [round(p.dpi) for p in pages],
        "page_sources": [p.source for p in pages],
        # Decree 30 asks for copies of at least 200 dpi: these pages should be scanned again.
        "low_resolution_pages": [p.index + 1 for p in pages if p.dpi < MIN_COPY_DPI - 0.5],
        # What cleanup did to each page (orientation evidence, dpi source, seals, ...).
        "page_details": [{"page": p.index + 1, **p.quality} for p in pages],
    }
    found = classifiers.classify(pages)
    record["document_type"] = found.document_type
    record["fields"] = found.fields
    if found.metadata:
        record["metadata"] = found.metadata


def _save(store: Store, record: dict[str, Any], original_key: str | None, meta) -> None:
    dossier, doc_id = record["dossier_code"], record["doc_id"]
    key = lambda name: layout.document_key(dossier, doc_id, name)  # noqa: E731
    done = record["status"] == "done"
    links = {
        "original": original_key,
        "searchable_pdf": key("searchable.pdf") if done else None,
        "text": key("text.txt") if done else None,
        "record": key("record.json"),
    }
    record["links"] = links
    record["links_are"] = "keys"
    try:
        store.put_bytes(
            key("record.json"),
            json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"),
            content_type="application/json",
            metadata=meta,
        )
        upsert_manifest_entry(
            store,
            dossier,
            {
                "doc_id": doc_id,
                "source_name": record["source_name"],
                "document_type": record["document_type"]["code"],
                "status": record["status"],
                "pages": record["pages"],
                "links": links,
            },
            links_are="keys",
        )
    except DigitizeError as exc:
        # The store itself is failing: the record cannot be kept there; say so in the result.
        record["status"] = "failed"
        record["error"] = record["error"] or exc.to_dict()


__all__ = ["KINDS", "Outcome", "UNASSIGNED", "process_document", "sha256_of"]
