"""Text lines with their boxes, the unit both classifiers work on.

Tesseract's lines are mostly right, but on cards and Decree 30 headers it sometimes joins two
columns into one line ("Có giá trị đến:   Nơi thường trú / Place of residence: ..." or the
organ block beside the national title). A line is therefore cut where the gap between two
words is much wider than the text is tall: each piece is a :class:`Line` with its own box, so
"the value to the right of the label" and "the line below" are geometric questions.

On a tilted photo Tesseract also does the opposite: the last word of a printed row ("Huyện" of
"..., Xã Tân Thạnh Đông, Huyện") lands in a line or block of its own, far from its row in
reading order. A piece of one or two words standing on the slope of one row's baseline, just
beyond its end (or before its start), closer than words of two columns ever stand, is put back
into that row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from classifiers.vntext import fold
from digitize.models import PageResult, Word
from digitize.text import clean_line, lines_of

COLUMN_GAP = 1.5
"""A gap wider than this many text heights between two words separates two columns."""

JOIN_GAP = 1.0
"""A piece Tesseract cut off its row joins it across at most this many text heights: words of
one line stand 0.3-0.6 heights apart, the cells and columns of a form 1.1 and more."""

PIECE_WORDS = 2
"""The longest piece (in words) that is put back into a row it was cut from."""

MAX_SLOPE = 0.2
"""The steepest baseline fitted (about 11 degrees); a steeper fit is a stray word's doing."""


@dataclass(frozen=True)
class Line:
    page: int
    words: tuple[Word, ...]
    page_width: int = 1
    page_height: int = 1

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)

    @cached_property
    def height(self) -> float:
        """Typical word height in pixels (the median, so one tall glyph does not count)."""
        hs = sorted(w.height for w in self.words)
        return float(hs[len(hs) // 2]) or 1.0

    @property
    def y(self) -> float:
        """Vertical position of the line's top, as a share of the page height (0 top)."""
        return self.top / max(1, self.page_height)

    @property
    def x(self) -> float:
        """Horizontal centre of the line as a share of the page width."""
        return (self.left + self.right) / 2 / max(1, self.page_width)

    @cached_property
    def text(self) -> str:
        return clean_line(" ".join(w.text for w in self.words))

    @cached_property
    def tokens(self) -> list[str]:
        """One matching key per word (aligned with ``words``; punctuation-only words give '')."""
        return [fold(w.text).replace(" ", "") for w in self.words]

    @cached_property
    def key(self) -> str:
        return fold(self.text)

    @property
    def conf(self) -> float:
        return sum(w.conf for w in self.words) / len(self.words)


def _split_columns(words: list[Word]) -> list[list[Word]]:
    """Cut a Tesseract line where the horizontal gap says two columns were joined."""
    hs = sorted(w.height for w in words)
    h = max(1, hs[len(hs) // 2])
    ordered = sorted(words, key=lambda w: w.left)
    out = [[ordered[0]]]
    for w in ordered[1:]:
        if w.left - out[-1][-1].right > COLUMN_GAP * h:
            out.append([])
        out[-1].append(w)
    return out


def _same_row(a: Line, b: list[Word]) -> bool:
    """``b`` continues ``a`` to its right on the same baseline (a line Tesseract split)."""
    top, bottom = min(w.top for w in b), max(w.bottom for w in b)
    overlap = min(a.bottom, bottom) - max(a.top, top)
    gap = min(w.left for w in b) - a.right
    return overlap > 0.5 * min(a.bottom - a.top, bottom - top) and -2 < gap < COLUMN_GAP * a.height


def same_row(a: Line, b: Line) -> bool:
    """Two lines of one page share a row: they overlap over half the shorter one's height."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return a.page == b.page and overlap > 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def _baseline(words: tuple[Word, ...]) -> tuple[float, float, float]:
    """The row's baseline as ``(x0, y0, slope)``: a least-squares line through the bottoms of
    its words (a row of a tilted photo climbs or falls), flat for a single word."""
    xs = [(w.left + w.right) / 2 for w in words]
    ys = [float(w.bottom) for w in words]
    x0, y0 = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - x0) ** 2 for x in xs)
    slope = sum((x - x0) * (y - y0) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0
    return x0, y0, max(-MAX_SLOPE, min(MAX_SLOPE, slope))


def _continues(row: Line, piece: Line) -> bool:
    """``piece`` stands on ``row``'s printed row, just after its end or before its start."""
    h = row.height
    if not 0.6 * h <= piece.height <= 1.6 * h:
        return False
    gap = piece.left - row.right if piece.left >= row.left else row.left - piece.right
    if not -2 < gap <= JOIN_GAP * h:
        return False
    x0, y0, slope = _baseline(row.words)
    for w in piece.words:
        bottom = y0 + slope * ((w.left + w.right) / 2 - x0)
        if min(w.bottom, bottom) - max(w.top, bottom - h) <= 0.5 * min(h, w.height):
            return False
    return True


def _rejoin(lines: list[Line]) -> list[Line]:
    """One page's lines with the pieces Tesseract cut off a row put back into it, in the
    row's place in reading order. A piece beside two rows (between two columns) stays."""
    lines = list(lines)
    i = 0
    while i < len(lines):
        piece = lines[i]
        hosts = []
        if len(piece.words) <= PIECE_WORDS and any(re.search(r"\w", w.text) for w in piece.words):
            hosts = [
                j
                for j, row in enumerate(lines)
                if j != i and len(row.words) > len(piece.words) and _continues(row, piece)
            ]
        if len(hosts) != 1:
            i += 1
            continue
        row = lines[hosts[0]]
        words = tuple(sorted(row.words + piece.words, key=lambda w: w.left))
        lines[hosts[0]] = Line(row.page, words, row.page_width, row.page_height)
        del lines[i]
        i = 0  # the grown row may now reach another piece
    return lines


def page_lines(pages: list[PageResult]) -> list[Line]:
    """Every line of every page, in reading order (page, then Tesseract's block order)."""
    out: list[Line] = []
    for p in pages:
        first = len(out)
        for words in lines_of([w for w in p.words if w.text.strip()]):
            for part in _split_columns(words):
                if len(out) > first and _same_row(out[-1], part):
                    prev = out.pop()
                    part = list(prev.words) + part
                out.append(Line(p.index, tuple(part), max(1, p.width), max(1, p.height)))
        out[first:] = _rejoin(out[first:])
    return out


def below(lines: list[Line], line: Line, max_pitch: float = 2.3) -> list[Line]:
    """Lines of the same page under ``line``, nearest first.

    A line counts when its top is at most ``max_pitch`` text heights under the top of
    ``line`` and it shares some horizontal extent with it (the line under a card label, not
    the one in the next column). The height is the taller of the two lines': a card prints
    its values larger than their labels, and further below them.
    """
    out = []
    h = line.height
    for other in lines:
        if other is line or other.page != line.page:
            continue
        pitch = other.top - line.top
        if 0.6 * h < pitch <= max_pitch * max(h, other.height) and (
            min(other.right, line.right) - max(other.left, line.left) > 0
        ):
            out.append(other)
    return sorted(out, key=lambda o: o.top)
