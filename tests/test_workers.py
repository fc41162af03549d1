"""The queued path against a real Redis and a real S3 server: submit, workers, retries, webhook.

Jobs run in burst workers: in this process (``SimpleWorker``) where the test needs to see
inside, and as two separate ``digitize worker --burst`` processes for concurrency.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from rq import Queue
from rq.job import Job, JobStatus

from digitize.cli.main import main
from digitize.pipeline import sha256_of
from digitize.settings import Settings, get_settings
from storage import Store, layout, open_store, read_manifest
from tests.fixtures_redis import _free_port
from tests.fixtures_s3 import s3_env
from tests.pages import LINES, draw_page, encode
from workers import jobs, submit_document, tracking, webhook
from workers.queues import BACKLOG, DESK, job_id_for
from workers.worker import build_worker

ROOT = Path(__file__).resolve().parents[1]
DOSSIER = "000.00.12.H57-261122-0007"
SECRET = "test-webhook-secret"


def scan(i: int) -> bytes:
    """A small distinct one-page scan (150 dpi keeps each document well under a second)."""
    return encode(draw_page((*LINES[:4], f"Số: {i}/2024"), dpi=150), "PNG", dpi=150)


@pytest.fixture
def env(monkeypatch, redis_url) -> Iterator[dict[str, str]]:
    """Worker-side configuration in the environment, as a deployed worker reads it."""
    values = {"DIGITIZE_REDIS_URL": redis_url, "DIGITIZE_JOB_RETRY_INTERVALS_S": "[1]"}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    for k in ("DIGITIZE_WEBHOOK_URL", "DIGITIZE_WEBHOOK_SECRET"):
        monkeypatch.delenv(k, raising=False)
    get_settings.cache_clear()
    jobs._stores.clear()
    yield values
    get_settings.cache_clear()
    jobs._stores.clear()


def use_s3(monkeypatch, s3: Settings, endpoint: str | None = None) -> None:
    for k, v in s3_env(s3).items():
        monkeypatch.setenv(k, v)
    if endpoint:
        monkeypatch.setenv("DIGITIZE_S3_ENDPOINT", endpoint)
    get_settings.cache_clear()
    jobs._stores.clear()


def submit(data: bytes, store: Store, conn, name: str, *, code=DOSSIER, queue_name=DESK):
    return submit_document(
        data,
        source_name=name,
        dossier_code=code,
        store=store,
        conn=conn,
        settings=get_settings(),
        queue_name=queue_name,
    )


def work(conn) -> None:
    build_worker(conn, simple=True).work(burst=True, with_scheduler=True, logging_level="WARNING")


def records(store: Store, code: str = DOSSIER) -> list[dict]:
    prefix = layout.dossier_prefix(code)
    return [json.loads(store.get_bytes(k)) for k in store.list(prefix) if k.endswith("record.json")]


class Hooks:
    """A tiny webhook receiver on 127.0.0.1: keeps every POST's body and signature."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, str]] = []
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hooks.received.append((body, self.headers.get(webhook.SIGNATURE_HEADER, "")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self) -> list[dict]:
        for body, signature in self.received:
            assert webhook.verify(body, SECRET, signature), "bad HMAC signature"
        return [json.loads(body) for body, _ in self.received]


def serving_hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hooks]:
    """A receiver the workers announce to (its URL and secret in the environment), shut after."""
    h = Hooks()
    monkeypatch.setenv("DIGITIZE_WEBHOOK_URL", h.url)
    monkeypatch.setenv("DIGITIZE_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    yield h
    h.server.shutdown()


@pytest.fixture
def hooks(monkeypatch, env) -> Iterator[Hooks]:
    yield from serving_hooks(monkeypatch)


def test_six_scans_end_as_six_done_records_and_one_manifest_in_s3(
    monkeypatch, env, s3_settings, redis_conn
):
    use_s3(monkeypatch, s3_settings)
    store = open_store(get_settings())
    subs = [submit(scan(i), store, redis_conn, f"scan_{i}.png") for i in range(6)]
    assert [s.state for s in subs] == ["queued"] * 6
    assert Queue(DESK, connection=redis_conn).count == 6
    work(redis_conn)

    recs = records(store)
    assert len(recs) == 6 and all(r["status"] == "done" for r in recs)
    manifest = read_manifest(store, DOSSIER)
    assert sorted(d["doc_id"] for d in manifest["documents"]) == sorted(s.doc_id for s in subs)
    assert all(d["status"] == "done" for d in manifest["documents"])
    assert not redis_conn.exists(f"digitize:dossier:{DOSSIER}:pending")
    for s in subs:
        job = Job.fetch(s.job_id, connection=redis_conn)
        assert job.get_status() == JobStatus.FINISHED and job.return_value()["status"] == "done"


def test_two_worker_processes_at_once_lose_nothing_and_announce_once(
    monkeypatch, hooks, s3_settings, redis_conn
):
    use_s3(monkeypatch, s3_settings)
    store = open_store(get_settings())
    subs = [submit(scan(i), store, redis_conn, f"scan_{i}.png") for i in range(8)]
    cmd = [sys.executable, "-m", "digitize", "worker", "--burst"]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ), stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode(errors="replace")[-2000:]

    manifest = read_manifest(store, DOSSIER)
    assert sorted(d["doc_id"] for d in manifest["documents"]) == sorted(s.doc_id for s in subs)
    assert all(d["status"] == "done" for d in manifest["documents"])
    assert len(records(store)) == 8
    workers_used = {Job.fetch(s.job_id, connection=redis_conn).worker_name for s in subs}
    assert len(workers_used) == 2, "both workers should have taken jobs"
    bodies = hooks.bodies()
    assert len(bodies) == 1
    assert bodies[0]["dossier_code"] == DOSSIER and bodies[0]["counts"]["done"] == 8


def test_the_same_file_twice_is_one_document_and_one_job(env, local_store, redis_url, redis_conn):
    data = scan(1)
    runner = CliRunner()
    f = Path(local_store.describe()).parent / "in" / "a.png"
    f.parent.mkdir(parents=True)
    f.write_bytes(data)
    g = f.with_name("copy of a.png")
    g.write_bytes(data)
    args = ["submit", str(f), str(g), "--dossier", DOSSIER, "--redis", redis_url]
    res = runner.invoke(main, [*args, "--out", local_store.describe()])
    assert res.exit_code == 0, res.output
    job_ids = res.stdout.split()
    assert job_ids == [job_id_for(DOSSIER, layout.doc_id_for(sha256_of(data)))]
    assert Queue(DESK, connection=redis_conn).count == 1
    originals = [k for k in local_store.list("dossiers/") if "/original." in k]
    assert len(originals) == 1

    again = runner.invoke(main, [*args, "--out", local_store.describe()])
    assert again.stdout.split() == job_ids and Queue(DESK, connection=redis_conn).count == 1
    work(redis_conn)
    done = runner.invoke(main, [*args, "--out", local_store.describe()])
    assert done.exit_code == 0 and done.stdout == "" and "already done" in done.stderr
    assert Queue(DESK, connection=redis_conn).count == 0


def test_desk_jobs_are_taken_before_backlog_jobs(env, local_store, redis_conn):
    backlog = [
        submit(scan(i), local_store, redis_conn, f"b{i}.png", queue_name=BACKLOG) for i in range(3)
    ]
    desk = [submit(scan(10 + i), local_store, redis_conn, f"d{i}.png") for i in range(2)]
    work(redis_conn)
    started = {
        s.job_id: Job.fetch(s.job_id, connection=redis_conn).started_at for s in backlog + desk
    }
    assert max(started[s.job_id] for s in desk) < min(started[s.job_id] for s in backlog)


def test_a_waiting_document_whose_job_is_gone_is_lost_not_queued(env, local_store, redis_conn):
    subs = [submit(scan(20 + i), local_store, redis_conn, f"s{i}.png") for i in range(2)]
    states = {q["doc_id"]: q["state"] for q in tracking.queue_states(redis_conn, DOSSIER)}
    assert states == {s.doc_id: "queued" for s in subs}
    # The first job's data expires in Redis (as a job's TTL ends it): nothing will read it.
    redis_conn.delete(Job.key_for(subs[0].job_id))
    by_id = {q["doc_id"]: q for q in tracking.queue_states(redis_conn, DOSSIER)}
    assert by_id[subs[0].doc_id]["state"] == tracking.LOST == "lost"
    assert by_id[subs[1].doc_id] == {
        "doc_id": subs[1].doc_id,
        "source_name": "s1.png",
        "state": "queued",
    }
    work(redis_conn)
    assert records(local_store)[0]["doc_id"] == subs[1].doc_id
    assert [q["state"] for q in tracking.queue_states(redis_conn, DOSSIER)] == ["lost"]
    # Submitted again, as `digitize status` says: queued, then read.
    assert submit(scan(20), local_store, redis_conn, "s0.png").state == "queued"
    work(redis_conn)
    assert tracking.queue_states(redis_conn, DOSSIER) == []
    assert len(records(local_store)) == 2


def test_a_bad_file_ends_as_a_failed_record_without_retries(env, local_store, redis_conn):
    sub = submit(b"this is not a scan", local_store, redis_conn, "notes.png")
    work(redis_conn)
    job = Job.fetch(sub.job_id, connection=redis_conn)
    assert job.get_status() == JobStatus.FINISHED
    assert job.retries_left == 1, "a bad file must not use a retry"
    (rec,) = records(local_store)
    assert rec["status"] == "failed" and rec["error"]["code"] == "unsupported_format"
    assert local_store.exists(layout.document_key(DOSSIER, sub.doc_id, "original.bin"))
    assert read_manifest(local_store, DOSSIER)["documents"][0]["status"] == "failed"


def test_a_storage_outage_is_retried_and_then_succeeds(monkeypatch, env, s3_settings, redis_conn):
    use_s3(monkeypatch, s3_settings)
    store = open_store(get_settings())
    sub = submit(scan(3), store, redis_conn, "scan.png")
    closed = _free_port()  # nothing listens there: the store is unreachable for real
    use_s3(monkeypatch, s3_settings, endpoint=f"127.0.0.1:{closed}")
    work(redis_conn)
    job = Job.fetch(sub.job_id, connection=redis_conn)
    assert job.get_status() == JobStatus.SCHEDULED and job.retries_left == 0
    assert not store.exists(layout.record_key(DOSSIER, sub.doc_id))

    use_s3(monkeypatch, s3_settings)  # the store is back
    time.sleep(1.1)  # the retry interval
    work(redis_conn)
    assert Job.fetch(sub.job_id, connection=redis_conn).get_status() == JobStatus.FINISHED
    (rec,) = records(store)
    assert rec["status"] == "done"


def test_webhook_once_per_dossier_with_a_valid_signature(hooks, local_store, redis_conn):
    other = "000.00.12.H57-261122-0008"
    for i in range(2):
        submit(scan(i), local_store, redis_conn, f"a{i}.png")
    submit(scan(5), local_store, redis_conn, "b.png", code=other)
    submit(b"broken", local_store, redis_conn, "c.png", code=other)
    work(redis_conn)
    bodies = sorted(hooks.bodies(), key=lambda b: b["dossier_code"])
    assert [b["dossier_code"] for b in bodies] == [DOSSIER, other]
    assert bodies[0]["counts"] == {"total": 2, "done": 2, "failed": 0}
    assert bodies[1]["counts"] == {"total": 2, "done": 1, "failed": 1}
    assert "text" not in json.dumps(bodies[1]["documents"][0])


def test_a_job_reads_its_original_from_a_private_temporary_file_it_removes(
    monkeypatch, env, s3_settings, redis_conn
):
    use_s3(monkeypatch, s3_settings)
    store = open_store(get_settings())
    seen = []
    real = jobs.process_document

    def spy(source, **kw):
        path = Path(source)
        mode = stat.S_IMODE(path.stat().st_mode)
        folder_mode = stat.S_IMODE(path.parent.stat().st_mode)
        seen.append((path, mode, folder_mode, path.read_bytes()))
        return real(source, **kw)

    monkeypatch.setattr(jobs, "process_document", spy)
    data = scan(21)
    sub = submit(data, store, redis_conn, "scan.png")
    work(redis_conn)
    ((path, mode, folder_mode, content),) = seen
    assert content == data
    assert mode == 0o600 and folder_mode == 0o700
    assert not path.exists() and not path.parent.exists()
    (rec,) = records(store)
    assert rec["status"] == "done" and rec["doc_id"] == sub.doc_id
    assert rec["source_name"] == "scan.png"


def test_a_pdf_submitted_by_its_path_is_stored_whole_and_processed(
    env, local_store, redis_conn, tmp_path
):
    images = [draw_page((*LINES[:3], f"Trang {i + 1}"), dpi=150) for i in range(2)]
    path = tmp_path / "hồ sơ.pdf"
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=150)
    data = path.read_bytes()
    sub = submit(path, local_store, redis_conn, path.name)
    assert sub.state == "queued" and sub.doc_id == layout.doc_id_for(sha256_of(data))
    original = layout.original_key(DOSSIER, sub.doc_id, "pdf")
    assert local_store.get_bytes(original) == data
    assert submit(data, local_store, redis_conn, "copy.pdf").state == "already_queued"
    work(redis_conn)
    (rec,) = records(local_store)
    assert rec["status"] == "done" and rec["pages"] == 2
    assert rec["links"]["original"] == original


def test_submitting_an_unreadable_path_is_a_typed_error(env, local_store, redis_conn, tmp_path):
    from digitize.intake import UnreadableFile

    with pytest.raises(UnreadableFile, match="gone.pdf"):
        submit(tmp_path / "gone.pdf", local_store, redis_conn, "gone.pdf")
    assert Queue(DESK, connection=redis_conn).count == 0
