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
    # Join the "9" and the "1" at their feet, as a hurried pen does.
    cv2.line(a, (172, 78), (192, 78), 0, 3)
    assert cv2.connectedComponents(cv2.threshold(a, 128, 255, 1)[1][40:90, 100:230])[0] - 1 == 3
    got = glyphs.read_slot(a, *SLOT, HEIGHT, BAND)
    assert got is not None and len(got[0]) == 4 and got[0].startswith("21")


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
