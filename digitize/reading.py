"""Reading one page: cleanup, orientation, OCR (or the PDF's own text layer).

Orientation detection costs a Tesseract pass, so it is asked only when the upright reading is
poor: upright text reads at a mean word confidence around 0.9, upside-down or sideways text
around 0.5. When Tesseract's orientation detector then names a turn with enough confidence,
the page is read again turned, and the better reading is kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from digitize import cleanup, tesseract
from digitize.intake import estimate_dpi
from digitize.models import PageImage, PageResult, Word
from digitize.text import page_text

log = logging.getLogger(__name__)

POOR_READING_CONF = 0.75
"""Mean word confidence below which the page's orientation is checked."""

MIN_OSD_CONFIDENCE = 1.5
"""Orientation-detector confidence needed before a turned reading is even tried."""

OSD_LONG_SIDE = 1600
"""Orientation detection runs on a copy this size: as sure as full size, several times faster."""


@dataclass
class ReadPage:
    result: PageResult
    display: np.ndarray
    """The colour page image for the searchable PDF: upright and straightened."""


def _score(words: list[Word]) -> float:
    """Confidence mass of words longer than one character: favours long, sure readings."""
    return sum(w.conf for w in words if len(w.text) > 1)


def _mean_conf(words: list[Word]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0


def _ocr(prep: cleanup.Prepared, *, lang: str, timeout: float, what: str) -> list[Word]:
    words = tesseract.recognize(
        prep.ocr, lang=lang, dpi=prep.dpi * prep.scale, timeout=timeout, what=what
    )
    return [w.scaled(1.0 / prep.scale) for w in words] if prep.scale != 1.0 else words


def _orientation(gray: np.ndarray, *, timeout: float, what: str) -> tesseract.Orientation | None:
    f = min(1.0, OSD_LONG_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    return tesseract.detect_orientation(small, timeout=timeout, what=what)


def read_page(page: PageImage, *, lang: str, timeout: float, name: str) -> ReadPage:
    """Read one page; ``name`` (the file name) is used only in error messages."""
    what = f"page {page.index + 1} of {name}"
    h, w = page.image.shape[:2]
    dpi = page.dpi or estimate_dpi(w, h)
    if page.text_layer is not None:
        result = PageResult(
            page.index,
            w,
            h,
            dpi,
            page.text_layer,
            page_text(page.text_layer),
            "text_layer",
            {"rotation": 0, "skew_deg": 0.0, "dpi": round(dpi, 1), "source": "text_layer"},
        )
        return ReadPage(result, page.image)

    prep = cleanup.prepare(page.image, dpi)
    words = _ocr(prep, lang=lang, timeout=timeout, what=what)
    if _mean_conf(words) < POOR_READING_CONF:
        osd = _orientation(prep.ocr, timeout=timeout, what=what)
        if osd is not None and osd.rotate and osd.confidence >= MIN_OSD_CONFIDENCE:
            turned = cleanup.prepare(page.image, dpi, rotation=osd.rotate)
            turned_words = _ocr(turned, lang=lang, timeout=timeout, what=what)
            log.debug(
                "%s: orientation %d (osd %.1f) scores %.1f against %.1f upright",
                what,
                osd.rotate,
                osd.confidence,
                _score(turned_words),
                _score(words),
            )
            if _score(turned_words) > _score(words):
                prep, words = turned, turned_words
    ph, pw = prep.display.shape[:2]
    quality = dict(prep.quality, source="ocr")
    result = PageResult(page.index, pw, ph, dpi, words, page_text(words), "ocr", quality)
    return ReadPage(result, prep.display)
