"""Normalizers and validators for field values, per the contract's formats.

Each normalizer takes the text printed after a label and returns ``(value, ok)``: the value in
the contract's form (ISO dates, digit strings, ``Nam``/``Nữ``) and whether it passed its check.
A value that fails is still returned, so a clerk sees what was read, but it is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from classifiers.names import check_name, ends_with_province
from classifiers.vntext import fold, similarity, tone_key
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
    r"(?<!\d)(\d{2})[/.\-1lIi|!\\]{1,2}(\d{2})[/.\-1lIi|!\\]{1,2}((?:19|20)\d{2})(?!\d)"
)
"""dd/mm/yyyy whose slashes OCR read as "1", "I", "l", "i", "|" or "!" (and sometimes
doubled): the small print of a card's dates loses the slash's slant."""
_DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
PLACE_DATE = re.compile(r"ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}")
"""A "ngày .. tháng .. năm ...." date on a folded line (place-and-date lines)."""

# Province codes of birth registration (first three digits of a personal ID).
PROVINCE_CODES = frozenset(
    f"{n:03d}"
    for n in (
        *(1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34),
        *(35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67),
        *(68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96),
    )
)

Result = tuple[str | None, bool]


def real_date(day: int, month: int, year: int) -> date | None:
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    return d if 1900 <= year <= 2100 else None


def parse_date(text: str) -> Result:
    """``dd/mm/yyyy`` or ``ngày 05 tháng 5 năm 2023`` to ISO; ``ok`` when it is a real date."""
    key = fold(text.translate(str.maketrans({"O": "0", "o": "0"})))
    m = _DATE_WORDS.search(key)
    ok = True
    if not m:
        spaced = text.translate(_DIGIT_LOOKALIKES) if re.search(r"\d", text) else text
        m = _DATE_NUMERIC.search(spaced)
        if m and (len(m.group(1)) < 2 or len(m.group(2)) < 2):
            # Numeric dates are printed zero-padded (05/07/2021): a one-digit day or month
            # is most often a digit OCR lost ("12/1/1961" for "12/11/1981").
            ok = False
        if not m:
            m = _DATE_SLASH_AS_ONE.search(text.replace(" ", ""))
            ok = False  # a slash read as a digit: plausible, but a clerk should look
    if not m:
        return None, False
    day, month, year = (int(g) for g in m.groups())
    d = real_date(day, month, year)
    if d is None:
        return f"{year:04d}-{month:02d}-{day:02d}", False
    return d.isoformat(), ok


def digits_of(text: str) -> str:
    """The digits of a number field, reading common OCR look-alikes as digits."""
    head = re.split(r"\s{2,}", text.strip())[0] if text.strip() else ""
    return re.sub(r"\D", "", head.translate(_DIGIT_LOOKALIKES))


def id_number(text: str) -> Result:
    """A 12-digit personal ID (or a 9-digit old ID card) with a known province code."""
    m = re.search(r"[0-9OoIl|SBZ][0-9OoIl|SBZ ]{7,16}[0-9OoIl|SBZ]", text)
    d = digits_of(m.group(0)) if m else ""
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


def sex_from_id(id_value: str) -> str | None:
    """The sex a 12-digit personal ID encodes (even century digit: male)."""
    if len(id_value) != 12 or id_value[3] not in "012345":
        return None
    return "Nam" if int(id_value[3]) % 2 == 0 else "Nữ"


def sex(text: str) -> Result:
    key = fold(text).split()
    if not key:
        return None, False
    first = key[0]
    if first in ("nam", "male", "m"):
        return "Nam", True
    if first in ("nu", "female", "f"):
        return "Nữ", True
    if similarity(first, "nam") >= 0.66 and len(first) == 3:
        return "Nam", False
    return None, False


def phone(text: str) -> Result:
    d = digits_of(text)
    if d.startswith("84") and len(d) == 11:
        d = "0" + d[2:]
    return (d or None), bool(re.fullmatch(r"0[35789]\d{8}|02\d{9}", d))


def enterprise_code(text: str) -> Result:
    m = re.search(r"(\d[\d ]{8,}\d)(\s*-\s*\d{3})?", text.translate(_DIGIT_LOOKALIKES))
    if not m:
        return None, False
    base = re.sub(r"\D", "", m.group(1))
    branch = re.sub(r"\D", "", m.group(2) or "")
    return (base + (f"-{branch}" if branch else "")), len(base) == 10


_NOTATION = r"[A-Za-zĐđÐð][A-Za-zĐđÐð0-9]*(?:\s*-\s*[A-Za-zĐđÐð][A-Za-zĐđÐð0-9]*)*"
_DOC_NUMBER = re.compile(rf"(\d{{1,5}})\s*/\s*((?:\d{{4}}\s*/\s*)?{_NOTATION})")
_NOTATION_OK = re.compile(r"(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*")


def document_number(text: str) -> Result:
    """``Số: 123/QĐ-UBND`` as ``123/QĐ-UBND`` (spaces removed, as the contract wants)."""
    fixed = text.replace("Ð", "Đ").replace("ð", "đ")
    m = _DOC_NUMBER.search(fixed)
    if not m:
        return None, False
    number, notation = m.group(1), re.sub(r"\s+", "", m.group(2))
    ok = bool(_NOTATION_OK.fullmatch(notation)) and "ĐĐ" not in notation
    return f"{number}/{notation}", ok


def serial(text: str) -> Result:
    """A certificate serial or book number: letters and digits as printed, no spaces."""
    m = re.search(r"([A-ZĐ]{1,3})?\s*(\d{5,12})", text.replace("Ð", "Đ"))
    if not m:
        return None, False
    return (m.group(1) or "") + m.group(2), True


def money(text: str) -> Result:
    """An amount such as ``1.500.000.000 đồng`` as a digit string."""
    m = re.search(r"\d{1,3}(?:[.,\s]\d{3})+|\d+", text)
    if not m:
        return None, False
    grouped = m.group(0)
    ok = bool(re.fullmatch(r"\d{1,3}(?:\.\d{3})+|\d+", grouped))
    # What follows the amount is its currency ("đồng", "VNĐ") or words ("(Ba tỷ ... đồng)"):
    # a digit, dot or speck glued on means the amount was cut where OCR stumbled.
    rest = text[m.end() :].lstrip()
    ok = ok and not re.match(r"[^\W_]*\d|[.,:;'`]\S|[^\w\s(]", rest)
    return re.sub(r"\D", "", grouped), ok


_SPACING_MARKS = re.compile(r"[\u02b0-\u02ff]")


def printed(text: str) -> Result:
    """Names and addresses as printed: NFC, single spaces, no leading label punctuation."""
    value = clean_line(text)
    # Spacing marks ("ˆ", "˜") are never printed in Vietnamese: OCR's reading of a seal's
    # stroke or a mark torn off its letter. They go, and the value is looked at.
    stray = _SPACING_MARKS.search(value)
    value = _SPACING_MARKS.sub("", value).strip(" :;,-_…|")
    value = re.sub(r"\s{2,}", " ", value)
    value = re.sub(r"^[^\w(]+|[.…\s]+$", "", value)
    value = re.sub(r"\s+([,;])", r"\1", value)
    value = re.sub(r"([,;])(?:\s*[,;])+", r"\1", value)  # "Thôn 7,, Xã": a doubled comma
    # A dot inside a word or after a lower-case word ("ỦY.BAN", "Phường. Tân") is OCR noise.
    noisy = re.search(r"\w\.\w|[a-zà-ỹđ]\.\s", value)
    # Punctuation glued to the front of a word (".146", "'cửa"): a speck read as a mark.
    noisy = noisy or re.search(r"(?<!\S)[.,;:'`‘’]+\w", value)
    # A hyphen glued between two letters ("nhân-dân", "Huy-Tập"): Vietnamese writes
    # syllables apart, so it is a speck.
    noisy = noisy or re.search(r"[^\W\d_]-[^\W\d_]", value)
    # A word said twice ("Quận 1 1"): a line read twice where a wrap or a second look joined.
    noisy = noisy or stray or re.search(r"(?<!\w)(\w+)\s+\1(?!\w)", value, re.IGNORECASE)
    return (value or None), bool(value) and not noisy and not _lower_among_capitals(value)


def _lower_among_capitals(value: str) -> bool:
    """A lower-case word inside a value printed in capitals ("CÔNG TY cổ PHẦN"): OCR misread
    that word (a case error often hides a mark error too)."""
    words = re.findall(r"[^\W\d_]{2,}", value)
    upper = sum(w.isupper() for w in words)
    return len(words) >= 3 and 3 * upper >= 2 * len(words) and any(w.islower() for w in words)


def unglued(value: str) -> str:
    """A space before a capital straight after a lower-case letter ("HàNội", "ĐìnhAn"): two
    words whose space OCR lost."""
    out = []
    for i, c in enumerate(value):
        if i and c.isupper() and value[i - 1].islower():
            out.append(" ")
        out.append(c)
    return "".join(out)


_NUMBERED_WORDS = ("số", "ngõ", "ngách", "hẻm", "kiệt", "tổ", "xóm", "thôn", "ấp", "khu")
"""Address words that stand before a house, alley or hamlet number."""

_NUMBERED = {fold(word): word for word in _NUMBERED_WORDS}
"""OCR's misread marks on them ("ngô 99", "Sổ 12") are put right where a number follows."""


def _numbered_words(value: str) -> str:
    def fix(m: re.Match[str]) -> str:
        word = m.group(1)
        right = _NUMBERED.get(fold(word))
        if right is None or tone_key(word) == tone_key(right):
            return m.group(0)
        right = right[:1].upper() + right[1:] if word[:1].isupper() else right.lower()
        return right + m.group(2)

    return re.sub(r"(?<!\w)([^\W\d_]+)(\s+\d)", fix, value)


_NUMBER_LOOKALIKE = re.compile(
    rf"\b(?:{'|'.join(_NUMBERED_WORDS)}|quận|phường)\s+[BOISZG]\b|\d[à-ỹđ]", re.IGNORECASE
)
"""A number slot holding a letter that looks like a digit ("Xóm B" for "Xóm 8"), or a house
number with a marked letter glued on ("16ô" for "166"): which it is, only a look tells."""


def address(text: str) -> Result:
    value, ok = printed(text)
    if value is None:
        return None, False
    value = _numbered_words(re.sub(r"(?<!\S)[.,'`]+(?=\d)", "", value))
    ok = ok and not _NUMBER_LOOKALIKE.search(value)
    spaced = unglued(value)
    ok = ok and spaced == value  # the space is put back; a clerk confirms it
    value = spaced
    # An address is words of letters and house numbers; stray symbols mean misreads.
    ok = ok and not re.search(r"[^\w\s,./()\-]", value) and len(value) >= 6
    return value, ok and ends_with_province(value)


ORGAN_KINDS = (
    "uy ban",
    "ubnd",
    "hoi dong",
    "cong an",
    "so",
    "phong",
    "cuc",
    "chi cuc",
    "tong cuc",
    "bo",
    "van phong",
    "ban",
    "truong",
    "benh vien",
    "trung tam",
    "thanh tra",
    "toa an",
    "vien kiem sat",
    "dai su quan",
    "tong lanh su quan",
    "lanh su quan",
    "co quan dai dien",
)
"""How an organ's name starts, folded: its kind ("SỞ", "CÔNG AN", "ỦY BAN NHÂN DÂN")."""


def organ_kind(folded: str) -> str | None:
    """The kind ``folded`` (a folded name) starts with, or ``None``. "ban nhân dân" is no
    kind: it is "Ủy ban nhân dân" with its first word lost."""
    if folded.startswith("ban nhan dan"):
        return None
    return next((k for k in ORGAN_KINDS if (folded + " ").startswith(k + " ")), None)


_LOCAL_AUTHORITY = re.compile(r"^(ủy|uỷ) ban nhân dân (xã|phường|thị trấn)\b", re.IGNORECASE)


def organ(text: str) -> Result:
    """An issuing organ written out with its place ("Ủy ban nhân dân phường X, quận Y,
    thành phố Z"): a local authority's name ends with its province, like an address; one that
    stops before it lost its last line."""
    value, ok = printed(text)
    if value is None:
        return None, False
    if _LOCAL_AUTHORITY.match(value):
        ok = ok and ends_with_province(value)
    return value, ok and organ_kind(fold(value)) is not None


_LEGAL_FORMS = (
    "cong ty",
    "doanh nghiep tu nhan",
    "hop tac xa",
    "lien hiep hop tac xa",
    "chi nhanh",
    "van phong dai dien",
    "ho kinh doanh",
)


def company(text: str) -> Result:
    """A business's name: it starts with its legal form ("CÔNG TY CỔ PHẦN ..."); one that
    does not lost its first word."""
    value, ok = printed(text)
    if value is None:
        return None, False
    return value, ok and fold(value).startswith(_LEGAL_FORMS)


def nationality(text: str) -> Result:
    value, _ = printed(text)
    if value is None:
        return None, False
    if similarity(fold(value).replace(" ", ""), "vietnam") >= 0.75:
        return "Việt Nam", fold(value) == "viet nam"
    return value, False


def name(text: str) -> Result:
    value, ok = printed(text.split(",")[0])
    if value is None:
        return None, False
    value = re.sub(r"[^\w\s]", "", value)
    value = re.sub(r"\s+", " ", value).strip()
    fixed, name_ok = check_name(value)
    return (fixed or None), ok and name_ok


def digits(text: str) -> Result:
    d = digits_of(text)
    return (d or None), bool(d)


NORMALIZERS: dict[str, Callable[[str], Result]] = {
    "date": parse_date,
    "id_number": id_number,
    "digits": digits,
    "sex": sex,
    "phone": phone,
    "enterprise_code": enterprise_code,
    "document_number": document_number,
    "serial": serial,
    "name": name,
    "address": address,
    "text": printed,
    "organ": organ,
    "company": company,
    "nationality": nationality,
    "money": money,
}
