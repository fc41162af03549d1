# ruff: noqa: F811  (the fixtures of tests.faultkit are imported by name and requested)
"""Redis going away in the moments between a job leaving its queue and its work starting.

A real private redis-server is stopped at the exact step of a real worker (in this process, so
the step is known), then started again; a second worker must take the document up and store it
``done``. Before, the job was left in no queue and no registry and the document never ended.
"""

from __future__ import annotations

import pytest
import redis

from digitize.settings import get_settings
from storage import open_store
from tests.faultkit import conn, fault_env, private_redis, private_s3, wait_until  # noqa: F401
from tests.test_workers import records, scan, submit
from workers import recovery
from workers.queues import BACKLOG, pending_key
from workers.worker import build_worker

DOSSIER = "000.00.12.H57-261130-0215"


class _StopsRedisBeforeExecution(recovery.DigitizeSimpleWorker):
    """Redis goes away once the job is off its queue, before its execution is recorded."""

    redis_server = None

    def prepare_execution(self, job):
        self.redis_server.stop()
        return super().prepare_execution(job)


class _StopsRedisBeforeWork(recovery.DigitizeSimpleWorker):
    """Redis goes away once the execution is recorded, before the job itself reaches Redis."""

    redis_server = None

    def perform_job(self, job, queue, execution):
        self.redis_server.stop()
        return super().perform_job(job, queue, execution)


def _worker(cls, conn, server):
    worker = cls(["desk", BACKLOG], connection=conn)
    worker.configure(get_settings())
    worker.redis_server = server
    return worker


# RQ's listener thread for commands dies noisily when Redis goes away under it; not the subject.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
@pytest.mark.parametrize("cls", [_StopsRedisBeforeExecution, _StopsRedisBeforeWork])
def test_redis_lost_between_dequeue_and_work_the_document_is_taken_up(cls, conn, private_redis):
    store = open_store(get_settings())
    sub = submit(scan(70), store, conn, "scan_70.png", code=DOSSIER, queue_name=BACKLOG)
    worker = _worker(cls, conn, private_redis)
    try:
        with pytest.raises(redis.exceptions.ConnectionError):
            worker.work(burst=True, logging_level="WARNING")
    finally:
        private_redis.start()
    assert records(store, DOSSIER) == []

    # Each worker reaps as it starts, then works the queues until they are empty.
    wait_until(
        lambda: build_worker(conn, simple=True).work(burst=True, logging_level="WARNING"),
        30,
        "a worker to take the job up and run it",
        poll=0.5,
    )
    (rec,) = records(store, DOSSIER)
    assert rec["doc_id"] == sub.doc_id and rec["status"] == "done"
    assert not conn.exists(pending_key(DOSSIER))
