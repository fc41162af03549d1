"""The archive-grade searchable PDF, through the whole pipeline: the scan's own image, placed
by the page matrix under the right words, and the PDF/A-2b rules that concern this file.

Pages are drawn, turned sideways and tilted, and stored as a CCITT G4 TIFF and as a scanned
PDF (one page tilted, one turned by the page's /Rotate); the pipeline must store their G4
data byte for byte, and the words that pdfplumber extracts must sit on the image's ink.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2
import pytest
from PIL import Image

from digitize.pdfwriter import images
from digitize.pdfwriter.pdfa import NAMESPACE, PREFIX, PROPERTIES
from digitize.pipeline import process_document
from digitize.settings import Settings
from storage import layout
from storage.local import LocalStore
from tests.pages import LINES, draw_page

DOSSIER = "000.00.12.H57-261130-0015"
DPI = 200
XMP = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    PREFIX: NAMESPACE,
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def bilevel(im: Image.Image) -> Image.Image:
    return im.convert("L").point(lambda v: 255 if v >= 160 else 0).convert("1")


def g4_strip(page: Image.Image) -> tuple[bytes, bytes]:
    """A one-strip G4 TIFF of ``page`` and its strip's bytes."""
    buffer = io.BytesIO()
    page.save(
        buffer,
        format="TIFF",
        compression="group4",
        dpi=(DPI, DPI),
        tiffinfo={278: page.height},
    )
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as tiff:
        (offset,), (count,) = tiff.tag_v2[273], tiff.tag_v2[279]
    return data, data[offset : offset + count]


def turned_page() -> Image.Image:
    """A black-and-white page turned a quarter (sideways, as fed) and tilted by 2 degrees."""
    upright = bilevel(draw_page(LINES, dpi=DPI, width_in=6.5))
    tilted = upright.convert("L").rotate(2.0, expand=True, fillcolor=255)
    return bilevel(tilted.rotate(90, expand=True, fillcolor=255))


def run(data: bytes, name: str, store: LocalStore, settings: Settings) -> dict:
    outcome = process_document(
        data, source_name=name, dossier_code=DOSSIER, store=store, settings=settings
    )
    assert outcome.record["status"] == "done", outcome.record["error"]
    return outcome.record


def fetch(store: LocalStore, record: dict, name: str, to: Path) -> Path:
    key = layout.document_key(DOSSIER, record["doc_id"], name)
    target = to / f"{record['doc_id']}-{name}"
    store.get_file(key, target)
    return target


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> LocalStore:
    return LocalStore(tmp_path_factory.mktemp("archive") / "store")


@pytest.fixture(scope="module")
def module_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(store=str(tmp_path_factory.mktemp("settings")))


@pytest.fixture(scope="module")
def g4_tiff() -> tuple[bytes, bytes]:
    return g4_strip(turned_page())


@pytest.fixture(scope="module")
def tiff_result(
    g4_tiff: tuple[bytes, bytes],
    store: LocalStore,
    module_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict, Path]:
    record = run(g4_tiff[0], "chi_thi_g4.tif", store, module_settings)
    return record, fetch(store, record, "searchable.pdf", tmp_path_factory.mktemp("out"))


def syntax(value: object) -> str:
    """A PDF value as written in the file (numbers come back from pikepdf as Python's)."""
    return value.unparse().decode() if isinstance(value, pikepdf.Object) else str(value)


def stored_images(path: Path) -> list[tuple[bytes, dict[str, str]]]:
    with pikepdf.open(path) as pdf:
        out = []
        for page in pdf.pages:
            image = page.Resources.XObject.Im0
            entries = {k: syntax(v) for k, v in image.items()}
            out.append((image.read_raw_bytes(), entries))
        return out


def ink_under_words(path: Path, dpi: float) -> list[tuple[str, float]]:
    """Each extracted word (three letters or more) with the share of dark pixels under its
    box on the page as rendered: a word placed off its print sits on white paper."""
    out = []
    document = pypdfium2.PdfDocument(path)
    try:
        with pdfplumber.open(path) as pdf:
            for index, page in enumerate(pdf.pages):
                grey = document[index].render(scale=dpi / 72, grayscale=True).to_numpy()
                grey = grey if grey.ndim == 2 else grey[:, :, 0]
                f = dpi / 72
                for w in page.extract_words():
                    if len(w["text"]) < 3:
                        continue
                    box = grey[
                        int(w["top"] * f) : int(w["bottom"] * f) + 1,
                        int(w["x0"] * f) : int(w["x1"] * f) + 1,
                    ]
                    out.append((w["text"], float((box < 128).mean()) if box.size else 0.0))
    finally:
        document.close()
    return out


def assert_words_on_ink(path: Path, dpi: float) -> None:
    found = ink_under_words(path, dpi)
    assert len(found) >= 15, found
    on_ink = [text for text, share in found if share > 0.04]
    assert len(on_ink) >= 0.9 * len(found), found


# --- the scan's own image ---------------------------------------------------------------------


def test_a_turned_and_tilted_g4_page_is_stored_as_its_own_strip(
    tiff_result: tuple[dict, Path], g4_tiff: tuple[bytes, bytes]
) -> None:
    record, pdf_path = tiff_result
    details = record["quality"]["page_details"][0]
    assert details["rotation"] in (90, 270) and abs(details["skew_deg"]) > 1.0
    assert details["stored_image"] == "source"
    ((data, entries),) = stored_images(pdf_path)
    assert data == g4_tiff[1]  # not decoded, not resampled, not encoded again
    assert entries["/Filter"] == "/CCITTFaxDecode" and entries["/BitsPerComponent"] == "1"
    # The stored page is smaller than the file it came from, text layer and all.
    assert pdf_path.stat().st_size <= 1.1 * len(g4_tiff[0]) + 12_000


def test_the_text_lands_on_the_words_of_the_turned_image(tiff_result: tuple[dict, Path]) -> None:
    assert_words_on_ink(tiff_result[1], DPI)


def test_the_page_renders_as_the_straightened_scan(tiff_result: tuple[dict, Path]) -> None:
    # Upright and level: as wide as drawn (wider than tall), rows of print in level bands.
    _, pdf_path = tiff_result
    document = pypdfium2.PdfDocument(pdf_path)
    try:
        grey = document[0].render(scale=DPI / 72, grayscale=True).to_numpy()
    finally:
        document.close()
    grey = grey if grey.ndim == 2 else grey[:, :, 0]
    height, width = grey.shape
    assert width > height
    rows = (grey < 128).mean(axis=1)
    inked = rows > 0.01
    # Level lines of print leave white gaps between them; tilted ones smear into each other.
    assert inked.sum() > 0.05 * height
    assert np.count_nonzero(np.diff(inked.astype(int)) == 1) >= len(LINES) - 1


def test_pdfimages_lists_the_bilevel_page_as_one_bit(tiff_result: tuple[dict, Path]) -> None:
    if shutil.which("pdfimages") is None:
        pytest.skip("poppler's pdfimages is not installed")
    listing = subprocess.run(
        ["pdfimages", "-list", str(tiff_result[1])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(listing) == 1
    columns = listing[0].split()
    assert columns[5:9] == ["gray", "1", "1", "ccitt"]  # color, comp, bpc, enc


def test_extracted_words_are_the_words_file(
    tiff_result: tuple[dict, Path], store: LocalStore, tmp_path: Path
) -> None:
    record, pdf_path = tiff_result
    key = layout.page_words_key(DOSSIER, record["doc_id"], 1)
    stored = json.loads(store.get_bytes(key).decode("utf-8"))
    expected = Counter(nfc(w["text"]) for w in stored["words"] if w["text"].strip())
    assert sum(expected.values()) >= 20
    with pdfplumber.open(pdf_path) as pdf:
        extracted = Counter(nfc(w["text"]) for w in pdf.pages[0].extract_words())
    assert extracted == expected
    if shutil.which("pdftotext") is not None:
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert Counter(nfc(done.stdout).split()) == expected


def scanned_pdf(page: Image.Image) -> tuple[bytes, bytes]:
    """A two-page scanner's PDF of one G4 image: page 1 drawn tilted by 1.5 degrees through
    its matrix, page 2 drawn sideways on a landscape page that /Rotate 90 turns upright."""
    _, strip = g4_strip(page)
    pdf = pikepdf.new()
    image = images.ccitt_stream(pdf, strip, page.width, page.height, black_is_zero=True)
    image = pdf.make_indirect(image)
    w_pt, h_pt = page.width * 72 / DPI, page.height * 72 / DPI
    t = np.radians(1.5)
    cx, cy = w_pt / 2, h_pt / 2
    a, b, c, d = w_pt * np.cos(t), w_pt * np.sin(t), -h_pt * np.sin(t), h_pt * np.cos(t)
    e, f = cx - (a + c) / 2, cy - (b + d) / 2
    placements = [
        ([0, 0, w_pt, h_pt], 0, [a, b, c, d, e, f]),
        ([0, 0, h_pt, w_pt], 90, [0, w_pt, -h_pt, 0, h_pt, 0]),
    ]
    for box, rotate, matrix in placements:
        content = ("q " + " ".join(f"{v:.4f}" for v in matrix) + " cm /Im0 Do Q").encode()
        page_dict = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=box,
            Rotate=rotate,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=pdf.make_stream(content),
        )
        pdf.pages.append(pikepdf.Page(page_dict))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue(), strip


def test_a_scanned_pdfs_g4_pages_are_carried_over_under_their_words(
    store: LocalStore, module_settings: Settings, tmp_path: Path
) -> None:
    upright = bilevel(draw_page(LINES, dpi=DPI, width_in=6.5))
    data, strip = scanned_pdf(upright)
    record = run(data, "cong_van_scan.pdf", store, module_settings)
    assert [d["stored_image"] for d in record["quality"]["page_details"]] == ["source"] * 2
    pdf_path = fetch(store, record, "searchable.pdf", tmp_path)
    stored = stored_images(pdf_path)
    assert [s[0] for s in stored] == [strip, strip]
    assert stored[0][1]["/Decode"] == "[ 1 0 ]"  # the decode array came along
    assert_words_on_ink(pdf_path, DPI)
    assert pdf_path.stat().st_size <= 1.1 * len(data) + 2 * 12_000


# --- PDF/A-2b -----------------------------------------------------------------------------------


def xmp_tree(pdf: pikepdf.Pdf):  # noqa: ANN201 - an lxml element
    from lxml import etree

    return etree.fromstring(pdf.Root.Metadata.read_bytes())


def prop(tree, name: str) -> str | None:  # noqa: ANN001 - an lxml element
    """An XMP simple property, written as an attribute of a description or as an element."""
    prefix, local = name.split(":")
    qualified = f"{{{XMP[prefix]}}}{local}"
    for description in tree.iter(f"{{{XMP['rdf']}}}Description"):
        if qualified in description.attrib:
            return description.attrib[qualified]
    return tree.findtext(f".//{name}", namespaces=XMP)


def test_pdfa_2b_rules_that_concern_this_file(tiff_result: tuple[dict, Path]) -> None:
    record, pdf_path = tiff_result
    head = pdf_path.read_bytes()[:16]
    assert head.startswith(b"%PDF-1.") and head[7:8] in b"4567"  # PDF 1.4 to 1.7
    assert all(b > 127 for b in head.split(b"\n")[1][1:5])  # binary comment line
    with pikepdf.open(pdf_path) as pdf:
        assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer
        ids = pdf.trailer.ID
        assert len(ids) == 2 and len(bytes(ids[0])) == 16
        # XMP: unfiltered, identifies PDF/A-2B, and agrees with the Info dictionary.
        metadata = pdf.Root.Metadata
        assert "/Filter" not in metadata and metadata.Subtype == "/XML"
        with pdf.open_metadata() as meta:
            assert meta.pdfa_status == "2B"
            assert meta["pdf:Producer"] == str(pdf.docinfo.Producer)
            assert meta["dc:title"] == str(pdf.docinfo.Title) == "chi_thi_g4.tif"
        tree = xmp_tree(pdf)
        created = prop(tree, "xmp:CreateDate")
        info_date = str(pdf.docinfo.CreationDate)  # D:YYYYMMDDHHmmSS+00'00'
        assert created is not None
        assert created[:19].replace("-", "").replace(":", "").replace("T", "") == info_date[2:16]
        # Every own property is declared by the extension schema.
        declared = {n.text for n in tree.iterfind(".//pdfaProperty:name", namespaces=XMP)}
        used = {
            key.split("}")[1]
            for el in tree.iter()
            for key in [el.tag, *el.attrib]
            if key.startswith(f"{{{NAMESPACE}}}")
        }
        assert used and used <= declared == {p[0] for p in PROPERTIES}
        assert tree.findtext(".//pdfaSchema:namespaceURI", namespaces=XMP) == NAMESPACE
        # The Decree 30 metadata of the document.
        own = {k: prop(tree, f"{PREFIX}:{k}") for k in declared}
        assert own["FileCode"] == DOSSIER
        assert own["OriginalSHA256"] == record["sha256"]
        assert own["PageAmount"] == str(record["pages"]) == "1"
        assert own["DigitizedAt"] is not None and own["DigitizedAt"].endswith("+00:00")
        # sRGB output intent with an ICC profile PDF/A accepts (display class, version <= 4).
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        icc = intent.DestOutputProfile
        profile = icc.read_bytes()
        assert int(icc.N) == 3 and profile[12:20] == b"mntrRGB " and profile[36:40] == b"acsp"
        assert profile[8] <= 4
        # Every font embedded; no image feature PDF/A forbids.
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                for descendant in font.DescendantFonts:
                    assert "/FontFile2" in descendant.FontDescriptor
            for image in page.Resources.XObject.values():
                assert not image.get("/Interpolate", False)
                assert str(image.get("/Filter")) not in ("/LZWDecode", "/JPXDecode")
                assert "/SMask" not in image and "/Alternates" not in image


def test_the_plain_profile_makes_no_pdfa_claim(
    g4_tiff: tuple[bytes, bytes], tmp_path: Path
) -> None:
    settings = Settings(store=str(tmp_path / "s"), pdf_profile="pdf")
    store = LocalStore(tmp_path / "store")
    record = run(g4_tiff[0], "plain.tif", store, settings)
    pdf_path = fetch(store, record, "searchable.pdf", tmp_path)
    with pikepdf.open(pdf_path) as pdf:
        assert "/OutputIntents" not in pdf.Root
        with pdf.open_metadata() as meta:
            assert meta.pdfa_status == ""
        assert prop(xmp_tree(pdf), f"{PREFIX}:FileCode") == DOSSIER


def test_a_bad_profile_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="pdf_profile"):
        Settings(pdf_profile="pdfa-1a")


def test_pyhanko_can_add_an_incremental_update(
    tiff_result: tuple[dict, Path], tmp_path: Path
) -> None:
    # A signature is added to the finished file as an incremental update: the file must open
    # for one, and what it had (PDF/A identity, pages, image) must survive it.
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    target = tmp_path / "updated.pdf"
    original = tiff_result[1].read_bytes()
    with open(target, "wb") as out:
        out.write(original)
    with open(target, "rb+") as f:
        writer = IncrementalPdfFileWriter(f)
        append_signature_field(writer, SigFieldSpec(sig_field_name="Signature1"))
        writer.write_in_place()
    updated = target.read_bytes()
    assert updated.startswith(original) and len(updated) > len(original)
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) == 1
        with pdf.open_metadata() as meta:
            assert meta.pdfa_status == "2B"
    assert stored_images(target) == stored_images(tiff_result[1])


@pytest.mark.skipif(not os.environ.get("DIGITIZE_VERAPDF"), reason="DIGITIZE_VERAPDF not set")
def test_verapdf_finds_the_file_pdfa_2b(tiff_result: tuple[dict, Path]) -> None:
    done = subprocess.run(
        [
            os.environ["DIGITIZE_VERAPDF"],
            "--flavour",
            "2b",
            "--format",
            "text",
            str(tiff_result[1]),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.stdout.startswith("PASS"), done.stdout + done.stderr


def test_a_multi_strip_g4_page_keeps_its_pixel_grid(tmp_path: Path) -> None:
    # Strips cannot be joined as they are: the page's own pixels become one G4 strip, placed
    # like the file's own image, so a tilt never resamples a black-and-white page.
    from digitize.intake import open_document
    from digitize.pdfwriter import SearchablePDF
    from digitize.placement import IDENTITY

    page = bilevel(draw_page(LINES, dpi=DPI, width_in=6.5))
    buffer = io.BytesIO()
    page.save(buffer, format="TIFF", compression="group4", dpi=(DPI, DPI), tiffinfo={278: 64})
    path = tmp_path / "strips.tif"
    path.write_bytes(buffer.getvalue())
    with Image.open(path) as tiff:
        assert len(tiff.tag_v2[273]) > 1
    (read,) = open_document(path, max_pixels=10**8, pdf_dpi=300).pages()
    assert read.source_image is not None and read.source_image.kind == "ccitt"
    out = tmp_path / "out.pdf"
    with SearchablePDF(out) as pdf:
        pdf.add_page(read.image, dpi=DPI, words=[], source=read.source_image, placement=IDENTITY)
    with pikepdf.open(out) as document:
        stored = document.pages[0].Resources.XObject.Im0
        assert bytes(stored.read_raw_bytes()) == read.source_image.data
        decoded = np.asarray(pikepdf.PdfImage(stored).as_pil_image().convert("L"))
    assert np.array_equal(decoded, np.asarray(page.convert("L")))


def test_a_scans_jpeg_spelled_in_ascii85_is_carried_over_as_jpeg(tmp_path: Path) -> None:
    # Some PDF libraries spell every stream in ASCII85: the spelling goes, the JPEG stays.
    import base64

    from digitize.intake import open_document

    buffer = io.BytesIO()
    draw_page(LINES, dpi=100, colour=True).save(buffer, format="JPEG", quality=70)
    jpeg = buffer.getvalue()
    pdf = pikepdf.new()
    width, height = Image.open(io.BytesIO(jpeg)).size
    image = pikepdf.Stream(pdf, base64.a85encode(jpeg, wrapcol=72) + b"~>")
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, 8
    image.ColorSpace = pikepdf.Name.DeviceRGB
    image.Filter = pikepdf.Array([pikepdf.Name.ASCII85Decode, pikepdf.Name.DCTDecode])
    w_pt, h_pt = width * 72 / 100, height * 72 / 100
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, w_pt, h_pt],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(image))),
        Contents=pdf.make_stream(f"q {w_pt} 0 0 {h_pt} 0 0 cm /Im0 Do Q".encode()),
    )
    pdf.pages.append(pikepdf.Page(page))
    path = tmp_path / "a85.pdf"
    pdf.save(path)
    (read,) = open_document(path, max_pixels=10**8, pdf_dpi=300).pages()
    assert read.source_image is not None and read.source_image.notes["filter"] == "DCTDecode"
    with pikepdf.open(io.BytesIO(read.source_image.data)) as holder:
        carried = holder.Root.DigitizeImage
        assert str(carried.Filter) == "/DCTDecode"
        assert bytes(carried.read_raw_bytes()) == jpeg
