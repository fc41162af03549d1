"""Screening of a submitted file before any page of it is decoded.

Intake refuses what it cannot or should not read while that is still cheap: a format we do
not read is named from its first bytes (a HEIC photo gets a different hint from a Word file),
a document with more pages than ``DIGITIZE_MAX_PAGES`` is refused from its page count, and a
PDF whose structure would cost unbounded time or memory to draw (a "PDF bomb": objects nested
past the parser's limit, millions of objects, a page tree nested thousands deep, or forms that
draw forms that draw forms until one page means billions of drawings) is refused before PDFium
is asked to lay out a page. PDFium has no time limit of its own: a page of ten forms each
drawing ten others, nine levels down, keeps it busy for hours, so the cost is counted here from
the structure, with pikepdf, which never draws.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

from digitize.errors import (
    CorruptFile,
    EncryptedPDF,
    PDFTooComplex,
    TooManyPages,
    UnsupportedFormat,
)

log = logging.getLogger(__name__)

ACCEPTED = "JPEG, PNG, TIFF, BMP, WebP or PDF"

NOT_ACCEPTED_SUFFIXES = frozenset(
    {
        ".gif", ".heic", ".heif", ".avif", ".jp2", ".jpx", ".jxl", ".djvu", ".svg",
        ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".zip", ".rar", ".7z",
    }
)  # fmt: skip
"""Endings of files that look like documents but are not read: a folder walk picks them up so
that each gets a failed record saying how to convert it, instead of being skipped silently."""

_OFFICE_HINT = "Export it to PDF (File > Save as PDF) and resubmit the PDF."
_IMAGE_HINT = "Save it as PNG or JPEG and resubmit it."
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def unsupported(head: bytes, label: str, path: Path) -> UnsupportedFormat:
    """The error for a file we do not read, naming what it seems to be and how to convert it."""
    what, hint = _recognise(head)
    message = f"{label} is {what}, not a {ACCEPTED} file." if what else None
    return UnsupportedFormat(
        message or f"{label} is not a {ACCEPTED} file.", hint=hint, path=str(path)
    )


def _recognise(head: bytes) -> tuple[str | None, str | None]:
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image", _IMAGE_HINT
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "a HEIC/HEIF photo", (
            "Export the photo as JPEG (on an iPhone: Settings > Camera > Formats > Most "
            "Compatible) and resubmit it."
        )
    if head.startswith(b"\x00\x00\x00\x0cjP  ") or head.startswith(b"\xff\x4f\xff\x51"):
        return "a JPEG 2000 image", _IMAGE_HINT
    if head.startswith(b"AT&TFORM"):
        return "a DjVu document", "Export it to PDF and resubmit the PDF."
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        return "an office document or an archive (Word, Excel, ZIP)", (
            f"{_OFFICE_HINT} Submit the scans inside an archive one by one."
        )
    if head.startswith(b"{\\rtf"):
        return "a text document (RTF)", _OFFICE_HINT
    if _looks_like_text(head):
        return "a text file", (
            f"Submit the scan itself ({ACCEPTED}); a text file has no page image to read."
        )
    return None, f"Submit {ACCEPTED} files."


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte letter cut at the end of the head is still text.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return bool(text) and all(c.isprintable() or c in "\r\n\t\f" for c in text)


def check_page_count(count: int, limit: int, name: str) -> None:
    """Refuse a document of more than ``limit`` pages, before its first page is read."""
    if count > limit:
        raise TooManyPages(f"{name} has {count:,} pages, more than the {limit:,} accepted.")


MAX_PDF_OBJECTS = 1_000_000
"""Most objects a PDF may declare; a 400-page scan has a few thousand."""

MAX_FORM_DRAWS = 20_000
"""Most drawings of forms (XObjects placed with ``Do``, counted through nesting) on one page.
A born-digital page places tens; a scan one image."""

MAX_FORM_DEPTH = 24
"""Deepest chain of forms drawing forms."""

_DO_RE = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")
_PARSER_LIMIT = "limits error"
"""What qpdf's warnings start with when it met a structure past its own limits (nesting)."""


def check_pdf_structure(source: bytes | Path, name: str, *, max_pages: int) -> None:
    """Refuse a PDF whose structure would cost unbounded time or memory to draw.

    A file pikepdf cannot open at all is left to PDFium, which reads some damaged files that
    qpdf refuses; a password is refused here already.
    """
    import pikepdf  # PDFs only; intake of images never pays for it

    try:
        pdf = pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    except pikepdf.PasswordError as exc:
        raise EncryptedPDF(f"{name} is protected by a password.") from exc
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        if "deeply nested" in str(exc):
            raise PDFTooComplex(f"{name}: its page tree is nested too deeply.") from exc
        log.info("PDF structure not screened: %s", type(exc).__name__)
        return
    with pdf:
        size = int(pdf.trailer.get("/Size", 0) or 0)
        if size > MAX_PDF_OBJECTS:
            raise PDFTooComplex(
                f"{name} declares {size:,} objects, more than the {MAX_PDF_OBJECTS:,} a "
                "document may have."
            )
        try:
            count = len(pdf.pages)
        except pikepdf.PdfError as exc:
            if "deeply nested" in str(exc):
                raise PDFTooComplex(f"{name}: its page tree is nested too deeply.") from exc
            log.info("PDF page tree not screened: %s", type(exc).__name__)
            return
        _refuse_parser_limits(pdf, name)
        if count == 0:
            raise CorruptFile(
                f"{name} has no pages.",
                hint="The PDF holds no page; export or scan the document again and resubmit it.",
            )
        check_page_count(count, max_pages, name)
        memo: dict[tuple[int, int], int] = {}
        for index, page in enumerate(pdf.pages):
            draws = _page_draws(page.obj, memo)
            if draws > MAX_FORM_DRAWS:
                raise PDFTooComplex(
                    f"{name} page {index + 1} draws its forms more than "
                    f"{MAX_FORM_DRAWS:,} times (forms nested in forms)."
                )
        _refuse_parser_limits(pdf, name)


def _refuse_parser_limits(pdf: Any, name: str) -> None:
    """qpdf drops what is nested past its limit (with a warning): that is a bomb, not a page."""
    if any(_PARSER_LIMIT in w for w in pdf.get_warnings()):
        raise PDFTooComplex(f"{name} holds objects nested deeper than a PDF parser allows.")


def _page_draws(page: Any, memo: dict[tuple[int, int], int]) -> int:
    """Forms drawn by one page, through every level of nesting, stopping once over budget."""
    resources = page.get("/Resources")
    total = _stream_draws(_content_bytes(page.get("/Contents")), resources, memo, 0)
    for annot in _as_list(page.get("/Annots")):
        appearance = annot.get("/AP") if hasattr(annot, "get") else None
        normal = appearance.get("/N") if hasattr(appearance, "get") else None
        if normal is not None and hasattr(normal, "read_bytes"):
            total += _form_draws(normal, resources, memo, 0)
        if total > MAX_FORM_DRAWS:
            break
    return total


def _stream_draws(
    content: bytes, resources: Any, memo: dict[tuple[int, int], int], depth: int
) -> int:
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    total = 0
    for match in _DO_RE.finditer(content):
        total += 1
        target = xobjects.get("/" + match.group(1).decode("latin-1")) if xobjects else None
        if target is not None and target.get("/Subtype") == "/Form":
            total += _form_draws(target, resources, memo, depth + 1)
        if total > MAX_FORM_DRAWS:
            break
    return total


def _form_draws(form: Any, inherited: Any, memo: dict[tuple[int, int], int], depth: int) -> int:
    """What drawing ``form`` once costs; a form met again is priced from memory, and a form
    drawing itself (a cycle) costs more than any page may."""
    key = form.objgen
    if key in memo:
        return memo[key]
    over = MAX_FORM_DRAWS + 1
    if depth > MAX_FORM_DEPTH:
        return over
    if key != (0, 0):
        memo[key] = over  # while it is priced: met again below it, it is a cycle
    try:
        content = form.read_bytes()
    except Exception:  # noqa: BLE001 - an undecodable form draws nothing in PDFium either
        content = b""
    cost = _stream_draws(content, form.get("/Resources") or inherited, memo, depth)
    if key != (0, 0):
        memo[key] = cost
    return cost


def _content_bytes(contents: Any) -> bytes:
    parts = []
    for stream in _as_list(contents):
        try:
            parts.append(stream.read_bytes())
        except Exception:  # noqa: BLE001 - PDFium skips an undecodable content stream too
            continue
    return b"\n".join(parts)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    try:
        import pikepdf

        if isinstance(value, pikepdf.Array):
            return list(value)
    except ImportError:  # pragma: no cover - pikepdf is a dependency
        pass
    return [value]


__all__ = [
    "ACCEPTED",
    "MAX_FORM_DRAWS",
    "MAX_PDF_OBJECTS",
    "NOT_ACCEPTED_SUFFIXES",
    "check_page_count",
    "check_pdf_structure",
    "unsupported",
]
