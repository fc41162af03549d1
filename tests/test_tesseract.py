"""The Tesseract wrapper against the real binary, plus faults caused for real."""

from __future__ import annotations

import logging
import os
import stat
import unicodedata
from pathlib import Path

import pytest

from digitize import tesseract
from digitize.errors import LanguageMissing, OCRError, OCRTimeout, TesseractMissing
from tests.pages import as_array, draw_page


@pytest.fixture
def fresh_info():
    """Forget the cached binary lookup before and after a test that changes PATH."""
    tesseract.info.cache_clear()
    yield
    tesseract.info.cache_clear()


def test_recognize_reads_vietnamese_with_boxes_and_confidences():
    im = draw_page(dpi=300)
    words = tesseract.recognize(as_array(im), lang="vie", dpi=300)
    text = " ".join(w.text for w in words)
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert all(unicodedata.is_normalized("NFC", w.text) for w in words)
    assert all(0 <= w.left < im.width and 0 <= w.top < im.height for w in words)
    assert all(0.0 <= w.conf <= 1.0 for w in words)
    assert sum(w.conf for w in words) / len(words) > 0.8
    # Lines come in reading order: the national title before the motto.
    first = words[0]
    assert first.text == "CỘNG" and first.line == words[1].line


def test_parse_tsv_keeps_only_words_in_nfc():
    nfd = unicodedata.normalize("NFD", "Nguyễn")
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n"
        f"5\t1\t1\t1\t1\t1\t10\t12\t40\t9\t91.5\t{nfd}\n"
        "5\t1\t1\t1\t1\t2\t60\t12\t10\t9\t95\t \n"
    )
    (word,) = tesseract.parse_tsv(tsv)
    assert word.text == "Nguyễn" and unicodedata.is_normalized("NFC", word.text)
    assert (word.left, word.top, word.width, word.height) == (10, 12, 40, 9)
    assert word.conf == pytest.approx(0.915)
    # A fraction slash read for the slash of print ("V⁄v") is the slash.
    tsv = tsv.replace(nfd, "V\u2044v")
    assert tesseract.parse_tsv(tsv)[0].text == "V/v"


def test_a_sliver_read_as_a_letter_is_no_word():
    """A stroke a pixel wide and fifteen high read "ì" between the words of a heading ("TỈNH
    QUẢNG ì NGÃI") is left out; print's narrow letters are kept."""
    columns = "level page_num block_num par_num line_num word_num left top width height conf text"
    head = columns.replace(" ", "\t") + "\n"
    rows = [("QUẢNG", 184, 57, 32), ("ì", 253, 1, 15), ("NGÃI", 259, 48, 27), ("I", 320, 3, 18)]
    tsv = head + "".join(
        f"5\t1\t1\t1\t1\t{i}\t{x}\t81\t{w}\t{h}\t72\t{t}\n" for i, (t, x, w, h) in enumerate(rows)
    )
    assert [w.text for w in tesseract.parse_tsv(tsv)] == ["QUẢNG", "NGÃI", "I"]


def test_version_and_languages_are_read_once():
    info = tesseract.info()
    assert info.version >= tesseract.MIN_VERSION
    assert "vie" in info.languages
    assert tesseract.info() is info


def test_missing_language_names_the_package_to_install():
    with pytest.raises(LanguageMissing) as err:
        tesseract.require_languages("vie+xyz")
    assert "xyz" in err.value.message
    assert "tesseract-ocr-xyz" in err.value.hint


def test_missing_binary_is_a_typed_error(fresh_info, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(TesseractMissing) as err:
        tesseract.info()
    assert "apt-get install tesseract-ocr" in err.value.hint


def _fake_tesseract(folder: Path, body: str) -> None:
    real = tesseract.info().path
    script = folder / "tesseract"
    script.write_text(
        f'#!/bin/sh\ncase "$1" in --version|--list-langs) exec {real} "$@";; esac\n' + body
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_crashing_tesseract_becomes_ocr_error(fresh_info, monkeypatch, tmp_path):
    _fake_tesseract(tmp_path, "echo 'Error: leptonica cannot read' >&2; exit 1\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    tesseract.info.cache_clear()
    with pytest.raises(OCRError) as err:
        tesseract.recognize(as_array(draw_page()), what="page 1 of scan.png")
    assert err.value.code == "ocr_failed"
    assert "page 1 of scan.png" in err.value.message
    assert "leptonica cannot read" in err.value.message


def test_page_file_is_private_and_removed(fresh_info, monkeypatch, tmp_path):
    # The fake reports the mode and path of the page file it was given, then fails.
    _fake_tesseract(tmp_path, 'echo "Error: mode $(stat -c %a "$1") at $1" >&2; exit 1\n')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    tesseract.info.cache_clear()
    with pytest.raises(OCRError) as err:
        tesseract.recognize(as_array(draw_page()))
    mode, _, path = err.value.message.partition("mode ")[2].partition(" at ")
    assert mode == "600"
    assert not Path(path.strip()).exists()


def test_killed_tesseract_says_so(fresh_info, monkeypatch, tmp_path):
    _fake_tesseract(tmp_path, "kill -9 $$\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    tesseract.info.cache_clear()
    with pytest.raises(OCRError, match="killed by signal 9"):
        tesseract.recognize(as_array(draw_page()))


def test_slow_tesseract_times_out():
    with pytest.raises(OCRTimeout) as err:
        tesseract.recognize(as_array(draw_page(dpi=300)), timeout=0.01, what="page 3 of big.tif")
    assert err.value.retryable
    assert "page 3 of big.tif" in err.value.message


def test_orientation_of_an_upside_down_page():
    im = draw_page(dpi=300).rotate(180)
    found = tesseract.detect_orientation(as_array(im))
    assert found is not None and found.rotate == 180


def test_orientation_of_a_blank_page_is_unknown(caplog):
    im = draw_page((), dpi=150)
    with caplog.at_level(logging.DEBUG, logger="digitize.tesseract"):
        assert tesseract.detect_orientation(as_array(im)) is None
    # Tesseract refuses the page ("Error during processing."): an answer, not an error to log.
    assert any("Too few characters" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_leptonica_complaints_in_a_run_that_succeeded_are_not_errors(caplog):
    noise = b"Error in boxClipToRectangle: box outside rectangle\nError in pixScanForForeground\n"
    with caplog.at_level(logging.DEBUG, logger="digitize.tesseract"):
        tesseract._log_stderr(noise)
    levels = [r.levelno for r in caplog.records]
    assert levels == [logging.DEBUG, logging.ERROR]  # the second is not Leptonica's form
