"""The synthetic document generator: determinism, truth formats, captures, sample dossier.

Benchmarks score OCR and field extraction against this truth, so the truth itself must be
right: an ID number that disagrees with its own birth date would punish a correct pipeline.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench.synth import names
from bench.synth.degrade import PROFILES, degrade
from bench.synth.render import DOC_TYPES, KINDS, render_document, render_random

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "000.00.12.H57-261122-0001"
DATE_KEYS = re.compile(r"(^|_)date($|_)|date_of_birth")


def _is_nfc_single_spaced(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text) and text == " ".join(text.split())


def check_id(id_number: str, dob: str | None, sex: str | None) -> None:
    """Province of birth, century and sex digit, two-digit year, six digits."""
    assert re.fullmatch(r"\d{12}", id_number), id_number
    assert id_number[:3] in names.PROVINCE_CODES
    if dob:
        year = int(dob[:4])
        assert id_number[4:6] == f"{year % 100:02d}"
        assert int(id_number[3]) // 2 == (year - 1900) // 100
    if sex:
        assert int(id_number[3]) % 2 == (1 if sex == "Nữ" else 0)


def check_fields(fields: dict[str, str]) -> None:
    """Contract normalization of every value."""
    for key, value in fields.items():
        assert isinstance(value, str) and _is_nfc_single_spaced(value), (key, value)
        if DATE_KEYS.search(key):
            dt.date.fromisoformat(value)
    if "sex" in fields:
        assert fields["sex"] in ("Nam", "Nữ")
    if "id_number" in fields:
        check_id(fields["id_number"], fields.get("date_of_birth"), fields.get("sex"))
    for role in ("husband", "wife"):
        if f"{role}_id_number" in fields:
            sex = "Nam" if role == "husband" else "Nữ"
            check_id(fields[f"{role}_id_number"], fields[f"{role}_date_of_birth"], sex)
    if "phone" in fields:
        assert re.fullmatch(r"0\d{9}", fields["phone"])
    if "enterprise_code" in fields:
        assert re.fullmatch(r"\d{10}", fields["enterprise_code"])
    if "charter_capital" in fields:
        assert fields["charter_capital"].isdigit()
    if "document_number" in fields:
        assert " " not in fields["document_number"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_with_truth(kind: str) -> None:
    page = render_document(kind, random.Random(11), dpi=72)
    assert page.kind == kind
    assert page.doc_type == ("unknown" if kind in ("blank", "unrelated") else kind)
    w, h = page.image.size
    assert page.image.mode == "RGB" and 200 < w < 700 and 150 < h < 900
    if kind not in ("blank",):
        assert page.lines and page.words
    if kind in DOC_TYPES:
        assert page.fields
    else:
        assert page.fields == {}
    assert all(_is_nfc_single_spaced(line) for line in page.lines)
    for word in page.words:
        x0, y0, x1, y1 = word.box
        assert -2 <= x0 <= x1 <= w + 2 and -2 <= y0 <= y1 <= h + 2, word
    check_fields(page.fields)


def test_deterministic_per_seed() -> None:
    a = render_document("decision", random.Random(5), dpi=72)
    b = render_document("decision", random.Random(5), dpi=72)
    c = render_document("decision", random.Random(6), dpi=72)
    assert a.image.tobytes() == b.image.tobytes()
    assert (a.fields, a.lines) == (b.fields, b.lines)
    assert a.fields != c.fields


def test_truth_formats_over_many_pages() -> None:
    rng = random.Random(2024)
    for _ in range(30):
        check_fields(render_random(rng, dpi=36).fields)


def test_id_numbers_follow_structure() -> None:
    rng = random.Random(1)
    for _ in range(300):
        p = names.random_person(rng, born=(1930, 2024))
        check_id(p.id_number, p.date_of_birth.isoformat(), p.sex)
        assert p.id_number[:3] == p.birth_province["code"]


def test_place_date_line_padding() -> None:
    assert names.long_date(dt.date(2023, 5, 5)) == "ngày 05 tháng 5 năm 2023"
    assert names.long_date(dt.date(2023, 2, 15)) == "ngày 15 tháng 02 năm 2023"


def test_variants_share_the_person() -> None:
    a = render_document("birth_certificate", random.Random(9), dpi=36, variant="original")
    b = render_document("birth_certificate", random.Random(9), dpi=36, variant="extract")
    assert a.fields["id_number"] == b.fields["id_number"]
    assert "TRÍCH LỤC KHAI SINH" in b.lines and "GIẤY KHAI SINH" in a.lines


@pytest.fixture(scope="module")
def small_page():
    return render_document("official_letter", random.Random(3), dpi=100)


@pytest.mark.parametrize("profile", PROFILES)
def test_degrade_profiles(profile: str, small_page) -> None:
    d = degrade(small_page, profile, random.Random(4))
    assert d.image.dtype == np.uint8 and d.image.ndim == 3 and d.image.shape[2] == 3
    for key in ("profile", "rotation", "skew_deg", "dpi", "transform"):
        assert key in d.params
    json.dumps(d.params)
    h, w = d.image.shape[:2]
    if profile == "photo":
        assert 2000 <= max(h, w) <= 2800
        assert 60 <= d.dpi <= 400
    elif profile == "poor":
        assert 150 <= d.dpi <= 200 and abs(d.params["skew_deg"]) <= 5
    elif profile == "office":
        assert d.dpi == 300 and abs(d.params["skew_deg"]) <= 1
    else:
        assert (w, h) == small_page.image.size and d.params["skew_deg"] == 0
    x0, y0, x1, y1 = d.map_box(small_page.words[0].box)
    assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h


def test_forced_rotation_and_determinism(small_page) -> None:
    a = degrade(small_page, "poor", random.Random(8), rotation=90)
    b = degrade(small_page, "poor", random.Random(8), rotation=90)
    assert np.array_equal(a.image, b.image) and a.params == b.params
    assert a.params["rotation"] == 90
    h, w = a.image.shape[:2]
    assert w > h  # a portrait page turned a quarter lies landscape


def test_sample_files_match_truth() -> None:
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    assert truth["dossier_code"] == SAMPLES.name
    present = {p.name for p in SAMPLES.iterdir() if p.name != "truth.json"}
    assert present == set(truth["files"])
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 3_000_000
    for name, entry in truth["files"].items():
        assert entry["document_type"] in DOC_TYPES
        check_fields(entry["fields"])
        path = SAMPLES / name
        if path.suffix == ".pdf":
            import pypdfium2 as pdfium

            assert len(pdfium.PdfDocument(str(path))) == entry["pages"]
        else:
            with Image.open(path) as im:
                assert getattr(im, "n_frames", 1) == entry["pages"]
                im.load()


def test_born_digital_text_layer_is_exact() -> None:
    import pdfplumber

    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    entry = truth["files"]["cong_van_born_digital.pdf"]
    with pdfplumber.open(SAMPLES / "cong_van_born_digital.pdf") as pdf:
        text = " ".join(unicodedata.normalize("NFC", pdf.pages[0].extract_text()).split())
    for line in entry["lines"][0]:
        assert line in text
    assert entry["fields"]["subject"].startswith("V/v ")
