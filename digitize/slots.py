"""A second, targeted reading of the two slots of a Decree 30 header filled in by hand.

Documents are printed with the number and the day left blank (``Số:    /QĐ-UBND``,
``Quảng Ngãi, ngày    tháng 01 năm 2025``); the number and the day are written in with a pen
or stamped at signing, often squeezed against ``Số:`` or ``ngày``. Read as part of a whole
page, Tesseract drops those digits or reads them as specks. Read as one line, cut out of the
page with the printed words around it, it mostly reads them: the printed words anchor the
line, and the line's height is the ink's.

So where a page's reading has a number row or a place-and-date row in its top part whose slot
holds no clean digits (found by :mod:`digitize.slotrows`), that row is cut from the cleaned OCR
image and read again as one line (``--psm 7``) at a few levels (as it is, strokes thickened,
half size, black and white) and with two models. A reading counts only when it has clean digits
in the slot, the printed words around it agree with the page's (the notation, the month, the
year) and the digits cover the slot's ink; the readings vote, and a tie gives nothing. The
digits are put between the row's printed words, so that the text, the searchable PDF and the
classifiers see them. The row's words carry :data:`SLOT_BLOCK`: digits read this way were
written by hand, and the classifiers keep them for a clerk to confirm. At most two small crops
per page, and only on pages that have such a row.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import statistics

import cv2
import numpy as np

from digitize import glyphs, tesseract
from digitize.errors import OCRError
from digitize.models import SLOT_BLOCK, Word
from digitize.slotrows import (
    Row,
    Span,
    agrees,
    date_row,
    fold,
    joined,
    number_row,
    parse_date,
    parse_number,
    printed_height,
    printed_spans,
)
from digitize.text import spliced

log = logging.getLogger(__name__)


PAD_Y = 0.6
"""The crop reaches this many text heights above and below the row's words."""

PAD_X = 1.0
"""and this many text heights left and right of them."""

MIN_HEIGHT = 20
"""Text height, in OCR pixels, below which the crop is enlarged before reading."""

READINGS = ((None, 0), ("eng", 0), ("eng", 1), ("eng", 2), ("eng", 3), ("eng", 4))
"""(model, level of :func:`_variants`) a row is read with. The ``eng`` model, with no tone
marks to look for, reads handwritten digits far better than ``vie`` (which makes a looped
``2`` an ``@`` and a ``0`` an ``Ø``); the page's own model (``None``) reads the printed words
around them surely. Where ``eng`` is not installed, the page's model alone reads."""

MIN_VOTES = 2
"""Readings that must agree on a slot's value before it is taken."""

GLYPH_CONF = 0.5
"""Confidence given to digits read glyph by glyph (they stay marked as written by hand)."""

COVER = 0.75
"""Share of the slot's ink, across, that the digits read there must cover."""

LETTERS = 1.15
"""A printed word beside a slot is taken to be at most this many times as wide as its letters
at the row's median width per letter; the rest of its box is the pen's."""

BAND_ABOVE = 0.5
BAND_BELOW = 0.3
"""How far, in text heights, a re-read word's box may reach above and below the row."""


def _piece(w: Word, span: Span, a: int, b: int) -> Word | None:
    """The part of ``w`` (at ``span`` of a joined text) inside ``a:b``, its box cut to the
    share of its letters; ``None`` when nothing of it is there."""
    s, e = max(span[0], a), min(span[1], b)
    text = w.text[s - span[0] : e - span[0]]
    if e <= s or not text.strip():
        return None
    n = max(1, len(w.text))
    left = w.left + round(w.width * (s - span[0]) / n)
    width = max(1, round(w.width * (e - s) / n))
    return Word(text.strip(), left, w.top, width, w.height, w.conf, w.block, w.par, w.line)


def _outside(words: list[Word], cuts: list[Span]) -> list[Word]:
    """The words with the parts inside ``cuts`` (spans of their joined text) taken out."""
    text, spans = joined(words)
    edges = [0, *[x for c in sorted(cuts) for x in c], len(text)]
    keep = [(edges[k], edges[k + 1]) for k in range(0, len(edges), 2)]
    out = []
    for w, span in zip(words, spans, strict=True):
        for a, b in keep:
            piece = _piece(w, span, a, b)
            if piece is not None:
                out.append(piece)
    return out


def _inside(words: list[Word], cut: Span) -> Word | None:
    """One word holding the digits of ``words`` inside ``cut``, with their joint box."""
    _joined_text, spans = joined(words)
    parts = [p for w, sp in zip(words, spans, strict=True) if (p := _piece(w, sp, *cut))]
    digits = "".join(re.sub(r"\D", "", p.text) for p in parts)
    parts = [p for p in parts if re.search(r"\d", p.text)]
    if not digits or not parts:
        return None
    left, right = min(p.left for p in parts), max(p.right for p in parts)
    top, bottom = min(p.top for p in parts), max(p.bottom for p in parts)
    conf = min(p.conf for p in parts)
    return Word(digits, left, top, right - left, bottom - top, conf)


def _covers(read: list[Word], spans: list[Span], ink: np.ndarray) -> bool:
    """Whether the reading's slot digits cover the ink between the printed words around them:
    a reading that drops a looped ``2`` of ``23`` reads a clean, wrong ``3``."""
    text, word_spans = joined(read)
    for a, b in spans:
        digits = _inside(read, (a, b))
        before = [p for w, sp in zip(read, word_spans, strict=True) if (p := _piece(w, sp, 0, a))]
        after = [
            p for w, sp in zip(read, word_spans, strict=True) if (p := _piece(w, sp, b, len(text)))
        ]
        if digits is None or not before or not after:
            return False
        x0, x1 = max(p.right for p in before), min(p.left for p in after)
        around = before[-1:] + after[:1]
        h = max(p.height for p in around)
        y0 = max(0, int(min(p.top for p in around) - 0.3 * h))
        y1 = int(max(p.bottom for p in around) + 0.3 * h)
        band = ink[y0:y1, max(0, x0) : max(0, x1)]
        cols = np.flatnonzero(np.count_nonzero(band, axis=0) > max(1, 0.08 * band.shape[0]))
        if cols.size == 0:
            continue
        first, last = x0 + int(cols[0]), x0 + int(cols[-1])
        shared = min(last, digits.right) - max(first, digits.left)
        if shared < COVER * (last - first):
            return False
    return True


def _variants(crop: np.ndarray) -> list[np.ndarray]:
    """The crop at the levels it is read at: as cleaned; with dark strokes thickened (a thin
    pen's ink); at half size (a large hand's loops close up); black and white at Otsu's level
    (blue ink and grey print alike become black); thickened more."""
    thin = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    thick = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    half = cv2.resize(crop, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    _t, bw = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return [crop, cv2.erode(crop, thin), half, bw, cv2.erode(crop, thick)]


def _crop(
    image: np.ndarray, words: list[Word], row: Row, scale: float
) -> tuple[np.ndarray, float, float, float]:
    """The row cut from the OCR image (grey, white border), where its origin lies in page
    pixels, and the page-to-crop factor."""
    row_words = [words[i] for i in row.ids]
    h = printed_height(words, row.ids) * scale
    x0 = max(0, int(min(w.left for w in row_words) * scale - PAD_X * h))
    x1 = min(image.shape[1], int(max(w.right for w in row_words) * scale + PAD_X * h))
    y0 = max(0, int(min(w.top for w in row_words) * scale - PAD_Y * h))
    y1 = min(image.shape[0], int(max(w.bottom for w in row_words) * scale + PAD_Y * h))
    crop = image[y0:y1, x0:x1]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    grow = max(1.0, MIN_HEIGHT / max(1.0, h))
    if grow > 1.0:
        crop = cv2.resize(crop, None, fx=grow, fy=grow, interpolation=cv2.INTER_CUBIC)
    border = max(8, int(h * grow * 0.5))
    crop = cv2.copyMakeBorder(crop, border, border, border, border, cv2.BORDER_CONSTANT, value=255)
    f = scale * grow
    return crop, x0 / scale - border / f, y0 / scale - border / f, f


LOOSE_INK = 0.05
"""Dark pixels outside a row's word boxes, as a share of the row's height squared, that tell
a pen's digits (a handwritten digit inks some 0.1-0.3 of it; anti-aliased edges of printed
letters spill well under 0.01)."""


def _loose_ink(image: np.ndarray, words: list[Word], row: Row, scale: float) -> bool:
    """Whether the row has ink outside its words' boxes (digits written in by hand)."""
    crop, ox, oy, f = _crop(image, words, row, scale)
    dark = crop < 128
    for i in row.ids:
        w = words[i]
        x0, y0 = int((w.left - ox) * f) - 1, int((w.top - oy) * f) - 1
        x1, y1 = int((w.right - ox) * f) + 2, int((w.bottom - oy) * f) + 2
        dark[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = False
    h = printed_height(words, row.ids) * f
    return int(dark.sum()) >= LOOSE_INK * h * h


def _read_row(
    image: np.ndarray,
    words: list[Word],
    row: Row,
    *,
    scale: float,
    lang: str,
    dpi: float,
    timeout: float,
    what: str,
) -> list[Word] | None:
    """The row's words with the slot digits of its crop's agreed reading put in, in page
    pixels; ``None`` when the readings agree on no digits."""
    crop, ox, oy, f = _crop(image, words, row, scale)
    variants = _variants(crop)
    ink = variants[3] < 128
    votes: dict[str, list[tuple[float, list[Word], list[Span], str]]] = {}
    printed: list[Word] = []
    installed = tesseract.info().languages
    for model, level in READINGS:
        if model is not None and model not in installed:
            continue
        model = model or lang
        shrink = crop.shape[1] / variants[level].shape[1]
        read = tesseract.recognize(
            variants[level], lang=model, psm=7, dpi=dpi * f / scale / shrink, timeout=timeout,
            what=what,
        )  # fmt: skip
        read = [w.scaled(shrink) for w in read]
        if model == lang:
            printed = read
        found = agrees(row, read)
        ok = found is not None and _covers(read, found[1], ink)
        log.debug("%s: %s row read again (%s, level %d): %s", what, row.kind, model, level, ok)
        if found is not None and ok:
            value, spans = found
            votes.setdefault(value, []).append((sum(w.conf for w in read), read, spans, model))
    # Where no two model readings agree on digits, the glyph reader (made for handwriting)
    # decides; its reading, checked the same way, stands alone. Where the models agree, they
    # decide: on held-out pages the glyph reader, let decide, replaced more right model
    # readings than it put right. But the models also agree on a wrong value ("46" for a
    # handwritten "16"), so where the glyph reader reads other digits, the agreed value keeps
    # no more than a glyph reading's confidence.
    decided = _decided(votes)
    by_glyph = _glyph_reading(crop, words, row, f, ox, oy)
    by_glyph_value = None
    if by_glyph is not None:
        found = agrees(row, by_glyph)
        ok = found is not None and _covers(by_glyph, found[1], ink)
        log.debug("%s: %s row read glyph by glyph: %s", what, row.kind, ok)
        if found is not None and ok:
            by_glyph_value, spans = found
            if not decided:
                conf = sum(w.conf for w in by_glyph)
                votes.setdefault(by_glyph_value, []).extend(
                    [(conf, by_glyph, spans, "glyphs")] * MIN_VOTES
                )
    if not _decided(votes):
        return None
    ranked = sorted(votes, key=lambda v: len(votes[v]), reverse=True)
    _conf, read, spans, _model = max(votes[ranked[0]], key=lambda r: r[0])
    new = [d for span in spans if (d := _inside(read, span)) is not None]
    if by_glyph_value is not None and by_glyph_value != ranked[0]:
        log.debug("%s: %s row: the glyph reading differs from the models'", what, row.kind)
        new = [dataclasses.replace(d, conf=min(d.conf, GLYPH_CONF)) for d in new]
    # The printed words around the digits: the text model's reading of the crop where it
    # found the row's words (it reads them better than the page's reading, which the pen's
    # strokes disturbed), else the page's own reading of them.
    base, cuts, bf, bx, by = printed, printed_spans(printed, row, len(spans)), f, ox, oy
    if not cuts:
        base = [words[i] for i in row.ids]
        cuts, bf, bx, by = printed_spans(base, row, len(spans)), 1.0, 0.0, 0.0
    if len(cuts) != len(new):
        return None
    first = words[row.ids[0]]
    kept = [_placed(w, bf, bx, by, first=first) for w in _outside(base, cuts)]
    placed = [_placed(d, f, ox, oy, first=first) for d in new]
    out = sorted(kept + placed, key=lambda w: w.left)
    if row.kind == "number" and out and not re.match(r"^\W{0,2}s[o0]", fold(out[0].text), re.I):
        # The row is known by its notation; its head is printed "Số:" on every such page, and
        # the pen's strokes beside it made it "sẽ" or "s4" in the reading.
        out[0] = Word("Số:", *(getattr(out[0], k) for k in _BOX))
    return _within(out, [words[i] for i in row.ids])


def _decided(votes: dict[str, list]) -> bool:
    """Whether one value has at least ``MIN_VOTES`` readings and more than any other."""
    counts = sorted((len(v) for v in votes.values()), reverse=True)
    return bool(counts) and counts[0] >= MIN_VOTES and (len(counts) == 1 or counts[1] < counts[0])


def _glyph_reading(
    crop: np.ndarray, words: list[Word], row: Row, f: float, ox: float, oy: float
) -> list[Word] | None:
    """The row as the page reads its printed words, with its slots' digits read glyph by
    glyph from the crop (crop pixels); ``None`` when a slot cannot be placed or holds none."""
    placed = [
        Word(w.text, round((w.left - ox) * f), round((w.top - oy) * f), max(1, round(w.width * f)),
             max(1, round(w.height * f)), w.conf, w.block, w.par, w.line)
        for w in (words[i] for i in row.ids)
    ]  # fmt: skip
    text, word_spans = joined(placed)
    if row.kind == "number":
        parsed = parse_number(text)
        spans = [parsed[2]] if parsed else []
    else:
        parsed_date = parse_date(text)
        month_printed = row.anchor.split("|")[0] != ""
        spans = list(parsed_date[3:5]) if parsed_date else []
        spans = spans[:1] if month_printed else spans
    if not spans:
        return None
    # The page's reading often puts the pen's digits into the box of the printed word beside
    # them ("ngày" reaching over the "04" after it): a word's box is kept to what its letters
    # take at the row's own width per letter.
    unit = statistics.median(w.width / len(w.text) for w in placed)
    gaps = []
    for a, b in spans:
        before = [p for w, sp in zip(placed, word_spans, strict=True) if (p := _piece(w, sp, 0, a))]
        after = [
            p
            for w, sp in zip(placed, word_spans, strict=True)
            if (p := _piece(w, sp, b, len(text)))
        ]
        if not before or not after:
            return None
        x0 = max(min(p.right, p.left + LETTERS * unit * len(p.text)) for p in before)
        x1 = min(max(p.left, p.right - LETTERS * unit * len(p.text)) for p in after)
        gaps.append((float(x0), float(x1)))
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    h = printed_height(words, row.ids) * f
    band = (
        min(w.top for w in placed) - glyphs.ABOVE * h,
        max(w.bottom for w in placed) + glyphs.BELOW * h,
    )
    read = glyphs.read_slots(grey, gaps, h, band)
    if read is None:
        return None
    digits = [Word(d, x0, y0, x1 - x0, y1 - y0, GLYPH_CONF) for d, (x0, y0, x1, y1) in read]
    return sorted(_outside(placed, spans) + digits, key=lambda w: w.left)


def _within(out: list[Word], row_words: list[Word]) -> list[Word]:
    """``out`` with every box kept to the row's band on the page (a little above it for a
    pen's tall digits): read as one line, a crop's words stretch over the bottoms of the line
    above, and boxes that reach into it would join the two lines for the classifiers."""
    h = statistics.median(w.height for w in row_words)
    lo = min(w.top for w in row_words) - round(BAND_ABOVE * h)
    hi = max(w.bottom for w in row_words) + round(BAND_BELOW * h)
    kept = []
    for w in out:
        top, bottom = max(w.top, lo), min(w.bottom, hi)
        if bottom <= top:
            top, bottom = lo, hi
        kept.append(
            Word(w.text, w.left, top, w.width, bottom - top, *(w.conf, w.block, w.par, w.line))
        )
    return kept


_BOX = ("left", "top", "width", "height", "conf", "block", "par", "line")


def _placed(w: Word, f: float, ox: float, oy: float, *, first: Word) -> Word:
    """A word of a crop (``f`` crop pixels per page pixel, origin at ``ox, oy`` on the page)
    in page pixels, on the line of the row's first word and marked :data:`SLOT_BLOCK`."""
    return Word(
        w.text,
        round(w.left / f + ox),
        round(w.top / f + oy),
        max(1, round(w.width / f)),
        max(1, round(w.height / f)),
        w.conf,
        SLOT_BLOCK,
        first.par,
        first.line,
    )


def reread_slots(
    image: np.ndarray,
    words: list[Word],
    *,
    width: int,
    height: int,
    scale: float,
    lang: str,
    dpi: float,
    timeout: float,
    what: str,
    ink_only: bool = False,
) -> tuple[list[Word], int]:
    """``words`` (a page's reading, page pixels, the page ``width`` x ``height``) with its number
    and date rows read again from ``image`` (the OCR image, ``scale`` OCR pixels per page
    pixel, at ``dpi``) where their slots hold no clean digits; and how many rows were
    replaced. A page without such a row costs nothing. With ``ink_only`` (words from a text
    layer, whose boxes are exact), a row is read again only when it has ink outside its
    words' boxes: a blank left blank costs nothing either."""
    rows = [r for r in (number_row(words, width, height), date_row(words, width, height)) if r]
    if ink_only:
        rows = [r for r in rows if _loose_ink(image, words, r, scale)]
    replaced: dict[int, list[Word]] = {}
    gone: set[int] = set()
    for row in rows:
        if gone.intersection(row.ids):
            continue
        try:
            new = _read_row(
                image, words, row, scale=scale, lang=lang, dpi=dpi, timeout=timeout, what=what
            )
        except OCRError as exc:
            log.warning("%s: the %s row was not read again: %s", what, row.kind, exc)
            continue
        if new is None:
            continue
        replaced[min(row.ids)] = new
        gone.update(row.ids)
    if not replaced:
        return words, 0
    return spliced(words, replaced, gone), len(replaced)
