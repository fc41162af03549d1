"""Vietnamese syllables as the diacritics model sees them: keys, validity, spelling.

A syllable is written with base letters, vowel marks (ă â ê ô ơ ư) and one tone mark. OCR
misreads the marks far more often than the letters, so candidates for a word are the known
syllables with the same *letters* (every mark taken off, đ kept: its stroke is a letter, not
a mark). Tone placement differs between spellings of the same word ("hòa", "hoà"), so words
are compared on a *form* that writes the tone after the syllable: one form, any placement.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
"""Combining tone marks and the digit a form writes for each (huyền, sắc, ngã, hỏi, nặng)."""

_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"([aăâeêioôơuưy]{1,3})"
    r"(ch|ng|nh|[cmnpt])?$"
)
"""Onset, vowels, final of a toneless lower-case syllable: loose, but it keeps out foreign
words and OCR debris ("theme", "girl", "tbe")."""

_NUCLEUS_LETTERS = (
    "ieu yeu oai oay oeo uay uoi uou uya uye uyu iii "
    "ai ao au ay eo eu ia ie iu oa oe oi oo ua ue ui uo uy uu ye ea ya ii "
    "a e i o u y"
)
_NUCLEI = frozenset(_NUCLEUS_LETTERS.split())
"""The letters (marks off) of the vowel groups a syllable is written with: "aa" is OCR's,
never the language's ("Haàng" for "Hoàng"). The marks are left to the model, which puts a
misplaced one right ("QUYÉT"). The place names of the Central Highlands ("Ea Kar", "Ya
Xiêr") and Roman numerals ("II", "III") keep theirs."""

_STOP_FINALS = ("c", "ch", "p", "t")

_CONTEXT_BREAK = re.compile(r"[,;:.!?()\[\]\"“”'‘’/–—]|\s-\s")
"""Punctuation that ends a context: words either side of it are not neighbours."""


def form(word: str) -> str:
    """Lower case, NFC, the tone taken off its vowel and written after the syllable as a digit:
    "Hòa", "hoà" and "HOÀ" are all "hoa2"."""
    nfd = unicodedata.normalize("NFD", word.lower())
    tone = "".join(TONES[c] for c in nfd if c in TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
    return base + tone


_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")
"""The combining marks Vietnamese writes: five tones, the circumflex, the breve, the horn."""


def vietnamese_letters(text: str) -> bool:
    """Whether every letter of ``text`` (anything else is passed over) is one Vietnamese
    writes: a Latin letter or đ, with the language's marks on vowels only. "TRÖ", "Ñga",
    "Fiiß" or TCVN3's "héi" hold a misread or mis-encoded letter."""
    for ch in text:
        if not ch.isalpha():
            continue
        base, *marks = unicodedata.normalize("NFD", ch.lower())
        if base == "đ":
            continue
        if not ("a" <= base <= "z") or not _MARKS.issuperset(marks):
            return False
        if marks and base not in "aeiouy":
            return False
    return True


def letters(word: str) -> str:
    """Lower case with every mark taken off (đ kept): what OCR rarely gets wrong."""
    nfd = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in nfd if not unicodedata.combining(c))


def _shape(base: str) -> re.Match[str] | None:
    m = _SYLLABLE.match(base)
    return m if m is not None and letters(m.group(2)) in _NUCLEI else None


def shaped_like_syllable(word: str) -> bool:
    """Whether ``word``'s letters, marks and tone aside, make one syllable: an onset, a vowel
    group the language writes, a final (for words already folded: "ngoc", "hoang")."""
    return _shape(letters(word)) is not None


def is_syllable(word: str) -> bool:
    """Whether ``word`` (any case) is shaped like one Vietnamese syllable with at most one tone;
    a syllable closed by c, ch, p or t takes only the sắc or nặng tone."""
    f = form(word)
    base, tone = f.rstrip("12345"), f[len(f.rstrip("12345")) :]
    if len(tone) > 1:
        return False
    m = _shape(base)
    if m is None:
        return False
    final = m.group(3) or ""
    return not (final in _STOP_FINALS and tone not in ("1", "5"))


_LETTER_RUN = re.compile(r"[^\W\d_]+")

ACRONYM_MIN = 2
"""Fewest letters of an abbreviation: a single capital is an initial or a list letter."""


def acronyms(lines: list[str]) -> set[str]:
    """The abbreviations of ``lines``: runs of two or more capital letters, none with a mark,
    that are no syllable (UBND, HĐND, TNDN; not BAN, TỈNH or ĐẮK, which are words), in NFC."""
    found = set()
    for line in lines:
        for run in _LETTER_RUN.findall(nfc(line)):
            plain = letters(run) == run.lower()
            if run.isupper() and len(run) >= ACRONYM_MIN and plain and not is_syllable(run):
                found.add(run)
    return found


def recase(spelling: str, like: str) -> str:
    """``spelling`` in the case ``like`` was read in: capitals, a capital first, or lower."""
    if like.isupper() and len(like) > 1:
        return spelling.upper()
    if like[:1].isupper():
        return spelling[:1].upper() + spelling[1:]
    return spelling


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


Counts = tuple[Counter[str], Counter[str], dict[str, int], dict[str, str]]


def count_phrases(lines: list[str]) -> Counts:
    """Unigram and bigram counts of syllable forms; per bigram, which of its words were
    written with a capital in a line not all in capitals (bit 1 the first, bit 2 the second:
    a title-case word read by OCR may be a name, and only a phrase that capitalises it too
    speaks for it); a spelling seen for each form."""
    uni: Counter[str] = Counter()
    big: Counter[str] = Counter()
    caps: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for line in lines:
        letters_ = [c for c in line if c.isalpha()]
        upper_line = sum(c.isupper() for c in letters_) * 10 >= 7 * len(letters_)
        for chunk in _CONTEXT_BREAK.split(line):
            prev: tuple[str, bool] | None = None
            for word in chunk.split():
                if not is_syllable(word):
                    prev = None
                    continue
                f = form(word)
                cap = word[:1].isupper() and not upper_line
                spelled.setdefault(f, word.lower())
                uni[f] += 1
                if prev is not None:
                    pair = f"{prev[0]} {f}"
                    big[pair] += 1
                    bits = (1 if prev[1] else 0) | (2 if cap else 0)
                    if bits:
                        caps[pair] = caps.get(pair, 0) | bits
                prev = (f, cap)
    return uni, big, caps, spelled
