"""Intake: every accepted format opens into pages; bad files get typed errors."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitize import intake
from digitize.errors import CorruptFile, EmptyFile, EncryptedPDF, TooLarge, UnsupportedFormat
from tests.pages import draw_page, encode


def _open(name: str, data: bytes, **kw) -> intake.Document:
    opts = {"max_pixels": 120_000_000, "pdf_dpi": 300, **kw}
    return intake.open_document(Path(name), data, **opts)


@pytest.mark.parametrize(
    ("fmt", "kind", "kw"),
    [
        ("JPEG", "jpeg", {"quality": 90}),
        ("PNG", "png", {}),
        ("BMP", "bmp", {}),
        ("WEBP", "webp", {"quality": 90}),
        ("TIFF", "tiff", {"compression": "tiff_lzw"}),
    ],
)
def test_image_formats_open_as_one_page(fmt, kind, kw):
    im = draw_page(colour=True)
    doc = _open(f"scan.{fmt.lower()}", encode(im, fmt, **kw))
    assert doc.kind == kind
    pages = list(doc.pages())
    assert len(pages) == 1
    page = pages[0]
    assert page.image.shape[:2] == (im.height, im.width)
    assert page.image.dtype == np.uint8
    if fmt in ("PNG", "TIFF", "BMP"):  # lossless: the red rule keeps its colour exactly
        assert page.image.ndim == 3
    if fmt in ("JPEG", "PNG", "TIFF"):  # BMP rounds to pixels per metre; WebP has no dpi
        assert page.dpi == pytest.approx(200, abs=1)


def test_multipage_tiff_keeps_page_order_and_bilevel():
    first = draw_page(("Trang một",)).convert("1")
    second = draw_page(("Trang hai", "dòng thứ hai")).convert("1")
    buf = io.BytesIO()
    first.save(
        buf,
        format="TIFF",
        save_all=True,
        append_images=[second],
        compression="group4",
        dpi=(300, 300),
    )
    pages = list(_open("hs.tif", buf.getvalue()).pages())
    assert [p.index for p in pages] == [0, 1]
    assert pages[0].image.shape != pages[1].image.shape
    assert all(p.bilevel for p in pages)
    assert pages[1].dpi == pytest.approx(300, abs=1)


def test_format_is_decided_by_content_not_name():
    doc = _open("scan.pdf", encode(draw_page(), "PNG"))
    assert doc.kind == "png"
    assert doc.ext == "png"


def test_missing_or_implausible_dpi_is_unknown():
    assert intake.believable_dpi((72, 72)) is None
    assert intake.believable_dpi(None) is None
    assert intake.believable_dpi((300.0, 300.0)) == 300.0
    assert intake.estimate_dpi(2480, 3508) == pytest.approx(300, abs=1)


def test_exif_rotation_is_applied_and_marks_page_not_pristine():
    im = draw_page()
    exif = Image.Exif()
    exif[0x0112] = 6  # camera held sideways: turn 90 degrees clockwise to view
    data = encode(im, "JPEG", exif=exif.tobytes())
    page = next(_open("phone.jpg", data).pages())
    assert page.image.shape[:2] == (im.width, im.height)
    assert page.pristine is False


def test_empty_file_is_refused():
    with pytest.raises(EmptyFile, match="empty.png"):
        _open("empty.png", b"")


def test_unknown_format_is_refused_with_the_file_name():
    with pytest.raises(UnsupportedFormat, match="notes.docx") as info:
        _open("notes.docx", b"PK\x03\x04 not a scan")
    assert info.value.code == "unsupported_format"
    assert "PDF" in info.value.hint


def test_truncated_image_is_corrupt():
    data = encode(draw_page(), "PNG")
    with pytest.raises(CorruptFile, match="cut.png"):
        list(_open("cut.png", data[: len(data) // 3]).pages())


def test_oversized_page_is_refused():
    data = encode(draw_page(), "PNG")
    with pytest.raises(TooLarge, match="big.png"):
        list(_open("big.png", data, max_pixels=10_000).pages())


def test_garbage_pdf_is_corrupt():
    with pytest.raises(CorruptFile, match="broken.pdf"):
        list(_open("broken.pdf", b"%PDF-1.4\n1 0 obj << >> garbage").pages())


def test_legacy_vietnamese_text_layer_is_not_trusted():
    from digitize.pdfsource import suspect_word_share, text_layer_is_usable

    unicode_text = "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc"
    tcvn3 = "Céng hßa x· héi chñ nghÜa ViÖt Nam. §éc lËp - Tù do - H¹nh phóc"
    assert text_layer_is_usable(unicode_text)
    assert suspect_word_share(tcvn3) > 0.3
    assert not text_layer_is_usable(tcvn3)
    assert not text_layer_is_usable("(cid:12)(cid:40) (cid:7)" * 5)


def test_owner_password_pdf_opens_from_its_text_layer(evaldata):
    path = evaldata / "vie" / "vietsample1.pdf"
    pages = list(_open(path.name, path.read_bytes()).pages())
    assert len(pages) == 2
    assert all(p.text_layer for p in pages)
    words = " ".join(w.text for w in pages[0].text_layer)
    assert "Hà Đông" in words


def test_user_password_pdf_is_a_typed_error(tmp_path):
    pikepdf = pytest.importorskip("pikepdf")  # only to make the fixture file
    src = tmp_path / "plain.pdf"
    Image.new("RGB", (200, 200), "white").save(src, "PDF")
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(EncryptedPDF, match="locked.pdf"):
        list(_open("locked.pdf", locked.read_bytes()).pages())


def test_scanned_pdf_is_rendered_at_its_own_resolution(tmp_path):
    im = draw_page(dpi=200)
    pdf = tmp_path / "scan.pdf"
    im.save(pdf, "PDF", resolution=200)
    pages = list(_open("scan.pdf", pdf.read_bytes()).pages())
    assert len(pages) == 1
    assert pages[0].text_layer is None
    assert pages[0].dpi == pytest.approx(200, abs=1)
    assert abs(pages[0].image.shape[1] - im.width) <= 2


def test_walk_skips_non_documents_in_folders_but_not_named_files(tmp_path):
    (tmp_path / "a.png").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.PDF").write_bytes(b"x")
    found = [f.name for f, _ in intake.walk([tmp_path])]
    assert found == ["a.png", "b.PDF"]
    assert [f.name for f, root in intake.walk([tmp_path / "notes.txt"])] == ["notes.txt"]


# --- from a path: the file is read as pages need it ----------------------------------------------


def _open_path(path: Path, **kw) -> intake.Document:
    opts = {"max_pixels": 120_000_000, "pdf_dpi": 300, **kw}
    return intake.open_document(path, None, **opts)


def _scanned_pdf(path: Path, widths_in: list[float]) -> Path:
    """A scanned PDF whose pages differ in width, so their order can be checked."""
    pages = [draw_page((f"Trang {i + 1}",), dpi=150, width_in=w) for i, w in enumerate(widths_in)]
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return path


def test_multipage_tiff_opens_from_its_path(tmp_path):
    frames = [draw_page((f"Trang {i}",), width_in=3 + i).convert("1") for i in range(3)]
    path = tmp_path / "hs.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4")
    doc = _open_path(path, name="hồ sơ.tif")
    assert doc.kind == "tiff" and not doc.in_memory and doc.name == "hồ sơ.tif"
    pages = list(doc.pages())
    assert [p.image.shape[1] for p in pages] == [f.width for f in frames]
    assert all(p.bilevel for p in pages)


def test_single_image_from_its_path_matches_its_bytes(tmp_path):
    data = encode(draw_page(colour=True), "PNG")
    path = tmp_path / "scan.png"
    path.write_bytes(data)
    from_path = next(_open_path(path).pages())
    from_bytes = next(_open("scan.png", data).pages())
    assert np.array_equal(from_path.image, from_bytes.image)
    assert from_path.dpi == from_bytes.dpi


def test_empty_and_missing_files_are_typed_errors_naming_the_file(tmp_path):
    empty = tmp_path / "trống.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile, match="trống.pdf"):
        _open_path(empty)
    with pytest.raises(intake.UnreadableFile, match="gone.pdf") as info:
        _open_path(tmp_path / "gone.pdf")
    assert info.value.code == "unreadable_file" and "read" in info.value.hint
    with pytest.raises(intake.UnreadableFile, match="gone.pdf"):
        intake.sha256_of_file(tmp_path / "gone.pdf")


@pytest.mark.parametrize("suffix", ["pdf", "png"])
def test_file_vanishing_before_its_pages_are_read_is_a_typed_error(tmp_path, suffix):
    path = _scanned_pdf(tmp_path / "scan.pdf", [3.0])
    if suffix == "png":
        path = tmp_path / "scan.png"
        path.write_bytes(encode(draw_page(), "PNG"))
    doc = _open_path(path, name=f"hồ sơ.{suffix}")
    path.unlink()
    with pytest.raises(intake.UnreadableFile, match=f"hồ sơ.{suffix}"):
        list(doc.pages())


def test_file_hash_is_the_hash_of_its_bytes_whatever_the_chunk(tmp_path, monkeypatch):
    import hashlib

    data = bytes(range(256)) * 1000
    path = tmp_path / "x.bin"
    path.write_bytes(data)
    monkeypatch.setattr(intake, "HASH_CHUNK", 1000)  # many chunks, the last one short
    assert intake.sha256_of_file(path) == hashlib.sha256(data).hexdigest()


def test_long_pdf_reopens_its_parsers_and_keeps_every_page_in_order(tmp_path, monkeypatch):
    import pypdfium2

    from digitize import pdfsource

    opened = []
    real = pypdfium2.PdfDocument

    def counting(source, *a, **kw):
        opened.append(source)
        return real(source, *a, **kw)

    monkeypatch.setattr(pdfsource.pdfium, "PdfDocument", counting)
    monkeypatch.setattr(pdfsource, "PDFIUM_PAGES_PER_OPEN", 2)
    widths = [2.0, 3.0, 4.0, 5.0, 6.0]
    path = _scanned_pdf(tmp_path / "long.pdf", widths)
    pages = list(_open_path(path).pages())
    assert [p.index for p in pages] == [0, 1, 2, 3, 4]
    assert [p.image.shape[1] for p in pages] == pytest.approx([w * 150 for w in widths], abs=2)
    assert len(opened) == 3 and all(s == path for s in opened)  # pages 1-2, 3-4, 5


def test_text_layer_words_survive_reopening_pdfplumber(tmp_path, monkeypatch):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from digitize import pdfsource

    monkeypatch.setattr(pdfsource, "PLUMBER_PAGES_PER_OPEN", 2)
    opened = []
    real = pdfsource.pdfplumber.open
    monkeypatch.setattr(
        pdfsource.pdfplumber, "open", lambda src, **kw: opened.append(src) or real(src, **kw)
    )
    ttf = next(p for p in Path("/usr/share/fonts/truetype").rglob("DejaVuSans.ttf"))
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(ttf)))
    path = tmp_path / "digital.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for n in range(5):
        c.setFont("DejaVuSans", 12)
        c.drawString(72, 770, f"Cộng hòa xã hội chủ nghĩa Việt Nam, trang số {n + 1}")
        c.showPage()
    c.save()
    pages = list(_open_path(path, pdf_dpi=100).pages())
    assert [p.source for p in pages] == ["text_layer"] * 5
    assert [p.text_layer[-1].text for p in pages] == ["1", "2", "3", "4", "5"]
    assert len(opened) == 3  # pages 1-2, 3-4, 5
