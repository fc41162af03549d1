"""Which kind of document a page is.

Evidence is weighed by where it sits: a printed title counts when it stands on a line of its own,
in capitals, in the top part of the first page (a citizen ID card's title can sit anywhere on a
photographed page, so the whole first page is looked at, with a small penalty further down).
Keywords anywhere add support. The Decree 30 header is evidence of no type. The confidence is
kept honest: a title read with errors, or no supporting keyword, lowers it, and below
``UNKNOWN_BELOW`` the answer is ``unknown``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifiers.catalogue import Catalogue, DocType
from classifiers.lines import Line
from classifiers.vntext import fold, is_upper_line, similarity

UNKNOWN_BELOW = 0.5
TITLE_MIN_SIMILARITY = 0.8
TITLE_REGION = 0.55
"""Titles are looked for in this top share of the first page (and anywhere with a penalty)."""

_NUMBER_LINE = re.compile(r"^s[o0]\s*\d+\s*/\s*[a-z0-9]")


@dataclass(frozen=True)
class TypeGuess:
    code: str
    label: str
    confidence: float

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "label": self.label, "confidence": round(self.confidence, 3)}


UNKNOWN = TypeGuess("unknown", "Không xác định", 0.0)


def _title_score(line: Line, folded_title: str) -> float:
    """How well ``line`` reads as the printed title: the title must be most of the line."""
    key = line.key
    if not key or not folded_title:
        return 0.0
    if len(key) > 1.6 * len(folded_title) + 6:
        # A longer line may still start with the title ("ĐƠN ĐỀ NGHỊ CẤP ..." under "ĐƠN").
        if not is_upper_line(line.text):
            return 0.0
        head = key[: len(folded_title)]
        return similarity(head, folded_title) * (0.95 if len(folded_title) >= 8 else 0.85)
    s = similarity(key, folded_title)
    if len(key) > len(folded_title):
        s = max(s, similarity(key[: len(folded_title)], folded_title) * 0.97)
    if len(folded_title) < 8 and len(key) > len(folded_title) + 2:
        s *= 0.85  # short titles ("don") need the line to be nearly just them
    return s if is_upper_line(line.text) else s * 0.8


SPLIT_TITLE = 0.95
"""Weight of a title read across two lines ("CĂN" / "CƯỚC CÔNG DÂN"): OCR breaks a title's
line where a seal or a stain cuts it, and a card prints its title in two lines."""


def _title_lines(lines: list[Line], ignore: frozenset[str]) -> list[tuple[Line, float]]:
    """First-page lines that may be a title, each with its weight; a line joined with the one
    just under it is a candidate too."""
    first = [ln for ln in lines if ln.page == lines[0].page and ln.key not in ignore]
    out = [(ln, 1.0) for ln in first]
    for a, b in zip(first, first[1:], strict=False):
        pitch = b.top - a.top
        overlap = min(a.right, b.right) - max(a.left, b.left)
        if 0 < pitch <= 2.0 * max(a.height, b.height) and overlap > 0:
            out.append((Line(a.page, a.words + b.words, a.page_width, a.page_height), SPLIT_TITLE))
    return out


def _best_title(candidates: list[tuple[Line, float]], t: DocType) -> float:
    best = 0.0
    for line, weight in candidates:
        position = 1.0 if line.y <= TITLE_REGION else 0.85
        for title in t.folded_titles:
            best = max(best, _title_score(line, title) * position * weight)
    return best


def _keyword_hits(text_key: str, t: DocType) -> int:
    return sum(1 for k in t.folded_keywords if k and k in text_key)


def _prefix_pattern(prefix: str) -> re.Pattern[str]:
    """ "V/v" as a pattern on folded lines: punctuation kept, letters after the first optional
    (OCR often loses the small second "v")."""
    key = fold(prefix).replace(" ", "")
    parts = [re.escape(key[0])] + [
        rf"\s*{re.escape(c)}?" if c.isalnum() else rf"\s*{re.escape(c)}" for c in key[1:]
    ]
    return re.compile("^" + "".join(parts) + r"(\s|$)")


def _subject_type_evidence(lines: list[Line], prefix: str) -> float:
    """A type without a title (official letter): its subject prefix under a number line."""
    first = [ln for ln in lines if ln.page == lines[0].page and ln.y <= TITLE_REGION]
    pattern = _prefix_pattern(prefix)
    subject = any(pattern.match(ln.key) for ln in first)
    number = any(_NUMBER_LINE.match(ln.key) for ln in first)
    return 0.6 * subject + 0.3 * number


def classify_type(lines: list[Line], catalogue: Catalogue) -> tuple[TypeGuess, dict[str, float]]:
    """The best type with its confidence, and every type's score (for reports)."""
    if not lines:
        return UNKNOWN, {}
    text_key = " " + " ".join(ln.key for ln in lines) + " "
    scores: dict[str, float] = {}
    candidates = _title_lines(lines, catalogue.ignore_lines)
    for t in catalogue.types:
        title = _best_title(candidates, t)
        hits = _keyword_hits(text_key, t)
        support = min(1.0, hits / 2.0) if t.keywords else 0.5
        if t.titleless:
            score = _subject_type_evidence(lines, t.subject_prefix) + 0.1 * support
        elif title >= TITLE_MIN_SIMILARITY:
            score = 0.7 * title + 0.3 * support
        else:
            score = 0.35 * title * support
        scores[t.code] = min(0.99, score)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best_code, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    # Two types both claiming the page (a title shared by a longer one) lower the confidence.
    if runner_up > 0.6:
        best -= 0.5 * (runner_up - 0.6)
    if best < UNKNOWN_BELOW:
        return TypeGuess("unknown", UNKNOWN.label, round(max(best, 0.0), 3)), scores
    t = catalogue.get(best_code)
    assert t is not None
    return TypeGuess(t.code, t.label, best), scores
