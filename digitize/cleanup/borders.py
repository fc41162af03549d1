"""The page inside the picture: quad detection and perspective correction for phone photos.

A phone photo shows the page as a tilted, foreshortened quadrilateral on a darker desk. Text
lines in it converge, so no single rotation levels them and Tesseract reads the far edge badly.
Finding the four corners and warping them to a rectangle gives back a flat page, at about the
photo's own resolution, for both the stored image and OCR. Scans whose page fills the frame
are left alone (their dark lid borders are erased on the binary OCR image instead).
"""

from __future__ import annotations

import cv2
import numpy as np

from digitize.cleanup.geometry import shrink, to_gray
from digitize.cleanup.illumination import percentiles_u8

QUAD_LONG_SIDE = 800
"""Long side, in pixels, of the copy the page outline is searched on."""

MIN_PAGE_AREA = 0.08
"""A page outline smaller than this share of the picture is not trusted. An ID card taken
from arm's length covers 10-20% of the photo; the desk around it, left in, reads as rows of
specks and letters (generated card photos at 35-55% of the frame's width: 16 of 20 outlines
were refused at 20%)."""

MAX_PAGE_AREA = 0.93
"""A page outline larger than this share is the whole picture: nothing to correct."""

MIN_CONTRAST = 0.8
"""The surroundings must be darker than this share of the page's own brightness."""

MIN_EDGE_STEP = 24
"""Grey levels the picture must drop across every side of the outline, from just inside to
just outside. A paper edge on a desk or a scanner lid drops by 80 or more; the boundary of
shading across a photocopy, which the threshold can mistake for the page's outline, by 1-3."""

EDGE_OFFSET = 0.012
"""How far inside and outside a side (a share of the picture's long side) its step is read."""


def _order(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32
    )


def find_page_quad(image: np.ndarray) -> np.ndarray | None:
    """The page's four corners (tl, tr, br, bl) in image pixels, or ``None`` when the page
    fills the picture or no clear outline stands out from the background."""
    small, f = shrink(to_gray(image), QUAD_LONG_SIDE)
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    _, page = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    page = cv2.morphologyEx(page, cv2.MORPH_CLOSE, k)
    page = cv2.morphologyEx(page, cv2.MORPH_OPEN, k)
    contours, _ = cv2.findContours(page, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = cv2.convexHull(max(contours, key=cv2.contourArea))
    area = cv2.contourArea(outline) / float(small.shape[0] * small.shape[1])
    if not MIN_PAGE_AREA <= area <= MAX_PAGE_AREA:
        return None
    perimeter = cv2.arcLength(outline, True)
    quad = None
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(outline, eps * perimeter, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            break
    if quad is None:
        return None
    inside = np.zeros_like(small)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    page_level = float(np.median(small[inside > 0]))
    rest_level = float(np.median(small[inside == 0]))
    if rest_level > MIN_CONTRAST * page_level:
        return None
    if not _edges_drop(small, _order(quad)):
        return None
    return _order(quad / f)


def _inside(points: np.ndarray, w: int, h: int) -> np.ndarray:
    """Which (x, y) points lie in a ``w`` by ``h`` picture."""
    return (points >= 0).all(axis=1) & (points[:, 0] < w) & (points[:, 1] < h)


def _edges_drop(gray: np.ndarray, quad: np.ndarray) -> bool:
    """Whether the picture darkens across every side of ``quad`` that has an outside in it.

    A side along the picture's own edge cannot be judged and is let pass."""
    h, w = gray.shape
    d = max(3.0, EDGE_OFFSET * max(h, w))
    centre = quad.mean(axis=0)
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        normal = np.array([a[1] - b[1], b[0] - a[0]], np.float64)
        normal /= np.linalg.norm(normal) or 1.0
        if np.dot(centre - a, normal) < 0:
            normal = -normal  # pointing into the page
        along = a + np.linspace(0.1, 0.9, 25)[:, None] * (b - a)
        inner, outer = (along + normal * d).round(), (along - normal * d).round()
        seen = _inside(inner, w, h) & _inside(outer, w, h)
        if seen.sum() < 8:
            continue
        inner, outer = inner[seen].astype(int), outer[seen].astype(int)
        step = gray[inner[:, 1], inner[:, 0]].astype(np.float64) - gray[outer[:, 1], outer[:, 0]]
        if float(np.median(step)) < MIN_EDGE_STEP:
            return False
    return True


def quad_size(quad: np.ndarray) -> tuple[int, int]:
    """Width and height of the rectangle a quad maps to: its longer opposite sides."""
    tl, tr, br, bl = quad
    w = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    h = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    return int(round(w)), int(round(h))


def warp_page(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The quad's content as an upright rectangle (perspective removed)."""
    w, h = quad_size(quad)
    rect = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), rect)
    return cv2.warpPerspective(
        image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


MARGIN_DARKNESS = 0.35
"""Darker than this share of the paper's brightness: a lid shadow or a desk, not lit paper."""

MARGIN_DEPTH = 0.08
"""A dark margin lies within this share of the image's size from an edge."""


def dark_margins(small_gray: np.ndarray) -> np.ndarray | None:
    """Mask (255) of the dark bands along the image edges of a small grey page, or ``None``.

    A photocopier's lid or a scanner's bed shows as near-black bands along some edges. They are
    found on the plain grey (not the flattened one: flattening lifts a wide dark band to paper)
    as very dark masses that touch an edge and stay close to it, so a shadowed corner of lit
    paper, which is far less dark, is never taken for one.
    """
    paper = percentiles_u8(small_gray, (90,))[0]
    dark = (small_gray < MARGIN_DARKNESS * paper).astype(np.uint8) * 255
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    H, W = small_gray.shape
    keep = np.zeros(n, np.uint8)
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if area < 0.002 * H * W:
            continue
        along_x = (x == 0 or x + w >= W) and w <= MARGIN_DEPTH * W and h > 0.2 * H
        along_y = (y == 0 or y + h >= H) and h <= MARGIN_DEPTH * H and w > 0.2 * W
        if along_x or along_y:
            keep[i] = 255
    if not keep.any():
        return None
    return cv2.dilate(keep[labels], np.ones((3, 3), np.uint8))


def paint_margins(gray: np.ndarray, small_mask: np.ndarray) -> np.ndarray:
    """A copy of ``gray`` with the (small) margin mask painted in the page's paper colour."""
    mask = cv2.resize(small_mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    out = gray.copy()
    out[mask > 0] = int(percentiles_u8(gray[::8, ::8], (90,))[0])
    return out
