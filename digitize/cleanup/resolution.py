"""Resolution: measure the text, estimate a missing or wrong dpi, size the OCR image.

Tesseract's recognizer scales every text line to its own fixed height, so enlarging a page
buys only a finer binarization of its letters' edges, and costs Tesseract time in proportion
to the pixels (a 150-dpi page enlarged to 300 dpi takes four times as long to read). Measured
on the tuning pages, 150-200 dpi photocopies read as well at their own size as enlarged to
300 dpi (word recall 0.953 against 0.955, a third of the pixels); phone photos, softened by
focus blur and JPEG, still gain from some enlargement (0.942 at their own size, 0.951 with
their text brought to 220-dpi size, 0.949 at 300 dpi for twice the pixels). What matters is
the size of the *text* in pixels, not the number in the file: a card photo, a 150-dpi
photocopy and a 72-dpi tag on a 300-dpi scan all mislead a dpi-based rule. The typical letter
height is measured on the analysis image (median height of letter-sized ink marks), and both
the OCR scale and a missing dpi are derived from it.
"""

from __future__ import annotations

import cv2
import numpy as np

TEXT_HEIGHT_IN = 0.115
"""Median letter-mark height of administrative print (13-14 pt body), in inches.

Measured on the analysis copy of rendered pages (0.094-0.14 across fonts and sizes): at that
size the letters of a word merge, so the height is about a word's, ascenders and diacritics
included."""

SCAN_OCR_DPI = 150.0
"""Scans are enlarged only when their text is smaller than body print at this resolution."""

PHOTO_OCR_DPI = 220.0
"""Photographed pages (found by their outline) are enlarged towards body print at this
resolution: their soft edges need more pixels than a scan's before Tesseract thresholds them."""

CARD_OCR_DPI = 300.0
"""Cards, whether scanned or photographed on the desk, are enlarged towards body print at this
resolution: a card's small print is what Tesseract misreads first (the sample dossier's CCCD
date of birth reads right only from about 1.8 times up; scanned licences and ID cards on the
tuning pages: recall 0.964 at their own size, 0.979 enlarged), and a card is small enough that
its enlargement costs little (a 300-dpi card enlarged 1.9 times is 2.4 million pixels, a
300-dpi A4 page 8.7 million)."""

SMALL_FORMAT_SQIN = 8.27 * 11.69 / 4
"""Pages smaller than a quarter of A4, in square inches, are cards, slips or receipts."""

MIN_UPSCALE = 1.2
"""Smaller enlargements are skipped: they cost Tesseract time for no readable gain."""

MAX_UPSCALE = 3.0
"""Larger enlargements only magnify blur; very small text is read as it is."""

DPI_DISAGREEMENT = 1.8
"""Text size and stated dpi disagreeing by more than this factor: the text is believed."""

MIN_MARKS = 40
"""Fewer letter-sized marks than this and the text height is not trusted."""


def text_height(ink: np.ndarray, f: float, *, lines_down: bool = False) -> float | None:
    """Median height, in page pixels, of letter-sized marks on an analysis image at scale ``f``.

    Marks too small to be letters (speckle, dots) or too big (rules, photos, seals) are left
    out; ``None`` when too few letters remain to say. ``lines_down`` measures a sideways page
    (text lines running down the image) the way it will be read: a letter's height is then its
    width in the image. Measured across instead, a sideways 150-dpi photocopy gave two thirds
    of its real letter height and was enlarged to 2.9 times.
    """
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= MIN_MARKS:
        return None
    w, h, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    if lines_down:
        w, h = h, w
    limit = max(ink.shape) * 0.05
    letters = (h >= 3) & (h <= limit) & (w <= 6 * h) & (w <= limit) & (area >= 0.15 * w * h)
    if np.count_nonzero(letters) < MIN_MARKS:
        return None
    return float(np.median(h[letters])) / f


def dpi_from_text(height_px: float) -> float:
    """The dpi at which body print would show letters ``height_px`` tall."""
    return height_px / TEXT_HEIGHT_IN


def ocr_scale(
    height_px: float | None,
    dpi: float,
    *,
    dpi_stated: bool = True,
    size_dpi: float | None = None,
    target_dpi: float = SCAN_OCR_DPI,
) -> float:
    """Enlargement of the OCR image that brings a page's text to the size of body print at
    ``target_dpi`` (see :func:`target_dpi`), or 1 when it is that big already.

    A stated dpi is followed unless the text's size contradicts it by more than
    :data:`DPI_DISAGREEMENT` (a camera's 72-dpi tag on a 300-dpi picture, a card's small print
    is not such a contradiction); without a stated dpi the text decides, but never enlarges
    less than the page's size as A4 (``size_dpi``) asks: a smaller card photographed whole has
    small print that the text measure, dominated by its bold headings, overestimates.
    """
    target = target_dpi
    by_dpi = target / dpi
    scale = by_dpi
    if height_px is not None:
        by_text = TEXT_HEIGHT_IN * target / height_px
        ratio = by_text / by_dpi
        if not dpi_stated or not 1 / DPI_DISAGREEMENT <= ratio <= DPI_DISAGREEMENT:
            scale = by_text
    if not dpi_stated and size_dpi:
        scale = max(scale, target / size_dpi)
    if scale < MIN_UPSCALE:
        return 1.0
    return round(min(scale, MAX_UPSCALE), 3)


def target_dpi(*, camera: bool, outline: bool, area_sqin: float) -> float:
    """The print size OCR images are enlarged towards: scans, photographed pages (``outline``:
    flattened from their corners), cards (``area_sqin`` below :data:`SMALL_FORMAT_SQIN`) and
    other ``camera`` pictures differ in how soft and small their print is and how much their
    pixels cost."""
    if outline:
        return PHOTO_OCR_DPI
    if camera or area_sqin < SMALL_FORMAT_SQIN:
        return CARD_OCR_DPI
    return SCAN_OCR_DPI
