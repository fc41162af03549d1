"""The checks of field values, one small named function per rule, listed per kind in ``CHECKS``.

Each check looks at a normalized value and its :class:`~classifiers.review.Reading` and returns
nothing or the :class:`~classifiers.review.Flag` naming the rule it breaks. A new failure mode
is a new function, a row in ``CHECKS`` and an entry in ``lists/reasons.yaml``; the benchmark
then counts how often it fires and how often it caught a wrong value. What a normalizer had to
put right (a respelled syllable, a space put back) it reports itself: only it knows.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from classifiers.names import NAME_CHECKS, ends_with_province
from classifiers.places import place_words
from classifiers.review import Check, Flag, Reading
from classifiers.vntext import fold
from classifiers.wordlists import LEGAL_FORMS, NUMBERED_ADDRESS_WORDS, ORGAN_KINDS
from digitize.lm.syllables import is_syllable, shaped_like_syllable
from digitize.plainlines import english_word
from digitize.text import clean_line

PROVINCE_CODES = frozenset(
    f"{n:03d}"
    for n in (
        *(1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34),
        *(35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67),
        *(68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96),
    )
)
"""Province codes of birth registration (first three digits of a personal ID)."""


def _printed(reading: Reading, value: str) -> str:
    return reading.printed or value


# --- printed text ----------------------------------------------------------------------------


def dot_inside_word(value: str, reading: Reading) -> Flag | None:
    """A dot inside a word or after a lower-case word ("ỦY.BAN", "Phường. Tân") is OCR noise."""
    found = re.search(r"\w\.\w|[a-zà-ỹđ]\.\s", _printed(reading, value))
    return Flag("dot_inside_word") if found else None


def punctuation_glued_to_word(value: str, reading: Reading) -> Flag | None:
    """Punctuation glued to the front of a word (".146", "'cửa", "Thành phố -Huế"): a speck
    read as a mark (a dash between two places has a space on both sides, or none)."""
    found = re.search(r"(?<!\S)(?:[.,;:'`‘’]+|-(?=[^\W\d_]))\w", _printed(reading, value))
    return Flag("punctuation_glued_to_word") if found else None


def hyphen_between_letters(value: str, reading: Reading) -> Flag | None:
    """ "nhân-dân", "Huy-Tập": Vietnamese writes syllables apart, so the hyphen is a speck."""
    found = re.search(r"[^\W\d_]-[^\W\d_]", _printed(reading, value))
    return Flag("hyphen_between_letters") if found else None


def word_said_twice(value: str, reading: Reading) -> Flag | None:
    """ "Quận 1 1": a line read twice where a wrap or a second look joined."""
    found = re.search(r"(?<!\w)(\w+)\s+\1(?!\w)", _printed(reading, value), re.IGNORECASE)
    return Flag("word_said_twice") if found else None


ODD_SYMBOLS = re.compile(r"[#@$^*~|<>{}\[\]\\‹›«»¡¿§¶©®™]|!(?=\S)")
"""Symbols the text of an administrative document never prints ("đa !H#Jy"): a stroke, a
seal or a speck read as a mark. An exclamation mark counts only inside a word."""


def symbol_in_text(value: str, reading: Reading) -> Flag | None:
    """A symbol print does not use, in a subject, an organ's or a company's name."""
    return Flag("symbol_in_text") if ODD_SYMBOLS.search(_printed(reading, value)) else None


SPACING_MARKS = re.compile(r"[\u02b0-\u02ff]")
"""Spacing marks ("ˆ", "˜"), never printed in Vietnamese: a seal's stroke or a torn mark."""


def spacing_mark(value: str, reading: Reading) -> Flag | None:
    """A spacing mark in what was read (the normalizer takes it out)."""
    return Flag("spacing_mark") if SPACING_MARKS.search(clean_line(reading.raw)) else None


def lower_case_among_capitals(value: str, reading: Reading) -> Flag | None:
    """A lower-case word inside a value printed in capitals ("CÔNG TY cổ PHẦN"): OCR misread
    that word (a case error often hides a mark error too)."""
    words = re.findall(r"[^\W\d_]{2,}", _printed(reading, value))
    upper = sum(w.isupper() for w in words)
    if len(words) >= 3 and 3 * upper >= 2 * len(words) and any(w.islower() for w in words):
        return Flag("lower_case_among_capitals")
    return None


NUMBERED = {fold(word): word for word in NUMBERED_ADDRESS_WORDS}
"""Address words before a number by folded key: OCR's misread marks on them ("ngô 99", "Sổ
12") are put right where a number follows (``validators``)."""

NUMBERED_WORD = re.compile(r"(?<!\w)([^\W\d_]+)(\s+\d)")
"""A word and the number after it: where an address word before a number stands."""


def numbered_key(word: str) -> str:
    """The folded key of an address word before a number ("Số", "ngõ"), also of "Số" whose ố
    was read as a mark no letter carries ("Sð": folded, one letter)."""
    key = fold(word)
    return "so" if key == "s" and len(word) == 2 else key


def marked_capitals_among_lower_case(value: str, reading: Reading) -> Flag | None:
    """A word in capitals carrying a tone or vowel mark inside a value printed in lower and
    title case ("Vị Xuyên" read "VỊ Xuyên"): OCR took a small letter for a capital. Acronyms
    ("UBND", "HĐND", "TP") never carry marks, so they are not taken for one, nor is an
    address word before a number, which the normalizer writes in title case ("SỐ 12")."""
    printed = _printed(reading, value)
    numbered = {m.group(1) for m in NUMBERED_WORD.finditer(printed)}
    numbered = {w for w in numbered if numbered_key(w) in NUMBERED}
    words = [w for w in re.findall(r"[^\W\d_]{2,}", printed) if w not in numbered]
    upper = [w for w in words if w.isupper()]
    if len(words) < 3 or 3 * len(upper) >= len(words):
        return None
    for w in upper:
        if any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", w)):
            return Flag("marked_capitals_among_lower_case")
    return None


def word_not_a_syllable(value: str, reading: Reading) -> Flag | None:
    """A word in lower or title case that spells no Vietnamese syllable, as printed: in a short
    value ("Bac" for "Bạc": a syllable closed by c carries a tone mark) or an address ("Đông
    Th Thanh Hóa": "Thọ," cut short): a mark was lost or a letter misread. Words in capitals (a
    model code) are not judged, nor a word of a place's official name ("Krông"), nor common
    English words unless shaped like a syllable ("bac" is "Bạc" without its mark)."""
    for w in re.findall(r"(?<!\w)[^\W\d_]+(?!\w)", _printed(reading, value)):
        if w.isupper() or is_syllable(w) or w.lower() in place_words():
            continue
        if shaped_like_syllable(w) or not english_word(w.lower()):
            return Flag("word_not_a_syllable")
    return None


TEXT_CHECKS: tuple[Check, ...] = (
    dot_inside_word,
    punctuation_glued_to_word,
    hyphen_between_letters,
    word_said_twice,
    spacing_mark,
    lower_case_among_capitals,
    marked_capitals_among_lower_case,
)


# --- addresses, organs, businesses -----------------------------------------------------------

_NUMBER_LOOKALIKE = re.compile(
    rf"\b(?:{'|'.join(NUMBERED_ADDRESS_WORDS)}|quận|phường)\s+[BOISZG]\b|\d[à-ỹđ]", re.IGNORECASE
)


def number_slot_lookalike(value: str, reading: Reading) -> Flag | None:
    """A number slot holding a letter that looks like a digit ("Xóm B" for "Xóm 8"), or a house
    number with a marked letter glued on ("16ô" for "166"): which it is, only a look tells."""
    return Flag("number_slot_lookalike") if _NUMBER_LOOKALIKE.search(value) else None


def stray_symbol(value: str, reading: Reading) -> Flag | None:
    """An address is words of letters and house numbers; other symbols are misreads."""
    return Flag("stray_symbol") if re.search(r"[^\w\s,./()\-]", value) else None


def address_too_short(value: str, reading: Reading) -> Flag | None:
    return Flag("address_too_short") if len(value) < 6 else None


def address_without_province(value: str, reading: Reading) -> Flag | None:
    """A complete address ends with its province, spelled right."""
    return None if ends_with_province(value) else Flag("address_without_province")


def organ_kind(folded: str) -> str | None:
    """The kind ``folded`` (a folded name) starts with, or ``None``. "ban nhân dân" is no
    kind: it is "Ủy ban nhân dân" with its first word lost."""
    if folded.startswith("ban nhan dan"):
        return None
    return next((k for k in ORGAN_KINDS if (folded + " ").startswith(k + " ")), None)


_LOCAL_AUTHORITY = re.compile(r"^(ủy|uỷ) ban nhân dân (xã|phường|thị trấn)\b", re.IGNORECASE)


def organ_without_province(value: str, reading: Reading) -> Flag | None:
    """A local authority ("Ủy ban nhân dân phường X, quận Y, thành phố Z") ends with its
    province, like an address; one that stops before it lost its last line."""
    if _LOCAL_AUTHORITY.match(value) and not ends_with_province(value):
        return Flag("organ_without_province")
    return None


def organ_without_kind(value: str, reading: Reading) -> Flag | None:
    return None if organ_kind(fold(value)) is not None else Flag("organ_without_kind")


def company_without_legal_form(value: str, reading: Reading) -> Flag | None:
    """A business's name starts with its legal form; one that does not lost its first word."""
    return None if fold(value).startswith(LEGAL_FORMS) else Flag("company_without_legal_form")


def nationality_unlisted(value: str, reading: Reading) -> Flag | None:
    """Dossiers of this desk are Vietnamese citizens': any other nationality is looked at."""
    return None if value == "Việt Nam" else Flag("nationality_unlisted")


# --- numbers and dates -----------------------------------------------------------------------


def value_wrong_length(value: str, reading: Reading) -> Flag | None:
    """A value of fixed length (a 12-digit licence number) with a character lost or gained."""
    if reading.length and len(value) != reading.length:
        return Flag("value_wrong_length")
    return None


def real_date(day: int, month: int, year: int) -> date | None:
    """The date, when it exists and lies in 1900-2100 (older or later is a misread year)."""
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    return d if 1900 <= year <= 2100 else None


def date_not_real(value: str, reading: Reading) -> Flag | None:
    """An ISO date that does not exist, or lies outside 1900-2100."""
    y, m, d = (int(x) for x in value.split("-"))
    return Flag("date_not_real") if real_date(d, m, y) is None else None


def id_wrong_length(value: str, reading: Reading) -> Flag | None:
    """A personal ID has 12 digits (an old ID card 9)."""
    return None if len(value) in (9, 12) else Flag("id_wrong_length")


def id_unknown_province(value: str, reading: Reading) -> Flag | None:
    if len(value) == 12 and value[:3] not in PROVINCE_CODES:
        return Flag("id_unknown_province")
    return None


def id_bad_century_digit(value: str, reading: Reading) -> Flag | None:
    """The 4th digit says century and sex: 0-5 (1900s to 2000s, even for men)."""
    return Flag("id_bad_century_digit") if len(value) == 12 and value[3] not in "012345" else None


def phone_invalid(value: str, reading: Reading) -> Flag | None:
    if re.fullmatch(r"0[35789]\d{8}|02\d{9}", value):
        return None
    return Flag("phone_invalid")


def enterprise_code_wrong_length(value: str, reading: Reading) -> Flag | None:
    return None if len(value.split("-")[0]) == 10 else Flag("enterprise_code_wrong_length")


_NOTATION_OK = re.compile(r"(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*")


def notation_malformed(value: str, reading: Reading) -> Flag | None:
    """A Decree 30 notation: capitals of the type and the organ, joined by hyphens."""
    notation = value.split("/", 1)[-1]
    if _NOTATION_OK.fullmatch(notation) and "ĐĐ" not in notation:
        return None
    return Flag("notation_malformed")


AMOUNT = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+|\d+")
"""An amount as printed: digits, thousands grouped with dots (or read with commas, spaces)."""


def amount_grouping_odd(value: str, reading: Reading) -> Flag | None:
    """Thousands grouped with anything but dots: a misread separator, or two numbers."""
    m = AMOUNT.search(reading.raw)
    if m and not re.fullmatch(r"\d{1,3}(?:\.\d{3})+|\d+", m.group(0)):
        return Flag("amount_grouping_odd")
    return None


def amount_cut(value: str, reading: Reading) -> Flag | None:
    """What follows an amount is its currency or words ("(Ba tỷ ... đồng)"): a digit, dot or
    speck glued on means the amount was cut where OCR stumbled."""
    m = AMOUNT.search(reading.raw)
    rest = reading.raw[m.end() :].lstrip() if m else ""
    return Flag("amount_cut") if re.match(r"[^\W_]*\d|[.,:;'`]\S|[^\w\s(]", rest) else None


VEHICLE_NUMBER = re.compile(r"[A-Z0-9]{8,17}")
"""An engine or chassis number as registration cards print it."""


def vehicle_number_malformed(value: str, reading: Reading) -> Flag | None:
    """An engine or chassis number is 8 to 17 capitals and digits; anything else (a lower-case
    letter, a mark, a hyphen, a character lost or a word run on) was misread."""
    return None if VEHICLE_NUMBER.fullmatch(value) else Flag("vehicle_number_malformed")


CHECKS: dict[str, tuple[Check, ...]] = {
    "date": (date_not_real,),
    "id_number": (id_wrong_length, id_unknown_province, id_bad_century_digit),
    "digits": (),
    "sex": (),
    "phone": (phone_invalid,),
    "enterprise_code": (enterprise_code_wrong_length,),
    "document_number": (notation_malformed,),
    "serial": (),
    # A speck glued before a name word is dropped with the name's punctuation: on the bench
    # that check only ever flagged right names, so names leave it out.
    "name": (*(c for c in TEXT_CHECKS if c is not punctuation_glued_to_word), *NAME_CHECKS),
    "address": (
        *TEXT_CHECKS,
        number_slot_lookalike,
        stray_symbol,
        address_too_short,
        address_without_province,
        word_not_a_syllable,
    ),
    "text": (*TEXT_CHECKS, symbol_in_text),
    "organ": (*TEXT_CHECKS, symbol_in_text, organ_without_province, organ_without_kind),
    "company": (*TEXT_CHECKS, symbol_in_text, company_without_legal_form),
    "nationality": (nationality_unlisted,),
    "money": (amount_grouping_odd, amount_cut),
    "licence_class": (),
    "plate": (),
    "engine_number": (vehicle_number_malformed,),
    "chassis_number": (vehicle_number_malformed,),
    "words": (*TEXT_CHECKS, symbol_in_text, word_not_a_syllable),
    "area": (),
    "brand": (),
}
"""The checks of each field kind (catalogue ``kind``), in the order they are run."""

COMMON_CHECKS: tuple[Check, ...] = (value_wrong_length,)
"""Checks of every kind (they look at what the catalogue says of the field)."""


def run_checks(kind: str, value: str, reading: Reading) -> list[Flag]:
    """The flags of every check of ``kind`` that ``value`` fails."""
    found = (check(value, reading) for check in (*COMMON_CHECKS, *CHECKS[kind]))
    return list(dict.fromkeys(f for f in found if f is not None))
