# ruff: noqa: F811  (the fixtures of tests.faultkit are imported by name and requested)
"""The store and Redis going away under the workers; what ``digitize status`` shows meanwhile.

Real ``digitize worker`` processes, a private redis-server (restarted for real) and a moto S3
server that is stopped and started again on its port, as a MinIO restart looks to a worker.
"""

from __future__ import annotations

import json
import time

from click.testing import CliRunner
from rq.job import Job, JobStatus

from digitize.cli.main import main
from digitize.settings import get_settings
from storage import open_store, read_manifest
from tests.faultkit import (  # noqa: F401
    conn,
    fault_env,
    pool,
    private_redis,
    private_s3,
    wait_until,
)
from tests.test_workers import records, scan, submit
from workers.queues import BACKLOG, pending_key
from workers.worker import build_worker

DOSSIER = "000.00.12.H57-261130-0214"


def all_done(store, n: int) -> bool:
    recs = records(store, DOSSIER)
    return len(recs) == n and all(r["status"] == "done" for r in recs)


def test_the_store_unreachable_for_a_while_is_retried_with_backoff_then_stored(
    monkeypatch, conn, pool, private_s3
):
    monkeypatch.setenv("DIGITIZE_JOB_RETRY_INTERVALS_S", "[1, 2, 4, 8]")
    get_settings.cache_clear()
    store = open_store(get_settings())
    subs = [submit(scan(i), store, conn, f"scan_{i}.png", code=DOSSIER) for i in range(2)]
    private_s3.stop()
    try:
        pool.start()
        # Both jobs met the outage and wait for their retry (RQ's scheduled registry).
        wait_until(
            lambda: all(
                Job.fetch(s.job_id, connection=conn).get_status() == JobStatus.SCHEDULED
                for s in subs
            ),
            60,
            "the jobs to wait for a retry",
        )
        time.sleep(3)  # the store stays away a little longer
    finally:
        private_s3.start()
    wait_until(lambda: all_done(store, 2), 90, "both documents to be stored")
    # The record is stored before RQ marks its job finished: wait for that too, not race it.
    jobs = [Job.fetch(s.job_id, connection=conn) for s in subs]
    wait_until(
        lambda: all(j.get_status(refresh=True) == JobStatus.FINISHED for j in jobs),
        30,
        "both jobs to finish",
    )
    for s in subs:
        job = Job.fetch(s.job_id, connection=conn)
        assert job.get_status() == JobStatus.FINISHED and job.retries_left < 4
    manifest = read_manifest(store, DOSSIER)
    assert sorted(d["doc_id"] for d in manifest["documents"]) == sorted(s.doc_id for s in subs)
    assert not conn.exists(pending_key(DOSSIER))


def test_redis_restarted_during_a_queued_backlog_the_backlog_resumes_and_completes(
    conn, pool, private_redis
):
    store = open_store(get_settings())
    n = 6
    for i in range(n):
        submit(scan(30 + i), store, conn, f"scan_{i}.png", code=DOSSIER, queue_name=BACKLOG)
    worker = pool.start()
    wait_until(lambda: len(records(store, DOSSIER)) >= 1, 90, "the backlog to be under way")
    private_redis.restart(down_s=2.0)
    try:
        wait_until(lambda: all_done(store, n), 120, "the backlog to complete after the restart")
    except AssertionError:
        states = [(r["doc_id"], r["status"], r.get("error")) for r in records(store, DOSSIER)]
        raise AssertionError(f"records: {states}\n{pool.logs()}") from None
    wait_until(lambda: not conn.exists(pending_key(DOSSIER)), 30, "the dossier to complete")
    assert worker.poll() is None, "the worker outlived the restart:\n" + pool.logs()
    manifest = read_manifest(store, DOSSIER)
    assert len(manifest["documents"]) == n
    assert all(d["status"] == "done" for d in manifest["documents"])


def test_status_shows_queued_documents_beside_the_stored_ones(conn, fault_env):
    store = open_store(get_settings())
    subs = [submit(scan(50 + i), store, conn, f"hồ sơ {i}.png", code=DOSSIER) for i in range(3)]
    runner = CliRunner()
    url = fault_env["DIGITIZE_REDIS_URL"]

    res = runner.invoke(main, ["status", DOSSIER, "--redis", url])
    assert res.exit_code == 0, res.output
    lines = [line.split() for line in res.stdout.splitlines()[1:]]
    assert sorted((w[0], w[1]) for w in lines) == sorted(("queued", s.doc_id) for s in subs)
    assert "3 document(s)" in res.stdout and "hồ sơ 0.png" in res.stdout

    build_worker(conn, simple=True).work(burst=True, max_jobs=1, logging_level="WARNING")
    res = runner.invoke(main, ["status", DOSSIER, "--redis", url, "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    (stored,) = body["documents"]
    assert stored["status"] == "done"
    assert sorted(q["doc_id"] for q in body["in_queue"]) == sorted(
        s.doc_id for s in subs if s.doc_id != stored["doc_id"]
    )
    assert {q["state"] for q in body["in_queue"]} == {"queued"}

    # Redis away: the stored documents are still shown, with a note, and no error.
    res = runner.invoke(main, ["status", DOSSIER, "--redis", "redis://127.0.0.1:1/0"])
    assert res.exit_code == 0, res.output
    assert "done" in res.stdout and "queued documents are not shown" in res.stderr
