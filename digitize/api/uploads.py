"""An uploaded file, checked against the limits and handed to ``submit`` like a desk's file.

The limits are settings (``DIGITIZE_API_MAX_UPLOAD_MB``, ``DIGITIZE_API_MAX_PAGES``) and are
answered with 413 and a message that states them, before anything is stored. Pages are counted
from the file's own structure (a PDF's page tree, a TIFF's frames), never by decoding them. A
file that cannot be counted is still accepted: its job will fail it with the pipeline's own
typed error, in its record, which is where a dossier system looks for it.

Each document also gets a small ``submission.json`` beside its original: its role in the
dossier (a ``component`` the citizen brought, or the ``result`` the agency issued), when it
was uploaded and by which unit. The Index 766 report reads it; the pipeline never does.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Literal

from digitize.errors import TooLarge
from digitize.intake import sniff
from digitize.record import utc_now
from digitize.settings import Settings
from storage import Store, document_key

Role = Literal["component", "result"]
SUBMISSION = "submission.json"
"""Name of a document's upload sidecar, beside its original."""

IN_MEMORY_BYTES = 16 * 1024 * 1024
"""Uploads up to this size are handed to ``submit`` as bytes; larger ones as a temporary file,
so a big scan is streamed to the store instead of being held whole."""

MAX_FILES = 50
"""Most files in one upload request."""


class UploadTooLarge(TooLarge):
    code = "upload_too_large"
    hint = "Split the document or scan it at a lower resolution, then upload it again."


def max_bytes(settings: Settings) -> int:
    return int(settings.api_max_upload_mb * 1024 * 1024)


def check_request_size(content_length: str | None, settings: Settings) -> None:
    """Refuse a request body that cannot fit, before it is read."""
    size = int(content_length) if content_length and content_length.isdigit() else 0
    if size > max_bytes(settings) * MAX_FILES + 1024 * 1024:
        raise UploadTooLarge(
            f"the upload is {size / 1e6:.0f} MB: at most {MAX_FILES} files "
            f"of {settings.api_max_upload_mb:g} MB each are accepted in one request."
        )


def source_name_of(filename: str | None, index: int) -> str:
    """The name a document keeps: the uploaded file's own name, without any folder part."""
    name = unicodedata.normalize("NFC", (filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:128]
    return name if name and not name.startswith(".") else f"upload-{index + 1}"


def check_upload(file: BinaryIO, name: str, settings: Settings) -> None:
    """Refuse a file over the size or page limit (413, stating the limit); nothing is stored."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size > max_bytes(settings):
        raise UploadTooLarge(
            f"{name} is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{settings.api_max_upload_mb:g} MB per file (DIGITIZE_API_MAX_UPLOAD_MB)."
        )
    pages = count_pages(file)
    file.seek(0)
    if pages is not None and pages > settings.api_max_pages:
        raise UploadTooLarge(
            f"{name} has {pages} pages; the limit is {settings.api_max_pages} pages per file "
            "(DIGITIZE_API_MAX_PAGES).",
            hint="Split the document into parts of fewer pages and upload each part.",
        )


def count_pages(file: BinaryIO) -> int | None:
    """Pages of a PDF or TIFF (1 for other images); ``None`` when the file cannot be counted."""
    kind = sniff(file.read(1024))
    file.seek(0)
    try:
        if kind == "pdf":
            import pypdfium2

            pdf = pypdfium2.PdfDocument(file)
            try:
                return len(pdf)
            finally:
                pdf.close()
        if kind == "tiff":
            from PIL import Image

            with Image.open(file) as im:
                return int(getattr(im, "n_frames", 1))
    except Exception:  # a damaged file is the pipeline's to report, in its record
        return None
    return 1 if kind else None


@contextmanager
def staged(file: BinaryIO) -> Iterator[bytes | Path]:
    """The upload as bytes (small) or as a private temporary file (large), for ``submit``."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size <= IN_MEMORY_BYTES:
        yield file.read()
        return
    with tempfile.TemporaryDirectory(prefix="digitize-upload-") as tmp:
        path = Path(tmp) / "upload"
        with path.open("wb") as out:
            shutil.copyfileobj(file, out, 1024 * 1024)
        yield path


def write_submission(
    store: Store, code: str, doc_id: str, *, role: Role, unit: str, source_name: str
) -> None:
    """Store the document's upload sidecar (its role is what the Index 766 report needs)."""
    body = {
        "role": role,
        "unit": unit,
        "source_name": source_name,
        "uploaded_at": utc_now().isoformat(),
    }
    store.put_bytes(
        document_key(code, doc_id, SUBMISSION),
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
        content_type="application/json",
    )
