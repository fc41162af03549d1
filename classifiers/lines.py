"""Text lines with their boxes, the unit both classifiers work on.

Tesseract's lines are mostly right, but on cards and Decree 30 headers it sometimes joins two
columns into one line ("Có giá trị đến:   Nơi thường trú / Place of residence: ..." or the
organ block beside the national title). A line is therefore cut where the gap between two
words is much wider than the text is tall: each piece is a :class:`Line` with its own box, so
"the value to the right of the label" and "the line below" are geometric questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from classifiers.vntext import fold
from digitize.models import PageResult, Word
from digitize.text import clean_line, lines_of

COLUMN_GAP = 1.5
"""A gap wider than this many text heights between two words separates two columns."""


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
    return out


def below(lines: list[Line], line: Line, max_pitch: float = 2.3) -> list[Line]:
    """Lines of the same page under ``line``, nearest first.

    A line counts when its top is at most ``max_pitch`` text heights under the top of
    ``line`` and it shares some horizontal extent with it (the line under a card label, not
    the one in the next column).
    """
    out = []
    h = line.height
    for other in lines:
        if other is line or other.page != line.page:
            continue
        pitch = other.top - line.top
        if 0.6 * h < pitch <= max_pitch * h and (
            min(other.right, line.right) - max(other.left, line.left) > 0
        ):
            out.append(other)
    return sorted(out, key=lambda o: o.top)
