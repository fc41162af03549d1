"""Orientation evidence that costs no OCR: which way do the text lines run?

Text lines give a sharp row profile when they run across the image and a flat one when they
run down it, so comparing the best row profile of the analysis image with that of its
transpose tells an upright or upside-down page (0/180) from a sideways one (90/270) in a few
milliseconds. Which of the two it is needs reading: Tesseract's orientation detector where it
is sure, a confidence comparison on a strip of text where it is not (see digitize.reading).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitize.cleanup.geometry import skew_of_ink

SIDEWAYS_RATIO = 1.8
"""Column profile this many times sharper than the row profile: the lines run down the page."""

MIN_INK = 0.004
"""Share of inked analysis pixels below which a page has too little text to judge."""


@dataclass(frozen=True)
class Axis:
    rows: float
    """Sharpness of the best row profile (text lines across)."""
    columns: float
    """Sharpness of the best column profile (text lines down)."""
    ink: float
    """Share of inked pixels of the analysis image."""
    skew: float = 0.0
    """Levelling angle of the lines across (valid for 0 and 180 degree turns alike)."""

    @property
    def sideways(self) -> bool:
        return self.ink >= MIN_INK and self.columns > SIDEWAYS_RATIO * self.rows

    @property
    def across(self) -> bool:
        """Clearly horizontal lines: the page is upright or upside down, not sideways."""
        return self.ink >= MIN_INK and self.rows > SIDEWAYS_RATIO * self.columns


def text_axis(ink: np.ndarray) -> Axis:
    """Row against column profile sharpness of an analysis image (ink = 255)."""
    share = float(np.count_nonzero(ink)) / ink.size
    if share < MIN_INK:
        return Axis(0.0, 0.0, share)
    skew, rows = skew_of_ink(ink)
    _, cols = skew_of_ink(np.ascontiguousarray(ink.T), refine=False)
    return Axis(rows, cols, share, skew)


def text_strip(ink: np.ndarray, f: float, *, lines_across: bool = True) -> tuple[int, int] | None:
    """The densest band of text, as (start, end) page pixels across the lines' direction.

    The band spans about a sixth of the page: enough lines for a confident reading, a small
    fraction of a full page's OCR time. ``lines_across`` False means lines run down the image
    (a sideways page), so the band is a range of columns.
    """
    profile = ink.sum(axis=1 if lines_across else 0, dtype=np.float64)
    n = len(profile)
    if not profile.any():
        return None
    span = max(8, n // 6)
    sums = np.convolve(profile, np.ones(span), mode="valid")
    start = int(np.argmax(sums))
    return int(start / f), int((start + span) / f)
