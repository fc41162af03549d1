"""The machine-readable zone (MRZ) on the back of a chip citizen ID card (ICAO 9303, TD1).

A card scanned front and back on one page carries most of its fields twice: printed on the
front in a small Vietnamese font, and on the back in the OCR-B MRZ, three lines of 30
characters whose numbers carry check digits::

    IDVNM0920123453001092012345<<<     type, issuer, document number (the ID's last 9 digits),
                                       its check digit, then the full 12-digit ID
    9203154M3203157VNM<<<<<<<<<<<6     birth date YYMMDD + check, sex, expiry + check,
                                       nationality, composite check over both lines
    NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<     name without diacritics

A single misread digit always breaks its check digit, so a value that passes is an
independent, verified second reading: when it agrees with the printed one the value is sure,
when they disagree one of them is misread (or the card is forged) and a clerk looks, and when
the front was not read at all the MRZ fills the gap. Nothing here trusts an MRZ value whose
check fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from classifiers.lines import Line
from digitize import icao
from digitize.icao import check_digit


@dataclass(frozen=True)
class MrzData:
    """Values of a TD1 MRZ whose check digits verified (``None`` when not verified)."""

    id_number: str | None
    date_of_birth: str | None
    sex: str | None
    expiry_date: str | None
    folded_name: str | None
    """Surname and given names, upper-case ASCII, single spaces (no diacritics)."""
    issuer: str | None = None
    """The issuing state's code of a zone whose first row verified ("VNM")."""


def candidate_lines(lines: list[Line]) -> list[str]:
    """The MRZ rows of the page, top to bottom: long runs of capitals, digits and '<'."""
    rows = []
    for ln in sorted(lines, key=lambda x: (x.page, x.top)):
        raw = re.sub(r"\s+", "", ln.text)
        s = icao.clean(ln.text)
        if 24 <= len(s) <= 34 and "<" in s and len(s) >= 0.9 * len(raw):
            rows.append(s)
    return rows


def _yymmdd(text: str, century: int) -> str | None:
    try:
        return date(century + int(text[:2]), int(text[2:4]), int(text[4:6])).isoformat()
    except ValueError:
        return None


def _birth_century(id_number: str | None, yy: str) -> int:
    """The century a YYMMDD birth date belongs to: the ID's 4th digit says, else the date."""
    if id_number and len(id_number) == 12 and id_number[3] in "012345":
        return 1900 + 100 * (int(id_number[3]) // 2)
    return 1900 if int(yy) > date.today().year % 100 else 2000


def _dates_verify(row: str) -> bool:
    """Whether ``row`` reads as a second TD1 row: birth date and expiry (or the filler of a
    card without one) with their checks."""
    born = icao.digits(row[0:6])
    return (
        len(row) >= 15
        and born.isdigit()
        and icao.date_verifies(born, row[6])
        and icao.date_verifies(row[8:14], row[14])
    )


def _aligned(row: str) -> str:
    """A row longer than 30 characters (a speck of the card's edge read as a character) cut
    to the 30 whose check digits verify, when some do. A second row whose first digit was
    lost at the card's edge ("ö307266F4..." read for "8307266F4...": the sex stands where the
    check digit should) gets back the one digit that makes the birth date's check verify (its
    weight, 7, is prime to 10: exactly one does), when the expiry's verifies too."""
    if 28 <= len(row) <= 30 and row[6:7] in ("M", "F") and row[7:8].isdigit():
        found = [d + row for d in "0123456789" if _dates_verify(d + row)]
        if len(found) == 1:
            fixed = found[0]
            if len(fixed) > 30 and "<<" in fixed[18:]:  # the filler read one '<' too long
                at = fixed.index("<<", 18)
                fixed = fixed[:at] + fixed[at + 1 :]
            return fixed[:30].ljust(30, "<")
    for k in range(len(row) - 29):
        window = row[k : k + 30]
        doc = icao.digits(window[5:14])
        if window.startswith(("I", "1")) and doc.isdigit() and check_digit(doc) == window[14:15]:
            return window
        if _dates_verify(window):
            return window
    return row


def _second_row_alone(rows: list[str]) -> MrzData | None:
    """Dates and sex of a zone whose first row was lost (a fold, a glare): the second row's
    own check digits still verify each date."""
    for i, row in enumerate(rows):
        if not _dates_verify(row):
            continue
        born, expiry = icao.digits(row[0:6]), icao.digits(row[8:14])
        dob, expiry_iso = _yymmdd(born, _birth_century(None, born[:2])), _yymmdd(expiry, 2000)
        sex = {"M": "Nam", "F": "Nữ"}.get(row[7])
        return MrzData(None, dob, sex, expiry_iso, _name(rows, i + 1))
    return None


def _name(rows: list[str], i: int) -> str | None:
    if i < len(rows) and "<<" in rows[i]:
        parts = [p for p in re.split(r"<+", rows[i]) if p]
        if parts and all(p.isalpha() for p in parts):
            return " ".join(parts)
    return None


def _issuer(code: str) -> str:
    """The issuing state's code as read, or "VNM" for a code one letter off it ("IDWNM...":
    OCR-B's V read as W): no state's code lies one letter from Viet Nam's."""
    return "VNM" if sum(a != b for a, b in zip(code, "VNM", strict=True)) <= 1 else code


def parse_td1(rows: list[str]) -> MrzData | None:
    """The verified values of the first TD1 zone (three rows, the first starting "I"); when
    no first row reads, the dates of a second row alone."""
    rows = [_aligned(r) for r in rows]
    for i in range(len(rows) - 1):
        first, second = rows[i], rows[i + 1]
        if not first.startswith(("I", "1")) or len(first) < 28:
            continue
        first = first[:30].ljust(30, "<")
        second = second[:30].ljust(30, "<")
        checks = icao.td1_checks(first, second)
        doc = icao.digits(first[5:14])
        born, expiry = icao.digits(second[0:6]), icao.digits(second[8:14])
        id_number = None
        full = re.match(r"\d{12}", icao.digits(first[15:30].replace("<", " ")))
        if checks.document and checks.composite and full and full.group(0).endswith(doc):
            id_number = full.group(0)
        born_ok = checks.birth and born.isdigit()
        dob = _yymmdd(born, _birth_century(id_number, born[:2])) if born_ok else None
        # A card issued after its holder turned 60 has no expiry: filler, verified as empty.
        expiry_iso = _yymmdd(expiry, 2000) if checks.expiry and expiry.isdigit() else None
        sex = {"M": "Nam", "F": "Nữ"}.get(second[7]) if (born_ok and checks.expiry) else None
        name = _name(rows, i + 2)
        if not (id_number or dob or expiry_iso):
            continue
        issuer = _issuer(first[2:5]) if checks.document and first[2:5].isalpha() else None
        return MrzData(id_number, dob, sex, expiry_iso, name, issuer)
    return _second_row_alone(rows)


def read_mrz(lines: list[Line]) -> MrzData | None:
    """The verified MRZ values of a card page, or ``None`` when no zone reads cleanly."""
    return parse_td1(candidate_lines(lines))
