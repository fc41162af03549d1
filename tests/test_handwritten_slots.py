"""The number and the day written into a Decree 30 header by hand, read by a second look.

The page is drawn as such documents are printed (``Số:      /QĐ-UBND``, ``Quảng Ngãi, ngày
tháng 01 năm 2025`` with blanks for the pen) and the number and the day are then written into
the blanks with a broad, slanted, blue pen, taller than the print and squeezed against ``Số:``
and ``ngày``. The page goes through the real reading (cleanup, Tesseract) and the real
classifier.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from classifiers.header import read_issue_date, read_number
from classifiers.lines import page_lines
from digitize import slotrows, tesseract
from digitize.models import PageImage, Word
from digitize.reading import read_page
from tests.pages import as_array

DPI = 200
SERIF = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
SERIF_BOLD = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf")
SERIF_ITALIC = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf")
PEN = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf")

BODY = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
    "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV,",
    "Ủy ban nhân dân tỉnh quyết định ban hành kế hoạch kiểm tra công tác văn thư",
    "năm 2025 tại các cơ quan, đơn vị trên địa bàn tỉnh như sau.",
)


def _font(path: Path, pt: float) -> ImageFont.FreeTypeFont:
    if not path.exists():
        pytest.skip(f"font {path.name} is not installed")
    return ImageFont.truetype(str(path), round(pt / 72 * DPI))


def _page(number: str | None, day: str | None) -> Image.Image:
    """An A4 Decree 30 page with the number and the day blank, or written in by hand."""
    im = Image.new("RGB", (round(8.27 * DPI), round(11.69 * DPI)), "white")
    d = ImageDraw.Draw(im)
    ink = (25, 25, 25)
    reg, bold, ital = _font(SERIF, 13), _font(SERIF_BOLD, 13), _font(SERIF_ITALIC, 14)

    def centred(x: float, y: float, text: str, f: ImageFont.FreeTypeFont) -> None:
        d.text((x - d.textlength(text, font=f) / 2, y), text, font=f, fill=ink)

    left, right = 0.27 * im.width, 0.66 * im.width
    centred(left, 180, "ỦY BAN NHÂN DÂN", reg)
    centred(left, 225, "TỈNH QUẢNG NGÃI", bold)
    centred(right, 180, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    centred(right, 225, "Độc lập - Tự do - Hạnh phúc", bold)
    # "Số:" and the notation with a blank for the pen between them.
    x, y = left - 170, 300
    d.text((x, y), "Số:", font=reg, fill=ink)
    head_end = x + d.textlength("Số: ", font=reg)
    d.text((head_end + 130, y), "/QĐ-UBND", font=reg, fill=ink)
    # "Quảng Ngãi, ngày      tháng 01 năm 2025" with a blank after "ngày".
    place = "Quảng Ngãi, ngày"
    x = right - 330
    d.text((x, y), place, font=ital, fill=ink)
    day_at = x + d.textlength(place + " ", font=ital)
    d.text((day_at + 75, y), "tháng 01 năm 2025", font=ital, fill=ink)
    centred(im.width / 2, 420, "KẾ HOẠCH", bold)
    centred(im.width / 2, 470, "Kiểm tra công tác văn thư năm 2025", bold)
    for k, line in enumerate(BODY):
        d.text((180, 580 + 60 * k), line, font=reg, fill=ink)
    pen = _font(PEN, 20)
    blue = (30, 50, 160)
    if number:
        d.text((head_end + 4, y - 22), number, font=pen, fill=blue)
    if day:
        d.text((day_at - 6, y - 22), day, font=pen, fill=blue)
    return im


def _read(im: Image.Image):
    page = PageImage(0, as_array(im), float(DPI))
    return read_page(page, lang="vie", timeout=120, name="plan.png").result


def test_the_number_and_the_day_written_by_hand_are_read_and_kept_for_review():
    result = _read(_page("47", "23"))
    assert result.quality["slots_reread"] >= 1
    first = page_lines([result])
    number, date = read_number(first), read_issue_date(first)
    assert number is not None and date is not None
    assert number.value == "47/QĐ-UBND"
    assert date.value == "2025-01-23"
    # Digits read from the pen's strokes are a value for a clerk to confirm, never a sure one.
    assert number.needs_review and "number_handwritten" in number.reasons
    assert date.needs_review and "date_handwritten" in date.reasons
    # The row read again stays on its own row: its boxes do not reach into the organ's name.
    organ = next(w for w in result.words if w.text == "QUẢNG")
    assert number.words and all(w.top > organ.top + organ.height / 2 for w in number.words)
    # The text (and so the searchable PDF) carries the digits between the printed words.
    assert "Số: 47 /Q" in result.text
    assert "ngày 23 tháng 01 năm 2025" in result.text


def test_a_page_without_a_slot_costs_no_extra_tesseract_call(monkeypatch):
    calls: list[tuple] = []
    real = tesseract.recognize

    def counted(image, **kw):
        calls.append((image.shape, kw.get("psm")))
        return real(image, **kw)

    monkeypatch.setattr(tesseract, "recognize", counted)
    blank_header = _page(None, None)
    # Print the number and the day instead of leaving them blank: nothing to read again.
    d = ImageDraw.Draw(blank_header)
    d.rectangle([0, 290, blank_header.width, 360], fill="white")
    reg, ital = _font(SERIF, 13), _font(SERIF_ITALIC, 14)
    d.text((0.27 * blank_header.width - 170, 300), "Số: 47/QĐ-UBND", font=reg, fill=(25, 25, 25))
    d.text(
        (0.66 * blank_header.width - 330, 300),
        "Quảng Ngãi, ngày 23 tháng 01 năm 2025",
        font=ital,
        fill=(25, 25, 25),
    )
    result = _read(blank_header)
    assert result.quality["slots_reread"] == 0
    assert "47/QĐ-UBND" in result.text and "ngày 23 tháng 01" in result.text
    assert all(kw_psm != 7 for _shape, kw_psm in calls)


def test_rows_whose_slots_read_clean_are_left_alone():
    def w(text: str, left: int, top: int = 100, height: int = 30) -> Word:
        return Word(text, left, top, 20 * len(text), height, 0.95)

    printed = [w("Số:", 100), w("47/QĐ-UBND", 180), w("Hà", 900), w("Nội,", 960),
               w("ngày", 1060), w("23", 1160), w("tháng", 1220), w("01", 1340),
               w("năm", 1400), w("2025", 1480)]  # fmt: skip
    assert slotrows.number_row(printed, 1654, 2339) is None
    assert slotrows.date_row(printed, 1654, 2339) is None
    blank = [printed[0], w("/QĐ-UBND", 260), *printed[2:5], *printed[6:]]
    assert slotrows.number_row(blank, 1654, 2339) is not None
    assert slotrows.date_row(blank, 1654, 2339) is not None
    # A day of 0 is the pen's "08" read in part: the row is read again.
    zero = [*printed[:5], w("0", 1160), *printed[6:]]
    assert slotrows.date_row(zero, 1654, 2339) is not None


def test_a_day_written_by_hand_on_a_page_with_a_text_layer_is_read():
    """A born-digital page signed and filled in by hand, then saved with its text layer: the
    layer has the printed words with the blanks; the pen's digits are only in the image."""
    blank = as_array(_page(None, None))[:1000]
    layer = [w for w in tesseract.recognize(blank, lang="vie", dpi=DPI) if w.text.strip()]
    filled = as_array(_page(None, "23"))[:1000]
    page = PageImage(0, filled, float(DPI), text_layer=layer, source="pdf")
    result = read_page(page, lang="vie", timeout=120, name="plan.pdf").result
    assert result.source == "text_layer"
    assert result.quality.get("slots_reread") == 1
    date = read_issue_date(page_lines([result]))
    assert date is not None and date.value == "2025-01-23"
    assert date.needs_review and "date_handwritten" in date.reasons
