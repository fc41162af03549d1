"""Orientation without OCR: line direction, line shape, half turns and the sizes they measure."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from digitize import cleanup, reading
from digitize.cleanup.despeckle import remove_rules
from digitize.cleanup.orientation import LineShape, line_shape
from digitize.intake import open_document
from digitize.models import PageImage
from digitize.reading import read_page
from tests.pages import LINES, as_array, draw_page

EXTRA = "Ủy ban nhân dân phường Bến Nghé Quận thủ tục hành chính"
WORDS = " ".join((*LINES, EXTRA)).split()


def _text_page(n_lines: int = 30, dpi: int = 150, seed: int = 3) -> np.ndarray:
    rng = random.Random(seed)
    lines = [" ".join(rng.sample(WORDS, 8)) for _ in range(n_lines)]
    return cleanup.to_gray(as_array(draw_page(lines, dpi=dpi, width_in=7)))


@pytest.mark.parametrize("turn", [0, 180])
def test_line_shape_tells_an_upside_down_page(turn):
    prep = cleanup.prepare(cleanup.rotate_quarter(_text_page(), turn), 150.0)
    assert prep.lines.upside_down is (turn == 180)
    assert max(prep.lines.above, prep.lines.below) >= 20


@pytest.mark.parametrize("turn", [90, 270])
def test_a_sideways_page_is_measured_the_way_it_reads(turn):
    upright = cleanup.survey(_text_page(), None)
    sideways = cleanup.survey(cleanup.rotate_quarter(_text_page(), turn), None)
    assert sideways.axis.sideways
    assert sideways.text_px == pytest.approx(upright.text_px, rel=0.15)
    assert sideways.dpi == pytest.approx(upright.dpi, rel=0.15)


def test_a_page_with_little_text_is_left_unsure():
    few = cleanup.rotate_quarter(_text_page(n_lines=3), 180)
    prep = cleanup.prepare(few, 150.0)
    assert prep.lines.upside_down is None


def test_mixed_votes_are_unsure():
    assert LineShape(30, 0).upside_down is False
    assert LineShape(2, 30).upside_down is True
    assert LineShape(20, 12).upside_down is None
    assert LineShape(5, 0).upside_down is None


def test_line_shape_of_lines_with_nothing_above_or_below_is_unsure():
    ink = np.zeros((600, 800), np.uint8)
    for y in range(40, 560, 40):
        ink[y : y + 16, 20:780:4] = 1  # even bars: no x-height band to lean from
    assert line_shape(ink, 16.0).upside_down is None


def test_half_turn_matches_finishing_the_opposite_way():
    page = cleanup.rotate_by(_text_page(), 1.5)
    s = cleanup.survey(page, 150.0)
    turned = cleanup.half_turn(cleanup.finish(s, 0))
    direct = cleanup.finish(s, 180)
    assert turned.quality["rotation"] == 180
    assert turned.ocr.shape == direct.ocr.shape
    differ = np.count_nonzero(np.abs(turned.ocr.astype(int) - direct.ocr.astype(int)) > 64)
    assert differ < 0.01 * turned.ocr.size


def test_upside_down_page_is_read_without_an_orientation_detector(tmp_path):
    from digitize.models import PageImage

    gray = cleanup.rotate_quarter(_text_page(n_lines=24, dpi=200), 180)
    page = PageImage(0, gray, 200.0)
    read = read_page(page, lang="vie", timeout=60, name="upside-down.png")
    assert read.result.quality["rotation"] == 180
    assert read.result.quality["orientation"] == "lines"
    text = " ".join(w.text for w in read.result.words)
    assert sum(w in text for w in ("phường", "Nghé", "chính", "Nhung")) >= 3


def test_crossbars_of_bold_letters_run_together_are_not_rules():
    binary = np.full((200, 1200), 255, np.uint8)
    for x in range(40, 1100, 14):  # letter stems above and below a shared crossbar
        cv2.rectangle(binary, (x, 60), (x + 6, 110), 0, -1)
    cv2.rectangle(binary, (40, 82), (1106, 86), 0, -1)
    cv2.line(binary, (40, 150), (1106, 150), 0, 3)  # an underline, paper below it
    remove_rules(binary, text_h=50)
    assert np.count_nonzero(binary[82:87, 40:1106] == 0) > 0.9 * 5 * 1066
    assert np.count_nonzero(binary[145:156] == 0) == 0


# --- Real scans (skipped when ../shared/evaldata is absent) -----------------------------------


def _pages(path):
    doc = open_document(path, path.read_bytes(), max_pixels=120_000_000, pdf_dpi=300)
    return list(doc.pages())


def test_cardinal_pages_are_turned_by_their_line_shape_alone(evaldata):
    # The four pages hold the same brochure page at the four quarter turns.
    turns = []
    for page in _pages(evaldata / "pdf" / "cardinal.pdf"):
        small = cv2.resize(page.image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        s = cleanup.survey(small, 150.0)
        prep = cleanup.finish(s, 90 if s.axis.sideways else 0)
        assert prep.lines.upside_down is not None, page.index
        turns.append((prep.quality["rotation"] + 180 * prep.lines.upside_down) % 360)
    assert sorted(turns) == [0, 90, 180, 270]
    assert turns[0] == 0


@pytest.mark.parametrize(
    ("name", "turn"),
    [("phototest-rotated-L.png", 90), ("phototest-rotated-R.png", 270), ("phototest.tif", 0)],
)
def test_phototest_turns_follow_from_line_shape(evaldata, name, turn):
    (page,) = _pages(evaldata / "eng" / name)
    s = cleanup.survey(page.image, page.dpi)
    prep = cleanup.finish(s, 90 if s.axis.sideways else 0)
    assert prep.lines.upside_down is not None
    assert (prep.quality["rotation"] + 180 * prep.lines.upside_down) % 360 == turn


def _poor_copy(key: str) -> PageImage:
    """A generated photocopy (seed/profile/kind/index), encoded and opened as a desk's file."""
    from bench.classify_data import _encode
    from bench.synth import degrade, render_document

    seed, profile, kind, index = key.split("/")
    rng = random.Random(key)
    page = render_document(kind, rng, 300)
    damaged = degrade(page, profile, rng)
    data, name = _encode(damaged.image, damaged.dpi, profile)
    (image,) = open_document(Path(name), data, max_pixels=120_000_000, pdf_dpi=300).pages()
    return image


def test_lid_edges_do_not_make_an_upright_page_look_sideways():
    # A grey photocopy with dark margins and a seal: the long edges of the lid's shadow used
    # to outweigh the text lines in the line-direction test.
    image = _poor_copy("3100/poor/marriage_certificate/0")
    assert not cleanup.survey(image.image, image.dpi).axis.sideways
    read = read_page(image, lang="vie", timeout=60, name="page.png")
    assert read.result.quality["rotation"] == 0
    assert "KẾT HÔN" in read.result.text


def test_a_page_wrongly_taken_for_sideways_is_turned_back_by_reading():
    # When the line direction misleads anyway, neither quarter turn reads, so the strip test
    # must bring the page back upright rather than leave it turned (Tesseract would read it
    # sideways: words right, places wrong).
    image = _poor_copy("3100/poor/marriage_certificate/0")
    s = cleanup.survey(image.image, image.dpi)
    prep = cleanup.finish(s, 90)
    turned, how = reading._sideways_turn(s, prep, lang="vie", timeout=60, what="page 1")
    assert (turned.quality["rotation"], how) == (0, "strip")


def test_a_sideways_page_read_as_upright_is_turned_by_its_words():
    # The lid's edge runs along a sideways certificate. Had the line direction missed it,
    # Tesseract reads its lines downwards, word by word, and the words' shapes give it away.
    image = _poor_copy("3000/poor/land_use_certificate/1")
    s = cleanup.survey(image.image, image.dpi)
    assert s.axis.sideways  # the line direction sees it, with the lid's edge left out
    for wrong in (0, 180):
        ready = reading.PreparedPage(image, "page 1", s, cleanup.finish(s, wrong), "lines", False)
        read = reading.complete_page(ready, lang="vie", timeout=60)
        assert read.result.quality["orientation"] == "words"
        assert read.result.quality["rotation"] == 270
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in read.result.text
        assert "Trần Gia Huy" in read.result.text


def test_scraps_read_from_a_wrong_turn_do_not_decide_it(tmp_path):
    # An upright photocopy whose lines once looked vertical (seals, dark margins). Taken for
    # sideways, its strip read sideways gives only scraps both ways (about 1 and 3), which
    # must not pick a turn.
    from bench.bench_ocr import make_page

    path, _, meta = make_page("poor", "9402-poor", tmp_path, 2)
    assert meta["rotation"] == 0
    (image,) = open_document(path, max_pixels=120_000_000, pdf_dpi=300).pages()
    s = cleanup.survey(image.image, image.dpi)
    assert not s.axis.sideways
    assert reading._strip_choice(s, (90, 270), lang="vie", timeout=60, what="page 1") is None
    turned, _ = reading._sideways_turn(s, cleanup.finish(s, 90), lang="vie", timeout=60, what="p")
    assert turned.quality["rotation"] == 0
    read = read_page(image, lang="vie", timeout=60, name=path.name)
    assert read.result.quality["rotation"] == 0
