"""The sample dossier the README's first command processes must come out right."""

from __future__ import annotations

import pytest

from tests.conftest import TRUTH

# Fields the pipeline must read exactly on the samples (the rest is measured in bench/).
MUST_READ = {
    "cccd_phone_photo.jpg": ["id_number", "full_name", "date_of_birth", "sex"],
    "giay_khai_sinh_2_trang.tif": ["date_of_birth", "id_number", "registration_date"],
    "quyet_dinh_scan.pdf": ["document_number", "issue_date"],
    "cong_van_born_digital.pdf": ["document_number", "issue_date"],
    "don_de_nghi_office_scan.png": ["date_of_birth"],
}


@pytest.fixture(scope="module")
def records(sample_run):
    return sample_run[1]


def test_every_sample_is_processed_and_typed(records):
    for name, truth in TRUTH["files"].items():
        rec = records[name]
        assert rec["status"] == "done", (name, rec["error"])
        assert rec["pages"] == truth["pages"], name
        assert rec["document_type"]["code"] == truth["document_type"], name


# Of those, the ones read clearly enough that no clerk needs to check them.
NO_REVIEW = {
    "cccd_phone_photo.jpg": ["id_number", "date_of_birth", "sex"],
    "giay_khai_sinh_2_trang.tif": ["date_of_birth", "id_number", "registration_date"],
    "cong_van_born_digital.pdf": ["document_number", "issue_date"],
}


@pytest.mark.parametrize("name", sorted(MUST_READ))
def test_key_fields_are_read_exactly(records, name):
    truth = TRUTH["files"][name]["fields"]
    fields = records[name]["fields"]
    for field in MUST_READ[name]:
        assert fields.get(field, {}).get("value") == truth[field], (name, field)
    for field in NO_REVIEW.get(name, []):
        assert fields[field]["needs_review"] is False, (name, field)


def test_no_wrong_value_is_handed_over_as_certain(records):
    for name, rec in records.items():
        truth = TRUTH["files"][name]["fields"]
        for field, got in rec["fields"].items():
            if field in truth and got["value"] != truth[field]:
                assert got["needs_review"], (name, field, got["value"])


def test_born_digital_letter_text_is_exact(records):
    from collections import Counter

    truth_lines = TRUTH["files"]["cong_van_born_digital.pdf"]["lines"][0]
    text = records["cong_van_born_digital.pdf"]["text"]
    assert Counter(text.split()) == Counter(" ".join(truth_lines).split())
    # The header is read one block at a time: the organ and its number, then the title.
    lines = text.splitlines()
    organ = lines.index("BỘ GIÁO DỤC VÀ ĐÀO TẠO")
    assert lines[organ + 1] == "Số: 3741 / BGDĐT-GDĐH"
    assert (
        lines.index("Độc lập - Tự do - Hạnh phúc")
        == lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") + 1
    )
