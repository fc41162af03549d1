"""Long numbers (a card's ID) read a second time in digits only: a sure misread is disputed.

Numbers are drawn on a card-coloured strip and read by real Tesseract; the page's reading is
made to hold one digit wrong, as a photo's small bold print gives it.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from digitize import digitcheck
from digitize.models import Word


def _card_with(number: str, colour: tuple[int, int, int] = (30, 30, 30)) -> tuple[np.ndarray, Word]:
    """A pale card strip with ``number`` printed on it, and the word as a page reads it."""
    image = np.full((160, 900, 3), (222, 230, 236), np.uint8)
    cv2.putText(image, number, (60, 105), cv2.FONT_HERSHEY_DUPLEX, 1.9, colour, 3, cv2.LINE_AA)
    (w, h), _ = cv2.getTextSize(number, cv2.FONT_HERSHEY_DUPLEX, 1.9, 3)
    return image, Word(number, 60, 105 - h, w, h, 0.95, 1, 1, 1)


def test_a_number_read_with_one_digit_wrong_is_made_unsure():
    image, word = _card_with("075166313866")
    misread = dataclasses.replace(word, text="075166315866")
    name = Word("TRỊNH", 60, 10, 120, 30, 0.95, 1, 1, 2)
    out, disputed = digitcheck.check_numbers(
        image, [name, misread], lang="vie", timeout=60, what="a card"
    )
    assert disputed == 1
    assert out[1].text == "075166315866" and out[1].conf <= digitcheck.DISPUTED_CONF
    assert out[0] is name  # other words are left alone


def test_a_number_read_right_keeps_its_confidence_and_a_red_one_is_read_too():
    for colour in ((30, 30, 30), (40, 40, 200)):  # black print; the old card's red number
        image, word = _card_with("333235170", colour)
        out, disputed = digitcheck.check_numbers(image, [word], lang="vie", timeout=60, what="a")
        assert disputed == 0 and out[0].conf == word.conf


def test_a_page_without_long_numbers_costs_nothing():
    words = [Word("Số:", 0, 0, 40, 20, 0.9), Word("123/QĐ-UBND", 50, 0, 200, 20, 0.9)]
    out, disputed = digitcheck.check_numbers(
        np.zeros((10, 10), np.uint8), words, lang="vie", timeout=1, what="a"
    )
    assert out == words and disputed == 0


def test_a_photos_code_read_with_one_character_wrong_takes_the_strips_reading_and_stays_unsure():
    image, word = _card_with("G4FB455386")
    misread = dataclasses.replace(word, text="G4FB455286")
    out, disputed = digitcheck.check_numbers(
        image, [misread], lang="vie", timeout=60, what="a card", codes=True
    )
    assert disputed == 1
    assert out[0].text == "G4FB455386" and out[0].conf <= digitcheck.DISPUTED_CONF
    # A scan's page (not a photo) reads its codes once: nothing changes.
    out, disputed = digitcheck.check_numbers(image, [misread], lang="vie", timeout=60, what="a")
    assert disputed == 0 and out == [misread]


def test_a_photos_date_and_code_read_right_keep_their_confidence():
    for text in ("19/02/2014", "61C-603.24", "RLA2BCC04JS560500"):
        image, word = _card_with(text)
        out, disputed = digitcheck.check_numbers(
            image, [word], lang="vie", timeout=60, what="a card", codes=True
        )
        assert disputed == 0 and out[0] == word, text


def test_a_code_whose_letter_o_the_strip_reads_as_a_zero_is_not_disputed():
    image, word = _card_with("KFOE123456")
    out, disputed = digitcheck.check_numbers(
        image, [word], lang="vie", timeout=60, what="a card", codes=True
    )
    assert disputed == 0 and out[0] == word
