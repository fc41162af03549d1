"""The number row and the place-and-date row of a Decree 30 header, found in a page's reading.

``Số: 47 /QĐ-UBND`` stands under the organ block on the left, ``Quảng Ngãi, ngày 23 tháng 01
năm 2025`` under the national title on the right, both in the top part of the page. Where the
number and the day were written in by hand, the page's reading has specks, look-alike letters
or nothing in their slots, glued to ``Số:`` or ``ngày`` as often as not. These helpers find the
rows whose slots need a second look (see :mod:`digitize.slots`), and judge whether a reading
of a row's crop has clean digits in the slot with the printed words around them agreeing with
the page's (the notation, the month, the year). A card's number row is none of these: its
bilingual label (``Số/No: 792104365018`` on a driving licence) has an English half where a
notation would stand, and its value is a card's 9 to 12 digits. Text is matched folded (no
tone or vowel marks); folding keeps a text's length, so spans found in it are spans of the text.
"""

from __future__ import annotations

import difflib
import re
import statistics
import unicodedata
from dataclasses import dataclass

from digitize.models import Word

HEADER_BOTTOM = 0.35
"""The number and date rows lie in this top share of the page."""

SAME_ROW = 0.5
"""Two words are on one row when they share this share of the smaller one's height."""

ROW_GAP = 6.0
"""Words of one row are at most this many text heights apart (a blank left for the pen)."""

PLACE_GAP = 2.5
"""Words of the place before ``ngày`` are at most this many text heights apart."""

TALL = 1.2
"""Slot digits this many times taller than the row's print were written by hand."""

_NUMBER_HEAD = re.compile(r"^\W{0,2}s(?:[^\W\d_](?![^\W\d_])|(?=[\d\W]))\s*[:;.]?\s*", re.I)
"""``Số`` / ``Số:`` opening a page's number row (folded), also glued to the number as the
pen squeezed it in (``Số:47`` read ``s4`` and ``Z7``, ``sẽ``): a row is taken as the number
row only with a notation after it."""

CROP_HEAD = re.compile(r"^\W{0,2}(?:\S{1,3}?[:;]|\S{1,3}(?:\s|$))\s*")
"""What a crop's reading has for ``Số:``: a digits model reads it ``86:``, ``S6:`` or ``sé``."""

_NOTATION = re.compile(
    r"[/,|]\s*((?:\d{4}\s*/\s*)?[A-Za-z][A-Za-z0-9]*(?:\s*-\s*[A-Za-z0-9]+)*)\W*$"
)

_LABEL_HALF = re.compile(r"^n(?:[^\W\d_]?[o0])?$", re.I)
"""The English half of a card's bilingual number label (``Số/No:``, ``Số / No.:``), also as
OCR misreads it (``Số/N0:``, ``Số/NGo:``, ``N°`` read ``N``): after the slash like a notation,
but no Decree 30 document's."""

_ID_NUMBER = re.compile(r"^\d{9,12}$")
"""A card's number (an identity card's 9 or 12 digits, a driving licence's 12), printed after
its label: never the few digits of a document's number written in by hand."""

_DATE = re.compile(
    r"\bn[a-z]{1,2}y\s*(?P<day>.*?)\s*\bt[a-z]{1,3}ng\s*(?P<month>.*?)\s*\bn[a-z]{1,3}m\s*"
    r"(?P<year>\d{4})\b",
    re.IGNORECASE,
)
"""The slots of ``ngày .. tháng .. năm 2025`` (folded), also as a digits model reads the
words (``ngay 05 thing 02 ndm 2025``)."""

NOTATION_AGREES = 0.8
"""How alike the notation of a crop's reading and the page's must be (``difflib`` ratio)."""

_D = str.maketrans("đĐðÐ", "dDdD")
"""``Đ`` and the look-alike ``Ð`` that Tesseract often reads for it, as ``D``."""


def fold(text: str) -> str:
    """Text without tone and vowel marks, ``đ`` as ``d``: how the printed words are matched."""
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_D)


@dataclass(frozen=True)
class Row:
    """A number or place-and-date row of a page's reading, with its slot read as it is."""

    kind: str
    """``"number"`` or ``"date"``."""
    ids: tuple[int, ...]
    """Indexes of the row's words in the page's reading, left to right."""
    anchor: str
    """What the crop's reading must agree with: the notation, or the month and year."""


def clean(slot: str) -> str | None:
    """The slot's digits when it holds clean digits only (spaces and dots aside), else None."""
    cleaned = re.sub(r"[\s.,:;]", "", slot)
    return cleaned if cleaned.isdigit() else None


def _same_row(a: Word, b: Word) -> bool:
    shared = min(a.bottom, b.bottom) - max(a.top, b.top)
    return shared > SAME_ROW * min(a.height, b.height)


def _row_from(words: list[Word], start: int, *, left_gap: float, right_gap: float) -> list[int]:
    """Indexes of the words on ``words[start]``'s row, reached from it leftwards and rightwards
    across gaps no wider than the given numbers of text heights."""
    seed = words[start]
    on_row = sorted(
        (i for i, w in enumerate(words) if _same_row(seed, w)), key=lambda i: words[i].left
    )
    h = float(statistics.median(words[i].height for i in on_row))  # a pen's digit stands taller
    at = on_row.index(start)
    lo = hi = at
    while lo > 0 and words[on_row[lo]].left - words[on_row[lo - 1]].right < left_gap * h:
        lo -= 1
    while hi + 1 < len(on_row) and words[on_row[hi + 1]].left - words[on_row[hi]].right < (
        right_gap * h
    ):
        hi += 1
    return on_row[lo : hi + 1]


Span = tuple[int, int]


def parse_number(text: str, head: re.Pattern[str] = _NUMBER_HEAD) -> tuple[str, str, Span] | None:
    """(slot, notation, the slot's span in ``text``) of a number row's text:
    ``Số: 47 /QĐ-UBND`` -> ("47", "QD-UBND", (4, 6))."""
    folded = fold(text)
    if len(folded) != len(text):
        return None  # spans of the folded text would not be the text's
    found = head.match(folded)
    if found is None:
        return None
    m = _NOTATION.search(folded, found.end())
    if m is None or len(folded[found.end() : m.start()].strip()) > 12:
        return None
    notation = re.sub(r"\s+", "", m.group(1))
    if _label(notation, folded[m.end(1) :]):
        return None
    a, b = found.end(), m.start()
    slot = folded[a:b]
    if _ID_NUMBER.match(clean(slot) or ""):
        return None
    a += len(slot) - len(slot.lstrip())
    b -= len(slot) - len(slot.rstrip())
    return folded[a:b], notation, (a, max(a, b))


def _label(notation: str, after: str) -> bool:
    """Whether what :func:`parse_number` took for a notation is the English half of a card's
    bilingual label (``Số/No:``): ``No`` as read, or a short word without groups that a colon
    follows (a label's colon; a notation ends its row)."""
    if _LABEL_HALF.match(notation):
        return True
    return ":" in after and len(notation) <= 3 and not re.search(r"[-/]", notation)


def _id_number(words: list[Word], ids: list[int]) -> bool:
    """Whether ``words[ids]`` hold a card's number: a run of 9 to 12 clean digits."""
    texts = [fold(words[i].text) for i in ids]
    return any(_ID_NUMBER.match(clean(t) or "") for t in [" ".join(texts), *texts])


def parse_date(text: str) -> tuple[str, str, str, Span, Span] | None:
    """(day, month, year, the day's span, the month's span) of a place-and-date row's text."""
    folded = fold(text)
    m = _DATE.search(folded)
    if m is None or len(folded) != len(text):
        return None
    return m.group("day"), m.group("month"), m.group("year"), m.span("day"), m.span("month")


def joined(words: list[Word]) -> tuple[str, list[Span]]:
    """The words' text joined by spaces, and each word's span in it."""
    spans, at = [], 0
    for w in words:
        spans.append((at, at + len(w.text)))
        at += len(w.text) + 1
    return " ".join(w.text for w in words), spans


def _text(words: list[Word], ids: list[int] | tuple[int, ...]) -> str:
    return " ".join(words[i].text for i in ids)


def printed_height(words: list[Word], ids: list[int] | tuple[int, ...]) -> float:
    """Median height of the row's printed words (two letters or more)."""
    hs = [words[i].height for i in ids if sum(c.isalpha() for c in words[i].text) >= 2]
    return float(statistics.median(hs)) if hs else float(words[ids[0]].height)


def _tall(words: list[Word], ids: list[int], slot: str, printed: float) -> bool:
    tokens = set(slot.split())
    mine = [words[i] for i in ids if fold(words[i].text) in tokens]
    return bool(mine) and all(w.height > TALL * printed for w in mine)


def number_row(words: list[Word], width: int, height: int) -> Row | None:
    """The page's ``Số: .../NOTATION`` row when its number slot needs a second look."""
    for i, w in enumerate(words):
        if w.top > HEADER_BOTTOM * height or w.left + w.width / 2 > 0.5 * width:
            continue
        if not _NUMBER_HEAD.match(fold(w.text)):
            continue
        if _row_from(words, i, left_gap=PLACE_GAP, right_gap=0.0)[0] != i:
            continue  # "... Nghị định số 42/2010/NĐ-CP" in a sentence, not the number row
        ids = [
            j
            for j in _row_from(words, i, left_gap=0.0, right_gap=ROW_GAP)
            if words[j].left >= w.left and words[j].left + words[j].width / 2 < 0.5 * width
        ]
        # The row ends with its notation: the place and date may follow on the same row.
        ends = [k for k in range(1, len(ids) + 1) if parse_number(_text(words, ids[:k]))]
        if not ends or _id_number(words, ids[ends[-1] :]):
            continue  # a card's number after its label, whatever the label was read as
        ids = ids[: ends[-1]]
        slot, notation, _span = parse_number(_text(words, ids)) or ("", "", (0, 0))
        head = _NUMBER_HEAD.match(fold(w.text))
        glued = head is not None and head.end() < len(w.text)  # "Số:11": squeezed in by hand
        if clean(slot) and not glued and not _tall(words, ids, slot, printed_height(words, ids)):
            return None
        return Row("number", tuple(ids), notation.upper())
    return None


def date_row(words: list[Word], width: int, height: int) -> Row | None:
    """The page's ``<place>, ngày ... tháng ... năm 20..`` row when its day or month slot
    needs a second look; lower on the page, a row that is a date alone (``Ngày .. tháng ..
    năm 2010``: the old identity card's back, a form's date above its signature)."""
    for i, w in enumerate(words):
        if not fold(w.text).lower().startswith("ngay"):
            continue
        row = _row_from(words, i, left_gap=PLACE_GAP, right_gap=ROW_GAP)
        if w.top > HEADER_BOTTOM * height and row[0] != i:
            continue
        if words[row[0]].left < 0.3 * width:
            continue  # a sentence at the left margin ("Căn cứ ... ngày 19 tháng 6 năm 2015")
        parsed = parse_date(_text(words, row))
        if parsed is None or not 1900 <= int(parsed[2]) <= 2100:
            continue
        day, month, year, day_span, month_span = parsed
        printed = printed_height(words, row)
        if (
            clean(day)
            and 1 <= int(clean(day) or 0) <= 31  # "ngày 0": the pen's "08" read in part
            and clean(month)
            and day_span[0] > 0
            and not fold(_text(words, row))[day_span[0] - 1].isalpha()  # "ngày11": by hand
            and not _tall(words, row, day, printed)
            and not _tall(words, row, month, printed)
        ):
            return None
        return Row("date", tuple(row), f"{clean(month) or ''}|{year}")
    return None


def _similar(a: str, b: str) -> bool:
    """Whether two readings of a printed notation agree but for a letter (``QĐ``, ``QB``)."""
    return difflib.SequenceMatcher(None, a, b).ratio() >= NOTATION_AGREES


def agrees(row: Row, read: list[Word]) -> tuple[str, list[Span]] | None:
    """The slot value of a crop's reading, and the spans of its slots in the reading's joined
    text, when it has clean digits in the slot and the printed words around them agree with
    the page's reading; else ``None``."""
    text, _spans = joined(read)
    if row.kind == "number":
        parsed = parse_number(text, CROP_HEAD)
        if parsed is None:
            return None
        slot, notation, span = parsed
        number = clean(slot)
        if number is None or len(number) > 5 or not _similar(notation.upper(), row.anchor):
            return None
        return str(int(number)), [span]
    parsed_date = parse_date(text)
    if parsed_date is None:
        return None
    day_s, month_s, year, day_span, month_span = parsed_date
    day, month = clean(day_s), clean(month_s)
    printed_month, printed_year = row.anchor.split("|")
    if day is None or month is None or year != printed_year or len(day) > 2:
        return None
    if printed_month and int(month) != int(printed_month):
        return None
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return None
    spans = [day_span] if printed_month else [day_span, month_span]
    return f"{year}-{int(month):02d}-{int(day):02d}", spans


def printed_spans(read: list[Word], row: Row, slots_read: int) -> list[Span]:
    """Where the slots lie in ``read`` (the spans to cut out for the digits), when it reads
    the row's printed words as the page does; else no spans."""
    text, _spans = joined(read)
    if row.kind == "number":
        parsed = parse_number(text)
        if parsed is None or not _similar(parsed[1].upper(), row.anchor):
            return []
        return [parsed[2]]
    parsed_date = parse_date(text)
    if parsed_date is None or parsed_date[2] != row.anchor.split("|")[1]:
        return []
    return list(parsed_date[3 : 3 + slots_read])
