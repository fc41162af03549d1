"""The searchable PDF writer, checked by reading its output back with independent readers.

pdfplumber (pdfminer) checks words, boxes, page sizes and image resolution; pypdfium2 checks
that the file renders; pikepdf decodes the stored images; qpdf and poppler's pdftotext run
when installed. The file's own image (placement) and PDF/A are tested in test_pdf_archive.py.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tracemalloc
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pikepdf
import pypdfium2
import pytest
from PIL import Image

from digitize.errors import DigitizeError, PDFWriteError
from digitize.models import Word
from digitize.pdfwriter import SearchablePDF, find_glyphless_font
from digitize.pdfwriter import font as fonts
from digitize.pdfwriter.content import _text_ops_for_word, group_lines, pdf_codes
from digitize.placement import IDENTITY, SourceImage, image_space

VIETNAMESE_LINES = [
    ["CỘNG", "HÒA", "XÃ", "HỘI"],
    ["Số:", "123/QĐ-UBND"],
    ["Quyết", "định", "Nguyễn", "Văn", "An"],
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def make_words(lines: list[list[str]], *, scale: float = 1.0) -> list[Word]:
    """Words laid out left to right, one OCR line per row, all words of a row equally tall."""
    words = []
    for row, texts in enumerate(lines):
        left = round(40 * scale)
        top = round((60 + 70 * row) * scale)
        height = round(36 * scale)
        for text in texts:
            width = round((18 * len(text) + 10) * scale)
            words.append(Word(text, left, top, width, height, 0.9, block=1, par=1, line=row + 1))
            left += width + round(20 * scale)
    return words


def draw_page(words: list[Word], height: int, width: int, *, colour: bool) -> np.ndarray:
    """A light page with a dark block where each word is and a red stamp, like a scan."""
    page = np.full((height, width, 3), (235, 240, 245), np.uint8)
    for w in words:
        cv2.rectangle(page, (w.left, w.top), (w.right, w.bottom), (40, 40, 40), -1)
    cv2.circle(page, (width - 120, height - 120), 60, (30, 30, 200), 6)
    return page if colour else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)


def bilevel_page(height: int = 400, width: int = 300) -> np.ndarray:
    page = np.full((height, width), 255, np.uint8)
    cv2.putText(page, "So 123/QD-UBND", (10, 60), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    cv2.rectangle(page, (20, 100), (280, 300), 0, 3)
    page[350:353, 7:293:3] = 0  # a dotted rule: isolated pixels that a lossy codec would blur
    return np.where(page < 128, 0, 255).astype(np.uint8)  # text drawing may antialias


def write_pdf(path: Path, pages: list[dict], **kwargs: object) -> Path:
    with SearchablePDF(path, **kwargs) as pdf:  # type: ignore[arg-type]
        for page in pages:
            pdf.add_page(**page)
    return path


def colour_space(image: dict) -> str:
    return image["colorspace"][0].name


def image_stream(page: pdfplumber.page.Page) -> object:
    (image,) = page.images
    return image["stream"]


@pytest.fixture(scope="module")
def three_pages() -> list[dict]:
    """Colour at 300 dpi, grey at 200 dpi, colour at 250 dpi; small images keep tests fast."""
    pages = []
    for dpi, colour in ((300, True), (200, False), (250, True)):
        scale = dpi / 200
        words = make_words(VIETNAMESE_LINES, scale=scale)
        image = draw_page(words, round(500 * scale), round(600 * scale), colour=colour)
        pages.append({"image": image, "dpi": dpi, "words": words})
    return pages


@pytest.fixture(scope="module")
def three_page_pdf(tmp_path_factory: pytest.TempPathFactory, three_pages: list[dict]) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "searchable.pdf"
    return write_pdf(path, three_pages, title="Quyết định số 123")


# --- the document as readers see it ------------------------------------------------------------


def test_page_count_size_and_metadata(three_page_pdf: Path, three_pages: list[dict]) -> None:
    with pdfplumber.open(three_page_pdf) as pdf:
        assert len(pdf.pages) == 3
        assert pdf.metadata["Producer"] == "digitize"
        assert pdf.metadata["Title"] == "Quyết định số 123"
        for page, given in zip(pdf.pages, three_pages, strict=True):
            height, width = given["image"].shape[:2]
            assert page.width == pytest.approx(width / given["dpi"] * 72, abs=0.5)
            assert page.height == pytest.approx(height / given["dpi"] * 72, abs=0.5)
    head = three_page_pdf.read_bytes()[:16]
    assert head.startswith(b"%PDF-1.7\n%") and all(b > 127 for b in head[10:14])


def test_words_come_back_in_order_on_their_boxes(
    three_page_pdf: Path, three_pages: list[dict]
) -> None:
    with pdfplumber.open(three_page_pdf) as pdf:
        for page, given in zip(pdf.pages, three_pages, strict=True):
            extracted = page.extract_words()
            assert [nfc(w["text"]) for w in extracted] == [nfc(w.text) for w in given["words"]]
            points = 72 / given["dpi"]
            for got, word in zip(extracted, given["words"], strict=True):
                assert got["x0"] == pytest.approx(word.left * points, abs=1.0)
                assert got["x1"] == pytest.approx(word.right * points, abs=1.0)
                assert got["top"] == pytest.approx(word.top * points, abs=1.0)
                assert got["bottom"] == pytest.approx(word.bottom * points, abs=1.0)


def test_page_image_keeps_colour_mode_and_resolution(
    three_page_pdf: Path, three_pages: list[dict]
) -> None:
    with pdfplumber.open(three_page_pdf) as pdf:
        for page, given in zip(pdf.pages, three_pages, strict=True):
            (image,) = page.images
            expected = "DeviceRGB" if given["image"].ndim == 3 else "DeviceGray"
            assert colour_space(image) == expected
            assert image["bits"] == 8
            width_px, height_px = image["srcsize"]
            assert (height_px, width_px) == given["image"].shape[:2]
            assert width_px / (page.width / 72) == pytest.approx(given["dpi"], rel=1e-3)
            assert height_px / (page.height / 72) == pytest.approx(given["dpi"], rel=1e-3)
            # The image covers the whole page.
            assert (image["x0"], image["top"]) == pytest.approx((0, 0), abs=0.01)
            assert (image["x1"], image["bottom"]) == pytest.approx(
                (page.width, page.height), abs=0.01
            )
        first = pdf.pages[0].images[0]
        assert first["srcsize"][0] / (pdf.pages[0].width / 72) >= 200


def test_renders_with_pdfium_and_text_stays_invisible(
    three_page_pdf: Path, three_pages: list[dict]
) -> None:
    document = pypdfium2.PdfDocument(three_page_pdf)
    try:
        assert len(document) == 3
        given = three_pages[0]
        rendered = document[0].render(scale=given["dpi"] / 72).to_numpy()  # BGR, like cv2
        original = given["image"]
        height, width = original.shape[:2]
        assert rendered.shape[0] - height in (0, 1) and rendered.shape[1] - width in (0, 1)
        rendered = rendered[:height, :width]
        # Only JPEG noise separates the rendering from the scan: no visible text was drawn.
        difference = np.abs(rendered[:, :, :3].astype(int) - original.astype(int))
        assert difference.mean() < 3
        text = document[0].get_textpage().get_text_range()
        assert "CỘNG HÒA" in nfc(text)
    finally:
        document.close()


def test_words_given_decomposed_are_written_nfc(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert decomposed != "Nguyễn"
    words = [Word(decomposed, 10, 10, 120, 30, 0.9)]
    image = np.full((100, 200, 3), 250, np.uint8)
    path = write_pdf(tmp_path / "nfd.pdf", [{"image": image, "dpi": 200, "words": words}])
    with pdfplumber.open(path) as pdf:
        assert [w["text"] for w in pdf.pages[0].extract_words()] == ["Nguyễn"]


# --- image encodings -----------------------------------------------------------------------------


def test_bilevel_page_is_lossless_and_small(tmp_path: Path) -> None:
    page = bilevel_page()
    words = [Word("Số", 10, 35, 40, 30, 0.9)]
    path = write_pdf(tmp_path / "bw.pdf", [{"image": page, "dpi": 300, "words": words}])
    with pdfplumber.open(path) as pdf:
        (image,) = pdf.pages[0].images
        assert image["bits"] == 1
        assert colour_space(image) == "DeviceGray"
        assert image["stream"]["Filter"].name == "CCITTFaxDecode"
    with pikepdf.open(path) as document:
        stored = document.pages[0].Resources.XObject.Im0
        decoded = np.asarray(pikepdf.PdfImage(stored).as_pil_image().convert("L"))
    assert np.array_equal(decoded, page)
    assert path.stat().st_size < page.size / 8  # smaller than the raw bits


def test_black_and_white_values_are_detected_without_the_flag(tmp_path: Path) -> None:
    page = cv2.cvtColor(bilevel_page(), cv2.COLOR_GRAY2BGR)  # 0/255 in three equal channels
    path = write_pdf(tmp_path / "auto.pdf", [{"image": page, "dpi": 300, "words": []}])
    with pdfplumber.open(path) as pdf:
        assert pdf.pages[0].images[0]["bits"] == 1


def test_saturated_colour_is_not_mistaken_for_black_and_white(tmp_path: Path) -> None:
    page = np.zeros((100, 100, 3), np.uint8)
    page[:, :, 2] = 255  # pure red: only 0 and 255, but colour
    path = write_pdf(tmp_path / "red.pdf", [{"image": page, "dpi": 300, "words": []}])
    with pdfplumber.open(path) as pdf:
        image = pdf.pages[0].images[0]
        assert image["bits"] == 8
        assert colour_space(image) == "DeviceRGB"


def jpeg_source(jpeg: bytes, width: int, height: int, components: int = 3) -> SourceImage:
    return SourceImage("jpeg", jpeg, width, height, image_space(width, height), components)


def test_jpeg_bytes_are_embedded_unchanged(tmp_path: Path) -> None:
    words = make_words(VIETNAMESE_LINES, scale=1.5)
    ok, buffer = cv2.imencode(".jpg", draw_page(words, 750, 900, colour=True))
    assert ok
    jpeg = buffer.tobytes()
    decoded = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    source = jpeg_source(jpeg, 900, 750)
    page = {"image": decoded, "dpi": 300, "words": words, "source": source, "placement": IDENTITY}
    path = write_pdf(tmp_path / "jpeg.pdf", [page])
    assert path.stat().st_size <= 1.5 * len(jpeg) + 4096
    with pdfplumber.open(path) as pdf:
        stream = image_stream(pdf.pages[0])
        assert stream.get_rawdata() == jpeg  # type: ignore[attr-defined]
        assert [nfc(w["text"]) for w in pdf.pages[0].extract_words()] == [w.text for w in words]


def test_jpeg_of_changed_pixels_is_encoded_afresh(tmp_path: Path) -> None:
    image = draw_page([], 300, 200, colour=True)
    jpeg = cv2.imencode(".jpg", image)[1].tobytes()
    # No placement: the display is not the source turned (a perspective warp, say).
    page = {"image": image, "dpi": 200, "words": [], "source": jpeg_source(jpeg, 200, 300)}
    path = write_pdf(tmp_path / "warped.pdf", [page])
    with pdfplumber.open(path) as pdf:
        (image_info,) = pdf.pages[0].images
        assert image_info["srcsize"] == (200, 300)
        assert image_info["stream"].get_rawdata() != jpeg


def test_cmyk_jpeg_is_encoded_again_in_rgb(tmp_path: Path) -> None:
    # An archival file's colours are sRGB: a CMYK JPEG cannot be stored as it is.
    buffer = io.BytesIO()
    Image.new("CMYK", (64, 32), (0, 200, 200, 0)).save(buffer, "JPEG")
    image = np.zeros((32, 64, 3), np.uint8)  # stands for the decoded pixels
    image[:, :, 2] = 200
    source = jpeg_source(buffer.getvalue(), 64, 32, components=4)
    page = {"image": image, "dpi": 200, "words": [], "source": source, "placement": IDENTITY}
    path = write_pdf(tmp_path / "cmyk.pdf", [page])
    with pdfplumber.open(path) as pdf:
        (image_info,) = pdf.pages[0].images
        assert colour_space(image_info) == "DeviceRGB"
        assert image_info["stream"].get_rawdata() != buffer.getvalue()


# --- streaming ------------------------------------------------------------------------------------


def _peak_memory_writing(path: Path, pages: int) -> int:
    image = draw_page([], 120, 90, colour=True)
    words = make_words([["Số:", "123/QĐ-UBND"]], scale=0.3)
    tracemalloc.start()
    try:
        with SearchablePDF(path) as pdf:
            for _ in range(pages):
                pdf.add_page(image, dpi=200, words=words)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_page_count(tmp_path: Path) -> None:
    _peak_memory_writing(tmp_path / "warm-up.pdf", 1)  # one-time caches (font, CMaps)
    few = _peak_memory_writing(tmp_path / "few.pdf", 5)
    many = _peak_memory_writing(tmp_path / "many.pdf", 60)
    assert many - few < 48 * 1024, (few, many)  # a few hundred bytes per page at most


def test_two_hundred_pages(tmp_path: Path) -> None:
    image = draw_page([], 80, 60, colour=False)
    words = [Word("định", 5, 5, 40, 12, 0.9)]
    with SearchablePDF(tmp_path / "long.pdf") as pdf:
        for _ in range(200):
            pdf.add_page(image, dpi=200, words=words)
        assert pdf.page_count == 200
    with pdfplumber.open(tmp_path / "long.pdf") as document:
        assert len(document.pages) == 200
        assert [w["text"] for w in document.pages[199].extract_words()] == ["định"]


def test_page_without_words(tmp_path: Path) -> None:
    image = draw_page([], 200, 150, colour=True)
    path = write_pdf(tmp_path / "blank.pdf", [{"image": image, "dpi": 200, "words": []}])
    with pikepdf.open(path) as document:  # no font objects when no page has text
        assert not any(
            o.get("/Type") == "/Font" for o in document.objects if isinstance(o, pikepdf.Dictionary)
        )
    with pdfplumber.open(path) as pdf:
        assert pdf.pages[0].extract_words() == []
        assert len(pdf.pages[0].images) == 1


# --- the font ------------------------------------------------------------------------------------


def _fonts(path: Path) -> list[pikepdf.Dictionary]:
    with pikepdf.open(path) as document:
        found = {}
        for page in document.pages:
            for font in page.Resources.get("/Font", {}).values():
                found[font.objgen] = font
        return [
            {
                "subtype": str(f.Subtype),
                "encoding": str(f.Encoding),
                "to_unicode": "/ToUnicode" in f,
                "cid_to_gid": "/CIDToGIDMap" in f.DescendantFonts[0],
                "embedded": "/FontFile2" in f.DescendantFonts[0].FontDescriptor,
            }
            for f in found.values()
        ]


def test_glyphless_font_is_embedded_once(three_page_pdf: Path) -> None:
    (font,) = _fonts(three_page_pdf)  # one font object shared by the three pages
    assert font["subtype"] == "/Type0" and font["encoding"] == "/Identity-H"
    assert font["to_unicode"] and font["cid_to_gid"]
    assert font["embedded"] == (find_glyphless_font() is not None)


def test_text_layer_works_without_the_font_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "glyphless_font_bytes", lambda: None)
    words = make_words(VIETNAMESE_LINES)
    image = draw_page(words, 500, 600, colour=True)
    path = write_pdf(tmp_path / "nofont.pdf", [{"image": image, "dpi": 200, "words": words}])
    (font,) = _fonts(path)
    assert not font["embedded"] and font["cid_to_gid"]
    with pikepdf.open(path) as document:  # an unembedded font cannot be called PDF/A
        assert "/OutputIntents" not in document.Root
        assert "<pdfaid:part>" not in document.Root.Metadata.read_bytes().decode()
    with pdfplumber.open(path) as pdf:
        assert [nfc(w["text"]) for w in pdf.pages[0].extract_words()] == [w.text for w in words]


def test_font_is_found_through_tessdata_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pdf.ttf").write_bytes(b"\x00\x01\x00\x00" + bytes(12))
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    find_glyphless_font.cache_clear()
    try:
        assert find_glyphless_font() == tmp_path / "pdf.ttf"
    finally:
        monkeypatch.undo()
        find_glyphless_font.cache_clear()


# --- pure helpers --------------------------------------------------------------------------------


def test_pdf_codes_are_nfc_code_points_within_the_bmp() -> None:
    assert pdf_codes(unicodedata.normalize("NFD", "Đặng")) == [ord(c) for c in "Đặng"]
    assert pdf_codes("a\U0001f600b") == [ord("a"), 0xFFFD, ord("b")]
    assert pdf_codes(" x\x00\t ") == [ord("x")]


def test_word_is_stretched_over_its_box_and_its_space_over_the_gap() -> None:
    ops = _text_ops_for_word([0x43, 0x1ED8], x=10, y=20, width=30, size=12, space=9)
    # Two glyphs of half an em at 12 pt are 12 pt wide; 30 pt needs 250 % scaling. The space
    # (6 pt naturally) is stretched to the 9-pt gap before the next word.
    assert ops == "250 Tz 1 0 0 1 10 20 Tm <00431ED8> Tj 150 Tz <0020> Tj"
    assert "0020" not in _text_ops_for_word([0x43], x=0, y=0, width=5, size=12, space=None)
    # A later word of the line moves along it from the previous word's start.
    ops = _text_ops_for_word([0x43], x=40.5, y=20, width=6, size=12, space=None, after=10)
    assert ops == "100 Tz 30.5 0 Td <0043> Tj"


def test_touching_ocr_boxes_still_extract_as_separate_words(tmp_path) -> None:
    # OCR of dot leaders gives boxes that touch or overlap; they must not merge on extraction.
    words = [
        Word("abc", 100, 100, 60, 30, 0.5, line=1),
        Word("def", 158, 100, 60, 30, 0.5, line=1),
        Word("ghi", 218, 100, 60, 30, 0.5, line=1),
    ]
    path = tmp_path / "touch.pdf"
    with SearchablePDF(path) as pdf:
        pdf.add_page(np.full((400, 600), 255, np.uint8), dpi=300, words=words)
    with pdfplumber.open(path) as doc:
        assert [w["text"] for w in doc.pages[0].extract_words()] == ["abc", "def", "ghi"]


def test_boxes_inside_or_left_of_the_previous_word_keep_their_order(tmp_path) -> None:
    # "CĂN" read as "CA", "~" (a box inside CA) and "N" (a box starting left of "~").
    words = [
        Word("CA", 100, 100, 50, 30, 0.4, line=1),
        Word("~", 120, 95, 15, 10, 0.3, line=1),
        Word("N", 112, 100, 40, 30, 0.4, line=1),
        Word("CƯỚC", 200, 100, 90, 30, 0.9, line=1),
    ]
    path = tmp_path / "inside.pdf"
    with SearchablePDF(path) as pdf:
        pdf.add_page(np.full((400, 600), 255, np.uint8), dpi=300, words=words)
    with pdfplumber.open(path) as doc:
        assert [w["text"] for w in doc.pages[0].extract_words()] == ["CA", "~", "N", "CƯỚC"]


def test_lines_follow_ocr_numbers_and_geometry() -> None:
    same_line = [Word("a", 0, 10, 10, 20, 1, line=1), Word("-", 20, 18, 5, 3, 1, line=1)]
    next_line = [Word("b", 0, 50, 10, 20, 1, line=2)]
    unnumbered = [Word("c", 0, 100, 10, 20, 1), Word("d", 0, 140, 10, 20, 1)]
    empty = [Word("  ", 0, 0, 10, 10, 1), Word("e", 0, 0, 0, 10, 1)]
    lines = group_lines(same_line + next_line + unnumbered + empty)
    assert [[w.text for w in line] for line in lines] == [["a", "-"], ["b"], ["c"], ["d"]]


# --- errors and file handling ---------------------------------------------------------------------


def test_unwritable_path_names_the_file(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.pdf"
    with pytest.raises(PDFWriteError) as caught:
        SearchablePDF(target)
    assert str(target) in str(caught.value)
    assert caught.value.code == "pdf_write_failed"


@pytest.mark.parametrize(
    ("image", "dpi"),
    [
        (np.zeros((10, 10), np.float32), 200),
        (np.zeros((10, 10, 2), np.uint8), 200),
        (np.zeros((0, 10), np.uint8), 200),
        (np.zeros((10, 10), np.uint8), 0),
        (np.zeros((10, 10), np.uint8), float("nan")),
    ],
)
def test_bad_page_arguments_are_rejected(tmp_path: Path, image: np.ndarray, dpi: float) -> None:
    path = tmp_path / "bad.pdf"
    with SearchablePDF(path) as pdf:
        with pytest.raises(DigitizeError, match="bad.pdf: page 1"):
            pdf.add_page(image, dpi=dpi, words=[])
        pdf.add_page(np.zeros((10, 10), np.uint8), dpi=200, words=[])
    assert path.exists()


def test_disk_full_is_a_write_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = SearchablePDF(tmp_path / "out.pdf")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pikepdf.Pdf, "save", full)
    with pytest.raises(PDFWriteError, match=r"out\.pdf: No space left on device"):
        pdf.add_page(np.zeros((10, 10), np.uint8), dpi=200, words=[])
    assert list(tmp_path.iterdir()) == []


def test_nothing_is_left_behind_when_a_later_stage_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), SearchablePDF(tmp_path / "out.pdf") as pdf:
        pdf.add_page(np.zeros((10, 10), np.uint8), dpi=200, words=[])
        raise RuntimeError("a later stage failed")
    assert list(tmp_path.iterdir()) == []


def test_a_pdf_needs_a_page(tmp_path: Path) -> None:
    with pytest.raises(DigitizeError, match="at least one page"):
        SearchablePDF(tmp_path / "empty.pdf").close()
    assert list(tmp_path.iterdir()) == []


def test_closed_writer_refuses_pages(tmp_path: Path) -> None:
    pdf = SearchablePDF(tmp_path / "out.pdf")
    pdf.add_page(np.zeros((10, 10), np.uint8), dpi=200, words=[])
    pdf.close()
    pdf.close()  # closing twice is harmless
    with pytest.raises(DigitizeError, match="already closed"):
        pdf.add_page(np.zeros((10, 10), np.uint8), dpi=200, words=[])


# --- external checkers ---------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_qpdf_finds_no_errors(three_page_pdf: Path, tmp_path: Path) -> None:
    bilevel = write_pdf(
        tmp_path / "bw.pdf", [{"image": bilevel_page(), "dpi": 300, "words": [], "bilevel": True}]
    )
    for path in (three_page_pdf, bilevel):
        done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "No syntax or stream encoding errors" in done.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is missing")
def test_pdftotext_extracts_the_vietnamese_text(three_page_pdf: Path) -> None:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(three_page_pdf), "-"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    pages = nfc(done.stdout).split("\f")
    for line in VIETNAMESE_LINES:
        assert " ".join(line) in pages[0]
    assert "123/QĐ-UBND" in pages[2]
