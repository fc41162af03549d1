"""Administrative phrases (``vocabulary.yaml``) that confirm or respell words read by OCR.

A single syllable's letters fit many words ("ban" is "ban", "bán", "bản", "bạn"), so a lone
word cannot be checked; a run of two or more syllables whose letters are those of a known
phrase ("uy ban nhan dan") can: it is that phrase, and only its marks may be misread. Such a
run is respelled as the phrase (in the case it was printed in), and a run already spelled as
the phrase is confirmed, so a low OCR confidence on its words no longer flags the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from classifiers.vntext import fold, tone_key

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.yaml")

_WORD = re.compile(r"^(\W*)(.*?)(\W*)$")


@dataclass
class PhraseCheck:
    value: str
    certain: set[str] = field(default_factory=set)
    """Word keys (``tone_key``) that a known phrase confirmed or respelled."""
    corrected: int = 0


@lru_cache(maxsize=1)
def _phrases() -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """First folded word -> (folded words, official words) of each phrase, longest first."""
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8")) or {}
    index: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for group in ("organs", "phrases"):
        for phrase in data.get(group) or []:
            words = tuple(re.sub(r"[^\w\s]", " ", str(phrase)).split())
            keys = tuple(fold(w) for w in words)
            if len(keys) >= 2 and all(keys):
                index.setdefault(keys[0], []).append((keys, words))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


def warm() -> None:
    _phrases()


def _recase(official: str, read: str) -> str:
    if read.isupper():
        return official.upper()
    if read[:1].isupper():
        return official[:1].upper() + official[1:]
    return official.lower()


def check_phrases(text: str) -> PhraseCheck:
    """``text`` with known phrases respelled, and the words they confirm."""
    tokens = text.split(" ")
    parts = [_WORD.match(t).groups() for t in tokens]  # type: ignore[union-attr]
    keys = [fold(core) for _, core, _ in parts]
    out = PhraseCheck(text)
    index = _phrases()
    i = 0
    while i < len(tokens):
        hit = None
        for phrase_keys, words in index.get(keys[i], ()):
            n = len(phrase_keys)
            # Punctuation may follow only the phrase's last word ("kết quả, giải quyết").
            if tuple(keys[i : i + n]) != phrase_keys:
                continue
            if all(not parts[j][2] for j in range(i, i + n - 1)):
                hit = (n, words)
                break
        if hit is None:
            i += 1
            continue
        n, words = hit
        # A phrase printed in capitals with one word read in lower case ("CÔNG TY cổ PHẦN"):
        # OCR's error, the capitals are what was printed.
        capitals = sum(parts[i + j][1].isupper() for j in range(n)) * 2 > n
        for j, official in enumerate(words):
            lead, core, trail = parts[i + j]
            if tone_key(core) != tone_key(official) or (capitals and not core.isupper()):
                core = official.upper() if capitals else _recase(official, core)
                out.corrected += 1
                tokens[i + j] = lead + core + trail
            out.certain.add(tone_key(core))
        i += n
    out.value = " ".join(tokens)
    return out
