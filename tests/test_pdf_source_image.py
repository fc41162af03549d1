"""The scan's own image in the searchable PDF, through the whole pipeline: stored byte for
byte, placed by the page matrix, under the right words.

Pages are drawn, turned sideways and tilted, and stored as a CCITT G4 TIFF and as a scanned
PDF (one page tilted, one turned by the page's /Rotate); the pipeline must store their G4
data byte for byte, and the words that pdfplumber extracts must sit on the image's ink.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2
import pytest
from PIL import Image

from digitize.settings import Settings
from storage import layout
from storage.local import LocalStore
from tests.pages import LINES, draw_page
from tests.scans import (
    DOSSIER,
    DPI,
    assert_words_on_ink,
    bilevel,
    fetch,
    nfc,
    run,
    scanned_pdf,
    stored_images,
)


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
    tiff_result: tuple[dict, Path], scan_store: LocalStore, tmp_path: Path
) -> None:
    record, pdf_path = tiff_result
    key = layout.page_words_key(DOSSIER, record["doc_id"], 1)
    stored = json.loads(scan_store.get_bytes(key).decode("utf-8"))
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


def test_a_scanned_pdfs_g4_pages_are_carried_over_under_their_words(
    scan_store: LocalStore, scan_settings: Settings, tmp_path: Path
) -> None:
    upright = bilevel(draw_page(LINES, dpi=DPI, width_in=6.5))
    data, strip = scanned_pdf(upright)
    record = run(data, "cong_van_scan.pdf", scan_store, scan_settings)
    assert [d["stored_image"] for d in record["quality"]["page_details"]] == ["source"] * 2
    pdf_path = fetch(scan_store, record, "searchable.pdf", tmp_path)
    stored = stored_images(pdf_path)
    assert [s[0] for s in stored] == [strip, strip]
    assert stored[0][1]["/Decode"] == "[ 1 0 ]"  # the decode array came along
    assert_words_on_ink(pdf_path, DPI)
    assert pdf_path.stat().st_size <= 1.1 * len(data) + 2 * 12_000


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


def test_a_scan_with_a_stamp_annotation_drawn_over_it_is_not_carried_over():
    """The rendering draws the annotation over the scan; carrying the bare image over would
    store the page without the stamp the text layer was read from."""
    import io

    import pikepdf
    import pypdfium2 as pdfium
    from PIL import Image

    from digitize import pdfscan

    img = Image.new("1", (800, 1000), 1)
    for y in range(100, 900, 50):
        for x in range(100, 700):
            img.putpixel((x, y), 0)
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=100)

    def carried(data: bytes) -> bool:
        return (
            pdfscan.scan_image(pdfium.PdfDocument(data)[0], pikepdf.open(io.BytesIO(data)), 0, 300)
            is not None
        )

    assert carried(buf.getvalue())
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    look = pikepdf.Stream(pdf, b"1 0 0 rg 0 0 50 50 re f")
    look["/Type"], look["/Subtype"], look["/BBox"] = (
        pikepdf.Name.XObject,
        pikepdf.Name.Form,
        [0, 0, 50, 50],
    )
    stamp = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Stamp, Rect=[10, 10, 60, 60],
        AP=pikepdf.Dictionary(N=look),
    )  # fmt: skip
    pdf.pages[0].obj["/Annots"] = pikepdf.Array([pdf.make_indirect(stamp)])
    out = io.BytesIO()
    pdf.save(out)
    assert not carried(out.getvalue())
