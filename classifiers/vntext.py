"""Matching keys for Vietnamese text read by OCR.

The same printed word reaches us as "HÒA", "HOÀ" (tone placement), "HOA" (tone dropped by
OCR) or "H0A" (digit swap). :func:`fold` maps all of them to one key: NFD, combining marks
removed, đ to d, lower case, punctuation to single spaces. Fuzzy comparison on folded keys then
absorbs the remaining OCR errors.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

_NON_ALNUM = re.compile(r"[^0-9a-z/]+")


def fold(text: str) -> str:
    """The diacritic-, tone- and case-free key of ``text``; '/' is kept (V/v, 12/QĐ-UBND)."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "D").lower()
    return _NON_ALNUM.sub(" ", stripped).strip()


_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}


BILINGUAL_DATE_WORD = r"(?:\s*[/|(]{1,2}\s*[a-z0]{3,5}\)?|\s+(?:date|m[o0]nth|year))?"
"""The English word a bilingual card prints after "ngày", "tháng" and "năm" ("ngày/date 15
tháng/month 03 năm/year 2019" on a driving licence), its slash read as a bar or twice
("năm//ear": the y's stroke taken for a second slash), its o as 0: a pattern to put after each
of the three words (match it ignoring case, or on folded text)."""


def tone_key(text: str) -> str:
    """Lower-case key that keeps diacritics but not where the tone mark sits.

    "HÒA" and "hoà" give the same key; "Nguyễn" and "Nguyên" do not. Each word's tone mark is
    taken off its vowel and written after the word.
    """
    out = []
    for word in unicodedata.normalize("NFD", text.lower()).split():
        tone = "".join(_TONES[c] for c in word if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in word if c not in _TONES))
        out.append(base + tone)
    return " ".join(out)


def levenshtein(a: str, b: str, limit: int | None = None) -> int:
    """Edit distance; above ``limit`` (when given) it returns ``limit + 1``."""
    return Levenshtein.distance(a, b, score_cutoff=limit)


def similarity(a: str, b: str) -> float:
    """1 for equal strings, falling to 0 as the edit distance reaches the longer length."""
    if not a and not b:
        return 1.0
    return 1.0 - Levenshtein.distance(a, b) / max(len(a), len(b))


def best_window(tokens: list[str], needle: list[str]) -> tuple[float, int, int]:
    """Where the token sequence ``needle`` best matches inside ``tokens``.

    Returns ``(similarity, start, end)`` over windows of one word up to one more than the
    needle's length: OCR splits words and merges them, sometimes a whole label into one word
    ("Số/No." for the three tokens of "Số / No."). Similarity compares the strings joined
    without spaces, so every way of cutting the label matches the same.
    """
    target = "".join(needle)
    best = (0.0, 0, 0)
    n = len(needle)
    for size in range(1, n + 2):
        for start in range(0, max(1, len(tokens) - size + 1)):
            window = "".join(tokens[start : start + size])
            s = similarity(window, target)
            if s > best[0]:
                best = (s, start, min(len(tokens), start + size))
    return best


def is_upper_line(text: str) -> bool:
    """Mostly capitals: how titles are printed."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) >= 0.7


_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})
_ETH_TWICE = re.compile("ĐÐ|ÐĐ|đð|ðđ")


def eth_as_d(text: str) -> str:
    """ "Ð"/"ð" (eth) as "Đ"/"đ": OCR's look-alike of the Vietnamese letter. "ĐÐ" is one "Đ"
    read twice, once as each ("460/QĐÐ-UBND"); no notation writes the letter twice that way."""
    return _ETH_TWICE.sub(lambda m: m.group(0)[0].translate(_ETH), text).translate(_ETH)
