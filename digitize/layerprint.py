"""Print on a text-layer page that its text layer does not hold.

A document exported from a word processor and signed electronically carries its text as a
layer, but the number and the day are typed into the signing software's fields at signing
(``Số: 11 /TB-UBND``, ``ngày 08 tháng 01``): they are printed on the page, by the fields'
appearance, and absent from the layer. The header band of such a page is searched for
letter-sized ink that no layer word covers; each such row is read by Tesseract as one line and
its words join the layer's line they stand on. Only the header is searched, where the number
and the date stand: ink elsewhere (a seal, a signature image) is not text to be added.
"""

from __future__ import annotations

import logging
import unicodedata

import cv2
import numpy as np

from digitize import tesseract
from digitize.cleanup.geometry import ink_mask, shrink, to_gray
from digitize.cleanup.illumination import flatten_background
from digitize.errors import OCRError
from digitize.models import Word, mean_confidence
from digitize.textlayer import word_mask

log = logging.getLogger(__name__)

HEADER_BAND = 0.35
"""Share of the page height, from the top, where the number and the date stand."""

ANALYSIS_SIDE = 1600
"""Long side of the copy the ink is looked for on."""

MAX_ROWS = 3
"""Rows read again at most on one page (each is one small Tesseract call)."""

MIN_CONF = 0.1
"""Words read less sure than this from an uncovered row are left out (specks, lines); the
classifiers rate what is kept by its own confidence."""


def _uncovered_rows(words: list[Word], gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (page pixels: left, top, right, bottom) of rows of uncovered letter-sized ink."""
    small, f = shrink(gray, ANALYSIS_SIDE)
    band = int(small.shape[0] * HEADER_BAND)
    ink = ink_mask(flatten_background(small))[:band]
    heights = sorted(w.height for w in words if w.top * f < band)
    if not heights:
        return []
    text_h = heights[len(heights) // 2] * f
    covered = word_mask(words, ink.shape, f, 1 / 4)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    marks = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if not (0.3 * text_h <= bh <= 1.8 * text_h and bw <= 3 * text_h and area >= 4):
            continue
        if covered[y : y + bh, x : x + bw].mean() > 0.5:
            continue
        marks.append((x, y, x + bw, y + bh))
    rows: list[list[int]] = []
    for x0, y0, x1, y1 in sorted(marks, key=lambda m: (m[1], m[0])):
        for r in rows:
            if min(r[3], y1) - max(r[1], y0) > 0.4 * text_h and x0 - r[2] < 2 * text_h:
                r[:] = [min(r[0], x0), min(r[1], y0), max(r[2], x1), max(r[3], y1)]
                break
        else:
            rows.append([x0, y0, x1, y1])
    pad = 0.5 * text_h
    out = []
    for x0, y0, x1, y1 in rows:
        if x1 - x0 < 0.5 * text_h or not _on_a_layer_line(words, f, y0, y1):
            continue
        out.append(
            (
                max(0, int((x0 - pad) / f)),
                max(0, int((y0 - pad) / f)),
                int((x1 + pad) / f),
                int((y1 + pad) / f),
            )
        )
    return out[:MAX_ROWS]


def _on_a_layer_line(words: list[Word], f: float, y0: float, y1: float) -> bool:
    """Whether the row stands on a line of the layer (the field typed into a printed line, as
    the number after "Số:" is), not apart from the text (a stamp, a logo)."""
    for w in words:
        top, bottom = w.top * f, w.bottom * f
        if min(bottom, y1) - max(top, y0) > 0.4 * min(bottom - top, y1 - y0):
            return True
    return False


SLOT_WORDS = frozenset({"so", "ngay", "thang", "nam"})
"""Printed words a typed number follows: the document's number, its day, month and year."""

CONTEXT_PAD = 20
"""Pixels of white around a row read with its line's words."""


def _fold(text: str) -> str:
    """Letters only, without marks, lower case ("Số:" -> "so")."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in bare if c.isalpha() and not unicodedata.combining(c)).lower()


def _join(words: list[Word], extra: list[Word]) -> list[Word]:
    """``words`` with each of ``extra`` placed in the layer line it stands on (reading order
    within the line by position), or as a line of its own."""
    out = list(words)
    next_line = max((w.line for w in words), default=0) + 1
    for e in extra:
        best, overlap = None, 0.0
        for w in out:
            o = min(w.bottom, e.bottom) - max(w.top, e.top)
            if o > overlap and o > 0.4 * min(w.height, e.height):
                best, overlap = w, o
        if best is None:
            out.append(Word(e.text, e.left, e.top, e.width, e.height, e.conf, 1, 1, next_line))
            next_line += 1
            continue
        key = (best.block, best.par, best.line)
        placed = Word(e.text, e.left, e.top, e.width, e.height, e.conf, *key)
        members = [i for i, w in enumerate(out) if (w.block, w.par, w.line) == key]
        at = next((i for i in members if out[i].left > e.left), members[-1] + 1)
        out.insert(at, placed)
    return out


def add_unlayered_print(
    words: list[Word], image: np.ndarray, *, lang: str, dpi: float, timeout: float, what: str
) -> tuple[list[Word], int]:
    """The layer's words with the header print the layer lacks, read by OCR; and how many
    words were added. A reading that fails leaves the layer as it is.

    Each row is read with its line's printed words on either side ("Số:" and "/TB-UBND"):
    Tesseract reads a few raised digits far better inside their line than alone."""
    extra: list[Word] = []
    gray = to_gray(image)
    for left, top, right, bottom in _uncovered_rows(words, gray):
        line = [
            w
            for w in words
            if min(w.bottom, bottom) - max(w.top, top) > 0.4 * min(w.height, bottom - top)
        ]
        before = [w for w in line if w.left + w.width / 2 < left]
        if not before or _fold(max(before, key=lambda w: w.right).text) not in SLOT_WORDS:
            continue
        after = [w for w in line if w.left + w.width / 2 > right]
        x0 = max(0, max(before, key=lambda w: w.right).left - CONTEXT_PAD)
        x1 = min(gray.shape[1], (min(after, key=lambda w: w.left).right if after else right))
        x1 += CONTEXT_PAD
        found = _read_stretch(gray, (x0, top, x1, bottom), (left, right), lang, dpi, timeout, what)
        if not found or max(w.conf for w in found) < SURE:
            # A few raised digits alone, enlarged, are read instead when the line read poorly.
            alone = _read_stretch(
                gray, (left, top, right, bottom), (left, right), lang, dpi, timeout, what, 2.0
            )
            if alone and (not found or _better(alone, found)):
                found = alone
        extra += [w for w in found if not any(_overlaps(w, lw) for lw in words)]
    if not extra:
        return words, 0
    return _join(words, extra), len(extra)


SURE = 0.5
"""A stretch read at least this sure inside its line needs no second reading alone."""


def _better(a: list[Word], b: list[Word]) -> bool:
    """Whether reading ``a`` of a slot beats ``b``: a number or a day is digits, so a reading
    with digits wins; between two alike, the surer one."""

    def key(words: list[Word]) -> tuple[bool, float]:
        digits = any(c.isdigit() for w in words for c in w.text)
        return digits, mean_confidence(words)

    return key(a) > key(b)


def _read_stretch(
    gray: np.ndarray,
    box: tuple[int, int, int, int],
    stretch: tuple[int, int],
    lang: str,
    dpi: float,
    timeout: float,
    what: str,
    scale: float = 1.0,
) -> list[Word]:
    """The words read in ``box`` (page pixels) whose centre lies in ``stretch`` (the uncovered
    part of the row), in page pixels."""
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0:
        return []
    if scale != 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    pad = CONTEXT_PAD
    crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    try:
        read = tesseract.recognize(
            crop, lang=lang, psm=7, dpi=dpi * scale, timeout=timeout, what=what
        )
    except OCRError as exc:
        log.warning("%s: print outside the text layer not read: %s", what, exc)
        return []
    out = []
    for w in read:
        x = x0 + round((w.left - pad) / scale)
        y = y0 + round((w.top - pad) / scale)
        width, height = max(1, round(w.width / scale)), max(1, round(w.height / scale))
        centre = x + width / 2
        # Only what stands in the uncovered stretch is new; the line's own words are not.
        inside = stretch[0] <= centre <= stretch[1]
        if inside and any(c.isalnum() for c in w.text) and w.conf >= MIN_CONF:
            out.append(Word(w.text, x, y, width, height, w.conf))
    return out


def _overlaps(a: Word, b: Word) -> bool:
    across = min(a.right, b.right) - max(a.left, b.left)
    down = min(a.bottom, b.bottom) - max(a.top, b.top)
    return across > 0.3 * min(a.width, b.width) and down > 0.3 * min(a.height, b.height)
