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

from classifiers.review import Check, Effect, Flag, Reading
from classifiers.vntext import fold, tone_key
from classifiers.wordlists import MIDDLE_NAMES
from digitize.lm.syllables import shaped_like_syllable, vietnamese_letters

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


def _split_glued(word: str) -> list[str] | None:
    """Two known name syllables that ``word`` is made of ("XUÂNAN"), or ``None``."""
    every = _lexicon()[1]
    for i in range(1, len(word)):
        a, b = word[:i], word[i:]
        if all(tone_key(x) in every.get(fold(x), ()) for x in (a, b)):
            return [a, b[:1].upper() + b[1:] if a[:1].isupper() and not a.isupper() else b]
    return None


def _is_syllable(folded: str) -> bool:
    """Whether a folded word can be a name syllable: one onset at most, one vowel group the
    language writes, one final at most ("XUÂNAN" is not one: OCR lost the space of "XUÂN
    AN"; "Haàng" is not one either). No name syllable starts with I ("Iong" is a misread
    "Long"), and Vietnamese writes no F, J, W or Z."""
    return shaped_like_syllable(folded) and not folded.startswith("i")


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


LOST_HEAD_MIN = 3
"""Letters a surname's tail must keep to be known by them ("guyễn"; "ạm" could be many)."""


def surname_with_head_lost(word: str) -> str | None:
    """The one listed surname that ``word`` is the end of, with its first one or two letters
    lost and the rest, marks and all, kept ("guyễn" is "Nguyễn", "rần" is "Trần"), or
    ``None`` when none or several are.

    A seal's ring or a signature's stroke across a name's first letter takes it away rather
    than changing it: Tesseract then reads the rest of the word, marks intact."""
    tail = tone_key(word)
    if sum(c.isalpha() for c in word) < LOST_HEAD_MIN:
        return None
    found = {
        key
        for spellings in _lexicon()[0].values()
        for key in spellings
        if key.endswith(tail) and 1 <= len(key) - len(tail) <= 2
    }
    if len(found) != 1:
        return None
    return _recase(_spelling()[found.pop()], word)


def respell_name(value: str) -> tuple[str, tuple[Flag, ...]]:
    """The name with its misspelled syllables respelled where the lexicon allows only one
    spelling, and the repairs made.

    A syllable whose letters are a known name syllable but whose marks are no known spelling
    of it is respelled when its letters have one known spelling ("Hông" is "Hồng"); a misread
    surname ("NGUYÊN") is respelled silently, any other syllable so respelled is a repair (a
    given name may be a rare one the lexicon lacks). A word that is no syllable is split into
    two known ones ("XUÂNAN") or given the one known syllable a changed consonant makes.
    """
    words = value.split()
    surnames, every = _lexicon()
    repairs: list[Flag] = []
    if words:
        spellings = surnames.get(fold(words[0]))
        if spellings and len(spellings) > 1 and tone_key(words[0]).startswith("đ"):
            # "Đoàn" and "Doãn" share their letters but for the stroke of the Đ. OCR may lose
            # a stroke but does not draw one: a surname read with it is one spelled with it.
            spellings = {s for s in spellings if s.startswith("đ")}
        if spellings and tone_key(words[0]) not in spellings and len(spellings) == 1:
            words[0] = _recase(_spelling()[next(iter(spellings))], words[0])
    for i, w in enumerate(words[1:], 1):
        known = every.get(fold(w))
        if known is not None and tone_key(w) not in known and len(known) == 1:
            words[i] = _recase(_spelling()[next(iter(known))], w)
            repairs.append(Flag("name_syllable_respelled"))
        elif known is None and not _is_syllable(fold(w)):
            parts = _split_glued(w)
            fixed = " ".join(parts) if parts else one_letter_off(w)
            if fixed:
                words[i] = fixed
                code = "name_syllables_split" if parts else "name_consonant_respelled"
                repairs.append(Flag(code))
    return " ".join(words), tuple(dict.fromkeys(repairs))


def _as_read(value: str, reading: Reading) -> list[str]:
    """The name's words as read, before any respelling (its punctuation left out)."""
    return re.sub(r"[^\w\s]", "", reading.printed).split() or value.split()


def name_word_count(value: str, reading: Reading) -> Flag | None:
    return None if 2 <= len(_as_read(value, reading)) <= 6 else Flag("name_word_count")


def name_not_letters(value: str, reading: Reading) -> Flag | None:
    ok = all(re.fullmatch(r"[^\W\d_]+", w) for w in _as_read(value, reading))
    return None if ok else Flag("name_not_letters")


def name_foreign_letter(value: str, reading: Reading) -> Flag | None:
    ok = all(vietnamese_letters(w) for w in _as_read(value, reading))
    return None if ok else Flag("name_foreign_letter")


def name_case_mixed(value: str, reading: Reading) -> Flag | None:
    """Capitals mixed with title case, or a syllable without its capital."""
    words = _as_read(value, reading)
    upper = [w.isupper() for w in words]
    mixed = any(upper) and not all(upper)
    return Flag("name_case_mixed") if mixed or not all(w[:1].isupper() for w in words) else None


def surname_unknown(value: str, reading: Reading) -> Flag | None:
    """Not a common surname: possible, but worth a look."""
    first = value.split()[:1]
    return Flag("surname_unknown") if first and fold(first[0]) not in _lexicon()[0] else None


def surname_marks_unknown(value: str, reading: Reading) -> Flag | None:
    """A surname whose letters have several spellings, none of them as read."""
    first = value.split()[:1]
    spellings = _lexicon()[0].get(fold(first[0])) if first else None
    if spellings and tone_key(first[0]) not in spellings:
        return Flag("surname_marks_unknown")
    return None


@lru_cache(maxsize=1)
def _common_surnames() -> dict[str, str]:
    """folded letters -> tone key of the commoner spelling, for letters that spell two listed
    surnames ("Trịnh" before "Trình": the list runs from the commonest)."""
    first: dict[str, str] = {}
    shared: dict[str, str] = {}
    for word in _data().get("surnames") or []:
        key = fold(word)
        if key in first:
            shared[key] = first[key]
        else:
            first[key] = tone_key(word)
    return shared


def surname_marks_rarer(value: str, reading: Reading) -> Flag | None:
    """A surname read as the rarer of two listed surnames with the same letters (Trình for
    Trịnh, Lã for La): the marks alone tell them apart, and a dot below read as a grave
    accent makes the rare one at full confidence (a car card's owner in glare)."""
    first = value.split()[:1]
    common = _common_surnames().get(fold(first[0])) if first else None
    if common is not None and tone_key(first[0]) != common:
        return Flag("surname_marks_rarer")
    return None


def name_marks_unknown(value: str, reading: Reading) -> Flag | None:
    """A syllable after the surname with known letters and unknown marks (several spellings
    exist, so it could not be respelled)."""
    every = _lexicon()[1]
    for w in value.split()[1:]:
        known = every.get(fold(w))
        if known is not None and tone_key(w) not in known:
            return Flag("name_marks_unknown")
    return None


def name_not_a_syllable(value: str, reading: Reading) -> Flag | None:
    """A word that is no Vietnamese syllable and no repair explained."""
    every = _lexicon()[1]
    for w in value.split()[1:]:
        if fold(w) not in every and not _is_syllable(fold(w)):
            return Flag("name_not_a_syllable")
    return None


def name_ends_with_middle_name(value: str, reading: Reading) -> Flag | None:
    """ "LÊ ĐÌNH": the given name, after the middle one, was not read."""
    words = value.split()
    if len(words) >= 2 and tone_key(words[-1]) in _MIDDLE_ONLY:
        return Flag("name_ends_with_middle_name")
    return None


def name_starts_with_middle_name(value: str, reading: Reading | None) -> Flag | None:
    """ "Văn Khánh" for "Trần Văn Khánh": a name opening with a middle name (Văn, Thị...) lost
    its surname to a signature or a seal. Văn is a surname too, now and then: a clerk looks."""
    words = value.split()
    if len(words) >= 2 and tone_key(words[0]) in _MIDDLE_ONLY:
        return Flag("name_starts_with_middle_name")
    return None


def name_syllable_doubled(value: str, reading: Reading | None) -> Flag | None:
    """ "Nguyễn Quang Hùn Hùng": a syllable followed by itself, or by a longer word that
    begins with it, marks and all: one word read twice (two readings of a line laid
    together, a word split at a signature's stroke). "Ngô Ngọc" differs in its marks and is
    a name."""
    words = [w.lower() for w in value.split()]
    for a, b in zip(words, words[1:], strict=False):
        if b.startswith(a):
            return Flag("name_syllable_doubled")
    return None


def name_marks_doubtful(value: str, reading: Reading) -> Flag | None:
    """An ambiguous syllable read unsure (see :func:`doubtful_marks`)."""
    words = [(w.text, w.conf) for w in reading.words]
    if doubtful_marks(words, surname_respelled(reading.raw, value)):
        return Flag("name_marks_doubtful")
    return None


NAME_CHECKS: tuple[Check, ...] = (
    name_word_count,
    name_not_letters,
    name_foreign_letter,
    name_case_mixed,
    surname_unknown,
    surname_marks_unknown,
    surname_marks_rarer,
    name_marks_unknown,
    name_not_a_syllable,
    name_ends_with_middle_name,
    name_starts_with_middle_name,
    name_syllable_doubled,
    name_marks_doubtful,
)
"""The checks of a personal name (registered in ``classifiers.rules.CHECKS``)."""


def check_name(value: str, *, skip: tuple[Check, ...] = ()) -> tuple[str, bool]:
    """The respelled name and whether it needed no repair and fails no name check but those
    of ``skip`` (for readers that rate the name themselves; a doubt, such as marks read
    unsure, is theirs to flag)."""
    if not value.split():
        return value, False
    fixed, repairs = respell_name(value)
    reading = Reading(value, printed=value)
    found = (check(fixed, reading) for check in NAME_CHECKS if check not in skip)
    failed = any(f is not None and f.effect is Effect.FAILED for f in found)
    return fixed, not repairs and not failed


def checked_name(read: str, words: list[tuple[str, float]]) -> tuple[str, list[Flag]]:
    """A personal name printed without a label (a signer's, a card officer's) as its value
    and what a clerk should know of it: respelled (``name_syllable_respelled``), marks no
    spelling has (``name_marks_unknown``), marks read unsure (``name_marks_doubtful``), a
    middle name first (``name_starts_with_middle_name``). ``words`` are the words read, with
    their confidences."""
    # A syllable read twice has its own reason: it says nothing of the marks.
    value, ok = check_name(read, skip=(name_syllable_doubled,))
    flags = []
    if not ok:
        flags.append(Flag("name_marks_unknown"))
    elif value != read:
        flags.append(Flag("name_syllable_respelled"))
    if doubtful_marks(words, surname_respelled(read, value)):
        flags.append(Flag("name_marks_doubtful"))
    if cut := name_starts_with_middle_name(value, None):
        flags.append(cut)
    if doubled := name_syllable_doubled(value, None):
        flags.append(doubled)
    return value, flags


_MIDDLE_ONLY = frozenset(tone_key(w) for w in MIDDLE_NAMES)
"""Middle names that a name does not end with: a name ending so lost its given name."""
