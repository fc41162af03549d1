"""The image Tesseract reads: lit evenly, enlarged where its text is small, cleaned, paper white.

Tesseract's LSTM recognizer reads the grey levels of a line, not only its binary shape, so a
hard black-and-white page costs it the anti-aliased edges that tell "ổ" from "ố" at 150 dpi
(measured on the tuning pages: word recall 0.88 on phone photos with a binary image, 0.94 with
this one). The page is therefore binarized (Sauvola, on the flattened paper) to *decide*
where ink is and what to erase (speckle, rules, dark margins), and the OCR image keeps the
flattened grey inside that ink mask and pure paper everywhere else.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from digitize.cleanup.despeckle import remove_rules, remove_specks
from digitize.cleanup.geometry import to_gray
from digitize.cleanup.illumination import (
    binarize,
    flatten_background,
    stretch,
    threshold_surface,
)
from digitize.cleanup.resolution import SCAN_OCR_DPI, TEXT_HEIGHT_IN, ocr_scale

SHARPEN_AMOUNT = 0.6
"""Unsharp-mask strength on enlarged phone photos (tuning pages: recall +0.01)."""

SHARPEN_SIGMA = 2.0
"""Unsharp-mask radius, in pixels of the page before enlargement."""

LETTER_SHARE = 0.6
"""x-height as a share of the measured mark height (marks merge into words when measured)."""


def ocr_image(
    gray: np.ndarray,
    text_px: float | None,
    dpi: float,
    *,
    dpi_stated: bool,
    size_dpi: float | None = None,
    target_dpi: float = SCAN_OCR_DPI,
    sharpen: bool = False,
) -> tuple[np.ndarray, float, dict[str, Any], np.ndarray]:
    """The OCR image of an upright, straightened grey page, its scale, what was done, and the
    flattened grey page at the OCR image's scale (before anything was erased).

    ``size_dpi`` is the resolution the page would have if it were A4, for pages whose dpi is
    unknown (see :func:`~digitize.cleanup.resolution.ocr_scale`). ``target_dpi`` is the print
    size small text is enlarged towards (see :func:`~digitize.cleanup.resolution.target_dpi`).
    ``sharpen`` is for photographed pages flattened out of their perspective, whose warp
    softens them further; on scans the same mask breaks thin strokes (a slash in a date) more
    often than it mends them.
    """
    notes: dict[str, Any] = {}
    scale = ocr_scale(text_px, dpi, dpi_stated=dpi_stated, size_dpi=size_dpi, target_dpi=target_dpi)
    text = text_px or dpi * TEXT_HEIGHT_IN
    surface, bg = threshold_surface(gray, int(text * 2))
    if scale != 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    binary = binarize(gray, surface)
    notes["binarized"] = "sauvola"
    ink_before = cv2.bitwise_not(binary)
    letter = text * scale * LETTER_SHARE
    if remove_rules(binary, letter):
        notes["rules_removed"] = True
    specks, edges = remove_specks(binary, letter)
    notes["specks_removed"] = specks
    if edges:
        notes["border_cropped"] = True

    bg_full = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = stretch(cv2.divide(gray, np.maximum(bg_full, 1), scale=255))
    if sharpen and scale != 1.0:
        soft = cv2.GaussianBlur(flat, (0, 0), SHARPEN_SIGMA * scale)
        flat = cv2.addWeighted(flat, 1 + SHARPEN_AMOUNT, soft, -SHARPEN_AMOUNT, 0)
    ink = cv2.bitwise_not(binary)
    erased = cv2.dilate(cv2.bitwise_and(ink_before, binary), np.ones((3, 3), np.uint8))
    r = max(3, int(letter) | 1)
    keep = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (r, r)))
    keep[erased > 0] = 0
    out = np.full_like(flat, 255)
    np.copyto(out, flat, where=keep > 0)
    return out, scale, notes, flat


def plain_image(display: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The upright display page only lit evenly, in grey, at the OCR image's ``size`` (w, h).

    Nothing is binarized, erased or suppressed: no seal colour taken out, no margin painted, no
    speck removed. Where cleanup misjudges a page (a soft phone photo, a card's coloured
    background, a tiny web image) this page reads better than the cleaned one; both share their
    pixel grid, so their readings can be compared and either kept.
    """
    gray = to_gray(display)
    if (gray.shape[1], gray.shape[0]) != size:
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC)
    return stretch(flatten_background(gray))
