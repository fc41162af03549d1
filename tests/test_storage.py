"""Storage tests, run against both backends: a local folder and S3 (moto, or a real MinIO).

Nothing is mocked: the S3 tests talk HTTP to a real server, the unreachable-endpoint test
points at a port nobody listens on, and the concurrency tests use real threads and real forked
processes.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

import pytest

from digitize.errors import ConfigError, InvalidName, NotFound, StorageError, StorageUnavailable
from digitize.settings import Settings
from storage import (
    LINK_KEYS,
    LocalStore,
    S3Store,
    Store,
    doc_id_for,
    document_key,
    document_links,
    dossier_prefix,
    manifest_key,
    open_store,
    original_key,
    page_words_key,
    read_manifest,
    record_key,
    upsert_manifest_entry,
    validate_dossier_code,
    validate_name,
)
from tests.fixtures_s3 import S3Endpoint

DOC = doc_id_for(hashlib.sha256(b"scan").hexdigest())
META = {"dossier_code": "HS-2024-001", "doc_id": DOC, "sha256": "ab" * 32, "pipeline_version": "1"}

WORKERS = 8
INCREMENTS = 10


# --- layout ------------------------------------------------------------------------------------


def test_layout_keys_follow_the_contract() -> None:
    assert manifest_key("HS-1") == "dossiers/HS-1/manifest.json"
    assert dossier_prefix("HS-1") == "dossiers/HS-1/"
    assert original_key("HS-1", DOC, ".JPG") == f"dossiers/HS-1/documents/{DOC}/original.jpg"
    assert record_key("HS-1", DOC) == f"dossiers/HS-1/documents/{DOC}/record.json"
    assert page_words_key("HS-1", DOC, 3) == f"dossiers/HS-1/documents/{DOC}/pages/3.words.json"
    assert len(DOC) == 16 and int(DOC, 16) >= 0
    for code in ["HS-2024-001", "A" * 64, "x.y", "UNASSIGNED"]:
        assert validate_dossier_code(code) == code


@pytest.mark.parametrize("code", ["../x", "a/b", "a\x00b", "x\ny", "A" * 65, "", ".", "..", "á"])
def test_bad_dossier_codes_are_refused_quoting_the_value(code: str) -> None:
    with pytest.raises(InvalidName) as info:
        manifest_key(code)
    assert repr(code) in str(info.value)


@pytest.mark.parametrize("name", ["../x", "a/b", "a\\b", "a\tb", "", "..", ".hidden", "n" * 129])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidName):
        validate_name(name)
    with pytest.raises(InvalidName):
        document_key("HS-1", DOC, name)


def test_bad_doc_ids_and_pages_are_refused() -> None:
    for doc_id in ["XYZ", "../x", "", "AB"]:
        with pytest.raises(InvalidName):
            record_key("HS-1", doc_id)
    with pytest.raises(InvalidName):
        page_words_key("HS-1", DOC, 0)
    with pytest.raises(InvalidName):
        doc_id_for("abc")


# --- round trips -------------------------------------------------------------------------------


def test_bytes_round_trip_with_content_type_and_metadata(store: Store) -> None:
    key = original_key("HS-2024-001", DOC, "jpg")
    store.put_bytes(key, b"\xff\xd8 scan", content_type="image/jpeg", metadata=META)
    assert store.get_bytes(key) == b"\xff\xd8 scan"
    assert store.exists(key)
    info = store.stat(key)
    assert (info.size, info.content_type) == (7, "image/jpeg")
    assert info.metadata["dossier-code"] == "HS-2024-001"
    assert info.metadata["doc-id"] == DOC


def test_overwrite_and_delete(store: Store) -> None:
    key = record_key("HS-1", DOC)
    store.put_bytes(key, b"{}", content_type="application/json")
    store.put_bytes(key, b'{"v": 2}', content_type="application/json")
    assert store.get_bytes(key) == b'{"v": 2}'
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting a missing key is not an error


def test_file_round_trip_streams_large_files(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "big.pdf"
    data = os.urandom(6 * 1024 * 1024 + 1)  # above the SDK's 5 MiB part size: multipart on S3
    src.write_bytes(data)
    key = document_key("HS-1", DOC, "searchable.pdf")
    store.put_file(key, src, content_type="application/pdf", metadata=META)
    dest = tmp_path / "out" / "copy.pdf"
    store.get_file(key, dest)
    assert dest.read_bytes() == data
    assert store.stat(key).content_type == "application/pdf"
    assert [p.name for p in dest.parent.iterdir()] == ["copy.pdf"]


def test_s3_objects_carry_content_type_and_user_metadata(
    s3_store: Store, s3_endpoint: S3Endpoint, s3_bucket: str
) -> None:
    key = original_key("HS-2024-001", DOC, "png")
    meta = {**META, "source_name": "Giấy khai sinh 100%.png"}
    s3_store.put_bytes(key, b"png", content_type="image/png", metadata=meta)
    raw = s3_endpoint.client().stat_object(s3_bucket, key)
    assert raw.content_type == "image/png"
    headers = {k.lower(): v for k, v in (raw.metadata or {}).items()}
    assert headers["x-amz-meta-dossier-code"] == "HS-2024-001"
    assert headers["x-amz-meta-sha256"] == "ab" * 32
    assert headers["x-amz-meta-pipeline-version"] == "1"
    assert s3_store.stat(key).metadata["source-name"] == "Giấy khai sinh 100%.png"


def test_list_by_dossier_prefix(store: Store) -> None:
    for code, doc_id in [("A-1", "aa"), ("A-1", "bb"), ("A-10", "cc"), ("B", "dd")]:
        store.put_bytes(record_key(code, doc_id), b"{}", content_type="application/json")
    store.put_bytes(manifest_key("A-1"), b"{}", content_type="application/json")
    assert list(store.list(dossier_prefix("A-1"))) == [
        record_key("A-1", "aa"),
        record_key("A-1", "bb"),
        manifest_key("A-1"),
    ]
    assert list(store.list("dossiers/A-1")) == [  # a string prefix, as in S3
        record_key("A-1", "aa"),
        record_key("A-1", "bb"),
        manifest_key("A-1"),
        record_key("A-10", "cc"),
    ]
    assert list(store.list("dossiers/none/")) == []
    assert len(list(store.list(""))) == 5  # the store's own files are never listed


def test_link_gives_the_stored_bytes(store: Store) -> None:
    key = document_key("HS-1", DOC, "text.txt")
    store.put_bytes(key, "Căn cước".encode(), content_type="text/plain; charset=utf-8")
    link = store.link(key)
    if store.links_are == "paths":
        assert Path(link).is_absolute()
        assert Path(link).read_bytes() == "Căn cước".encode()
    else:
        assert store.links_are == "presigned"
        assert "X-Amz-Expires=3600" in link and "X-Amz-Signature=" in link
        with urllib.request.urlopen(link, timeout=10) as response:
            assert response.read() == "Căn cước".encode()


def test_document_links_cover_the_contract(store: Store) -> None:
    links = document_links(store, "HS-1", DOC, ext="pdf")
    assert tuple(links) == LINK_KEYS


def test_s3_bucket_is_created_when_missing(
    s3_settings: Settings, s3_endpoint: S3Endpoint, s3_bucket: str
) -> None:
    client = s3_endpoint.client()
    assert not client.bucket_exists(s3_bucket)
    stores = [open_store(s3_settings) for _ in range(4)]  # four processes racing to create it
    with ThreadPoolExecutor(4) as pool:
        key = record_key("A", "aa")
        list(pool.map(lambda s: s.put_bytes(key, b"{}", content_type="text/plain"), stores))
    assert client.bucket_exists(s3_bucket)


def test_s3_key_prefix(s3_settings: Settings, s3_endpoint: S3Endpoint, s3_bucket: str) -> None:
    store = open_store(s3_settings, f"s3://{s3_bucket}/province/hcm")
    assert store.describe() == f"s3://{s3_bucket}/province/hcm"
    store.put_bytes(record_key("A", "aa"), b"{}", content_type="application/json")
    raw = [o.object_name for o in s3_endpoint.client().list_objects(s3_bucket, recursive=True)]
    assert f"province/hcm/{record_key('A', 'aa')}" in raw
    assert list(store.list("dossiers/")) == [record_key("A", "aa")]


# --- errors ------------------------------------------------------------------------------------


def test_missing_key_is_not_found(store: Store, tmp_path: Path) -> None:
    key = record_key("HS-1", DOC)
    for call in (
        lambda: store.get_bytes(key),
        lambda: store.stat(key),
        lambda: store.get_file(key, tmp_path / "x.json"),
    ):
        with pytest.raises(NotFound) as info:
            call()
        assert key in str(info.value) and store.describe() in str(info.value)
    assert not store.exists(key)
    assert not (tmp_path / "x.json").exists()


def test_bad_keys_are_refused_before_any_io(store: Store) -> None:
    for key in ["dossiers/../etc/passwd", "/abs", "a//b", "a\\b", "dossiers/a\x00"]:
        with pytest.raises(InvalidName):
            store.put_bytes(key, b"x", content_type="text/plain")
        with pytest.raises(InvalidName):
            store.get_bytes(key)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_endpoint_is_retryable_and_keeps_secrets() -> None:
    settings = Settings(
        store="s3",
        s3_endpoint=f"127.0.0.1:{_closed_port()}",
        s3_access_key="AKIA-unreachable-test",
        s3_secret_key="very-secret-value",
        s3_bucket="dossiers",
    )
    store = open_store(settings, connect_timeout_s=0.5, read_timeout_s=0.5, retries=0)
    with pytest.raises(InvalidName):  # validation happens first, without touching the network
        store.put_bytes("../x", b"x", content_type="text/plain")
    started = time.monotonic()
    with pytest.raises(StorageUnavailable) as info:
        store.put_bytes(record_key("A", "aa"), b"{}", content_type="application/json")
    assert time.monotonic() - started < 5
    assert info.value.retryable
    assert settings.s3_endpoint in str(info.value)
    for text in (str(info.value), repr(info.value), repr(store), store.describe()):
        assert "very-secret-value" not in text and "AKIA-unreachable-test" not in text


def test_open_store_configuration(tmp_path: Path) -> None:
    assert isinstance(open_store(Settings(store="s3"), str(tmp_path)), LocalStore)
    assert open_store(Settings(store=str(tmp_path))).describe() == str(tmp_path.resolve())
    with pytest.raises(ConfigError, match="DIGITIZE_S3_ENDPOINT"):
        open_store(Settings(store="s3", s3_endpoint=None))
    with pytest.raises(ConfigError, match="DIGITIZE_S3_SECRET_KEY"):
        open_store(Settings(s3_endpoint="h:9000", s3_access_key="a", s3_secret_key=None), "s3")
    with pytest.raises(ConfigError, match="bucket"):
        open_store(Settings(s3_endpoint="h:9000"), "s3://Bad_Bucket/x")
    s3 = open_store(Settings(s3_endpoint="h:9000", s3_access_key="a", s3_secret_key="b"), "s3")
    assert isinstance(s3, S3Store) and s3.describe() == "s3://dossiers"


# --- read-modify-write -------------------------------------------------------------------------


def _increment(token: str) -> Callable[[dict | None], dict]:
    def fn(current: dict | None) -> dict:
        current = current or {"n": 0, "seen": []}
        return {"n": current["n"] + 1, "seen": [*current["seen"], token]}

    return fn


def _increment_many(store: Store, key: str, worker: int) -> None:
    for i in range(INCREMENTS):
        store.update_json(key, _increment(f"{worker}-{i}"))


def _child(store: Store, key: str, worker: int) -> None:
    _increment_many(store, key, worker)
    if isinstance(store, S3Store):  # the child built its own client, not the parent's
        assert store._conn is not None and store._conn[0] == os.getpid()


def _check_counter(store: Store, key: str) -> None:
    result = store.update_json(key, lambda current: current or {})
    expected = {f"{w}-{i}" for w in range(WORKERS) for i in range(INCREMENTS)}
    assert result["n"] == WORKERS * INCREMENTS
    assert sorted(result["seen"]) == sorted(expected)


def _increment_from_threads(store: Store, key: str) -> None:
    threads = [
        threading.Thread(target=_increment_many, args=(store, key, w)) for w in range(WORKERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _check_counter(store, key)


def test_concurrent_update_json_from_threads_loses_nothing(store: Store) -> None:
    _increment_from_threads(store, "dossiers/C/counter.json")
    assert list(store.list("")) == ["dossiers/C/counter.json"]  # no lock or probe files listed


def test_concurrent_update_json_from_processes_loses_nothing(store: Store) -> None:
    key = "dossiers/C/counter.json"
    store.exists(key)  # the parent's client exists before the fork: children must not use it
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_child, args=(store, key, w)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * WORKERS
    _check_counter(store, key)


def test_s3_update_json_with_an_injected_lock(s3_settings: Settings) -> None:
    locks: dict[str, threading.Lock] = {}
    guard = threading.Lock()

    @contextmanager
    def lock_factory(name: str):
        with guard:
            lock = locks.setdefault(name, threading.Lock())
        with lock:
            yield

    store = open_store(s3_settings, lock_factory=lock_factory)
    _increment_from_threads(store, "dossiers/C/counter.json")
    assert list(locks) == [f"{s3_settings.s3_bucket}/dossiers/C/counter.json"]


def test_update_json_refuses_non_objects(store: Store) -> None:
    key = "dossiers/C/state.json"
    with pytest.raises(StorageError):
        store.update_json(key, lambda current: [1, 2])  # type: ignore[arg-type, return-value]
    store.put_bytes(key, b"not json", content_type="application/json")
    with pytest.raises(StorageError, match="not valid JSON"):
        store.update_json(key, lambda current: current or {})


def _versioned_meta(new: dict) -> dict[str, str]:
    """Metadata derived from the object being written, as a record's is."""
    return {**META, "pipeline_version": str(new["v"]), "source_name": "Giấy khai sinh 100%.png"}


def test_update_json_stores_the_metadata_of_the_new_object(store: Store) -> None:
    key = record_key("HS-2024-001", DOC)
    store.update_json(key, lambda current: {"v": 1}, metadata=_versioned_meta)
    info = store.stat(key)
    assert info.content_type == "application/json"
    assert info.metadata == {
        "dossier-code": "HS-2024-001",
        "doc-id": DOC,
        "sha256": "ab" * 32,
        "pipeline-version": "1",
        "source-name": "Giấy khai sinh 100%.png",
    }
    # A second update replaces the metadata with the one derived from the new object.
    store.update_json(key, lambda current: {"v": current["v"] + 1}, metadata=_versioned_meta)
    assert store.stat(key).metadata["pipeline-version"] == "2"
    assert store.stat(key).metadata["doc-id"] == DOC
    # A caller that passes none (the manifest) stores none, as before.
    store.update_json(key, lambda current: current or {})
    assert store.stat(key).metadata == {}
    # Bad metadata is refused before anything is written.
    with pytest.raises(StorageError, match="invalid metadata name"):
        store.update_json(key, lambda current: {"v": 9}, metadata=lambda new: {"no space": "x"})
    assert store.get_bytes(key) == b'{\n  "v": 2\n}\n'


def test_s3_update_json_sends_metadata_as_put_bytes_does(
    s3_settings: Settings, s3_endpoint: S3Endpoint, s3_bucket: str
) -> None:
    """The conditional put and the locked put carry the same x-amz-meta-* headers as put_bytes."""
    put_key, cas_key, locked_key = (document_key("HS-1", DOC, f"{n}.json") for n in "abc")
    plain = open_store(s3_settings)
    locked = open_store(s3_settings, lock_factory=lambda name: nullcontext())
    plain.put_bytes(
        put_key, b"{}", content_type="application/json", metadata=_versioned_meta({"v": 3})
    )
    plain.update_json(cas_key, lambda current: {"v": 3}, metadata=_versioned_meta)
    locked.update_json(locked_key, lambda current: {"v": 3}, metadata=_versioned_meta)

    def raw(key: str) -> dict[str, str]:
        meta = s3_endpoint.client().stat_object(s3_bucket, key).metadata or {}
        return {k.lower(): v for k, v in meta.items() if k.lower().startswith("x-amz-meta-")}

    assert raw(cas_key) == raw(locked_key) == raw(put_key)
    assert raw(cas_key)["x-amz-meta-source-name"] == "Gi%E1%BA%A5y khai sinh 100%25.png"
    assert plain.stat(locked_key).metadata["source-name"] == "Giấy khai sinh 100%.png"


# --- manifest ----------------------------------------------------------------------------------


def _entry(doc_id: str, status: str = "done") -> dict:
    return {
        "doc_id": doc_id,
        "source_name": f"{doc_id}.jpg",
        "document_type": {"code": "citizen_id", "label": "Căn cước công dân", "confidence": 0.9},
        "status": status,
        "pages": 1,
        "links": {"original": "o", "searchable_pdf": "p", "text": "t", "record": "r"},
    }


def test_upsert_manifest_entry_keeps_one_entry_per_doc_id(store: Store) -> None:
    assert read_manifest(store, "HS-1") is None
    upsert_manifest_entry(store, "HS-1", _entry("bb", "failed"))
    upsert_manifest_entry(store, "HS-1", _entry("aa"))
    manifest = upsert_manifest_entry(store, "HS-1", _entry("bb", "done"))
    assert [(d["doc_id"], d["status"]) for d in manifest["documents"]] == [
        ("bb", "done"),
        ("aa", "done"),
    ]
    assert manifest["dossier_code"] == "HS-1"
    assert manifest["links_are"] == store.links_are
    assert datetime.fromisoformat(manifest["updated_at"]).tzinfo is not None
    assert read_manifest(store, "HS-1") == manifest
    manifest = upsert_manifest_entry(store, "HS-1", _entry("aa"), links_are="keys")
    assert manifest["links_are"] == "keys"
    with pytest.raises(InvalidName):
        upsert_manifest_entry(store, "../HS", _entry("aa"))
    with pytest.raises(InvalidName):
        upsert_manifest_entry(store, "HS-1", {"status": "done"})


def test_concurrent_upserts_keep_every_document(store: Store) -> None:
    doc_ids = [f"{i:02x}" for i in range(WORKERS)]
    threads = [
        threading.Thread(target=upsert_manifest_entry, args=(store, "HS-2", _entry(d)))
        for d in doc_ids
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    manifest = read_manifest(store, "HS-2")
    assert manifest is not None
    assert sorted(d["doc_id"] for d in manifest["documents"]) == doc_ids
