"""Small pages drawn on the fly for tests: known Vietnamese text at a known resolution."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitize.models import PageResult, Word

W, H = 2480, 3508
"""An A4 page at 300 dpi, in pixels."""


def word_page(rows: list[tuple[str, int, int]], index: int = 0, conf: float = 0.95) -> PageResult:
    """A page read as the words of ``rows`` (``(text, left, top)``; each row its own
    Tesseract line), for classifier tests that need no image."""
    words = []
    for n, (text, left, top) in enumerate(rows):
        x = left
        for token in text.split():
            width = 22 * len(token)
            words.append(Word(token, x, top, width, 44, conf, n + 1, 1, 1))
            x += width + 14
    return PageResult(index, W, H, 300.0, words, "\n".join(r[0] for r in rows), "ocr")


def row_page(
    rows: list[tuple[str, int, int]],
    *,
    slope: float = 0.0,
    conf: float = 0.95,
    size: tuple[int, int] = (W, H),
) -> PageResult:
    """A page read as ``rows`` (``(text, left, top)``, each its own Tesseract line), every
    row falling ``slope`` pixels per pixel to the right as on a tilted photo; a run of four
    spaces is a wide gap (two pairs on one row)."""
    words = []
    for n, (text, left, top) in enumerate(rows):
        x = left
        for part in text.split("    "):
            for token in part.split():
                width = 18 * len(token)
                y = round(top + slope * (x - left))
                words.append(Word(token, x, y, width, 36, conf, n + 1, 1, 1))
                x += width + 12
            x += 200
    text = "\n".join(r[0] for r in rows)
    return PageResult(0, size[0], size[1], 600.0, words, text, "ocr", {}, [])


FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
FONT_NAMES = ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf", "DejaVuSans.ttf")

LINES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY KHAI SINH",
    "Họ, chữ đệm, tên: Nguyễn Thị Hồng Nhung",
    "Ngày, tháng, năm sinh: 05/03/1992",
    "Giới tính: Nữ",
    "Quê quán: xã Phú Lộc, huyện Krông Năng, tỉnh Đắk Lắk",
)


def font(size: int) -> ImageFont.FreeTypeFont:
    for d in FONT_DIRS:
        for n in FONT_NAMES:
            if (d / n).exists():
                return ImageFont.truetype(str(d / n), size)
    raise RuntimeError("no font with Vietnamese glyphs; install fonts-liberation2")


def draw_page(
    lines=LINES, *, dpi: int = 200, width_in: float = 6.0, colour: bool = False
) -> Image.Image:
    """A page with ``lines`` of 12-pt text at ``dpi``; red rule when ``colour``."""
    px = lambda inches: int(inches * dpi)  # noqa: E731
    size = round(12 / 72 * dpi * 1.1)
    height = px(0.6) + len(lines) * int(size * 1.6) + px(0.4)
    im = Image.new("RGB", (px(width_in), height), "white")
    d = ImageDraw.Draw(im)
    f = font(size)
    y = px(0.5)
    for line in lines:
        d.text((px(0.5), y), line, font=f, fill=(20, 20, 20))
        y += int(size * 1.6)
    if colour:
        d.rectangle([px(0.5), px(0.2), px(3), px(0.3)], fill=(200, 30, 30))
    return im


def encode(im: Image.Image, fmt: str, *, dpi: int = 200, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, dpi=(dpi, dpi), **kw)
    return buf.getvalue()


def as_array(im: Image.Image) -> np.ndarray:
    """BGR uint8, as the pipeline's stages take."""
    return np.asarray(im.convert("RGB"))[:, :, ::-1].copy()
