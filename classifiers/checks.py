"""Checks across the fields of one document.

A 12-digit personal ID encodes the century and sex (4th digit) and the birth year (5th-6th):
when the ID, the date of birth and the sex read on the same page disagree, one of them is an
OCR error (or a forgery) and nothing tells which, so all of them go to a clerk. When they agree,
each reading confirms the others. A machine-readable code (the MRZ of a chip ID card) verified
by its check digits confirms, corrects or fills the printed values. How much each finding
weighs is the policy's (``classifiers.policy``); here is only what was found.
"""

from __future__ import annotations

from classifiers.mrz import MrzData
from classifiers.policy import (
    ID_CONFIRMED_SEX,
    INFERRED_FACTOR,
    MACHINE_CONFIRMED,
    MACHINE_DISAGREES,
    MACHINE_ONLY,
    agreed,
    confirm_date,
    flag,
    implied,
    rated,
    verified,
)
from classifiers.review import FieldValue, Flag
from classifiers.validators import id_disagreement, sex_from_id
from classifiers.vntext import fold

PEOPLE = (
    ("id_number", "date_of_birth", "sex", ""),
    ("husband_id_number", "husband_date_of_birth", "", "Nam"),
    ("wife_id_number", "wife_date_of_birth", "", "Nữ"),
)
"""Each person a document describes: the fields of their ID, date of birth and sex ("" for
none), and the sex the role itself says (a husband's, a wife's), which their ID's sex digit
must agree with."""


def cross_check(found: dict[str, FieldValue]) -> None:
    """Flags disagreeing ID / date of birth / sex of each person of the document; fills the
    holder's missing sex from an agreeing ID."""
    for id_field, dob_field, sex_field, role_sex in PEOPLE:
        _cross_check(found, id_field, dob_field, sex_field, role_sex)


def _cross_check(
    found: dict[str, FieldValue], id_field: str, dob_field: str, sex_field: str, role_sex: str
) -> None:
    ident = found.get(id_field)
    if ident is None or ident.value is None:
        return
    dob = found.get(dob_field)
    sex = found.get(sex_field) if sex_field else None
    said = sex.value if sex else (role_sex or None)
    code = id_disagreement(ident.value, dob.value if dob else None, said)
    if code:
        for fv in (ident, dob, sex):
            if fv is not None:
                flag(fv, code)
        return
    agrees = code is None
    if agrees and dob is not None:
        # The ID's century and birth-year digits, read apart from the date, vouch for it.
        confirm_date(dob)
        agreed(ident)
        agreed(dob)
        if sex is not None and sex.value in ("Nam", "Nữ") and not ident.needs_review:
            # The ID's sex digit, read independently, says the same: the reading is sound.
            verified(sex, min(ident.confidence, ID_CONFIRMED_SEX))
    if sex_field and sex is None and agrees and not ident.needs_review:
        inferred = sex_from_id(ident.value)
        if inferred:
            # Not read from the page: offered, but a clerk confirms it.
            found[sex_field] = rated(
                inferred,
                "sex",
                (),
                flags=[Flag("sex_inferred_from_id")],
                base=INFERRED_FACTOR * ident.confidence,
            )


MRZ_KINDS = {"id_number": "id_number", "date_of_birth": "date", "sex": "sex", "expiry_date": "date"}
"""The fields a TD1 machine-readable zone carries, with their kinds."""


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
    for name, kind in MRZ_KINDS.items():
        machine = getattr(mrz, name)
        if machine is None:
            continue
        fv = found.get(name)
        if fv is None or fv.value is None:
            printed = labelled is None or name in labelled
            flags = [] if printed else [Flag("mrz_only")]
            found[name] = rated(machine, kind, (), flags=flags, base=MACHINE_ONLY, valid=True)
        elif fv.value == machine:
            verified(fv, MACHINE_CONFIRMED)
        else:
            flags = [Flag("mrz_disagrees")]
            found[name] = rated(machine, kind, (), flags=flags, base=MACHINE_DISAGREES)
    person = found.get("full_name")
    if (
        person is not None
        and person.value
        and mrz.folded_name
        and fold(person.value).upper() != mrz.folded_name
    ):
        flag(person, "mrz_name_mismatch")


def fill_implied(found: dict[str, FieldValue], name: str, value: str, type_conf: float) -> None:
    """Give ``name`` the value the document type fixes where the page's reading of it is
    missing or flagged; it is as sure as the type. A reading that disagrees is flagged: a
    sure one is kept, a doubtful one gives way to the implied value."""
    have = found.get(name)
    disagrees = have is not None and have.value != value
    if have is not None and not have.needs_review:
        if disagrees:
            flag(have, "implied_disagrees")
        return
    found[name] = implied(value, have.kind if have else "text", type_conf, disagrees)


def check_letter_notation(number: FieldValue | None) -> None:
    """An official letter's notation names its organ and the unit that drafted it
    ("2617/BNV-TCBC", Decree 30); one without the unit lost it."""
    if number is not None and number.value and "-" not in number.value.split("/", 1)[-1]:
        flag(number, "notation_without_unit")


VALIDITY_YEARS = {
    # A chip ID card expires on the holder's 25th, 40th or 60th birthday (Law on
    # Identification 2023, as the Law on Citizen Identification 2014 before it).
    "citizen_id": ("date_of_birth", (25, 40, 60)),
    # A driving licence of a class that expires runs 5 or 10 years from its issue, to the day
    # (Law on Road Traffic 2008; Law on Road Traffic Order and Safety 2024).
    "driving_license": ("issue_date", (5, 10)),
}
"""Per document type: the date its expiry is counted from, and the spans the law allows."""


def check_validity(found: dict[str, FieldValue], doc_type: str) -> None:
    """Flags an expiry date on the day and month of the date it is counted from but some
    other number of years after it: a digit of one of the two was misread ("2032-09-26" for a
    licence issued on 2023-09-26)."""
    rule = VALIDITY_YEARS.get(doc_type)
    expiry = found.get("expiry_date")
    if rule is None or expiry is None or not expiry.value:
        return
    start = found.get(rule[0])
    if start is None or not start.value:
        return
    try:
        (y0, m0, d0), (y1, m1, d1) = (
            tuple(map(int, v.split("-"))) for v in (start.value, expiry.value)
        )
    except ValueError:
        return
    if (m0, d0) == (m1, d1) and y1 - y0 not in rule[1]:
        for fv in (start, expiry):
            flag(fv, "expiry_years_odd")
