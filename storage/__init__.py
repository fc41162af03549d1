"""Where results are kept: one :class:`Store` protocol, a local-folder and an S3/MinIO backend.

Callers open a store once with :func:`open_store` and then only use the protocol and the key
helpers of :mod:`storage.layout`. This package imports nothing from the pipeline, the workers or
the CLI; only :mod:`digitize.settings` and :mod:`digitize.errors`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from digitize.errors import ConfigError, InvalidName
from digitize.settings import Settings

from .base import (
    DEFAULT_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    JsonObject,
    LinkKind,
    ObjectInfo,
    Store,
    UpdateFn,
    guess_content_type,
)
from .layout import (
    doc_id_for,
    document_key,
    document_prefix,
    dossier_prefix,
    manifest_key,
    original_key,
    page_words_key,
    record_key,
    searchable_pdf_key,
    text_key,
    validate_doc_id,
    validate_dossier_code,
    validate_key,
    validate_name,
    validate_prefix,
)
from .local import LocalStore
from .manifest import ENTRY_KEYS, LINK_KEYS, document_links, read_manifest, upsert_manifest_entry

if TYPE_CHECKING:
    from .s3 import LockFactory, S3Store

_FROM_S3 = ("MAX_LINK_EXPIRY_S", "LockFactory", "S3Store")
"""Names of the S3 backend, imported on first use: a local folder never needs the S3 client
library, and it is slow to import."""


def __getattr__(name: str) -> Any:
    if name in _FROM_S3:
        from . import s3

        return getattr(s3, name)
    raise AttributeError(f"module 'storage' has no attribute {name!r}")


__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "ENTRY_KEYS",
    "JSON_CONTENT_TYPE",
    "JsonObject",
    "LINK_KEYS",
    "LinkKind",
    "LocalStore",
    "LockFactory",
    "ObjectInfo",
    "S3Store",
    "Store",
    "UpdateFn",
    "doc_id_for",
    "document_key",
    "document_links",
    "document_prefix",
    "dossier_prefix",
    "guess_content_type",
    "manifest_key",
    "open_store",
    "original_key",
    "page_words_key",
    "read_manifest",
    "record_key",
    "searchable_pdf_key",
    "text_key",
    "upsert_manifest_entry",
    "validate_doc_id",
    "validate_dossier_code",
    "validate_key",
    "validate_name",
]

_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def open_store(
    settings: Settings,
    out: str | None = None,
    *,
    lock_factory: LockFactory | None = None,
    connect_timeout_s: float = 5.0,
    read_timeout_s: float = 60.0,
    retries: int = 3,
) -> Store:
    """The store named by ``out`` (the CLI's ``--out``) or else by ``settings.store``.

    Accepted: a local folder path, ``s3`` (the bucket ``DIGITIZE_S3_BUCKET``) or
    ``s3://bucket/prefix``. The S3 options (timeouts in seconds, HTTP ``retries`` per request,
    ``lock_factory``, see :class:`S3Store`) are ignored for a local folder. Nothing is contacted
    here: a bad endpoint shows up as ``StorageUnavailable`` on first use.
    """
    target = (out if out is not None else settings.store).strip()
    if not target:
        raise ConfigError("no store given: set DIGITIZE_STORE or pass --out")
    if target != "s3" and not target.startswith("s3://"):
        return LocalStore(target)

    source = "--out" if out is not None else "DIGITIZE_STORE"
    if target == "s3":
        bucket, prefix, bucket_source = settings.s3_bucket, "", "DIGITIZE_S3_BUCKET"
    else:
        bucket, _, prefix = target.removeprefix("s3://").partition("/")
        bucket_source = source
    if not _BUCKET_RE.fullmatch(bucket) or ".." in bucket:
        raise ConfigError(
            f"invalid bucket name {bucket!r} (from {bucket_source}): use 3-63 lowercase "
            "letters, digits, '.' or '-'"
        )
    endpoint = (settings.s3_endpoint or "").strip()
    if not endpoint:
        raise ConfigError(
            f"{source}={target} needs an endpoint: set DIGITIZE_S3_ENDPOINT to host:port"
        )
    if "://" in endpoint or "/" in endpoint:
        raise ConfigError(
            f"DIGITIZE_S3_ENDPOINT={endpoint!r} must be host:port, without scheme or path; "
            "set DIGITIZE_S3_SECURE=1 for TLS"
        )
    for name, value in (
        ("DIGITIZE_S3_ACCESS_KEY", settings.s3_access_key),
        ("DIGITIZE_S3_SECRET_KEY", settings.s3_secret_key),
    ):
        if value is None or not value.get_secret_value():
            raise ConfigError(f"{source}={target} needs credentials: set {name}")
    from .s3 import MAX_LINK_EXPIRY_S, S3Store

    if not 1 <= settings.link_expiry_s <= MAX_LINK_EXPIRY_S:
        raise ConfigError(
            f"DIGITIZE_LINK_EXPIRY_S={settings.link_expiry_s} is out of range: presigned links "
            f"last 1 to {MAX_LINK_EXPIRY_S} seconds (7 days)"
        )
    assert settings.s3_access_key is not None and settings.s3_secret_key is not None
    try:
        validate_prefix(prefix.strip("/")) if prefix.strip("/") else None
    except InvalidName as exc:
        raise ConfigError(f"invalid key prefix in {source}={target}: {exc}") from None
    return S3Store(
        endpoint=endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        bucket=bucket,
        prefix=prefix,
        secure=settings.s3_secure,
        region=settings.s3_region,
        link_expiry_s=settings.link_expiry_s,
        connect_timeout_s=connect_timeout_s,
        read_timeout_s=read_timeout_s,
        retries=retries,
        lock_factory=lock_factory,
    )
