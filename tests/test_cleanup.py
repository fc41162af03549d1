"""Cleanup stages on arrays, and page reading on real rotated and skewed scans."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from digitize import cleanup
from digitize.intake import open_document
from digitize.reading import read_page
from tests.pages import LINES, as_array, draw_page

LONG_LINES = LINES + tuple(
    f"Dòng thứ {i}: Ủy ban nhân dân phường Bến Nghé, Quận 1" for i in range(8)
)


@pytest.mark.parametrize("angle", [-4.0, -1.5, 0.7, 2.5, 5.0])
def test_skew_is_found_within_a_quarter_degree(angle):
    gray = cleanup.to_gray(as_array(draw_page(LONG_LINES, dpi=150, width_in=7)))
    turned = cleanup.rotate_by(gray, angle)
    assert cleanup.estimate_skew(turned) == pytest.approx(-angle, abs=0.25)


def test_blank_page_has_no_skew():
    assert cleanup.estimate_skew(np.full((800, 600), 250, np.uint8)) == 0.0


def test_quarter_turns_are_lossless_and_compose():
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert np.array_equal(cleanup.rotate_quarter(cleanup.rotate_quarter(img, 90), 270), img)
    assert cleanup.rotate_quarter(img, 90).shape == (4, 3)


def test_background_flattening_removes_a_shadow_and_keeps_ink():
    gray = cleanup.to_gray(as_array(draw_page(LONG_LINES, dpi=150, width_in=7)))
    h, w = gray.shape
    shade = np.tile(np.linspace(0.35, 1.0, w), (h, 1))  # dark on the left, like a photo
    shaded = (gray * shade).astype(np.uint8)
    flat = cleanup.flatten_background(shaded)
    paper = gray > 200
    ink = gray < 80
    # Paper is even again across the page, and ink stays much darker than paper everywhere.
    assert np.percentile(flat[paper], 5) > 200
    left_ink = flat[:, : w // 3][ink[:, : w // 3]]
    assert np.median(left_ink) < 140


def test_prepare_upscales_low_resolution_pages_for_ocr():
    img = as_array(draw_page(dpi=150))
    prep = cleanup.prepare(img, 150.0)
    assert prep.scale == pytest.approx(2.0)
    assert prep.ocr.shape[0] == pytest.approx(img.shape[0] * 2, abs=2)
    assert prep.display.shape == img.shape  # the stored page keeps its own resolution
    assert prep.display.ndim == 3


def _page(path):
    doc = open_document(path, path.read_bytes(), max_pixels=120_000_000, pdf_dpi=300)
    return list(doc.pages())


def _words(read):
    return " ".join(w.text for w in read.result.words)


@pytest.mark.parametrize(
    "name", ["phototest-rotated-L.png", "phototest-rotated-R.png", "phototest-rotated-180.png"]
)
def test_rotated_real_scans_are_read_upright(evaldata, name):
    (page,) = _page(evaldata / "eng" / name)
    read = read_page(page, lang="vie", timeout=60, name=name)
    assert "This is a lot of 12 point text" in _words(read)
    assert read.result.quality["rotation"] in (0, 90, 180, 270)


def test_upright_page_is_not_turned(evaldata):
    (page,) = _page(evaldata / "eng" / "phototest.tif")
    read = read_page(page, lang="vie", timeout=60, name="phototest.tif")
    assert read.result.quality["rotation"] == 0
    assert read.display is page.image  # untouched: no rotation, no resampling


def test_cardinal_pdf_pages_are_all_read_upright(evaldata):
    pages = _page(evaldata / "pdf" / "cardinal.pdf")
    assert len(pages) == 4
    for page in pages:
        small = cv2.resize(page.image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        page.image, page.dpi = small, 150.0
        read = read_page(page, lang="vie", timeout=60, name="cardinal.pdf")
        assert "LinnSequencer" in _words(read) or "Linn" in _words(read), page.index


EXPECTED_SKEW = {1: -1.0, 2: -2.0, 3: -6.0, 4: 7.0, 5: 3.0, 6: -3.0, 7: 3.0, 8: 15.0}


@pytest.mark.parametrize("n", sorted(EXPECTED_SKEW))
def test_real_skewed_scans_are_measured_within_half_a_degree(evaldata, n):
    gray = np.asarray(Image.open(evaldata / "deskew" / f"deskew-{n}.png").convert("L"))
    assert cleanup.estimate_skew(gray) == pytest.approx(EXPECTED_SKEW[n], abs=0.5)
