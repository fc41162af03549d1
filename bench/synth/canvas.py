"""A drawing surface that remembers what it drew.

Every text call records the line (for OCR truth), each word's pixel box (for word-level
recall and box checks) and a replayable operation (so the same page can also be written as a
born-digital PDF with a real text layer).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFont

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)
DEJAVU = "/usr/share/fonts/truetype/dejavu/"
LIBERATION = "/usr/share/fonts/truetype/liberation2/"

FAMILIES: dict[str, dict[str, str]] = {
    "Liberation Serif": {
        "regular": LIBERATION + "LiberationSerif-Regular.ttf",
        "bold": LIBERATION + "LiberationSerif-Bold.ttf",
        "italic": LIBERATION + "LiberationSerif-Italic.ttf",
        "bolditalic": LIBERATION + "LiberationSerif-BoldItalic.ttf",
    },
    "DejaVu Serif": {
        "regular": DEJAVU + "DejaVuSerif.ttf",
        "bold": DEJAVU + "DejaVuSerif-Bold.ttf",
        "italic": DEJAVU + "DejaVuSerif-Italic.ttf",
        "bolditalic": DEJAVU + "DejaVuSerif-BoldItalic.ttf",
    },
    "DejaVu Sans": {
        "regular": DEJAVU + "DejaVuSans.ttf",
        "bold": DEJAVU + "DejaVuSans-Bold.ttf",
        "italic": DEJAVU + "DejaVuSans-Oblique.ttf",
        "bolditalic": DEJAVU + "DejaVuSans-BoldOblique.ttf",
    },
    "Liberation Mono": {
        "regular": LIBERATION + "LiberationMono-Regular.ttf",
        "bold": LIBERATION + "LiberationMono-Bold.ttf",
        "italic": LIBERATION + "LiberationMono-Italic.ttf",
        "bolditalic": LIBERATION + "LiberationMono-BoldItalic.ttf",
    },
    "Liberation Sans": {
        "regular": LIBERATION + "LiberationSans-Regular.ttf",
        "bold": LIBERATION + "LiberationSans-Bold.ttf",
        "italic": LIBERATION + "LiberationSans-Italic.ttf",
        "bolditalic": LIBERATION + "LiberationSans-BoldItalic.ttf",
    },
}


def pick_family(rng: random.Random) -> str:
    """Mostly Times-like serif, as administrative documents use; sometimes DejaVu."""
    r = rng.random()
    return "Liberation Serif" if r < 0.72 else "DejaVu Serif" if r < 0.88 else "DejaVu Sans"


@lru_cache(maxsize=256)
def _font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size_px)


def nfc(text: str) -> str:
    """NFC with single spaces: the normal form of every truth string."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


@dataclass
class Word:
    """One drawn word and its box (x0, y0, x1, y1) in page pixels."""

    text: str
    box: tuple[int, int, int, int]


@dataclass
class Op:
    """A replayable drawing operation: "text", "line" or "image" (all in page pixels)."""

    kind: str
    x: float
    y: float
    text: str = ""
    font_path: str = ""
    size_px: float = 0.0
    fill: tuple[int, int, int] = BLACK
    x1: float = 0.0
    y1: float = 0.0
    width: float = 0.0
    image: Image.Image | None = None


@dataclass
class Canvas:
    """A page in pixels at `dpi`, drawn in millimetres and points like a word processor."""

    width_mm: float
    height_mm: float
    dpi: int
    family: str = "Liberation Serif"
    background: tuple[int, int, int] = WHITE
    lines: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)

    def __post_init__(self) -> None:
        size = (round(self.mm(self.width_mm)), round(self.mm(self.height_mm)))
        self.image = Image.new("RGB", size, self.background)
        self.draw = ImageDraw.Draw(self.image)

    def mm(self, value: float) -> float:
        """Millimetres to pixels."""
        return value * self.dpi / 25.4

    def pt(self, value: float) -> float:
        """Points to pixels."""
        return value * self.dpi / 72.0

    def font(self, size_pt: float, style: str = "regular", family: str | None = None):
        """The FreeType font of this page's family at `size_pt`."""
        path = FAMILIES[family or self.family][style]
        return _font(path, max(1, round(self.pt(size_pt))))

    def width(self, text: str, size_pt: float, style: str = "regular", family: str | None = None):
        """Advance width of `text` in millimetres."""
        return self.font(size_pt, style, family).getlength(text) * 25.4 / self.dpi

    def runs(
        self,
        x_mm: float,
        y_mm: float,
        runs: list[tuple[str, str]],
        size_pt: float,
        align: str = "left",
        fill: tuple[int, int, int] = BLACK,
        family: str | None = None,
        record: bool = True,
    ) -> float:
        """Draws styled runs on one baseline at y_mm; returns the line width in mm.

        Recorded as a single line so truth lines read as a person reads them.
        """
        runs = [(unicodedata.normalize("NFC", t), s) for t, s in runs if t]
        total = sum(self.width(t, size_pt, s, family) for t, s in runs)
        x = x_mm - (total / 2 if align == "center" else total if align == "right" else 0)
        px, py = self.mm(x), self.mm(y_mm)
        for text, style in runs:
            font = self.font(size_pt, style, family)
            self.draw.text((px, py), text, font=font, fill=fill, anchor="ls")
            self.ops.append(Op("text", px, py, text, font.path, font.size, fill))
            if record:
                self._record_words(px, py, text, font)
            px += font.getlength(text)
        if record:
            line = nfc("".join(t for t, _ in runs))
            if line:
                self.lines.append(line)
        return total

    def text(
        self,
        x_mm: float,
        y_mm: float,
        text: str,
        size_pt: float,
        style: str = "regular",
        align: str = "left",
        **kw,
    ) -> float:
        """Draws one line of one style; see `runs`."""
        return self.runs(x_mm, y_mm, [(text, style)], size_pt, align, **kw)

    def _record_words(self, px: float, py: float, text: str, font) -> None:
        pos = 0
        for token in text.split(" "):
            if token:
                x0 = px + font.getlength(text[:pos])
                box = self.draw.textbbox((x0, py), token, font=font, anchor="ls")
                self.words.append(Word(token, tuple(int(round(v)) for v in box)))
            pos += len(token) + 1

    def wrap(
        self,
        text: str,
        size_pt: float,
        max_mm: float,
        style: str = "regular",
        first_indent_mm: float = 0.0,
    ) -> list[str]:
        """Greedy word wrap to `max_mm` (the first line shortened by its indent)."""
        lines: list[str] = []
        current = ""
        for word in nfc(text).split(" "):
            trial = f"{current} {word}".strip()
            limit = max_mm - (first_indent_mm if not lines else 0.0)
            if current and self.width(trial, size_pt, style) > limit:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return lines

    def paragraph(
        self,
        x_mm: float,
        y_mm: float,
        max_mm: float,
        text: str,
        size_pt: float,
        style: str = "regular",
        indent_mm: float = 0.0,
        leading: float = 1.35,
        align: str = "left",
    ) -> float:
        """Wrapped paragraph whose first baseline is y_mm; returns the next baseline."""
        step = size_pt * leading * 25.4 / 72
        for i, line in enumerate(self.wrap(text, size_pt, max_mm, style, indent_mm)):
            if align == "center":
                self.text(x_mm + max_mm / 2, y_mm, line, size_pt, style, "center")
            else:
                self.text(x_mm + (indent_mm if i == 0 else 0.0), y_mm, line, size_pt, style)
            y_mm += step
        return y_mm

    def line(
        self,
        x0_mm: float,
        y0_mm: float,
        x1_mm: float,
        y1_mm: float,
        width_pt: float = 0.6,
        fill: tuple[int, int, int] = BLACK,
    ) -> None:
        """A straight rule (underlines under mottos, table borders)."""
        xy = [self.mm(x0_mm), self.mm(y0_mm), self.mm(x1_mm), self.mm(y1_mm)]
        width = max(1, round(self.pt(width_pt)))
        self.draw.line(xy, fill=fill, width=width)
        self.ops.append(Op("line", xy[0], xy[1], x1=xy[2], y1=xy[3], width=width, fill=fill))

    def dots(self, x0_mm: float, x1_mm: float, y_mm: float) -> None:
        """Dotted leader of a form field, drawn as graphics so it is not truth text."""
        step, r = self.mm(1.0), max(1.0, self.pt(0.45))
        x, y = self.mm(x0_mm), self.mm(y_mm)
        while x < self.mm(x1_mm):
            self.draw.ellipse([x - r, y - r, x + r, y + r], fill=(40, 40, 40))
            x += step

    def place(self, other: Canvas, x_mm: float, y_mm: float) -> None:
        """Pastes another canvas (a card drawn at its own scale) and adopts its truth."""
        dx, dy = round(self.mm(x_mm)), round(self.mm(y_mm))
        self.image.paste(other.image, (dx, dy))
        self.lines.extend(other.lines)
        for w in other.words:
            x0, y0, x1, y1 = w.box
            self.words.append(Word(w.text, (x0 + dx, y0 + dy, x1 + dx, y1 + dy)))
        self.ops.append(Op("image", dx, dy, image=other.image))

    def stamp(self, overlay: Image.Image, x_px: float, y_px: float) -> None:
        """Multiplies an ink layer (white = no ink) onto the page, as ink over print."""
        x, y = int(round(x_px)), int(round(y_px))
        region = self.image.crop((x, y, x + overlay.width, y + overlay.height))
        self.image.paste(ImageChops.multiply(region, overlay.convert("RGB")), (x, y))
        self.ops.append(Op("image", x, y, text="multiply", image=overlay))
