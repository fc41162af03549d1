"""Cleanup never reads a page worse than the plain page: the fallback and its cost.

Pages are drawn on the fly and read by real Tesseract; the real low-resolution images of the
evaluation set are read with the pipeline and with raw ``tesseract IMG - -l vie`` on the same
pixels, and the pipeline must not read their printed lines worse.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from digitize.cleanup.ocrimage import plain_image
from digitize.intake import open_document
from digitize.models import PageImage
from digitize.reading import read_page
from tests.pages import LINES, draw_page

TRUTH = " ".join(LINES)


def _errors(text: str) -> int:
    """Edits between the drawn lines and the reading (spaces folded)."""
    return Levenshtein.distance(" ".join(text.split()), TRUTH)


def _raw(image: np.ndarray, tmp: Path, dpi: float | None = None) -> str:
    path = tmp / "raw.png"
    cv2.imwrite(str(path), image)
    args = ["tesseract", str(path), "-", "-l", "vie"] + (["--dpi", str(round(dpi))] if dpi else [])
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    return subprocess.run(args, capture_output=True, env=env, check=True).stdout.decode()


def _soft_photo() -> np.ndarray:
    """A small, soft, unevenly lit colour picture of the page, as a phone sends it: 75 dpi,
    blurred, a shadow across it and JPEG's blocks."""
    page = np.asarray(draw_page(LINES, dpi=75))[:, :, ::-1].astype(np.float32)
    h, w = page.shape[:2]
    shade = np.linspace(1.0, 0.55, w, dtype=np.float32)[None, :, None]
    page = cv2.GaussianBlur(page * shade, (0, 0), 0.8)
    ok, buf = cv2.imencode(
        ".jpg", page.clip(0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 55]
    )
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def test_the_plain_page_shares_the_ocr_images_grid():
    display = np.full((100, 80, 3), 230, np.uint8)
    display[40:50, 10:70] = 30
    out = plain_image(display, (160, 200))
    assert out.shape == (200, 160) and out.dtype == np.uint8
    assert out[90, 80] < 100 and out[10, 10] > 200  # ink stays ink, paper turns white


def test_a_soft_low_resolution_photo_reads_no_worse_than_raw_tesseract(tmp_path):
    image = _soft_photo()
    read = read_page(PageImage(0, image, None), lang="vie", timeout=120, name="photo.jpg")
    q = read.result.quality
    assert q["ocr_image"] in ("plain", "cleaned")  # both pages were read and compared
    assert _errors(read.result.text) <= _errors(_raw(image, tmp_path))
    assert "Nguyễn Thị Hồng Nhung" in read.result.text


def test_a_good_scan_is_read_once(tmp_path):
    image = np.asarray(draw_page(LINES, dpi=300))[:, :, ::-1].copy()
    read = read_page(PageImage(0, image, 300.0), lang="vie", timeout=120, name="scan.png")
    assert "ocr_image" not in read.result.quality  # no second reading for a clean scan
    assert "plain_lines_read" not in read.result.quality  # every line reads as Vietnamese
    assert _errors(read.result.text) <= 2


# --- real low-resolution pages -------------------------------------------------------------


def _truth(evaldata: Path) -> dict[str, dict]:
    path = evaldata / "vie-real" / "truth.json"
    if not path.exists():
        pytest.skip("vie-real truth not present")
    return {e["file"]: e for e in json.loads(path.read_text(encoding="utf-8"))}


def _line_edits(lines: list[str], text: str) -> int:
    """Fewest edits of each printed line against the best-matching stretch of ``text``."""
    flat = " ".join(text.split())
    return sum(_infix(line, flat) for line in lines)


def _infix(pattern: str, text: str) -> int:
    prev = [0] * (len(text) + 1)
    for i, p in enumerate(pattern, 1):
        cur = [i] + [0] * len(text)
        for j, t in enumerate(text, 1):
            cur[j] = min(prev[j - 1] + (p != t), prev[j] + 1, cur[j - 1] + 1)
        prev = cur
    return min(prev)


@pytest.mark.parametrize(
    "name", ["official_letter_tinhgia_photo.png", "decision_ttg_09-2023_congbao.jpg"]
)
def test_real_low_resolution_images_read_no_worse_than_raw(evaldata, tmp_path, name):
    entry = _truth(evaldata).get(name)
    path = evaldata / "vie-real" / name
    if entry is None or not path.exists():
        pytest.skip(f"{name} not present")
    doc = open_document(path, max_pixels=120_000_000, pdf_dpi=300)
    page = next(doc.pages())
    read = read_page(page, lang="vie", timeout=300, name=name)
    raw = _raw(page.image, tmp_path, page.dpi)
    ours, theirs = _line_edits(entry["lines"], read.result.text), _line_edits(entry["lines"], raw)
    assert ours <= theirs, (ours, theirs)
    assert read.result.quality["ocr_image"] in ("plain", "cleaned")


def _line(texts: str | list[str], conf: float, top: int = 100, line: int = 1) -> list:
    from digitize.models import Word

    words = texts.split() if isinstance(texts, str) else texts
    return [Word(t, 60 * i, top, 50, 30, conf, 1, 1, line) for i, t in enumerate(words)]


def test_noise_read_from_dotted_lines_does_not_win_the_page_for_its_confidence_mass():
    """The plain page of a form photo keeps the dotted lines cleanup took away; read as letters
    and digits at middling confidence they add mass, not well-formed words."""
    from digitize.models import confidence_mass
    from digitize.plainreading import reading_score

    right = _line("Ngày, tháng, năm sinh: 04/12/2017", 0.93)
    right += _line("Họ và tên người mẹ: NGUYỄN MAI KHÁNH THẢO", 0.92, top=160)
    noisy = _line("Ngày, tháng, năm sinh: 04/12/2017", 0.93)
    noisy += _line("Họ và tên người mẹ: NGUYÊN MAI KHÁNH THẢO", 0.92, top=160)
    # Dotted lines read as noise, at the middling confidence Tesseract gives it.
    noisy += _line("5151511115111 nu nu n2 eo 6 —¬e .......... 20c có TH ng", 0.5, 220)
    assert confidence_mass(noisy) > confidence_mass(right)  # what used to decide
    assert reading_score(right) > reading_score(noisy)


def test_dotted_lines_read_as_noise_on_lines_of_their_own_do_not_win_either():
    from digitize.plainreading import reading_score

    right = _line("Ngày, tháng, năm sinh: 04/12/2017", 0.93)
    right += _line("Họ và tên người mẹ: NGUYỄN MAI KHÁNH THẢO", 0.92, top=160, line=2)
    noisy = right + _line("5151511115111 nu nu n2 eo 6 —¬e .......... 20c TH", 0.5, 220, line=3)
    assert reading_score(noisy) <= reading_score(right)


def test_debris_beside_the_print_does_not_outweigh_the_print():
    """A licence photo: the cleaned page reads every line of the card right and its portrait
    and edge as debris; the plain page reads no debris and the card's lines worse. The print
    decides, not the debris that either image may show or not."""
    from digitize.plainreading import reading_score

    date = "Hà Tĩnh, ngày/date {} tháng/{} {} năm/year 2017"
    cleaned = _line(date.format("08", "month", "06"), 0.92)
    cleaned += _line("Số/No: 750134719921", 0.9, top=160, line=2)
    cleaned += _line("FBEzI:g", 0.0, top=220, line=3)
    cleaned += _line("ÀÃ.ăã Â..Ã jq ï ¿ :", 0.5, top=280, line=4)
    cleaned += _line("_,#Ã Á.. lu Á Á", 0.6, top=340, line=5)
    plain = _line(date.format("O8", "mnonth", "O6"), 0.9)
    plain += _line("Số/NGo: 750134719921", 0.5, top=160, line=2)
    assert reading_score(cleaned) > reading_score(plain)

    from digitize.plainreading import reading_score

    broken = _line(["Ủy", "ban", "nhân", "dân", "xã", "Cẩm", "B#nh", "huyện", "Cẩm", "XuyềN"], 0.7)
    whole = _line(["Ủy", "ban", "nhân", "dân", "xã", "Cẩm", "Bình", "huyện", "Cẩm", "Xuyên"], 0.9)
    assert reading_score(whole) > reading_score(broken)


def test_a_plain_page_read_as_no_text_at_all_does_not_win():
    """A card's English halves count against a reading; Tesseract finding no text block on the
    plain page (a card with a dark band of desk around it) gives an empty reading, whose
    score of nothing must not beat a real one."""
    from digitize.plainreading import better_page, reading_score

    card = _line("Ngày, tháng, năm / Date, month, year: 27/07/2023", 0.9)
    card += _line("Left index finger Right index finger of the", 0.9, top=160)
    assert reading_score(card) < 0
    blank = np.full((400, 1200), 255, np.uint8)
    kept, other, won = better_page(
        card, blank, scale=1.0, lang="vie", dpi=300, timeout=60, what="a card"
    )
    assert not won and kept is card and other == []
