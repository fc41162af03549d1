"""Normalizers and validators for field values, per the contract's formats.

Each normalizer takes the text printed after a label and returns ``(value, ok)``: the value in
the contract's form (ISO dates, digit strings, ``Nam``/``Nữ``) and whether it passed its check.
A value that fails is still returned, so a clerk sees what was read, but it is flagged.
"""

from __future__ import annotations

import re
from datetime import date

from classifiers.vntext import fold
from digitize.text import clean_line

# Characters OCR confuses with digits inside number fields.
_DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "g": "9",
        "q": "9",
    }
)

_DATE_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")

PROVINCE_CODES = frozenset(
    f"{n:03d}"
    for n in (
        1,
        2,
        4,
        6,
        8,
        10,
        11,
        12,
        14,
        15,
        17,
        19,
        20,
        22,
        24,
        25,
        26,
        27,
        30,
        31,
        33,
        34,
        35,
        36,
        37,
        38,
        40,
        42,
        44,
        45,
        46,
        48,
        49,
        51,
        52,
        54,
        56,
        58,
        60,
        62,
        64,
        66,
        67,
        68,
        70,
        72,
        74,
        75,
        77,
        79,
        80,
        82,
        83,
        84,
        86,
        87,
        89,
        91,
        92,
        93,
        94,
        95,
        96,
    )
)
"""Province codes of birth registration used in the first three digits of a personal ID."""


def real_date(day: int, month: int, year: int) -> date | None:
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    return d if 1900 <= year <= 2100 else None


def parse_date(text: str) -> tuple[str | None, bool]:
    """``dd/mm/yyyy`` or ``ngày 05 tháng 5 năm 2023`` to ISO; ``ok`` when it is a real date."""
    key = fold(text)
    m = _DATE_WORDS.search(key)
    if not m:
        spaced = text.translate(_DIGIT_LOOKALIKES) if re.search(r"\d", text) else text
        m = _DATE_NUMERIC.search(spaced)
    if not m:
        return None, False
    day, month, year = (int(g) for g in m.groups())
    d = real_date(day, month, year)
    if d is None:
        return f"{year:04d}-{month:02d}-{day:02d}", False
    return d.isoformat(), True


def digits_of(text: str) -> str:
    """The digits of a number field, reading common OCR look-alikes as digits."""
    head = re.split(r"\s{2,}", text.strip())[0] if text.strip() else ""
    return re.sub(r"\D", "", head.translate(_DIGIT_LOOKALIKES))


def id_number(text: str) -> tuple[str | None, bool]:
    """A 12-digit personal ID (or a 9-digit old ID card) with a known province code."""
    d = digits_of(text)
    if not d:
        return None, False
    if len(d) == 12:
        return d, d[:3] in PROVINCE_CODES and d[3] in "012345"
    return d, len(d) == 9


def id_agrees(id_value: str, birth_iso: str | None, sex: str | None) -> bool | None:
    """Whether digits 4-6 of a 12-digit ID agree with the date of birth and sex, if known."""
    if len(id_value) != 12 or not birth_iso:
        return None
    year = int(birth_iso[:4])
    century = (year - 1900) // 100
    if not 0 <= century <= 2:
        return False
    code = int(id_value[3])
    if code // 2 != century or id_value[4:6] != f"{year % 100:02d}":
        return False
    if sex in ("Nam", "Nữ"):
        return (code % 2 == 0) == (sex == "Nam")
    return True


def sex(text: str) -> tuple[str | None, bool]:
    key = fold(text).split()
    if not key:
        return None, False
    first = key[0]
    if first in ("nam", "male", "m"):
        return "Nam", True
    if first in ("nu", "female", "f"):
        return "Nữ", True
    return None, False


def phone(text: str) -> tuple[str | None, bool]:
    d = digits_of(text)
    if d.startswith("84") and len(d) == 11:
        d = "0" + d[2:]
    return (d or None), bool(re.fullmatch(r"0\d{9}", d))


def enterprise_code(text: str) -> tuple[str | None, bool]:
    m = re.search(r"(\d[\d ]{8,}\d)(\s*-\s*\d{3})?", text.translate(_DIGIT_LOOKALIKES))
    if not m:
        return None, False
    base = re.sub(r"\D", "", m.group(1))
    branch = re.sub(r"\D", "", m.group(2) or "")
    return (base + (f"-{branch}" if branch else "")), len(base) == 10


_DOC_NUMBER = re.compile(
    r"(\d{1,5})\s*/\s*((?:\d{4}\s*/\s*)?[A-Za-zĐđ]+(?:\s*-\s*[A-Za-zĐđ0-9]+)*)"
)


def document_number(text: str) -> tuple[str | None, bool]:
    """``Số: 123/QĐ-UBND`` as ``123/QĐ-UBND`` (spaces removed, as the contract wants)."""
    m = _DOC_NUMBER.search(text)
    if not m:
        return None, False
    return re.sub(r"\s+", "", f"{m.group(1)}/{m.group(2)}"), True


def printed(text: str) -> tuple[str | None, bool]:
    """Names and addresses as printed: NFC, single spaces, no leading label punctuation."""
    value = clean_line(text).strip(" :.;,-_…")
    value = re.sub(r"^[.:…\s]+", "", value)
    return (value or None), bool(value)


def name(text: str) -> tuple[str | None, bool]:
    value, ok = printed(text)
    if value is None:
        return None, False
    words = value.split()
    looks_like_name = 2 <= len(words) <= 7 and all(w[0].isalpha() and w[0].isupper() for w in words)
    return value, ok and looks_like_name


NORMALIZERS = {
    "date": parse_date,
    "id_number": id_number,
    "digits": lambda t: ((digits_of(t) or None), bool(digits_of(t))),
    "sex": sex,
    "phone": phone,
    "enterprise_code": enterprise_code,
    "document_number": document_number,
    "name": name,
    "address": printed,
    "text": printed,
    "money": printed,
}
