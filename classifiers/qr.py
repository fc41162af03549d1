"""The QR code of a chip citizen ID card: the card's data as exact text.

The front of a chip card (2021) carries a QR code, top right, whose text is::

    001092012345|123456789|Nguyễn Văn An|15031992|Nam|Số 12, Đồng Xuân, Hoàn Kiếm, Hà Nội|10082021
    ID            old ID    full name      birth     sex  place of residence                 issued

(the old 9-digit ID may be empty). A decoded QR code has passed its Reed-Solomon check, so its
values are not OCR guesses: a printed value that agrees with it is sure, one that disagrees is
replaced by it and flagged (a misread, or a card whose print and code differ: a clerk looks),
and one the print did not give is filled from it (the issue date and the old ID are not printed
on the front at all). A payload that is not a card's (a URL, a code of another layout), or
whose ID contradicts its own date of birth or sex, is ignored: nothing of it is taken.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from classifiers.catalogue import DocType
from classifiers.policy import MACHINE_CONFIRMED, MACHINE_DISAGREES, MACHINE_ONLY, rated, verified
from classifiers.review import FieldValue, Flag
from classifiers.validators import id_agrees
from classifiers.vntext import fold, tone_key
from digitize.models import PageResult

FIELDS = (
    ("id_number", "id_number"),
    ("old_id_number", "digits"),
    ("full_name", "name"),
    ("date_of_birth", "date"),
    ("sex", "sex"),
    ("place_of_residence", "address"),
    ("issue_date", "date"),
)
"""The card fields a code gives, with their kinds, in payload order."""


@dataclass(frozen=True)
class CardCode:
    """The values of a chip card's QR code (``None`` where the code leaves one out)."""

    id_number: str
    old_id_number: str | None
    full_name: str | None
    date_of_birth: str | None
    sex: str | None
    place_of_residence: str | None
    issue_date: str | None


def _text(part: str) -> str | None:
    clean = " ".join(unicodedata.normalize("NFC", part).split())
    return clean or None


def _ddmmyyyy(part: str) -> str | None:
    if not re.fullmatch(r"\d{8}", part.strip()):
        return None
    s = part.strip()
    try:
        return date(int(s[4:]), int(s[2:4]), int(s[:2])).isoformat()
    except ValueError:
        return None


def _sex(part: str) -> str | None:
    return {"nam": "Nam", "nu": "Nữ", "male": "Nam", "female": "Nữ"}.get(fold(part))


def parse_payload(text: str) -> CardCode | None:
    """The card values of a QR payload, or ``None`` when it is no chip card's code."""
    parts = text.strip().split("|")
    if len(parts) < 7:
        return None
    ident, old, name, born, sex, address, issued = (p.strip() for p in parts[:7])
    if not re.fullmatch(r"\d{12}", ident):
        return None
    dob, sex_value = _ddmmyyyy(born), _sex(sex)
    if id_agrees(ident, dob, sex_value) is False:
        return None  # a code that contradicts itself vouches for nothing
    name_value = _text(name)
    if name_value and re.search(r"[\d|<>@/\\]", name_value):
        name_value = None
    return CardCode(
        ident,
        old if re.fullmatch(r"\d{9}", old) else None,
        name_value,
        dob,
        sex_value,
        _text(address),
        _ddmmyyyy(issued),
    )


def read_code(pages: list[PageResult]) -> CardCode | None:
    """The first chip-card code decoded on the pages, if any."""
    for page in pages:
        for payload in getattr(page, "codes", ()) or ():
            code = parse_payload(payload)
            if code is not None:
                return code
    return None


def _key(name: str, value: str) -> str:
    """What must be equal for a printed value to agree with the code's: letters and marks
    (not case, tone placement, spacing or punctuation) for text, the value itself otherwise."""
    if name in ("full_name", "place_of_residence"):
        return re.sub(r"[^\w]", "", tone_key(value))
    return value


def _as_printed(name: str, value: str, printed: str | None) -> str:
    """The code's value in the card's own lettering: the card prints the name in capitals."""
    if name == "full_name" and (printed is None or printed.isupper()):
        return value.upper()
    return value


def confirm_with_code(
    found: dict[str, FieldValue], pages: list[PageResult], doc_type: DocType
) -> None:
    """Confirms, corrects or fills a card's fields from its decoded QR code.

    Only card types (those with a machine-readable zone) take values from a code: a QR code on
    an application form says nothing of the form's fields.
    """
    if not doc_type.mrz:
        return
    code = read_code(pages)
    if code is None:
        return
    for name, kind in FIELDS:
        value = getattr(code, name)
        if value is None:
            continue
        have = found.get(name)
        printed = have.value if have is not None else None
        shown = _as_printed(name, value, printed)
        if printed is None:
            found[name] = rated(shown, kind, (), base=MACHINE_ONLY, valid=True)
        elif _key(name, printed) == _key(name, value):
            confirmed = FieldValue(printed, have.confidence, frozenset(), have.words, True, kind)
            verified(confirmed, MACHINE_CONFIRMED)
            found[name] = confirmed
        else:
            found[name] = rated(
                shown, kind, (), flags=[Flag("qr_disagrees")], base=MACHINE_DISAGREES, valid=False
            )


__all__ = ["CardCode", "confirm_with_code", "parse_payload", "read_code"]
