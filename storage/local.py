"""The local-folder backend: the default store, and the one an archivist can browse by hand.

Keys map one-to-one onto paths under the root, so the folder looks exactly like the bucket
layout. The store's own files live in ``<root>/.digitize/`` (user metadata sidecars, lock
files) and temporary files start with a dot; :meth:`LocalStore.list` skips both.

Every write goes to a temporary file in the destination folder and is moved into place with
``os.replace``, so a reader (or a crash) never sees half a file. :meth:`LocalStore.update_json`
holds an exclusive ``flock`` on a per-key lock file, which serialises writers across threads and
processes on the same machine (``flock`` does not protect a folder shared over NFS; use S3 for
several machines).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from digitize.errors import NotFound, StorageError

from .base import (
    JSON_CONTENT_TYPE,
    JsonObject,
    LinkKind,
    MetadataFn,
    ObjectInfo,
    UpdateFn,
    check_update_result,
    decode_json_object,
    encode_json,
    guess_content_type,
    normalize_metadata,
    update_metadata,
)
from .layout import validate_key, validate_prefix

INTERNAL_DIR = ".digitize"
"""Folder under the root for the store's own files; dot-prefixed, so never a valid key part."""

_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK
"""Mode of stored files: what a plain ``open()`` would give (``mkstemp`` would give 0600)."""

_COPY_CHUNK = 1024 * 1024
"""Bytes per read when streaming a file in or out."""


class LocalStore:
    """A store in a local folder; created on the first write."""

    links_are: LinkKind = "paths"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser().resolve()

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def describe(self) -> str:
        return str(self.root)

    # --- writes --------------------------------------------------------------------------------

    def put_bytes(
        self, key: str, data: bytes, *, content_type: str, metadata: Mapping[str, str] | None = None
    ) -> None:
        path = self._path(key)
        meta = normalize_metadata(metadata)
        with self._errors(key, missing_is_not_found=False):
            _atomic_write(path, lambda f: f.write(data))
            self._write_sidecar(key, content_type, meta)

    def put_file(
        self,
        key: str,
        path: str | os.PathLike[str],
        *,
        content_type: str,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        dest = self._path(key)
        meta = normalize_metadata(metadata)
        try:
            src = open(path, "rb")  # noqa: SIM115 - closed below, errors name the source
        except OSError as exc:
            raise StorageError(f"cannot read {os.fspath(path)!r}: {exc.strerror}") from exc
        with src, self._errors(key, missing_is_not_found=False):
            _atomic_write(dest, lambda f: shutil.copyfileobj(src, f, _COPY_CHUNK))
            self._write_sidecar(key, content_type, meta)

    def delete(self, key: str) -> None:
        path = self._path(key)
        with self._errors(key, missing_is_not_found=False):
            for p in (path, self._sidecar_path(key)):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()

    def update_json(
        self, key: str, fn: UpdateFn, *, metadata: MetadataFn | None = None
    ) -> JsonObject:
        path = self._path(key)
        lock_path = self._lock_path(key)
        with self._errors(key, missing_is_not_found=False):
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            with open(lock_path, "a+b") as lock:
                # Each open() is its own open file description, so the flock also excludes
                # other threads of this process, not only other processes.
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                try:
                    try:
                        current = decode_json_object(
                            path.read_bytes(), key=key, where=self.describe()
                        )
                    except FileNotFoundError:
                        current = None
                    new = check_update_result(fn(current), key=key)
                    meta = update_metadata(metadata, new)
                    data = encode_json(new)
                    _atomic_write(path, lambda f: f.write(data))
                    self._write_sidecar(key, JSON_CONTENT_TYPE, meta)
                finally:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
        return new

    # --- reads ---------------------------------------------------------------------------------

    def get_bytes(self, key: str) -> bytes:
        path = self._path(key)
        with self._errors(key):
            return path.read_bytes()

    def get_file(self, key: str, dest_path: str | os.PathLike[str]) -> None:
        path = self._path(key)
        with self._errors(key), open(path, "rb") as src:
            dest = Path(dest_path).expanduser().resolve()
            _atomic_write(dest, lambda f: shutil.copyfileobj(src, f, _COPY_CHUNK))

    def exists(self, key: str) -> bool:
        path = self._path(key)
        with self._errors(key):
            return path.is_file()

    def stat(self, key: str) -> ObjectInfo:
        path = self._path(key)
        with self._errors(key):
            st = path.stat()
            if not path.is_file():
                raise FileNotFoundError(path)
            try:
                side = json.loads(self._sidecar_path(key).read_bytes())
            except (FileNotFoundError, ValueError):
                side = {}
        return ObjectInfo(
            key=key,
            size=st.st_size,
            content_type=side.get("content_type") or guess_content_type(path.name),
            metadata=dict(side.get("metadata") or {}),
            etag=None,
            modified=datetime.fromtimestamp(st.st_mtime, tz=UTC),
        )

    def list(self, prefix: str) -> Iterator[str]:
        validate_prefix(prefix)
        return self._walk(prefix)

    def link(self, key: str) -> str:
        """The object's absolute path (what an official can paste into a file manager)."""
        return str(self._path(key))

    # --- internals -----------------------------------------------------------------------------

    def _walk(self, prefix: str) -> Iterator[str]:
        # Only walk the deepest folder the prefix fully names, then filter on the string prefix.
        folder = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        base = self.root.joinpath(*folder.split("/")) if folder else self.root
        keys: list[str] = []
        with self._errors(prefix, missing_is_not_found=False):
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                rel = Path(dirpath).relative_to(self.root).as_posix()
                for name in filenames:
                    if name.startswith("."):
                        continue
                    key = name if rel == "." else f"{rel}/{name}"
                    if key.startswith(prefix):
                        keys.append(key)
        yield from sorted(keys)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def _sidecar_path(self, key: str) -> Path:
        return self.root.joinpath(INTERNAL_DIR, "meta", *key.split("/")).with_name(
            key.rsplit("/", 1)[-1] + ".json"
        )

    def _lock_path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return self.root / INTERNAL_DIR / "locks" / f"{digest}.lock"

    def _write_sidecar(self, key: str, content_type: str, metadata: dict[str, str]) -> None:
        data = json.dumps({"content_type": content_type, "metadata": metadata}).encode("utf-8")
        _atomic_write(self._sidecar_path(key), lambda f: f.write(data))

    @contextlib.contextmanager
    def _errors(self, key: str, *, missing_is_not_found: bool = True) -> Iterator[None]:
        """Turn OS errors into the project's storage errors, naming the key and the folder."""
        try:
            yield
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            if missing_is_not_found:
                raise NotFound(f"{key!r} not found in {self.describe()}", path=key) from exc
            raise StorageError(
                f"cannot write {key!r} in {self.describe()}: {exc.strerror}", path=key
            ) from exc
        except OSError as exc:
            raise StorageError(
                f"cannot access {key!r} in {self.describe()}: {exc.strerror}",
                path=key,
                hint="Check that the folder exists, is writable and that the disk is not full.",
            ) from exc


def _atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write through a temporary file in the same folder, then ``os.replace`` it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
