"""`digitize export`: a dossier processed by the real pipeline, exported for an archive, each
XML valid against the packaged XSD and carrying the record's values."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import SAMPLES
from tests.pki import PASSWORD, UNIT_NAME, signer_certificate, write_p12

CODE = "000.00.12.H57-261130-0042"
NS = {"m": "urn:digitize:decree30-metadata:1"}
FILES = ("quyet_dinh_scan.pdf", "cong_van_born_digital.pdf")


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    return subprocess.run(
        [sys.executable, "-m", "digitize", *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        timeout=300,
    )


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    from digitize.archive import schema_text

    return etree.XMLSchema(etree.fromstring(schema_text()))


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """A decision scan, a born-digital letter and a damaged file, through `digitize run`,
    signed by the unit: (store folder, records by file name)."""
    root = tmp_path_factory.mktemp("export")
    folder = root / "in" / CODE
    folder.mkdir(parents=True)
    for name in FILES:
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "hong.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    p12 = write_p12(root / "unit.p12", signer_certificate())
    env = {"DIGITIZE_SIGN_P12": str(p12), "DIGITIZE_SIGN_PASSWORD": PASSWORD}
    store = root / "store"
    proc = cli("run", str(folder), "--out", str(store), "--json", env=env)
    assert proc.returncode == 1, proc.stderr  # the damaged file failed, the others are done
    records = {r["source_name"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert [records[n]["status"] for n in FILES] == ["done", "done"]
    return store, records


def _ordinals(store: Path) -> dict[str, int]:
    manifest = json.loads((store / "dossiers" / CODE / "manifest.json").read_text())
    return {d["source_name"]: i for i, d in enumerate(manifest["documents"], 1)}


def _text(root: etree._Element, path: str) -> str | None:
    found = root.find(path, NS)
    return None if found is None else found.text


def test_export_writes_each_pdf_and_a_valid_xml_of_the_record(processed, schema, tmp_path):
    store, records = processed
    proc = cli("export", CODE, "--out", str(store), "--to", str(tmp_path))
    assert proc.returncode == 1, proc.stderr  # one document of the dossier is not exported
    assert "hong.png" in proc.stderr and "Traceback" not in proc.stderr
    out = tmp_path / CODE
    assert (out / "decree30-metadata.xsd").read_bytes().startswith(b"<?xml")
    ordinals = _ordinals(store)
    for name in FILES:
        rec, n = records[name], ordinals[name]
        stem = f"{n:03d}-{rec['doc_id']}"
        stored_pdf = store / rec["links"]["searchable_pdf"]
        assert (out / f"{stem}.pdf").read_bytes() == stored_pdf.read_bytes()
        raw = (out / f"{stem}.xml").read_bytes()
        doc = etree.fromstring(raw)
        schema.assertValid(doc)
        text = raw.decode("utf-8")
        assert text == unicodedata.normalize("NFC", text)

        fields = {k: v["value"] for k, v in rec["fields"].items()}
        number, notation = fields["document_number"].split("/", 1)
        assert _text(doc, "m:DossierCode") == CODE
        assert _text(doc, "m:FileCode") == "000.00.12.H57.2026.261130-0042"
        assert _text(doc, "m:OrganId") == "000.00.12.H57"
        assert _text(doc, "m:FileCatalog") == "2026"
        assert _text(doc, "m:DocOrdinal") == str(n)
        assert _text(doc, "m:TypeName") == rec["document_type"]["label"]
        assert _text(doc, "m:CodeNumber") == number
        assert _text(doc, "m:CodeNotation") == notation
        assert _text(doc, "m:IssuedDate") == fields["issue_date"]
        assert _text(doc, "m:OrganName") == fields["issuer"]
        assert _text(doc, "m:Subject") == fields["subject"]
        assert _text(doc, "m:SignerInfo/m:FullName") == fields["signer"]
        assert _text(doc, "m:PageAmount") == str(rec["pages"])
        assert _text(doc, "m:Language") == "vi"
        assert _text(doc, "m:Digitization/m:Sha256") == rec["sha256"]
        assert _text(doc, "m:Digitization/m:Time") == rec["created_at"]
        assert _text(doc, "m:Digitization/m:Resolution") == str(min(rec["quality"]["dpi"]))
        assert _text(doc, "m:Digitization/m:Signature/m:Signer") == UNIT_NAME
        assert _text(doc, "m:Digitization/m:Signature/m:Format") == "PAdES"
        # A value the record flags for a person to check keeps its flag.
        flagged = rec["fields"]["document_number"]["needs_review"]
        attr = doc.find("m:CodeNumber", NS).get("needsReview")
        assert (attr == "true") == flagged
    assert records["quyet_dinh_scan.pdf"]["document_type"]["code"] == "decision"


def test_export_reads_a_dossier_from_s3_as_from_a_folder(processed, s3_settings, tmp_path):
    from storage import open_store

    store, _records = processed
    bucket = open_store(s3_settings)
    prefix = store / "dossiers" / CODE
    for path in prefix.rglob("*"):
        if path.is_file():
            key = path.relative_to(store).as_posix()
            bucket.put_file(key, path, content_type="application/octet-stream")
    local = cli("export", CODE, "--out", str(store), "--to", str(tmp_path / "local"))
    env = {
        "DIGITIZE_S3_ENDPOINT": s3_settings.s3_endpoint,
        "DIGITIZE_S3_ACCESS_KEY": s3_settings.s3_access_key.get_secret_value(),
        "DIGITIZE_S3_SECRET_KEY": s3_settings.s3_secret_key.get_secret_value(),
    }
    remote = cli(
        "export",
        CODE,
        "--out",
        f"s3://{s3_settings.s3_bucket}",
        "--to",
        str(tmp_path / "s3"),
        env=env,
    )
    assert remote.returncode == local.returncode == 1, remote.stderr
    got = {p.name: p.read_bytes() for p in (tmp_path / "s3" / CODE).iterdir()}
    want = {p.name: p.read_bytes() for p in (tmp_path / "local" / CODE).iterdir()}
    assert len(got) == 5 and got == want


def test_a_missing_dossier_is_a_clear_error(tmp_path):
    proc = cli("export", "HS-0000", "--out", str(tmp_path / "store"), "--to", str(tmp_path))
    assert proc.returncode == 1
    assert "Dossier HS-0000 has no stored documents" in proc.stderr
    assert "what to do:" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "HS-0000").exists()
    bad = cli("export", "../etc", "--out", str(tmp_path / "store"), "--to", str(tmp_path))
    assert bad.returncode == 2 and "../etc" in bad.stderr


def _record(**fields: str) -> dict:
    return {
        "doc_id": "0123456789abcdef",
        "dossier_code": "HS-0042",
        "source_name": "scan.jpg",
        "sha256": "ab" * 32,
        "pages": 2,
        "pipeline_version": "0.6.0",
        "status": "done",
        "document_type": {"code": "decision", "label": "Quyết định", "confidence": 0.9},
        "fields": {
            k: {"value": v, "confidence": 0.9, "needs_review": False, "review_reasons": []}
            for k, v in fields.items()
        },
        "quality": {"dpi": [300, 200]},
        "created_at": "2026-11-30T08:00:00+00:00",
    }


def test_values_longer_than_the_decree_allows_are_cut_and_marked(schema):
    from digitize.archive import LIMITS, metadata_xml

    subject = "Về việc " + " ".join(["phê duyệt kế hoạch số hóa"] * 40)  # over 500 characters
    organ = "ỦY BAN NHÂN DÂN " * 20
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    rec = _record(subject=subject, issuer=organ, signer=nfd, document_number="123456789012/QĐ-UBND")
    doc = etree.fromstring(metadata_xml(rec, ordinal=7))
    schema.assertValid(doc)
    cut = doc.find("m:Subject", NS)
    assert cut.get("truncated") == "true" and len(cut.text) <= LIMITS["Subject"]
    assert subject.startswith(cut.text) and not cut.text.endswith(" ")
    assert doc.find("m:OrganName", NS).get("truncated") == "true"
    assert doc.find("m:CodeNumber", NS).get("truncated") == "true"  # 12 digits > 11
    assert doc.find("m:CodeNotation", NS).get("truncated") is None
    assert _text(doc, "m:SignerInfo/m:FullName") == unicodedata.normalize("NFC", nfd)
    # A dossier code of another shape has no Appendix VI file code; the rest still validates.
    assert doc.find("m:FileCode", NS) is None and _text(doc, "m:DocOrdinal") == "7"
    assert _text(doc, "m:Digitization/m:Resolution") == "200"


def test_fields_not_read_are_left_out(schema):
    from digitize.archive import metadata_xml

    rec = _record()
    rec["document_type"] = {"code": "unknown", "label": "Không xác định", "confidence": 0.2}
    doc = etree.fromstring(metadata_xml(rec, ordinal=1))
    schema.assertValid(doc)
    for absent in ("TypeName", "CodeNumber", "IssuedDate", "OrganName", "Subject", "SignerInfo"):
        assert doc.find(f"m:{absent}", NS) is None
    assert doc.find("m:Digitization/m:Signature", NS) is None


@pytest.mark.parametrize(
    ("code", "parts"),
    [
        ("000.00.12.H57-231221-0001", ("000.00.12.H57", "2023", "231221-0001")),
        ("000.00.12.H57-231341-0001", None),  # no 41st of a 13th month
        ("HS-0042", None),
        ("H57-231221-0001", None),  # the unit code is 13 characters
    ],
)
def test_file_code_of_a_one_stop_dossier_code(code, parts):
    from digitize.archive import file_code

    found = file_code(code)
    got = None if found is None else (found.organ_id, found.catalog, found.notation)
    assert got == parts


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("123/QĐ-UBND", ("123", "QĐ-UBND")),
        ("05/BNV-VP", ("05", "BNV-VP")),
        ("47", ("47", None)),
        ("QĐ-UBND", (None, "QĐ-UBND")),
    ],
)
def test_number_and_notation_are_split_at_the_slash(value, parts):
    from digitize.archive import split_number

    assert split_number(value) == parts
