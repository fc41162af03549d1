"""Decree 30 metadata read from the layout of an administrative document.

The header has two blocks: on the left the parent and issuing organ with ``Số: .../...``
under them, on the right the national title, the motto and the place-and-date line. The
subject ("Về việc ...", or "V/v ..." under the number of an official letter) may wrap over
several lines. The signer's full name is the last line of the signature block at the bottom
right, under the seal. Each is found by where it sits, not by a label.
"""

from __future__ import annotations

import re

from classifiers.catalogue import Catalogue
from classifiers.fields import (
    REVIEW_BELOW,
    REVIEW_BELOW_LONG,
    FieldValue,
    checked_text,
    date_confidence,
    word_confidence,
)
from classifiers.lines import Line, below
from classifiers.names import check_name, doubtful_marks, is_surname
from classifiers.validators import PLACE_DATE, document_number, parse_date, printed
from classifiers.vntext import fold, similarity

HEADER_BOTTOM = 0.35
"""The header (organ block, number, place and date) lies in this top share of the page."""

SUBJECT_PITCH = 3.0
"""A subject's wrapped line lies within this many word heights under the line above it (the
heights of lower-case words understate the line pitch, and copies enlarge spacing)."""

_NUMBER = re.compile(r"^\W{0,2}S[^\s\d/]{0,2}\s*[:;.]?\s*(\d.*)$", re.IGNORECASE)
_SUBJECT = re.compile(r"^\W{0,2}(v\s*[/il1|]\s*v|ve viec)\b")
_COLLECTIVES = ("uy ban nhan dan", "hoi dong nhan dan")


def _value(
    value: str | None, ok: bool, words: list, limit: float = REVIEW_BELOW
) -> FieldValue | None:
    if value is None:
        return None
    conf = word_confidence(list(words)) * (1.0 if ok else 0.5)
    return FieldValue(value, conf, conf < limit or not ok, tuple(words))


def _is_header_line(line: Line, catalogue: Catalogue) -> bool:
    return any(similarity(line.key, k) >= 0.75 for k in catalogue.ignore_lines)


def number_line(first: list[Line]) -> Line | None:
    for ln in first:
        if ln.y <= HEADER_BOTTOM and "/" in ln.text and _NUMBER.match(ln.text):
            return ln
    return None


def read_number(first: list[Line]) -> FieldValue | None:
    ln = number_line(first)
    if ln is None:
        return None
    value, ok = document_number(_NUMBER.match(ln.text).group(1))  # type: ignore[union-attr]
    # The confidence is the number's own: "Số:" is often read unsure, and it is not the value.
    start = next((i for i, w in enumerate(ln.words) if re.search(r"\d", w.text)), 0)
    return _value(value, ok, list(ln.words[start:]))


def read_issue_date(first: list[Line]) -> FieldValue | None:
    """The place-and-date line: "Hà Nội, ngày 05 tháng 5 năm 2023" (header or above signer)."""
    for ln in first:
        if not PLACE_DATE.search(ln.key):
            continue
        place = ln.text.split(",")[0]
        if "," not in ln.text or len(place.split()) > 6 or fold(place).startswith("can cu"):
            continue
        value, ok = parse_date(ln.text)
        if value is None or not ok:
            return _value(value, ok, list(ln.words))
        conf = date_confidence(ln.words)
        return FieldValue(value, conf, conf < REVIEW_BELOW, tuple(ln.words))
    return None


_PARENTS = (
    "ubnd",
    "uy ban nhan dan tinh",
    "uy ban nhan dan thanh pho",
    "uy ban nhan dan huyen",
    "uy ban nhan dan quan",
    "cong an tinh",
    "cong an thanh pho",
    "so ",
    "bo ",
)
_ORGANS = (
    "so ",
    "phong ",
    "cong an ",
    "uy ban ",
    "bo ",
    "cuc ",
    "chi cuc",
    "van phong",
    "ban ",
    "truong ",
    "benh vien",
    "trung tam",
    "tong cuc",
    "thanh tra",
    "hoi dong",
)


def _left_of_national_title(ln: Line) -> Line:
    """A header line that ran into the national title, cut before it."""
    for i in range(1, len(ln.words)):
        if fold(" ".join(w.text for w in ln.words[i : i + 3])).startswith("cong hoa xa"):
            return Line(ln.page, ln.words[:i], ln.page_width, ln.page_height)
    return ln


def read_issuer(first: list[Line], catalogue: Catalogue) -> FieldValue | None:
    """The issuing organ: the capital lines of the left header block, above the number.

    The block may start with the parent organ ("UBND TỈNH ...", "CÔNG AN TỈNH ...") above the
    issuing one; a collective name ("ỦY BAN NHÂN DÂN") on its own line starts the organ itself.
    """
    number = number_line(first)
    limit = number.top if number is not None else first[0].page_height * 0.2
    cut = [_left_of_national_title(ln) for ln in first if ln.bottom <= limit + 2]
    block = [
        ln
        for ln in cut
        if ln.x < 0.5
        and ln.right < 0.62 * ln.page_width
        and not _is_header_line(ln, catalogue)
        and sum(c.isalpha() for c in ln.text) >= 3
        and ln.text.isupper()
    ]
    block.sort(key=lambda ln: ln.top)
    if not block:
        return None
    keys = [fold(ln.text) + " " for ln in block]
    if len(block) >= 2 and keys[0].startswith(_PARENTS) and keys[1].startswith(_ORGANS):
        block = block[1:]
    words = [w for ln in block for w in ln.words]
    value, ok = printed(" ".join(ln.text for ln in block))
    if value is None:
        return None
    value, ok, certain, guessed = checked_text(value, "text")
    conf = word_confidence(words, certain) * (1.0 if ok else 0.5)
    return FieldValue(value, conf, conf < REVIEW_BELOW_LONG or not ok or guessed, tuple(words))


def read_subject(lines: list[Line], first: list[Line]) -> FieldValue | None:
    """The "Về việc ..." line under the title (or "V/v ..." under the number), with its wraps."""
    start = next((ln for ln in first if ln.y < 0.5 and _SUBJECT.match(ln.key)), None)
    if start is None:
        return None
    parts = [start]
    current = start
    for _ in range(4):
        nxt = next(
            (
                c
                for c in below(lines, current, max_pitch=SUBJECT_PITCH)
                if abs(c.x - start.x) < 0.08 or abs(c.left - start.left) < 2 * start.height
            ),
            None,
        )
        if nxt is None or nxt.text.isupper() or ":" in nxt.text[:30]:
            break
        if fold(nxt.text).startswith(("can cu", "kinh gui", "theo de nghi")):
            break
        parts.append(nxt)
        current = nxt
    words = [w for ln in parts for w in ln.words]
    text = " ".join(ln.text for ln in parts)
    text = re.sub(r"^\W*[Vv]\s*[/il1|]\s*[vV]\b", "V/v", text)
    value, ok = printed(text)
    if value is None:
        return None
    value, ok, certain, guessed = checked_text(value, "text")
    conf = word_confidence(words, certain) * (1.0 if ok else 0.5)
    return FieldValue(value, conf, conf < REVIEW_BELOW_LONG or not ok or guessed, tuple(words))


def read_signer(first: list[Line]) -> FieldValue | None:
    """The lowest name-like line in the right half of the lower page: the signer's name."""
    for ln in sorted(first, key=lambda x: -x.top):
        if ln.y < 0.3 or ln.x < 0.5:
            continue
        words = ln.text.split()
        if not 2 <= len(words) <= 6 or not is_surname(words[0]):
            continue
        # Decree 30 prints the signer's name in title case; capitals are titles and positions.
        if not all(w[:1].isupper() for w in words) or ln.text.isupper():
            continue
        value, ok = check_name(re.sub(r"[^\w\s]", "", ln.text))
        ok = ok and not doubtful_marks([(w.text, w.conf) for w in ln.words])
        return _value(value, ok, list(ln.words))
    return None


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
    conf = word_confidence(counted)
    if conf > number.confidence:
        number.confidence = conf
        number.needs_review = conf < REVIEW_BELOW or not document_number(number.value)[1]


def read_metadata(
    lines: list[Line],
    wanted: tuple[str, ...],
    catalogue: Catalogue,
    notation: tuple[str, ...] = (),
) -> dict[str, FieldValue]:
    """The Decree 30 metadata fields ``wanted`` found on the first page."""
    if not lines:
        return {}
    first = [ln for ln in lines if ln.page == lines[0].page]
    readers = {
        "document_number": lambda: read_number(first),
        "issue_date": lambda: read_issue_date(first),
        "issuer": lambda: read_issuer(first, catalogue),
        "subject": lambda: read_subject(lines, first),
        "signer": lambda: read_signer(first),
    }
    out: dict[str, FieldValue] = {}
    for name in wanted:
        value = readers[name]()
        if value is not None:
            out[name] = value
    if "document_number" in out and "issuer" in out:
        confirm_notation(out["document_number"], out["issuer"].value, notation)
    return out
