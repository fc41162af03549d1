"""Checks across the fields of one document.

A 12-digit personal ID encodes the century and sex (4th digit) and the birth year (5th-6th):
when the ID, the date of birth and the sex read on the same page disagree, one of them is an
OCR error (or a forgery) and nothing tells which, so all of them go to a clerk. When they agree,
each reading confirms the others.
"""

from __future__ import annotations

from dataclasses import replace

from classifiers.fields import REVIEW_BELOW, FieldValue, confirm_date
from classifiers.mrz import MrzData
from classifiers.validators import id_agrees, sex_from_id
from classifiers.vntext import fold

AGREEMENT_BONUS = 0.1
"""Added to the confidence of an ID and date of birth that confirm each other."""


def cross_check(found: dict[str, FieldValue]) -> None:
    """Flags disagreeing ID / date of birth / sex; fills a missing sex from an agreeing ID."""
    ident = found.get("id_number")
    if ident is None or ident.value is None:
        return
    dob = found.get("date_of_birth")
    sex = found.get("sex")
    agrees = id_agrees(ident.value, dob.value if dob else None, sex.value if sex else None)
    if agrees is False:
        for fv in (ident, dob, sex):
            if fv is not None:
                fv.needs_review = True
                fv.confidence *= 0.5
        return
    if agrees and dob is not None:
        # The ID's century and birth-year digits, read apart from the date, vouch for it.
        confirm_date(dob)
        for fv in (ident, dob):
            fv.confidence = min(1.0, fv.confidence + AGREEMENT_BONUS)
            # Read independently, they confirm each other: a value that passed its own check
            # and is now sure enough no longer needs a clerk.
            if fv.valid and fv.confidence >= REVIEW_BELOW:
                fv.needs_review = False
        if sex is not None and sex.value in ("Nam", "Nữ") and not ident.needs_review:
            # The ID's sex digit, read independently, says the same: the reading is sound.
            sex.confidence = max(sex.confidence, min(ident.confidence, 0.9))
            sex.needs_review = False
    if sex is None and agrees and not ident.needs_review:
        inferred = sex_from_id(ident.value)
        if inferred:
            # Not read from the page: offered, but a clerk confirms it.
            found["sex"] = FieldValue(inferred, 0.6 * ident.confidence, True)


MRZ_CONFIRMED = 0.97
"""Confidence of a printed value that the check-digit-verified MRZ repeats exactly."""
MRZ_ONLY = 0.9
"""Confidence of a value read only from the MRZ (its check digit verified it)."""
MRZ_DISAGREES = 0.6
"""Confidence of the MRZ value that replaces a printed reading it contradicts (flagged)."""


def confirm_with_mrz(
    found: dict[str, FieldValue], mrz: MrzData | None, labelled: set[str] | None = None
) -> None:
    """Confirms, corrects or fills the card's fields from its verified machine-readable zone.

    Two independent readings that agree are sure; when they disagree the printed one is the
    likelier misread (a misread MRZ digit fails its check), but the disagreement itself is
    something a clerk must see (it is also what a forged card looks like). A value the MRZ
    alone gives for a field the card prints no label of (the expiry of a 2024 card, printed
    on a side not scanned, or not at all) is offered flagged: nothing on the page shows the
    clerk what it should be, and it may not belong in the record. The name in the MRZ
    has no diacritics: it can only confirm the printed name's letters, so a name whose letters
    differ from it is flagged, never replaced.
    """
    if mrz is None:
        return
    for name in ("id_number", "date_of_birth", "sex", "expiry_date"):
        verified = getattr(mrz, name)
        if verified is None:
            continue
        fv = found.get(name)
        if fv is None or fv.value is None:
            printed = labelled is None or name in labelled
            found[name] = FieldValue(verified, MRZ_ONLY, not printed)
        elif fv.value == verified:
            fv.confidence = max(fv.confidence, MRZ_CONFIRMED)
            fv.needs_review = False
        else:
            found[name] = FieldValue(verified, MRZ_DISAGREES, True, valid=False)
    person = found.get("full_name")
    if (
        person is not None
        and person.value
        and mrz.folded_name
        and fold(person.value).upper() != mrz.folded_name
    ):
        person.needs_review = True
        person.confidence *= 0.5


IMPLIED_SURE = 0.9
"""Type confidence from which a value the type implies is handed over unflagged."""


def fill_implied(found: dict[str, FieldValue], name: str, value: str, type_conf: float) -> None:
    """Give ``name`` the value the document type fixes where the page's reading of it is
    missing or flagged; it is as sure as the type. A reading that disagrees is flagged: a
    sure one is kept, a doubtful one gives way to the implied value."""
    have = found.get(name)
    disagrees = have is not None and have.value != value
    if have is not None and not have.needs_review:
        if disagrees:
            found[name] = replace(have, needs_review=True)
        return
    review = type_conf < IMPLIED_SURE or disagrees
    found[name] = FieldValue(value, type_conf, review, valid=False)


def check_letter_notation(number: FieldValue | None) -> None:
    """An official letter's notation names its organ and the unit that drafted it
    ("2617/BNV-TCBC", Decree 30); one without the unit lost it."""
    if number is not None and number.value and "-" not in number.value.split("/", 1)[-1]:
        from classifiers.policy import flag

        flag(number, "notation_without_unit")  # the Decree 30 readers rate with the policy
