# ruff: noqa: F811  (the fixtures of tests.faultkit are imported by name and requested)
"""Crashes between writes, a full temporary folder, and times written the same in every zone.

Against the real S3 endpoint (moto) and real Tesseract. A crash is a ``BaseException`` raised
at the k-th write to the store (nothing in the pipeline may catch it, as nothing survives a
SIGKILL); a full disk is a real one: a 16 KiB tmpfs as ``TMPDIR``, mounted in a private mount
namespace of the command's own (``unshare``), so nothing is left mounted whatever happens.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import redis

from digitize.pipeline import process_document
from digitize.settings import Settings, get_settings
from storage import Store, layout, open_store, read_manifest
from tests.faultkit import fault_env, private_redis, private_s3  # noqa: F401
from tests.pages import LINES, draw_page, encode
from tests.test_workers import records, submit
from workers.queues import pending_key

ROOT = Path(__file__).resolve().parents[1]
DOSSIER = "000.00.12.H57-261130-0114"


def scan(i: int) -> bytes:
    return encode(draw_page((*LINES[:4], f"Số: {i}/2026"), dpi=150), "PNG", dpi=150)


WRITES = [
    "original.png",
    "1.words.json",
    "searchable.pdf",
    "text.txt",
    "record.json",
    "manifest.json",
]
"""The store writes of a one-page document, in order: every file, then the record, then the
manifest entry."""


class Crash(BaseException):
    """The process dies here (a SIGKILL is not an exception anyone can catch)."""


class CrashingStore:
    """The real store, dying at its ``crash_at``-th write (1 = the first); writes are logged."""

    def __init__(self, store: Store, crash_at: int | None) -> None:
        self._store = store
        self.crash_at = crash_at
        self.writes: list[str] = []

    def _write(self, key: str) -> None:
        self.writes.append(key.rsplit("/", 1)[-1])
        if self.crash_at is not None and len(self.writes) == self.crash_at:
            raise Crash(key)

    def put_bytes(self, key: str, *a: Any, **kw: Any) -> None:
        self._write(key)
        self._store.put_bytes(key, *a, **kw)

    def put_file(self, key: str, *a: Any, **kw: Any) -> None:
        self._write(key)
        self._store.put_file(key, *a, **kw)

    def update_json(self, key: str, fn: Any, **kw: Any) -> Any:
        self._write(key)
        return self._store.update_json(key, fn, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def run_once(store: Store, data: bytes, settings: Settings, crash_at: int | None = None):
    wrapped = CrashingStore(store, crash_at)
    try:
        outcome = process_document(
            data, source_name="scan.png", dossier_code=DOSSIER, store=wrapped, settings=settings
        )
    except Crash:
        return wrapped.writes, None
    return wrapped.writes, outcome


def assert_no_record_points_to_missing_files(store: Store) -> dict | None:
    keys = [k for k in store.list(layout.dossier_prefix(DOSSIER)) if k.endswith("record.json")]
    if not keys:
        return None
    (key,) = keys
    rec = json.loads(store.get_bytes(key))
    for name, link in rec["links"].items():
        assert link is None or store.exists(link), f"record links a missing {name}: {link}"
    return rec


def test_files_are_written_before_the_record_and_the_record_before_the_manifest(
    s3_store, s3_settings
):
    writes, outcome = run_once(s3_store, scan(1), s3_settings)
    assert outcome is not None and outcome.record["status"] == "done"
    assert writes == WRITES, writes


@pytest.mark.parametrize(
    "crash_at", [3, 5, 6], ids=["before-pdf", "before-record", "before-manifest"]
)
def test_a_crash_between_any_two_writes_never_leaves_a_record_pointing_to_missing_files(
    s3_store, s3_settings, crash_at
):
    data = scan(2)
    writes, outcome = run_once(s3_store, data, s3_settings, crash_at=crash_at)
    assert outcome is None and len(writes) == crash_at
    rec = assert_no_record_points_to_missing_files(s3_store)
    assert (rec is not None) is (crash_at == len(WRITES)), "the record comes before the manifest"
    assert read_manifest(s3_store, DOSSIER) is None, "the manifest is the last write"

    # Running it again (a retry, or the same `run` after a restart) completes the document.
    _, again = run_once(s3_store, data, s3_settings)
    rec = assert_no_record_points_to_missing_files(s3_store)
    assert rec is not None and rec["status"] == "done"
    manifest = read_manifest(s3_store, DOSSIER)
    (entry,) = manifest["documents"]
    assert (entry["doc_id"], entry["status"], entry["pages"]) == (rec["doc_id"], "done", 1)
    assert entry["links"] == rec["links"]
    # After a crash between the record and the manifest, the document is not read again:
    # only its manifest entry is written.
    assert again.skipped is (crash_at == len(WRITES))


def _unshare() -> list[str]:
    binary = shutil.which("unshare")
    if binary is None:
        pytest.skip("no unshare (util-linux) to mount a tiny private tmpfs")
    as_root = os.geteuid() == 0
    cmd = [binary, "--mount"] if as_root else [binary, "--mount", "--map-root-user"]
    probe = subprocess.run([*cmd, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a private mount namespace: {probe.stderr.decode()[:200]}")
    return cmd


def test_a_full_temporary_folder_fails_each_document_as_disk_full_and_stores_nothing_half(
    tmp_path,
):
    tiny = tmp_path / "tmp"
    tiny.mkdir()
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(2):
        (inbox / f"scan_{i}.png").write_bytes(scan(10 + i))
    out = tmp_path / "store"
    mount = 'mount -t tmpfs -o size=16k tmpfs "$1" && shift && exec "$@"'
    cmd = [
        *_unshare(),
        "sh", "-c", mount, "sh", str(tiny),
        sys.executable, "-m", "digitize", "run", str(inbox), "--dossier", DOSSIER,
        "--out", str(out), "--json",
    ]  # fmt: skip
    env = {**os.environ, "TMPDIR": str(tiny)}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=300, check=False)
    stderr = proc.stderr.decode()
    assert proc.returncode == 1, stderr[-2000:]
    assert "Traceback" not in stderr
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(records) == 2
    for rec in records:
        assert rec["status"] == "failed" and rec["error"]["code"] == "disk_full"
        assert rec["source_name"] in rec["error"]["message"]
        assert "TMPDIR" in rec["error"]["hint"]
        assert rec["links"]["searchable_pdf"] is None and rec["links"]["text"] is None
    stored = sorted(p.name for p in (out / "dossiers").rglob("*") if p.is_file())
    assert "searchable.pdf" not in stored and "text.txt" not in stored, stored
    assert stored.count("record.json") == 2 and stored.count("original.png") == 2
    assert not list(tiny.iterdir()), "the mount was private: nothing is left in the folder"


def test_a_queued_document_meeting_a_full_temporary_folder_fails_as_disk_full(
    monkeypatch, fault_env, tmp_path
):
    monkeypatch.setenv("DIGITIZE_JOB_RETRY_INTERVALS_S", "[]")  # no retry: the verdict at once
    get_settings.cache_clear()
    store = open_store(get_settings())
    conn = redis.Redis.from_url(fault_env["DIGITIZE_REDIS_URL"])
    sub = submit(scan(30), store, conn, "hồ sơ 30.png", code=DOSSIER)
    tiny = tmp_path / "tmp"
    tiny.mkdir()
    mount = 'mount -t tmpfs -o size=16k tmpfs "$1" && shift && exec "$@"'
    worker = [sys.executable, "-m", "digitize", "worker", "--burst"]
    proc = subprocess.run(
        [*_unshare(), "sh", "-c", mount, "sh", str(tiny), *worker],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tiny)},
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    (rec,) = records(store, DOSSIER)
    assert rec["doc_id"] == sub.doc_id and rec["status"] == "failed", rec.get("error")
    assert rec["error"]["code"] == "disk_full" and "hồ sơ 30.png" in rec["error"]["message"]
    assert rec["links"]["original"] and rec["links"]["searchable_pdf"] is None
    assert not conn.exists(pending_key(DOSSIER)), "the document is finished, not waiting"
    conn.close()


def test_times_are_utc_with_their_offset_when_the_machine_is_west_of_utc(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "scan.png").write_bytes(scan(20))
    out = tmp_path / "store"
    env = {**os.environ, "TZ": "America/Los_Angeles"}
    cmd = [sys.executable, "-m", "digitize", "run", str(inbox), "--dossier", DOSSIER]
    proc = subprocess.run(
        [*cmd, "--out", str(out), "--json"], cwd=ROOT, env=env, capture_output=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    (rec,) = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert rec["created_at"].endswith("+00:00"), rec["created_at"]
    manifest = json.loads((out / layout.manifest_key(DOSSIER)).read_text())
    assert manifest["updated_at"].endswith("+00:00"), manifest["updated_at"]
    stored = json.loads((out / rec["links"]["record"]).read_text())
    assert stored["created_at"] == rec["created_at"]
    # The local clock really is west of UTC in that process.
    probe = [sys.executable, "-c", "import time; print(time.strftime('%z'))"]
    assert subprocess.run(probe, env=env, capture_output=True, text=True).stdout.strip() in (
        "-0800",
        "-0700",
    )
