"""The characters and check digits of an ICAO 9303 TD1 machine-readable zone (MRZ).

Shared by the reading stage, which reads a card's zone a second time when its first reading
breaks the check digits (:mod:`digitize.mrzzone`), and the classifiers, which take values
from the zone only where the checks verify (:mod:`classifiers.mrz`). Pure functions, no
imports of the pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
"""Every character an MRZ can hold."""

ROW = 30
"""Characters in each of the three rows of a TD1 zone (ID cards)."""

_WEIGHTS = (7, 3, 1)
_TO_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2"})
_TO_DIGIT.update(str.maketrans({"S": "5", "B": "8", "G": "6", "T": "7"}))
_FILLER = re.compile(r"[<«‹(\[{]|[Kk](?=[<«K]{2})")
"""What OCR makes of the filler '<' (guillemets, brackets, a run of K)."""

NO_DATE = "<<<<<<"
"""A date field left empty: a card without an expiry date (its holder was over 60 when it was
issued) prints filler, whose check digit is 0."""


def check_digit(text: str) -> str:
    """ICAO 9303 check digit: digits count as themselves, A-Z as 10-35, '<' as 0."""
    total = 0
    for i, c in enumerate(text):
        if c.isdigit():
            v = int(c)
        elif "A" <= c <= "Z":
            v = ord(c) - 55
        else:
            v = 0
        total += v * _WEIGHTS[i % 3]
    return str(total % 10)


def clean(text: str) -> str:
    """An OCR line as MRZ characters: spaces dropped, filler look-alikes read as '<'."""
    s = re.sub(r"\s+", "", text).upper()
    s = _FILLER.sub("<", s)
    return re.sub(r"[^A-Z0-9<]", "", s)


def digits(text: str) -> str:
    """A numeric field with OCR's letter look-alikes of digits read as digits."""
    return text.translate(_TO_DIGIT)


def date_verifies(field: str, check: str) -> bool:
    """Whether a YYMMDD field and its check digit agree (an empty field too, see NO_DATE)."""
    if field == NO_DATE:
        return check in ("0", "<")
    field = digits(field)
    return len(field) == 6 and field.isdigit() and check_digit(field) == digits(check)


@dataclass(frozen=True)
class Checks:
    """Which check digits of a TD1 zone's first two rows verify."""

    document: bool
    birth: bool
    expiry: bool
    composite: bool
    """The last digit of the second row, over the first row after the issuer and both dates."""

    @property
    def passed(self) -> int:
        return self.document + self.birth + self.expiry + self.composite


def td1_checks(first: str, second: str) -> Checks:
    """The check digits of a zone's first two rows (as :func:`clean` gives them, padded or cut
    to :data:`ROW`)."""
    first, second = first[:ROW].ljust(ROW, "<"), second[:ROW].ljust(ROW, "<")
    doc = digits(first[5:14])
    covered = digits(first[5:30]) + digits(second[0:7]) + digits(second[8:15]) + second[18:29]
    return Checks(
        document=doc.isdigit() and check_digit(doc) == digits(first[14]),
        birth=date_verifies(second[0:6], second[6]),
        expiry=date_verifies(second[8:14], second[14]),
        composite=check_digit(covered) == digits(second[29]),
    )


def checks_passed(rows: list[str]) -> int:
    """How many check digits of a three-row TD1 zone verify (document number, birth date,
    expiry, composite: 0 to 4), with ``rows`` as :func:`clean` gives them. A misread
    character breaks at least one: the count compares two readings of one zone."""
    return td1_checks(rows[0], rows[1]).passed if len(rows) >= 2 else 0
