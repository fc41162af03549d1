"""Page content streams: the page image drawn over the whole page, then invisible text.

All functions here are pure: words and page geometry in, PDF operators out.

Text is laid out line by line. Every word of a line gets the line's font size (the line's box
height) and its baseline at the line's box bottom, so extractors see one line with one height;
each word is placed at its own left edge and stretched with horizontal scaling (``Tz``) so that
its glyphs cover exactly its box. A space follows every word but the last of a line, stretched
over the gap to the next word, so extractors find word boundaries without guessing from gaps.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from digitize.models import Word
from digitize.pdfwriter.font import GLYPH_WIDTH
from digitize.placement import compose
from digitize.text import on_line

POINTS_PER_INCH = 72.0


def num(value: float) -> str:
    """A PDF number with at most two decimals and no trailing zeros.

    Two decimals are a hundredth of a point: a twentieth of a pixel at 300 dpi, and short
    numbers keep the text layer small beside a G4 page of a few tens of kilobytes.
    """
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


_SPACE = 0x20
_REPLACEMENT = 0xFFFD
#: Share of the smaller height two boxes must overlap vertically to sit on the same line.
_SAME_LINE_OVERLAP = 0.5


def scaling(percent: float) -> str:
    """A horizontal scaling (``Tz``, percent) to a tenth of a percent: a 100-pt word ends
    within a twentieth of a point of its box."""
    text = f"{percent:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """The page image's size and resolution, and thus the physical page size in points."""

    width_px: int
    height_px: int
    dpi: float

    @property
    def scale(self) -> float:
        """Points per pixel."""
        return POINTS_PER_INCH / self.dpi

    @property
    def width_pt(self) -> float:
        return self.width_px * self.scale

    @property
    def height_pt(self) -> float:
        return self.height_px * self.scale


def pdf_codes(text: str) -> list[int]:
    """The 2-byte codes that spell ``text``: NFC code points, one per character.

    Characters outside the Basic Multilingual Plane (and lone surrogates) become U+FFFD, since
    a code is two bytes; control characters carry no text and are dropped.
    """
    codes = []
    for ch in unicodedata.normalize("NFC", text.strip()):
        cp = ord(ch)
        if cp < 0x20 or 0x7F <= cp < 0xA0:
            continue
        codes.append(_REPLACEMENT if cp > 0xFFFF or 0xD800 <= cp <= 0xDFFF else cp)
    return codes


def _same_line(line: Sequence[Word], word: Word) -> bool:
    """Whether ``word`` continues ``line``: same OCR line numbers and vertically overlapping.

    The overlap test keeps words apart when their line numbers say nothing (all zero, as from
    some text layers) yet they sit on different lines.
    """
    first = line[0]
    if (word.block, word.par, word.line) != (first.block, first.par, first.line):
        return False
    top = min(w.top for w in line)
    bottom = max(w.bottom for w in line)
    return on_line(word, top, bottom, _SAME_LINE_OVERLAP)


def group_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Consecutive words that share a line, in the given (reading) order.

    Words without text or without a box are left out: they cannot be placed or found.
    """
    lines: list[list[Word]] = []
    for word in words:
        if word.width <= 0 or word.height <= 0 or not pdf_codes(word.text):
            continue
        if lines and _same_line(lines[-1], word):
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


ROW_TOLERANCE_PT = 3.5
"""Lines whose tops are closer than this are drawn as one row.

Extractors (pdfplumber, viewers' selection) put characters whose tops are within about 3 pt on
one line and read them left to right; a stray mark that OCR put on a line of its own just
above another ("~" over "CĂN") would otherwise interleave with that line's characters.
"""


def merge_close_lines(lines: Sequence[Sequence[Word]], scale: float) -> list[list[Word]]:
    """Lines clustered by their tops (``scale`` points per pixel).

    A line alone keeps its reading order; lines merged into one row are sorted left to right,
    as an extractor will read them.
    """
    rows: list[tuple[float, list[list[Word]]]] = []
    for line in sorted(lines, key=lambda ln: min(w.top for w in ln)):
        top = min(w.top for w in line) * scale
        if rows and top - rows[-1][0] < ROW_TOLERANCE_PT:
            rows[-1][1].append(list(line))
        else:
            rows.append((top, [list(line)]))
    return [
        group[0]
        if len(group) == 1
        else sorted((w for ln in group for w in ln), key=lambda w: w.left)
        for _, group in rows
    ]


def _text_ops_for_word(
    codes: Sequence[int],
    *,
    x: float,
    y: float,
    width: float,
    size: float,
    space: float | None,
    after: float | None = None,
    continued: bool = False,
) -> str:
    """Operators that draw one word's codes from ``(x, y)`` stretched to ``width`` points.

    ``space`` (points), when given, is the width of the space drawn right after the word: it
    fills the gap up to the next word exactly, so extractors find the boundary and never see
    the space overlap the next word (which would join the two). ``after`` is where the line's
    last move left the text line matrix, when there was one: the word is then placed by a move
    along the line (``Td``), shorter than a full text matrix. ``continued`` says the previous
    word's space already ends at ``x``: the word is drawn from there without a move.
    """
    natural_width = len(codes) * GLYPH_WIDTH / 1000 * size
    hex_codes = "".join(f"{code:04X}" for code in codes)
    place = f"1 0 0 1 {num(x)} {num(y)} Tm" if after is None else f"{num(x - after)} 0 Td"
    if continued:
        place = ""
    ops = f"{scaling(100 * width / natural_width)} Tz {place} <{hex_codes}> Tj".replace("  ", " ")
    if space is not None:
        space_scaling = 100 * space / (GLYPH_WIDTH / 1000 * size)
        ops += f" {scaling(space_scaling)} Tz <{_SPACE:04X}> Tj"
    return ops


def _advance(codes: Sequence[int], *, width: float, size: float, space: float | None) -> float:
    """How far the pen moves drawing a word and its space, with the scalings as written."""
    glyph = GLYPH_WIDTH / 1000 * size
    natural_width = len(codes) * glyph
    moved = natural_width * float(scaling(100 * width / natural_width)) / 100
    if space is not None:
        moved += glyph * float(scaling(100 * space / glyph)) / 100
    return moved


PEN_TOLERANCE_PT = 0.05
"""A word whose start is this close to where the previous word's space left the pen is drawn
from there, without a move: a fiftieth of a pixel at 300 dpi, and a move saved per word."""

MIN_SPACE_SHARE = 0.15
"""Where OCR boxes touch or overlap, this share of the line height is kept for the space."""


def _layout(line: Sequence[Word], height: float) -> list[tuple[float, float, float | None]]:
    """Each word's drawn start, width and following space, in pixels, strictly left to right.

    OCR boxes can overlap, or start left of the previous word (a diacritic read as a word of
    its own inside "CĂN"); drawn as they are, extractors would interleave their characters. So
    each word starts no earlier than just after the previous one ends, keeps a sliver of width
    at least, and the space fills the gap to the next word's start.
    """
    gap = max(0.5, MIN_SPACE_SHARE * height)
    starts: list[float] = []
    cursor = float("-inf")
    for word in line:
        start = max(float(word.left), cursor)
        starts.append(start)
        cursor = max(start + gap, float(word.right)) + gap
    out: list[tuple[float, float, float | None]] = []
    for i, (word, start) in enumerate(zip(line, starts, strict=True)):
        if i + 1 == len(line):
            out.append((start, max(float(word.right) - start, gap), None))
            continue
        end = min(max(float(word.right), start + gap), starts[i + 1] - gap)
        out.append((start, end - start, starts[i + 1] - end))
    return out


def text_ops_for_line(line: Sequence[Word], geometry: PageGeometry, font: str) -> list[str]:
    """Operators for one line: its font size once, then each word on its own box."""
    scale = geometry.scale
    top = min(w.top for w in line)
    bottom = max(w.bottom for w in line)
    size = (bottom - top) * scale
    baseline = geometry.height_pt - bottom * scale
    ops = [f"/{font} {num(size)} Tf"]
    after: float | None = None
    pen: float | None = None
    for word, (start, width, space) in zip(line, _layout(line, bottom - top), strict=True):
        x = round(start * scale, 2)  # rounded as written, so moves along the line add up
        codes = pdf_codes(word.text)
        space_pt = None if space is None else space * scale
        continued = pen is not None and abs(pen - x) <= PEN_TOLERANCE_PT
        ops.append(
            _text_ops_for_word(
                codes,
                x=x,
                y=baseline,
                width=width * scale,
                size=size,
                space=space_pt,
                after=after,
                continued=continued,
            )
        )
        start_pt = pen if continued and pen is not None else x
        if not continued:
            after = x
        pen = start_pt + _advance(codes, width=width * scale, size=size, space=space_pt)
    return ops


def image_matrix(geometry: PageGeometry, placement: Sequence[float] | None = None) -> str:
    """The ``cm`` operands that draw the image: over the whole page, or, with ``placement``
    (PDF image space to the display image's pixels), where that map puts it.

    The words' boxes are in display pixels, so the same pixel-to-point map serves the text and
    the image, and the text lands on the image's words however the image is turned.
    """
    if placement is None:
        return f"{num(geometry.width_pt)} 0 0 {num(geometry.height_pt)} 0 0"
    s = geometry.scale
    m = compose(placement, (s, 0.0, 0.0, -s, 0.0, geometry.height_pt))
    return " ".join(f"{v:.6f}".rstrip("0").rstrip(".") or "0" for v in m)


def page_content(
    geometry: PageGeometry,
    lines: Sequence[Sequence[Word]],
    *,
    image: str,
    font: str,
    placement: Sequence[float] | None = None,
) -> bytes:
    """The whole content stream of a page (uncompressed), for lines from :func:`group_lines`.

    The image comes first so the text lies above it; render mode 3 makes the text invisible
    while keeping it selectable and searchable. ``placement`` is as for :func:`image_matrix`.
    """
    ops = [
        "q",
        f"{image_matrix(geometry, placement)} cm",
        f"/{image} Do",
        "Q",
    ]
    if lines:
        ops += ["BT", "3 Tr"]
        for line in merge_close_lines(lines, geometry.scale):
            ops += text_ops_for_line(line, geometry, font)
        ops.append("ET")
    return ("\n".join(ops) + "\n").encode("ascii")
