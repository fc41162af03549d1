# ruff: noqa: F811  (the fixtures of tests.faultkit are imported by name and requested)
"""A worker killed with SIGKILL in the middle of a job: the job is taken up and ends done once.

Real ``digitize worker`` processes against the real Redis, the moto S3 server and Tesseract. A
worker killed whole (its process group: the machine lost) leaves its job in RQ's started-job
registry; a live worker's reaper finds it once the dead one has been silent for
``DIGITIZE_WORKER_LOST_AFTER_S`` and queues it again. A horse killed alone (the kernel's
out-of-memory killer picks the biggest process: the horse) is seen by its parent at once.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import Queue
from rq.job import Job
from rq.registry import StartedJobRegistry

from digitize.settings import get_settings
from storage import Store, open_store, read_manifest
from tests.faultkit import (  # noqa: F401
    conn,
    fault_env,
    pool,
    private_redis,
    private_s3,
    wait_until,
)
from tests.pages import LINES, draw_page
from tests.test_workers import Hooks, records, serving_hooks, submit
from workers import Submission, recovery
from workers.queues import DESK, pending_key

DOSSIER = "000.00.12.H57-261130-0014"


def long_scan(tmp_path: Path, pages: int = 8) -> bytes:
    """A few pages, so that a job lasts long enough to be killed in the middle of it."""
    images = [draw_page((*LINES, f"Trang {i + 1}"), dpi=200) for i in range(pages)]
    path = tmp_path / "long.pdf"
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=200)
    return path.read_bytes()


@pytest.fixture
def hooks(monkeypatch, fault_env) -> Iterator[Hooks]:
    yield from serving_hooks(monkeypatch)


@pytest.fixture
def long_job(fault_env, conn, tmp_path) -> tuple[Store, Submission]:
    """An eight-page document queued on the private services, for a worker to die in."""
    store = open_store(get_settings())
    return store, submit(long_scan(tmp_path), store, conn, "long.pdf", code=DOSSIER)


def started(conn, job_id: str) -> bool:
    return job_id in StartedJobRegistry(DESK, connection=conn).get_job_ids(cleanup=False)


def horse_of(pid: int) -> int:
    """The worker's newest child process: the horse forked for the job it is running."""
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(k) for k in (task / "children").read_text().split()]

    def start_time(k: int) -> int:
        return int(Path(f"/proc/{k}/stat").read_text().rsplit(")", 1)[1].split()[19])

    return max(kids, key=start_time)


def start_and_catch_mid_job(pool, conn, store: Store, job_id: str):
    """A worker, once it is in the middle of the job (started, nothing stored yet)."""
    worker = pool.start()
    wait_until(lambda: started(conn, job_id), 60, "the job to start")
    time.sleep(0.3)
    assert records(store, DOSSIER) == [], "the job finished before it could be killed"
    return worker


def finished_once(store: Store, conn, hooks: Hooks, job_id: str, doc_id: str) -> dict:
    """The document ends with one done record, a manifest that agrees, and one webhook."""
    wait_until(lambda: len(hooks.received) >= 1, 90, "the dossier's webhook")
    (rec,) = records(store, DOSSIER)
    assert rec["status"] == "done" and rec["doc_id"] == doc_id and rec["pages"] == 8
    manifest = read_manifest(store, DOSSIER)
    assert [(d["doc_id"], d["status"]) for d in manifest["documents"]] == [(doc_id, "done")]
    assert not conn.exists(pending_key(DOSSIER))
    time.sleep(0.5)  # a second announcement would come now
    (body,) = hooks.bodies()
    assert body["dossier_code"] == DOSSIER and body["counts"] == {
        "total": 1,
        "done": 1,
        "failed": 0,
    }
    job = Job.fetch(job_id, connection=conn)
    assert job.meta.get(recovery.LOST_META) == 1
    return rec


def test_a_worker_killed_whole_mid_job_is_replaced_and_the_document_ends_done_once(
    hooks, conn, pool, long_job
):
    store, sub = long_job
    doomed = start_and_catch_mid_job(pool, conn, store, sub.job_id)
    pool.kill(doomed)  # worker, horse and scheduler: the machine is gone
    pool.start()  # a live worker reaps the dead one's job once it has been silent 4 s
    finished_once(store, conn, hooks, sub.job_id, sub.doc_id)


def test_a_horse_killed_by_sigkill_has_its_job_taken_up_by_its_worker(hooks, conn, pool, long_job):
    store, sub = long_job
    worker = start_and_catch_mid_job(pool, conn, store, sub.job_id)
    os.kill(horse_of(worker.pid), signal.SIGKILL)  # what the out-of-memory killer does
    rec = finished_once(store, conn, hooks, sub.job_id, sub.doc_id)
    assert json.loads(store.get_bytes(rec["links"]["record"]))["status"] == "done"
    assert worker.poll() is None, "the worker itself lives on"


def test_a_document_that_kills_its_worker_every_time_fails_as_worker_lost(
    monkeypatch,
    hooks,
    conn,
    pool,
    tmp_path,
):
    monkeypatch.setenv("DIGITIZE_JOB_MAX_LOST", "0")
    store = open_store(get_settings())
    sub = submit(long_scan(tmp_path), store, conn, "heavy.pdf", code=DOSSIER)
    worker = start_and_catch_mid_job(pool, conn, store, sub.job_id)
    os.kill(horse_of(worker.pid), signal.SIGKILL)
    wait_until(lambda: len(hooks.received) >= 1, 60, "the dossier's webhook")
    (rec,) = records(store, DOSSIER)
    assert rec["status"] == "failed" and rec["error"]["code"] == "worker_lost"
    assert "heavy.pdf" in rec["error"]["message"] and "memory" in rec["error"]["hint"]
    assert rec["links"]["original"], "the original stays linked for a resubmission"
    (body,) = hooks.bodies()
    assert body["counts"] == {"total": 1, "done": 0, "failed": 1}


def test_a_job_taken_off_the_queue_by_a_worker_that_died_before_starting_it_is_done(
    hooks, conn, pool, tmp_path
):
    store = open_store(get_settings())
    sub = submit(long_scan(tmp_path, pages=1), store, conn, "one.pdf", code=DOSSIER)
    desk = Queue(DESK, connection=conn)
    # What a worker does when it takes a job, before it starts it; then it is lost.
    conn.lmove(desk.key, desk.intermediate_queue.key)
    assert desk.count == 0 and desk.intermediate_queue.get_job_ids() == [sub.job_id]
    pool.start()
    wait_until(lambda: len(hooks.received) >= 1, 90, "the dossier's webhook")
    (rec,) = records(store, DOSSIER)
    assert rec["status"] == "done" and rec["doc_id"] == sub.doc_id
    assert Job.fetch(sub.job_id, connection=conn).meta.get(recovery.LOST_META) == 1
    assert desk.intermediate_queue.get_job_ids() == []
