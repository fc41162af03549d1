"""The subject (trích yếu) of a Decree 30 document, as the two layouts print it.

An official letter prints it under its number on the left, starting ``V/v``. Every other kind
prints it centred under its kind title (``THÔNG BÁO``, ``QUYẾT ĐỊNH``): with ``Về việc`` or,
in most notices, reports, plans and normative decisions, without (``Kết luận của ...``,
``Tình hình, kết quả ...``). It wraps over a few lines set at the line pitch and ends where
the authority line (``CHỦ TỊCH ỦY BAN NHÂN DÂN ...``, in capitals), the basis lines
(``Căn cứ ...``), ``Kính gửi`` or a rule begins, or where the body starts after a wider gap.
"""

from __future__ import annotations

import re

from classifiers.fields import checked_text
from classifiers.header import number_row
from classifiers.lines import Line, below
from classifiers.policy import flag, rated
from classifiers.review import FieldValue, Flag
from classifiers.rules import ODD_SYMBOLS
from classifiers.validators import printed
from classifiers.vntext import fold, is_upper_line, similarity

SUBJECT_PITCH = 3.0
"""A "V/v" subject's wrapped line lies within this many word heights under the line above it
(the heights of lower-case words understate the line pitch, and copies enlarge spacing)."""

WRAP_PITCH = 2.0
"""A centred subject's next line starts within this many text heights under the line above;
the body after it starts further down (measured on real notices: wraps at 1.1-1.6 heights,
the first body line at 2.5 or more)."""

FIRST_GAP = 2.8
"""The subject's first line starts within this many title heights under the kind title."""

MAX_LINES = 6
"""A subject is at most 500 characters (Decree 30 Appendix VI): a few lines."""

_PROVINCE_WORD = re.compile(r"\btính(?= [A-ZĐ])")
_LETTER = re.compile(r"^\W{0,2}(v\s*[/il1|]\s*[a-z]|v ?v|ve viec)\b")
"""An official letter's subject line: "V/v" (its small second "v" may be read as another
letter: "V/ở"; its slash as another mark, which folding makes a space: "V‹v", "V¿v", or lost
in a blurred photo: "Vv") or "Về việc"."""
_LETTER_HEAD = re.compile(r"^\W*[Vv]\s*(?:[/il1|]\s*[^\W\d_]|[^\w\s]?[Vv])\b['‘’`]?")
"""The "V/v" as read, a quote left glued after it ("V/v' chính sách") included."""
_STOPS = ("can cu", "kinh gui", "kinh goi", "theo de nghi", "xet de nghi")
_HEADING = re.compile(r"^(dieu \d+|chuong [ivxlc\d]+)\b")
"""An article or chapter heading ("Điều 1.", "Chương I") under a subject."""
HIDDEN_SHIFT = 0.05
"""A centred subject's line whose centre lies this share of the page width or more off the
title's: a stamp or a seal hides its start (real lines sit within 0.02)."""


def _text_flags(value: str) -> list[Flag]:
    """What a printed subject never holds: specks read as a dot, a glued mark or a hyphen
    between two words in lower case, a line read twice, a torn-off mark."""
    flags = []
    if re.search(r"\w\.\w|[a-zà-ỹđ]\.\s", value):
        flags.append(Flag("dot_inside_word"))
    if re.search(r"(?<!\S)[.,;:'`‘’]+\w", value):
        flags.append(Flag("punctuation_glued_to_word"))
    if re.search(r"[a-zà-ỹđ]-[a-zà-ỹđ]", value):
        # "công bố-danh mục": a speck between two words in lower case ("Bà Rịa-Vũng Tàu"
        # joins names, in capitals).
        flags.append(Flag("hyphen_between_letters"))
    if re.search(r"(?<!\w)(\w+)\s+\1(?!\w)", value, re.IGNORECASE):
        flags.append(Flag("word_said_twice"))
    if re.search(r"[\u02b0-\u02ff]", value):
        flags.append(Flag("spacing_mark"))
    if ODD_SYMBOLS.search(value):
        flags.append(Flag("symbol_in_text"))
    return flags


def _finish(parts: list[Line], cut: bool) -> FieldValue | None:
    """The subject of ``parts`` as printed (its "V/v:" and its final full stop kept)."""
    words = [w for ln in parts for w in ln.words]
    text = " ".join(ln.text for ln in parts)
    text = _LETTER_HEAD.sub("V/v", text, count=1)
    flags = _text_flags(text)
    value, _ok = printed(text)
    if value is None:
        return None
    full_stop = text.rstrip().endswith(".") and not text.rstrip().endswith("..")
    value, _ok, certain, guessed = checked_text(value, "text")
    # "tính" (compute) never stands before a place's name: it is "tỉnh" with its dot lost.
    value = _PROVINCE_WORD.sub("tỉnh", value)
    head = "V/v" if value.startswith("V/v") else "Về việc" if value.startswith("Về việc") else ""
    if head and ":" in value[len(head) + 1 :]:
        flags.append(Flag("subject_colon"))  # one phrase: a colon inside is a speck
    if guessed:
        flags.append(Flag("place_fuzzy_match"))
    if cut:
        flags.append(Flag("subject_cut_at_line"))
    if full_stop and not value.endswith("."):
        value += "."
    return rated(value, "text", words, certain, flags)


def read_letter_subject(lines: list[Line], first: list[Line]) -> FieldValue | None:
    """The "V/v ..." (or "Về việc ...") line of the upper page, with its wraps."""
    start = next((ln for ln in first if ln.y < 0.5 and _LETTER.match(ln.key)), None)
    if start is None:
        return None
    parts = [start]
    current = start
    for _ in range(MAX_LINES - 1):
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
        if fold(nxt.text).startswith(_STOPS) or _HEADING.match(fold(nxt.text)):
            break
        parts.append(nxt)
        current = nxt
    return _finish(parts, cut=False)


def title_line(first: list[Line], titles: tuple[str, ...]) -> Line | None:
    """The kind's title: the topmost centred capital line of the upper page that reads as
    one of ``titles`` (folded). With no titles (a kind the catalogue does not know), the
    first centred capital line under the number row."""
    row = number_row(first)
    below_row = row.line.bottom if row is not None else None
    for ln in sorted(first, key=lambda x: x.top):
        if ln.y > 0.6 or abs(ln.x - 0.5) > 0.15 or not is_upper_line(ln.text):
            continue
        key = ln.key.rstrip(" :")
        if any(similarity(key, t) >= 0.8 for t in titles if t):
            return ln
        if not titles and below_row is not None and ln.top > below_row and len(key) > 3:
            return ln
    return None


def _ends_subject(ln: Line) -> bool:
    """The authority line, the basis lines, the addressee, or a rule drawn under the subject."""
    key = fold(ln.text)
    if not any(c.isalnum() for c in ln.text):
        return True  # a rule drawn under the subject
    return (
        is_upper_line(ln.text)
        and len(key) > 6
        or key.startswith(_STOPS)
        or bool(_HEADING.match(key))
    )


def read_titled_subject(first: list[Line], titles: tuple[str, ...]) -> FieldValue | None:
    """The centred lines under the kind title, up to the authority or basis lines, the
    addressee, or the body after a wider gap."""
    title = title_line(first, titles)
    if title is None:
        return None
    under = [ln for ln in first if ln.top > title.top + 0.5 * title.height]
    rest = sorted(under, key=lambda x: x.top)
    centre = (title.left + title.right) / 2
    width = title.page_width
    parts: list[Line] = []
    current = title
    for ln in rest:
        if abs((ln.left + ln.right) / 2 - centre) > 0.12 * width:
            continue  # a margin note, a stamp, the other column
        limit = (FIRST_GAP if current is title else WRAP_PITCH) * max(ln.height, current.height)
        if ln.top - current.top > limit or _ends_subject(ln):
            break
        parts.append(ln)
        current = ln
        if len(parts) == MAX_LINES:
            break
    if not parts:
        return None
    found = _finish(parts, cut=len(parts) == MAX_LINES)
    if found is not None and found.value and found.value[:1].islower():
        flag(found, "subject_cut_at_line")  # its first line was lost
    if found is not None and any(
        abs((ln.left + ln.right) / 2 - centre) >= HIDDEN_SHIFT * width for ln in parts
    ):
        flag(found, "subject_line_hidden")
    return found
