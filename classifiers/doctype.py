"""Which kind of document a page is.

Evidence is weighed by where it sits: a printed title counts when it stands on a line of its own,
in capitals, in the top part of the first page (a citizen ID card's title can sit anywhere on a
photographed page, so the whole first page is looked at, with a small penalty further down).
Keywords anywhere add support. The Decree 30 header alone is evidence of no kind. The
confidence is kept honest: a title read with errors, or no supporting keyword, lowers it, and
below ``UNKNOWN_BELOW`` the answer is ``unknown``.

Decree 30 kinds are also known by the abbreviation in their notation (``46/TB-UBND`` is a
notice, ``30/2020/NĐ-CP`` a decree); an official letter's notation has none (``507/UBND-KGVX``:
the organ and the drafting unit; ``6078/CT-KTT3`` where ``CT`` are the initials of the organ
block's "CỤC THUẾ", not a directive's). Title and notation are weighed together: agreeing they
make the kind sure, a kind's notation beats an official letter's "V/v" subject, and of several
kind titles on the page the topmost (the one under the header) is the title. A document whose
Decree 30 header was read and whose kind is none of the catalogue's gets the generic type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from classifiers.catalogue import Catalogue, DocType
from classifiers.header import has_national_title, notation_groups, number_row
from classifiers.lines import Line
from classifiers.subject import title_line
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


_upper = lru_cache(maxsize=8192)(is_upper_line)


def _title_score(line: Line, folded_title: str) -> float:
    """How well ``line`` reads as the printed title: the title must be most of the line."""
    key = line.key
    if not key or not folded_title:
        return 0.0
    if len(key) > 1.6 * len(folded_title) + 6:
        # A longer line may still start with the title ("ĐƠN ĐỀ NGHỊ CẤP ..." under "ĐƠN").
        if not _upper(line.text):
            return 0.0
        head = key[: len(folded_title)]
        return similarity(head, folded_title) * (0.95 if len(folded_title) >= 8 else 0.85)
    s = similarity(key, folded_title)
    if len(key) > len(folded_title):
        s = max(s, similarity(key[: len(folded_title)], folded_title) * 0.97)
    if len(folded_title) < 8 and len(key) > len(folded_title) + 2:
        s *= 0.85  # short titles ("don") need the line to be nearly just them
    return s if _upper(line.text) else s * 0.8


ORGAN_BLOCK_X = 0.4
"""Lines centred left of this share of the page width, above the number row, are the Decree
30 organ block (a title is centred, at 0.5)."""

SPLIT_TITLE = 0.95
"""Weight of a title read across two lines ("CĂN" / "CƯỚC CÔNG DÂN"): OCR breaks a title's
line where a seal or a stain cuts it, and a card prints its title in two lines."""


def _upper_word(text: str) -> bool:
    return text.isalpha() and text.isupper()


def _without_leading_specks(line: Line) -> Line | None:
    """A capital line with the one or two words before it that are no capital word taken
    off ("Gò) GIẤY PHÉP LÁFXE": an emblem's edge read as letters), else ``None``."""
    words = line.words
    for k in (1, 2):
        if len(words) > k + 1 and not any(_upper_word(w.text) for w in words[:k]):
            rest = words[k:]
            if all(c.isupper() for w in rest for c in w.text if c.isalpha()):
                return Line(line.page, rest, line.page_width, line.page_height)
    return None


def _title_lines(lines: list[Line], ignore: frozenset[str]) -> list[tuple[Line, float]]:
    """First-page lines that may be a title, each with its weight; a line joined with the one
    just under it is a candidate too."""
    first = [ln for ln in lines if ln.page == lines[0].page and ln.key not in ignore]
    row = number_row(first)
    if row is not None:
        # The organ block above the number, on the left, names the issuer, never the kind:
        # "PHƯỜNG AN PHÚ" folds to the letters of the title "PHƯƠNG ÁN".
        first = [ln for ln in first if not (ln.x < ORGAN_BLOCK_X and ln.top < row.line.top)]
    out = [(ln, 1.0) for ln in first]
    for ln in first:
        rest = _without_leading_specks(ln)
        if rest is not None:
            out.append((rest, 1.0))
    for a, b in zip(first, first[1:], strict=False):
        pitch = b.top - a.top
        overlap = min(a.right, b.right) - max(a.left, b.left)
        if 0 < pitch <= 2.0 * max(a.height, b.height) and overlap > 0:
            out.append((Line(a.page, a.words + b.words, a.page_width, a.page_height), SPLIT_TITLE))
    return out


def _best_title(candidates: list[tuple[Line, float]], t: DocType) -> tuple[float, float]:
    """The best title score of ``t`` on the candidates, and the top (share of the page) of
    the highest line that reads as its title (1.0 when none does)."""
    best, top = 0.0, 1.0
    for line, weight in candidates:
        position = 1.0 if line.y <= TITLE_REGION else 0.85
        for title in t.folded_titles:
            raw = _title_score(line, title)
            best = max(best, raw * position * weight)
            if raw >= TITLE_MIN_SIMILARITY and weight == 1.0:
                top = min(top, line.y)
    return best, top


def _keyword_hits(text_key: str, t: DocType) -> int:
    return sum(1 for k in t.folded_keywords if k and k in text_key)


def _prefix_pattern(prefix: str) -> re.Pattern[str]:
    """ "V/v" as a pattern on folded lines: each letter after the first optional and any one
    letter (OCR often loses the small second "v", or reads it "ở"), each mark itself or any
    other one (the slash read "‹", "¿", which folding makes a space)."""
    key = fold(prefix).replace(" ", "")
    parts = [re.escape(key[0])] + [
        r"\s*[a-z]?" if c.isalpha() else rf"\s*(?:{re.escape(c)}|[^\w\s]|\s)" for c in key[1:]
    ]
    return re.compile("^" + "".join(parts) + r"(\s|$)")


_ADDRESSEE = re.compile(r"^k[il1|!]nh\s*g[uo]i\b")
"""``Kính gửi`` (also ``Kính gởi``) opening a line, folded, as OCR also reads it (``Klnh``)."""

ADDRESSEE_ALONE = 0.5
"""Evidence of a type without a title from its addressee line alone (``Kính gửi:`` in the top
part of the first page) when its subject prefix was not read (a number line or not): a phone
photo of a letter whose header came out garbled still reads ``Kính gửi``. As sure as a guess
can be: the answer, never more (``UNKNOWN_BELOW``), so the type is flagged for review. Other
kinds that address someone print their title above it, which then outweighs this."""


def _subject_type_evidence(lines: list[Line], prefix: str) -> float:
    """A type without a title (official letter): its subject prefix under a number line, or,
    with neither read, a line addressing someone."""
    first = [ln for ln in lines if ln.page == lines[0].page and ln.y <= TITLE_REGION]
    pattern = _prefix_pattern(prefix)
    subject = any(pattern.match(ln.key) for ln in first)
    number = any(_NUMBER_LINE.match(ln.key) for ln in first)
    if not subject:
        # A number line alone is any kind's; with the addressee line it is a letter's whose
        # "V/v" was not read ("V⁄ triển khai"), as sure as the addressee alone makes it.
        addressee = any(_ADDRESSEE.match(ln.key) for ln in first)
        return ADDRESSEE_ALONE if addressee else 0.3 * number
    return 0.6 * subject + 0.3 * number


NOTATION_AGREES = 0.25
"""Added to a kind's title score when its notation abbreviation agrees."""
NOTATION_ALONE = 0.65
"""Score of a kind known from its notation only (its title wiped out or misread)."""
LOWER_TITLE = 0.75
"""Factor on a kind title that stands under another kind's title (a heading in the body)."""
KEYWORDS_ALONE = 4
"""Distinct keywords of a type (its printed labels: "Place of origin", "Date of expiry") that
name it when its title was not read: a card photographed with glare across "CĂN CƯỚC CÔNG DÂN"
still prints five to eight of its labels. Fewer are shared with other kinds' forms."""
KEYWORDS_ALONE_MAX = 0.7
"""The most a type known from its keywords alone is trusted (4 keywords 0.61, 7 or more 0.7):
enough to be the answer, never sure."""
GENERIC_CONFIDENCE = 0.6
"""Confidence of the generic type: the header says it is a Decree 30 document, no more."""
UNTITLED_LETTER = 0.55
"""Confidence of an official letter known only from its header: the national title and a
number whose notation names no kind, with no capital line centred under the number where
every other kind prints its title. Decree 30 gives a title to every kind but the letter, so
this is the letter whose "V/v" and "Kính gửi" were both lost (a black-and-white copy, a
stamp across them): the answer, flagged for review as any type under 0.9 is."""


def _initials(text: str) -> str:
    words = [w for w in re.sub(r"[^\w\s]", " ", text).split() if fold(w) != "va"]
    return fold("".join(w[0] for w in words)).replace(" ", "")


def notation_kind(lines: list[Line], catalogue: Catalogue) -> tuple[str | None, bool]:
    """The kind the first page's notation names (its type code), and whether the page has a
    notation at all. A first group that is the initials of an organ line of the header
    ("CT" under "CỤC THUẾ") is the organ, not a kind."""
    first = [ln for ln in lines if ln.page == lines[0].page]
    row = number_row(first)
    if row is None:
        return None, False
    groups = notation_groups(row.notation)
    if not groups:
        return None, True
    head = re.sub(r"\d+$", "", groups[0])
    organs = {
        _initials(ln.text)
        for ln in first
        if ln.top < row.line.top and ln.x < 0.5 and ln.text.isupper()
    }

    def organ_like(group: str) -> bool:
        g = fold(group)
        return len(g) >= 2 and any(o.startswith(g) for o in organs)

    if organ_like(head) and not (len(groups) > 1 and organ_like(groups[1])):
        return None, True
    exact = [t.code for t in catalogue.types if head in t.notation]
    if len(exact) == 1:
        return exact[0], True
    loose = [t.code for t in catalogue.types if fold(head) in {fold(n) for n in t.notation}]
    return (loose[0] if len(loose) == 1 else None), True


def classify_type(lines: list[Line], catalogue: Catalogue) -> tuple[TypeGuess, dict[str, float]]:
    """The best type with its confidence, and every type's score (for reports)."""
    if not lines:
        return UNKNOWN, {}
    text_key = " " + " ".join(ln.key for ln in lines) + " "
    scores: dict[str, float] = {}
    candidates = _title_lines(lines, catalogue.ignore_lines)
    kind, has_notation = notation_kind(lines, catalogue)
    titles = {t.code: _best_title(candidates, t) for t in catalogue.types if not t.generic}
    tops = {
        t.code: titles[t.code][1]
        for t in catalogue.types
        if t.administrative and t.titles and not t.generic and titles[t.code][1] < 1.0
    }
    top = min(tops.values(), default=None)
    for t in catalogue.types:
        if t.generic:
            continue
        title = titles[t.code][0]
        hits = _keyword_hits(text_key, t)
        support = min(1.0, hits / 2.0) if t.keywords else 0.5
        if t.titleless:
            score = _subject_type_evidence(lines, t.subject_prefix) + 0.1 * support
            if kind is not None:
                score *= 0.5  # the notation names a kind: the "V/v" line is that kind's subject
            elif top is not None and top <= TITLE_REGION:
                score *= 0.6  # a kind title stands on the page
        elif title >= TITLE_MIN_SIMILARITY:
            score = 0.7 * title + 0.3 * support
            if t.administrative and top is not None and tops.get(t.code, 1.0) > top + 0.02:
                score *= LOWER_TITLE
            if kind == t.code:
                score = min(0.99, score + NOTATION_AGREES)
            elif kind is not None and t.administrative:
                score *= 0.9
        else:
            score = 0.35 * title * support
            if hits >= KEYWORDS_ALONE:
                score = max(score, min(KEYWORDS_ALONE_MAX, 0.45 + 0.04 * hits))
            if kind == t.code:
                score = max(score, NOTATION_ALONE + 0.1 * support)
        scores[t.code] = min(0.99, score)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best_code, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    # Two types both claiming the page (a title shared by a longer one) lower the confidence.
    if runner_up > 0.6:
        best -= 0.5 * (runner_up - 0.6)
    if best < UNKNOWN_BELOW:
        generic = next((t for t in catalogue.types if t.generic), None)
        if generic is not None and _decree30_header(lines, has_notation):
            letter = next((t for t in catalogue.types if t.titleless), None)
            if letter is not None and kind is None and not _title_like_line(lines, catalogue):
                return TypeGuess(letter.code, letter.label, UNTITLED_LETTER), scores
            return TypeGuess(generic.code, generic.label, GENERIC_CONFIDENCE), scores
        return TypeGuess("unknown", UNKNOWN.label, round(max(best, 0.0), 3)), scores
    t = catalogue.get(best_code)
    assert t is not None
    return TypeGuess(t.code, t.label, best), scores


def _title_like_line(lines: list[Line], catalogue: Catalogue) -> bool:
    """Whether a kind's title stands on the first page: a centred capital line under the
    number row (``PHIẾU LẤY Ý KIẾN CỬ TRI``: a kind of the province's own), so the page is not
    an untitled letter. The addressee line is a letter's, whatever case its recipients are
    printed in."""
    first = [
        ln
        for ln in lines
        if ln.page == lines[0].page
        and ln.key not in catalogue.ignore_lines
        and not _ADDRESSEE.match(ln.key)
    ]
    return title_line(first, ()) is not None


def _decree30_header(lines: list[Line], has_notation: bool) -> bool:
    """The national title and a number with its notation: a Decree 30 document's header."""
    return has_notation and has_national_title(lines, lines[0].page)
