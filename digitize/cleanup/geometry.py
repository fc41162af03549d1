"""Page geometry: quarter turns, small rotations and skew measurement.

Every estimate here runs on a small binary *analysis image* (ink = 255, about 1000 px on the
long side): a skew or orientation read from it is as good as one read at full size and costs a
hundredth of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from digitize.cleanup.illumination import flatten_background

MAX_SKEW_DEG = 15.0
"""Largest skew searched for; beyond it a page is treated as rotated, not skewed."""

MIN_SKEW_DEG = 0.1
"""Smaller skews are left alone: rotating resamples the image for no readable gain."""

ANALYSIS_LONG_SIDE = 1000
"""Long side, in pixels, of the binary copy that geometric estimates run on."""


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


def shrink(image: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """A copy no longer than ``long_side``, reduced by a whole factor, and the factor applied.

    Whole factors let OpenCV's area averaging take its fast path (five times faster than an
    arbitrary size on a 300-dpi A4 colour page).
    """
    k = int(np.ceil(max(image.shape[:2]) / long_side))
    if k <= 1:
        return image, 1.0
    return cv2.resize(image, None, fx=1.0 / k, fy=1.0 / k, interpolation=cv2.INTER_AREA), 1.0 / k


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Ink = 255 on a background-flattened grey image, with edge-touching dark masses removed.

    Dark scanner-lid borders and the desk around a photographed page would otherwise dominate
    any row profile; real text almost never touches the image edge in a large blob.
    """
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    x, y, bw, bh = (stats[:, i] for i in range(4))
    touches = (x == 0) | (y == 0) | (x + bw >= w) | (y + bh >= h)
    big = (bw > w * 0.15) | (bh > h * 0.15)
    drop = touches & big
    drop[0] = False
    if drop.any():
        ink[drop[labels]] = 0
    return ink


def analysis_image(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The small binary ink copy of a grey page and its scale (analysis px per page px)."""
    small, f = shrink(gray, ANALYSIS_LONG_SIDE)
    return ink_mask(flatten_background(small)), f


@dataclass(frozen=True)
class _InkPoints:
    """The inked pixels of an analysis image, centred, for projecting at many angles."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    """The pixel's ink (255 on a binary image, less on its area-averaged half-size copy)."""
    height: int

    @classmethod
    def of(cls, ink: np.ndarray) -> _InkPoints:
        h, w = ink.shape
        ys, xs = np.nonzero(ink)
        weight = ink[ys, xs].astype(np.float64)
        return cls(xs.astype(np.float32) - w / 2, ys.astype(np.float32) - h / 2, weight, h)


def _profile_score(points: _InkPoints, angle: float) -> float:
    """Row-profile sharpness of the ink turned counter-clockwise by ``angle`` degrees.

    The ink is projected point by point (each inked pixel's row after the turn, counted) rather
    than by warping the whole image: a page's ink is a few percent of its pixels, so this is
    several times cheaper at the same answer, and skew search tries about fifty angles a page.
    """
    a = np.deg2rad(angle)
    rows = points.y * np.float32(np.cos(a)) - points.x * np.float32(np.sin(a))
    index = np.rint(rows + points.height / 2).astype(np.int32)
    inside = (index >= 0) & (index < points.height)
    profile = np.bincount(index[inside], points.weight[inside], minlength=points.height)
    return float(np.square(np.diff(profile)).sum())


def _search(points: _InkPoints, centre: float, span: float, step: float) -> tuple[float, float]:
    candidates = np.arange(centre - span, centre + span + step / 2, step)
    scores = [_profile_score(points, float(a)) for a in candidates]
    i = int(np.argmax(scores))
    return float(candidates[i]), scores[i]


def skew_of_ink(ink: np.ndarray, *, refine: bool = True) -> tuple[float, float]:
    """Best counter-clockwise levelling angle of an ink image and its (half-size) row-profile
    sharpness.

    Text lines turned to the horizontal give the sharpest row profile. The coarse search over
    the whole range runs at half size (a degree is still several pixels across a page there),
    the two refinements around the best angle at full size.
    """
    if ink.mean() < 0.5:  # blank page: nothing to align
        return 0.0, 0.0
    half = cv2.resize(ink, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    best, score = _search(_InkPoints.of(half), 0.0, MAX_SKEW_DEG, 1.0)
    if not refine:
        return best, score
    points = _InkPoints.of(ink)
    best, _ = _search(points, best, 1.0, 0.2)
    best, _ = _search(points, best, 0.2, 0.05)
    return float(round(best, 2)), score


def estimate_skew(gray: np.ndarray) -> float:
    """The counter-clockwise rotation, in degrees, that makes the page's text lines level."""
    ink, _ = analysis_image(gray)
    return skew_of_ink(ink)[0]


def channel_spread(bgr: np.ndarray) -> np.ndarray:
    """Per pixel, the brightest channel minus the darkest: how coloured it is (0 for grey).

    Computed by OpenCV channel by channel: NumPy's max over the colour axis is a strided
    reduction about ten times slower on a page-sized array.
    """
    b, g, r = cv2.split(bgr)
    return cv2.subtract(cv2.max(cv2.max(b, g), r), cv2.min(cv2.min(b, g), r))


def paper_colour(image: np.ndarray) -> tuple[int, ...]:
    sample = image[:: max(1, image.shape[0] // 64), :: max(1, image.shape[1] // 64)]
    if sample.ndim == 2:
        return (int(np.percentile(sample, 90)),)
    return tuple(int(np.percentile(sample[:, :, c], 90)) for c in range(sample.shape[2]))


def rotate_by(image: np.ndarray, angle_deg: float, *, exact: bool = True) -> np.ndarray:
    """Rotate counter-clockwise by ``angle_deg``, keeping the size, filling with paper colour.

    ``exact`` False picks the nearest source pixel instead of interpolating: no pixel moves
    by more than half a pixel from where interpolation would put it, at a third of the cost on
    a colour page, which is what the stored page image gets.
    """
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    return cv2.warpAffine(
        image,
        m,
        (w, h),
        flags=cv2.INTER_LINEAR if exact else cv2.INTER_NEAREST,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=paper_colour(image),
    )
