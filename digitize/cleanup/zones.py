"""Signature zones: the part of a page under an organ's seal, kept for a second reading.

The seal is stamped over the signature and the left of the signing authority's block, and on
a photocopy its ring runs through the signer's name printed below it. The page's cleanup is
made for the whole page (a local threshold, then marks too big to be letters erased), and
there the ring and the first letters of the name join into one mark that is read as nothing
or erased as a picture. Yet the print is darker than the copied seal: a plain threshold
between the two, on this small zone alone, leaves the letters and drops the ring. Which level
separates them depends on the copy, so the zone is kept as flattened grey and read again at
a few levels (see :mod:`digitize.reading`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[int, int, int, int]

ZONE_LEFT = 0.3
"""The zone starts this many seal widths left of the seal's box (a partly found ring)."""

ZONE_RIGHT = 2.5
"""... and ends this many seal widths right of the box's left edge: the signature runs right of
the seal, and the name is centred under the authority's lines, right of the seal's centre."""

ZONE_TOP = 0.2
"""The zone starts this share of the seal's height below its box top (the authority's lines
above are read well enough by the page's reading)."""

ZONE_BOTTOM = 1.8
"""... and ends this many seal heights below the box top: the name's line and a little more."""

LEVELS = (None, 0.2, 0.35)
"""How each line of a zone is read again: as flattened grey (``None``), and as black and white
at these shares of the way from the zone's darkest print to paper. Print on the tuning
photocopies lies in the lower part of that range and the copied seal's ring in the upper;
which level keeps whole letters without the ring differs from copy to copy."""


@dataclass
class Zone:
    """A signature zone: its origin (x, y) in OCR-image pixels and its flattened grey pixels."""

    x: int
    y: int
    image: np.ndarray

    def band(self, top: int, bottom: int) -> list[np.ndarray]:
        """Rows ``top:bottom`` of the zone (zone pixels), once per level of :data:`LEVELS`."""
        rows = self.image[max(0, top) : max(0, bottom)]
        if rows.size == 0:
            return []
        dark = float(np.percentile(rows, 1))
        out = []
        for level in LEVELS:
            if level is None:
                out.append(rows)
            else:
                t = dark + level * (255.0 - dark)
                out.append(cv2.threshold(rows, t, 255, cv2.THRESH_BINARY)[1])
        return out

    def half_turned(self, width: int, height: int) -> Zone:
        """The zone of the same page turned upside down (``width`` x ``height`` OCR image)."""
        h, w = self.image.shape[:2]
        return Zone(width - self.x - w, height - self.y - h, cv2.rotate(self.image, cv2.ROTATE_180))


def _turn_point(x: float, y: float, w: int, h: int, rotation: int) -> tuple[float, float]:
    """Where pixel (x, y) of a ``w`` x ``h`` image lands after a clockwise quarter turn."""
    r = rotation % 360
    if r == 90:
        return h - 1 - y, x
    if r == 180:
        return w - 1 - x, h - 1 - y
    if r == 270:
        return y, w - 1 - x
    return x, y


def map_box(box: Box, shape: tuple[int, int], rotation: int, skew_deg: float) -> Box:
    """A box of a ``shape`` (h, w) page, after the page's quarter turn and its deskew (a
    rotation by ``skew_deg`` counter-clockwise about the centre, as ``rotate_by`` does)."""
    h, w = shape
    x, y, bw, bh = box
    corners = [(x, y), (x + bw, y), (x, y + bh), (x + bw, y + bh)]
    corners = [_turn_point(px, py, w, h, rotation) for px, py in corners]
    if rotation % 180:
        w, h = h, w
    if skew_deg:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), skew_deg, 1.0)
        corners = [
            (m[0, 0] * px + m[0, 1] * py + m[0, 2], m[1, 0] * px + m[1, 1] * py + m[1, 2])
            for px, py in corners
        ]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return int(min(xs)), int(min(ys)), int(max(xs) - min(xs)) + 1, int(max(ys) - min(ys)) + 1


def signature_zones(seals: list[Box], flat: np.ndarray, scale: float) -> list[Zone]:
    """The zones under ``seals`` (boxes in upright page pixels), cut from ``flat`` (the
    flattened grey page at OCR scale, ``scale`` OCR pixels per page pixel)."""
    H, W = flat.shape[:2]
    rects: list[list[int]] = []
    for x, y, w, h in seals:
        # A box may be wider than the seal: the signature, found with it, runs to its right.
        size = min(w, h)
        x0 = max(0, int((x - ZONE_LEFT * size) * scale))
        x1 = min(W, int((x + max(w, ZONE_RIGHT * size)) * scale))
        y0 = max(0, int((y + ZONE_TOP * h) * scale))
        y1 = min(H, int((y + ZONE_BOTTOM * h) * scale))
        if x1 - x0 < 8 or y1 - y0 < 8:
            continue
        # Two rings of one seal, or two seals side by side: one zone, read once.
        for r in rects:
            if x0 < r[2] and r[0] < x1 and y0 < r[3] and r[1] < y1:
                r[:] = [min(r[0], x0), min(r[1], y0), max(r[2], x1), max(r[3], y1)]
                break
        else:
            rects.append([x0, y0, x1, y1])
    return [Zone(x0, y0, flat[y0:y1, x0:x1].copy()) for x0, y0, x1, y1 in rects]
