"""Handwritten digits read glyph by glyph: the pen's strokes in a slot, cut apart and compared
with examples of handwriting.

Tesseract reads print. The number and the day of a Decree 30 header are often written in by
hand after printing (``Số: 16 /CT-UBND``), in the slot between printed words, and there it
reads a looped ``2`` as ``@``, a ``1`` with its lead-in stroke as ``4`` or ``7``, and two
touching digits as one. Here the slot's ink is cut into glyphs (connected strokes, parts of one
digit joined, touching digits split where the ink is thinnest) and each glyph is given the
label its gradient histograms (the classic recipe for handwritten digits) score highest
under a kernel classifier fitted to the examples of ``digitize/lm/digits.npz`` (see
:mod:`digitize.lm.build_digits`): a regularised least-squares fit of Gaussian-kernel scores,
which on 1,000 examples held back from the fit reads 97.9 % right, where the vote of the five
nearest examples it replaced read 95.9 %.

The examples are American handwriting; Vietnamese hands write a ``1`` with a long lead-in
stroke and often cross the ``7``. So each ``1`` example is also used with a lead-in stroke
drawn on, and each ``7`` with a bar across: the digits as they are written here.

A glyph reading is a candidate among the slot readings of :mod:`digitize.slots`, which check it
against the printed words around it like any other; what it gives stays marked as written by
hand, for a clerk to confirm.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

SIZE = 20
"""Side of an example, in pixels; a glyph is scaled to fit ``BOX`` pixels and centred."""

BOX = 16

UNSURE = -0.2
"""A glyph whose best digit scores below this is as often read wrong as right (of 1,000
examples held back from the fit, 18 scored below it and 7 of those were read right; of the
others, 98.8 %): the slot then gives no reading rather than a guess."""

FRAGMENT = 0.65
"""A stroke less than this share of the slot's tallest stroke high, that ends above the lower
third of the slot's ink (a small digit stands on the line with the others), is part of a digit
the pen drew in two strokes (the upper loop of an ``8``, the bar of a ``4`` or ``5``), ..."""

REACH = 0.3
"""... joined to the digit beside it, within this many text heights across, that it makes
the surer digit with."""

MIN_HEIGHT = 0.4
"""A glyph is at least this share of the printed text's height (smaller ink is a speck, a dot
of the leader line or a stroke of the printed word beside it)."""

MIN_AREA = 0.02
"""and at least this share of the text height squared in ink."""

FLAT = 3.0
"""Ink this many times wider than high is a rule or an underline, not a digit."""

JOIN = 0.5
"""Two strokes overlapping across by this share of the narrower are parts of one digit (an
``8`` whose loop the pen did not close)."""

ABOVE = 0.6
BELOW = 0.4
"""How far, in text heights, a pen's digits reach above and below the row's printed words."""

WIDE = 0.95
"""A glyph wider than this many times its height holds touching digits ..."""

DIGIT_WIDTH = 0.62
"""... about this many times its height wide each; they are cut where the ink is thinnest,
within ``CUT_SLACK`` of a digit's width from the even cut."""

CUT_SLACK = 0.15

_DATA = Path(__file__).with_name("lm") / "digits.npz"


def _deskew(img: np.ndarray) -> np.ndarray:
    """The glyph with its slant taken out (by its second moments), as the examples are."""
    m = cv2.moments(img)
    if abs(m["mu02"]) < 1e-2:
        return img.copy()
    skew = m["mu11"] / m["mu02"]
    warp = np.float32([[1, skew, -0.5 * SIZE * skew], [0, 1, 0]])
    return cv2.warpAffine(img, warp, (SIZE, SIZE), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR)


def features(img: np.ndarray) -> np.ndarray:
    """Gradient-orientation histograms over 2 x 2 and 4 x 4 cells of a 20 x 20 glyph,
    square-rooted and normalised."""
    img = _deskew(img)
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1)
    mag, ang = cv2.cartToPolar(gx, gy)
    bins = np.int32(16 * ang / (2 * np.pi)) % 16
    parts = []
    for cell in (10, 5):
        for i in range(0, SIZE, cell):
            for j in range(0, SIZE, cell):
                b, m = bins[i : i + cell, j : j + cell], mag[i : i + cell, j : j + cell]
                parts.append(np.bincount(b.ravel(), m.ravel(), 16))
    hist = np.hstack(parts)
    hist = np.sqrt(hist / (hist.sum() + 1e-7))
    return (hist / (np.linalg.norm(hist) + 1e-7)).astype(np.float32)


def _with_lead_in(ones: np.ndarray) -> np.ndarray:
    """``1`` examples with the lead-in stroke of a Vietnamese hand drawn from their top."""
    out = []
    for x in ones:
        ys, xs = np.nonzero(x > 128)
        if ys.size == 0:
            continue
        top = int(ys.argmin())
        ty, tx, h = int(ys[top]), int(xs[top]), int(ys.max() - ys.min())
        z = x.copy()
        cv2.line(z, (tx, ty), (int(tx - 0.3 * h), int(ty + 0.3 * h)), 255, 2)
        out.append(z)
    return np.array(out, dtype=np.uint8)


def _crossed(sevens: np.ndarray) -> np.ndarray:
    """``7`` examples with a bar across their middle."""
    out = []
    for x in sevens:
        ys, _xs = np.nonzero(x > 128)
        if ys.size == 0:
            continue
        mid = int((ys.min() + ys.max()) / 2)
        row = np.flatnonzero(x[mid] > 128)
        if row.size == 0:
            continue
        c, h = int(row.mean()), int(ys.max() - ys.min())
        z = x.copy()
        cv2.line(z, (int(c - 0.22 * h), mid), (int(c + 0.22 * h), mid), 255, 2)
        out.append(z)
    return np.array(out, dtype=np.uint8)


def as_written_here(digits: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The examples with each ``1`` also drawn with a lead-in stroke and each ``7`` crossed."""
    ones, sevens = _with_lead_in(digits[labels == 1]), _crossed(digits[labels == 7])
    out = np.concatenate([digits, ones, sevens])
    return out, np.concatenate(
        [labels.astype(np.int64), np.full(len(ones), 1), np.full(len(sevens), 7)]
    )


def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared distances between the rows of ``a`` and of ``b`` (feature vectors)."""
    d = (a**2).sum(axis=1)[:, None] - 2.0 * a @ b.T + (b**2).sum(axis=1)[None, :]
    return np.maximum(d, 0.0)


def kernel(a: np.ndarray, b: np.ndarray, gamma: float) -> np.ndarray:
    """Gaussian kernel between the rows of ``a`` and of ``b``."""
    return np.exp(-gamma * distances(a, b))


@functools.lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, np.ndarray, float]:
    """The examples' features, the classifier's weights on them and its kernel width (fitted
    when the data was built), loaded the first time a slot needs them."""
    with np.load(_DATA) as data:
        return (
            data["features"].astype(np.float64),
            data["weights"].astype(np.float64),
            float(data["gamma"]),
        )


def scores(glyph: np.ndarray) -> np.ndarray:
    """The ten digits' scores for a glyph (ink mask, cropped to its ink): about 1 for the digit
    it is, about -1 for the others."""
    centres, weights, gamma = _model()
    q = features(normalised(glyph)).astype(np.float64)[None, :]
    return (kernel(q, centres, gamma) @ weights)[0]


def label(glyph: np.ndarray) -> int:
    """The digit a glyph (ink mask, cropped to its ink) most resembles."""
    return int(scores(glyph).argmax())


PEN = 0.12
"""Width of the examples' strokes, as a share of their longer side (the median over
``digits.npz``; nine in ten lie between 0.09 and 0.17)."""

FINE_PEN = 0.09
"""A glyph whose strokes are finer than this share of its longer side (a fine pen's large
digit) is drawn broader, to ``PEN``, before it is compared: scaled down to the examples' size,
its strokes would be faint lines the examples do not have."""


def pen_width(glyph: np.ndarray) -> float:
    """The strokes' mean width in a glyph's mask: twice its ink over its outline's length."""
    mask = glyph.astype(np.uint8)
    outlines, _h = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    length = sum(cv2.arcLength(c, True) for c in outlines)
    return 2.0 * float(mask.sum()) / max(1.0, length)


def _broadened(glyph: np.ndarray) -> np.ndarray:
    """The glyph with a fine pen's strokes drawn to the examples' width (see ``FINE_PEN``)."""
    side = max(glyph.shape)
    width = pen_width(glyph)
    if width >= FINE_PEN * side:
        return glyph
    r = max(1, round((PEN * side - width) / 2))
    pad = np.pad(glyph.astype(np.uint8), r)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.dilate(pad, disc) > 0


def normalised(glyph: np.ndarray) -> np.ndarray:
    """A glyph's ink as the examples are drawn: white on black, strokes of their width, its
    longer side ``BOX`` pixels, its centre of mass in the middle of a 20 x 20 square."""
    glyph = _broadened(glyph)
    h, w = glyph.shape
    s = BOX / max(h, w)
    nh, nw = max(1, round(h * s)), max(1, round(w * s))
    g = cv2.resize(glyph.astype(np.uint8) * 255, (nw, nh), interpolation=cv2.INTER_AREA)
    out = np.zeros((SIZE, SIZE), np.uint8)
    oy, ox = (SIZE - nh) // 2, (SIZE - nw) // 2
    out[oy : oy + nh, ox : ox + nw] = g
    m = cv2.moments(out)
    if m["m00"] > 0:
        shift = np.float32(
            [[1, 0, SIZE / 2 - m["m10"] / m["m00"]], [0, 1, SIZE / 2 - m["m01"] / m["m00"]]]
        )
        out = cv2.warpAffine(out, shift, (SIZE, SIZE))
    return out


Box = tuple[int, int, int, int]
"""left, top, right, bottom in the crop's pixels."""


def _strokes(
    ink: np.ndarray, x0: int, x1: int, text_height: float
) -> tuple[list[tuple[Box, list[int]]], np.ndarray, int]:
    """The slot's connected strokes (boxes and component labels), digit-sized, left to right,
    with strokes of one digit joined; the labels image and where its columns start. A stroke
    belongs to the slot when its middle lies in it (a crossed ``7``'s bar may reach the printed
    word after it)."""
    reach = int(0.5 * text_height)
    a, b = max(0, x0 - reach), min(ink.shape[1], x1 + reach)
    n, lab, stats, cents = cv2.connectedComponentsWithStats(ink[:, a:b].astype(np.uint8), 8)
    found: list[tuple[Box, list[int]]] = []
    for c in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[c])
        if not x0 <= a + cents[c][0] <= x1:
            continue
        if h < MIN_HEIGHT * text_height or area < MIN_AREA * text_height**2 or w > FLAT * h:
            continue
        found.append(((a + x, y, a + x + w, y + h), [c]))
    found.sort()
    joined: list[tuple[Box, list[int]]] = []
    for box, ids in found:
        for k, ((pl, pt, pr, pb), pids) in enumerate(joined):
            overlap = min(pr, box[2]) - max(pl, box[0])
            if overlap > JOIN * min(pr - pl, box[2] - box[0]):
                merged = (min(pl, box[0]), min(pt, box[1]), max(pr, box[2]), max(pb, box[3]))
                joined[k] = (merged, pids + ids)
                break
        else:
            joined.append((box, ids))
    return joined, lab, a


def _mask(stroke: tuple[Box, list[int]], lab: np.ndarray, a: int) -> np.ndarray:
    (left, t, r, b), ids = stroke
    return np.isin(lab[t:b, left - a : r - a], ids)


def _merged(p: tuple[Box, list[int]], q: tuple[Box, list[int]]) -> tuple[Box, list[int]]:
    (pl, pt, pr, pb), (ql, qt, qr, qb) = p[0], q[0]
    return (min(pl, ql), min(pt, qt), max(pr, qr), max(pb, qb)), p[1] + q[1]


def _fragments_joined(
    strokes: list[tuple[Box, list[int]]], lab: np.ndarray, a: int, text_height: float
) -> list[tuple[Box, list[int]]]:
    """The strokes with each fragment (see ``FRAGMENT``) joined to the digit beside it that
    it makes surer (its top score rises most), where one is within ``REACH``."""
    out = list(strokes)
    k = 0
    while k < len(out) and len(out) > 1:
        tallest = max(b[3] - b[1] for b, _ids in out)
        top, bottom = min(b[1] for b, _ids in out), max(b[3] for b, _ids in out)
        box = out[k][0]
        if box[3] - box[1] >= FRAGMENT * tallest or box[3] > top + 2 * (bottom - top) / 3:
            k += 1
            continue
        best, gain = None, -np.inf
        for j in (k - 1, k + 1):
            if not 0 <= j < len(out):
                continue
            other = out[j][0]
            if max(other[0], box[0]) - min(other[2], box[2]) > REACH * text_height:
                continue
            alone = float(scores(_mask(out[j], lab, a)).max())
            joined = float(scores(_mask(_merged(out[j], out[k]), lab, a)).max())
            if joined - alone > gain:
                best, gain = j, joined - alone
        if best is None:
            k += 1
            continue
        out[min(best, k)] = _merged(out[best], out[k])
        del out[max(best, k)]
        k = 0
    return out


def _cut(mask: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """A glyph's mask cut into digits where it is wide (touching digits): (offset, mask)."""
    h, w = mask.shape
    k = max(1, round(w / (DIGIT_WIDTH * h))) if w > WIDE * h else 1
    if k == 1:
        return [(0, mask)]
    ink_per_column = mask.sum(axis=0).astype(float)
    cuts = [0]
    for q in range(1, k):
        even, slack = int(w * q / k), int(CUT_SLACK * w / k)
        lo, hi = max(1, even - slack), min(w - 1, even + slack)
        cuts.append(lo + int(np.argmin(ink_per_column[lo : hi + 1])))
    cuts.append(w)
    return [(a, mask[:, a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if b - a > 1]


def read_slot(
    grey: np.ndarray, x0: float, x1: float, text_height: float, band: tuple[float, float]
) -> tuple[str, Box] | None:
    """The digits written between ``x0`` and ``x1`` of a row's crop (grey, white paper), within
    the rows ``band`` (top, bottom), and their joint box; ``None`` when there is no ink there
    that looks like digits, or when a glyph is surely like no digit (``UNSURE``). Ink outside
    the band is the lines above and below, which a pen's stroke may touch."""
    _t, bw = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = bw > 0
    top, bottom = max(0, int(band[0])), min(ink.shape[0], int(band[1]))
    ink[:top] = False
    ink[bottom:] = False
    strokes, lab, a = _strokes(ink, int(x0), int(x1), text_height)
    strokes = _fragments_joined(strokes, lab, a, text_height)
    digits: list[str] = []
    boxes: list[Box] = []
    for (left, t, r, b), ids in strokes:
        mask = np.isin(lab[t:b, left - a : r - a], ids)
        for off, part in _cut(mask):
            ys, xs = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
            if ys.size == 0 or ys[-1] - ys[0] + 1 < MIN_HEIGHT * text_height:
                continue  # the end of a crossed 7's long bar, cut from it
            sure = scores(part[ys[0] : ys[-1] + 1, xs[0] : xs[-1] + 1])
            if sure.max() < UNSURE:
                return None
            digits.append(str(int(sure.argmax())))
            boxes.append((left + off + int(xs[0]), t + int(ys[0]), left + off + int(xs[-1]) + 1,
                          t + int(ys[-1]) + 1))  # fmt: skip
    if not digits:
        return None
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
           max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip
    return "".join(digits), box


def read_slots(
    grey: np.ndarray,
    gaps: Sequence[tuple[float, float]],
    text_height: float,
    band: tuple[float, float],
) -> list[tuple[str, Box]] | None:
    """Each gap's digits, or ``None`` when any gap has none."""
    out = []
    for x0, x1 in gaps:
        if x1 - x0 < 0.3 * text_height:
            return None
        got = read_slot(grey, x0, x1, text_height, band)
        if got is None:
            return None
        out.append(got)
    return out
