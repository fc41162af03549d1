"""The one storage protocol, and the small helpers both backends share.

The pipeline and the workers only ever see a :class:`Store`; whether the bytes end up in a local
folder or in a MinIO/S3 bucket is decided once, by :func:`storage.open_store`. Keeping the
protocol this small (put, get, list, delete, link, and one safe read-modify-write) is what lets
both backends behave identically, and what the shared tests in ``tests/test_storage.py`` check.

Keys are ``/``-separated strings following :mod:`storage.layout`; backends validate them before
any I/O. Errors are always :class:`~digitize.errors.StorageError` subclasses: ``NotFound`` for a
missing key, ``StorageUnavailable`` (retryable) when the store does not answer.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import quote, unquote

from digitize.errors import StorageError

LinkKind = Literal["paths", "presigned"]
"""What :meth:`Store.link` returns: absolute local paths, or presigned (expiring) URLs."""

JsonObject = dict[str, Any]
UpdateFn = Callable[[JsonObject | None], JsonObject]
"""``fn(current_or_None) -> new`` for :meth:`Store.update_json`; it may run more than once."""

MetadataFn = Callable[[JsonObject], Mapping[str, str]]
"""``metadata(new) -> user metadata`` for :meth:`Store.update_json`: the metadata stored with
the new object, derived from that object (a record's metadata names the record it is stored
with, even when another writer replaced it between two attempts)."""

JSON_CONTENT_TYPE = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"

MAX_METADATA_BYTES = 2048
"""Largest total user metadata, in bytes (keys + values): the S3 limit, enforced everywhere."""

_META_KEY_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class ObjectInfo:
    """What a store knows about one stored object, without its bytes."""

    key: str
    size: int
    content_type: str
    metadata: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    modified: datetime | None = None


@runtime_checkable
class Store(Protocol):
    """A place that holds the dossiers: a local folder or a bucket.

    Implementations are safe to share between threads. A store object may be inherited by a
    forked child process (RQ forks a work horse per job); it then opens its own connections.
    """

    links_are: LinkKind

    def describe(self) -> str:
        """Where the store is (a folder path or ``s3://bucket/prefix``); never credentials."""
        ...

    def put_bytes(
        self, key: str, data: bytes, *, content_type: str, metadata: Mapping[str, str] | None = None
    ) -> None:
        """Store ``data`` under ``key``, replacing any previous object atomically."""
        ...

    def put_file(
        self,
        key: str,
        path: str | os.PathLike[str],
        *,
        content_type: str,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Store the file at ``path`` under ``key``, streaming it (scans can be hundreds of MB)."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """The object's bytes; :class:`NotFound` when the key is missing."""
        ...

    def get_file(self, key: str, dest_path: str | os.PathLike[str]) -> None:
        """Download the object to ``dest_path`` (streamed; the file appears complete or not)."""
        ...

    def exists(self, key: str) -> bool: ...

    def stat(self, key: str) -> ObjectInfo:
        """Size, content type and user metadata of an object; :class:`NotFound` when missing."""
        ...

    def list(self, prefix: str) -> Iterator[str]:
        """Keys starting with ``prefix`` (a string prefix, as in S3), in lexicographic order."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error (S3 semantics)."""
        ...

    def link(self, key: str) -> str:
        """A link for people and dossier systems: see :attr:`links_are`.

        Does not check that the object exists (that would cost a request per link).
        """
        ...

    def update_json(
        self, key: str, fn: UpdateFn, *, metadata: MetadataFn | None = None
    ) -> JsonObject:
        """Read-modify-write a JSON object without lost updates across threads and processes.

        ``fn`` receives the current object (``None`` when the key is missing) and returns the new
        one, which is stored and returned. ``fn`` may be called several times when other writers
        get there first, so it must be a pure function of its argument; it should also be
        idempotent where possible (replace, not append), because after an ambiguous network
        failure the caller cannot know whether the write landed.

        The new object is stored with the user metadata ``metadata(new)`` gives (none without
        ``metadata``), as :meth:`put_bytes` stores it: a write replaces the object's metadata
        too, so a caller that does not pass it leaves the object without any. A current object
        that is not a JSON object raises :class:`UnreadableJson` and nothing is written.
        """
        ...


class UnreadableJson(StorageError):
    """A stored object that should be a JSON object is not (not UTF-8, not JSON, or not an
    object): raised by :meth:`Store.update_json` before ``fn`` runs, so a caller that may
    replace such an object whole can tell this apart from a store that fails."""


def normalize_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """User metadata in the one form every backend can keep and give back unchanged.

    S3 carries metadata as HTTP headers: names are case-insensitive and HTTP stacks turn ``_``
    into ``-``, so names are lowercased and ``_`` becomes ``-`` (``dossier_code`` is stored and
    returned as ``dossier-code``). Values must be strings; they are kept as given here and
    percent-encoded on the wire by the S3 backend (headers are ASCII, file names are not).
    """
    clean: dict[str, str] = {}
    size = 0
    for raw_key, value in (metadata or {}).items():
        key = str(raw_key).lower().replace("_", "-")
        if not _META_KEY_RE.fullmatch(key):
            raise StorageError(
                f"invalid metadata name {raw_key!r}: use letters, digits, '-' or '_' (max 64)"
            )
        if not isinstance(value, str):
            raise StorageError(f"metadata {raw_key!r} must be a string, got {type(value).__name__}")
        clean[key] = value
        size += len(key) + len(encode_metadata_value(value))
    if size > MAX_METADATA_BYTES:
        raise StorageError(f"metadata too large: {size} bytes, at most {MAX_METADATA_BYTES}")
    return clean


def encode_metadata_value(value: str) -> str:
    """Percent-encode a metadata value so it is plain printable ASCII (reversible)."""
    return quote(value, safe=" !#$&'()*+,-./:;<=>?@[]^_`{|}~")


def decode_metadata_value(value: str) -> str:
    return unquote(value)


def guess_content_type(name: str) -> str:
    """A content type from a file name, for callers that do not know better."""
    if name.endswith(".json"):
        return JSON_CONTENT_TYPE
    return mimetypes.guess_type(name)[0] or DEFAULT_CONTENT_TYPE


def encode_json(obj: JsonObject) -> bytes:
    """JSON as stored: UTF-8 (Vietnamese stays readable, not ``\\u`` escapes), indented."""
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def decode_json_object(data: bytes, *, key: str, where: str) -> JsonObject:
    """Parse a stored JSON object; anything else is a :class:`StorageError` naming the key."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableJson(f"{key!r} in {where} is not valid JSON: {exc}", path=key) from None
    if not isinstance(obj, dict):
        raise UnreadableJson(f"{key!r} in {where} is not a JSON object", path=key)
    return obj


def update_metadata(metadata: MetadataFn | None, new: JsonObject) -> dict[str, str]:
    """The user metadata to store with ``new`` in :meth:`Store.update_json`, checked as
    :func:`normalize_metadata` checks any (so a bad name fails before anything is written)."""
    return normalize_metadata(metadata(new) if metadata is not None else None)


def check_update_result(new: object, *, key: str) -> JsonObject:
    """The value ``fn`` returned to :meth:`Store.update_json` must be a JSON object."""
    if not isinstance(new, dict):
        raise StorageError(
            f"update of {key!r} must produce a JSON object, got {type(new).__name__}", path=key
        )
    return new
