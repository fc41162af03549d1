"""Print a PDF's text layer lacks (a number typed in at signing) is read and joins its line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

BODY = [
    "Kết luận của Phó Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp nghe báo cáo",
    "về tình hình thực hiện công tác cải cách thủ tục hành chính trên địa bàn tỉnh.",
    "Các sở, ban, ngành và Ủy ban nhân dân các huyện khẩn trương triển khai thực hiện.",
]


def _digits(text: str) -> Image.Image:
    """The number as a picture: printed on the page, absent from its text layer."""
    font = ImageFont.truetype(str(FONT), 56)
    img = Image.new("L", (40 * len(text) + 20, 80), 255)
    ImageDraw.Draw(img).text((10, 8), text, font=font, fill=0)
    return img


def _signed_pdf(number: str) -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Serif", str(FONT)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.setFont("Serif", 13)
    c.drawString(60, 780, "ỦY BAN NHÂN DÂN")
    c.drawString(320, 780, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.drawString(60, 762, "TỈNH QUẢNG NGÃI")
    c.drawString(350, 762, "Độc lập - Tự do - Hạnh phúc")
    c.drawString(60, 730, "Số:")
    c.drawImage(ImageReader(_digits(number)), 88, 727, width=14 * len(number) + 5, height=20)
    c.drawString(130, 730, "/TB-UBND")
    c.drawString(320, 730, "Quảng Ngãi, ngày 08 tháng 01 năm 2025")
    c.drawString(260, 690, "THÔNG BÁO")
    y = 650
    for line in BODY * 6:
        c.drawString(60, y, line[:80])
        y -= 20
    c.save()
    return buf.getvalue()


def _first_page(pdf: bytes, name: str):
    from digitize.intake import open_document
    from digitize.reading import read_page

    doc = open_document(Path(name), pdf, max_pixels=120_000_000, pdf_dpi=300)
    page = next(iter(doc.pages()))
    assert page.text_layer is not None, "the page's text layer should be used"
    return read_page(page, lang="vie", timeout=120, name=name).result


def test_a_number_printed_outside_the_layer_joins_its_line():
    result = _first_page(_signed_pdf("47"), "signed.pdf")
    assert result.source == "text_layer"
    assert result.quality.get("print_outside_layer", 0) >= 1
    line = next(ln for ln in result.text.split("\n") if ln.startswith("Số:"))
    assert "47" in line.split("/")[0]


def test_a_layer_that_holds_everything_gets_no_extra_reading(monkeypatch):
    from digitize import tesseract

    calls = []
    real = tesseract.recognize
    monkeypatch.setattr(tesseract, "recognize", lambda *a, **k: calls.append(1) or real(*a, **k))
    pdf = _signed_pdf("")
    result = _first_page(pdf, "unsigned.pdf")
    assert "print_outside_layer" not in result.quality
    assert calls == []


def test_a_real_signed_export_gives_its_number(evaldata):
    path = evaldata / "vie-real" / "notice_quangngai_11-2025.pdf"
    if not path.exists():
        pytest.skip("the signed export is not in this evaldata")
    result = _first_page(path.read_bytes(), path.name)
    line = next(ln for ln in result.text.split("\n") if ln.startswith("Số:"))
    assert "11" in line
