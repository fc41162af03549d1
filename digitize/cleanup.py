"""Cleanup stages: plain functions from one page image to the next.

Two images leave this module for every page: the *display* image (colour, as scanned, only
turned upright and straightened, for the searchable PDF: Decree 30 wants the colour page) and
the *OCR* image (grey, background flattened, at a resolution Tesseract likes). Each stage
reports what it did into the page's ``quality`` dict, which ends up in ``record.quality``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

OCR_DPI = 300.0
"""Resolution Tesseract's LSTM models were trained around; lower pages are upscaled to it."""

MIN_UPSCALE_DPI = 250.0
"""Pages at or above this are OCRed as they are (upscaling them costs time for no gain)."""

MAX_SKEW_DEG = 15.0
"""Largest skew searched for; beyond it a page is treated as rotated, not skewed."""

MIN_SKEW_DEG = 0.1
"""Smaller skews are left alone: rotating resamples the image for no readable gain."""


@dataclass
class Prepared:
    display: np.ndarray
    ocr: np.ndarray
    scale: float
    """OCR image pixels per display image pixel."""
    dpi: float
    quality: dict[str, Any] = field(default_factory=dict)


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def rotate_quarter(image: np.ndarray, degrees_cw: int) -> np.ndarray:
    """Turn by 0/90/180/270 degrees clockwise without resampling."""
    codes = {
        90: cv2.ROTATE_90_CLOCKWISE,
        180: cv2.ROTATE_180,
        270: cv2.ROTATE_90_COUNTERCLOCKWISE,
    }
    code = codes.get(degrees_cw % 360)
    return image if code is None else cv2.rotate(image, code)


def _work_image(gray: np.ndarray, long_side: int = 1000) -> tuple[np.ndarray, float]:
    """A small inverted binary copy (ink = 255) for fast geometric estimates."""
    f = min(1.0, long_side / max(gray.shape))
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink, f


def _profile_score(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rot.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(gray: np.ndarray) -> float:
    """The counter-clockwise rotation, in degrees, that makes the page's text lines level.

    Text lines turned to the horizontal give the sharpest row profile; a coarse search over
    the range is refined twice around the best angle.
    """
    ink, _ = _work_image(gray)
    if ink.mean() < 0.5:  # blank page: nothing to align
        return 0.0
    best = 0.0
    for step, span in ((1.0, MAX_SKEW_DEG), (0.2, 1.0), (0.05, 0.2)):
        candidates = np.arange(best - span, best + span + step / 2, step)
        best = max(candidates, key=lambda a: _profile_score(ink, float(a)))
    return float(round(best, 2))


def rotate_by(image: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate counter-clockwise by ``angle_deg``, keeping the size, filling with paper colour."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    border = _paper_colour(image)
    return cv2.warpAffine(
        image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )


def _paper_colour(image: np.ndarray) -> tuple[int, ...]:
    sample = image[:: max(1, image.shape[0] // 64), :: max(1, image.shape[1] // 64)]
    if sample.ndim == 2:
        return (int(np.percentile(sample, 90)),)
    return tuple(int(np.percentile(sample[:, :, c], 90)) for c in range(sample.shape[2]))


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Divide out the paper's uneven lighting so one threshold fits the whole page.

    The background is estimated on a quarter-size copy: a dilation removes the ink (text is
    thin, paper is wide), a median smooths what is left. Shadows, yellowing and a photocopier's
    gradient all disappear; ink keeps its contrast against the local paper.
    """
    f = 0.25
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    k = max(3, int(min(small.shape) / 40) | 1)
    bg = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    bg = cv2.medianBlur(bg, max(3, (k * 2) | 1))
    bg = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(gray, np.maximum(bg, 1), scale=255)
    return out


def prepare(image: np.ndarray, dpi: float, *, rotation: int = 0) -> Prepared:
    """The display and OCR images of a page that is already upright after ``rotation``."""
    display = rotate_quarter(image, rotation)
    gray = to_gray(display)
    skew = estimate_skew(gray)
    if abs(skew) >= MIN_SKEW_DEG:
        display = rotate_by(display, skew)
        gray = rotate_by(gray, skew)
    ocr = flatten_background(gray)
    scale = 1.0
    if dpi < MIN_UPSCALE_DPI:
        scale = OCR_DPI / dpi
        ocr = cv2.resize(ocr, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    quality = {"rotation": rotation, "skew_deg": -skew, "dpi": round(dpi, 1), "ocr_scale": scale}
    return Prepared(display, ocr, scale, dpi, quality)
