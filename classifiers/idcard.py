"""What an identity card gives beyond its labelled fields: the officer who signed a card's back
and the card's QR code.

The back of a chip card names the officer who issued it under the title of the office
("CỤC TRƯỞNG CỤC CẢNH SÁT / QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"), with the signature and the
red seal between the title and the name and, on the 2021 card, the title's English version
too. No label introduces the name and it does not sit where a Decree 30 signer sits (bottom
right): it is the first line in title case under the title, a few text heights down. The
code's values are applied by :mod:`classifiers.qr`.
"""

from __future__ import annotations

import re

from classifiers.catalogue import DocType
from classifiers.decree30 import CENTRE_TOLERANCE
from classifiers.header import date_row, read_issue_date
from classifiers.lines import Line
from classifiers.names import checked_name, is_surname, one_letter_off
from classifiers.policy import rated
from classifiers.qr import confirm_with_code
from classifiers.review import FieldValue, Flag
from classifiers.vntext import is_upper_line
from digitize.models import PageResult, Word

OFFICE_TITLES = (
    "cuc truong",
    "cuc canh sat",
    "quan ly hanh chinh ve trat tu xa hoi",
    "giam doc",
    "giam dc",
    "cong an",
)
"""Folded pieces of the issuing office's title printed above the officer's name: the chip
card's police department, the old card's provincial police director ("GIÁM ĐỐC CA THANH
HÓA", "GIÁM ĐỐC CÔNG AN TP. HẢI PHÒNG"; its Ố lost under the laminate: "GIÁM ĐC")."""

NAME_BELOW = 12.0
"""The officer's name lies within this many text heights under the title (the English title,
the signature and the seal are between them)."""


def _title_lines(lines: list[Line]) -> list[Line]:
    return [
        ln for ln in lines if is_upper_line(ln.text) and any(t in ln.key for t in OFFICE_TITLES)
    ]


def _name_words(line: Line) -> list[Word]:
    """The words of ``line`` that hold letters, without specks of the seal at either end."""
    words = [w for w in line.words if re.search(r"[^\W\d_]", w.text)]
    while words and len(words[0].text) <= 1 and words[0].conf < 0.6:
        words.pop(0)
    while words and len(words[-1].text) <= 1 and words[-1].conf < 0.6:
        words.pop()
    return words


_LOOKALIKES = {"ð": "ođ", "Ð": "ĐO", "ø": "o", "Ø": "O", "0": "oO"}
"""Characters OCR reads in place of a letter of a small bold name (a stroke of the signature
through an "o"), with the letters they may stand for."""


def _surname_repaired(word: str) -> str | None:
    """The one surname ``word`` is with a look-alike character or one consonant put right
    ("Cað" is "Cao"), or ``None``."""
    found = set()
    for i, ch in enumerate(word):
        for letter in _LOOKALIKES.get(ch, ""):
            trial = word[:i] + letter + word[i + 1 :]
            if is_surname(trial):
                found.add(trial)
    if len(found) == 1:
        return found.pop()
    fixed = one_letter_off(word)
    return fixed if fixed and is_surname(fixed) else None


def _is_name(names: list[str]) -> bool:
    """Two to six syllables in title case, the first a surname: a person, not a title."""
    return (
        2 <= len(names) <= 6
        and is_surname(names[0])
        and all(n[:1].isupper() and not (n.isupper() and len(n) > 1) for n in names)
    )


def read_officer(lines: list[Line]) -> FieldValue | None:
    """The name of the officer who signed a card's back, or ``None`` when it is not there."""
    titles = _title_lines(lines)
    if not titles:
        return None
    last = max(titles, key=lambda ln: ln.bottom)
    block = [t for t in titles if t.page == last.page]
    left, right = min(t.left for t in block), max(t.right for t in block)
    reach = NAME_BELOW * last.height
    under = sorted(
        (
            ln
            for ln in lines
            if ln.page == last.page
            and ln.top > last.bottom
            and ln.top - last.bottom <= reach
            and ln.right > left
            and ln.left < right
        ),
        key=lambda ln: ln.top,
    )
    for ln in under:
        words = _name_words(ln)
        names = [re.sub(r"[^\w]", "", w.text) for w in words]
        flags = []
        if names and not is_surname(names[0]):
            fixed = _surname_repaired(names[0])
            if fixed:
                names[0] = fixed
                flags.append(Flag("signer_line_repaired"))
        if _is_name(names):
            value, checked = checked_name(" ".join(names), [(w.text, w.conf) for w in words])
            mid = (min(w.left for w in words) + max(w.right for w in words)) / 2
            # The name is centred under the title: one off centre lost a syllable to the
            # signature or the seal ("Mai Hà" for "Trần Mai Hà").
            if abs(mid - (left + right) / 2) > CENTRE_TOLERANCE * ln.height:
                checked.append(Flag("signer_off_centre"))
            return rated(value, "name", words, flags=flags + checked)
    return None


def complete_card(
    found: dict[str, FieldValue], pages: list[PageResult], lines: list[Line], doc_type: DocType
) -> None:
    """Adds to a card's fields what its labels do not give: the signing officer of its back,
    then the values of its QR code (see :func:`classifiers.qr.confirm_with_code`)."""
    if not doc_type.mrz:
        return
    if "signer" not in found:
        officer = read_officer(lines)
        if officer is not None:
            found["signer"] = officer
    if "issue_date" not in found and any(f.name == "issue_date" for f in doc_type.fields):
        # The old card's back: "Ngày 12 tháng 05 năm 2010" above the officer's title, its
        # slots typed or written by hand, read as a place-and-date line's are.
        row = date_row(lines)
        issued = read_issue_date(lines, row) if row is not None else None
        if issued is not None and issued.value is not None:
            found["issue_date"] = issued
    confirm_with_code(found, pages, doc_type)


__all__ = ["complete_card", "read_officer"]
