"""Tone and vowel marks that OCR misread, put right from the words around them.

Tesseract (``vie``) reads the letters of a Vietnamese word far better than its marks: "chông
dịch" for "chống dịch", "xăng dâu" for "xăng dầu", "BAN CHÍ ĐẠO" for "BAN CHỈ ĐẠO", "QUYÉT"
(no such syllable) for "QUYẾT". Those words land in subjects and organ names, so a field is
wrong even when its line was found. Each word Tesseract was unsure of is weighed against the
known syllables with the same letters (see :mod:`digitize.lm.model`): how common each is, and
whether it forms a known administrative phrase with the word before or after it.

The word as read keeps the benefit of the doubt. It is changed only when its confidence is
below :data:`MAX_CONF` and another spelling wins by a margin that grows with that confidence:
:data:`MARGIN` with a phrase around it, :data:`PRIOR_MARGIN` (a thousandfold) on frequency
alone, and never when the word as read makes a phrase itself. A capitalised word may be a name,
where a rare spelling is right, so it changes only for a phrase, and one that writes the new
spelling with a capital too when either spelling is a personal-name syllable; only a word in
capitals that is no known syllable at all ("THUẺ") may change on frequency alone. A word in
capitals that is no name syllable, nor the word naming a unit ("PHƯỜNG"), pairs with its unsure
neighbours as lower case does, so two misread words of a heading put each other right
("I.KÉT QUÁ" is "I.KẾT QUẢ"; a list marker glued to a word is not part of it). Digits and words
with inner punctuation are never touched; case and the punctuation around a word are kept; the
output is NFC.

The colon of "Kính gửi:" and "Nơi nhận:" at the start of a line, read as another mark, is put
back (:data:`COLON_FORMULAS`).

Two misreadings that are not of marks are put right the same way. The stroke of đ is a letter
that Tesseract now and then adds or loses ("bù địp nghỉ" for "bù dịp nghỉ"): spellings with the
other of d and đ compete too, at a cost (:data:`LETTER_COST`), and so, in a word in lower case,
do those with the other of b and h, whose bowls a blurred photo closes or opens ("thực biện"
for "thực hiện"). An abbreviation in capitals
gains or changes a letter ("thuế TNIDN" for "thuế TNDN"): a word in capitals that is no
syllable, read unsure and one letter away from exactly one known abbreviation, is that one.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from digitize.lm import model as lm
from digitize.lm.syllables import form, is_syllable, letters, nfc, recase
from digitize.models import Word

log = logging.getLogger(__name__)

MAX_CONF = 0.97
"""Tesseract word confidence (0..1) at or above which a word is left as read. Tesseract gives
misread marks confidences up to about 0.96; its surest words (0.97 and up) are right."""

DOUBTED_CONF = 0.8
"""The most confidence a word left as read keeps when the model would respell it, were it
read unsure: "Luật Tô chức", "nộp thuê vào ngân sách" read at 0.97 and up, "Về việc tầng danh
hiệu" at 0.96 (too sure for its margin). The word stays as read (Tesseract's surest words are
most often right), but no longer vouches for the value it stands in: this is below the
classifiers' review thresholds, so a clerk looks."""

DOUBT = True
"""Whether words left as read are weighed for :data:`DOUBTED_CONF` (off only to measure the
correction's input as Tesseract gave it)."""

MARGIN = 3.0
"""Log-score (natural) by which a spelling that a phrase around it supports must beat the word
as read: about 50 times likelier."""

PRIOR_MARGIN = 7.0
"""The margin for a real syllable changed on its frequency alone, with no phrase around it: a
rare syllable ("vê", "sô") against a very common one ("về", "số"), about 1000 times."""

NAME_MARGIN = 5.0
"""The margin for a capitalised word that reads as a personal-name syllable."""

CONF_WEIGHT = 0.5
"""Weight of Tesseract's confidence, as log-odds (0.5: 0, 0.8: 1.4, 0.95: 2.9), in the margin."""

LETTER_COST = 1.0
"""Log-score by which Tesseract's own d or đ is preferred to the other (about 3 times), paid on
top of the margin: the stroke of đ is a letter, read more reliably than a mark, yet lost or
added now and then ("bù địp nghỉ" for "bù dịp nghỉ", "Tự đo" for "Tự do"). Measured on the
development part of the real documents: from 3 down to 0.5 it changed no right word and fixed
more the lower it was; at 0 it took "đủ điều kiện" for "dự điều kiện"."""

ACRONYM_LEN = 4
"""Fewest letters of an abbreviation a misread one is matched to, and of the word read: among
shorter ones one letter makes another real abbreviation too often (BCH, BGH, BTC, BCT)."""

_SPLIT = re.compile(r"^(\W*(?:(?:[IVX]{1,4}|\d{1,2})[.)](?=[^\W\d_]))?\W*)(.*?)(\W*)$")
"""Leading punctuation (with a list marker glued to the word: "I.KÉT" is "I." and "KÉT"), the
word, trailing punctuation."""


class Side(NamedTuple):
    """A neighbour as evidence: its letters, its form, and whether that form is sure (read
    surely, or put right already). An unsure neighbour may pair in any spelling of its letters,
    except next to a name."""

    letters: str
    form: str
    sure: bool
    name: bool
    """Capitalised and a personal-name syllable."""


@dataclass(frozen=True)
class Change:
    index: int
    old: str
    new: str


_model: lm.Model | None = None
_lock = threading.Lock()


def model() -> lm.Model:
    """The process's model, loaded on first use. A model that cannot be read (a broken
    installation) changes nothing, with a warning: pages are then read as Tesseract saw them."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                try:
                    _model = lm.load()
                except (OSError, ValueError, KeyError) as exc:
                    log.warning(
                        "diacritics model %s unreadable (%s): marks are left as read; "
                        "reinstall digitize or run python -m digitize.lm.build",
                        lm.MODEL_PATH,
                        exc,
                    )
                    _model = lm.EMPTY
    return _model


Part = tuple[str, str, str, str | None, str]
"""A word's leading punctuation, core, trailing punctuation, syllable form and letters."""


@lru_cache(maxsize=1 << 16)
def _split(text: str) -> Part:
    """Leading punctuation, the word, trailing punctuation, the word's syllable form (``None``
    when it is no syllable: digits, inner punctuation, foreign words) and its letters."""
    lead, core, trail = _SPLIT.match(nfc(text)).groups()  # type: ignore[union-attr]
    f = form(core) if core.isalpha() and is_syllable(core) else None
    return lead, core, trail, f, letters(core) if core.isalpha() else ""


def evidence(
    m: lm.Model,
    f: str,
    own: str,
    left: Side | None,
    right: Side | None,
    *,
    title: bool,
    strict: bool = False,
) -> float:
    """What the phrases say for form ``f`` (letters ``own``) between these neighbours. For a
    ``title``-case word only phrases that capitalise it count: it may be a name otherwise.
    ``strict`` takes every neighbour as read, sure or not."""
    total = 0.0
    if left is not None:
        exact = left.sure or strict
        best = 0.0
        for p in m.pairs.get((left.letters, own), ()):
            if p.second != f or (exact and p.first != left.form):
                continue
            if not title or p.capitals & 2:
                best = max(best, p.bonus)
        total += best
    if right is not None:
        exact = right.sure or strict
        best = 0.0
        for p in m.pairs.get((own, right.letters), ()):
            if p.first != f or (exact and p.second != right.form):
                continue
            if not title or p.capitals & 1:
                best = max(best, p.bonus)
        total += best
    return total


_SWAPPED_FIRST = {"đ": "d", "d": "đ", "b": "h", "h": "b"}
"""First letters OCR reads as one another: the stroke of đ lost or added, and b and h, whose
bowl a blurred photo closes or opens ("thực biện" for "thực hiện", "bành chính")."""


def _other_letter(own: str, lower: bool) -> str | None:
    """``own`` (letters) with its first letter d read as đ or đ as d, or (a word in lower case
    only: capitals start names) b read as h or h as b; ``None`` for none of them."""
    other = _SWAPPED_FIRST.get(own[:1])
    if other is None or (not lower and other in "bh"):
        return None
    return other + own[1:]


def _candidate(
    m: lm.Model,
    core: str,
    own: str,
    read: str | None,
    conf: float,
    left: Side | None,
    right: Side | None,
) -> str | None:
    """The spelling ``core`` (letters ``own``, form ``read``: ``None`` for no syllable) should
    have between these neighbours, or ``None`` to leave it. Tesseract's own confidence counts
    for the word as read: its log-odds are added to the margin the other spelling must win by.
    Spellings with the other first letter of :data:`_SWAPPED_FIRST` compete too, at
    :data:`LETTER_COST`."""
    other = _other_letter(own, core.islower())
    rivals = [(f, own, 0.0) for f in m.by_letters.get(own, ())]
    if other is not None:
        rivals += [(f, other, LETTER_COST) for f in m.by_letters.get(other, ())]
    if not rivals:
        return None
    known = read is not None and read in m.prior
    capital = core[:1].isupper()
    if known:
        paired = any(
            (left is not None and (left.letters, key) in m.pairs)
            or (right is not None and (key, right.letters) in m.pairs)
            for key in (own, other)
            if key is not None
        )
        if not paired and (capital or m.headroom.get(read, -math.inf) < PRIOR_MARGIN):
            return None  # no phrase can speak, and no rival's frequency alone wins
    read = read or ""
    title = capital and not (core.isupper() and len(core) > 1)
    # A capitalised real syllable may be a name: its neighbours count only as they were read.
    # A word in capitals that is no name syllable ("KÉT QUÁ" in a heading) is no name: its
    # unsure neighbours pair in any spelling of their letters, as in lower case.
    # The word naming a unit before its name ("PHƯỜNG AN PHÚ") stays strict: the name after it
    # would otherwise pair in another spelling ("PHƯƠNG ÁN").
    plain_caps = (
        core.isupper() and len(core) > 1 and read not in m.names and read not in _unit_words()
    )
    strict = capital and known and not plain_caps
    named = title and read in m.names
    read_ev = evidence(m, read, own, left, right, title=named, strict=strict) if known else 0.0
    if read_ev > 0:
        return None  # the word as read makes a phrase with its neighbours
    read_score = m.logp(read)
    best, best_key, best_score, best_ev = read, own, read_score, 0.0
    for f, key, cost in rivals:
        if f == read:
            continue
        # A capitalised word is a name only if one of its spellings is a name syllable: the
        # first word of a sentence ("Thâm định hồ sơ") takes the phrases of lower case too.
        as_name = named or (title and f in m.names)
        ev = evidence(m, f, key, left, right, title=as_name, strict=strict)
        s = m.logp(f) + ev - cost
        if s > best_score:
            best, best_key, best_score, best_ev = f, key, s, ev
    if best == read:
        return None
    if capital and read in m.names:
        # A name syllable beside a name syllable is a person's name, as printed, unless the
        # new spelling makes a known phrase with that very neighbour ("Luật Tổ chức"), one
        # the phrases hold more than once, not a chance pair ("ổn định | thị trường").
        for near in (left, right):
            if near is not None and near.name:
                only = (near, None) if near is left else (None, near)
                said = evidence(m, best, best_key, *only, title=title, strict=True)
                if said < lm.BONUS + lm.SLOPE * math.log(2):  # the phrases hold it twice
                    return None
    gain = best_score - read_score
    if best_ev > 0:
        needed = NAME_MARGIN if capital and read in m.names else MARGIN
    elif capital and (known or title):
        # A capitalised word may be a name: only a phrase around it decides. A word in
        # capitals that is no known syllable ("CỤC THUẺ") is a misreading, not a name.
        return None
    else:
        needed = PRIOR_MARGIN if known else MARGIN
    sure = min(max(conf, 0.5), 0.999)
    if gain < needed + CONF_WEIGHT * math.log(sure / (1.0 - sure)):
        return None
    return recase(m.spelling[best], core)


UNIT_WORDS = "tỉnh thành phố huyện quận thị xã phường trấn đặc khu"
"""The words that name an administrative unit before its name (docs: the units of 2025)."""


@lru_cache(maxsize=1)
def _unit_words() -> frozenset[str]:
    return frozenset(form(w) for w in UNIT_WORDS.split())


def _one_edit(a: str, b: str) -> bool:
    """Whether one letter put in, taken out or replaced turns ``a`` into ``b``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _acronym(m: lm.Model, core: str) -> str | None:
    """The abbreviation a word in capitals that is no syllable was misread from ("TNIDN" for
    "TNDN"): the one known abbreviation a letter away from it, when exactly one is; ``None``
    for a known one, a short one, or none or several that near."""
    if len(core) < ACRONYM_LEN or core in m.acronyms:
        return None
    near = [a for a in m.acronyms if len(a) >= ACRONYM_LEN and _one_edit(core, a)]
    return near[0] if len(near) == 1 else None


def _side(m: lm.Model, part: Part, sure: bool) -> Side | None:
    _, core, _, f, own = part
    if f is None:
        return None
    return Side(own, f, sure, core[:1].isupper() and f in m.names)


def _left_alone(m: lm.Model, parts: list[Part], lines: list[tuple[int, int, int]]) -> set[int]:
    """Words never weighed: those of a person's name (a run of three or more capitalised
    name syllables starting with a surname, "PHẠM VĂN PHONG"), and those of a line with no
    marked letter at all (English, as on bilingual cards: "VIET NAM" is right there)."""
    marked = {key for part, key in zip(parts, lines, strict=True) if not part[1].isascii()}
    keep = {i for i, key in enumerate(lines) if key not in marked}
    i, n = 0, len(parts)
    while i < n:
        _, core, trail, f, _ = parts[i]
        j = i + 1
        if core[:1].isupper() and f in m.surnames:
            while (
                j < n
                and lines[j] == lines[i]
                and not parts[j - 1][2]
                and not parts[j][0]
                and parts[j][1][:1].isupper()
                and parts[j][3] in m.names
            ):
                j += 1
            if j - i >= 3:
                keep.update(range(i, j))
        i = j
    return keep


FIXED_LINES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
"""The national title and motto that every Decree 30 document prints in its header (Decree
30/2020, Appendix I). A run of words on one line with exactly their letters (d and đ alike)
is them, whatever marks OCR gave it ("CÔNG HÒA XÃ HỘI", "Độc lập - Tự đo"): the column beside
them, read into the same line, leaves no doubt about what a run of eight such words is."""


def _plain(core: str) -> str:
    return letters(core).replace("đ", "d")


@lru_cache(maxsize=1)
def _fixed_runs() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    out = []
    for line in FIXED_LINES:
        spelled = tuple(w for w in line.split() if w.isalpha())
        out.append((tuple(_plain(w) for w in spelled), spelled))
    return tuple(out)


def _line_words(lines: list[tuple[int, int, int]]) -> list[list[int]]:
    """The indexes of each line's words (``lines``: each word's line), in reading order."""
    by_line: dict[tuple[int, int, int], list[int]] = {}
    for i, key in enumerate(lines):
        by_line.setdefault(key, []).append(i)
    return list(by_line.values())


def _fixed_lines(out: list[Word], by_line: list[list[int]], changes: list[Change]) -> None:
    """The national title and motto respelled as printed where their letters were read (see
    :data:`FIXED_LINES`); punctuation between their words (the motto's dashes) is left as read."""
    for line in by_line:
        ids = [i for i in line if _split(out[i].text)[1].isalpha()]
        keys = [_plain(_split(out[i].text)[1]) for i in ids]
        for plain, spelled in _fixed_runs():
            n = len(plain)
            for start in range(len(ids) - n + 1):
                if tuple(keys[start : start + n]) != plain:
                    continue
                for i, spelling in zip(ids[start : start + n], spelled, strict=True):
                    lead, core, trail = _split(out[i].text)[:3]
                    new = recase(spelling, core)
                    if new != core and form(new) != form(core):
                        changes.append(Change(i, out[i].text, lead + new + trail))
                        out[i] = replace(out[i], text=lead + new + trail)


COLON_FORMULAS = ("kinh gui", "kinh goi", "noi nhan")
"""Decree 30 formulas that open a line and end with a colon: the addressee ("Kính gửi:", also
"Kính gởi:") and the recipients' list ("Nơi nhận:"). A colon read as a stop, comma or
semicolon after them ("Kính gửi. Thuế tỉnh", "Kính gửi . Hội đồng") is a colon."""

_MISREAD_COLON = frozenset(".,;·")


def _formula_colons(out: list[Word], by_line: list[list[int]], changes: list[Change]) -> None:
    """The colon after a line-opening formula (:data:`COLON_FORMULAS`) put back where OCR read
    another mark, glued to the formula ("Kính gửi.") or standing alone ("Kính gửi . Hội"); the
    colon's spacing is kept as read."""
    for ids in by_line:
        if len(ids) < 2:
            continue
        first, second = (_split(out[i].text) for i in ids[:2])
        if first[0] or first[2] or not first[1][:1].isupper():
            continue
        if f"{_plain(first[1])} {_plain(second[1])}" not in COLON_FORMULAS:
            continue
        at, mark = ids[1], second[2]
        if not mark and len(ids) > 2:
            at, mark = ids[2], out[ids[2]].text
        if mark in _MISREAD_COLON:
            text = out[at].text[: -len(mark)] + ":"
            changes.append(Change(at, out[at].text, text))
            out[at] = replace(out[at], text=text)


def correct(words: list[Word], *, m: lm.Model | None = None) -> tuple[list[Word], list[Change]]:
    """The words with misread marks put right (all in NFC), and what was changed.

    Words are taken in reading order; a word's neighbours are the words before and after it
    on the same line with no punctuation between. A neighbour changed already, or read
    surely, stands as it is; an unsure one as any spelling of its letters, so "thâm quyên"
    still finds "thẩm quyền". Only unsure words are weighed: a page of sure words costs a
    scan of its confidences, and the model is loaded on the first page that needs it.
    """
    out = [
        w if unicodedata.is_normalized("NFC", w.text) else replace(w, text=nfc(w.text))
        for w in words
    ]
    changes: list[Change] = []
    parts = [_split(w.text) for w in words]
    lines = [(w.block, w.par, w.line) for w in words]
    todo = [i for i, w in enumerate(words) if w.conf < MAX_CONF and parts[i][1].isalpha()]
    doubt = DOUBT and any(w.conf > DOUBTED_CONF for w in words)
    if todo or doubt:
        m = m or model()
        alone = _left_alone(m, parts, lines)
        if todo:
            _weigh_all(words, out, parts, lines, todo, alone, changes, m)
        if doubt:
            _doubt(words, out, parts, lines, alone, {c.index for c in changes}, m)
    by_line = _line_words(lines)
    _fixed_lines(out, by_line, changes)
    _formula_colons(out, by_line, changes)
    changes.sort(key=lambda c: c.index)
    return out, changes


def _weigh_all(
    words: list[Word],
    out: list[Word],
    parts: list[Part],
    lines: list[tuple[int, int, int]],
    todo: list[int],
    alone: set[int],
    changes: list[Change],
    m: lm.Model,
) -> None:
    """The unsure words ``todo`` weighed (those of ``alone`` never), ``out`` and ``parts``
    updated in place, what changed added to ``changes``."""
    changed: set[int] = set()
    # A second look at the words beside a change: "TĨNH TUYẾN QUANG" finds "TỈNH" only once
    # "TUYÊN QUANG" stands right.
    for _ in range(2):
        before = len(changed)
        for i in todo:
            if i in alone or i in changed:
                continue
            new = _weigh(m, i, words, parts, lines, changed)
            if new is None:
                continue
            lead, core, trail = parts[i][:3]
            out[i] = replace(words[i], text=lead + new + trail)
            parts[i] = _split(out[i].text)  # the next word sees its neighbour corrected
            changed.add(i)
            changes.append(Change(i, words[i].text, out[i].text))
        if len(changed) == before:
            break
        todo = [i for i in todo if i - 1 in changed or i + 1 in changed]


def _doubt(
    words: list[Word],
    out: list[Word],
    parts: list[Part],
    lines: list[tuple[int, int, int]],
    alone: set[int],
    changed: set[int],
    m: lm.Model,
) -> None:
    """The words left as read (``changed`` were not, ``alone`` are never weighed) that the
    model would respell, were they read unsure, given at most :data:`DOUBTED_CONF` in
    ``out``; their text stays as read. A word found everywhere ("thì", "về") is never
    doubted: a phrase another spelling makes with its neighbour ("thị trường") says nothing
    against it."""
    for i, w in enumerate(words):
        _, core, _, read, own = parts[i]
        if w.conf <= DOUBTED_CONF or i in alone or i in changed or not core.isalpha():
            continue
        if read is None or read in lm.FUNCTION_WORDS:
            continue
        left, right = _neighbours(m, i, words, parts, lines, changed)
        new = _candidate(m, core, own, read, 0.5, left, right)
        if new is None or new == core:
            continue
        # The other spelling must be the commoner word, or make phrases on both sides: a
        # phrase on one side alone ("tỉnh | Nam Định") says little against a common word
        # ("tỉnh năm 2010").
        f, own = form(new), letters(new)
        title = core[:1].isupper() and not core.isupper()
        sides = sum(
            evidence(m, f, own, *pair, title=title) > 0 for pair in ((left, None), (None, right))
        )
        if sides == 2 or m.logp(f) > m.logp(read):
            out[i] = replace(out[i], conf=min(out[i].conf, DOUBTED_CONF))


def doubted(before: list[Word], after: list[Word]) -> int:
    """How many words :func:`correct` gave :data:`DOUBTED_CONF`, left as read."""
    return sum(
        1 for a, b in zip(before, after, strict=True) if b.conf < a.conf and nfc(a.text) == b.text
    )


def _weigh(
    m: lm.Model,
    i: int,
    words: list[Word],
    parts: list[Part],
    lines: list[tuple[int, int, int]],
    changed: set[int],
) -> str | None:
    """Word ``i``'s new spelling between its neighbours, or ``None``."""
    lead, core, trail, read, own = parts[i]
    if read is None and core.isupper():
        return _acronym(m, core)
    left, right = _neighbours(m, i, words, parts, lines, changed)
    new = _candidate(m, core, own, read, words[i].conf, left, right)
    return None if new == core else new


def _neighbours(
    m: lm.Model,
    i: int,
    words: list[Word],
    parts: list[Part],
    lines: list[tuple[int, int, int]],
    changed: set[int],
) -> tuple[Side | None, Side | None]:
    """Word ``i``'s neighbours as evidence: the words before and after it on its line with no
    punctuation between."""
    lead, _, trail = parts[i][:3]
    left = right = None
    if i > 0 and not lead and lines[i - 1] == lines[i] and not parts[i - 1][2]:
        sure = words[i - 1].conf >= MAX_CONF or i - 1 in changed
        left = _side(m, parts[i - 1], sure)
    if i + 1 < len(words) and not trail and lines[i + 1] == lines[i] and not parts[i + 1][0]:
        sure = words[i + 1].conf >= MAX_CONF or i + 1 in changed
        right = _side(m, parts[i + 1], sure)
    return left, right
