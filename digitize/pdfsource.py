"""PDF pages as page images, with the text layer kept when it can be trusted.

Born-digital pages carry their own text: reading it is exact and takes milliseconds, so such a
page is not OCRed. A text layer is trusted only when it reads as Vietnamese and covers the
page's print (see :mod:`digitize.textlayer`): layers made with legacy Vietnamese fonts
(TCVN3/ABC, VNI, "Céng hßa"), undecodable glyph ids, a scanner's garbled OCR and the lone
e-signature stamp of a scanned letter are OCRed instead, and the page says why. Pages are
rendered with PDFium at the resolution of the scan they hold, so a 200-dpi scan is not blown up
to 300 dpi.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFPasswordIncorrect

from digitize import screening, textlayer
from digitize.errors import CorruptFile, EncryptedPDF
from digitize.lm.syllables import vietnamese_letters
from digitize.models import PageImage, Word
from digitize.pdfscan import scan_image

log = logging.getLogger(__name__)

MAX_SUSPECT_WORD_SHARE = 0.08
"""Share of words with letters outside Vietnamese orthography above which a layer is garbage."""

MIN_NATIVE_DPI = 150.0
"""Scans below this are rendered at it: upsampling is cheap and helps OCR of tiny text."""
MAX_RENDER_PIXELS = 60_000_000

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def suspect_word_share(text: str) -> float:
    """Share of alphabetic words holding a letter that Vietnamese (or English) never uses.

    TCVN3 text comes out as "Céng hßa x· héi" and VNI as "Coäng hoøa": letters like ß, ·, ä, ø
    that do not occur in Vietnamese spelling. Genuine text scores near 0.
    """
    words = [w for w in _WORD_RE.findall(unicodedata.normalize("NFC", text)) if not w.isdigit()]
    if not words:
        return 1.0
    bad = sum(1 for w in words if not vietnamese_letters(w))
    return bad / len(words)


def text_layer_is_usable(text: str) -> bool:
    """Whether a layer's text alone allows its use (its coverage of the page is checked after
    rendering)."""
    return _text_check(text).used


def _text_check(text: str) -> textlayer.LayerCheck:
    check = textlayer.check_text(text)
    if check.used and suspect_word_share(text) > MAX_SUSPECT_WORD_SHARE:
        return textlayer.LayerCheck(False, "not_vietnamese", check.syllable_share)
    return check


def _native_dpi(page: pdfium.PdfPage) -> float | None:
    """The resolution of a scan that fills the page, if the page is one.

    Read from PDFium's page objects: nothing is decoded, and nothing stays cached (pdfminer
    would keep every page's image stream in memory for the rest of the document).
    """
    w_page, h_page = page.get_size()
    area = float(w_page * h_page) or 1.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        w_pt, h_pt = float(right - left), float(top - bottom)
        if w_pt * h_pt < 0.8 * area or w_pt <= 0 or h_pt <= 0:
            continue
        src_w, src_h = (float(v) for v in obj.get_px_size())
        if (src_w > src_h) != (w_pt > h_pt):  # placed rotated by a quarter turn
            src_w, src_h = src_h, src_w
        dpi = max(src_w / (w_pt / 72.0), src_h / (h_pt / 72.0))
        return max(dpi, MIN_NATIVE_DPI)
    return None


def _layer_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_bounded()
    finally:
        textpage.close()


def _words_from_layer(page: pdfplumber.page.Page, scale: float) -> list[Word]:
    words: list[Word] = []
    line_no, last_top = 0, None
    for w in page.extract_words(keep_blank_chars=False, use_text_flow=True):
        text = unicodedata.normalize("NFC", w["text"])
        if last_top is None or abs(w["top"] - last_top) > 0.5 * (w["bottom"] - w["top"]):
            line_no += 1
            last_top = w["top"]
        words.append(
            Word(
                text=text,
                left=round(w["x0"] * scale),
                top=round(w["top"] * scale),
                width=max(1, round((w["x1"] - w["x0"]) * scale)),
                height=max(1, round((w["bottom"] - w["top"]) * scale)),
                conf=1.0,
                block=1,
                par=1,
                line=line_no,
            )
        )
    return words


PDFIUM_PAGES_PER_OPEN = 4
"""Pages rendered before PDFium's document is closed and opened again.

PDFium keeps what it parsed of a document, the image streams of the pages it rendered
included, until the document is closed: about the size of each page's scan, so a 200-page
scanned PDF grew by 90 MB. Opening the document again takes about 7 ms (200-page file), so it
is done every few pages and what PDFium holds stays a few pages' worth.
"""

PLUMBER_PAGES_PER_OPEN = 16
"""Text-layer pages read before pdfplumber's document is opened again.

pdfminer, under pdfplumber, caches every object it parses, the scan under an OCRed scanner
PDF's text included (0.5 MB a page); opening again costs about 0.25 s on a 200-page file,
so it is done less often than PDFium's.
"""

Source = bytes | Path
"""A PDF in memory, or the path of a PDF file (read by the parsers as they need it)."""


def _said(exc: Exception) -> str:
    """What a parser said, without its own closing full stop (the message adds one)."""
    return str(exc).rstrip(". ")


def _open_pdfium(source: Source, name: str) -> pdfium.PdfDocument:
    """The document with its form fields set up, so that a born-digital page renders what a
    reader shows: the number and the day typed into an e-signing tool's fields at signing are
    printed by those fields, not by the page's content."""
    try:
        doc = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPDF(f"{name} is protected by a password.") from exc
        raise CorruptFile(f"{name} could not be opened as a PDF: {_said(exc)}.") from exc
    try:
        doc.init_forms()
    except pdfium.PdfiumError:  # no form environment: the pages render without their fields
        log.debug("%s: form fields not set up", name)
    return doc


def _open_plumber(source: Source, name: str) -> pdfplumber.PDF:
    try:
        return pdfplumber.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    except PDFPasswordIncorrect as exc:
        raise EncryptedPDF(f"{name} is protected by a password.") from exc
    except OSError:
        raise  # the file itself could not be read: the caller names it
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise CorruptFile(f"{name} could not be opened as a PDF: {_said(exc)}.") from exc


def page_count(source: Source, name: str) -> int:
    with _open_pdfium(source, name) as doc:
        return len(doc)


class _Reader:
    """The two parsers of one PDF, each opened when first needed and reopened now and then.

    PDFium renders every page and reads its text; pdfplumber is only opened for pages whose
    text layer is used (their words and boxes), so a scanned PDF never pays for it. Each is
    closed and opened again after a number of pages (see ``PDFIUM_PAGES_PER_OPEN``), which
    keeps their caches from growing with the page count.
    """

    def __init__(self, source: Source, name: str) -> None:
        self.source, self.name = source, name
        self.doc: pdfium.PdfDocument | None = _open_pdfium(source, name)
        self.count = len(self.doc)
        self.doc_pages = 0
        self.plumber: pdfplumber.PDF | None = None
        self.plumber_pages = 0
        self.plumber_failed = False
        self.pike: pikepdf.Pdf | None = None
        self.pike_failed = False

    def pikepdf(self) -> pikepdf.Pdf | None:
        """The document as pikepdf reads it (for scans' own image streams), or ``None``."""
        if self.pike is None and not self.pike_failed:
            try:
                source = io.BytesIO(self.source) if isinstance(self.source, bytes) else self.source
                # Read as needed, not memory-mapped: a mapped 200-page scan would count in
                # the process's memory page by page as its images are copied.
                self.pike = pikepdf.open(source, access_mode=pikepdf.AccessMode.stream)
            except (pikepdf.PdfError, OSError, ValueError):
                # PDFium read it: its scans are stored re-encoded rather than as they are.
                log.debug("%s: scanned images are re-encoded", self.name)
                self.pike_failed = True
        return self.pike

    def pdfium(self) -> pdfium.PdfDocument:
        if self.doc is not None and self.doc_pages >= PDFIUM_PAGES_PER_OPEN:
            self.doc.close()
            self.doc = None
        if self.doc is None:
            self.doc, self.doc_pages = _open_pdfium(self.source, self.name), 0
        self.doc_pages += 1
        return self.doc

    def layer_words(self, index: int, dpi: float) -> list[Word] | None:
        """The page's words from its text layer, or ``None`` when they cannot be read."""
        if self.plumber is not None and self.plumber_pages >= PLUMBER_PAGES_PER_OPEN:
            self.plumber.close()
            self.plumber = None
        if self.plumber is None and not self.plumber_failed:
            try:
                self.plumber, self.plumber_pages = _open_plumber(self.source, self.name), 0
            except (EncryptedPDF, CorruptFile) as exc:
                # PDFium read the file: its pages are OCRed rather than the document refused.
                log.warning("text layer unreadable (%s); pages are OCRed", exc.code)
                self.plumber_failed = True
        if self.plumber is None:
            return None
        self.plumber_pages += 1
        return _layer_words(self.plumber, index, dpi)

    def close(self) -> None:
        if self.pike is not None:
            self.pike.close()
            self.pike = None
        if self.plumber is not None:
            self.plumber.close()
            self.plumber = None
        if self.doc is not None:
            self.doc.close()
            self.doc = None


def pages(
    source: Source,
    *,
    name: str,
    render_dpi: int = 300,
    max_pages: int = 400,
    unreadable: list[int] | None = None,
) -> Iterator[PageImage]:
    """Each page rendered in colour, with its trusted text-layer words when it has them.

    ``source`` is the PDF's bytes or its path; from a path the file is read as pages need
    it, never whole. Its structure is screened first (:mod:`digitize.screening`): a PDF bomb
    or a document over ``max_pages`` is refused before a page is laid out. With
    ``unreadable``, a page PDFium cannot load or draw is skipped and its number (from 1)
    appended there, so one damaged page does not cost the others; the document fails only
    when no page at all can be read.
    """
    screening.check_pdf_structure(source, name, max_pages=max_pages)
    reader = _Reader(source, name)
    try:
        if reader.count == 0:
            raise CorruptFile(f"{name} has no pages.")
        screening.check_page_count(reader.count, max_pages, name)
        read = 0
        for index in range(reader.count):
            try:
                page = _page(reader, index, name, render_dpi)
            except CorruptFile as exc:
                if unreadable is None:
                    raise
                log.warning("page %d of %d skipped: %s", index + 1, reader.count, exc.code)
                unreadable.append(index + 1)
                continue
            read += 1
            yield page
        if not read:
            raise CorruptFile(f"{name}: none of its {reader.count} page(s) could be read.")
    finally:
        reader.close()


def _page(reader: _Reader, index: int, name: str, render_dpi: int) -> PageImage:
    try:
        page = reader.pdfium()[index]
    except pdfium.PdfiumError as exc:  # the page object is missing or is not a page
        raise CorruptFile(f"{name} page {index + 1} could not be loaded: {_said(exc)}.") from exc
    source = None
    try:
        text = _layer_text(page)
        check = _text_check(text)
        native = _native_dpi(page)
        dpi = float(render_dpi) if check.used or native is None else native
        # A born-digital page is drawn with its form fields (the number typed in at signing);
        # a scan without them: the fields of a signed scan are e-signature stamps laid over
        # its header, not print of the paper.
        image, dpi = _render(page, dpi, forms=check.used)
        words = None
        if check.used:
            words = reader.layer_words(index, dpi)
            check = textlayer.check_cover(check, words, image)
            if not check.used:
                words = None
                # The page is OCRed after all: at its scan's resolution, as any scan is.
                image, dpi = _render(page, native or dpi, forms=False)
        if native is not None:
            source = scan_image(page, reader.pikepdf(), index, dpi)
    except pdfium.PdfiumError as exc:
        raise CorruptFile(f"{name} page {index + 1} could not be rendered: {_said(exc)}.") from exc
    finally:
        page.close()
    if not check.used and check.reason != "too_little_text":
        log.info("page %d text layer not used: %s", index + 1, check.reason)
    if image.ndim == 3 and _is_grey(image):
        image = np.ascontiguousarray(image[:, :, 0])
    layer = check.quality() if text.strip() else {"text_layer": "absent"}
    return PageImage(
        index,
        image,
        dpi,
        source is not None and source.notes.get("bits") == 1,  # a 1-bit scan stays 1-bit
        text_layer=words,
        source="text_layer" if words else "pdf_image",
        layer_check=layer,
        source_image=source,
    )


def _render(page: pdfium.PdfPage, dpi: float, *, forms: bool) -> tuple[np.ndarray, float]:
    """The page in colour at ``dpi``, or less when that would pass ``MAX_RENDER_PIXELS``;
    ``forms``: with what its form fields show."""
    w_pt, h_pt = page.get_size()
    if w_pt * h_pt * (dpi / 72.0) ** 2 > MAX_RENDER_PIXELS:
        dpi = 72.0 * (MAX_RENDER_PIXELS / (w_pt * h_pt)) ** 0.5
    bitmap = page.render(scale=dpi / 72.0, rev_byteorder=False, may_draw_forms=forms)
    return np.array(bitmap.to_numpy()[:, :, :3], dtype=np.uint8, copy=True), dpi


def _layer_words(plumber: pdfplumber.PDF, index: int, dpi: float) -> list[Word] | None:
    """The page's words from its text layer, or ``None`` when pdfplumber cannot read them."""
    try:
        pl_page = plumber.pages[index]
        try:
            return _words_from_layer(pl_page, dpi / 72.0) or None
        finally:
            pl_page.close()
    except Exception as exc:  # a damaged page structure: fall back to OCR, keep the document
        log.warning(
            "page %d text layer unreadable (%s); it is OCRed", index + 1, type(exc).__name__
        )
        return None


def _is_grey(image: np.ndarray) -> bool:
    small = image[::8, ::8].astype(np.int16)
    return bool(np.abs(small[:, :, 0] - small[:, :, 1]).max() <= 2) and bool(
        np.abs(small[:, :, 1] - small[:, :, 2]).max() <= 2
    )
