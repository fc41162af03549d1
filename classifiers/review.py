"""Why a field value goes to a clerk: flags with stable codes, and the value that carries them.

A clerk who only sees ``needs_review: true`` cannot tell what to look at. So every way a value
can end flagged has a code (``classifiers/lists/reasons.yaml``: the code, its effect on the
confidence, and one sentence for the clerk in Vietnamese and English), and a value's
``needs_review`` is nothing but "it has at least one reason". Codes are stable: records and
dossier systems keep them, and the benchmarks count how often each one caught a wrong value.

A check is a small function of a value and its :class:`Reading` (the text as read, its words,
what the catalogue says of the field) that returns nothing or a :class:`Flag`; the checks of
each field kind are listed in one table, ``classifiers.rules.CHECKS``. A reader never sets a
flag or a confidence by hand: it collects flags and lets the policy rate the value::

    from classifiers.policy import flag, rated
    from classifiers.review import Flag

    flags = [Flag("subject_colon")] if ":" in value[len("Về việc") :] else []
    fv = rated(value, "text", words, certain=certain, flags=flags)
    if off_centre:
        flag(fv, "signer_off_centre")   # a later finding about a value already rated

``rated`` turns words, flags and the field kind into the confidence and the reasons (adding
``ocr_unsure`` when the words themselves were read unsure); see ``classifiers.policy``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import yaml

from digitize.models import Word

REASONS_PATH = Path(__file__).with_name("lists") / "reasons.yaml"


class Effect(StrEnum):
    """What a reason does to the value's confidence (the factors are in ``policy``)."""

    FAILED = "failed"
    """The value breaks a rule of its kind, or had to be put right to pass it."""
    DOUBT = "doubt"
    """Something a clerk can settle is in doubt; the confidence is kept."""
    DISAGREES = "disagrees"
    """Another reading on the page contradicts the value."""


@dataclass(frozen=True)
class Reason:
    """One registered review reason: its code, effect and the clerk's sentence."""

    code: str
    effect: Effect
    en: str
    vi: str


@lru_cache(maxsize=1)
def reasons() -> dict[str, Reason]:
    """Every registered reason by code, read once from ``reasons.yaml``."""
    data = yaml.safe_load(REASONS_PATH.read_text(encoding="utf-8")) or {}
    return {
        code: Reason(code, Effect(entry["effect"]), str(entry["en"]), str(entry["vi"]))
        for code, entry in data.items()
    }


@dataclass(frozen=True)
class Flag:
    """A finding about one value: the code of a registered reason.

    An unknown code fails at once (a typo would otherwise put a reason into records that no
    clerk's table explains).
    """

    code: str

    def __post_init__(self) -> None:
        if self.code not in reasons():
            raise KeyError(f"unknown review reason {self.code!r}: add it to {REASONS_PATH.name}")

    @property
    def effect(self) -> Effect:
        return reasons()[self.code].effect


@dataclass(frozen=True)
class Reading:
    """What a check sees besides the normalized value."""

    raw: str
    """The text as read after the label, before normalizing."""
    words: tuple[Word, ...] = ()
    length: int = 0
    """The number of characters the catalogue says the value always has, or 0."""
    printed: str = ""
    """The value as printed text (clean, single-spaced) before its kind's own repairs: what
    the checks of printed text look at."""


Check = Callable[[str, Reading], Flag | None]
"""A check: ``None`` when the value passes, else the flag saying which rule it breaks."""


@dataclass
class FieldValue:
    """A field's value with its confidence and the reasons a clerk should look at it."""

    value: str | None
    confidence: float
    reasons: frozenset[str] = frozenset()
    """Codes of registered reasons; none means the value goes through unchecked."""
    words: tuple[Word, ...] = field(default=(), repr=False, compare=False)
    """The words the value was read from (for checks; not part of the record)."""
    valid: bool = True
    """The value passed its checks and was read, not guessed (cross-checks may then clear
    its doubt when another reading confirms it)."""
    kind: str = "text"
    """The field kind (catalogue ``kind``): the policy's review threshold depends on it."""

    def __post_init__(self) -> None:
        if isinstance(self.reasons, bool):
            raise TypeError("FieldValue takes the codes of its review reasons, not a yes/no")
        self.reasons = frozenset(self.reasons)

    @property
    def needs_review(self) -> bool:
        """Whether a clerk should look: exactly when there is a reason to."""
        return bool(self.reasons)

    def to_dict(self) -> dict[str, object]:
        """The record's field object; every reason must be a registered one."""
        unknown = self.reasons - reasons().keys()
        if unknown:
            raise ValueError(f"field value with unregistered review reasons {sorted(unknown)}")
        return {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "needs_review": self.needs_review,
            "review_reasons": sorted(self.reasons),
        }


__all__ = ["Check", "Effect", "FieldValue", "Flag", "Reading", "Reason", "reasons"]
