"""What a document's stored outputs promise: a searchable PDF that matches the text, in colour,
at the scan's resolution, not bloated; and memory that does not grow with the page count."""

from __future__ import annotations

import io
from collections import Counter

import numpy as np
import pdfplumber
import pytest
from PIL import Image

from digitize.pipeline import process_document
from storage import layout
from tests.conftest import SAMPLES, TRUTH
from tests.pages import LINES, draw_page


def _pdf(store, rec, tmp_path):
    path = tmp_path / f"{rec['doc_id']}.pdf"
    store.get_file(layout.document_key(rec["dossier_code"], rec["doc_id"], "searchable.pdf"), path)
    return path


@pytest.mark.parametrize("name", sorted(TRUTH["files"]))
def test_searchable_pdf_words_are_the_text_words(sample_run, tmp_path, name):
    store, records = sample_run
    rec = records[name]
    with pdfplumber.open(_pdf(store, rec, tmp_path)) as pdf:
        assert len(pdf.pages) == rec["pages"]
        pdf_words = [w["text"] for p in pdf.pages for w in p.extract_words()]
    assert Counter(pdf_words) == Counter(rec["text"].split())


def test_colour_scan_stays_colour_at_its_own_resolution(sample_run, tmp_path):
    store, records = sample_run
    rec = records["quyet_dinh_scan.pdf"]  # a 200-dpi colour scan
    with pdfplumber.open(_pdf(store, rec, tmp_path)) as pdf:
        for page in pdf.pages:
            (image,) = page.images
            assert "RGB" in str(image["colorspace"])
            assert image["srcsize"][0] / (page.width / 72) >= 199.5
    assert rec["quality"]["low_resolution_pages"] == []


def test_photo_keeps_every_pixel_and_says_when_it_is_below_200_dpi(sample_run, tmp_path):
    store, records = sample_run
    rec = records["cccd_phone_photo.jpg"]
    photo = Image.open(SAMPLES / "cccd_phone_photo.jpg")
    with pdfplumber.open(_pdf(store, rec, tmp_path)) as pdf:
        (image,) = pdf.pages[0].images
        assert "RGB" in str(image["colorspace"])
        # Never downsampled: at least as many pixels as the photo's page area keeps.
        assert image["srcsize"][0] * image["srcsize"][1] >= 0.5 * photo.width * photo.height
        # The photo is drawn at the page's scale: where the card was cut out of the desk,
        # the rest of the photo lies outside the page, so its drawn width is the measure.
        stated_dpi = image["srcsize"][0] / ((image["x1"] - image["x0"]) / 72)
    low = rec["quality"]["low_resolution_pages"]
    assert (stated_dpi < 199.5) == (low == [1])


def test_jpeg_input_pdf_is_at_most_one_and_a_half_times_the_photo(sample_run, tmp_path):
    store, records = sample_run
    rec = records["cccd_phone_photo.jpg"]
    size = (SAMPLES / "cccd_phone_photo.jpg").stat().st_size
    assert _pdf(store, rec, tmp_path).stat().st_size <= 1.5 * size


def test_reencoded_jpeg_keeps_its_source_quality(local_store, settings, tmp_path):
    # A skewed page must be straightened, so its pixels change and the JPEG is re-encoded.
    page = draw_page(LINES * 3, dpi=300, colour=True).rotate(3, expand=True, fillcolor="white")
    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=70, dpi=(300, 300))
    data = buf.getvalue()
    rec = process_document(
        data, source_name="skewed.jpg", dossier_code="HS-2", store=local_store, settings=settings
    ).record
    assert abs(rec["quality"]["skew_deg"][0]) > 1
    assert _pdf(local_store, rec, tmp_path).stat().st_size <= 1.5 * len(data)


def test_bilevel_scan_is_stored_losslessly(sample_run, tmp_path):
    store, records = sample_run
    rec = records["giay_khai_sinh_2_trang.tif"]
    with pdfplumber.open(_pdf(store, rec, tmp_path)) as pdf:
        image = pdf.pages[0].images[0]
        assert image["bits"] == 1
    original = Image.open(SAMPLES / "giay_khai_sinh_2_trang.tif")
    assert image["srcsize"] == original.size
    assert np.asarray(original).dtype == bool
