"""Sections of a form that repeat the same labels: each spouse's, each parent's.

A marriage certificate prints "Ngày, tháng, năm sinh:" once for the husband and once for the
wife, either one block under the other or in two columns side by side; only the name label
above says whose it is ("Họ, chữ đệm, tên chồng:", "Họ, chữ đệm, tên vợ:"). A field declared
``after`` another (``husband_date_of_birth`` after ``husband_name``) takes its label only
inside that field's section: below or right of the opening label, in its column (from its
left edge to the next opening label on its row), and before the next opening label below in
that column.
"""

from __future__ import annotations

from dataclasses import dataclass

from classifiers.catalogue import FieldSpec
from classifiers.labels import Hit
from classifiers.lines import Line, same_row

COLUMN_SLACK = 2.0
"""Text heights a label may stand left of its section's opening label (a skewed page)."""


@dataclass(frozen=True)
class Section:
    line: int
    start: int
    left: float
    right: float
    """Right edge of the column: the next opening label on the row, or the page's."""
    end: int
    """Index of the first line past the section (the next opening label below in the column)."""
    slack: float

    def holds(self, lines: list[Line], hit: Hit) -> bool:
        if (hit.line, hit.start) <= (self.line, self.start) or hit.line >= self.end:
            return False
        return self.left - self.slack <= _left(lines, hit) < self.right


def _left(lines: list[Line], hit: Hit) -> float:
    return lines[hit.line].words[hit.start].left


def sections(
    lines: list[Line], hits: dict[int, list[Hit]], specs: tuple[FieldSpec, ...]
) -> dict[str, Section]:
    """The section each opening field's label starts (its best read label, the first in
    reading order of equals), by the opening field's name."""
    openers = {s.after for s in specs if s.after}
    first: dict[str, Hit] = {}
    for i in sorted(hits):
        for h in sorted(hits[i], key=lambda h: h.start):
            # The opening label is the best read one, the first of equals: a garbled label
            # of the other person ("Họ, chữ đệm, tên v~" for the wife's) may match this one's
            # label more loosely, earlier on the page.
            best = first.get(h.spec.field or "")
            if h.spec.field in openers and (
                best is None or round(h.similarity, 2) > round(best.similarity, 2)
            ):
                first[h.spec.field] = h
    out: dict[str, Section] = {}
    for name, hit in first.items():
        line = lines[hit.line]
        left = _left(lines, hit)
        others = [h for n, h in first.items() if n != name]
        beside = [
            _left(lines, h)
            for h in others
            if _left(lines, h) > left and (h.line == hit.line or same_row(lines[h.line], line))
        ]
        right = min(beside, default=float("inf"))
        below = [
            h.line
            for h in others
            if h.line > hit.line and left - line.height <= _left(lines, h) < right
        ]
        end = min(below, default=len(lines))
        out[name] = Section(hit.line, hit.start, left, right, end, COLUMN_SLACK * line.height)
    return out


__all__ = ["Section", "sections"]
