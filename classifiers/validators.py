"""Normalizers of field values, per the contract's formats, and the one call that checks them.

A normalizer takes the text printed after a label and returns the value in the contract's form
(ISO dates, digit strings, ``Nam``/``Nữ``), the repairs it had to make (flags: a respelled
syllable, a space put back) and the value as printed text. :func:`validate` then runs the
checks of the field's kind (``classifiers.rules.CHECKS``) and returns the value with every
flag. A value that fails is still returned, so a clerk sees what was read, but it is flagged.

The ``(value, ok)`` functions (``printed``, ``parse_date``, ``NORMALIZERS`` ...) are the same
reading for callers that rate a value themselves: ``ok`` is "no flag".
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from classifiers.names import respell_name
from classifiers.review import Flag, Reading
from classifiers.rules import (
    NUMBERED,
    NUMBERED_WORD,
    PROVINCE_CODES,
    SPACING_MARKS,
    numbered_key,
    organ_kind,
    real_date,
    run_checks,
)
from classifiers.vntext import (
    BILINGUAL_DATE_WORD,
    eth_as_d,
    fold,
    levenshtein,
    similarity,
    tone_key,
)
from classifiers.wordlists import VEHICLE_BRANDS
from digitize.models import Word
from digitize.text import clean_line

# Characters OCR confuses with digits inside number fields.
_DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "Ø": "0",  # a typewriter's slashed zero
        "ø": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "g": "9",
        "q": "9",
    }
)

_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_DATE_SLASH_AS_ONE = re.compile(
    r"(?<!\d)(\d{2})[/.\-1lIiJj|!\\]{1,2}(\d{2})[/.\-1lIiJj|!\\]{1,2}((?:19|20)\d{2})(?!\d)"
)
"""dd/mm/yyyy whose slashes OCR read as "1", "I", "l", "i", "J", "|" or "!" (and sometimes
doubled): the small print of a card's dates loses the slash's slant ("25J08I2028")."""
_EN = BILINGUAL_DATE_WORD
_DATE_WORDS = re.compile(
    rf"ngay{_EN}\s*(\d{{1,2}})\s*thang{_EN}\s*(\d{{1,2}})\s*nam{_EN}\s*(\d{{4}})"
)
PLACE_DATE = re.compile(rf"ngay{_EN}\s*(?:\S{{1,3}}\s*)?thang{_EN}\s*(?:\S{{1,3}}\s*)?nam{_EN}")
"""A "ngày .. tháng .. năm ...." date on a folded line (place-and-date lines), its day and
month however they were read ("ngày/date O7 tháng/month 07") or left blank."""

_DATE_SLASH_LOST = re.compile(
    r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])[/.\-]((?:19|20)\d{2})(?!\d)"
    r"|(?<!\d)(0[1-9]|[12]\d|3[01])[/.\-](0[1-9]|1[0-2])((?:19|20)\d{2})(?!\d)"
)
"""dd/mm/yyyy with one of its two slashes lost ("0401/1953", "04/011953"): the day and the
month each read as a real one, the year as a year of this or the last century."""

Result = tuple[str | None, bool]

_NINE = re.compile(r"(?<![\w/])([0-9lI|]{9})(?![\w/])")


def _one_slash_as_one_other_lost(text: str) -> str | None:
    """The date of a lone nine-character run that is ``dd/mm/yyyy`` with one slash read as
    "1" (or "l", "I", "|") and the other lost ("161121977" for "16/12/1977"), when exactly
    one of the two places of the slash read gives a real day, month and year."""
    m = _NINE.search(text)
    if not m:
        return None
    run = m.group(1)
    found = set()
    for at in (2, 4):  # the slash after the day, or after the month
        if run[at] not in "1lI|":
            continue
        digits = run[:at] + run[at + 1 :]
        if not digits.isdigit():
            continue
        day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        if 1900 <= year <= 2099:
            with contextlib.suppress(ValueError):
                found.add(date(year, month, day).isoformat())
    return found.pop() if len(found) == 1 else None


class Normalized(NamedTuple):
    """A normalizer's answer: the value, the repairs it made, the value as printed text."""

    value: str | None
    repairs: tuple[Flag, ...] = ()
    printed: str = ""


def _date(text: str) -> Normalized:
    """``dd/mm/yyyy`` or ``ngày 05 tháng 5 năm 2023`` to ISO."""
    key = fold(text.translate(str.maketrans({"O": "0", "o": "0"})))
    m = _DATE_WORDS.search(key)
    repairs: list[Flag] = []
    if not m:
        spaced = text.translate(_DIGIT_LOOKALIKES) if re.search(r"\d", text) else text
        m = _DATE_NUMERIC.search(spaced)
        if m and (len(m.group(1)) < 2 or len(m.group(2)) < 2):
            # Numeric dates are printed zero-padded (05/07/2021): a one-digit day or month
            # is most often a digit OCR lost ("12/1/1961" for "12/11/1981").
            repairs.append(Flag("date_not_zero_padded"))
        if not m:
            m = _DATE_SLASH_AS_ONE.search(text.replace(" ", ""))
            if not m:
                m = _DATE_SLASH_LOST.search(text.replace(" ", ""))
            if not m:
                found = _one_slash_as_one_other_lost(text)
                if found:
                    return Normalized(found, (Flag("date_slash_misread"),))
            # A slash read as a digit, or lost: plausible, but a clerk should look.
            repairs.append(Flag("date_slash_misread"))
    if not m:
        return Normalized(None)
    day, month, year = (int(g) for g in m.groups() if g is not None)
    return Normalized(f"{year:04d}-{month:02d}-{day:02d}", tuple(repairs))


def digits_of(text: str) -> str:
    """The digits of a number field, reading common OCR look-alikes as digits."""
    head = re.split(r"\s{2,}", text.strip())[0] if text.strip() else ""
    return re.sub(r"\D", "", head.translate(_DIGIT_LOOKALIKES))


def _id_number(text: str) -> Normalized:
    """A 12-digit personal ID (or a 9-digit old ID card)."""
    m = re.search(r"[0-9OoIl|SBZ][0-9OoIl|SBZ ]{7,16}[0-9OoIl|SBZ]", text)
    return Normalized((digits_of(m.group(0)) if m else "") or None)


def id_agrees(id_value: str, birth_iso: str | None, sex: str | None) -> bool | None:
    """Whether digits 4-6 of a 12-digit ID agree with the date of birth and sex, if known."""
    found = id_disagreement(id_value, birth_iso, sex)
    return None if found == "" else found is None


def id_disagreement(id_value: str, birth_iso: str | None, sex: str | None) -> str | None:
    """The code of what a 12-digit ID's digits 4-6 contradict (``id_birth_year_mismatch``,
    ``id_sex_mismatch``), ``None`` when they agree, ``""`` when nothing can be compared."""
    if len(id_value) != 12 or not birth_iso:
        return ""
    year = int(birth_iso[:4])
    century = (year - 1900) // 100
    if not 0 <= century <= 2 or not id_value[3].isdigit():
        return "id_birth_year_mismatch"
    code = int(id_value[3])
    if code // 2 != century or id_value[4:6] != f"{year % 100:02d}":
        return "id_birth_year_mismatch"
    if sex in ("Nam", "Nữ") and (code % 2 == 0) != (sex == "Nam"):
        return "id_sex_mismatch"
    return None


def sex_from_id(id_value: str) -> str | None:
    """The sex a 12-digit personal ID encodes (even century digit: male)."""
    if len(id_value) != 12 or id_value[3] not in "012345":
        return None
    return "Nam" if int(id_value[3]) % 2 == 0 else "Nữ"


def _sex(text: str) -> Normalized:
    key = fold(text).split()
    if not key:
        return Normalized(None)
    first = key[0]
    if first in ("nam", "male", "m"):
        return Normalized("Nam")
    if first in ("nu", "female", "f"):
        return Normalized("Nữ")
    if similarity(first, "nam") >= 0.66 and len(first) == 3:
        return Normalized("Nam", (Flag("sex_guessed"),))
    raw = unicodedata.normalize("NFD", text.split()[0].lower())
    if len(first) == 2 and first[1] == "u" and "\u031b" in raw:
        # "Mữ", "Hữ": the horned "ữ" is only ever Nữ's; its first letter was misread.
        return Normalized("Nữ", (Flag("sex_guessed"),))
    return Normalized(None)


def _phone(text: str) -> Normalized:
    d = digits_of(text)
    if d.startswith("84") and len(d) == 11:
        d = "0" + d[2:]
    return Normalized(d or None)


def _enterprise_code(text: str) -> Normalized:
    m = re.search(r"(\d[\d ]{8,}\d)(\s*-\s*\d{3})?", text.translate(_DIGIT_LOOKALIKES))
    if not m:
        return Normalized(None)
    base = re.sub(r"\D", "", m.group(1))
    branch = re.sub(r"\D", "", m.group(2) or "")
    return Normalized(base + (f"-{branch}" if branch else ""))


_NOTATION = r"[A-Za-zĐđÐð][A-Za-zĐđÐð0-9]*(?:\s*-\s*[A-Za-zĐđÐð][A-Za-zĐđÐð0-9]*)*"
_DOC_NUMBER = re.compile(rf"(\d{{1,5}})\s*/\s*((?:\d{{4}}\s*/\s*)?{_NOTATION})")


def _document_number(text: str) -> Normalized:
    """``Số: 123/QĐ-UBND`` as ``123/QĐ-UBND`` (spaces removed, as the contract wants)."""
    fixed = eth_as_d(text)
    m = _DOC_NUMBER.search(fixed)
    if not m:
        return Normalized(None)
    return Normalized(m.group(1) + "/" + re.sub(r"\s+", "", m.group(2)))


def _serial(text: str) -> Normalized:
    """A certificate serial or book number: letters and digits as printed, no spaces."""
    m = re.search(r"([A-ZĐ]{1,3})?\s*(\d{5,12})", text.replace("Ð", "Đ"))
    return Normalized((m.group(1) or "") + m.group(2) if m else None)


def _money(text: str) -> Normalized:
    """An amount such as ``1.500.000.000 đồng`` as a digit string."""
    m = re.search(r"\d{1,3}(?:[.,\s]\d{3})+|\d+", text)
    return Normalized(re.sub(r"\D", "", m.group(0)) if m else None)


_AREA = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)?")


def _area(text: str) -> Normalized:
    """A land area as printed ("250,5 m²", "1.250,5 m2") in square metres, a decimal point
    for the comma ("250.5"): dots group thousands in Vietnamese print."""
    m = _AREA.search(text)
    if m is None:
        return Normalized(None)
    number = m.group(0)
    if "," in number or re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        number = number.replace(".", "").replace(",", ".")
    return Normalized(number)


def _printed(text: str) -> Normalized:
    """Names and addresses as printed: NFC, single spaces, no leading label punctuation.
    Spacing marks ("ˆ") go (the check ``spacing_mark`` flags them); a doubled comma too."""
    value = SPACING_MARKS.sub("", clean_line(text)).strip(" :;,-_…|")
    value = re.sub(r"\s{2,}", " ", value)
    value = re.sub(r"^[^\w(]+|[.…\s]+$", "", value)
    value = re.sub(r"\s+([,;])", r"\1", value)
    value = re.sub(r"([,;])(?:\s*[,;])+", r"\1", value)  # "Thôn 7,, Xã": a doubled comma
    return Normalized(value or None, (), value)


def unglued(value: str) -> str:
    """A space before a capital straight after a lower-case letter ("HàNội", "ĐìnhAn"): two
    words whose space OCR lost."""
    out = []
    for i, c in enumerate(value):
        if i and c.isupper() and value[i - 1].islower():
            out.append(" ")
        out.append(c)
    return "".join(out)


def _numbered_words(value: str) -> str:
    """The address words before a number as written: their marks put right, and one read in
    capitals inside a value in lower case ("SỐ 206 đường ...", small print whose "ố" stands
    as tall as a capital) in title case."""
    mixed = any(c.islower() for c in value)

    def fix(m: re.Match[str]) -> str:
        word = m.group(1)
        right = NUMBERED.get(numbered_key(word))
        shouting = mixed and len(word) > 1 and word.isupper()
        if right is None or (tone_key(word) == tone_key(right) and not shouting):
            return m.group(0)
        right = right[:1].upper() + right[1:] if word[:1].isupper() else right.lower()
        return right + m.group(2)

    return NUMBERED_WORD.sub(fix, value)


def _address(text: str) -> Normalized:
    """An address as printed; its first letter a capital, as every address on a card or form
    begins ("Số 2 ...", "Thôn 5 ...", "Xã ..."): a small print's "S" or "T" read in lower case
    would put "số 2" out as the value."""
    value, _, shown = _printed(text)
    if value is None:
        return Normalized(None)
    value = _numbered_words(re.sub(r"(?<!\S)[.,'`]+(?=\d)", "", value))
    value = value[:1].upper() + value[1:]
    spaced = unglued(value)
    repairs = (Flag("words_glued"),) if spaced != value else ()
    return Normalized(spaced, repairs, shown)


def _nationality(text: str) -> Normalized:
    value = _printed(text).value
    if value is None:
        return Normalized(None)
    if similarity(fold(value).replace(" ", ""), "vietnam") >= 0.75:
        repairs = () if fold(value) == "viet nam" else (Flag("nationality_respelled"),)
        return Normalized("Việt Nam", repairs)
    return Normalized(value)


def _name(text: str) -> Normalized:
    value, _, shown = _printed(text.split(",")[0])
    if value is None:
        return Normalized(None)
    value = re.sub(r"[^\w\s]", "", value)
    value = re.sub(r"\s+", " ", value).strip()
    if not value:
        return Normalized(None)
    fixed, repairs = respell_name(value)
    return Normalized(fixed, repairs, shown)


LICENCE_CLASSES = frozenset(
    {
        # Law on Road Traffic 2008 (licences issued until 2024, valid until they expire)
        "A1", "A2", "A3", "A4", "B1", "B2", "C", "D", "E", "FB2", "FC", "FD", "FE",
        # Law on Road Traffic Order and Safety 2024 (from 2025)
        "A", "B", "C1", "D1", "D2", "BE", "C1E", "CE", "D1E", "D2E", "DE",
    }
)  # fmt: skip
"""Driving licence classes of both road traffic laws."""


_CLASS_DIGIT_LOOKALIKES = str.maketrans({"i": "1", "l": "1", "I": "1", "|": "1", "!": "1"})
"""What the small "1" of a licence class ("A1", "B1", "C1E") is read as."""


def _licence_class(text: str) -> Normalized:
    """``Hạng / Class: B1`` as ``B1``; several classes as ``A1, B2``.

    A card prints the class on the line of the issuer's title in the other column ("B1 GIÁM
    ĐỐC SỞ GIAO THÔNG VẬN TẢI" read as one line): the value ends at the first word that is
    not a class. A first word that is none is kept as read, flagged."""
    tokens = [t for t in re.split(r"[\s,;/]+", clean_line(text).strip(" :.-")) if t]
    classes: list[str] = []
    repairs: tuple[Flag, ...] = ()
    for token in tokens:
        if token not in LICENCE_CLASSES:
            # "Ai", "B|", "81": a class whose digit or letter OCR read as its look-alike.
            fixed = token[:1].replace("8", "B") + token[1:].translate(_CLASS_DIGIT_LOOKALIKES)
            if len(token) > 3 or fixed not in LICENCE_CLASSES:
                break
            token, repairs = fixed, (Flag("licence_class_lookalike"),)
        classes.append(token)
    if classes:
        value = ", ".join(dict.fromkeys(classes))
        return Normalized(value, repairs, value)
    found = _printed(text)
    if found.value is None:
        return found
    return Normalized(found.value, (Flag("licence_class_unknown"),), found.printed)


_PLATE_DIGITS = str.maketrans(
    {"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "|": "1", "S": "5", "B": "8", "Z": "2"}
)
"""What the digits of a plate's number are read as (the number holds digits only)."""
_PLATE_NUMBER = "[0-9ODQILSBZ|]"
_PLATE = re.compile(
    r"(?P<province>\d{2})\s*-?\s*(?P<series>[A-ZĐ]{1,2}\d?)\s*[-.]?\s*"
    rf"(?P<number>{_PLATE_NUMBER}{{3}}[.,·]?{_PLATE_NUMBER}{{2}}|{_PLATE_NUMBER}{{4}})(?![\w.])"
)
PLATE_PROVINCES = range(11, 100)
"""The two-digit province codes of registration plates (11 Cao Bằng ... 99 Bắc Ninh)."""
_SERIES_DIGIT_LOOKALIKE = re.compile(r"[A-ZĐ][ILSBZ]$")
"""A two-letter series whose second letter looks like a digit ("B1" read "BI", "BL")."""


def _plate(text: str) -> Normalized:
    """A registration plate as the police print it: a motorbike's ``29-B1 123.45`` (the series
    a letter and a digit, after a hyphen), a car's ``30A-123.45`` (the series glued to the
    province code); a number of five digits has its dot before the last two, one of four none.
    The form comes from the series (a digit in it: a motorbike's) or, for a two-letter series,
    from the hyphen printed after the province code.

    Flagged: a number read with look-alike letters ("123.4S", put right), a series whose
    second letter may be a digit ("BI"), a province code outside 11-99, other characters
    beside the plate, and anything not in that form (kept as read)."""
    read = re.sub(r"\s+", " ", clean_line(text).replace("Ð", "Đ")).strip(" :;,.")
    upper = read.upper()
    m = _PLATE.search(upper)
    if m is None or not m.group("series")[0].isalpha():
        return Normalized(read or None, (Flag("plate_malformed"),) if read else (), read)
    province, series, number = m.group("province", "series", "number")
    digits = re.sub(r"[.,·]", "", number)
    fixed = digits.translate(_PLATE_DIGITS)
    rest = upper[: m.start()] + upper[m.end() :]
    doubtful = (
        fixed != digits
        or int(province) not in PLATE_PROVINCES
        or _SERIES_DIGIT_LOOKALIKE.fullmatch(series) is not None
        or re.search(r"\w", rest) is not None
    )
    shown = f"{fixed[:3]}.{fixed[3:]}" if len(fixed) == 5 else fixed
    motorbike = series[-1].isdigit() or bool(re.match(r"\d{2}\s*-", upper[m.start() :]))
    value = f"{province}-{series} {shown}" if motorbike else f"{province}{series}-{shown}"
    return Normalized(value, (Flag("plate_malformed"),) if doubtful else (), value)


_VIN_LOOKALIKES = str.maketrans({"I": "1", "O": "0", "Q": "0"})
VIN_LENGTH = 17
"""A car's chassis number is its VIN (ISO 3779): 17 capitals and digits, never I, O or Q."""


def _vehicle_number(text: str) -> Normalized:
    """An engine or chassis number: capitals and digits as printed, spaces OCR put into it
    taken out (a hyphen stays: it is no character of such a number, and is flagged)."""
    read = clean_line(text).strip(" :;,.")
    value = re.sub(r"\s+", "", read)
    return Normalized(value or None, (), value)


def _chassis_number(text: str) -> Normalized:
    """A chassis number; a 17-character one is a VIN, which never holds I, O or Q: those are
    the 1 and 0 it prints, read as letters, put right and flagged."""
    found = _vehicle_number(text)
    value = found.value
    if value is None or len(value) != VIN_LENGTH or not re.search(r"[IOQ]", value):
        return found
    fixed = value.translate(_VIN_LOOKALIKES)
    return Normalized(fixed, (Flag("vin_forbidden_letter"),), fixed)


def _brand(text: str) -> Normalized:
    """A vehicle's make as printed, checked against ``lists/vehicle_brands.yaml``: one letter
    off exactly one make of four letters or more ("PLAGGIO") is that make, flagged
    ``brand_respelled``; a make the list does not hold is kept as read, ``brand_unknown``."""
    found = _printed(text)
    if found.value is None:
        return found
    read = found.value.upper()
    if read in VEHICLE_BRANDS:
        return found
    near = {b for b in VEHICLE_BRANDS if len(b) >= 4 and levenshtein(b, read, 1) <= 1}
    if len(near) == 1:
        (brand,) = near
        brand = brand if found.value.isupper() else brand.title()
        return Normalized(brand, (*found.repairs, Flag("brand_respelled")), brand)
    return Normalized(found.value, (*found.repairs, Flag("brand_unknown")), found.printed)


def _digits(text: str) -> Normalized:
    return Normalized(digits_of(text) or None)


NORMALIZE: dict[str, Callable[[str], Normalized]] = {
    "date": _date,
    "id_number": _id_number,
    "digits": _digits,
    "sex": _sex,
    "phone": _phone,
    "enterprise_code": _enterprise_code,
    "document_number": _document_number,
    "serial": _serial,
    "name": _name,
    "address": _address,
    "text": _printed,
    "organ": _printed,
    "company": _printed,
    "nationality": _nationality,
    "money": _money,
    "licence_class": _licence_class,
    "plate": _plate,
    "engine_number": _vehicle_number,
    "chassis_number": _chassis_number,
    "words": _printed,  # a colour, a model: a short value on one line, as printed
    "brand": _brand,
    "area": _area,
}


def normalize(kind: str, text: str) -> Normalized:
    """``text`` normalized as a value of ``kind``, with the repairs made, unchecked."""
    return NORMALIZE[kind](text)


def validate(
    kind: str,
    text: str,
    words: tuple[Word, ...] | list[Word] = (),
    length: int = 0,
    raw: str | None = None,
) -> tuple[str | None, list[Flag]]:
    """``text`` normalized as a value of ``kind``, with its repairs and failed checks.

    ``raw``, when ``text`` is already a repaired reading, is what OCR read (the checks of
    what was read look at it)."""
    found = NORMALIZE[kind](text)
    if found.value is None:
        return None, list(found.repairs)
    reading = Reading(text if raw is None else raw, tuple(words), length, found.printed)
    flags = [*found.repairs, *run_checks(kind, found.value, reading)]
    return found.value, list(dict.fromkeys(flags))


def _result(kind: str) -> Callable[[str], Result]:
    def read(text: str) -> Result:
        value, flags = validate(kind, text)
        return value, value is not None and not flags

    read.__name__ = kind
    read.__doc__ = f"A {kind} value and whether it passed every check (see ``validate``)."
    return read


NORMALIZERS: dict[str, Callable[[str], Result]] = {kind: _result(kind) for kind in NORMALIZE}
"""``(value, ok)`` of each kind, for readers that rate a value themselves."""

parse_date = NORMALIZERS["date"]
id_number = NORMALIZERS["id_number"]
sex = NORMALIZERS["sex"]
phone = NORMALIZERS["phone"]
enterprise_code = NORMALIZERS["enterprise_code"]
document_number = NORMALIZERS["document_number"]
serial = NORMALIZERS["serial"]
money = NORMALIZERS["money"]
printed = NORMALIZERS["text"]
address = NORMALIZERS["address"]
organ = NORMALIZERS["organ"]
company = NORMALIZERS["company"]
nationality = NORMALIZERS["nationality"]
name = NORMALIZERS["name"]
digits = NORMALIZERS["digits"]

__all__ = [
    "NORMALIZE",
    "NORMALIZERS",
    "PLACE_DATE",
    "PROVINCE_CODES",
    "id_agrees",
    "id_disagreement",
    "normalize",
    "organ_kind",
    "real_date",
    "sex_from_id",
    "unglued",
    "validate",
]
