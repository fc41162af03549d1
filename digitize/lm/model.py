"""The statistical model behind :mod:`digitize.diacritics`: syllable priors and phrase evidence.

Priors say how often each syllable is used: general Vietnamese (``wordfreq``, read from the
installed package) mixed with official text (the phrases of ``corpus.txt``, counted in
``model.json``, and the classifiers' phrase list, counted when the model loads). Phrase
evidence says which syllables stand together in administrative writing ("chống dịch", "xăng
dầu", "Ban Chỉ đạo"). The phrases are a list, not a sample of all text: a pair they hold is
strong evidence, a pair they lack is none, and a word found everywhere ("và", "của") is no
evidence as a neighbour.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from digitize.lm.syllables import count_phrases, form, is_syllable, letters, nfc

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
    surnames: frozenset[str]
    headroom: dict[str, float]
    """Form -> how far the likeliest other spelling of its letters is above it in the prior
    (log units; negative when it is the likeliest): a word whose rivals cannot win on their
    prior, and that no phrase can pair, is left at the cost of two look-ups."""
    acronyms: frozenset[str] = frozenset()
    """Abbreviations written in capitals (UBND, TNDN, GTGT) in ``corpus.txt``: what an unsure
    word in capitals that is no syllable may be a misreading of. Not taken from the classifiers'
    lists, whose capitals include the English of identity cards (CARD, CITIZEN)."""

    def logp(self, f: str) -> float:
        return self.prior.get(f, math.log(FLOOR))


EMPTY = Model({}, {}, {}, {}, frozenset(), frozenset(), {})


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


_PRINTED_KEYS = frozenset({"label", "labels", "titles", "keywords"})
"""Keys of ``catalogue.yaml`` whose values are printed on documents."""


def _printed(node: object, printed: bool = False) -> list[str]:
    """Every string under a printed key of the catalogue, however deep."""
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _printed(v, printed or k in _PRINTED_KEYS)]
    if isinstance(node, list):
        return [s for v in node for s in _printed(v, printed)]
    return [nfc(node)] if printed and isinstance(node, str) else []


def _project_lists() -> tuple[list[str], list[str], list[str]]:
    """The classifiers' phrases (``vocabulary.yaml``, the catalogue's printed titles, labels
    and keywords), personal-name syllables and surnames (``names.yaml``), read where the
    ``classifiers`` package is installed, or nothing."""
    spec = importlib.util.find_spec("classifiers")
    folders = list(spec.submodule_search_locations or []) if spec else []
    if not folders:
        return [], [], []
    folder = Path(folders[0])
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = {}
    for name in ("vocabulary", "names", "catalogue"):
        try:
            text = (folder / f"{name}.yaml").read_text(encoding="utf-8")
            data[name] = yaml.load(text, Loader=loader) or {}  # noqa: S506 (a safe loader)
        except (OSError, yaml.YAMLError) as exc:
            log.warning("the classifiers' %s.yaml is unreadable (%s): not used", name, exc)
            data[name] = {}
    vocab, names = data["vocabulary"], data["names"]
    phrases = [nfc(str(p)) for g in ("organs", "phrases") for p in vocab.get(g) or []]
    phrases += _printed(data["catalogue"])
    people = [nfc(str(n)) for g in ("surnames", "syllables") for n in names.get(g) or []]
    surnames = [nfc(str(n)) for n in names.get("surnames") or []]
    return phrases, people, surnames


def load(path: Path | None = None) -> Model:
    """The model from its data file (``model.json`` beside this module unless ``path``), the
    classifiers' phrase and name lists and the installed ``wordfreq`` data."""
    data = json.loads((path or MODEL_PATH).read_text(encoding="utf-8"))
    spelling: dict[str, str] = dict(data["spelling"])
    uni: Counter[str] = Counter(data["unigrams"])
    bigrams: Counter[str] = Counter(data["bigrams"])
    caps: dict[str, int] = dict(data["capitalised"])
    phrases, people, surnames = _project_lists()
    more_uni, more_big, more_caps, more_spelled = count_phrases(phrases)
    uni.update(more_uni)
    bigrams.update(more_big)
    for k, v in more_caps.items():
        caps[k] = caps.get(k, 0) | v
    for f, w in more_spelled.items():
        spelling.setdefault(f, w)
    names = {form(n) for n in people if is_syllable(n)}
    for n in people:
        spelling.setdefault(form(n), n.lower())
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
    pairs: dict[tuple[str, str], list[Pair]] = {}
    for key, c in bigrams.items():
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
        names=frozenset(names),
        surnames=frozenset(form(n) for n in surnames if is_syllable(n)),
        headroom=headroom,
        acronyms=frozenset(data.get("acronyms", ())),
    )
