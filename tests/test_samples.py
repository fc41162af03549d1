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


@pytest.mark.parametrize("name", sorted(MUST_READ))
def test_key_fields_are_read_exactly(records, name):
    truth = TRUTH["files"][name]["fields"]
    fields = records[name]["fields"]
    for field in MUST_READ[name]:
        assert fields.get(field, {}).get("value") == truth[field], (name, field)
        assert fields[field]["needs_review"] is False, (name, field)


def test_born_digital_letter_text_is_exact(records):
    truth_lines = TRUTH["files"]["cong_van_born_digital.pdf"]["lines"][0]
    text = records["cong_van_born_digital.pdf"]["text"]
    assert " ".join(text.split()) == " ".join(" ".join(truth_lines).split())
