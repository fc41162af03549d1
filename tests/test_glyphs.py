"""Handwritten digits read glyph by glyph (:mod:`digitize.glyphs`), in a slot between printed
words as a Decree 30 header has them (``Số:  16  /QĐ-UBND``).

The digits are written with OpenCV's script (handwriting) faces and with strokes drawn as a
Vietnamese hand makes them (a ``1`` with its lead-in stroke, a crossed ``7``); the printed words
around them are set in a serif face. None of these is among the reader's examples.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitize import glyphs, slots
from digitize.models import Word
from digitize.slotrows import Row

SERIF = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
HEIGHT = 30.0
BAND = (20.0, 100.0)
SLOT = (95.0, 295.0)


def _row(digits: str = "", *, face: int = cv2.FONT_HERSHEY_SCRIPT_SIMPLEX) -> np.ndarray:
    """A number row: ``Số:`` and ``/QĐ-UBND`` printed, ``digits`` written in between."""
    if not SERIF.exists():
        pytest.skip(f"font {SERIF.name} is not installed")
    font = ImageFont.truetype(str(SERIF), 40)
    im = Image.new("L", (560, 110), 255)
    d = ImageDraw.Draw(im)
    d.text((20, 35), "Số:", font=font, fill=0)
    d.text((300, 35), "/QĐ-UBND", font=font, fill=0)
    a = np.array(im)
    if digits:
        cv2.putText(a, digits, (110, 80), face, 1.6, 0, 3, cv2.LINE_AA)
    return a


@pytest.mark.parametrize("face", [cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SCRIPT_COMPLEX])
def test_pen_digits_in_a_slot_are_read(face):
    numbers = ["16", "23", "2191", "05", "47", "10", "39", "68"]
    read = [glyphs.read_slot(_row(n, face=face), *SLOT, HEIGHT, BAND) for n in numbers]
    right = [n for n, got in zip(numbers, read, strict=True) if got and got[0] == n]
    assert len(right) >= 6, list(zip(numbers, read, strict=True))
    # The box is the ink's: it starts where the pen starts, not at the slot's edge.
    digits, (left, top, right_edge, bottom) = read[0]
    assert 105 <= left <= 120 and 150 <= right_edge <= 175 and top >= BAND[0]


def test_a_one_with_its_lead_in_and_a_crossed_seven_are_read_as_written_here():
    a = _row()
    # "1": the lead-in stroke up to the top, then the long downstroke.
    cv2.polylines(a, [np.array([[120, 56], [128, 46], [128, 84]])], False, 0, 4, cv2.LINE_AA)
    # "7": the top bar, the stem, and the bar across it.
    cv2.polylines(a, [np.array([[150, 47], [178, 47], [160, 84]])], False, 0, 4, cv2.LINE_AA)
    cv2.line(a, (158, 65), (178, 65), 0, 4, cv2.LINE_AA)
    got = glyphs.read_slot(a, *SLOT, HEIGHT, BAND)
    assert got is not None and got[0] == "17"


def test_touching_digits_are_cut_apart():
    a = _row("2191")
    _t, ink = cv2.threshold(a, 128, 255, cv2.THRESH_BINARY_INV)
    assert cv2.connectedComponents(ink[40:90, 100:230])[0] - 1 == 4
    # Join the "2" and the "1" at their feet, as a hurried pen does.
    cv2.line(a, (130, 80), (146, 80), 0, 3)
    assert cv2.connectedComponents(cv2.threshold(a, 128, 255, 1)[1][40:90, 100:230])[0] - 1 == 3
    got = glyphs.read_slot(a, *SLOT, HEIGHT, BAND)
    assert got is not None and got[0] == "2191"


def test_a_glyph_like_no_digit_gives_no_reading():
    """A slot holding a mark the classifier cannot place (a flourish, a blot) gives nothing
    rather than the digit it is least unlike."""
    a = _row()
    cv2.putText(a, "4", (110, 80), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.6, 0, 3, cv2.LINE_AA)
    assert glyphs.read_slot(a, *SLOT, HEIGHT, BAND) is not None
    cv2.ellipse(a, (170, 62), (22, 18), 30, 0, 360, 0, -1)
    assert glyphs.read_slot(a, *SLOT, HEIGHT, BAND) is None


def test_the_lines_above_and_below_and_the_leader_dots_are_not_digits():
    a = _row()
    a = np.vstack([np.full((60, a.shape[1]), 255, np.uint8), a, np.full((60, 560), 255, np.uint8)])
    band = (BAND[0] + 60, BAND[1] + 60)
    for x in range(110, 290, 12):  # the dotted leader the pen writes over
        cv2.circle(a, (x, 138), 2, 0, -1)
    cv2.putText(a, "8888", (110, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)  # the line above
    cv2.putText(a, "8888", (110, 215), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)  # the line below
    assert glyphs.read_slot(a, *SLOT, HEIGHT, band) is None
    cv2.putText(a, "47", (110, 140), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.6, 0, 3, cv2.LINE_AA)
    got = glyphs.read_slot(a, *SLOT, HEIGHT, band)
    assert got is not None and got[0] == "47"


def test_a_slot_reading_puts_the_digits_between_the_printed_words():
    """The page read ``Số:⁄‡7 /QĐ-UBND`` (the pen's strokes as specks glued to ``Số:``); the
    glyph reading of the row keeps the printed words and puts the digits in the slot."""
    a = _row("47")
    words = [
        Word("Số:⁄‡7", 20, 40, 160, 40, 40.0, 1, 1, 1),
        Word("/QĐ-UBND", 300, 40, 240, 40, 90.0, 1, 1, 1),
    ]
    row = Row("number", (0, 1), "QĐ-UBND")
    read = slots._glyph_reading(a, words, row, 1.0, 0.0, 0.0)
    assert read is not None
    assert [w.text for w in read] == ["Số:", "47", "/QĐ-UBND"]
    assert read[1].left >= 100 and read[1].conf == slots.GLYPH_CONF


def test_the_stored_examples_match_the_features_the_reader_computes():
    """``digits.npz`` holds features computed when it was built; a change to the features
    without a rebuild (``python -m digitize.lm.build_digits``) would compare unlike things."""
    with np.load(Path(glyphs.__file__).with_name("lm") / "digits.npz") as data:
        digits, labels = data["digits"], data["labels"]
        stored, stored_labels = data["features"], data["feature_labels"]
    examples, example_labels = glyphs.as_written_here(digits, labels)
    assert len(examples) == len(stored) and (example_labels == stored_labels).all()
    for i in range(0, len(examples), 397):
        assert np.allclose(glyphs.features(examples[i]), stored[i].astype(np.float32), atol=2e-3)


def test_the_stored_classifier_reads_its_own_examples():
    """The weights in ``digits.npz`` belong to its features: the examples, read back as a
    slot's glyph is read, come out as their digits (a stale or mismatched fit would not)."""
    with np.load(Path(glyphs.__file__).with_name("lm") / "digits.npz") as data:
        digits, labels = data["digits"], data["labels"]
    picked = range(3, len(digits), 41)
    right = 0
    for i in picked:
        ink = digits[i] > 127
        ys, xs = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        right += glyphs.label(ink[ys[0] : ys[-1] + 1, xs[0] : xs[-1] + 1]) == labels[i]
    assert right >= 0.95 * len(picked)


def test_an_eight_drawn_in_two_strokes_is_one_digit():
    """A ``6`` and an ``8`` whose upper loop the pen drew apart: the small stroke between them
    is a part of the ``8``, not a ``1`` of its own."""
    a = _row()
    cv2.ellipse(a, (130, 68), (12, 16), 0, 0, 360, 0, 4, cv2.LINE_AA)  # the 6's bowl
    cv2.line(a, (122, 60), (138, 30), 0, 4, cv2.LINE_AA)  # and its stem
    cv2.ellipse(a, (176, 71), (12, 13), 0, 0, 360, 0, 4, cv2.LINE_AA)  # the 8's lower loop
    cv2.ellipse(a, (176, 44), (10, 12), 0, 280, 450, 0, 4, cv2.LINE_AA)  # its upper loop, most
    cv2.ellipse(a, (168, 44), (10, 12), 0, 150, 240, 0, 4, cv2.LINE_AA)  # and its other stroke
    _t, ink = cv2.threshold(a, 128, 255, cv2.THRESH_BINARY_INV)
    assert cv2.connectedComponents(ink[25:95, 100:230])[0] - 1 == 3
    got = glyphs.read_slot(a, *SLOT, HEIGHT, BAND)
    assert got is not None and got[0] == "68", got


def test_a_fine_pens_digits_are_read_as_a_broad_pens():
    """Digits written with a fine pen are drawn to the examples' stroke width first."""
    numbers = ["23", "47", "50", "38", "16"]
    right = 0
    for n in numbers:
        a = _row()
        cv2.putText(a, n, (110, 84), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 2.0, 0, 1, cv2.LINE_AA)
        got = glyphs.read_slot(a, *SLOT, HEIGHT, BAND)
        right += got is not None and got[0] == n
    assert right >= 4
    thin = np.zeros((60, 40), bool)
    cv2.line(thin.view(np.uint8), (20, 5), (20, 55), 1, 1)
    assert glyphs.pen_width(thin) < glyphs.FINE_PEN * 60
    assert glyphs.pen_width(glyphs._broadened(thin)) >= 0.8 * glyphs.PEN * 60


def test_a_word_box_reaching_over_the_pens_digits_does_not_hide_them():
    """The page read ``ngày`` with a box reaching over the ``27`` written after it; the slot is
    still found between the word's letters and ``tháng``."""
    font = ImageFont.truetype(str(SERIF), 40) if SERIF.exists() else pytest.skip("no serif")
    im = Image.new("L", (900, 110), 255)
    d = ImageDraw.Draw(im)
    d.text((20, 35), "Hà Nội, ngày", font=font, fill=0)
    d.text((330, 35), "tháng 12 năm 2021", font=font, fill=0)
    a = np.array(im)
    cv2.putText(a, "27", (258, 82), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.6, 0, 3, cv2.LINE_AA)
    at = [(20, "Hà", 47), (77, "Nội,", 70), (157, "ngày", 150), (330, "tháng", 89),
          (429, "12", 40), (479, "năm", 69), (558, "2021", 80)]  # fmt: skip
    words = [Word(t, x, 40, w, 40, 90.0, 1, 1, 1) for x, t, w in at]
    row = Row("date", tuple(range(len(words))), "12|2021")
    read = slots._glyph_reading(a, words, row, 1.0, 0.0, 0.0)
    assert read is not None and "27" in [w.text for w in read], read and [w.text for w in read]
