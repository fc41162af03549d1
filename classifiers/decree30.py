"""Decree 30 metadata read from the layout of an administrative document.

The header has two blocks: on the left the parent and issuing organ with ``Số: .../...``
under them, on the right the national title, the motto and the place-and-date line (both rows
are read in ``classifiers.header``). The subject stands under the kind title, or under the
number of an official letter (``classifiers.subject``). The signer's full name is the last
line of the signature block at the bottom right of the signed page, under the seal. Each is
found by where it sits, not by a label; which page is the header page and which the signed
one is ``classifiers.document``'s business.
"""

from __future__ import annotations

import re

from classifiers.catalogue import Catalogue
from classifiers.fields import checked_text
from classifiers.header import confirm_notation, initials, number_row, read_issue_date, read_number
from classifiers.lines import Line
from classifiers.names import (
    checked_name,
    is_surname,
    one_letter_off,
    surname_with_head_lost,
)
from classifiers.policy import rated
from classifiers.review import FieldValue, Flag
from classifiers.subject import read_letter_subject, read_titled_subject
from classifiers.validators import organ_kind, printed, unglued
from classifiers.vntext import fold, similarity, tone_key
from classifiers.wordlists import COLLECTIVE_NAMES as _COLLECTIVE
from classifiers.wordlists import PARENT_ORGANS as _PARENTS
from digitize.models import Word
from digitize.text import letters

__all__ = ["initials", "read_issuer", "read_metadata", "read_signer"]


def _is_header_line(line: Line, catalogue: Catalogue) -> bool:
    return any(similarity(line.key, k) >= 0.75 for k in catalogue.ignore_lines)


def _left_of_national_title(ln: Line) -> Line:
    """A header line that ran into the national title, cut before it."""
    for i in range(1, len(ln.words)):
        if fold(" ".join(w.text for w in ln.words[i : i + 3])).startswith("cong hoa xa"):
            return Line(ln.page, ln.words[:i], ln.page_width, ln.page_height)
    return ln


_ORGAN_SPECK = re.compile(
    r"(?<=[^\W\d_a-zà-ỹđ])(?:\s*[:;.]\s*|-|\s+[_~'`\"•·,|]+\s+)(?=[^\W\d_a-zà-ỹđ])"
)
"""Punctuation between two words in capitals of an organ's name: a colon, a glued hyphen, or a
mark standing alone ("NHÂN DÂN _ TỐI CAO")."""
_NOTATION_TAIL = re.compile(r"\s*/\s*[A-ZĐ].*$")
"""A notation ("/UBND-KGVX") the organ's line ran into where the number was left blank."""


def _is_parent(key: str) -> bool:
    """A parent organ's line, also with its first letter lost ("ÔNG AN TỈNH ...")."""
    if key.startswith(_PARENTS):
        return True
    return any(len(p) >= 10 and similarity(key[: len(p)], p) >= 0.8 for p in _PARENTS)


def _starts_organ(key: str) -> bool:
    """A line that names an organ: its kind ("SỞ", "CÔNG AN") and then which one. A lone
    "PHÒNG" is the end of a wrapped "HẢI PHÒNG", not an organ."""
    kind = organ_kind(key.strip())
    return kind is not None and len(key.strip()) > len(kind)


def _above(ln: Line, limit: float) -> bool:
    """Whether a line stands above the number row starting at ``limit``: most of its height
    does. A number row re-read with its handwritten digits has boxes as tall as the pen's
    strokes, which may reach up into the organ's last line (a 300-dpi report: 3 px)."""
    return ln.bottom <= limit + 2 or (limit - ln.top) > 0.75 * (ln.bottom - ln.top)


def _organ_block(first: list[Line], catalogue: Catalogue) -> list[Line]:
    """The capital lines of the left header block above the number row."""
    row = number_row(first)
    limit = row.line.top if row is not None else first[0].page_height * 0.2
    cut = [_left_of_national_title(ln) for ln in first if _above(ln, limit)]
    block = [
        ln
        for ln in cut
        if ln.x < 0.5
        and ln.right < 0.62 * ln.page_width
        and not _is_header_line(ln, catalogue)
        and not ln.text.lstrip().startswith("/")
        and not fold(ln.text).startswith("cong bao")
        and sum(c.isalpha() for c in ln.text) >= 3
        and ln.text.isupper()
    ]
    return sorted(block, key=lambda ln: ln.top)


def read_issuer(first: list[Line], catalogue: Catalogue) -> FieldValue | None:
    """The issuing organ: the capital lines of the left header block, above the number.

    The block may start with the parent organ ("UBND TỈNH ...", "BỘ TÀI CHÍNH", "TỔNG CỤC
    THUẾ") above the issuing one; a collective name ("ỦY BAN NHÂN DÂN") on its own line starts
    the organ itself, and its unit on the next line belongs to it.
    """
    block = _organ_block(first, catalogue)
    if not block:
        return None
    keys = [fold(ln.text) + " " for ln in block]
    if len(block) >= 2 and _is_parent(keys[0]):
        # The organ itself starts at the first later line naming one; lines between are the
        # parent's wrap ("CÔNG AN THÀNH PHỐ HẢI" / "PHÒNG").
        start = next((i for i in range(1, len(block)) if _starts_organ(keys[i])), None)
        if start is not None:
            block = block[start:]
    words = [w for ln in block for w in ln.words]
    value, ok = printed(_NOTATION_TAIL.sub("", " ".join(ln.text for ln in block)))
    if value is None:
        return None
    flags = [] if ok else [Flag("dot_inside_word")] if re.search(r"\w\.\w", value) else []
    # An organ's name is words in capitals: a colon or a glued hyphen between two of them
    # ("CÔNG AN-THỊ TRẤN LONG: THÀNH") is a speck read as punctuation.
    unspecked = _ORGAN_SPECK.sub(" ", re.sub(r"\bTP\.(?=[A-ZĐ])", "TP\u2024", value))
    unspecked = unspecked.replace("\u2024", ".")
    value = value.replace("\u2024", ".")
    if unspecked != value:
        flags.append(Flag("speck_in_organ"))
    value, ok, certain, guessed = checked_text(unspecked, "text")
    value, known, glued = respelled_organ(value)
    certain = certain | known
    if glued:
        flags.append(Flag("words_glued"))
    if guessed:
        flags.append(Flag("place_fuzzy_match"))
    if not ok and not flags:
        flags.append(Flag("lower_case_among_capitals"))
    if fold(value).strip(" .") in _COLLECTIVE:
        # "ỦY BAN NHÂN DÂN" names no organ until its unit follows ("PHƯỜNG ..."): the line
        # that said which was not read.
        flags.append(Flag("issuer_without_unit"))
    if _TWO_LEVELS.search(fold(value)):
        flags.append(Flag("issuer_two_levels"))
    return rated(value, "organ", words, certain, flags)


ORGAN_PHRASES = (
    "THỦ TƯỚNG CHÍNH PHỦ",
    "CHÍNH PHỦ",
    "VĂN PHÒNG CHÍNH PHỦ",
    "QUỐC HỘI",
    "TỔNG CỤC THUẾ",
    "CỤC THUẾ",
    "CHI CỤC THUẾ",
    "BỘ TÀI CHÍNH",
    "BỘ TƯ PHÁP",
    "BỘ NỘI VỤ",
    "BỘ CÔNG THƯƠNG",
    "TRƯỜNG ĐẠI HỌC",
    "THÀNH PHỐ HỒ CHÍ MINH",
    "THÀNH PHỐ HÀ NỘI",
    "ỦY BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
)
"""Organ names and name parts with one spelling each: words of the header read with a wrong
mark ("CHÍNH PHÙ", "CỤC THUÉ") whose letters spell one of these are respelled. Letters alone
are not enough for single words ("PHU" may be "PHỦ" or "PHÚ"), so only whole phrases count."""


def respelled_organ(value: str) -> tuple[str, set[str], bool]:
    """``value`` with the known organ phrases its letters spell put right, the tone keys of
    their words (now certain), and whether a phrase's words had been read glued together
    ("ỦY BANNHÂNDÂN" from a soft photo: the spaces are put back)."""
    words = value.split()
    keys = [fold(w) for w in words]
    certain: set[str] = set()
    glued = False
    for phrase in ORGAN_PHRASES:
        target = phrase.split()
        want = [fold(w) for w in target]
        n = len(want)
        joined = "".join(want)
        i = 0
        while i < len(words):
            # the phrase as read, or its words run together into fewer read words
            top = min(n, len(words) - i)
            m = next((m for m in range(top, 0, -1) if "".join(keys[i : i + m]) == joined), 0)
            if m == 0:
                i += 1
                continue
            glued = glued or keys[i : i + m] != want
            words[i : i + m], keys[i : i + m] = target, want
            certain |= {tone_key(w) for w in target}
            i += n
    return " ".join(words), certain, glued


_TWO_LEVELS = re.compile(
    r"\b(tinh|thanh pho)\b.*\b(phuong|thi tran|quan|huyen|thi xa|xa(?! hoi))\b"
)
"""A province and a unit under it in one header organ name: the parent organ ("CÔNG AN TỈNH
X") and the organ ("CÔNG AN THỊ TRẤN Y") read as one line. A header names one organ, at one
level ("ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ")."""


CENTRE_TOLERANCE = 0.8
"""How far (in text heights) a signer's name may sit from the centre of the title block above
it. Decree 30 centres the name under the signing authority's lines; measured on the tuning
pages, whole names sit within 0.4 heights of it, while a name whose first syllables the seal
wiped out ("ữu Tùng" for "Cao Hữu Tùng") sits 1.2 heights or more to the right."""

TITLE_ABOVE = 14.0
"""The signing authority's lines lie within this many text heights above the name (the
signature and the seal are between them)."""


def _name_words(ln: Line) -> tuple[list[str], list[Word], bool]:
    """The name syllables of a candidate line, the words they came from, and whether they
    needed a repair (a space OCR lost: "ĐìnhAn", "Tạ-Bảo").

    Specks of the seal or signature at either end (words without letters, a lone unsure
    letter) are left out of both the value and its confidence.
    """
    words = list(ln.words)
    while words and (letters(words[0].text) == 0 or _is_speck(words[0])):
        words.pop(0)
    while words and (letters(words[-1].text) == 0 or _is_speck(words[-1])):
        words.pop()
    text = re.sub(r"[^\w\s-]", "", " ".join(w.text for w in words))
    repaired = re.sub(r"(?<=\w)-(?=\w)", " ", text)
    repaired = unglued(repaired)
    names = repaired.split()
    # Every syllable of a name is capitalised; a small capital read as its lower-case letter
    # ("Trần khánh Tuyết", "tạ Minh Lan": k and K differ only in size) is put right, and
    # counts as a repair. A line with no capital at all is no name.
    if any(n[:1].isupper() for n in names):
        names = [n[:1].upper() + n[1:] if n[:1].islower() and n[1:].islower() else n for n in names]
    return names, words, " ".join(names) != " ".join(text.split())


def _is_speck(word: Word) -> bool:
    """A lone letter read unsure: a stroke of the signature or a bit of the seal."""
    return letters(word.text) <= 1 and word.conf < 0.6


def _title_centre(first: list[Line], name: Line) -> float | None:
    """The horizontal centre of the best-read line of the signing authority above ``name``.

    The title lines ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") are capitals in the right half, a few
    text heights above the name; the one with the most confidently read letters is taken,
    because the seal often eats the ends of the others.
    """
    reach = TITLE_ABOVE * name.height
    titles = [
        ln
        for ln in first
        if ln.x >= 0.5
        and ln.bottom <= name.top
        and name.top - ln.bottom <= reach
        and ln.text.isupper()
        and letters(ln.text) >= 4
        and ln.conf >= 0.8
    ]
    if not titles:
        return None
    best = max(titles, key=lambda ln: letters(ln.text) * ln.conf)
    return (best.left + best.right) / 2


def _from_surname(ln: Line) -> Line | None:
    """The part of a signer's line from a surname to the last title-case word after it, when
    scraps of the seal or the signature read as words come before it ("NV Đoàn Phương Hà vẻ").
    ``None`` when the line has no such part."""
    words = ln.words
    for i, w in enumerate(words[1:], 1):
        if not is_surname(re.sub(r"[^\w]", "", w.text)):
            continue
        end = i + 1
        while end < len(words) and (words[end].text[:1].isupper() or letters(words[end].text) == 0):
            end += 1
        part = [w for w in words[i:end] if letters(w.text)]
        # The name ends the line: what follows it can only be scraps, not more words.
        tail = all(letters(w.text) <= 2 for w in words[end:])
        if len(part) >= 2 and tail:
            return Line(ln.page, tuple(part), ln.page_width, ln.page_height)
    return None


def read_signer(first: list[Line], top: float = 0.3) -> FieldValue | None:
    """The lowest name-like line in the right half of the page under ``top`` (a share of the
    page height: the header page's upper part is its header; on a later signed page the
    block may stand anywhere): the signer's name.

    A line that starts with a common surname, in title case, is the name. The seal often wipes
    out its first syllables, and what is left ("Hoàng Nam" of "Chu Hoàng Nam") can still start
    with a surname; such a fragment no longer sits centred under the signing authority's
    lines, so a name off that centre, or with no such lines read above it, is flagged. Only
    when no line is a name is a name looked for after scraps inside a line; that one is
    always flagged.
    """
    lines = [ln for ln in sorted(first, key=lambda x: -x.top) if ln.y >= top and ln.x >= 0.5]
    for ln in lines:
        found = _signer_line(first, ln)
        if found is not None:
            return found
    for ln in lines:
        part = _from_surname(ln)
        if part is None or _title_centre(first, part) is None:
            continue  # scraps, a name and no signing authority above: a name in the text
        found = _signer_line(first, part, repaired=True)
        if found is not None:
            return found
    return None


def _signer_line(first: list[Line], ln: Line, repaired: bool = False) -> FieldValue | None:
    """The signer's name read from ``ln``, or ``None`` when the line is no name."""
    names, words, mended = _name_words(ln)
    repaired = repaired or mended
    if names and not is_surname(names[0]):
        surname = one_letter_off(names[0])  # "Irịnh": a T misread
        if not is_surname(surname or ""):
            surname = surname_with_head_lost(names[0])  # "guyễn": its N lost
        if surname:
            names[0], repaired = surname, True
    if not 2 <= len(names) <= 6 or not is_surname(names[0]):
        return None
    # Decree 30 prints the signer's name in title case; capitals are titles and positions.
    if not all(w[:1].isupper() and not (w.isupper() and len(w) > 1) for w in names):
        return None
    value, flags = checked_name(" ".join(names), [(w.text, w.conf) for w in words])
    if repaired:
        flags.append(Flag("signer_line_repaired"))
    centre = _title_centre(first, ln)
    mid = (min(w.left for w in words) + max(w.right for w in words)) / 2
    # No authority's lines read above it: nothing vouches that this is the whole name.
    if centre is None or abs(mid - centre) > CENTRE_TOLERANCE * ln.height:
        flags.append(Flag("signer_off_centre"))
    return rated(value, "name", words, flags=flags)


def read_metadata(
    lines: list[Line],
    wanted: tuple[str, ...],
    catalogue: Catalogue,
    notation: tuple[str, ...] = (),
    *,
    titles: tuple[str, ...] | None = None,
    signed: int | None = None,
    dated_where_signed: bool = False,
) -> dict[str, FieldValue]:
    """The Decree 30 metadata fields ``wanted``: the header's from the first page of
    ``lines``, the signer from page ``signed`` (the last page with a signature block; the
    first page when not given). ``titles`` are the kind's printed titles, folded: the subject
    of a titled kind stands under its title (with none, a kind the catalogue does not know:
    under the first centred capital line); ``None`` for an official letter, whose subject
    stands under its number. With ``dated_where_signed`` (a certificate, whose place-and-date
    line stands over its signature, not in a header), a first page without a date line takes
    the signed page's."""
    if not lines:
        return {}
    first = [ln for ln in lines if ln.page == lines[0].page]
    later = [ln for ln in lines if ln.page == signed] if signed != first[0].page else []

    def issue_date() -> FieldValue | None:
        found = read_issue_date(first)
        if found is None and dated_where_signed and later:
            found = read_issue_date(later)
        return found

    readers = {
        "document_number": lambda: read_number(first),
        "issue_date": issue_date,
        "issuer": lambda: read_issuer(first, catalogue),
        "subject": lambda: (
            (titles is not None and read_titled_subject(first, titles))
            or read_letter_subject(lines, first)
        ),
        "signer": lambda: read_signer(later, 0.0) if later else read_signer(first),
    }
    out: dict[str, FieldValue] = {}
    for name in wanted:
        value = readers[name]()
        if value is not None:
            out[name] = value
    if "document_number" in out and "issuer" in out:
        confirm_notation(out["document_number"], out["issuer"].value, notation)
    return out
