"""Checks across the fields of one document.

A 12-digit personal ID encodes the century and sex (4th digit) and the birth year (5th-6th):
when the ID, the date of birth and the sex read on the same page disagree, one of them is an
OCR error (or a forgery) and nothing tells which, so all of them go to a clerk. When they agree,
each reading confirms the others.
"""

from __future__ import annotations

from classifiers.fields import FieldValue
from classifiers.validators import id_agrees, sex_from_id

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
        for fv in (ident, dob):
            fv.confidence = min(1.0, fv.confidence + AGREEMENT_BONUS)
        if sex is not None and sex.value in ("Nam", "Nữ") and not ident.needs_review:
            # The ID's sex digit, read independently, says the same: the reading is sound.
            sex.confidence = max(sex.confidence, min(ident.confidence, 0.9))
            sex.needs_review = False
    if sex is None and agrees and not ident.needs_review:
        inferred = sex_from_id(ident.value)
        if inferred:
            # Not read from the page: offered, but a clerk confirms it.
            found["sex"] = FieldValue(inferred, 0.6 * ident.confidence, True)
