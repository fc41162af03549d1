"""Whether a PDF page's text layer may stand in for reading the page.

A text layer is exact and free when it is the page's own text (a Word export), but scanned PDFs
often carry layers that say nothing useful: the e-signature stamp alone ("Ký bởi: ... Thời gian
ký: ..."), a scanner's garbled OCR, text in a legacy Vietnamese font (TCVN3 "Céng hßa", VNI
"Coäng hoøa") or glyph ids. Such a page must be OCRed, or its record would hold a line of
stamp and nothing of the letter. Two checks decide, cheapest first:

* the layer *reads as Vietnamese*: most of its words are Vietnamese syllables (one onset, one
  vowel group, one final, at most one tone mark, and only a rising or falling-dot tone on a
  final c/ch/p/t) and enough of them carry Vietnamese marks;
* the layer *covers the page's print*: most letter-sized marks of the rendered page lie inside
  the layer's word boxes. A stamp layer covers a corner of a full scan; a shifted or partial
  OCR layer misses most of the print.

Each check gives a stable reason that ends up in ``quality.page_details[]`` of the record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from digitize.cleanup.geometry import ink_mask, shrink, to_gray
from digitize.cleanup.illumination import flatten_background
from digitize.models import Word

MIN_TEXT_CHARS = 20
"""Fewer letters and digits than this and the page is treated as a scan without a layer."""

MIN_SYLLABLE_SHARE = 0.8
"""Share of a layer's words that must be Vietnamese syllables. Word exports score 0.93-0.99
(acronyms, list letters and English names make the rest); legacy-font and garbled OCR layers
score below 0.6."""

MIN_MARKED_SHARE = 0.3
"""Share of a layer's syllables that must carry a Vietnamese mark (tone, circumflex, breve,
horn or đ). Vietnamese prose has 0.6-0.8; a layer read without Vietnamese (CONG HOA XA HOI) has
none and is no record text."""

MIN_INK_COVERED = 0.6
"""Share of the page's letter-sized ink marks that must lie inside the layer's word boxes.
Word exports cover 0.9 and more (seals and signatures are the rest); an e-signature stamp
layer on a scan covers a few hundredths."""

MIN_MARKS = 40
"""Fewer letter-sized marks than this and the page has too little print to judge coverage."""

ANALYSIS_SIDE = 1200
"""Long side, in pixels, of the copy the coverage is measured on."""

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SHAPES = frozenset("\u0302\u0306\u031b")
"""Circumflex, breve and horn: they make â ă ê ô ơ ư."""

_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"([aăâeêioôơuưy]{1,3})"
    r"(ng|nh|ch|[cmnpt])?"
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class LayerCheck:
    """The verdict on one page's text layer and what it rests on."""

    used: bool
    reason: str
    """``vietnamese_and_covers_the_page`` when used; else ``too_little_text``,
    ``undecodable_glyphs``, ``not_vietnamese``, ``covers_little_of_the_page`` or
    ``words_unreadable``."""
    syllable_share: float | None = None
    ink_covered: float | None = None

    def quality(self) -> dict[str, Any]:
        """The page-detail entries of the record."""
        out: dict[str, Any] = {
            "text_layer": "used" if self.used else "rejected",
            "text_layer_reason": self.reason,
        }
        if self.syllable_share is not None:
            out["text_layer_syllables"] = round(self.syllable_share, 3)
        if self.ink_covered is not None:
            out["text_layer_ink_covered"] = round(self.ink_covered, 3)
        return out


def is_syllable(word: str) -> tuple[bool, bool]:
    """Whether ``word`` is a Vietnamese syllable, and whether it carries a Vietnamese mark."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONES]
    marked = bool(tones) or "đ" in word.lower() or any(c in _SHAPES for c in decomposed)
    if len(tones) > 1:
        return False, marked
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    m = _SYLLABLE.fullmatch(base)
    if m is None:
        return False, marked
    if m.group(3) in ("c", "ch", "p", "t") and tones and tones[0] not in "\u0301\u0323":
        return False, marked  # a stop final takes only the rising or the falling-dot tone
    return True, marked


def language_share(text: str) -> tuple[float, float]:
    """Share of the layer's words that are Vietnamese syllables, and share of those marked.

    Numbers and single letters (list items) are left out, as are short all-capital words
    without marks (UBND, CP, TNDN): acronyms say nothing about the language.
    """
    total = good = marked = 0
    for word in _WORD.findall(unicodedata.normalize("NFC", text)):
        if word.isdigit() or len(word) < 2:
            continue
        if word.isascii() and word.isupper() and len(word) <= 6 and not is_syllable(word)[0]:
            continue
        total += 1
        ok, has_mark = is_syllable(word)
        good += ok
        marked += ok and has_mark
    if not total:
        return 0.0, 0.0
    return good / total, (marked / good if good else 0.0)


def check_text(text: str) -> LayerCheck:
    """The checks that need only the layer's text; a passing result is provisional."""
    if sum(1 for c in text if c.isalnum()) < MIN_TEXT_CHARS:
        return LayerCheck(False, "too_little_text")
    if "(cid:" in text or "\ufffd" in text:
        return LayerCheck(False, "undecodable_glyphs")
    share, marked = language_share(text)
    if share < MIN_SYLLABLE_SHARE or marked < MIN_MARKED_SHARE:
        return LayerCheck(False, "not_vietnamese", share)
    return LayerCheck(True, "vietnamese_and_covers_the_page", share)


def ink_covered(words: Sequence[Word], image: np.ndarray) -> float | None:
    """Share of the rendered page's letter-sized ink marks inside the layer's word boxes
    (boxes in ``image`` pixels), or ``None`` when the page shows too little print to say.

    Boxes are widened by a third of their height: a font's box and its ink differ a little, and
    Vietnamese marks stand above the box some fonts report.
    """
    small, f = shrink(to_gray(image), ANALYSIS_SIDE)
    ink = ink_mask(flatten_background(small))
    n, _, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= MIN_MARKS:
        return None
    w, h = stats[1:, 2], stats[1:, 3]
    limit = max(ink.shape) * 0.05
    letters = (h >= 2) & (h <= limit) & (w <= limit)
    if np.count_nonzero(letters) < MIN_MARKS:
        return None
    inside = word_mask(words, ink.shape, f, 1 / 3)
    cx = np.clip(centroids[1:, 0].astype(int), 0, ink.shape[1] - 1)
    cy = np.clip(centroids[1:, 1].astype(int), 0, ink.shape[0] - 1)
    hit = inside[cy, cx][letters]
    return float(hit.mean())


def word_mask(words: Sequence[Word], shape: tuple[int, ...], f: float, pad: float) -> np.ndarray:
    """1 inside the words' boxes (scaled by ``f``, grown by ``pad`` of a word's height on
    every side), 0 elsewhere, on an image of ``shape``."""
    mask = np.zeros(shape[:2], np.uint8)
    for word in words:
        grow = word.height * f * pad
        x0, y0 = int(word.left * f - grow), int(word.top * f - grow)
        x1, y1 = int(word.right * f + grow) + 1, int(word.bottom * f + grow) + 1
        mask[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = 1
    return mask


def check_cover(first: LayerCheck, words: Sequence[Word] | None, image: np.ndarray) -> LayerCheck:
    """The final verdict on a layer that passed :func:`check_text`, with its words read."""
    if not words:
        return LayerCheck(False, "words_unreadable", first.syllable_share)
    covered = ink_covered(words, image)
    if covered is not None and covered < MIN_INK_COVERED:
        return LayerCheck(False, "covers_little_of_the_page", first.syllable_share, covered)
    return LayerCheck(True, first.reason, first.syllable_share, covered)
