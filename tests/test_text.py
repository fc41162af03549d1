"""Page text assembly: NFC lines, and a Decree 30 header read one block at a time."""

from __future__ import annotations

from digitize.models import Word
from digitize.text import document_text, page_text, split_line

WIDTH = 2480  # A4 at 300 dpi


def w(text: str, x: int, y: int, line: int, block: int = 1) -> Word:
    return Word(text, x, y, 28 * len(text), 40, 0.95, block, 1, line)


def _header() -> list[Word]:
    # Left block centred near a quarter of the page, right block near three quarters;
    # the OCR engine returns each pair as one line.
    return [
        w("ỦY", 300, 200, 1),
        w("BAN", 400, 200, 1),
        w("NHÂN", 520, 200, 1),
        w("DÂN", 680, 200, 1),
        w("CỘNG", 1250, 200, 1),
        w("HÒA", 1420, 200, 1),
        w("XÃ", 1550, 200, 1),
        w("HỘI", 1640, 200, 1),
        w("PHƯỜNG", 330, 260, 2),
        w("AN", 540, 260, 2),
        w("BIÊN", 620, 260, 2),
        w("Độc", 1350, 260, 2),
        w("lập", 1460, 260, 2),
        w("-", 1560, 260, 2),
        w("Tự", 1600, 260, 2),
        w("Số:", 300, 340, 3),
        w("3114/QĐ-UBND", 390, 340, 3),
        w("An", 1300, 340, 3),
        w("Biên,", 1380, 340, 3),
        w("ngày", 1540, 340, 3),
        w("QUYẾT", 1050, 520, 4),
        w("ĐỊNH", 1240, 520, 4),
        w("Điều", 250, 640, 5),
        w("1.", 390, 640, 5),
        w("Thành", 460, 640, 5),
        w("lập", 640, 640, 5),
    ]


def test_decree30_header_blocks_are_not_interleaved():
    lines = page_text(_header(), WIDTH).splitlines()
    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN BIÊN", "Số: 3114/QĐ-UBND"]
    assert lines[3:6] == ["CỘNG HÒA XÃ HỘI", "Độc lập - Tự", "An Biên, ngày"]
    body = [ln for ln in lines[6:] if ln]
    assert body == ["QUYẾT ĐỊNH", "Điều 1. Thành lập"]


def test_a_single_form_line_with_a_wide_gap_stays_one_line():
    words = [
        w("Ngày", 250, 800, 1),
        w("sinh:", 390, 800, 1),
        w("26/01/2001", 540, 800, 1),
        w("Giới", 1500, 800, 1),
        w("tính:", 1640, 800, 1),
        w("Nam", 1790, 800, 1),
        w("Nơi", 250, 870, 2),
        w("cư", 360, 870, 2),
        w("trú:", 440, 870, 2),
        w("Thôn", 570, 870, 2),
    ]
    assert page_text(words, WIDTH).splitlines() == [
        "Ngày sinh: 26/01/2001 Giới tính: Nam",
        "Nơi cư trú: Thôn",
    ]


def test_split_line_cuts_only_at_column_gaps():
    line = [w("Số:", 300, 340, 3), w("3114", 390, 340, 3), w("An", 1300, 340, 3)]
    assert [[x.text for x in seg] for seg in split_line(line, WIDTH)] == [["Số:", "3114"], ["An"]]


def test_text_is_nfc_with_single_spaces_and_pages_split_by_form_feed():
    decomposed = "Nguye\u0302\u0303n"
    text = page_text([w(decomposed, 100, 100, 1), w("Văn", 400, 100, 1)], WIDTH)
    assert text == "Nguyễn Văn"
    assert document_text(["a", "b"]) == "a\fb"
    assert page_text([], WIDTH) == ""


def test_a_line_cut_by_a_small_line_above_it_is_joined_again():
    """An e-signature stamp's "+07:00" set just above the national title made Tesseract end the
    title at it and read its rest as a line of its own, after the stamp's."""
    from digitize.text import rejoined

    def w(text, left, top, height, line, width=None):
        return Word(text, left, top, width or 18 * len(text), height, 0.95, 1, 1, line)

    words = [
        w("CỘNG", 600, 300, 30, 1), w("HÒA", 700, 300, 30, 1),
        w("+07:00", 900, 270, 20, 2),
        w("XÃ", 780, 301, 30, 3), w("HỘI", 840, 300, 30, 3), w("CHỦ", 920, 300, 30, 3),
        w("Độc", 650, 360, 30, 4), w("lập", 720, 360, 30, 4),
    ]  # fmt: skip
    out, joined = rejoined(words)
    assert joined == 1
    assert page_text(out) == "CỘNG HÒA XÃ HỘI CHỦ\n+07:00\nĐộc lập"
    # Two columns on one row stay apart: the gap between them is no space between words.
    columns = [w("ỦY", 100, 300, 30, 1), w("BAN", 150, 300, 30, 1), w("CỘNG", 600, 300, 30, 2)]
    assert rejoined(columns) == (columns, 0)
    # Nor is a line below joined to the line above it.
    below = [w("Độc", 600, 300, 30, 1), w("lập", 660, 340, 30, 2)]
    assert rejoined(below) == (below, 0)


def test_a_closing_mark_split_off_its_word_is_joined_back_and_a_dash_is_not():
    """The recognizer put a space inside "tỉnh./." (the end mark four pixels after the word);
    a dash between words keeps its spaces, and a mark a space away is left as printed."""
    from digitize.text import punctuation_attached

    def w(text, left, width, top=300, height=42):
        return Word(text, left, top, width, height, 0.45, 6, 1, 1)

    words = [w("dân", 1174, 83), w("tỉnh", 1272, 120), w("./.", 1396, 6, 335, 7)]
    out, n = punctuation_attached(words)
    assert n == 1 and page_text(out) == "dân tỉnh./."
    assert (out[-1].left, out[-1].right, out[-1].bottom) == (1272, 1402, 342)
    motto = [w("lập", 100, 60), w("-", 175, 12), w("Tự", 200, 40)]
    assert punctuation_attached(motto) == (motto, 0)
    bilingual = [w("đến", 100, 60), w("/", 165, 8), w("Date", 180, 60)]
    assert punctuation_attached(bilingual) == (bilingual, 0)
    spaced = [w("tỉnh", 1272, 120), w(";", 1410, 6)]
    assert punctuation_attached(spaced) == (spaced, 0)
