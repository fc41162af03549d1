"""Personal names read by OCR, checked against a lexicon of Vietnamese name syllables.

The worst outcome is a wrong name that looks certain. OCR's usual name error is a lost or
swapped diacritic ("NGUYỄN" read "NGUYÊN"): the letters are right, the marks are not. A
surname whose folded letters match exactly one common surname is respelled; any other syllable
whose letters are known but whose marks are not is respelled when its letters have one known
spelling, and the name is reported as doubtful.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

from classifiers.vntext import fold, tone_key

LEXICON_PATH = Path(__file__).with_name("names.yaml")


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """folded syllable -> the spellings (as tone keys) of surnames, and of all syllables."""
    data = _data()
    surnames: dict[str, set[str]] = defaultdict(set)
    every: dict[str, set[str]] = defaultdict(set)
    for word in data.get("surnames") or []:
        surnames[fold(word)].add(tone_key(word))
        every[fold(word)].add(tone_key(word))
    for word in data.get("syllables") or []:
        every[fold(word)].add(tone_key(word))
    return dict(surnames), dict(every)


@lru_cache(maxsize=1)
def _spelling() -> dict[str, str]:
    """tone key -> the lexicon's spelling, for every syllable (surnames first)."""
    data = _data()
    out: dict[str, str] = {}
    for word in (data.get("surnames") or []) + (data.get("syllables") or []):
        out.setdefault(tone_key(word), str(word))
    return out


@lru_cache(maxsize=1)
def _provinces() -> frozenset[str]:
    return frozenset(tone_key(str(p)) for p in _data().get("provinces") or [])


_UNIT = re.compile(r"^(tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)


def warm() -> None:
    """Read the lexicon now (a worker does it once, before forking its jobs)."""
    _lexicon()
    _spelling()
    _provinces()


def ends_with_province(address: str) -> bool:
    """Whether an address ends with a province, spelled right: it is complete and sound."""
    last = address.rsplit(",", 1)[-1].strip()
    return tone_key(_UNIT.sub("", last)) in _provinces()


def _recase(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    return word[:1].upper() + word[1:].lower()


def is_surname(word: str) -> bool:
    """Whether ``word`` folds to a common surname (how a signer's name line is recognized)."""
    return fold(word) in _lexicon()[0]


AMBIGUOUS_BELOW = 0.86
"""A name syllable with several known spellings ("Thùy", "Thủy", "Thúy") read less sure than
this is flagged: the lexicon cannot tell which mark is right, only the OCR can."""


def doubtful_marks(words: list[tuple[str, float]], marks_misread: bool = False) -> bool:
    """Whether a name read as ``(text, confidence)`` words has an unsure, ambiguous syllable.

    With ``marks_misread`` (OCR already got a mark of this name wrong, e.g. the surname had to
    be respelled: "CHỦ MINH ANH" for "CHU MINH ÁNH") its sureness about the other marks means
    nothing, and every ambiguous syllable is doubtful.
    """
    every = _lexicon()[1]
    below = 1.01 if marks_misread else AMBIGUOUS_BELOW
    return any(len(every.get(fold(text), ())) > 1 and conf < below for text, conf in words)


def surname_respelled(read: str, value: str) -> bool:
    """Whether ``check_name`` respelled the surname of ``read`` (its marks were misread)."""
    first_read = re.sub(r"[^\w\s]", "", read).split()[:1]
    first_value = value.split()[:1]
    return bool(first_read and first_value) and tone_key(first_read[0]) != tone_key(first_value[0])


_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?"
)
"""A Vietnamese syllable, folded: one onset at most, one vowel group, one final consonant at
most. "XUÂNAN" is not one: OCR lost the space of "XUÂN AN"."""


_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}
"""The marks Vietnamese letters carry: five tones, circumflex, breve, horn."""


def _vietnamese_letters(word: str) -> bool:
    """Whether every letter of ``word`` is one Vietnamese writes: "Ï" or "Ñ" is OCR's misreading
    of a letter under a stroke of the seal or the signature."""
    for ch in word:
        base, *marks = unicodedata.normalize("NFD", ch.lower())
        if base == "đ":
            continue
        if not ("a" <= base <= "z") or not set(marks) <= _MARKS:
            return False
        if marks and base not in "aeiouy":
            return False
    return True


def _split_glued(word: str) -> list[str] | None:
    """Two known name syllables that ``word`` is made of ("XUÂNAN"), or ``None``."""
    every = _lexicon()[1]
    for i in range(1, len(word)):
        a, b = word[:i], word[i:]
        if all(tone_key(x) in every.get(fold(x), ()) for x in (a, b)):
            return [a, b[:1].upper() + b[1:] if a[:1].isupper() and not a.isupper() else b]
    return None


def _is_syllable(folded: str) -> bool:
    """Whether a folded word can be a name syllable. No name syllable starts with I ("Iong"
    is a misread "Long"), and Vietnamese writes no F, J, W or Z (the pattern's onsets)."""
    return bool(_SYLLABLE.fullmatch(folded)) and not folded.startswith("i")


_CONSONANTS = "bcdđghklmnpqrstvx"


def one_letter_off(word: str) -> str | None:
    """The one known syllable ``word`` becomes with one consonant (or its first letter)
    changed and its vowels and marks kept ("Irung" is "Trung", "Fữu" is "Hữu"), or ``None``
    when none or several do.

    OCR misreads a consonant under a seal's ring or a signature's stroke (I for T, F for H)
    where it keeps the vowel's marks."""
    spelling = _spelling()
    found = set()
    for i, ch in enumerate(word):
        low = ch.lower()
        if i and unicodedata.normalize("NFD", low)[0] in "aeiouy":
            continue  # a vowel keeps its marks; only a first "I" may be a misread "T"
        for c in _CONSONANTS:
            if c == low:
                continue
            key = tone_key(word[:i] + c + word[i + 1 :])
            if key in spelling:
                found.add(key)
    if len(found) != 1:
        return None
    return _recase(spelling[found.pop()], word)


def check_name(value: str) -> tuple[str, bool]:
    """The name with its misspelled syllables respelled where the lexicon allows only one
    spelling, and whether it looks right.

    Not right: fewer than two or more than six words, a word that is not letters, mixed
    upper- and title-case words, or a syllable whose letters are a known name syllable but
    whose diacritics are not any known spelling of it. Such a syllable is respelled when its
    letters have one known spelling ("Hông" is "Hồng"); a misread surname ("NGUYÊN") stays
    right, the others make the name doubtful even so: a given name may be a rare one the
    lexicon lacks.
    """
    words = value.split()
    if not words:
        return value, False
    surnames, every = _lexicon()
    ok = 2 <= len(words) <= 6 and all(re.fullmatch(r"[^\W\d_]+", w) for w in words)
    ok = ok and all(_vietnamese_letters(w) for w in words)
    upper = [w.isupper() for w in words]
    if any(upper) and not all(upper):
        ok = False
    if not all(w[:1].isupper() for w in words):
        ok = False
    first = words[0]
    spellings = surnames.get(fold(first))
    if spellings is None:
        ok = False  # not a common surname: possible, but worth a look
    elif tone_key(first) not in spellings:
        if len(spellings) == 1:
            words[0] = _recase(_spelling()[next(iter(spellings))], first)
        else:
            ok = False
    for i, w in enumerate(words[1:], 1):
        known = every.get(fold(w))
        if known is not None and tone_key(w) not in known:
            ok = False
            if len(known) == 1:
                words[i] = _recase(_spelling()[next(iter(known))], w)
        elif known is None and not _is_syllable(fold(w)):
            # No syllable: two that OCR joined, or a misread one. Either way, a look.
            ok = False
            parts = _split_glued(w)
            if parts:
                words[i] = " ".join(parts)
            else:
                words[i] = one_letter_off(w) or w
    if len(words) >= 2 and tone_key(words[-1]) in _MIDDLE_ONLY:
        ok = False  # "LÊ ĐÌNH": the given name, after the middle one, was not read
    return " ".join(words), ok


_MIDDLE_ONLY = frozenset(tone_key(w) for w in ("Văn", "Thị", "Đình", "Hữu"))
"""Middle names that a name does not end with: a name ending so lost its given name."""
