"""Text lines with their position on the page, the unit both classifiers work on."""

from __future__ import annotations

from dataclasses import dataclass

from classifiers.vntext import fold
from digitize.models import PageResult, Word
from digitize.text import clean_line, lines_of


@dataclass(frozen=True)
class Line:
    page: int
    words: tuple[Word, ...]
    y: float
    """Vertical position of the line's top, as a share of the page height (0 top, 1 bottom)."""
    x: float
    """Horizontal centre of the line as a share of the page width."""

    @property
    def text(self) -> str:
        return clean_line(" ".join(w.text for w in self.words))

    @property
    def tokens(self) -> list[str]:
        """One matching key per word (aligned with ``words``; punctuation-only words give '')."""
        return [fold(w.text).replace(" ", "") for w in self.words]

    @property
    def key(self) -> str:
        return fold(self.text)


def page_lines(pages: list[PageResult]) -> list[Line]:
    out: list[Line] = []
    for p in pages:
        h = max(1, p.height)
        w = max(1, p.width)
        for words in lines_of(p.words):
            top = min(x.top for x in words)
            left = min(x.left for x in words)
            right = max(x.right for x in words)
            out.append(Line(p.index, tuple(words), top / h, (left + right) / 2 / w))
    return out
