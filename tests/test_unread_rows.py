"""Rows of print the page's reading passed over are found from the ink and read, with the real
Tesseract; rows of specks are not made into text."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitize import tesseract
from digitize.text import lines_of
from digitize.unreadrows import read_unread_rows, unread_rows
from tests.pages import font

LINES = [
    "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
    "Theo đề nghị của Bộ trưởng Bộ Nội vụ;",
    "Chính phủ ban hành Nghị định về công tác văn thư.",
    "Nghị định này quy định về công tác văn thư.",
]


def _page(lines=LINES, dpi: int = 200) -> np.ndarray:
    size = round(12 / 72 * dpi * 1.1)
    im = Image.new("L", (int(6.5 * dpi), int(0.6 * dpi) + len(lines) * int(size * 1.8)), 255)
    d = ImageDraw.Draw(im)
    for k, text in enumerate(lines):
        d.text(
            (int(0.4 * dpi), int(0.3 * dpi) + k * int(size * 1.8)), text, font=font(size), fill=0
        )
    return np.asarray(im).copy()


def _text(words) -> list[str]:
    return [" ".join(w.text for w in line) for line in lines_of(words)]


@pytest.fixture(scope="module")
def page():
    img = _page()
    return img, tesseract.recognize(img, lang="vie", dpi=200, timeout=60)


def test_a_page_read_whole_has_no_row_passed_over_and_is_left_as_read(page):
    img, words = page
    assert _text(words) == LINES
    assert unread_rows(img, words) == []
    assert read_unread_rows(img, words, lang="vie", dpi=200, timeout=60, what="x") == (words, 0)


def test_a_line_the_reading_passed_over_is_read_and_put_in_its_place(page):
    img, words = page
    third = set(map(id, lines_of(words)[2]))
    lost = [w for w in words if id(w) not in third]
    assert len(_text(lost)) == 3
    out, added = read_unread_rows(img, lost, lang="vie", dpi=200, timeout=60, what="x")
    assert added == 1
    assert _text(out) == LINES


def test_a_row_of_specks_is_found_but_not_made_text(page):
    img, words = page
    rng = np.random.default_rng(5)
    noisy = img.copy()
    h = max(w.height for w in words)
    top = noisy.shape[0] - int(0.25 * 200)
    for x in range(80, noisy.shape[1] - 80, int(0.6 * h)):
        dy, dx = rng.integers(0, 6), rng.integers(0, 8)
        a, b = int(rng.integers(int(0.4 * h), h)), int(rng.integers(3, int(0.5 * h)))
        noisy[top + dy - a // 2 : top + dy + a // 2, x + dx : x + dx + b] = 0
    noisy = noisy[: top + h]
    read = [w for w in words if w.bottom < top - h]
    assert unread_rows(noisy, read)  # the specks stand like a row of letters
    out, added = read_unread_rows(noisy, read, lang="vie", dpi=200, timeout=60, what="x")
    assert added == 0 and out == read


def test_a_date_alone_in_bold_under_a_weak_word_is_read_and_takes_its_place(page):
    """A card's expiry printed on a line of its own under the portrait: bold digits touch
    (four marks for "30/10/2039"), and the page's reading held there only one word read at
    0.13, taller than the print, which is no reading of the ink under it."""
    import dataclasses

    from digitize.models import Word

    img, words = page
    dpi = 200
    size = round(12 / 72 * dpi * 1.1)
    h = img.shape[0]
    canvas = np.full((h + 2 * size, img.shape[1]), 255, np.uint8)
    canvas[:h] = img
    im = Image.fromarray(canvas)
    from PIL import ImageFont

    bold = ImageFont.truetype(font(size).path.replace("-Regular", "-Bold"), size)
    top = h + size // 2
    draw, x = ImageDraw.Draw(im), int(0.4 * dpi)
    for ch in "30/10/2039":  # set tight, as a card's bold small print is: the digits touch
        draw.text((x, top), ch, font=bold, fill=0)
        x += bold.getlength(ch) * 0.81
    canvas = np.asarray(im).copy()
    below = (canvas[h:] < 128).astype(np.uint8)
    assert cv2.connectedComponents(below)[0] - 1 < 6  # the digits touch
    weak = Word("San", int(0.4 * dpi), top - 4, 5 * size, size + 8, 0.13, 9, 1, 1)
    assert unread_rows(canvas, words + [dataclasses.replace(weak, conf=0.9)]) == []
    # A word of print height keeps its place however unsurely read (a right notation at 0.0).
    assert unread_rows(canvas, words + [dataclasses.replace(weak, top=top + 4, height=24)]) == []
    assert len(unread_rows(canvas, words + [weak])) == 1
    out, added = read_unread_rows(canvas, words + [weak], lang="vie", dpi=dpi, timeout=60, what="x")
    assert added == 1
    assert _text(out) == LINES + ["30/10/2039"]
