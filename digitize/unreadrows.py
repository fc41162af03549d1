"""Rows of print the page's reading passed over, found from the ink and read as strips.

Tesseract's page layout drops whole regions it takes for pictures: on a black-and-white copy
of a photo whose shadow went black, the page read stopped after the title, though the
cleaned page showed the subject and the basis lines as clearly as the title (raw Tesseract
read nothing there either); a signer's name beside what a pale seal left on the page was read
by neither reading. Nothing the cleaned page still shows should be lost, so the rows of
letter-sized marks that no word of the reading covers are cut out as strips and read in one
call (:func:`digitize.tesseract.recognize_strips`); a row's reading, without the scraps at its
ends, joins the page only when it reads as print (:func:`digitize.plainlines.add_lost_lines`:
two well-formed words or more, no ill-formed one), so a row of specks or of a seal's lettering
reads as scraps and is left out.
Pages whose every row was read cost nothing more.
"""

from __future__ import annotations

import dataclasses
import logging

import cv2
import numpy as np

from digitize import tesseract
from digitize.errors import OCRError
from digitize.models import Word
from digitize.plainlines import add_lost_lines, debris_over_rows, print_like
from digitize.text import print_height

log = logging.getLogger(__name__)

MARK_LOW, MARK_HIGH = 0.35, 1.3
"""A letter's mark stands between these shares of the print's word height (an "a" is about
half of it, a capital with its mark all of it); smaller marks are tone marks and specks,
taller ones rules, seals and signatures."""

MARK_WIDE = 5.0
"""A mark is at most this many print heights wide (letters of bold print touch)."""

COVER_PAD = 0.3
"""A mark whose centre lies within this many print heights of a read word's box is that
word's."""

ROW_GAP = 1.5
"""Marks of one row stand at most this many print heights apart."""

ROW_MARKS = 6
"""A row of print holds at least this many letters (two short words)."""

LETTER_ASPECT = 0.5
"""A letter is about half as wide as its mark is tall: a wider mark is letters touching."""

ROW_WIDE = 3.5
"""... and spans at least this many print heights (a date printed alone under a card's
portrait, "30/10/2039", smaller than the card's print, spans 4 of them, just)."""

MAX_ROWS = 12
"""More unread rows than this on a page are no lost lines but the page's noise (a show-
through, a halftone): the page is left as read."""

STRIP_PAD = 0.4
"""A row's strip reaches this many print heights beyond its marks."""


def unread_rows(ocr: np.ndarray, words: list[Word]) -> list[tuple[int, int, int, int]]:
    """The boxes (left, top, right, bottom; OCR-image pixels) of the rows of letter-sized
    marks of ``ocr`` (black print on white) that no word of ``words`` covers."""
    height = print_height(words)
    if height <= 0:
        return []
    ink = (ocr < 128).astype(np.uint8)
    n, _labels, stats, _c = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y, w, h = (stats[1:, k] for k in range(4))
    ok = (h >= MARK_LOW * height) & (h <= MARK_HIGH * height) & (w <= MARK_WIDE * height)
    covered = np.zeros(ocr.shape[:2], bool)
    pad = int(COVER_PAD * height)
    for word in words:
        if debris_over_rows(word, height):
            continue  # no reading of the ink under it (see plainlines.WEAK_CONF)
        covered[
            max(0, word.top - pad) : word.bottom + pad, max(0, word.left - pad) : word.right + pad
        ] = True
    cx, cy = x + w // 2, y + h // 2
    keep = np.flatnonzero(ok & ~covered[cy, cx])
    # Bold print's letters touch ("30/10/2039" is four marks): a mark counts as the letters
    # its width holds.
    letters = np.maximum(1, np.round(w[keep] / (LETTER_ASPECT * h[keep])))
    if letters.sum() < ROW_MARKS:
        return []
    # The kept marks drawn, smeared along the row: each smear is one row of print.
    marks = np.zeros(ocr.shape[:2], np.uint8)
    for i in keep:
        marks[y[i] : y[i] + h[i], x[i] : x[i] + w[i]] = 1
    reach = max(1, int(ROW_GAP * height))
    smeared = cv2.dilate(marks, np.ones((1, reach), np.uint8))
    _n, row_of, boxes, _c = cv2.connectedComponentsWithStats(smeared, connectivity=4)
    count = np.bincount(row_of[cy[keep], cx[keep]], weights=letters, minlength=len(boxes))
    found = []
    for k in range(1, len(boxes)):
        bx, by, bw, bh = (int(v) for v in boxes[k, :4])
        if count[k] >= ROW_MARKS and bw - reach >= ROW_WIDE * height and bh <= 2 * height:
            found.append((bx + reach // 2, by, bx + bw - reach // 2, by + bh))
    if len(found) > MAX_ROWS:
        return []
    ph, pw = ocr.shape[:2]
    p = int(STRIP_PAD * height)
    return [
        (max(0, left - p), max(0, top - p), min(pw, right + p), min(ph, bottom + p))
        for left, top, right, bottom in sorted(found, key=lambda b: (b[1], b[0]))
    ]


SCRAP_CONF = 0.3
"""A word read below this confidence at a strip's end is taken for a scrap."""


def _trimmed(words: list[Word]) -> list[Word]:
    """A strip's reading without the scraps at its ends: the specks and strokes beside a row
    of print, read as marks and stray letters, that would make the row's print look like
    noise."""
    good = [print_like(w, SCRAP_CONF) for w in words]
    if not any(good):
        return []
    first, last = good.index(True), len(good) - 1 - good[::-1].index(True)
    return words[first : last + 1]


def read_unread_rows(
    ocr: np.ndarray, words: list[Word], *, lang: str, dpi: float, timeout: float, what: str
) -> tuple[list[Word], int]:
    """``words`` with the rows of print it passed over read and put in reading order, and how
    many were."""
    boxes = unread_rows(ocr, words)
    if not boxes:
        return words, 0
    try:
        read = tesseract.recognize_strips(
            [ocr[top:bottom, left:right] for left, top, right, bottom in boxes],
            lang=lang,
            dpi=dpi,
            timeout=timeout,
            what=what,
        )
    except OCRError as exc:
        # The page is read already: a second look that fails costs nothing but itself.
        log.warning("%s: the rows the reading passed over were not read: %s", what, exc)
        return words, 0
    found = [
        dataclasses.replace(w, left=w.left + left, top=w.top + top)  # its line numbers kept
        for (left, top, _r, _b), on_strip in zip(boxes, read, strict=True)
        for w in _trimmed(on_strip)
    ]
    out, added = add_lost_lines(words, found, ocr.shape[1], found_rows=True)
    if added:
        log.debug("%s: %d rows the reading passed over were read", what, added)
    return out, added
