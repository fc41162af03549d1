"""The second reading of a page's signature zones (see :mod:`digitize.cleanup.zones`).

Read whole, a zone is no easier than the page: the seal's ring and the signature confuse
Tesseract's line finding as much as the letters they touch. Read a line at a time, as a strip
no taller than the line, only short pieces of the ring are left in it, and at the right grey
level none. So every line the page's reading found in a zone is cut out across the zone's
whole width (the seal may have hidden its first words) at each level of
:data:`~digitize.cleanup.zones.LEVELS`; the strips, stacked with paper between them, go to
Tesseract in one call. The levels vote on each line's text. The agreed reading replaces the
page's reading of that line only when it reads more letters, and reads them surely: its
confidence-weighted letter count must beat the page's by a margin. So a line the page read
well is never made worse.
"""

from __future__ import annotations

import dataclasses
import logging
import statistics

import cv2
import numpy as np

from digitize import tesseract
from digitize.cleanup.zones import Zone
from digitize.models import Word
from digitize.plainlines import keeps_numbers, verdict
from digitize.text import letters, lines_of, on_line, print_height, renumbered, spliced

log = logging.getLogger(__name__)

MARGIN = 1.15
"""A strip's reading replaces the page's reading of its line when it scores this much higher."""

BAND_PAD = 0.35
"""A line's strip reaches this many line heights above and below its words."""

BAND_OVERLAP = 0.5
"""A page word is on a strip when it shares this share of its height with it."""

INK_LEVEL = 0.35
"""Print, when lines are looked for in a zone's ink: darker than this share of the way from
the zone's darkest pixels to paper (a copied seal is lighter)."""

INK_ROW_SHARE = 0.02
"""A row crossing a line of print has ink over at least this share of the zone's width."""

BAR_SHARE = 0.6
"""A column of the zone with ink on more than this share of its rows is a bar, not print."""

NEW_LINE_WORDS = 2
"""A line the page's reading did not find is taken from a zone only with this many sure words
(two letters or more, confidence at least :data:`SURE`): the seal's ring and the signature
read as scraps."""

SURE = 0.8

EDGE_CUT = 0.3
"""A word reaching this many text heights past a side of the zone is cut by it: it is left to
the page's reading, whose word is whole, and its line's strip is cut beside it."""

CUT_GAP = 0.5
"""Paper, in text heights, left between such a word and the strip cut beside it."""

MIN_STRIP = 4.0
"""A strip narrower than this many text heights is not read: a piece of a line."""


def letter_score(words: list[Word]) -> float:
    """Letters read, each weighted by its word's confidence."""
    return sum(w.conf * letters(w.text) for w in words)


def _ink_lines(
    zone: Zone, text_h: float, cleaned: np.ndarray | None = None
) -> list[tuple[int, int]]:
    """Rows of the zone (OCR-image pixels) where a line of print lies, found from its ink
    alone: the page's reading may have lost a whole line under the seal. The cleaned page's
    ink is looked at first, when given (the seal's ring is gone from it, what print it took
    with the ring still marks the line's rows); then the zone's grey, where print is darker
    than :data:`INK_LEVEL` (a copied seal is lighter); then the letter-sized marks of each."""
    img = zone.image
    h, w = img.shape[:2]
    dark = float(np.percentile(img, 1))
    inks = []
    if cleaned is not None:
        inks.append(cleaned[zone.y : zone.y + h, zone.x : zone.x + w] < 128)
    inks.append(img < dark + INK_LEVEL * (255.0 - dark))
    for ink in inks:
        # A column dark down most of the zone is no print: the sheet's edge and the desk
        # beyond it on a photo, a table's rule. Counted, it puts ink on every row.
        ink[:, np.count_nonzero(ink, axis=0) > BAR_SHARE * ink.shape[0]] = False
    # Each ink whole, then its letter-sized marks alone: a name the ring touches is found in
    # the first, one beside what a pale seal left (one run of rows with it) in the second.
    inks += [_letter_marks(ink, text_h) for ink in list(inks)]
    found: list[tuple[int, int]] = []
    for ink in inks:
        on = np.count_nonzero(ink, axis=1) > max(3, INK_ROW_SHARE * w)
        runs: list[list[int]] = []
        for y in np.flatnonzero(on):
            if runs and y - runs[-1][1] <= max(1, int(0.3 * text_h)):
                runs[-1][1] = int(y) + 1
            else:
                runs.append([int(y), int(y) + 1])
        for a, b in runs:
            # A run the zone's top or bottom cuts is part of a line outside it.
            if a == 0 or b == ink.shape[0]:
                continue
            if 0.6 * text_h <= b - a <= 2.5 * text_h and not any(
                a < fb and fa < b for fa, fb in found
            ):
                found.append((a, b))
    return sorted((a + zone.y, b + zone.y) for a, b in found)


MARK_HEIGHT = 1.6
"""Marks taller than this many text heights are no letters: the seal's ring, or what is left
of it on a photo whose red was too pale to be taken off, and a signature's loops. Joined to a
line's rows, they make one run too tall to be a line, and the line under the seal is lost."""


def _letter_marks(ink: np.ndarray, text_h: float) -> np.ndarray:
    """``ink`` with only its marks of a letter's or a word's height."""
    n, labels, stats, _c = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_HEIGHT] <= MARK_HEIGHT * text_h
    keep[0] = False
    return keep[labels]


def _bands(
    words: list[Word], zone: Zone, text_h: float, cleaned: np.ndarray | None = None
) -> list[tuple[int, int, list[int], int, int]]:
    """The zone's lines as strips (top, bottom) in OCR-image pixels, each with the indexes of
    the page's words it covers inside the zone and its left and right in zone pixels: the
    lines the page's reading found there, and lines of ink where it found none. A word of
    another column that the zone's side cuts stays outside its line's strip."""
    x0, x1 = zone.x, zone.x + zone.image.shape[1]
    y0, y1 = zone.y, zone.y + zone.image.shape[0]
    inside = [i for i, w in enumerate(words) if x0 <= w.left + w.width / 2 < x1]
    found = []
    for line in lines_of([words[i] for i in inside]):
        if any(letters(w.text) for w in line):
            h = statistics.median(w.height for w in line)
            printed = any(letters(w.text) >= 2 and w.conf >= PRINT_CONF for w in line)
            found.append((min(w.top for w in line), max(w.bottom for w in line), h, printed))
    for top, bottom in _ink_lines(zone, text_h, cleaned):
        if not any(top < b and t < bottom for t, b, _h, _p in found):
            found.append((top, bottom, text_h, False))
    bands: list[list] = []  # top, bottom, the print's bottom, whether it is one line of print
    for t, b, h, printed in _one_per_line(found):
        top, bottom = int(t - BAND_PAD * h), int(b + BAND_PAD * h)
        if bands and top < bands[-1][1]:
            if printed and bands[-1][3]:
                # Lines of print set close: each strip reaches halfway to the next line's
                # print, so no strip holds two lines (read as one, their words interleave).
                cut = (bands[-1][2] + t) // 2
                bands[-1][1], top = min(bands[-1][1], cut), max(top, cut)
            else:
                # A signature's strokes, read as scraps, go with the line they touch: cut
                # between them, a strip catches the strokes' ends as marks ("`>Phạmï").
                last = bands[-1]
                last[0], last[1], last[2] = min(last[0], top), max(last[1], bottom), max(last[2], b)
                last[3] = False
                continue
        bands.append([top, bottom, b, printed])
    bands = [[t, b] for t, b, _b, _p in bands if t >= y0 and b <= y1]
    out = []
    edge = EDGE_CUT * text_h
    for top, bottom in bands:
        on_band = [w for w in words if on_line(w, top, bottom, BAND_OVERLAP)]
        # A word the zone's side cuts (another column's, reaching into the zone) is left to
        # the page's reading: the strip starts after it, or ends before it, so it never reads
        # a piece of it (a card's red number beside the portrait's seal read "Số 32114").
        left = max(
            (w.right for w in on_band if w.left < x0 - edge < x0 + edge < w.right), default=x0
        )
        right = min(
            (w.left for w in on_band if w.left < x1 - edge < x1 + edge < w.right), default=x1
        )
        left = x0 if left == x0 else int(left + CUT_GAP * text_h)
        right = x1 if right == x1 else int(right - CUT_GAP * text_h)
        if right - left < MIN_STRIP * text_h:
            continue
        ids = [
            i
            for i in inside
            if on_line(words[i], top, bottom, BAND_OVERLAP)
            and left <= words[i].left + words[i].width / 2 < right
        ]
        out.append((top, bottom, ids, left - x0, right - x0))
    return out


PRINT_CONF = 0.6
"""A line the page's reading found in a zone is print when a word of two letters or more was
read at this confidence or more; otherwise it is a signature's or a seal's strokes."""

SAME_LINE = 0.5
"""Two lines found in a zone are one when their print overlaps by this share of the lower's
height (the page's reading split a line the seal cut in two)."""


def _one_per_line(
    found: list[tuple[int, int, float, bool]],
) -> list[tuple[int, int, float, bool]]:
    """The lines found in a zone, top to bottom, with the pieces of one line made one."""
    out: list[list] = []
    for t, b, h, p in sorted(found, key=lambda f: (f[0] + f[1]) / 2):
        if out and min(b, out[-1][1]) - max(t, out[-1][0]) >= SAME_LINE * min(
            b - t, out[-1][1] - out[-1][0]
        ):
            last = out[-1]
            out[-1] = [min(t, last[0]), max(b, last[1]), max(h, last[2]), p or last[3]]
        else:
            out.append([t, b, h, p])
    return [(int(t), int(b), float(h), bool(p)) for t, b, h, p in out]


def _read_strips(
    zone: Zone,
    bands: list[tuple[int, int, list[int], int, int]],
    *,
    lang: str,
    dpi: float,
    timeout: float,
    what: str,
) -> dict[int, list[list[Word]]]:
    """Every band's strips, read in one call: band number -> one word list per level, in
    OCR-image pixels."""
    strips = [  # (band, its top and left in OCR-image pixels, the strip at one level)
        (k, top, zone.x + left, image[:, left:right])
        for k, (top, bottom, _ids, left, right) in enumerate(bands)
        for image in zone.band(top - zone.y, bottom - zone.y)
    ]
    found = tesseract.recognize_strips(
        [image for _k, _top, _left, image in strips],
        lang=lang,
        dpi=dpi,
        timeout=timeout,
        what=what,
        sides=False,  # a zone's bands run its whole width: the seal's edge, not paper, is there
    )
    read: dict[int, list[list[Word]]] = {}
    for (k, top, left, _image), on_strip in zip(strips, found, strict=True):
        moved = [dataclasses.replace(w, left=w.left + left, top=w.top + top) for w in on_strip]
        read.setdefault(k, []).append(moved)
    return read


def _agreed(readings: list[list[Word]]) -> list[Word]:
    """The reading of a strip that its levels agree on: the text with the highest score summed
    over the levels that read it (a ring left in the grey strip can turn "Trần" into a sure
    "Trầm", which the black-and-white strips, without the ring, outvote), as its surest read."""
    votes: dict[str, float] = {}
    for words in readings:
        text = " ".join(w.text for w in words)
        votes[text] = votes.get(text, 0.0) + letter_score(words)
    if not votes:
        return []
    text = max(votes, key=lambda t: votes[t])
    return max((r for r in readings if " ".join(w.text for w in r) == text), key=letter_score)


def reread_zones(
    words: list[Word],
    zones: list[Zone],
    *,
    lang: str,
    dpi: float,
    timeout: float,
    what: str,
    cleaned: np.ndarray | None = None,
) -> tuple[list[Word], int]:
    """``words`` (the page's reading, OCR-image pixels) with the lines of its signature zones
    that read better a line at a time put in place of the page's reading of them, and how
    many lines were. ``cleaned``, the cleaned page (OCR image), helps find the lines."""
    out = list(words)
    block = max((w.block for w in out), default=0) + 1
    lines = 0
    text_h = print_height(out, default=30.0)
    for zone in zones:
        bands = _bands(out, zone, text_h, cleaned)
        if not bands:
            continue
        read = _read_strips(zone, bands, lang=lang, dpi=dpi, timeout=timeout, what=what)
        insert: dict[int, list[Word]] = {}  # index in the page's words -> lines put before it
        gone: set[int] = set()
        for k, (top, _bottom, ids, _left, _right) in enumerate(bands):
            best = _agreed(read.get(k, []))
            mine = [out[i] for i in ids]
            if letter_score(best) <= MARGIN * letter_score(mine):
                continue
            if verdict(best).good < verdict(mine).good or not keeps_numbers(best, mine):
                # More letters, fewer words of print: the strip read a signature's strokes
                # as letters glued to the name. Nor is a number changed ("09" read "O0"
                # through the seal's ring): the page's digits are the slot reader's to settle.
                continue
            sure = sum(letters(w.text) >= 2 and w.conf >= SURE for w in best)
            if not ids and sure < NEW_LINE_WORDS:
                continue
            log.debug("%s: a line under the seal read again (%d words)", what, len(best))
            at = _main_line_start(out, ids) if ids else _insertion_point(out, top)
            insert.setdefault(at, []).extend(renumbered(best, block))
            gone.update(ids)
            block += 1
            lines += 1
        if insert:
            out = spliced(out, insert, gone)
    return out, lines


def _main_line_start(words: list[Word], ids: list[int]) -> int:
    """Where a band's reading goes in reading order: at the first of its words on the page
    line that holds most of them (a stamp's last word caught at the band's edge comes earlier
    in the page's reading, and would put the band's line before the line it is part of)."""
    by_line: dict[tuple[int, int, int], list[int]] = {}
    for i in ids:
        by_line.setdefault((words[i].block, words[i].par, words[i].line), []).append(i)
    return min(max(by_line.values(), key=len))


def _insertion_point(words: list[Word], top: int) -> int:
    """Where a line found only in a zone goes in reading order: before the first page word
    below its top."""
    return next((i for i, w in enumerate(words) if w.top > top), len(words))
