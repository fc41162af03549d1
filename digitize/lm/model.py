"""The statistical model behind :mod:`digitize.diacritics`: syllable priors and phrase evidence.

Priors say how often each syllable is used: general Vietnamese (``wordfreq``, read from the
installed package) mixed with official text (the project's phrases, ``model.json``). Phrase
evidence says which syllables stand together in administrative writing ("chống dịch", "xăng
dầu", "Ban Chỉ đạo"). The phrases are a list, not a sample of all text: a pair they hold is
strong evidence, a pair they lack is none, and a word found everywhere ("và", "của") is no
evidence as a neighbour.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

from digitize.lm.syllables import form, is_syllable, letters, nfc

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).with_name("model.json")

WORDFREQ_WEIGHT = 0.85
"""Share of a syllable's prior taken from general Vietnamese; the rest from official text."""

FLOOR = 1e-7
"""Prior probability of a syllable seen in no source (an OCR misreading, a rare name)."""

BONUS = 3.0
"""Log-score a neighbour adds to a spelling it forms a known phrase with."""

SLOPE = 0.5
"""Log-score added per e-fold of a phrase's excess over chance."""

_FUNCTION = """và là có của các được một không trong cho này với để ở đã như đến tại về những
thì mà khi từ trên theo sẽ bị nên hay hoặc cũng vẫn còn rất"""

FUNCTION_WORDS = frozenset(form(w) for w in _FUNCTION.split())
"""Words that stand next to anything: as neighbours they are no evidence."""


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    bonus: float
    capitals: int
    """Which word the phrases write with a capital: bit 1 the first, bit 2 the second."""


@dataclass(frozen=True)
class Model:
    spelling: dict[str, str]
    """Syllable form -> a spelling of it (lower case)."""
    by_letters: dict[str, tuple[str, ...]]
    """Letters (marks off) -> the forms that share them."""
    prior: dict[str, float]
    """Form -> log probability as a word of Vietnamese text."""
    pairs: dict[tuple[str, str], tuple[Pair, ...]]
    """Letters of two neighbouring words -> the phrases' pairs with those letters."""
    names: frozenset[str]
    """Forms of personal-name syllables (``classifiers/names.yaml``)."""
    headroom: dict[str, float]
    """Form -> how far the likeliest other spelling of its letters is above it in the prior
    (log units; negative when it is the likeliest): a word whose rivals cannot win on their
    prior, and that no phrase can pair, is left at the cost of two look-ups."""

    def logp(self, f: str) -> float:
        return self.prior.get(f, math.log(FLOOR))


EMPTY = Model({}, {}, {}, {}, frozenset(), {})


def _wordfreq() -> dict[str, tuple[float, str]]:
    """General Vietnamese syllable frequencies (form -> frequency, a spelling) from the
    installed ``wordfreq`` package, or nothing when it is not installed (the project's phrases
    then give the priors alone)."""
    try:
        import wordfreq
    except ImportError:
        log.warning("wordfreq is not installed: diacritics use the project's phrases only")
        return {}
    freqs: dict[str, tuple[float, str]] = {}
    for word, p in wordfreq.get_frequency_dict("vi", wordlist="small").items():
        w = nfc(word)
        if is_syllable(w):
            f = form(w)
            old = freqs.get(f, (0.0, w))
            freqs[f] = (old[0] + p, old[1])
    return freqs


def _bonus(c: int, na: int, nb: int, total: int) -> float:
    """What a pair seen ``c`` times says: nothing when it is no more frequent than chance
    would put its words side by side, else :data:`BONUS` and a little more per e-fold."""
    lift = c / max(1.0, na * nb / total)
    return BONUS + SLOPE * math.log(lift) if lift >= 1.0 else 0.0


def load(path: Path | None = None) -> Model:
    """The model from its data file (``model.json`` beside this module unless ``path``) and the
    installed ``wordfreq`` data."""
    data = json.loads((path or MODEL_PATH).read_text(encoding="utf-8"))
    spelling: dict[str, str] = dict(data["spelling"])
    uni: dict[str, int] = data["unigrams"]
    general = _wordfreq()
    for f, (_, w) in general.items():
        spelling.setdefault(f, w)
    total = sum(uni.values()) or 1
    gen_total = sum(p for p, _ in general.values()) or 1.0
    w = WORDFREQ_WEIGHT if general else 0.0
    prior = {
        f: math.log(
            w * general.get(f, (0.0, ""))[0] / gen_total + (1 - w) * uni.get(f, 0) / total + FLOOR
        )
        for f in spelling
    }
    by_letters: dict[str, list[str]] = {}
    for f, s in spelling.items():
        by_letters.setdefault(letters(s), []).append(f)
    caps: dict[str, int] = data["capitalised"]
    pairs: dict[tuple[str, str], list[Pair]] = {}
    for key, c in data["bigrams"].items():
        a, b = key.split(" ")
        if a in FUNCTION_WORDS or b in FUNCTION_WORDS:
            continue
        bonus = _bonus(c, uni.get(a, 0), uni.get(b, 0), total)
        if bonus > 0 and a in spelling and b in spelling:
            pair = Pair(a, b, bonus, caps.get(key, 0))
            pairs.setdefault((letters(spelling[a]), letters(spelling[b])), []).append(pair)
    headroom: dict[str, float] = {}
    for forms in by_letters.values():
        for f in forms:
            others = [prior[g] for g in forms if g != f]
            headroom[f] = max(others) - prior[f] if others else -math.inf
    return Model(
        spelling=spelling,
        by_letters={k: tuple(v) for k, v in by_letters.items()},
        prior=prior,
        pairs={k: tuple(v) for k, v in pairs.items()},
        names=frozenset(data["names"]),
        headroom=headroom,
    )
