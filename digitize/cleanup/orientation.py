"""Orientation evidence that costs no OCR: which way do the text lines run, and which way up?

Text lines give a sharp row profile when they run across the image and a flat one when they
run down it, so comparing the best row profile of the analysis image with that of its
transpose tells an upright or upside-down page (0/180) from a sideways one (90/270) in a few
milliseconds. Which way up a level page is follows from the shape of its lines (see
:func:`line_shape`): print carries more ink above its x-height band than below it. Only where
that is unclear (little text, tables, mixed votes) does reading decide: Tesseract's
orientation detector, or a confidence comparison on a strip of text (see digitize.reading).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
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


RULE_SHARE = 0.15
"""An unbroken ink run this share of the image's width (or height) long is a rule or the edge
of a lid shadow, not text: letters leave gaps every few pixels."""


def without_rules(ink: np.ndarray) -> np.ndarray:
    """``ink`` without its long straight runs across and down.

    One lid-shadow edge along a sideways page gives a row profile sharper than all its text
    columns together, and would make the page look upright."""
    h, w = ink.shape
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(RULE_SHARE * w)), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(RULE_SHARE * h))))
    rules = cv2.max(
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, across), cv2.morphologyEx(ink, cv2.MORPH_OPEN, down)
    )
    if not rules.any():
        return ink
    # Dilated a little: a scanned edge is a few pixels thick and ragged.
    return cv2.subtract(ink, cv2.dilate(rules, np.ones((3, 3), np.uint8)))


def text_axis(ink: np.ndarray) -> Axis:
    """Row against column profile sharpness of an analysis image (ink = 255)."""
    share = float(np.count_nonzero(ink)) / ink.size
    if share < MIN_INK:
        return Axis(0.0, 0.0, share)
    # Rules and edges level a page as well as its text lines do: the skew is measured with
    # them. Only the comparison of the two directions leaves them out.
    skew, rows = skew_of_ink(ink)
    text = without_rules(ink)
    if text is not ink:
        _, rows = skew_of_ink(text, refine=False)
    _, cols = skew_of_ink(np.ascontiguousarray(text.T), refine=False)
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


LINE_TEXT_PX = 16.0
"""Smallest letter-mark height, in pixels, the line-shape test wants: OCR images with taller
text are reduced by a whole factor first (fewer rows to sum, the same shape)."""

SLAB_TEXT_HEIGHTS = 12
"""Width of the vertical slabs a page is cut into for line profiles, in letter heights: narrow
enough that a slab does not mix two columns' lines at different heights, wide enough that a
line's piece in it holds a few words."""

LINE_GAP_SHARE = 0.15
"""Blank rows, as a share of the letter height, that still join a line's marks above it (a
tone mark floating over a capital) to the line."""

LINE_HEIGHTS = (0.7, 2.2)
"""A slab's run of inked rows is taken as one text line when its height, in letter heights,
is within these bounds; shorter runs are specks or rules, taller ones merged lines or figures."""

LEAN_MARGIN = 0.05
"""A line votes only when its ink above and below its x-height band differ by this share of
the band's ink: an even line (all capitals, digits) says nothing."""

INK_LEVEL = 160
"""Grey level below which a pixel of the OCR image (paper pure white) counts as ink."""

MIN_LINE_VOTES = 8
"""Fewer voting lines than this and the line-shape test stays unsure (a card, a stamp, a
signature block): a page with little text is never turned on this test alone."""

VOTE_SHARE = 0.75
"""Share of the votes one way needed to decide. Upright pages measured 0.80-1.00 (tuning
pages, phototest, cardinal.pdf, the Vietnamese samples): mixed votes mean tables, figures or
scattered fields, and the OCR-based checks decide instead."""


@dataclass(frozen=True)
class LineShape:
    """How the text lines of a level page lean: more ink above their x-height band, or below."""

    above: int
    """Lines with more ink above the band (ascenders, capitals, tone marks: upright)."""
    below: int
    """Lines with more ink below the band (the same seen upside down)."""

    @property
    def upside_down(self) -> bool | None:
        """``True``/``False`` when the votes are many and one-sided enough, else ``None``."""
        n = self.above + self.below
        if max(self.above, self.below) < MIN_LINE_VOTES:
            return None
        if self.below >= VOTE_SHARE * n:
            return True
        if self.above >= VOTE_SHARE * n:
            return False
        return None


def _runs(on: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (exclusive) of the true runs of a boolean row."""
    d = np.diff(np.concatenate(([0], on.view(np.int8), [0])))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def _line_lean(q: np.ndarray, letter: float) -> float:
    """(ink above - ink below the x-height band) / band ink of one line's row profile.

    The band is the longest block of rows at least half as inked as the line's busy rows: it
    holds every lowercase letter, so it is the line's heaviest part; what lies above it is
    ascenders, capitals' tops and tone marks, what lies below is descenders and dots below.
    """
    ref = float(np.partition(q, int(0.75 * (len(q) - 1)))[int(0.75 * (len(q) - 1))])
    if ref < 2:
        return 0.0
    starts, ends = _runs(q >= 0.5 * ref)
    k = int(np.argmax(ends - starts))
    top, bottom = int(starts[k]), int(ends[k])
    if bottom - top < 0.3 * letter:
        return 0.0
    return float(q[:top].sum() - q[bottom:].sum()) / max(float(q[top:bottom].sum()), 1.0)


def line_shape(ink: np.ndarray, letter: float) -> LineShape:
    """Count the lines of a level, binary page (ink = 1, paper = 0) that lean up or down.

    In Latin print, and far more in Vietnamese with its tone marks over most syllables, a line
    carries more ink above its x-height band than below it, so a page upside down shows the
    opposite lean. The test costs a few row sums per slab instead of an orientation detector's
    0.6 s. ``letter`` is the letter-mark height in ``ink``'s pixels.
    """
    w = ink.shape[1]
    n_slabs = max(1, round(w / max(SLAB_TEXT_HEIGHTS * letter, 1.0)))
    edges = np.arange(n_slabs) * w // n_slabs
    # One row profile per slab: inked pixels per row (ink is 0/1 here).
    profiles = np.add.reduceat(ink, edges, axis=1, dtype=np.int32)
    gap = max(1, int(LINE_GAP_SHARE * letter))
    lo, hi = LINE_HEIGHTS[0] * letter, LINE_HEIGHTS[1] * letter
    above = below = 0
    for profile in profiles.T:
        starts, ends = _runs(profile > 0)
        if starts.size == 0:
            continue
        # Join runs split by a few blank rows (a tone mark above a capital's line).
        keep = np.concatenate(([True], starts[1:] - ends[:-1] > gap))
        starts, ends = starts[keep], np.concatenate((ends[:-1][keep[1:]], ends[-1:]))
        for a, b in zip(starts, ends, strict=True):
            if lo <= b - a <= hi:
                lean = _line_lean(profile[a:b], letter)
                above += lean > LEAN_MARGIN
                below += lean < -LEAN_MARGIN
    return LineShape(int(above), int(below))


def page_line_shape(ocr: np.ndarray, letter_px: float) -> LineShape:
    """:func:`line_shape` of a level grey OCR image (paper white) whose letters are
    ``letter_px`` tall, reduced by a whole factor towards :data:`LINE_TEXT_PX`."""
    k = max(1, int(letter_px / LINE_TEXT_PX))
    small = (
        ocr if k == 1 else cv2.resize(ocr, None, fx=1 / k, fy=1 / k, interpolation=cv2.INTER_AREA)
    )
    _, ink = cv2.threshold(small, INK_LEVEL, 1, cv2.THRESH_BINARY_INV)
    return line_shape(ink, letter_px / k)
