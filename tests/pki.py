"""A throw-away certification authority and digitizing-unit certificates for the signing tests.

Real X.509 and PKCS#12 made with ``cryptography``: a root CA, and signer certificates it issues
with whatever validity and key usage a test needs, exported as the ``.p12`` file a unit gets
from its CA. Nothing here is trusted outside the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

UNIT_NAME = "Trung tâm Phục vụ hành chính công tỉnh Hà Giang"
"""The signer's common name: Vietnamese, so NFC and UTF-8 are exercised too."""
PASSWORD = "mật-khẩu-thử 123"


@dataclass(frozen=True)
class CertAuthority:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def make_ca() -> CertAuthority:
    """One root CA per test session (RSA key generation is the slow part)."""
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Root CA (digitize tests)")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return CertAuthority(cert, key)


@cache
def signer_key() -> rsa.RSAPrivateKey:
    return _key()


def signer_certificate(
    *,
    valid_from: timedelta = timedelta(days=-1),
    valid_for: timedelta = timedelta(days=365),
    for_signing: bool = True,
    name: str = UNIT_NAME,
) -> x509.Certificate:
    """A certificate for the unit's key, issued by :func:`make_ca`; validity relative to now."""
    ca = make_ca()
    key = signer_key()
    start = datetime.now(UTC) + valid_from
    return (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                    x509.NameAttribute(NameOID.COMMON_NAME, name),
                ]
            )
        )
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + valid_for)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=for_signing,
                content_commitment=for_signing,
                key_encipherment=not for_signing,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), False
        )
        .sign(ca.key, hashes.SHA256())
    )


def write_p12(path: Path, cert: x509.Certificate, password: str = PASSWORD) -> Path:
    """The unit's key and ``cert`` (with the CA's certificate) as a password-protected .p12."""
    data = pkcs12.serialize_key_and_certificates(
        b"unit",
        signer_key(),
        cert,
        [make_ca().cert],
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )
    path.write_bytes(data)
    return path
