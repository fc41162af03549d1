"""Scoring OCR output against the truth of a generated page.

Word recall is order-free on purpose: Tesseract's reading order on two-column headers (organ
block left, national title right) differs from the drawing order without any word being lost,
and a dossier search only needs the words to be there. CER is order-sensitive and so also
charges reading-order differences; it is reported next to recall, not instead of it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from rapidfuzz.distance import Levenshtein


def _strip_punct(token: str) -> str:
    return "".join(ch for ch in token if not unicodedata.category(ch).startswith("P"))


def words_of(text: str) -> list[str]:
    """NFC tokens with punctuation removed; tokens that were only punctuation are dropped."""
    out = []
    for token in unicodedata.normalize("NFC", text).split():
        token = _strip_punct(token)
        if token:
            out.append(token)
    return out


def word_recall(truth: str, found: str) -> float:
    """Share of the truth's words present in ``found``, counted as a multiset."""
    want = Counter(words_of(truth))
    if not want:
        return 1.0
    have = Counter(words_of(found))
    hit = sum(min(n, have[w]) for w, n in want.items())
    return hit / sum(want.values())


def collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(truth: str, found: str) -> float:
    """Character error rate: Levenshtein edits over the truth's length, whitespace collapsed."""
    ref = collapse(truth)
    if not ref:
        return 0.0
    return Levenshtein.distance(ref, collapse(found)) / len(ref)
