"""Rows of a tilted photo whose words Tesseract put in other lines or blocks.

On a phone photo of a card the rows climb or fall, and Tesseract sometimes gives the last word
of a printed row a line (or a block) of its own, read after everything else. The row is built
back from the words' boxes: a piece standing on the row's fitted baseline, just beyond its end
or before its start, joins it. Pieces of another column, of another row or between two rows
stay where they are.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.synth.capture import capture
from bench.synth.vehicle import render_vehicle_card
from classifiers import classify
from classifiers.lines import page_lines
from digitize.models import PageResult, Word
from tests.pages import H, W, row_page

CARD_HEAD = [
    ("CÔNG AN THÀNH PHỐ HỒ CHÍ MINH", 120, 60),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1100, 60),
    ("PHÒNG CẢNH SÁT GIAO THÔNG", 100, 120),
    ("Độc lập - Tự do - Hạnh phúc", 1200, 120),
    ("CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ", 600, 230),
    ("VEHICLE REGISTRATION CERTIFICATE", 620, 290),
    ("Số: 953807", 850, 350),
    ("Tên chủ xe / Owner's full name:", 100, 420),
    ("DƯƠNG QUANG QUYẾT", 110, 480),
]
ADDRESS = ("Địa chỉ / Address: Xóm 12, Xã Tân Thạnh Đông, Huyện", 100, 560)
WRAPPED = ("Củ Chi, Thành phố Hồ Chí Minh", 100, 630)
CARD_TAIL = [
    ("Nhãn hiệu / Brand: TOYOTA    Số loại / Model code: VIOS", 100, 720),
    ("Số máy / Engine N°: 2NR1234567", 100, 800),
    ("Biển số đăng ký / Number plate: 51A-123.45", 100, 880),
]
WHOLE = "Xóm 12, Xã Tân Thạnh Đông, Huyện Củ Chi, Thành phố Hồ Chí Minh"


def tilted(rows: list[tuple[str, int, int]], slope: float = 0.0, conf: float = 0.95) -> PageResult:
    """A page read as ``rows``, every row falling ``slope`` pixels per pixel to the right."""
    return row_page(rows, slope=slope, conf=conf)


def split_off(page: PageResult, text: str, top_row: int, block: int = 99) -> PageResult:
    """``page`` with the word ``text`` of the row starting at ``top_row`` moved to a block of
    its own, read after every other word (what Tesseract does with a row's end on a tilted
    photo)."""
    [word] = [w for w in page.words if w.text == text and abs(w.top - top_row) < 200]
    moved = Word(word.text, word.left, word.top, word.width, word.height, word.conf, block, 1, 1)
    words = [w for w in page.words if w is not word] + [moved]
    return PageResult(0, page.width, page.height, page.dpi, words, page.text, "ocr", {}, [])


def line_texts(page: PageResult) -> list[str]:
    return [line.text for line in page_lines([page])]


@pytest.mark.parametrize("slope", [-0.08, -0.03, 0.0, 0.03, 0.08])
def test_a_rows_last_word_read_as_a_block_of_its_own_joins_its_row(slope):
    page = split_off(tilted([*CARD_HEAD, ADDRESS, WRAPPED, *CARD_TAIL], slope), "Huyện", 560)
    assert "Huyện" not in line_texts(page)
    out = classify([page])
    assert out.document_type["code"] == "vehicle_registration"
    address = out.fields["address"]
    assert address["value"] == WHOLE or address["needs_review"]
    assert address["value"] == WHOLE


def test_a_split_off_word_joins_its_row_in_reading_order():
    page = split_off(tilted([ADDRESS, WRAPPED], -0.05), "Huyện", 560)
    texts = line_texts(page)
    assert texts[0] == "Địa chỉ / Address: Xóm 12, Xã Tân Thạnh Đông, Huyện"
    assert texts[1] == "Củ Chi, Thành phố Hồ Chí Minh"
    assert len(texts) == 2


def test_a_rows_first_word_read_apart_joins_it_too():
    page = split_off(tilted([("Họ và tên chủ xe: NGUYỄN VĂN AN", 100, 400)], 0.06), "Họ", 400)
    assert line_texts(page) == ["Họ và tên chủ xe: NGUYỄN VĂN AN"]


def test_a_word_off_the_rows_slope_stays_apart():
    """On a row climbing steeply, a word beyond its end at the level of the row's start is on
    another row (the line above or below continues there), not this one's end."""
    page = tilted([("Địa chỉ: Xóm 12, Xã Tân Thạnh Đông,", 100, 560), WRAPPED], -0.08)
    end = max(w.right for w in page.words if w.block == 1)
    stray = Word("Huyện", end + 12, 560, 90, 36, 0.95, 99, 1, 1)
    page = PageResult(0, W, H, 600.0, [*page.words, stray], "", "ocr", {}, [])
    assert "Huyện" in line_texts(page)


def test_two_columns_of_a_header_stay_two_lines():
    """Decree 30 header: the organ block on the left, the national title on the right."""
    rows = [
        ("ỦY BAN NHÂN DÂN", 200, 200),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 900, 200),
        ("XÃ TÂN THẠNH ĐÔNG", 180, 260),
        ("Độc lập - Tự do - Hạnh phúc", 1000, 260),
        ("Số: 12/QĐ-UBND", 230, 340),
        ("Củ Chi, ngày 5 tháng 3 năm 2024", 950, 340),
    ]
    for slope in (0.0, 0.04, -0.04):
        assert line_texts(tilted(rows, slope)) == [r[0] for r in rows]


def test_a_value_in_the_next_column_stays_in_its_own_line():
    """A form's cells a little more than a text height apart (a one-word value beside its
    label's row, a card's field beside the portrait) are two columns, not one row."""
    rows = [("Giới tính: Nam", 100, 500), ("Việt Nam", 318, 560), ("Quốc tịch:", 100, 560)]
    assert line_texts(tilted(rows)) == ["Giới tính: Nam", "Việt Nam", "Quốc tịch:"]


def test_a_word_between_two_rows_ends_stays_apart():
    """A piece close to both the end of one column's row and the start of the next column's
    row on the same baseline could belong to either: it is left where Tesseract put it."""
    rows = [("Nhãn hiệu: TOYOTA", 100, 700), ("Số loại: LUX", 506, 700), ("VIOS", 414, 700)]
    assert line_texts(tilted(rows)) == ["Nhãn hiệu: TOYOTA", "Số loại: LUX", "VIOS"]


def glared(speck: str) -> PageResult:
    """A car card whose address row ends in ``speck``, read at confidence 0, before the value
    goes on to the next line."""
    rows = [
        *CARD_HEAD,
        (
            "Địa chỉ / Address: Số 104, ngõ 4 đường Phạm Văn Thuận, Phường Tân Mai, " + speck,
            100,
            560,
        ),
        ("Thành phố Biên Hòa, Tỉnh Đồng Nai", 100, 630),
        *CARD_TAIL,
    ]
    page = tilted(rows, -0.02)
    words = [
        Word(w.text, w.left, w.top, w.width, w.height, 0.0, w.block) if w.text == speck else w
        for w in page.words
    ]
    return PageResult(0, W, H, 600.0, words, "", "ocr", {}, [])


def test_a_word_cut_off_as_a_speck_inside_a_wrapped_value_flags_it():
    """Glare over "Thành" of "Thành phố Biên Hòa", the end of a printed row: OCR read "(::Ïì"
    at confidence 0, the speck is cut off, and the value lacks a word it cannot show."""
    address = classify([glared("(::Ïì")]).fields["address"]
    assert address["needs_review"]
    assert "ocr_unsure" in address["review_reasons"]


def test_a_mark_cut_off_inside_a_wrapped_value_is_no_doubt():
    address = classify([glared("|")]).fields["address"]
    assert address["value"] == (
        "Số 104, ngõ 4 đường Phạm Văn Thuận, Phường Tân Mai, Thành phố Biên Hòa, Tỉnh Đồng Nai"
    )
    assert address["needs_review"] is False


def test_a_photographed_car_card_reads_its_address_whole():
    """A car card photographed on a desk, read through intake, Tesseract and the classifier:
    its address, carried over to a second line, comes out whole or flagged."""
    from digitize.intake import open_document
    from digitize.reading import complete_page, prepared_pages

    card = render_vehicle_card("car", random.Random("test/car/1"))
    shot = capture(card.image, card.dpi, "desk", random.Random("test/car/1/photo"))
    doc = open_document(Path("card.jpg"), shot.jpeg(88), max_pixels=120_000_000, pdf_dpi=300)
    pages = [
        complete_page(ready, lang="vie", timeout=120).result
        for ready in prepared_pages(doc.pages(), lang="vie", timeout=120, name="card.jpg")
    ]
    address = classify(pages).fields["address"]
    assert address["value"] == card.fields["address"] or address["needs_review"]
