"""Where printed labels sit on the page, found by fuzzy matching of folded word keys.

All labels of a type (and the catalogue's stop labels) are looked for at once, so that where
two labels overlap the longer one wins: "Họ, chữ đệm, tên người mẹ" is the mother's label, not
"Họ, chữ đệm, tên" followed by the value "người mẹ: ...". A field's value ends where the next
label on its line begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from classifiers.lines import Line
from classifiers.vntext import best_window, fold, similarity

LABEL_MIN_SIMILARITY = 0.8
SHORT_LABEL = 4
"""Labels this short ("Số", "Bà", "Ông") must match exactly and start the line."""

_NUMBERING = re.compile(r"^(\d{1,2}|[a-zđ])[.)]?$")


@dataclass(frozen=True)
class LabelSpec:
    field: str | None
    """The field the label introduces; ``None`` for a stop label."""
    tokens: tuple[str, ...]

    @property
    def joined(self) -> str:
        return "".join(self.tokens)


@dataclass(frozen=True)
class Hit:
    line: int
    start: int
    end: int
    """Index of the first word after the label."""
    spec: LabelSpec
    similarity: float
    at_start: bool = True
    """The label begins its line (only noise before it): its value may be on the line below."""

    @property
    def weight(self) -> float:
        # Longer labels win; among equal lengths a field's label beats a stop label.
        return len(self.spec.joined) * self.similarity + (0.5 if self.spec.field else 0.0)


def label_specs(fields: dict[str, tuple[str, ...]], stops: tuple[str, ...]) -> list[LabelSpec]:
    out = [
        LabelSpec(name, tuple(fold(label).split()))
        for name, labels in fields.items()
        for label in labels
    ]
    out += [LabelSpec(None, tuple(fold(label).split())) for label in stops]
    return [s for s in out if s.tokens]


JUNK_CONF = 0.4
"""A word read this unsure at the start of a line is noise (a photo's edge, a card's emblem)."""
MAX_LEAD = 4


def content_start(line: Line) -> int:
    """Index of the first real word: after list numbering ("5.", "a)"), stray punctuation and
    the low-confidence specks OCR reads off emblems, photos and page edges to the left of a
    label ("ƒ rẻ ¬ \\ Quê quán:"), so that the label still counts as starting its line."""
    tokens = line.tokens
    i = 0
    while i < min(len(tokens), MAX_LEAD) and (
        not tokens[i] or (i < 2 and _NUMBERING.match(tokens[i])) or line.words[i].conf < JUNK_CONF
    ):
        i += 1
    return i if i < len(tokens) else 0


GLOSS_MARKS = frozenset("/(|")
"""What the slash between a bilingual label's halves is read as."""


def _short_hit(line: Line, spec: LabelSpec) -> tuple[int, int] | None:
    """A short label starting its line, or a short English gloss of three letters or more
    standing alone after the slash of a bilingual label whose Vietnamese half was misread
    ("ớt tộc ( Sex Nam" on a card photographed from afar: "Giới tính / Sex: Nam")."""
    tokens = line.tokens
    start = content_start(line)
    acc = ""
    for i in range(start, len(tokens)):
        acc += tokens[i]
        if acc == spec.joined:
            return start, i + 1
        if len(acc) >= len(spec.joined):
            break
    if len(spec.tokens) != 1 or len(spec.joined) < 3:
        return None
    for i in range(start + 1, len(tokens)):
        glossed = not tokens[i - 1] and line.words[i - 1].text.strip() in GLOSS_MARKS
        if glossed and tokens[i] == spec.joined and line.words[i].text[:1].isupper():
            return i, i + 1
    return None


def _threshold(length: int, at_start: bool) -> float:
    """Similarity a label needs: short labels allow no error, mid-line ones fewer errors."""
    if length <= 8:
        return 1.0
    if length <= 11:
        return 0.88
    return LABEL_MIN_SIMILARITY if at_start else 0.85


FUZZY_SHORT = 5
"""Labels of this many letters up to eight, which must otherwise match exactly, may be one
letter off where they start their line and a value follows them: an old card's "Họ tên" read
"to tên", its "Sinh ngày" read "Sứnh ngay" on a photo taken from afar."""


def _one_letter_off(spec: LabelSpec, s: float) -> bool:
    n = len(spec.joined)
    return FUZZY_SHORT <= n <= 8 and 1.0 > s >= 1.0 - 1.0 / n - 1e-9


def _value_like(line: Line, end: int) -> bool:
    """Whether the words after a label start with a value, not prose: a word in capitals (a
    name, a place printed so) or one with digits (a date, a number)."""
    if end >= len(line.words):
        return False
    word = re.sub(r"[^\w]", "", line.words[end].text)
    return bool(re.search(r"\d", word)) or (len(word) >= 2 and word.isupper())


def _colon_after(line: Line, end: int) -> bool:
    last = line.words[end - 1].text if end else ""
    nxt = line.words[end].text if end < len(line.words) else ""
    return last.rstrip().endswith(":") or nxt.startswith(":")


MAX_LABEL_TAIL = 5
"""Words a printed label may run on past the catalogue's wording before its colon."""


def _to_colon(line: Line, end: int) -> int:
    """Where a printed label really ends: at its colon, when a few more label words follow the
    catalogue's wording ("Họ và tên người yêu cầu:", "Số điện thoại liên hệ:", "Ngày sinh /
    Date of birth:"). Those words are part of the label, never of the value. Only words that
    read as a label's run on: lower-case words, or an English gloss after a slash; no digits
    (a value such as a name is capitalised, a number has digits)."""
    if end == 0 or _colon_after(line, end):
        return end
    words = line.words
    gloss = end < len(words) and words[end].text.startswith("/")
    for k in range(end, min(len(words), end + MAX_LABEL_TAIL)):
        text = words[k].text
        if re.search(r"\d", text):
            return end
        core = re.sub(r"[^\w]", "", text)
        if core and not gloss and not core.islower():
            return end
        if text.endswith(":") or (k + 1 < len(words) and words[k + 1].text.startswith(":")):
            return k + 1
    return end


GLUED_BILINGUAL = 0.9
"""Similarity given to a glued bilingual label whose English half was misread ("Số/NGo:")."""


def _glued_bilingual(line: Line, spec: LabelSpec) -> tuple[int, int] | None:
    """A label printed as one word, its halves glued by a slash ("Số/No:" on a driving
    licence), starting its line, read with its Vietnamese half right, its English half a
    letter or two off and its colon: too short for fuzzy matching, still the label."""
    if len(spec.tokens) != 1 or "/" not in spec.joined:
        return None
    vi, _, en = spec.joined.partition("/")
    start = content_start(line)
    if not vi or start >= len(line.tokens):
        return None
    head, slash, tail = line.tokens[start].partition("/")
    if head != vi or not slash or tail == en or not 0 < len(tail) <= len(en) + 1:
        return None
    return (start, start + 1) if _colon_after(line, start + 1) else None


def line_hits(line: Line, index: int, specs: list[LabelSpec]) -> list[Hit]:
    """Non-overlapping label matches on one line, left to right."""
    tokens = line.tokens
    joined = "".join(tokens)
    if not joined:
        return []
    found: list[Hit] = []
    first = content_start(line)
    for spec in specs:
        if len(spec.joined) <= SHORT_LABEL:
            span = _short_hit(line, spec)
            if span:
                found.append(Hit(index, span[0], span[1], spec, 1.0))
            continue
        glued = _glued_bilingual(line, spec)
        if glued is not None:
            found.append(Hit(index, glued[0], glued[1], spec, GLUED_BILINGUAL))
            continue
        if fuzz.partial_ratio(spec.joined, joined) < 100 * LABEL_MIN_SIMILARITY - 5:
            continue
        s, start, end = best_window(tokens, list(spec.tokens))
        at_start = start <= first
        off = _one_letter_off(spec, s) and at_start and _value_like(line, end)
        if not off and s < min(
            _threshold(len(spec.joined), at_start), _threshold(len(spec.joined), True)
        ):
            continue
        # Trailing words that are only punctuation (":") belong to the label.
        while (
            end < len(tokens)
            and not tokens[end]
            and re.fullmatch(r"[:;.,/]+", line.words[end].text)
        ):
            end += 1
        end = _to_colon(line, end)
        colon = _colon_after(line, end)
        if not at_start and not colon:
            continue  # mid-line, only "Label: value" counts (not the same words in prose)
        if not off and s < _threshold(len(spec.joined), at_start or colon):
            # Mid-line, a label needs fewer errors, unless its own colon follows it straight
            # away ("Không thời hạn vị tường trú / PIace of residerice: Thôn 4"): prose that
            # happens to resemble a label does not end with a colon.
            continue
        found.append(Hit(index, start, end, spec, s, at_start))
    chosen: list[Hit] = []
    for hit in sorted(found, key=lambda h: -h.weight):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


FRAGMENT_SIMILARITY = 0.85
"""How alike a line must be to the first words of a longer label to be that label's start."""


def _label_start(line: Line, index: int, specs: list[LabelSpec]) -> Hit | None:
    """A line that is the first two or more words of a longer label and nothing else
    ("Ngày, thắng, năm" above "đăng ký: 19/08/2011", where OCR cut the label's line in two):
    a label, not the continuation of the value above it. It introduces no value itself."""
    first = content_start(line)
    tokens = [t for t in line.tokens[first:] if t]
    if len(tokens) < 2 or any(c.isdigit() for t in tokens for c in t):
        return None
    key = "".join(tokens)
    for spec in specs:
        if spec.field is None or len(spec.tokens) <= len(tokens):
            continue
        head = "".join(spec.tokens[: len(tokens)])
        if similarity(key, head) >= FRAGMENT_SIMILARITY:
            return Hit(index, first, len(line.tokens), LabelSpec(None, spec.tokens), 0.0)
    return None


def find_hits(lines: list[Line], specs: list[LabelSpec]) -> dict[int, list[Hit]]:
    """Label matches per line index (lines without any are left out); a line that is only
    the start of a label gets a hit that introduces no field."""
    out: dict[int, list[Hit]] = {}
    for i, line in enumerate(lines):
        hits = line_hits(line, i, specs)
        if not hits:
            start = _label_start(line, i, specs)
            hits = [start] if start is not None else []
        if hits:
            out[i] = hits
    return out


def starts_with_label(hits: list[Hit] | None) -> bool:
    """Whether a line begins with a label (then it is not a continuation of a value)."""
    return bool(hits) and hits[0].at_start


_LABEL_LIKE = re.compile(r"^\W{0,3}[^\W\d][^:;]{0,40}:")


def looks_like_label_line(line: Line) -> bool:
    """A line that starts "Words:" introduces its own value, whatever the catalogue knows.
    A label starts with a capital: "phố Nam Định; Tỉnh Nam:Định" is the wrapped end of an
    address whose commas OCR read as semicolons and a speck as a colon."""
    m = _LABEL_LIKE.match(line.text)
    first = next((c for c in line.text if c.isalpha()), "")
    return bool(m) and first.isupper() and len(line.text.split(":")[0].split()) <= 7
