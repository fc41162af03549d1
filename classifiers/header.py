"""The Decree 30 header as real pages print it: the number line and the place-and-date line.

``Số: 123/QĐ-UBND`` stands under the organ block on the left; on real scans the number (and the
day of the date on the right) is often written by hand or stamped after signing, squeezed
against ``Số:`` (``Số:11``), read as letters (``A2``, ``Ø7``) or left blank (``Số:   /TB-UBND``),
and Tesseract may cut the line where the blank is (``Số:`` and ``/TB-UBND`` as two pieces).
So the readers here take the row, not one OCR line, read each slot apart, and never hand out
a slot they had to guess as confident: a slot read through digit look-alikes is
``number_handwritten`` / ``date_handwritten``; a blank or unreadable one gives no value and
``number_unreadable`` / ``date_unreadable``. The notation's groups also tell the document's
kind (``46/TB-UBND`` is a notice), which ``doctype`` uses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from classifiers.lines import Line, same_row
from classifiers.policy import rated, reread
from classifiers.review import FieldValue, Flag
from classifiers.vntext import BILINGUAL_DATE_WORD, eth_as_d, fold
from digitize.models import SLOT_BLOCK, Word

HEADER_BOTTOM = 0.35
"""The header (organ block, number, place and date) lies in this top share of the page."""

MAX_NUMBER_SLOT = 12
"""Characters between "Số:" and the notation: a number, a blank for the pen, specks."""
_NUMBER_HEAD = re.compile(r"^\W{0,2}(?:luat\s+)?s[o0](?:[a-z](?=\s?\d|[^\w\s]))?(?=[\W\d_]|$)")
"""``Số`` (folded) at the start of a line, also glued to what follows (``Số:11``), its colon
also read as a letter before a mark or a digit (``Sốz-68/QĐ-VKSTC``)."""
_GAZETTE = re.compile(r"^\W{0,2}cong bao\b")
"""The Official Gazette's running header (``CÔNG BÁO/Số 677 + 678/Ngày 24-4-2023``)."""
_NOTATION = re.compile(
    r"(?:[/,|]|(?<=\d)\s?[“”\"'‘’])\s*"
    r"((?:\d{4}\s*/\s*)?[A-Za-zĐđÐð][\wĐđÐð]*(?:\s*-\s*[\wĐđÐð]+)*)[\s\W]*$"
)
"""The notation ending the number row, after its slash (a slash read as a comma or a bar, or,
right after the number, as a quote mark: ``2191 “€T-CS``)."""
_NOTATION_LETTERS = str.maketrans({"€": "C", "¢": "C", "©": "C"})
"""Marks a notation's capital C is read as on a black-and-white copy."""
_NOTATION_DIGITS = {"8": "B", "5": "S", "0": "Q"}
_NOTATION_HEAD_DIGIT = re.compile(r"(?<=[/|])(\s*)([850])(?=[A-ZĐ])")
"""A notation's first capital read as the digit it looks like, right after the slash and
before another capital (``23 /8C-UBND`` is ``BC``, ``0Đ`` is ``QĐ``): a kind's abbreviation
starts with a letter."""
_NOTATION_OK = re.compile(r"(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*")
_LOOKALIKES = str.maketrans(
    {
        "O": "0", "o": "0", "Ø": "0", "ø": "0", "Q": "0", "D": "0", "Ơ": "0", "ơ": "0",
        "Ô": "0", "ô": "0", "Ö": "0", "ö": "0", "Ó": "0", "ó": "0", "Ò": "0", "ò": "0",
        "I": "1", "l": "1", "|": "1", "i": "1", "!": "1", "¡": "1", "]": "1", "[": "1",
        "S": "5", "s": "5", "B": "8", "Z": "2", "g": "9", "q": "9",
    }
)  # fmt: skip
"""Letters and marks that handwritten or badly printed digits are read as."""


@dataclass(frozen=True)
class NumberRow:
    """The pieces of the number row: the number as read, the notation, their words."""

    number: str
    notation: str
    words: tuple
    line: Line
    repaired: bool = False
    """Whether the notation's slash or a letter of it was read as another mark."""


def _row_text(pieces: list[Line]) -> tuple[str, tuple]:
    pieces = sorted(pieces, key=lambda ln: ln.left)
    words = tuple(w for ln in pieces for w in ln.words)
    return " ".join(ln.text for ln in pieces), words


def number_row(first: list[Line]) -> NumberRow | None:
    """The ``Số: .../...`` row of the header's left block, joined from the pieces OCR cut it
    into; ``None`` when the page has none (a Gazette running header is not one)."""
    for ln in first:
        if ln.y > HEADER_BOTTOM or ln.x >= 0.5 or _GAZETTE.match(ln.key):
            continue
        if not _NUMBER_HEAD.match(ln.key):
            continue
        pieces = [ln] + [
            o for o in first if o is not ln and o.x < 0.5 and o.left > ln.left and same_row(ln, o)
        ]
        text, words = _row_text(pieces)
        body = re.sub(r"^\W{0,2}(?:[Ll]uật\s+)?\S{0,1}[^\W\d]{1,2}\s*[:;.]?", "", text, count=1)
        read = body.translate(_NOTATION_LETTERS)  # the same length: positions hold
        read = _NOTATION_HEAD_DIGIT.sub(lambda d: d[1] + _NOTATION_DIGITS[d[2]], read)
        m = _NOTATION.search(read)
        if m is None or len(body[: m.start()].strip()) > MAX_NUMBER_SLOT:
            continue  # an organ's line starting "Sở ...", not the number row
        notation = eth_as_d(re.sub(r"\s+", "", m.group(1)))
        repaired = read[m.start() : m.end()] != body[m.start() : m.end()] or not re.match(
            r"[/,|]", m.group(0)
        )
        return NumberRow(body[: m.start()].strip(), notation, words, ln, repaired)
    return None


def notation_groups(notation: str) -> list[str]:
    """ "2020/NĐ-CP" -> ["NĐ", "CP"]: the groups after the year, as printed."""
    return [g for g in notation.split("/")[-1].split("-") if g]


def _digits(slot: str) -> tuple[str | None, bool]:
    """A number slot as digits, and whether look-alikes had to be read as digits."""
    cleaned = re.sub(r"[\s.,;:'`]", "", slot)
    if not cleaned:
        return None, False
    digits = cleaned.translate(_LOOKALIKES)
    if not digits.isdigit():
        return None, True
    return digits, digits != cleaned


HANDWRITTEN_TALLER = 1.2
"""A number or day written by hand stands taller than the printed digits of the same header
(measured on real scans: handwritten days and numbers 1.26-1.9 times the printed year's
height, printed ones 0.95-1.1)."""

RAISED_SHARE = 0.18
"""A day whose foot stands above the printed year's by this share of the year's height was
put in after printing, on its own line (measured on real scans: such days 0.2-0.3 of the
year's height above it, printed ones level within 0.05)."""


def _year_height(first: list[Line]) -> float | None:
    """The height of the printed year of the place-and-date row: the digits' print size."""
    found = place_date_row(first)
    if found is None:
        return None
    years = sorted(w.height for w in found[1] if re.fullmatch(r"\d{4}", w.text))
    return float(years[len(years) // 2]) if years else None


def _taller(words: list, slot: str, printed: float | None) -> bool:
    """Whether the words of ``slot`` stand taller than printed digits (written by hand)."""
    tokens = set(slot.split())
    mine = [w for w in words if w.text in tokens]
    return bool(printed and mine) and all(w.height > HANDWRITTEN_TALLER * printed for w in mine)


def _raised(words: list, slot: str, printed: Word | None) -> bool:
    """Whether the words of ``slot`` stand clearly above the line of the printed year
    (``printed``: its word): typed or written into the blank after printing, in a smaller size
    on a line of its own, where a low-resolution copy's digits are easily misread (``08`` as
    ``28``) at high confidence."""
    tokens = set(slot.split())
    mine = [w for w in words if w.text in tokens]
    if printed is None or not mine:
        return False
    line = printed.top + printed.height
    return all(w.top + w.height < line - RAISED_SHARE * printed.height for w in mine)


def _reread(words: tuple) -> bool:
    """Whether the row's slot was read again from its own crop (see :mod:`digitize.slots`):
    only a slot left without clean digits by the page's reading, written in by hand, is."""
    return any(w.block == SLOT_BLOCK for w in words)


def read_number(first: list[Line]) -> FieldValue | None:
    """``123/QĐ-UBND`` from the header's number row, without spaces (the contract's form).

    A number read through look-alikes is given flagged; a blank or unreadable one (written
    by hand in the blank left for it) is no value, flagged, so a clerk types it in.
    """
    row = number_row(first)
    if row is None:
        return None
    number, guessed = _digits(row.number)
    flags = []
    if not _NOTATION_OK.fullmatch(row.notation) or "ĐĐ" in row.notation:
        flags.append(Flag("notation_malformed"))
    elif row.repaired:
        flags.append(Flag("notation_marks_misread"))
    # The confidence is the number's and the notation's own: "Số:" is often read unsure, and
    # it is not the value.
    start = next((i for i, w in enumerate(row.words) if re.search(r"\d", w.text)), 0)
    digit_words = list(row.words[start:])
    if number is None or len(number) > 5:
        flags.append(Flag("number_unreadable"))
        return rated(None, "document_number", digit_words, flags=flags, valid=False)
    # A number glued to "Số:" ("Số:11") was squeezed in by hand: print leaves a space.
    glued = re.match(r"^\W{0,2}\S{1,3}:\d", row.line.text)
    if (
        guessed
        or glued
        or _reread(row.words)
        or _taller(list(row.words), row.number, _year_height(first))
    ):
        flags.append(Flag("number_handwritten"))
    notation = re.sub(r"\s+", "", row.notation)
    return rated(f"{number}/{notation}", "document_number", digit_words, flags=flags)


_ENGLISH = BILINGUAL_DATE_WORD
_DATE_SLOTS = re.compile(
    rf"ng[^\W\d_]{{1,2}}y{_ENGLISH}\s*(?P<day>.*?)\s*th[^\W\d_]{{1,2}}ng{_ENGLISH}\s*"
    rf"(?P<month>.*?)\s*n[^\W\d_]{{1,2}}m{_ENGLISH}\s*"
    r"(?P<year>[\dOoØIl|!SBZ]{1,4}(?:\s[\dOoØIl|!SBZ]{1,3})?)",
    re.IGNORECASE,
)


def place_date_row(first: list[Line]) -> tuple[str, tuple] | None:
    """The place-and-date row under the national title (its pieces joined); on a page whose
    header has none (a certificate), the first "<place>, ngày ..." line anywhere."""
    return _place_date_row(first, True) or _place_date_row(first, False)


def _place_date_row(first: list[Line], header: bool) -> tuple[str, tuple] | None:
    for ln in first:
        if _GAZETTE.match(ln.key) or not re.search(r"\bngay", ln.key) or "can cu" in ln.key:
            continue
        if header and (ln.y > HEADER_BOTTOM or ln.right < 0.45 * ln.page_width):
            continue
        # "<place>, ngày ...": the comma may read as a full stop ("Cần Thơ. ngày 20 ...").
        sep = re.search(r"[,.]\s*ng", ln.text)
        place = ln.text[: sep.start()] if sep else ln.text
        if not header and (sep is None or len(place.split()) > 6):
            continue
        pieces = [ln] + [o for o in first if o is not ln and o.left > ln.left and same_row(ln, o)]
        text, words = _row_text(pieces)
        if _DATE_SLOTS.search(text):
            return text, words
    return None


def date_row(lines: list[Line]) -> tuple[str, tuple] | None:
    """A line that is a date alone, "Ngày 12 tháng 05 năm 2010" (an old identity card's back
    dates its issue so, under no place and no label), with the pieces of its row."""
    for ln in lines:
        if not re.match(r"^\W{0,2}ngay\b", ln.key) or "/" in ln.key.split()[0][4:]:
            continue
        pieces = [ln] + [o for o in lines if o is not ln and o.left > ln.left and same_row(ln, o)]
        text, words = _row_text(pieces)
        m = _DATE_SLOTS.search(text)
        if m and m.start() <= 3:
            return text, words
    return None


def read_issue_date(first: list[Line], row: tuple[str, tuple] | None = None) -> FieldValue | None:
    """The issue date of the place-and-date line (or of ``row``, a date line found otherwise:
    see :func:`date_row`), each slot (day, month, year) read apart.

    Decree 30 pads days under 10 and the months January and February with a zero: a lone
    digit there is most often half of a handwritten number (``date_not_zero_padded``).
    """
    found = row or place_date_row(first)
    if found is None:
        return None
    text, words = found
    m = _DATE_SLOTS.search(text)
    assert m is not None
    month_slot, year_slot = m.group("month"), m.group("year")
    floated = not month_slot.strip() and re.match(r"(\d{1,2})\s+(\d{4})\b", text[m.start("year") :])
    if floated:
        # The month written in by hand stood lower than the print: OCR put it after "năm"
        # ("tháng năm 7 2019").
        month_slot, year_slot = floated.group(1), floated.group(2)
    day, day_guess = _digits(m.group("day"))
    month, month_guess = _digits(month_slot)
    year, year_guess = _digits(year_slot)
    if year is not None and len(year) > 4:
        year = year[:4]
    digit_words = [w for w in words if re.search(r"\d", w.text)] or list(words)
    flags: list[Flag] = []
    if day is None or month is None or year is None or len(year) != 4:
        return rated(None, "date", digit_words, flags=[Flag("date_unreadable")], valid=False)
    glued = re.search(r"ng[^\W\d_]{1,2}y\d", text, re.IGNORECASE)  # "ngày11": by hand
    years = sorted((w for w in words if re.fullmatch(r"\d{4}", w.text)), key=lambda w: w.height)
    printed_year = years[len(years) // 2] if years else None
    year_height = float(printed_year.height) if printed_year else None
    tall = _taller(list(words), m.group("day"), year_height) or _taller(
        list(words), m.group("month"), year_height
    )
    raised = _raised(list(words), m.group("day"), printed_year)
    put_in = tall or raised or glued or floated or _reread(words)  # after printing
    if day_guess or month_guess or year_guess or put_in:
        flags.append(Flag("date_handwritten"))
    d, mo, y = int(day), int(month), int(year)
    if len(day) < 2 or (len(month) < 2 and mo <= 2):
        flags.append(Flag("date_not_zero_padded"))
    value = f"{y:04d}-{mo:02d}-{d:02d}"
    try:
        dt.date(y, mo, d)
    except ValueError:
        flags.append(Flag("date_not_real"))
    return rated(value, "date", digit_words, flags=flags)


def has_national_title(lines: list[Line], page: int) -> bool:
    """Whether ``page`` prints the national title (or its motto) in its top part: the start
    of a document in the Decree 30 layout."""
    for ln in lines:
        if ln.page != page or ln.y > HEADER_BOTTOM:
            continue
        key = ln.key
        if "cong hoa xa hoi" in key or "chu nghia viet nam" in key or "doc lap tu do" in key:
            return True
    return False


def is_draft(lines: list[Line], page: int) -> bool:
    """A draft (``DỰ THẢO``) printed near the top of ``page``: an attachment, not the
    document itself."""
    return any(
        ln.page == page and ln.y <= HEADER_BOTTOM and fold(ln.text).startswith("du thao")
        for ln in lines
    )


def initials(organ: str) -> str:
    """ "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" -> "SKHĐT": how a notation abbreviates its issuing organ."""
    words = [w for w in re.sub(r"[^\w\s]", " ", organ).split() if fold(w) != "va"]
    return "".join(w[0].upper() for w in words)


def confirm_notation(number: FieldValue, issuer: str | None, types: tuple[str, ...]) -> None:
    """Lets an independently confirmed notation stop deciding the number's confidence.

    Tesseract is often unsure of "QĐ" and "UBND" (the Đ, the small caps) while the digits are
    clear. A notation group that is this type's abbreviation, or the initials of the start of
    the issuing organ read from the header ("UBND" for "ỦY BAN NHÂN DÂN ..."), is confirmed by
    another reading; an OCR word made only of confirmed groups no longer counts. Digits always
    count, and so does any group nothing explains (a department code such as "VP").
    """
    if number.value is None or "/" not in number.value or not number.words:
        return
    organ = initials(issuer or "")
    known = {fold(t) for t in types} | {fold(organ[:n]) for n in range(2, len(organ) + 1)}
    known.discard("")

    def explained(word_text: str) -> bool:
        text = word_text.replace("Ð", "Đ").replace("ð", "đ")
        groups = [g for g in re.split(r"[^\w]+", text) if g]
        return bool(groups) and all(not re.search(r"\d", g) and fold(g) in known for g in groups)

    counted = [w for w in number.words if not explained(w.text)]
    if len(counted) == len(number.words) or not counted:
        return
    reread(number, counted)
