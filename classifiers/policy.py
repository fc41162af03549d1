"""The one confidence policy: how a value's words, checks and cross-checks make its confidence,
and where a clerk is asked to look.

A value's confidence starts from the OCR confidence of its words (the least sure word
decides: one misread word makes the whole value wrong), with words another source confirmed
(the list of places, the administrative phrases) no longer counting. Well-formed dates and the
two words of ``sex`` start higher (Tesseract doubts them far more than it misreads them). A
failed check lowers it once (``FAILED_CHECK_FACTOR``), a contradicting reading lowers it again
(``DISAGREEMENT_FACTOR``); another independent reading that agrees raises it
(``AGREEMENT_BONUS``) or, when it is machine-verified (the MRZ's or a QR code's check digits),
sets it (``MACHINE_CONFIRMED``). ``needs_review`` is true exactly when the value has a reason:
any flag, or ``ocr_unsure`` when the words were read less sure than the kind's threshold
(``REVIEW_BELOW``, ``REVIEW_BELOW_LONG`` for long free text). No other module multiplies by a
factor or compares with a threshold: readers call :func:`rate` / :func:`rated`, and later
findings go through :func:`flag`, :func:`rerate` and :func:`verified`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from classifiers.review import Effect, FieldValue, Flag
from classifiers.vntext import tone_key
from digitize.models import Word

REVIEW_BELOW = 0.85
"""Confidence under which a clerk is asked to check the value (``ocr_unsure``)."""
REVIEW_BELOW_LONG = 0.9
"""The same for long free text (addresses, organ and company names, subjects), where one
misread word hides among many."""
LONG_TEXT_KINDS = frozenset({"address", "text", "organ", "company"})
"""Field kinds rated against ``REVIEW_BELOW_LONG``."""

FAILED_CHECK_FACTOR = 0.5
"""Multiplies the confidence of a value with a failed check (once, however many failed)."""
DISAGREEMENT_FACTOR = 0.5
"""Multiplies the confidence of each value another reading contradicts (ID against date of
birth or sex, the MRZ's name against the printed one)."""
AGREEMENT_BONUS = 0.1
"""Added to the confidence of two values read apart that confirm each other (the ID's
birth-year digits and the date of birth)."""
LABEL_SLACK = 0.1
"""A label read at similarity ``s`` caps its value's confidence at ``s + LABEL_SLACK``: a
half-read label may be another field's."""

CONFIRMED = 0.97
"""Confidence of a value every word of which a lexicon or the list of places confirmed."""
MACHINE_CONFIRMED = 0.97
"""Confidence of a printed value that a machine-readable code (the MRZ of a chip ID card, a
QR code), verified by its check digits, repeats exactly."""
MACHINE_ONLY = 0.9
"""Confidence of a value read only from a verified machine-readable code."""
MACHINE_DISAGREES = 0.6
"""Confidence of the machine-readable code's value that replaces a printed reading it
contradicts (always flagged)."""
ID_CONFIRMED_SEX = 0.9
"""The most an ID's sex digit lends the sex it confirms."""
INFERRED_FACTOR = 0.6
"""A value inferred from another field (the sex from the ID) has this share of its source's
confidence."""
IMPLIED_SURE = 0.9
"""Type confidence from which a value the type implies is handed over unflagged."""
UNLABELLED_FACTOR = 0.8
"""A value found without its label (the lone ID of a card) has this share of its word's."""

DATE_FLOOR = 0.4
"""Confidence floor of a well-formed date that another reading confirms.

Tesseract is unsure of most printed dates ("29/12/1994" at 0.8) that are right: measured on
the tuning pages, nearly every date that parsed as a real, zero-padded dd/mm/yyyy was right
whatever its confidence. Nearly is not always: a digit misread into another valid date
("1994" read "1984") parses just as well. So the generous floor only applies when something
else on the page vouches for the date (the personal ID's century and birth-year digits); such
a date's confidence is ``DATE_FLOOR + (1 - DATE_FLOOR) * OCR``."""
DATE_FLOOR_ALONE = 0.2
"""The floor of a well-formed date nothing else confirms: enough that a date read at 0.82 or
better is not sent to a clerk, while a doubtful reading is."""
SEX_FLOOR = 0.7
"""Confidence floor of a sex read exactly as one of its two words: "Nam" and "Nữ" share no
letter, and Tesseract's doubt is about the marks of "Nữ"."""


@dataclass(frozen=True)
class Rating:
    """A value's confidence, whether a clerk should look, and why."""

    confidence: float
    needs_review: bool
    reasons: frozenset[str]


def review_limit(kind: str) -> float:
    """The confidence under which a value of ``kind`` goes to a clerk."""
    return REVIEW_BELOW_LONG if kind in LONG_TEXT_KINDS else REVIEW_BELOW


def word_keys(text: str) -> list[str]:
    """Per-word keys that keep letters and marks (not case, tone placement or punctuation)."""
    return tone_key(re.sub(r"[^\w\s]", " ", text)).split()


def _confirmed(word: Word, certain: Iterable[str]) -> bool:
    keys = word_keys(word.text)
    return bool(keys) and all(k in certain for k in keys)


def word_confidence(words: Iterable[Word], certain: Iterable[str] = frozenset()) -> float:
    """The least sure word decides (70% the minimum, 30% the mean).

    Words in ``certain`` (tone keys confirmed by the list of places or a lexicon) no longer
    count: Tesseract's doubt about them was resolved.
    """
    words = list(words)
    if not words:
        return 0.0
    certain = frozenset(certain)
    doubtful = [w for w in words if not _confirmed(w, certain)]
    if not doubtful:
        return CONFIRMED
    low = min(w.conf for w in doubtful)
    mean = sum(w.conf for w in doubtful) / len(doubtful)
    return 0.7 * low + 0.3 * mean


def date_confidence(words: Iterable[Word], confirmed: bool = False) -> float:
    """The confidence of a well-formed date from its digit words (see ``DATE_FLOOR``)."""
    words = list(words)
    digits = [w for w in words if re.search(r"\d", w.text)] or words
    floor = DATE_FLOOR if confirmed else DATE_FLOOR_ALONE
    return floor + (1.0 - floor) * word_confidence(digits)


def _factor(flags: Iterable[Flag]) -> float:
    effects = [f.effect for f in flags]
    out = FAILED_CHECK_FACTOR if Effect.FAILED in effects else 1.0
    return out * DISAGREEMENT_FACTOR ** effects.count(Effect.DISAGREES)


def rate(
    kind: str,
    words: Iterable[Word],
    certain: Iterable[str] = frozenset(),
    flags: Iterable[Flag] = (),
    *,
    label: float = 1.0,
    base: float | None = None,
) -> Rating:
    """Rates a value of ``kind`` read from ``words`` with the findings ``flags``.

    ``label`` is how well the value's label was read (similarity, 1 when it has none);
    ``base`` replaces the words' confidence for a value not read from them (an MRZ value, one
    the type implies): such a value gets no ``ocr_unsure``, its flags say where it came from.
    """
    flags = list(flags)
    reasons = {f.code for f in flags}
    if base is None:
        words = list(words)
        failed = any(f.effect is Effect.FAILED for f in flags)
        read = word_confidence(words, certain)
        if kind == "date" and not failed:
            read = date_confidence(words)
        elif kind == "sex" and not failed:
            read = SEX_FLOOR + (1.0 - SEX_FLOOR) * read
        read *= min(1.0, label + LABEL_SLACK)
        if read < review_limit(kind):
            reasons.add("ocr_unsure")
    else:
        read = base
    confidence = read * _factor(flags)
    return Rating(confidence, bool(reasons), frozenset(reasons))


def rated(
    value: str | None,
    kind: str,
    words: Iterable[Word],
    certain: Iterable[str] = frozenset(),
    flags: Iterable[Flag] = (),
    *,
    label: float = 1.0,
    base: float | None = None,
    valid: bool | None = None,
) -> FieldValue:
    """The field value of ``value`` rated by :func:`rate`; ``valid`` defaults to "no check
    failed and it was read from its words"."""
    flags = list(flags)
    words = tuple(words)
    r = rate(kind, words, certain, flags, label=label, base=base)
    if valid is None:
        valid = base is None and not any(f.effect is Effect.FAILED for f in flags)
    return FieldValue(value, r.confidence, r.reasons, words, valid, kind)


def flag(fv: FieldValue, code: str) -> None:
    """Adds a later finding to a rated value, with its effect on the confidence (a failed
    check lowers a value that had none failed; each disagreement lowers it)."""
    new = Flag(code)
    if code in fv.reasons:
        return
    had_failed = any(Flag(c).effect is Effect.FAILED for c in fv.reasons)
    if new.effect is Effect.FAILED and not had_failed:
        fv.confidence *= FAILED_CHECK_FACTOR
        fv.valid = False
    elif new.effect is Effect.DISAGREES:
        fv.confidence *= DISAGREEMENT_FACTOR
    fv.reasons = fv.reasons | {code}


def rerate(fv: FieldValue, confidence: float) -> None:
    """Gives ``fv`` a new confidence from its own reading (another reading vouches for some of
    its words, or for the kind of value it is); ``ocr_unsure`` follows the new confidence."""
    fv.confidence = min(1.0, confidence)
    read = fv.confidence / _factor(Flag(c) for c in fv.reasons)
    if read >= review_limit(fv.kind):
        fv.reasons = fv.reasons - {"ocr_unsure"}
    elif fv.words:
        fv.reasons = fv.reasons | {"ocr_unsure"}


def reread(fv: FieldValue, words: Iterable[Word]) -> None:
    """Rates ``fv`` on ``words`` only, the part of its words that another reading does not
    already explain (a notation that is the issuer's initials), when that makes it surer; the
    effects of its reasons still count."""
    confidence = word_confidence(words) * _factor(Flag(c) for c in fv.reasons)
    if confidence > fv.confidence:
        rerate(fv, confidence)


def confirm_date(fv: FieldValue) -> None:
    """Re-rates a read date that another reading on the page vouches for (``DATE_FLOOR``).

    The confidence is scaled rather than recomputed, so whatever else lowered it (a label read
    unsure) still counts. A date that failed a check or was not read from words is left.
    """
    if not fv.valid or not fv.words:
        return
    alone = date_confidence(fv.words)
    if alone > 0:
        rerate(fv, fv.confidence * date_confidence(fv.words, True) / alone)


def agreed(fv: FieldValue) -> None:
    """``fv`` and a value read apart confirm each other (``AGREEMENT_BONUS``)."""
    rerate(fv, fv.confidence + AGREEMENT_BONUS)


def implied(value: str, kind: str, type_confidence: float, disagrees: bool) -> FieldValue:
    """A value the document type fixes, given in place of a missing or doubtful reading: as
    sure as the type, flagged while the type is not sure enough (``IMPLIED_SURE``) or when
    the page's reading said otherwise."""
    flags = [Flag("implied_by_type")] if type_confidence < IMPLIED_SURE else []
    flags += [Flag("implied_disagrees")] if disagrees else []
    return rated(value, kind, (), flags=flags, base=type_confidence, valid=False)


def verified(fv: FieldValue, confidence: float) -> None:
    """Another reading that cannot be a misread (a machine-readable code's verified value,
    the ID's sex digit) repeats ``fv`` exactly: nothing is left for a clerk to settle."""
    fv.confidence = max(fv.confidence, confidence)
    fv.reasons = frozenset()


__all__ = [
    "CONFIRMED",
    "FAILED_CHECK_FACTOR",
    "MACHINE_CONFIRMED",
    "MACHINE_DISAGREES",
    "MACHINE_ONLY",
    "REVIEW_BELOW",
    "REVIEW_BELOW_LONG",
    "Rating",
    "agreed",
    "confirm_date",
    "date_confidence",
    "flag",
    "implied",
    "rate",
    "rated",
    "reread",
    "rerate",
    "review_limit",
    "verified",
    "word_confidence",
]
