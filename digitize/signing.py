"""The digitizing unit's signature on every searchable PDF (Decree 30/2020 Appendix I;
Circular 01/2023/TT-VPCP).

An electronic copy of a paper document counts as a copy only when the unit that made it signs
it. With ``DIGITIZE_SIGN_P12`` (the unit's PKCS#12 file) and ``DIGITIZE_SIGN_PASSWORD`` set,
each finished searchable PDF gets a PAdES B-B signature (pyHanko): a CAdES detached signature
over the whole file, the signer's name and the signing time (UTC) in the signature dictionary.
It is added as an incremental update, so the bytes the PDF writer made are kept as they are,
whichever writer made them, and a born-digital PDF that already carries signatures keeps them
valid.

The key is loaded and checked once per process (:func:`unit_key`), by the commands that sign
(``run``, ``worker``) and by ``check``, before any document is read: a missing file, a wrong
password, a certificate outside its validity period or one not meant for signatures is a
configuration error at start (exit code 2), never a document that fails half-way through a
batch. pyHanko is imported only when a key is configured, so unsigned runs start as fast as
before.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digitize.errors import ConfigError, DigitizeError

if TYPE_CHECKING:
    from digitize.settings import Settings

log = logging.getLogger(__name__)

FIELD_PREFIX = "DigitizingUnit"
"""Name of the signature field the unit's signature goes into (a number is added when a PDF
already has a field of that name, e.g. a digitized copy submitted again)."""
REASON = "Bản sao điện tử số hóa từ bản giấy"
"""The signature's stated reason: an electronic copy digitized from the paper document."""
DIGEST = "sha256"


class SigningKeyError(ConfigError):
    """The unit's signing key cannot be used; raised at start, before any document."""

    code = "signing_key_invalid"
    hint = (
        "Check DIGITIZE_SIGN_P12 (the unit's PKCS#12 file) and DIGITIZE_SIGN_PASSWORD, or "
        "unset both to store unsigned PDFs."
    )


class SigningKeyMissing(SigningKeyError):
    code = "signing_key_missing"
    hint = "Set DIGITIZE_SIGN_P12 to the path of the unit's .p12/.pfx file, readable by this user."


class SigningKeyLocked(SigningKeyError):
    code = "signing_key_locked"
    hint = (
        "Check DIGITIZE_SIGN_PASSWORD; the file must be a PKCS#12 (.p12/.pfx) export holding "
        "the unit's private key and its certificate."
    )


class SigningCertificateExpired(SigningKeyError):
    code = "signing_certificate_expired"
    hint = "Renew the unit's certificate with its certification authority and export it again."


class SigningCertificateNotYetValid(SigningKeyError):
    code = "signing_certificate_not_yet_valid"
    hint = "Check this machine's clock, or wait for the certificate's start date."


class SigningKeyUsage(SigningKeyError):
    code = "signing_key_usage"
    hint = (
        "Use a certificate issued for digital signatures (key usage digitalSignature or "
        "nonRepudiation), not one for encryption or authentication only."
    )


class SignatureFailed(DigitizeError):
    """The signature could not be added to one document's PDF; the others go on."""

    code = "signature_failed"
    hint = "The PDF could not be signed; run `digitize check`, then process the document again."


@dataclass(frozen=True)
class UnitKey:
    """The unit's key, loaded and checked: what signs, and what `check` reports."""

    signer: Any
    """pyHanko's ``SimpleSigner`` (typed loosely so this module imports without pyHanko)."""
    name: str
    """The signer's name: the certificate subject's common name (or its whole subject)."""
    not_before: datetime
    not_after: datetime
    path: Path


@dataclass(frozen=True)
class SignatureInfo:
    """One signature found in a PDF, as the export and the tests read it back."""

    field: str
    signer: str
    signed_at: datetime | None
    subfilter: str


_lock = threading.Lock()
_cache: dict[tuple[str, str], UnitKey] = {}


def unit_key(settings: Settings) -> UnitKey | None:
    """The unit's key for this process, loaded and checked on first use; ``None`` when no key
    is configured (PDFs are stored unsigned). A forked worker inherits the parent's."""
    if settings.sign_p12 is None:
        if settings.sign_password is not None:
            raise SigningKeyMissing(
                "DIGITIZE_SIGN_PASSWORD is set but DIGITIZE_SIGN_P12 is not: no key to sign with."
            )
        return None
    password = settings.sign_password.get_secret_value() if settings.sign_password else ""
    cache_key = (str(settings.sign_p12), password)
    with _lock:
        key = _cache.get(cache_key)
        if key is None:
            key = load_unit_key(Path(settings.sign_p12), password)
            _cache[cache_key] = key
    # A worker runs for months: a certificate that expired since start stops signing.
    check_validity(key, settings.sign_p12)
    return key


def load_unit_key(path: Path, password: str) -> UnitKey:
    """Read ``path`` (PKCS#12) and check the certificate is fit to sign with now."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyMissing(
            f"The signing key {path} (DIGITIZE_SIGN_P12) cannot be read: "
            f"{exc.strerror or type(exc).__name__}.",
            path=str(path),
        ) from None
    secret = password.encode("utf-8") if password else None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, secret)
    except (ValueError, TypeError):
        raise SigningKeyLocked(
            f"The signing key {path} could not be opened: wrong DIGITIZE_SIGN_PASSWORD, or "
            "not a PKCS#12 file.",
            path=str(path),
        ) from None
    if key is None or cert is None:
        raise SigningKeyLocked(
            f"The signing key {path} holds no private key with its certificate.", path=str(path)
        )
    if _public_der(key.public_key()) != _public_der(cert.public_key()):
        raise SigningKeyLocked(
            f"In {path} the private key does not belong to the certificate.", path=str(path)
        )
    _check_usage(cert, path)
    return _build(path, key, cert, extra)


def _public_der(public_key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _check_usage(cert: Any, path: Path) -> None:
    """The certificate must allow signatures; without a key-usage extension it allows all
    (RFC 5280, 4.2.1.3)."""
    from cryptography import x509

    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise SigningKeyUsage(
            f"The certificate in {path} is not for signatures (its key usage lacks "
            "digitalSignature and nonRepudiation).",
            path=str(path),
        )


def _build(path: Path, key: Any, cert: Any, extra: list[Any]) -> UnitKey:
    from cryptography.x509.oid import NameOID
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    registry = SimpleCertificateStore()
    registry.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in extra])
    signer = SimpleSigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=registry,
    )
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = str(names[0].value) if names else cert.subject.rfc4514_string()
    key_info = UnitKey(
        signer=signer,
        name=_nfc(name),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        path=path,
    )
    check_validity(key_info, path)
    return key_info


def check_validity(key: UnitKey, path: Path, now: datetime | None = None) -> None:
    """Raise when the certificate is outside its validity period at ``now`` (UTC)."""
    now = now or datetime.now(UTC)
    if now > key.not_after:
        raise SigningCertificateExpired(
            f"The certificate in {path} expired on {key.not_after.isoformat()}.", path=str(path)
        )
    if now < key.not_before:
        raise SigningCertificateNotYetValid(
            f"The certificate in {path} is valid only from {key.not_before.isoformat()}.",
            path=str(path),
        )


def sign_searchable(pdf: Path, workdir: Path, settings: Settings) -> Path:
    """The searchable PDF to store: ``pdf`` signed by the unit into ``workdir``, or ``pdf``
    itself when no key is configured. ``pdf`` is never changed (it may be the submitted
    original of a born-digital document)."""
    key = unit_key(settings)
    if key is None:
        return pdf
    out = workdir / f"{pdf.stem}.signed.pdf"
    try:
        sign_pdf(pdf, out, key)
    except DigitizeError:
        raise
    except Exception as exc:  # pyHanko's and the PDF parser's own errors: this document only
        log.debug("signing %s failed", pdf.name, exc_info=True)
        raise SignatureFailed(
            f"The searchable PDF of {pdf.name} could not be signed ({type(exc).__name__})."
        ) from None
    return out


def sign_pdf(pdf: Path, out: Path, key: UnitKey) -> None:
    """Write ``pdf`` plus an incremental update holding the unit's PAdES B-B signature."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    with pdf.open("rb") as src, out.open("wb") as dst:
        writer = IncrementalPdfFileWriter(src, strict=False)
        # pyHanko would append itself to the Info dictionary's /Producer and write a different
        # pdf:Producer into the XMP packet: the two would disagree, which PDF/A forbids. The
        # document's metadata is left exactly as the writer made it; the signature carries its
        # own time (/M).
        writer._update_meta = _keep_metadata
        meta = signers.PdfSignatureMetadata(
            field_name=_free_field_name(writer),
            md_algorithm=DIGEST,
            subfilter=fields.SigSeedSubFilter.PADES,
            name=key.name,
            reason=REASON,
        )
        signers.PdfSigner(meta, signer=key.signer).sign_pdf(writer, output=dst)
    log.info("signed %s as %s", pdf.name, FIELD_PREFIX)


def _keep_metadata() -> None:
    """Stands in for pyHanko's metadata update: Info and XMP stay as they were."""


def _free_field_name(writer: Any) -> str:
    from pyhanko.sign.fields import enumerate_sig_fields

    taken = {name for name, _value, _ref in enumerate_sig_fields(writer)}
    n = 1
    name = FIELD_PREFIX
    while name in taken:
        n += 1
        name = f"{FIELD_PREFIX}{n}"
    return name


def read_signatures(pdf: Path) -> list[SignatureInfo]:
    """The signatures in ``pdf``, oldest first: field, signer's name, time, kind.

    Reads what each signature says of itself (it does not validate it: that needs the trust
    roots of whoever checks it)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    out: list[SignatureInfo] = []
    with pdf.open("rb") as fh:
        reader = PdfFileReader(fh, strict=False)
        for sig in reader.embedded_signatures:
            cert = sig.signer_cert
            common = cert.subject.native.get("common_name") if cert is not None else None
            name = sig.sig_object.get("/Name") or common or ""
            out.append(
                SignatureInfo(
                    field=sig.field_name,
                    signer=_nfc(str(name)),
                    signed_at=sig.self_reported_timestamp,
                    subfilter=str(sig.sig_object.get("/SubFilter", "")).lstrip("/"),
                )
            )
    return out


def _nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


__all__ = [
    "SignatureFailed",
    "SignatureInfo",
    "SigningCertificateExpired",
    "SigningCertificateNotYetValid",
    "SigningKeyError",
    "SigningKeyLocked",
    "SigningKeyMissing",
    "SigningKeyUsage",
    "UnitKey",
    "load_unit_key",
    "read_signatures",
    "sign_searchable",
    "unit_key",
]
