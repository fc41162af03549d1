"""The digitizing unit's signature: PAdES B-B on every stored searchable PDF, checked with
pyHanko's own validator against a throw-away CA, and a bad key refused at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from tests.conftest import SAMPLES, TRUTH
from tests.pki import PASSWORD, UNIT_NAME, make_ca, signer_certificate, write_p12

DECISION = SAMPLES / "quyet_dinh_scan.pdf"
LETTER = SAMPLES / "cong_van_born_digital.pdf"


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_SIGN_")}
    return subprocess.run(
        [sys.executable, "-m", "digitize", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=300,
    )


def sign_env(p12: Path, password: str = PASSWORD) -> dict[str, str]:
    return {"DIGITIZE_SIGN_P12": str(p12), "DIGITIZE_SIGN_PASSWORD": password}


@pytest.fixture(scope="module")
def good_p12(tmp_path_factory) -> Path:
    return write_p12(tmp_path_factory.mktemp("pki") / "unit.p12", signer_certificate())


def validate(pdf: Path) -> list:
    """pyHanko's validation of every signature in ``pdf``, trusting only the test CA."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(make_ca().cert.public_bytes(serialization.Encoding.DER))
    with pdf.open("rb") as fh:
        reader = PdfFileReader(fh)
        out = []
        for sig in reader.embedded_signatures:
            context = ValidationContext(trust_roots=[root], allow_fetching=False)
            out.append((sig, validate_pdf_signature(sig, context)))
        return out


def test_run_signs_the_stored_pdf_and_the_validator_accepts_it(good_p12, tmp_path):
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    store = tmp_path / "store"
    before = datetime.now(UTC).replace(microsecond=0)
    proc = cli(
        "run",
        str(DECISION),
        "--dossier",
        TRUTH["dossier_code"],
        "--out",
        str(store),
        "--json",
        env=sign_env(good_p12),
    )
    after = datetime.now(UTC)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["status"] == "done"
    pdf = store / record["links"]["searchable_pdf"]

    results = validate(pdf)
    assert len(results) == 1
    sig, status = results[0]
    assert status.intact and status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    # PAdES (CAdES detached), the signer's name and the signing time in the signature.
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.sig_object["/Name"] == UNIT_NAME
    assert status.signing_cert.subject.native["common_name"] == UNIT_NAME
    signed_at = sig.self_reported_timestamp
    assert signed_at is not None and signed_at.utcoffset() == timedelta(0)
    assert before <= signed_at <= after
    # The signature is an incremental update: the page and its text layer are still there.
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 1
        found = set((doc.pages[0].extract_text() or "").split())
    read = record["text"].split()
    assert len(read) > 50 and sum(w in found for w in read) >= 0.95 * len(read)
    # PDF/A: the Info dictionary and the XMP packet must agree; signing touches neither.
    info, xmp = _metadata(pdf)
    assert "pyHanko" not in info.get("/Producer", "")
    if xmp is not None:
        assert xmp.get("pdf:Producer") in (None, info["/Producer"])


def _metadata(pdf: Path) -> tuple[dict[str, str], object | None]:
    """The Info dictionary, and the XMP packet's fields when there is one."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        info = {str(k): str(v) for k, v in doc.docinfo.items()}
        if "/Metadata" not in doc.Root:
            return info, None
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            return info, {k: meta.get(k) for k in ("pdf:Producer", "xmp:ModifyDate")}


def test_a_kept_born_digital_pdf_is_signed_as_a_copy_and_the_original_is_untouched(
    good_p12, tmp_path
):
    from digitize.settings import Settings
    from digitize.signing import read_signatures, sign_searchable

    original = tmp_path / "letter.pdf"
    original.write_bytes(LETTER.read_bytes())
    settings = Settings(sign_p12=good_p12, sign_password=PASSWORD)
    signed = sign_searchable(original, tmp_path, settings)
    assert signed != original and original.read_bytes() == LETTER.read_bytes()
    assert signed.read_bytes().startswith(LETTER.read_bytes())  # an incremental update
    assert _metadata(signed) == _metadata(original)  # the document's metadata is untouched
    (info,) = read_signatures(signed)
    assert info.signer == UNIT_NAME and info.subfilter == "ETSI.CAdES.detached"
    ((_, status),) = validate(signed)
    assert status.bottom_line, status.pretty_print_details()

    # Signed twice (a digitized copy submitted again): both signatures stay valid.
    (tmp_path / "again").mkdir()
    again = sign_searchable(signed, tmp_path / "again", settings)
    fields = [i.field for i in read_signatures(again)]
    assert fields == ["DigitizingUnit", "DigitizingUnit2"]
    assert all(s.intact and s.valid and s.trusted for _, s in validate(again))


def test_without_a_key_the_pdf_is_left_as_it_is(tmp_path):
    from digitize.settings import Settings
    from digitize.signing import sign_searchable

    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(LETTER.read_bytes())
    assert sign_searchable(pdf, tmp_path, Settings()) == pdf
    assert pdf.read_bytes() == LETTER.read_bytes()


def test_a_pdf_that_cannot_be_signed_fails_that_document_only(good_p12, tmp_path):
    from digitize.settings import Settings
    from digitize.signing import SignatureFailed, sign_searchable

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n% not really a PDF\n")
    with pytest.raises(SignatureFailed) as caught:
        sign_searchable(broken, tmp_path, Settings(sign_p12=good_p12, sign_password=PASSWORD))
    assert caught.value.code == "signature_failed" and "broken.pdf" in caught.value.message


def test_a_certificate_that_expires_while_a_worker_runs_stops_signing(good_p12):
    from digitize.signing import SigningCertificateExpired, check_validity, load_unit_key

    key = load_unit_key(good_p12, PASSWORD)
    check_validity(key, good_p12)
    with pytest.raises(SigningCertificateExpired):
        check_validity(key, good_p12, now=key.not_after + timedelta(seconds=1))


def _expired(d: Path) -> dict[str, str]:
    cert = signer_certificate(valid_from=timedelta(days=-400), valid_for=timedelta(days=365))
    return sign_env(write_p12(d / "expired.p12", cert))


def _not_yet(d: Path) -> dict[str, str]:
    cert = signer_certificate(valid_from=timedelta(days=2))
    return sign_env(write_p12(d / "future.p12", cert))


def _encryption_only(d: Path) -> dict[str, str]:
    return sign_env(write_p12(d / "enc.p12", signer_certificate(for_signing=False)))


def _wrong_password(d: Path) -> dict[str, str]:
    return sign_env(write_p12(d / "unit.p12", signer_certificate()), "sai mật khẩu")


def _missing(d: Path) -> dict[str, str]:
    return sign_env(d / "nowhere.p12")


def _not_pkcs12(d: Path) -> dict[str, str]:
    (d / "cert.pem").write_bytes(make_ca().pem())
    return sign_env(d / "cert.pem")


def _password_only(_d: Path) -> dict[str, str]:
    return {"DIGITIZE_SIGN_PASSWORD": PASSWORD}


BAD_KEYS = {
    "expired": (_expired, "expired on"),
    "not_yet_valid": (_not_yet, "valid only from"),
    "no_signature_usage": (_encryption_only, "not for signatures"),
    "wrong_password": (_wrong_password, "wrong DIGITIZE_SIGN_PASSWORD"),
    "missing_file": (_missing, "cannot be read"),
    "not_pkcs12": (_not_pkcs12, "not a PKCS#12 file"),
    "password_without_file": (_password_only, "DIGITIZE_SIGN_P12 is not"),
}


@pytest.mark.parametrize("case", sorted(BAD_KEYS))
def test_a_bad_key_stops_run_at_start_with_the_configuration_exit_code(case, tmp_path):
    make, says = BAD_KEYS[case]
    store = tmp_path / "store"
    proc = cli("run", str(LETTER), "--out", str(store), env=make(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert says in proc.stderr and "what to do:" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (store / "dossiers").exists()  # stopped before any document, none failed


def test_check_reports_the_signer_and_the_expiry(good_p12):
    from digitize.signing import load_unit_key

    proc = cli("check", env=sign_env(good_p12))
    line = next(ln for ln in proc.stdout.splitlines() if "signature" in ln)
    expiry = load_unit_key(good_p12, PASSWORD).not_after.isoformat()
    assert line.startswith("ok") and UNIT_NAME in line and expiry in line, proc.stdout
    assert "days left" in line


def test_check_with_a_bad_key_says_why_and_exits_2(tmp_path):
    proc = cli("check", env=_expired(tmp_path))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if "signature" in ln)
    assert "expired on" in line and "Traceback" not in proc.stderr


def test_a_worker_with_a_bad_key_stops_before_taking_a_job(tmp_path):
    import redis

    from digitize.settings import Settings
    from digitize.signing import SigningKeyLocked
    from workers.worker import run_worker

    env = _wrong_password(tmp_path)
    settings = Settings(sign_p12=env["DIGITIZE_SIGN_P12"], sign_password="sai mật khẩu")
    conn = redis.Redis.from_url("redis://127.0.0.1:1/0")  # never reached: the key stops it
    with pytest.raises(SigningKeyLocked):
        run_worker(conn, settings, burst=True)
