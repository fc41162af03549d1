"""Resolution: measure the text, estimate a missing or wrong dpi, size the OCR image.

Tesseract reads best when lowercase letters are about as tall as 12-14 pt print at 300 dpi.
What matters is the size of the *text* in pixels, not the number in the file: a card photo,
a 150-dpi photocopy and a 72-dpi tag on a 300-dpi scan all mislead a dpi-based rule. The
typical letter height is measured on the analysis image (median height of letter-sized ink
marks), and both the OCR scale and a missing dpi are derived from it.
"""

from __future__ import annotations

import cv2
import numpy as np

TEXT_HEIGHT_IN = 0.115
"""Median letter-mark height of administrative print (13-14 pt body), in inches.

Measured on the analysis copy of rendered pages (0.094-0.14 across fonts and sizes): at that
size the letters of a word merge, so the height is about a word's, ascenders and diacritics
included."""

OCR_TEXT_PX = TEXT_HEIGHT_IN * 300.0
"""The letter height, in pixels, that OCR images are scaled to (body print at 300 dpi)."""

MIN_UPSCALE = 1.2
"""Smaller enlargements are skipped: they cost Tesseract time for no readable gain."""

MAX_UPSCALE = 3.0
"""Larger enlargements only magnify blur; very small text is read as it is."""

DPI_DISAGREEMENT = 1.8
"""Text size and stated dpi disagreeing by more than this factor: the text is believed."""

MIN_MARKS = 40
"""Fewer letter-sized marks than this and the text height is not trusted."""


def text_height(ink: np.ndarray, f: float) -> float | None:
    """Median height, in page pixels, of letter-sized marks on an analysis image at scale ``f``.

    Marks too small to be letters (speckle, dots) or too big (rules, photos, seals) are left
    out; ``None`` when too few letters remain to say.
    """
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= MIN_MARKS:
        return None
    w, h, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
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
) -> float:
    """Enlargement of the OCR image that brings a page to 300 dpi or its letters to
    :data:`OCR_TEXT_PX`.

    A stated dpi is followed unless the text's size contradicts it by more than
    :data:`DPI_DISAGREEMENT` (a camera's 72-dpi tag on a 300-dpi picture, a card's small print
    is not such a contradiction); without a stated dpi the text decides, but never enlarges
    less than the page's size as A4 (``size_dpi``) asks: a smaller card photographed whole has
    small print that the text measure, dominated by its bold headings, overestimates.
    """
    by_dpi = 300.0 / dpi
    scale = by_dpi
    if height_px is not None:
        by_text = OCR_TEXT_PX / height_px
        ratio = by_text / by_dpi
        if not dpi_stated or not 1 / DPI_DISAGREEMENT <= ratio <= DPI_DISAGREEMENT:
            scale = by_text
    if not dpi_stated and size_dpi:
        scale = max(scale, 300.0 / size_dpi)
    if scale < MIN_UPSCALE:
        return 1.0
    return round(min(scale, MAX_UPSCALE), 3)
