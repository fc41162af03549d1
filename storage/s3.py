"""The S3 / MinIO backend, on the ``minio`` SDK.

Design points, each for a failure seen in practice:

- The Minio client (and its urllib3 connection pool) is created lazily and per process: RQ forks
  a work horse per job, and a pool inherited across ``fork`` shares sockets with the parent. The
  store remembers the pid that built the client and builds a new one in a child.
- The bucket is created on first use; when two processes race to create it, the loser's
  "already exists" answer counts as success.
- :meth:`S3Store.update_json` is an optimistic compare-and-swap: read the object and its ETag,
  apply ``fn``, write back with ``If-Match: <etag>`` (``If-None-Match: *`` when creating), and
  start again on ``412 Precondition Failed``. S3 and MinIO evaluate the condition atomically, so
  no update is lost. A server that ignores the condition headers would silently lose updates,
  so the store checks once that a wrong ETag is refused, and otherwise refuses to update
  (callers on such a server pass ``lock_factory``, e.g. a Redis lock).
- Errors become ``NotFound``, ``StorageUnavailable`` (connection refused, timeouts, 5xx) or
  ``StorageError``; messages name the key and ``s3://bucket/prefix``, never the credentials.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta

import certifi
import urllib3
from minio import Minio
from minio.error import InvalidResponseError, S3Error, ServerError
from pydantic import SecretStr

from digitize.errors import NotFound, StorageError, StorageUnavailable

from .base import (
    JSON_CONTENT_TYPE,
    JsonObject,
    LinkKind,
    MetadataFn,
    ObjectInfo,
    UpdateFn,
    check_update_result,
    decode_json_object,
    decode_metadata_value,
    encode_json,
    encode_metadata_value,
    normalize_metadata,
    update_metadata,
)
from .layout import validate_key, validate_prefix

LockFactory = Callable[[str], contextlib.AbstractContextManager[object]]
"""``lock_factory(name)`` returns a context manager holding an exclusive lock on ``name``."""

MAX_LINK_EXPIRY_S = 7 * 24 * 3600
"""Longest lifetime of a presigned link, in seconds (the SigV4 limit)."""

_CONFLICT_CODES = {"PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey"}
_RETRYABLE_CODES = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"}
_AUTH_CODES = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}
_BUCKET_EXISTS_CODES = {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}
_PROBE_KEY = ".digitize/conditional-write-probe"


class S3Store:
    """A store in an S3 / MinIO bucket, optionally under a key prefix."""

    links_are: LinkKind = "presigned"

    def __init__(
        self,
        *,
        endpoint: str,
        access_key: SecretStr | str,
        secret_key: SecretStr | str,
        bucket: str,
        prefix: str = "",
        secure: bool = False,
        region: str | None = None,
        link_expiry_s: int = MAX_LINK_EXPIRY_S,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 60.0,
        retries: int = 3,
        lock_factory: LockFactory | None = None,
        max_update_attempts: int = 100,
    ) -> None:
        """``retries`` counts HTTP retries (connection errors, 5xx) per request, with backoff.

        ``lock_factory`` replaces the compare-and-swap of :meth:`update_json` with an external
        lock held around the read-modify-write; it is only needed for servers without
        conditional writes (the store tells you so).
        """
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if self.prefix:
            validate_prefix(self.prefix)
        self.secure = secure
        self.region = region
        self.link_expiry_s = link_expiry_s
        self._access_key = _secret(access_key)
        self._secret_key = _secret(secret_key)
        self._timeout = urllib3.Timeout(connect=connect_timeout_s, read=read_timeout_s)
        self._retries = retries
        self._lock_factory = lock_factory
        self._max_update_attempts = max_update_attempts
        self._conn: tuple[int, Minio] | None = None
        self._bucket_ready = False
        self._cas_checked = False

    def __repr__(self) -> str:
        return f"S3Store({self.describe()!r}, endpoint={self.endpoint!r})"

    def __getstate__(self) -> dict[str, object]:
        # A pickled store (e.g. sent to a spawned process) must not carry a live client.
        return {**self.__dict__, "_conn": None}

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    # --- writes --------------------------------------------------------------------------------

    def put_bytes(
        self, key: str, data: bytes, *, content_type: str, metadata: Mapping[str, str] | None = None
    ) -> None:
        name = self._name(key)
        headers = _meta_headers(metadata)
        with self._errors(key):
            self._client().put_object(
                self.bucket,
                name,
                io.BytesIO(data),
                len(data),
                content_type=content_type,
                metadata=headers,
            )

    def put_file(
        self,
        key: str,
        path: str | os.PathLike[str],
        *,
        content_type: str,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        name = self._name(key)
        headers = _meta_headers(metadata)
        if not os.path.isfile(path):
            raise StorageError(f"cannot read {os.fspath(path)!r}: not a file")
        with self._errors(key):
            # fput_object streams the file, in multipart uploads when it is large.
            self._client().fput_object(
                self.bucket, name, os.fspath(path), content_type=content_type, metadata=headers
            )

    def delete(self, key: str) -> None:
        name = self._name(key)
        with self._errors(key):
            self._client().remove_object(self.bucket, name)

    def update_json(
        self, key: str, fn: UpdateFn, *, metadata: MetadataFn | None = None
    ) -> JsonObject:
        name = self._name(key)
        if self._lock_factory is not None:
            with self._lock_factory(f"{self.bucket}/{name}"):
                current, _ = self._read_json(key, name)
                new = check_update_result(fn(current), key=key)
                meta = update_metadata(metadata, new)
                self.put_bytes(key, encode_json(new), content_type=JSON_CONTENT_TYPE, metadata=meta)
                return new
        self._check_conditional_writes()
        for attempt in range(self._max_update_attempts):
            current, etag = self._read_json(key, name)
            new = check_update_result(fn(current), key=key)
            meta = _meta_headers(update_metadata(metadata, new))
            condition = {"If-Match": f'"{etag}"'} if etag else {"If-None-Match": "*"}
            if self._put_if(key, name, encode_json(new), condition, meta):
                return new
            # Another writer got there first: back off a little (with jitter, so the losers
            # do not collide again in lockstep), then redo the read-modify-write.
            time.sleep(random.uniform(0, min(0.2, 0.002 * 2**attempt)))
        raise StorageUnavailable(
            f"gave up updating {key!r} in {self.describe()} after "
            f"{self._max_update_attempts} attempts: too many concurrent writers",
            path=key,
        )

    # --- reads ---------------------------------------------------------------------------------

    def get_bytes(self, key: str) -> bytes:
        return self._get(key, self._name(key))[0]

    def get_file(self, key: str, dest_path: str | os.PathLike[str]) -> None:
        name = self._name(key)
        dest = os.path.abspath(os.fspath(dest_path))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with self._errors(key):
            # fget_object downloads to "<dest>.<etag>.part.minio" and renames when complete.
            self._client().fget_object(self.bucket, name, dest)

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except NotFound:
            return False
        return True

    def stat(self, key: str) -> ObjectInfo:
        name = self._name(key)
        with self._errors(key):
            obj = self._client().stat_object(self.bucket, name)
        metadata = {
            k.lower().removeprefix("x-amz-meta-"): decode_metadata_value(v)
            for k, v in (obj.metadata or {}).items()
            if k.lower().startswith("x-amz-meta-")
        }
        return ObjectInfo(
            key=key,
            size=obj.size or 0,
            content_type=obj.content_type or "",
            metadata=metadata,
            etag=obj.etag,
            modified=obj.last_modified,
        )

    def list(self, prefix: str) -> Iterator[str]:
        validate_prefix(prefix)
        return self._list(prefix)

    def link(self, key: str) -> str:
        """A presigned GET URL, valid ``link_expiry_s`` seconds (at most 7 days)."""
        name = self._name(key)
        with self._errors(key):
            return self._client().presigned_get_object(
                self.bucket, name, expires=timedelta(seconds=self.link_expiry_s)
            )

    # --- internals -----------------------------------------------------------------------------

    def _client(self) -> Minio:
        """This process's client, built on first use and again after a fork."""
        conn = self._conn
        pid = os.getpid()
        if conn is None or conn[0] != pid:
            http = urllib3.PoolManager(
                timeout=self._timeout,
                maxsize=16,
                cert_reqs="CERT_REQUIRED",
                ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
                retries=urllib3.Retry(
                    total=self._retries,
                    backoff_factor=0.2,
                    status_forcelist=[500, 502, 503, 504],
                ),
            )
            client = Minio(
                self.endpoint,
                access_key=self._access_key.get_secret_value(),
                secret_key=self._secret_key.get_secret_value(),
                secure=self.secure,
                region=self.region,
                http_client=http,
            )
            conn = (pid, client)
            self._conn = conn
        if not self._bucket_ready:
            self._ensure_bucket(conn[1])
        return conn[1]

    def _ensure_bucket(self, client: Minio) -> None:
        with self._errors(None):
            if not client.bucket_exists(self.bucket):
                try:
                    client.make_bucket(self.bucket, location=self.region)
                except S3Error as exc:
                    # Another process created it between our check and our request.
                    if exc.code not in _BUCKET_EXISTS_CODES:
                        raise
        self._bucket_ready = True

    def _name(self, key: str) -> str:
        validate_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _get(self, key: str, name: str) -> tuple[bytes, str | None]:
        """The object's bytes and ETag, from one GET (so the two always match)."""
        with self._errors(key):
            response = self._client().get_object(self.bucket, name)
            try:
                data = response.read()
                etag = (response.headers.get("ETag") or "").strip('"') or None
            finally:
                response.close()
                response.release_conn()
        return data, etag

    def _read_json(self, key: str, name: str) -> tuple[JsonObject | None, str | None]:
        try:
            data, etag = self._get(key, name)
        except NotFound:
            return None, None
        return decode_json_object(data, key=key, where=self.describe()), etag

    def _put_if(
        self,
        key: str,
        name: str,
        data: bytes,
        condition: dict[str, str],
        meta_headers: Mapping[str, str] | None = None,
    ) -> bool:
        """A conditional PutObject; False when the condition failed (someone else wrote).

        ``meta_headers`` are the object's ``x-amz-meta-*`` headers (:func:`_meta_headers`): a
        PutObject replaces the user metadata with what it carries. The SDK's public
        ``put_object`` turns unknown headers into user metadata, so this goes through its
        internal single-request upload, which sends headers as given.
        """
        headers = {"Content-Type": JSON_CONTENT_TYPE, **(meta_headers or {}), **condition}
        try:
            with self._errors(key):
                self._client()._put_object(self.bucket, name, data, headers=headers)
        except StorageError as exc:
            if isinstance(exc.__cause__, S3Error) and exc.__cause__.code in _CONFLICT_CODES:
                return False
            raise
        return True

    def _check_conditional_writes(self) -> None:
        """Refuse to run a compare-and-swap on a server that ignores ``If-Match``."""
        if self._cas_checked:
            return
        name = f"{self.prefix}/{_PROBE_KEY}" if self.prefix else _PROBE_KEY
        client = self._client()
        with self._errors(_PROBE_KEY):
            client._put_object(self.bucket, name, uuid.uuid4().bytes, headers={})
        wrong = {"If-Match": f'"{uuid.uuid4().hex}"'}
        if self._put_if(_PROBE_KEY, name, b"must not be stored", wrong):
            raise StorageError(
                f"{self.describe()} ignores conditional writes (If-Match), so concurrent "
                "updates of manifest.json could be lost",
                hint="Upgrade MinIO to a release that honours If-Match on PutObject, "
                "or open the store with a lock_factory.",
            )
        self._cas_checked = True

    def _list(self, prefix: str) -> Iterator[str]:
        base = f"{self.prefix}/" if self.prefix else ""
        with self._errors(prefix):
            for obj in self._client().list_objects(
                self.bucket, prefix=base + prefix, recursive=True
            ):
                name = obj.object_name or ""
                if obj.is_dir or not name.startswith(base):
                    continue
                key = name[len(base) :]
                # Dot-prefixed parts are the store's own objects (the probe); never valid keys.
                if not any(part.startswith(".") for part in key.split("/")):
                    yield key

    @contextlib.contextmanager
    def _errors(self, key: str | None) -> Iterator[None]:
        """Map SDK and network failures to the project's storage errors."""
        what = f"{key!r} in {self.describe()}" if key else self.describe()
        try:
            yield
        except S3Error as exc:
            status = exc.response.status if exc.response is not None else 0
            code = exc.code or str(status)
            if code == "NoSuchKey":
                raise NotFound(f"{what}: not found", path=key) from exc
            if status >= 500 or code in _RETRYABLE_CODES:
                raise StorageUnavailable(f"{what}: server error {code}", path=key) from exc
            if code in _AUTH_CODES:
                raise StorageError(
                    f"{what}: access refused ({code})",
                    path=key,
                    hint="Check DIGITIZE_S3_ACCESS_KEY and DIGITIZE_S3_SECRET_KEY, and that "
                    "these credentials may use the bucket.",
                ) from exc
            raise StorageError(f"{what}: {code} ({exc.message})", path=key) from exc
        except (ServerError, InvalidResponseError) as exc:
            status = getattr(exc, "status_code", None) or getattr(exc, "_code", 0)
            if status >= 500:
                raise StorageUnavailable(f"{what}: server error HTTP {status}", path=key) from exc
            raise StorageError(f"{what}: unexpected answer HTTP {status}", path=key) from exc
        except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as exc:
            raise StorageUnavailable(
                f"{what}: cannot reach {self.endpoint} ({type(exc).__name__})", path=key
            ) from exc


def _secret(value: SecretStr | str) -> SecretStr:
    return value if isinstance(value, SecretStr) else SecretStr(value)


def _meta_headers(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """User metadata as ``x-amz-meta-*`` headers, values percent-encoded to stay ASCII."""
    return {
        f"x-amz-meta-{k}": encode_metadata_value(v) for k, v in normalize_metadata(metadata).items()
    }
