"""Red seal suppression: read the signer's name through the organ's seal.

The red seal is stamped over the signature and the signer's position, so in plain grey its ink
merges with the print and Tesseract loses the name. In the red channel the seal is nearly as
light as paper while black print stays black. Red *print* (certificate titles, card headings)
must stay readable, so only seal-shaped red regions (roughly round, large, about as tall as
wide) switch to the red channel; the rest of the page keeps its plain grey.
"""

from __future__ import annotations

from typing import NamedTuple

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


# Black seals: a black-and-white scan turns the red seal as black as the print. Its colour and
# its grey are gone; its shape is left: a closed ring of a seal's size. Inside the ring lie the
# seal's lettering and emblem, each mark as large as a letter; left on the page they read as
# words and pull the lines of the column beside them together ("- HỌ Ống tin và ñn thông cao);"
# for "- Bộ Thông tin và Truyền thông (b/cáo);"). Print that runs into the ring (the signer's
# title, the first letters of the name) continues outside it, which is what keeps it.

RING_COVER = 0.9
"""Share of a circle's angles that must meet ink for it to be a seal's ring. Text lines that a
circle of a seal's size crosses cover about half of it; a ring, broken by a signature's stroke
or a scanner's threshold here and there, nearly all."""

ROUGH_COVER = 0.6
"""The same share on the small copy, around the circle as first found, for it to be fitted."""

RING_EDGE_COVER = 0.1
"""Share of the angles with ink at a radius for that radius to belong to the ring's band. A
seal's ring is often two (a thick one, a thin one inside it), and a stamp is not quite round:
the radii a ring covers at all, not only the ones it covers mostly, are its band."""

RING_SPAN = (0.85, 1.12)
"""Radii, as shares of the fitted ring's, that its band may reach."""


class Ring(NamedTuple):
    """A black seal's ring, in page pixels: centre, and the inner and outer radius of its band."""

    cx: float
    cy: float
    inner: float
    outer: float

    def box(self) -> tuple[int, int, int, int]:
        r = self.outer
        return int(self.cx - r), int(self.cy - r), int(2 * r) + 1, int(2 * r) + 1


_ANGLES = np.linspace(0.0, 2 * np.pi, 360, endpoint=False)


def _cover(ink: np.ndarray, cx: float, cy: float, radii: np.ndarray) -> float:
    """Share of the angles at which ``ink`` has a mark at any of ``radii`` from the centre."""
    h, w = ink.shape
    xs = np.rint(cx + np.outer(radii, np.cos(_ANGLES))).astype(int)
    ys = np.rint(cy + np.outer(radii, np.sin(_ANGLES))).astype(int)
    inside = (xs >= 0) & (ys >= 0) & (xs < w) & (ys < h)
    hit = np.zeros(xs.shape, bool)
    hit[inside] = ink[ys[inside], xs[inside]] > 0
    return float(hit.any(axis=0).mean())


def _circle_fit(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float]:
    """The least-squares circle through points (centre and radius)."""
    a = np.column_stack([xs, ys, np.ones_like(xs)])
    b = xs * xs + ys * ys
    (p, q, c), *_ = np.linalg.lstsq(a, b, rcond=None)
    cx, cy = p / 2, q / 2
    return float(cx), float(cy), float(np.sqrt(max(c + cx * cx + cy * cy, 0.0)))


def _ring_fit(ink: np.ndarray, x: float, y: float, r: float) -> tuple[float, float, float]:
    """The circle near a rough one that its ink lies on: fitted to the marks around it, then
    to the marks at the commonest distance from the fitted centre, twice."""
    ys, xs = np.nonzero(ink)
    ys, xs = ys.astype(float), xs.astype(float)
    near = np.abs(np.hypot(xs - x, ys - y) - r) <= 0.12 * r
    cx, cy, rr = x, y, r
    for tolerance in (0.06, 0.03, 0.015):
        if np.count_nonzero(near) < 20:
            break
        cx, cy, rr = _circle_fit(xs[near], ys[near])
        d = np.hypot(xs - cx, ys - cy)
        ring = np.abs(d - rr) <= 0.12 * rr
        if not ring.any():
            break
        counts, edges = np.histogram(d[ring], bins=max(8, int(0.24 * rr)))
        k = int(np.argmax(counts))
        peak = float(edges[k] + edges[k + 1]) / 2
        near = np.abs(d - peak) <= max(2.0, tolerance * rr)
    return cx, cy, rr


def _ring_marks(ink: np.ndarray, rmin: int, rmax: int) -> list[np.ndarray]:
    """Masks, each the size of ``ink``, of the marks that can hold a seal's ring: at least a
    seal across both ways (the ring is one closed mark, with the signature and the print
    that touch it), and not much more than one."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    fit = (w >= 1.8 * rmin) & (h >= 1.8 * rmin) & (w <= 5 * rmax) & (h <= 3 * rmax)
    fit[0] = False
    return [labels == i for i in np.flatnonzero(fit)]


def find_black_seals(flat: np.ndarray, dpi: float) -> list[Ring]:
    """The closed rings of a seal's size on a flattened grey page (page pixels)."""
    small, f = shrink(flat, 1000)
    ink = (small < 128).astype(np.uint8) * 255
    d = dpi * f
    rmin, rmax = int(MIN_SEAL_IN * d / 2), int(MAX_SEAL_IN * d / 2) + 1
    if rmin < 8:
        return []
    rings: list[Ring] = []
    page_ink = flat < 128
    for mark in _ring_marks(ink, rmin, rmax):
        ys, xs = np.nonzero(mark)
        x0, y0 = max(0, xs.min() - 4), max(0, ys.min() - 4)
        crop = (mark[y0 : ys.max() + 5, x0 : xs.max() + 5] * 255).astype(np.uint8)
        found = cv2.HoughCircles(
            cv2.GaussianBlur(crop, (5, 5), 1.5),
            cv2.HOUGH_GRADIENT,
            dp=1,
            minDist=2 * rmin,
            param1=100,
            param2=30,
            minRadius=rmin,
            maxRadius=rmax,
        )
        for x, y, r in [] if found is None else found[0][:4]:
            if _cover(crop, float(x), float(y), r + np.arange(-2.0, 3.0)) < ROUGH_COVER:
                continue  # not worth fitting: a signature's loops, lines of text crossed
            x, y = (x + x0) / f, (y + y0) / f
            if any(np.hypot(x - g.cx, y - g.cy) < g.outer for g in rings):
                continue
            m = int(1.2 * r / f) + 2
            ox, oy = max(0, int(x) - m), max(0, int(y) - m)
            part = page_ink[oy : int(y) + m + 1, ox : int(x) + m + 1]
            cx, cy, rr = _ring_fit(part, x - ox, y - oy, r / f)
            if _cover(part, cx, cy, rr + np.arange(-2.0, 3.0)) < RING_COVER:
                continue
            rings.append(_band(part, cx, cy, rr)._replace(cx=cx + ox, cy=cy + oy))
    return rings


def _band(ink: np.ndarray, cx: float, cy: float, r: float) -> Ring:
    """The ring around radius ``r``: the radii next to it where ink meets most angles."""
    radii = np.arange(max(1.0, RING_SPAN[0] * r), RING_SPAN[1] * r + 1, 1.0)
    cover = np.array([_cover(ink, cx, cy, np.array([rho])) for rho in radii])
    at = int(np.argmin(np.abs(radii - r)))
    at = max(range(max(0, at - 3), min(len(radii), at + 4)), key=lambda i: cover[i])
    lo = hi = at
    while lo > 0 and cover[lo - 1] >= RING_EDGE_COVER:
        lo -= 1
    while hi < len(radii) - 1 and cover[hi + 1] >= RING_EDGE_COVER:
        hi += 1
    return Ring(cx, cy, float(radii[lo]) - 1.5, float(radii[hi]) + 1.5)


def suppress_black_seals(
    gray: np.ndarray, flat: np.ndarray, rings: list[Ring], letter_px: float
) -> None:
    """In place: each ring's band and the marks wholly inside it become paper, except on a line
    of print that runs into the ring (``letter_px``: the print's letter height): its marks
    inside the ring stay, and so does the band where it crosses the line (the first letters of
    a name stamped over: an arc beside them reads better than no letters)."""
    H, W = gray.shape
    for g in rings:
        # Room around the ring for the print a line inside it continues into.
        m = int(g.outer + 3 * letter_px) + 2
        x0, y0 = max(0, int(g.cx) - m), max(0, int(g.cy) - m)
        x1, y1 = min(W, int(g.cx) + m + 1), min(H, int(g.cy) + m + 1)
        if x1 <= x0 or y1 <= y0:
            continue
        ys, xs = np.mgrid[y0:y1, x0:x1]
        dist = np.hypot(xs - g.cx, ys - g.cy)
        ink = flat[y0:y1, x0:x1] < 128
        band = (dist >= g.inner) & (dist <= g.outer)
        rest = (ink & ~band).astype(np.uint8)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(rest, connectivity=8)
        far = np.zeros(n)
        np.maximum.at(far, labels.ravel(), dist.ravel())
        near = np.full(n, np.inf)
        np.minimum.at(near, labels.ravel(), dist.ravel())
        inside = far < g.inner
        inside[0] = False
        line = _print_lines(stats, inside, near < g.outer + 1.5 * letter_px, letter_px)
        keep = np.zeros(band.shape, bool)
        for i in np.flatnonzero(line & ~inside):
            x, y, w, h = (int(v) for v in stats[i, :4])
            lx, ly = int(4 * letter_px), int(0.4 * letter_px)
            keep[max(0, y - ly) : y + h, max(0, x - lx) : x + w + lx] = True
        region = gray[y0:y1, x0:x1]
        paper = int(np.percentile(region, 90))
        region[((band & ink) | (inside & ~line)[labels]) & ~keep] = paper


def _print_lines(
    stats: np.ndarray, inside: np.ndarray, by_ring: np.ndarray, letter_px: float
) -> np.ndarray:
    """The letter-sized marks of print lines that run into a ring: chains of marks, each within
    a letter's height of the next and level with it, that hold two marks outside the ring, one
    of them next to it. Marks inside the ring on such a line are print; the seal's lettering
    has no neighbour outside."""
    x, y, w, h = (stats[:, i].astype(float) for i in range(4))
    letter = (h >= 0.5 * letter_px) & (h <= 1.8 * letter_px) & (w <= 3 * letter_px)
    letter[0] = False
    found = np.zeros(len(stats), bool)
    seen = np.zeros(len(stats), bool)
    for start in np.flatnonzero(letter & ~inside & by_ring):
        if seen[start]:
            continue
        chain, frontier = [start], [start]
        seen[start] = True
        while frontier:
            i = frontier.pop()
            gap = np.maximum(x - (x[i] + w[i]), x[i] - (x + w))
            level = np.minimum(y + h, y[i] + h[i]) - np.maximum(y, y[i])
            step = letter & ~seen & (gap <= letter_px) & (level >= 0.5 * np.minimum(h, h[i]))
            for j in np.flatnonzero(step):
                seen[j] = True
                chain.append(j)
                frontier.append(j)
        if np.count_nonzero(~inside[chain]) >= 2:
            found[chain] = True
    return found
