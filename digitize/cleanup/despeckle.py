"""Speckle, dotted-leader, rule and border removal on the binary OCR image.

Size alone cannot tell toner speckle from Vietnamese diacritics: the dot below in "ạ, ệ, ộ"
is as small as a speckle. What differs is the neighbourhood: a diacritic sits within half a
letter height of its letter, a speckle or the dot of a form's dotted leader sits on bare paper.
So small marks are removed only when no letter-sized mark is near them. Form leaders, long
rules and the dark margins of a photocopier's lid are what make Tesseract merge lines and
read "..........----2222ctcese": they go too.
"""

from __future__ import annotations

import cv2
import numpy as np

SPECK_FRACTION = 0.45
"""A mark no larger than this share of the text height, each way, may be a speckle."""

NEAR_FRACTION = 0.6
"""A small mark within this share of the text height from a letter is kept (a diacritic)."""

RULE_FRACTION = 5.0
"""Straight ink runs longer than this many text heights are rules, not letters."""

RULE_THICKNESS = 0.3
"""Rules are thinner than this share of the text height. A line of bold print whose letters
run together in a blurred photo also holds long straight runs, but as a band as tall as its
letters: erasing it cut "chứng nhận quyền sử dụng" in half on the tuning photos."""

RULE_CLEAR_SIDE = 0.3
"""A rule has less than this share of ink along at least one side: letters' crossbars that
run together have strokes along both."""


PICTURE_LETTERS = 5.0
"""Marks taller and wider than this many letter heights are pictures, not text."""


def _components(ink: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return n, labels, stats


def _rules(runs: np.ndarray, ink: np.ndarray, thick: int, *, axis: int) -> np.ndarray:
    """The marks of a morphological opening that are rules: no thicker than ``thick`` across
    their length, with bare paper along one side (``axis`` 0: horizontal rules, 1: vertical).

    Where the letters of a bold line run together, an opening also finds their crossbars, but
    those have strokes on both sides; an underline or a table border has paper on at least one.
    """
    if not runs.any():
        return runs
    if axis == 1:
        return _rules(runs.T, ink.T, thick, axis=0).T
    n, labels, stats = _components(runs)
    keep = np.zeros(n, np.uint8)
    h = ink.shape[0]
    for i in np.flatnonzero(stats[1:, cv2.CC_STAT_HEIGHT] <= thick) + 1:
        x, y, w, t = stats[i, :4]
        above = ink[max(0, y - 2) : max(0, y - 1), x : x + w]
        below = ink[min(h, y + t + 1) : min(h, y + t + 2), x : x + w]
        sides = [np.count_nonzero(side) / side.size for side in (above, below) if side.size]
        if not sides or min(sides) < RULE_CLEAR_SIDE:
            keep[i] = 255
    return keep[labels]


def remove_rules(binary: np.ndarray, text_h: float) -> int:
    """Erase long thin horizontal and vertical rules (underscores, table borders, leaders).

    The search runs at half size; the found rules are grown by a pixel so their anti-aliased
    edges go too. Letters crossed by a rule keep the rest of their strokes.
    """
    ink = cv2.bitwise_not(binary)
    half = cv2.resize(ink, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    _, half = cv2.threshold(half, 100, 255, cv2.THRESH_BINARY)
    length = max(15, int(RULE_FRACTION * text_h * 0.5))
    horiz = cv2.morphologyEx(
        half, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    )
    vert = cv2.morphologyEx(
        half, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    )
    thick = max(2, int(RULE_THICKNESS * text_h * 0.5))
    rules = cv2.bitwise_or(_rules(horiz, half, thick, axis=0), _rules(vert, half, thick, axis=1))
    if not rules.any():
        return 0
    rules = cv2.resize(rules, (binary.shape[1], binary.shape[0]), interpolation=cv2.INTER_NEAREST)
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    binary[rules > 0] = 255
    return int(np.count_nonzero(rules)) // max(1, int(text_h))


TEXT_INK_SHARE = 0.7
"""Share of a picture-sized mark's ink that, at full size, lies in letter- or word-sized marks
for it to be print run together by halving, not a picture."""


def _pictures(
    binary: np.ndarray, labels: np.ndarray, stats: np.ndarray, big: float, text_h: float
) -> np.ndarray:
    """Which marks of the half-size labelling are pictures: larger than ``big`` (half-size
    pixels) both ways, and not print. Halving thickens strokes, and on a tightly set
    black-and-white scan it joins the letters of two lines ("Quyết" over "số") into one mark
    as large as a picture, which erased them; at full size they fall apart into letters and
    words, where a portrait, an emblem or a seal's ring keeps large marks or specks."""
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    found = (w > big) & (h > big)
    found[0] = False
    for i in np.flatnonzero(found):
        x, y = stats[i, cv2.CC_STAT_LEFT], stats[i, cv2.CC_STAT_TOP]
        mine = (labels[y : y + h[i], x : x + w[i]] == i).astype(np.uint8)
        full = cv2.resize(mine, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
        part = binary[2 * y : 2 * (y + h[i]), 2 * x : 2 * (x + w[i])]
        ink = ((part == 0) & (full[: part.shape[0], : part.shape[1]] > 0)).astype(np.uint8)
        _, _, s, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        pw, ph, area = s[1:, cv2.CC_STAT_WIDTH], s[1:, cv2.CC_STAT_HEIGHT], s[1:, cv2.CC_STAT_AREA]
        letters = (ph >= 0.5 * text_h) & (ph <= 2.5 * text_h) & (pw <= 8 * text_h)
        found[i] = area[letters].sum() < TEXT_INK_SHARE * max(1, area.sum())
    return found


def remove_specks(binary: np.ndarray, text_h: float) -> tuple[int, bool]:
    """Erase small marks with no letter nearby and large dark masses touching the image edge
    (lid shadows, the desk, punched holes).

    Marks are labelled on a half-size copy (a quarter of the labelling cost; a diacritic dot
    is still a pixel or two there) and erased at full size within their boxes. Returns how
    many specks were erased and whether an edge mass was.
    """
    H, W = binary.shape
    ink = cv2.resize(cv2.bitwise_not(binary), (W // 2, H // 2), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(ink, 60, 255, cv2.THRESH_BINARY)
    n, labels, stats = _components(ink)
    if n <= 1:
        return 0, False
    h2, w2 = ink.shape
    x, y, w, h, area = (stats[:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + w >= w2) | (y + h >= h2)
    edge = touches & ((w > 0.1 * w2) | (h > 0.1 * h2))
    # Pictures (an ID card's portrait, an emblem, a QR code, a seal left over): marks many
    # letters tall and wide. Rules are gone by now, so no table frame is among them.
    big = PICTURE_LETTERS * text_h / 2
    edge |= _pictures(binary, labels, stats, big, text_h)
    edge[0] = False
    limit = max(1.5, SPECK_FRACTION * text_h / 2)
    small = (w <= limit) & (h <= limit)
    small[0] = False
    letters = ~small & ~edge & (area >= 0.3 * limit * limit)
    letters[0] = False
    near = np.zeros((h2, w2), np.uint8)
    for i in np.flatnonzero(letters):
        near[y[i] : y[i] + h[i], x[i] : x[i] + w[i]] = 255
    r = max(1, int(round(NEAR_FRACTION * text_h / 2)))
    near = cv2.dilate(near, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * r + 1, 2 * r + 1)))
    cx, cy = x + w // 2, y + h // 2
    isolated = small & (near[cy, cx] == 0)
    for i in np.flatnonzero(isolated):
        x0, y0 = max(0, 2 * x[i] - 1), max(0, 2 * y[i] - 1)
        binary[y0 : 2 * (y[i] + h[i]) + 1, x0 : 2 * (x[i] + w[i]) + 1] = 255
    if edge.any():
        lut = np.zeros(n, np.uint8)
        lut[edge] = 255
        mask = cv2.resize(lut[labels], (W, H), interpolation=cv2.INTER_NEAREST)
        binary[cv2.dilate(mask, np.ones((3, 3), np.uint8)) > 0] = 255
    return int(np.count_nonzero(isolated)), bool(edge.any())
