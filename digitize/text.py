"""Page text from words: lines in reading order, NFC, single spaces.

A Decree 30 document opens with two blocks side by side: the issuing organ and "Số: ..." on the
left, the national title, motto and place-and-date line on the right. OCR engines and PDF text
layers both tend to return them as shared lines ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI ..."), which
interleaves two texts line by line. Lines are therefore split at wide gaps, and a run of lines
that share one gutter is emitted as its left column, then its right column.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from digitize.models import Word

_SPACES = re.compile(r"[ \t\u00a0]+")

GAP_IN_HEIGHTS = 2.5
"""A gap wider than this many word heights separates two columns, not two words."""

MIN_GAP_SHARE = 0.04
"""...and it must also be at least this share of the page width."""

GUTTER_TOLERANCE = 0.06
"""Split points within this share of the page width belong to the same gutter."""


MAX_ROW_GAP = 2.0
"""Rows further apart than this many line heights do not continue a two-column run."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    return _SPACES.sub(" ", nfc(text)).strip()


def letters(text: str) -> int:
    """Letters that can make a word: cased ones. OCR makes a stroke of a seal or a signature
    into a modifier letter ("ˆ"), which is no letter of a word."""
    return sum(1 for c in text if c.isalpha() and (c.isupper() or c.islower()))


def print_height(words: Iterable[Word], default: float = 0.0) -> float:
    """The median height of a reading's words of two letters or more: the page's print size
    (specks and marks left out); ``default`` when it has none."""
    heights = [w.height for w in words if letters(w.text) >= 2]
    return float(statistics.median(heights)) if heights else default


def renumbered(words: Sequence[Word], block: int) -> list[Word]:
    """A second reading of a few lines put into a page's reading as block ``block`` of its
    own: each of its lines numbered in order, its words left to right."""
    return [
        replace(w, block=block, par=1, line=n)
        for n, line in enumerate(lines_of(words), start=1)
        for w in sorted(line, key=lambda w: w.left)
    ]


def on_line(word: Word, top: int, bottom: int, share: float) -> bool:
    """Whether ``word`` sits on the line spanning rows ``top:bottom``: the two share at least
    ``share`` of the smaller one's height."""
    shared = min(word.bottom, bottom) - max(word.top, top)
    return shared >= share * max(1, min(word.height, bottom - top))


def lines_of(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into lines, in the order the words came (block, paragraph, line)."""
    lines: list[list[Word]] = []
    key = None
    for w in words:
        k = (w.block, w.par, w.line)
        if k != key or not lines:
            lines.append([])
            key = k
        lines[-1].append(w)
    return lines


def split_line(line: Sequence[Word], page_width: int) -> list[list[Word]]:
    """A line cut into segments wherever a gap is too wide to be a space between words."""
    if len(line) < 2:
        return [list(line)]
    ordered = sorted(line, key=lambda w: w.left)
    height = statistics.median(w.height for w in ordered) or 1
    min_gap = max(GAP_IN_HEIGHTS * height, MIN_GAP_SHARE * page_width)
    segments = [[ordered[0]]]
    for prev, cur in zip(ordered, ordered[1:], strict=False):
        if cur.left - prev.right > min_gap:
            segments.append([])
        segments[-1].append(cur)
    return segments


@dataclass
class _Row:
    segments: list[list[Word]]
    block: int

    @property
    def left(self) -> int:
        return self.segments[0][0].left

    @property
    def right(self) -> int:
        return self.segments[-1][-1].right

    @property
    def top(self) -> int:
        return min(w.top for s in self.segments for w in s)

    @property
    def bottom(self) -> int:
        return max(w.bottom for s in self.segments for w in s)

    @property
    def height(self) -> float:
        return statistics.median(w.height for s in self.segments for w in s)

    def gutter(self) -> float | None:
        """Middle of the widest gap between two segments, if the row has two or more."""
        if len(self.segments) < 2:
            return None
        gaps = [
            (b[0].left - a[-1].right, (a[-1].right + b[0].left) / 2)
            for a, b in zip(self.segments, self.segments[1:], strict=False)
        ]
        return max(gaps)[1]


def _text(words: Iterable[Word]) -> str:
    return clean_line(" ".join(w.text for w in words))


def _columns(rows: list[_Row], page_width: int) -> list[tuple[int, list[str]]]:
    """Groups of output lines with their first row's block number.

    A run of rows sharing one gutter becomes a single group: its left column, then its right.
    """
    groups: list[tuple[int, list[str]]] = []
    i = 0
    tol = GUTTER_TOLERANCE * page_width
    while i < len(rows):
        g = rows[i].gutter()
        if g is None:
            groups.append((rows[i].block, [_text(w for s in rows[i].segments for w in s)]))
            i += 1
            continue
        left: list[str] = []
        right: list[str] = []
        j = i
        split_rows = 0
        while j < len(rows):
            row = rows[j]
            if j > i and row.top - rows[j - 1].bottom > MAX_ROW_GAP * rows[j - 1].height:
                break  # a wide vertical gap ends the two-column part
            rg = row.gutter()
            if rg is not None and abs(rg - g) <= tol:
                words = [w for s in row.segments for w in s]
                left.append(_text(w for w in words if w.right <= g))
                right.append(_text(w for w in words if w.left >= g))
                split_rows += 1
            elif rg is None and row.right <= g + tol / 2:
                left.append(_text(row.segments[0]))
            elif rg is None and row.left >= g - tol / 2:
                right.append(_text(row.segments[0]))
            else:
                break
            j += 1
        if split_rows < 2:  # one wide gap is a form line ("Ngày sinh: ...   Giới tính: Nam")
            groups.append((rows[i].block, [_text(w for s in rows[i].segments for w in s)]))
            i += 1
            continue
        groups.append((rows[i].block, [t for t in left + right if t]))
        i = j
    return groups


def page_text(words: Sequence[Word], page_width: int | None = None) -> str:
    """The page as text: one line per text line, a blank line between blocks and columns."""
    if not words:
        return ""
    width = page_width or max(w.right for w in words)
    rows = [_Row(split_line(line, width), line[0].block) for line in lines_of(words)]
    out: list[str] = []
    last_block, last_columns = None, False
    for row_block, group in _columns(rows, width):
        columns = len(group) > 1
        if last_block is not None and (row_block != last_block or columns or last_columns):
            out.append("")
        out.extend(group)
        last_block, last_columns = row_block, columns
    return "\n".join(out).strip("\n")


def document_text(pages: Iterable[str]) -> str:
    """Pages joined by form feed, the usual page separator of plain-text OCR output."""
    return "\f".join(pages)


def spliced(words: Sequence[Word], new: dict[int, list[Word]], gone: set[int]) -> list[Word]:
    """``words`` with the words of ``gone`` taken out and each list of ``new`` put in before
    the word at its index, or after the last at ``len(words)`` (a line or a row read again,
    in the page's reading order)."""
    out: list[Word] = []
    for i, w in enumerate(words):
        out.extend(new.get(i, []))
        if i not in gone:
            out.append(w)
    out.extend(new.get(len(words), []))
    return out


JOIN_GAP = 1.2
"""Widest gap, in word heights, between the end of one line and the start of another on the
same row for the two to be one line cut apart: an ordinary space between words is under one."""

JOIN_LOOKAHEAD = 3
"""Lines after a line among which its cut-off rest is looked for: the cut comes from a small
line set between (an e-signature stamp's "+07:00" above a national title)."""


def rejoined(words: Sequence[Word]) -> tuple[list[Word], int]:
    """The words with a line that OCR cut in two put back together, and how many were.

    A small line set just above a long one (the time of an electronic signature's stamp,
    "+07:00", over "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") makes Tesseract end the long line at
    it and start the rest as a line of its own after the small one: "CỘNG HÒA", "+07:00", "XÃ
    HỘI CHỦ NGHĨA VIỆT NAM". A later line whose words all sit on the row of a line's last
    word, and whose first word starts a space after it, is the rest of that line.
    """
    lines = lines_of(words)
    joined = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        last = max(line, key=lambda w: w.right)
        for j in range(i + 1, min(len(lines), i + 1 + JOIN_LOOKAHEAD)):
            rest = lines[j]
            first = min(rest, key=lambda w: w.left)
            height = max(1, min(last.height, first.height))
            gap = first.left - last.right
            level = all(on_line(w, last.top, last.bottom, 0.6) for w in rest)
            if level and -0.2 * height <= gap <= JOIN_GAP * height:
                key = line[0]
                line.extend(replace(w, block=key.block, par=key.par, line=key.line) for w in rest)
                del lines[j]
                joined += 1
                break
        else:
            i += 1
    return [w for line in lines for w in line], joined


CLOSING_MARKS = frozenset(".,;:!?)]}”’…/")
"""Marks that close what comes before them: in Vietnamese print they follow a word with no
space (``tỉnh./.``, the end mark of an official text; ``(b/c),``; ``”``)."""

ATTACH_GAP = 0.25
"""A closing mark at most this many of its word's heights after it is part of it."""


def punctuation_attached(words: Sequence[Word]) -> tuple[list[Word], int]:
    """The words with a word of closing marks alone joined to the word before it on its line
    when it stands close to it, and how many were.

    Tesseract's recognizer sometimes puts a space inside what its layout took for one word:
    ``tỉnh./.`` came out as ``tỉnh`` and ``./.`` four pixels apart (at 300 dpi), both with the
    word's one confidence, where raw Tesseract on the page read it whole. Dashes are not
    closing marks ("Độc lập - Tự do - Hạnh phúc" keeps its spaces), nor is a slash alone: it
    parts a card's bilingual label ("Có giá trị đến / Date of expiry")."""
    out: list[Word] = []
    attached = 0
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and w.text
            and all(c in CLOSING_MARKS for c in w.text)
            and ("/" not in w.text or "." in w.text)  # "./." ends a text; "/" alone is a card's
            and (prev.block, prev.par, prev.line) == (w.block, w.par, w.line)
            and -ATTACH_GAP * prev.height <= w.left - prev.right <= ATTACH_GAP * prev.height
            and any(c.isalnum() for c in prev.text)
        ):
            right = max(prev.right, w.right)
            top = min(prev.top, w.top)
            out[-1] = replace(
                prev,
                text=prev.text + w.text,
                top=top,
                width=right - prev.left,
                height=max(prev.bottom, w.bottom) - top,
                conf=min(prev.conf, w.conf),
            )
            attached += 1
            continue
        out.append(w)
    return out, attached
