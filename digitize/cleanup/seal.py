"""Red seal suppression: read the signer's name through the organ's seal.

The red seal is stamped over the signature and the signer's position, so in plain grey its ink
merges with the print and Tesseract loses the name. In the red channel the seal is nearly as
light as paper while black print stays black. Red *print* (certificate titles, card headings)
must stay readable, so only seal-shaped red regions (roughly round, large, about as tall as
wide) switch to the red channel; the rest of the page keeps its plain grey.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitize.cleanup.geometry import channel_spread, shrink

MIN_SEAL_IN = 0.6
"""Smallest seal diameter looked for, in inches (organ seals are 30-45 mm across)."""

MAX_SEAL_IN = 2.4
"""Largest seal diameter looked for, in inches."""


CHROMA_INK = 60
"""Channel spread above which a pixel is coloured ink (seal red, signature blue), not print."""


def red_mask(bgr: np.ndarray) -> np.ndarray:
    """Saturated red pixels (255) of a BGR image, tolerant to warm or cool lighting casts."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    h, s, v = cv2.split(hsv)
    red_hue = (h <= 12) | (h >= 165)
    b, g, r = cv2.split(bgr)
    redder = r.astype(np.int16) - np.maximum(g, b).astype(np.int16) > 30
    return ((red_hue & (s >= 50) & (v >= 50) & redder) * 255).astype(np.uint8)


def find_seals(bgr: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h) in page pixels of red seal-like regions."""
    small, f = shrink(bgr, 1000)
    mask = red_mask(small)
    if cv2.countNonZero(mask) < 50:
        return []
    boxes = []
    for x, y, w, h in _round_blobs(
        mask, dpi * f, close_share=0.08, aspect=(0.6, 1.6), min_fill=0.04
    ):
        # Seals are round: a square around the found part, a little larger, covers the faded
        # arcs the colour test missed.
        side = max(w, h) * 1.2
        cx, cy = x + w / 2, y + h / 2
        boxes.append(
            (
                int((cx - side / 2) / f),
                int((cy - side / 2) / f),
                int(side / f) + 1,
                int(side / f) + 1,
            )
        )
    return boxes


def _round_blobs(
    mask: np.ndarray,
    dpi: float,
    *,
    close_share: float,
    aspect: tuple[float, float],
    min_fill: float,
) -> list[tuple[int, int, int, int]]:
    """Seal-sized, roughly round regions of ``mask`` (at ``dpi``), as boxes in its pixels.

    Strokes are first closed into one region per seal; a region counts when its size is a
    seal's, its sides are about equal, and the mask covers at least ``min_fill`` of its box (a
    ring and lettering do; a stray line does not).
    """
    k = max(3, int(dpi * close_share) | 1)
    closed = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    )
    _, _, stats, _ = cv2.connectedComponentsWithStats(closed)
    lo, hi = MIN_SEAL_IN * dpi, MAX_SEAL_IN * dpi
    found = []
    for x, y, w, h, _area in stats[1:]:
        if not (lo <= w <= hi and lo <= h <= hi and aspect[0] <= w / h <= aspect[1]):
            continue
        if cv2.countNonZero(mask[y : y + h, x : x + w]) < min_fill * w * h:
            continue
        found.append((int(x), int(y), int(w), int(h)))
    return found


def scale_boxes(
    boxes: list[tuple[int, int, int, int]], f: float
) -> list[tuple[int, int, int, int]]:
    """Boxes found on a copy at scale ``f`` in the page's own pixels."""
    return [(int(x / f), int(y / f), int(w / f) + 1, int(h / f) + 1) for x, y, w, h in boxes]


def suppress_seals(
    bgr: np.ndarray, gray: np.ndarray, boxes: list[tuple[int, int, int, int]]
) -> None:
    """Inside the seal boxes, in place: grey becomes the red channel (the seal fades to paper,
    black print stays black) and strongly coloured ink (the signature's blue) becomes paper,
    so the signature drawn across the signer's name does not hide it either."""
    H, W = gray.shape
    for x, y, w, h in boxes:
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(W, x + w), min(H, y + h)
        if x1 <= x0 or y1 <= y0:
            continue
        region = bgr[y0:y1, x0:x1]
        chroma = channel_spread(region)
        gray[y0:y1, x0:x1] = np.where(chroma > CHROMA_INK, 255, region[:, :, 2])


GREY_SEAL_LEVELS = (0.52, 0.88)
"""Flattened brightness (share of the paper's) of a photocopied seal's strokes.

Photocopies turn the red seal grey; it stays lighter than the print (black print lands below
half the paper's brightness, the seal's red above it), which is what tells them apart."""


def _ring_strokes(flat: np.ndarray) -> np.ndarray:
    """Mid-grey pixels away from any dark (print) pixel: a photocopied seal's strokes."""
    lo, hi = (int(v * 255) for v in GREY_SEAL_LEVELS)
    dark = cv2.dilate((flat < lo).astype(np.uint8), np.ones((5, 5), np.uint8))
    return ((flat >= lo) & (flat <= hi) & (dark == 0)).astype(np.uint8) * 255


GREY_SEAL_ASPECT = (0.7, 2.2)
"""Width over height of a photocopied seal's strokes: a seal alone is round, but the
signature, grey too on a copy, is drawn across it and often runs out to its right."""


GREY_SEAL_CLOSE = 0.1
"""Gaps (inches) closed between a photocopied seal's strokes: a copy breaks its ring into
dashes, which the colour of a red seal holds together."""


def find_grey_seals(flat: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """Boxes (page pixels) of seal-like rings of mid-grey strokes on a flattened grey page,
    with the signature drawn across them."""
    small, f = shrink(_ring_strokes(flat), 1000)
    _, small = cv2.threshold(small, 40, 255, cv2.THRESH_BINARY)
    blobs = _round_blobs(
        small, dpi * f, close_share=GREY_SEAL_CLOSE, aspect=GREY_SEAL_ASPECT, min_fill=0.05
    )
    return scale_boxes(blobs, f)


def suppress_grey_seals(
    gray: np.ndarray, flat: np.ndarray, boxes: list[tuple[int, int, int, int]]
) -> None:
    """Inside the boxes, in place: the seal's mid-grey strokes become paper; print, and the
    lighter edges of print, stay."""
    H, W = gray.shape
    for x, y, w, h in boxes:
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(W, x + w), min(H, y + h)
        region = gray[y0:y1, x0:x1]
        paper = int(np.percentile(region, 90))
        strokes = cv2.dilate(_ring_strokes(flat[y0:y1, x0:x1]), np.ones((3, 3), np.uint8))
        dark = flat[y0:y1, x0:x1] < int(GREY_SEAL_LEVELS[0] * 255)
        region[(strokes > 0) & ~dark] = paper
