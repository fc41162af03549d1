"""Illumination: flatten the paper, then binarize the OCR image locally.

Tesseract thresholds a page globally (Otsu). Under a phone's shadow or a photocopier's uneven
exposure one threshold cannot fit both ends of the page and whole regions drop out, although a
person reads them easily. Dividing out the estimated paper brightness first makes the paper
even; a local threshold then separates ink from what is left of the noise. The binary image
is used for OCR only: the stored page keeps its colour.
"""

from __future__ import annotations

import cv2
import numpy as np

SAUVOLA_K = 0.25
"""Sauvola's sensitivity: higher keeps less faint ink, lower keeps more noise."""

SAUVOLA_R = 128.0
"""Dynamic range of the local standard deviation for 8-bit images (Sauvola's ``R``)."""


def _background(small: np.ndarray) -> np.ndarray:
    """Paper brightness of a (small) grey page: a dilation removes the ink (text is thin, paper
    is wide), a median smooths what is left."""
    k = max(3, int(min(small.shape) / 40) | 1)
    bg = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    return cv2.medianBlur(bg, max(3, (k * 2) | 1))


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Divide out the paper's uneven lighting so one threshold fits the whole page.

    The background is estimated on a quarter-size copy, so shadows, yellowing and a
    photocopier's gradient all disappear while ink keeps its contrast against the local paper.
    """
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    bg = cv2.resize(
        _background(small), (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    return cv2.divide(gray, np.maximum(bg, 1), scale=255)


def percentiles_u8(image: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """``np.percentile`` of a uint8 image for each of ``qs``, from its histogram.

    Same values (linear interpolation between the two nearest ranks), without sorting a page's
    worth of pixels for each one: a 256-bin count is a fraction of the cost.
    """
    hist = cv2.calcHist([np.ascontiguousarray(image)], [0], None, [256], [0, 256])
    hist = hist.ravel().astype(np.float64)
    cdf = np.cumsum(hist)
    n = cdf[-1]
    out = []
    for q in qs:
        rank = q / 100.0 * (n - 1)
        lo_rank, frac = int(np.floor(rank)), rank - np.floor(rank)
        lo = int(np.searchsorted(cdf, lo_rank, side="right"))
        hi = int(np.searchsorted(cdf, min(lo_rank + 1, n - 1), side="right"))
        out.append(lo + (hi - lo) * frac)
    return out


def stretch(flat: np.ndarray) -> np.ndarray:
    """Spread a flattened page so its darkest ink is black and its paper white.

    Photocopies print ink as dark grey on light grey; Tesseract's own threshold works better
    on full contrast.
    """
    lo, hi = percentiles_u8(flat[::4, ::4], (0.5, 60))
    if hi - lo < 20:
        return flat
    lut = np.clip((np.arange(256, dtype=np.float32) - lo) * 255.0 / (hi - lo), 0, 255)
    return cv2.LUT(flat, lut.astype(np.uint8))


def threshold_surface(gray: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel Sauvola threshold of a grey page, at quarter size, with its lighting folded in.

    The paper is flattened (divided by its estimated brightness) and Sauvola's threshold is
    taken on the flat copy; multiplying it back by the brightness gives a threshold for the
    *unflattened* page. Both vary slowly, so a quarter-size surface, enlarged, is as good as a
    full-size one at a twentieth of the cost. ``window`` is in full-size pixels and should span
    a few text lines so a letter's own pixels do not set its threshold.
    """
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    bg = np.maximum(_background(small), 1).astype(np.float32)
    flat = np.minimum(small.astype(np.float32) * (255.0 / bg), 255.0)
    w = max(3, (window // 4) | 1)
    mean = cv2.boxFilter(flat, -1, (w, w), borderType=cv2.BORDER_REPLICATE)
    sq = cv2.boxFilter(flat * flat, -1, (w, w), borderType=cv2.BORDER_REPLICATE)
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    t = mean * (1.0 + SAUVOLA_K * (std / SAUVOLA_R - 1.0))
    return np.clip(t * bg / 255.0, 0, 255).astype(np.uint8), bg.astype(np.uint8)


def binarize(gray: np.ndarray, surface: np.ndarray) -> np.ndarray:
    """Ink 0, paper 255: each pixel against the threshold surface enlarged to its size."""
    t = cv2.resize(surface, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.compare(gray, t, cv2.CMP_GT)
