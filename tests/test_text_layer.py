"""A PDF page's text layer is used only when it reads as Vietnamese and covers the page's print.

The PDFs are written by the project's own searchable-PDF writer over pages drawn on the fly: a
layer the page's own reading (real Tesseract), a layer holding only an e-signature stamp, a
layer of garbled text in the right places. Real evaluation PDFs are used where present.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitize import tesseract, textlayer
from digitize.intake import open_document
from digitize.models import Word
from digitize.pdfwriter import SearchablePDF
from digitize.pipeline import process_document
from digitize.reading import read_page
from tests.pages import LINES, draw_page, font

DPI = 200
STAMP = ("Ký", "bởi:", "Sở", "Tư", "pháp", "Thời", "gian", "ký:", "04.04.2018", "10:15:23")
DOSSIER = "000.00.12.H57-261122-0001"


def _page_image() -> np.ndarray:
    """The drawn page on a taller sheet, with a small printed e-signature stamp at the foot."""
    body = draw_page(LINES, dpi=DPI)
    sheet = Image.new("RGB", (body.width, body.height + 200), "white")
    sheet.paste(body, (0, 0))
    ImageDraw.Draw(sheet).text(
        (body.width - 520, body.height + 120), " ".join(STAMP), font=font(18), fill=(20, 20, 20)
    )
    return np.asarray(sheet)[:, :, ::-1].copy()


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return _page_image()


@pytest.fixture(scope="module")
def page_words(page) -> list[Word]:
    """The page's own words and boxes, as an OCR layer made by a scanner would hold them."""
    words = tesseract.recognize(page, lang="vie", dpi=DPI)
    assert len(words) > 30
    return words


def _stamp_words(page: np.ndarray) -> list[Word]:
    h, w = page.shape[:2]
    out, left = [], w - 520
    for text in STAMP:
        width = 14 * len(text)
        out.append(Word(text, left, h - 80, width, 22, 1.0, 1, 1, 1))
        left += width + 6
    return out


def _pdf(tmp_path, page: np.ndarray, words: list[Word], name: str) -> bytes:
    path = tmp_path / name
    with SearchablePDF(path) as pdf:
        pdf.add_page(page, dpi=DPI, words=words)
    return path.read_bytes()


def _first_page(data: bytes, name: str):
    doc = open_document(__import__("pathlib").Path(name), data, max_pixels=60_000_000, pdf_dpi=300)
    return next(doc.pages())


# --- the language test ---------------------------------------------------------------------


def test_vietnamese_text_reads_as_vietnamese_and_legacy_fonts_do_not():
    share, marked = textlayer.language_share("\n".join(LINES))
    assert share >= textlayer.MIN_SYLLABLE_SHARE and marked >= textlayer.MIN_MARKED_SHARE
    tcvn3 = "Céng hßa x· héi chñ nghÜa ViÖt Nam §éc lËp - Tù do - H¹nh phóc"
    assert textlayer.check_text(tcvn3 * 2).reason == "not_vietnamese"
    vni = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam Ñoäc laäp - Töï do - Haïnh phuùc"
    assert textlayer.check_text(vni * 2).reason == "not_vietnamese"


def test_text_stripped_of_its_marks_is_no_vietnamese_record_text():
    plain = "CONG HOA XA HOI CHU NGHIA VIET NAM Doc lap Tu do Hanh phuc Quyet dinh ve viec"
    share, marked = textlayer.language_share(plain)
    assert share > 0.9 and marked == 0.0
    assert textlayer.check_text(plain).reason == "not_vietnamese"


def test_syllable_structure_rejects_what_no_vietnamese_word_can_be():
    assert textlayer.is_syllable("nghiêng") == (True, True)
    assert textlayer.is_syllable("Quảng") == (True, True)
    assert textlayer.is_syllable("tốt")[0] and textlayer.is_syllable("học")[0]
    assert not textlayer.is_syllable("tồt")[0]  # a stop final takes only two tones
    assert not textlayer.is_syllable("hoàá")[0]  # two tone marks
    assert not textlayer.is_syllable("strb")[0]
    assert not textlayer.is_syllable("xyzw")[0]


def test_short_and_undecodable_layers_are_refused_with_their_reason():
    assert textlayer.check_text("Trang 2").reason == "too_little_text"
    assert textlayer.check_text("(cid:12)(cid:40) (cid:7)" * 5).reason == "undecodable_glyphs"


# --- the layer against the page ------------------------------------------------------------


def test_a_full_layer_covers_the_page_and_is_used(tmp_path, page, page_words):
    pg = _first_page(_pdf(tmp_path, page, page_words, "full.pdf"), "full.pdf")
    assert pg.source == "text_layer" and pg.text_layer
    assert pg.layer_check["text_layer"] == "used"
    assert pg.layer_check["text_layer_ink_covered"] >= textlayer.MIN_INK_COVERED


def test_a_stamp_only_layer_covers_little_and_the_page_is_ocred(tmp_path, page):
    data = _pdf(tmp_path, page, _stamp_words(page), "stamp.pdf")
    pg = _first_page(data, "stamp.pdf")
    assert pg.text_layer is None and pg.source == "pdf_image"
    assert pg.layer_check["text_layer"] == "rejected"
    assert pg.layer_check["text_layer_reason"] == "covers_little_of_the_page"
    assert pg.layer_check["text_layer_ink_covered"] < 0.3
    read = read_page(pg, lang="vie", timeout=120, name="stamp.pdf")
    q = read.result.quality
    assert read.result.source == "ocr"
    assert q["text_layer"] == "rejected" and q["text_layer_reason"] == "covers_little_of_the_page"
    assert "Nguyễn Thị Hồng Nhung" in read.result.text


def test_a_garbled_layer_in_the_right_places_is_not_vietnamese(tmp_path, page, page_words):
    rng = np.random.default_rng(5)
    letters = list("bcdfghjklmnpqrstvwxz0123456789#@")
    garbled = [
        Word("".join(rng.choice(letters, size=max(2, len(w.text)))), *w[1:])
        if False
        else Word(
            "".join(rng.choice(letters, size=max(2, len(w.text)))),
            w.left,
            w.top,
            w.width,
            w.height,
            w.conf,
            w.block,
            w.par,
            w.line,
        )
        for w in page_words
    ]
    pg = _first_page(_pdf(tmp_path, page, garbled, "garbled.pdf"), "garbled.pdf")
    assert pg.text_layer is None
    assert pg.layer_check["text_layer_reason"] == "not_vietnamese"


def test_the_record_says_per_page_which_layer_was_used_and_why(tmp_path, page, settings):
    from storage.local import LocalStore

    store = LocalStore(str(tmp_path / "store"))
    data = _pdf(tmp_path, page, _stamp_words(page), "stamp.pdf")
    rec = process_document(
        data, source_name="stamp.pdf", dossier_code=DOSSIER, store=store, settings=settings
    ).record
    assert rec["quality"]["page_sources"] == ["ocr"]
    detail = rec["quality"]["page_details"][0]
    assert detail["text_layer"] == "rejected"
    assert detail["text_layer_reason"] == "covers_little_of_the_page"
    assert "Nguyễn Thị Hồng Nhung" in rec["text"]
    json.dumps(rec, ensure_ascii=False)  # the record stays plain JSON


# --- real PDFs -----------------------------------------------------------------------------


def _real(evaldata, name: str):
    path = evaldata / "vie-real" / name
    if not path.exists():
        pytest.skip(f"{name} not present")
    return path


def test_a_word_export_keeps_its_layer(evaldata):
    path = _real(evaldata, "official_letter_quangngai_507-2025.pdf")
    doc = open_document(path, max_pixels=120_000_000, pdf_dpi=300)
    pg = next(doc.pages())
    assert pg.source == "text_layer"
    assert pg.layer_check["text_layer"] == "used"
    assert pg.layer_check["text_layer_syllables"] > 0.9


def test_a_scan_without_a_layer_says_so(evaldata):
    path = _real(evaldata, "directive_quangngai_08-2018.pdf")
    doc = open_document(path, max_pixels=120_000_000, pdf_dpi=300)
    pg = next(doc.pages())
    assert pg.source == "pdf_image" and pg.layer_check == {"text_layer": "absent"}
    assert pg.dpi == pytest.approx(300, abs=15)
