"""Work lost with a worker is taken up again; a worker outlives a Redis restart.

A worker can die in the middle of a job without a word: killed with SIGKILL, by the kernel for
lack of memory, or with its machine. RQ alone then leaves the document waiting: a killed work
horse ends its job ``failed`` without calling the job's failure callback, and a dead worker's
job stays in the started-job registry until some worker's ten-minute maintenance finds it, and
is then failed. Either way the dossier never completes and its webhook never fires.

So the workers here (:class:`DigitizeWorker`, :class:`DigitizeSimpleWorker`):

- heartbeat a running job every third of ``DIGITIZE_WORKER_LOST_AFTER_S``, and let its entry in
  the started-job registry expire after that many seconds of silence (RQ's margin is fixed at
  90 s or more);
- look for expired entries every ``DIGITIZE_WORKER_REAP_INTERVAL_S`` while idle (one worker at
  a time, under a short lock) with RQ's own registry cleanup, which calls the job's failure
  callback with ``AbandonedJobError`` and then retries the job if it has a retry left;
- take a job up again, in both cases, by :func:`take_over`: it gives the job one more retry,
  due at once, without spending one of the retries meant for passing errors. After
  ``DIGITIZE_JOB_MAX_LOST`` take-overs the document fails as ``worker_lost`` instead (a scan
  that kills its worker every time must not kill workers for ever).

A worker killed alone (not its horse: RQ gives the horse a session of its own) leaves the
horse to finish its job; the job may then be taken up as well once the worker's silence
lasts, and done twice. Running a document twice is harmless by construction: a document
already stored ``done`` is not read again (its manifest entry is put right if the crash came
between the two writes), the record and manifest entry are keyed by doc_id, and the dossier's
completion is claimed once.

:func:`work_until_stopped` runs a worker again when it stops for a lost Redis connection (RQ's
own loop gives up on a timeout or an error outside its wait for jobs), after waiting with
backoff for Redis to answer, so a Redis restart costs a pause, not the worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rq import SimpleWorker, Worker
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry, clean_registries
from rq.utils import now
from rq.worker_registration import clean_worker_registry

from digitize.errors import WorkerLost
from digitize.settings import Settings, get_settings

from .dequeue import ReliableQueue, start_execution
from .queues import KEY_PREFIX

log = logging.getLogger(__name__)

LOST_META = "digitize_lost"
"""Job meta key counting how many times the job's worker died under it."""

REDIS_BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)
"""Waits between two tries to reach Redis again; the last one repeats."""

T = TypeVar("T")


def reaper_lock_key(queue_name: str) -> str:
    return f"{KEY_PREFIX}:reaper:{queue_name}"


def take_over(job: Job, settings: Settings | None = None) -> bool:
    """Give ``job`` one more immediate attempt after its worker died; False when out of them.

    Only the in-memory job is changed; RQ saves it when it requeues it (``job.retry``). A zero
    is put in front of the retry intervals so that this attempt starts at once and the waits
    of the remaining retries stay as configured.
    """
    settings = settings or get_settings()
    lost = int(job.meta.get(LOST_META, 0)) + 1
    job.meta[LOST_META] = lost
    job.save_meta()  # RQ's requeue does not write the meta
    if lost > settings.job_max_lost:
        job.retries_left = 0
        log.warning("job %s: its worker died %d times; the document fails", job.id, lost)
        return False
    job.retries_left = (job.retries_left or 0) + 1
    job.retry_intervals = [0, *(job.retry_intervals or [])]
    log.warning(
        "job %s: its worker died; taken up again (%d of %d)", job.id, lost, settings.job_max_lost
    )
    return True


def lost_error(source_name: str, times: int) -> WorkerLost:
    return WorkerLost(
        f"{source_name}: the worker processing it died {times} time(s) (killed or out of memory)."
    )


class _Recovering:
    """What both worker classes add to RQ's: short liveness, frequent reaping, take-overs."""

    lost_after_s: int = 60
    reap_interval_s: int = 15
    _last_reaped: float | None = None
    # A job is never only in the worker's memory between its queue and its start: see
    # :mod:`workers.dequeue`.
    queue_class = ReliableQueue

    def configure(self, settings: Settings) -> None:
        self.lost_after_s = settings.worker_lost_after_s
        self.reap_interval_s = settings.worker_reap_interval_s
        # A heartbeat every third of the allowed silence: two may be late before it counts.
        self.job_monitoring_interval = max(1, self.lost_after_s // 3)
        # RQ blocks on the queues for worker_ttl - 15 s; waking up as often as we reap.
        self.worker_ttl = self.reap_interval_s + 15

    def prepare_execution(self, job: Job) -> Any:
        """Record the execution, mark the job started and take it off the intermediate list,
        in one transaction (RQ does the first alone, and leaves the job ``queued``)."""
        return start_execution(self, job)

    def clean_registries(self) -> None:
        """RQ's registry maintenance without its intermediate-list cleanup, which fails a job
        left there for a minute without its failure callback: :meth:`reap` takes such a job up
        after the allowed silence instead."""
        for queue in self.queues:  # type: ignore[attr-defined]
            if queue.acquire_maintenance_lock():
                clean_registries(queue, self._exc_handlers)  # type: ignore[attr-defined]
                clean_worker_registry(queue)
                queue.release_maintenance_lock()
        self.last_cleaned_at = now()

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """How long the job's registry entry lives without a heartbeat: the allowed silence."""
        return self.lost_after_s

    @property
    def should_run_maintenance_tasks(self) -> bool:
        due = self._last_reaped is None or (
            time.monotonic() - self._last_reaped >= self.reap_interval_s
        )
        return due or super().should_run_maintenance_tasks  # type: ignore[misc]

    def run_maintenance_tasks(self) -> None:
        if super().should_run_maintenance_tasks:  # type: ignore[misc]
            super().run_maintenance_tasks()  # type: ignore[misc]
        else:
            # The scheduler (due retries) may have died with a killed worker or a Redis
            # restart; its lock lapses in a minute, and a live worker takes it over then.
            scheduler = getattr(self, "scheduler", None)
            if scheduler and (not scheduler._process or not scheduler._process.is_alive()):
                scheduler.acquire_locks(auto_start=True)
        self.reap()

    def reap(self) -> int:
        """Hand the expired started jobs of this worker's queues to RQ's cleanup; how many."""
        self._last_reaped = time.monotonic()
        found = 0
        for queue in self.queues:  # type: ignore[attr-defined]
            conn = queue.connection
            if not conn.set(reaper_lock_key(queue.name), "1", nx=True, ex=self.reap_interval_s):
                continue  # another worker is reaping this queue right now
            try:
                registry = StartedJobRegistry(queue.name, connection=conn)
                found += len(registry.get_expired_job_ids())
                registry.cleanup(exception_handlers=self._exc_handlers)  # type: ignore[attr-defined]
                found += self._reap_dequeued(queue)
            finally:
                conn.delete(reaper_lock_key(queue.name))
        return found

    def _reap_dequeued(self, queue: Any) -> int:
        """Jobs taken off the queue by a worker that died before it started them.

        RQ moves a job to an intermediate list when a worker takes it and to the started-job
        registry when the job starts; a worker lost in between leaves it in the list, where
        RQ's own ten-minute maintenance fails it without its failure callback (the document
        would wait for ever). Here such a job is taken up like any other after the allowed
        silence, counted from when a reaper first saw it there.
        """
        inter = queue.intermediate_queue
        taken = 0
        for job_id in inter.get_job_ids():
            if job_id in queue.started_job_registry:
                continue
            job = queue.fetch_job(job_id)
            if job is None or job.get_status(refresh=False) != JobStatus.QUEUED:
                # Gone, or started since (an entry left over): nothing to take up.
                inter.remove(job_id)
                queue.connection.delete(inter.get_first_seen_key(job_id))
                continue
            if inter.set_first_seen(job_id):
                continue
            first = inter.get_first_seen(job_id)
            if first is None or (now() - first).total_seconds() < self.lost_after_s:
                continue
            if not take_over(job):
                from . import jobs

                jobs.fail_lost_job(job, queue.connection, int(job.meta.get(LOST_META, 0)))
            self.handle_job_failure(job, queue, exc_string="worker lost before the job started")  # type: ignore[attr-defined]
            inter.remove(job_id)
            queue.connection.delete(inter.get_first_seen_key(job_id))
            taken += 1
        return taken


class DigitizeWorker(_Recovering, Worker):
    """RQ's forking worker; a horse killed under a job gets the job taken up again."""

    def handle_work_horse_killed(self, job: Job, retpid: int, ret_val: int, rusage: Any) -> None:
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        if take_over(job):
            return  # RQ's failure handling that follows sees the retry and requeues the job
        # Out of take-overs: RQ fails the job without calling its failure callback, so the
        # document gets its failed record and is marked finished here.
        from . import jobs

        times = int(job.meta.get(LOST_META, 0))
        jobs.fail_lost_job(job, self.connection, times)


class DigitizeSimpleWorker(_Recovering, SimpleWorker):
    """Jobs in the worker's own process (``--no-fork``); only a peer can reap its jobs."""


def with_redis_retry(what: str, fn: Callable[[], T], *, budget_s: float = 60.0) -> T:
    """``fn()``, tried again with backoff while Redis does not answer, for up to ``budget_s``."""
    deadline = time.monotonic() + budget_s
    attempt = 0
    while True:
        try:
            return fn()
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            wait = REDIS_BACKOFF_S[min(attempt, len(REDIS_BACKOFF_S) - 1)]
            if time.monotonic() + wait > deadline:
                raise
            log.warning(
                "%s: Redis did not answer (%s); trying again in %g s",
                what,
                type(exc).__name__,
                wait,
            )
            time.sleep(wait)
            attempt += 1


def wait_for_redis(conn: redis.Redis, stop: Callable[[], bool] | None = None) -> bool:
    """Block until Redis answers a ping (backing off), or until ``stop()``; True if it answered."""
    attempt = 0
    while not (stop and stop()):
        try:
            conn.ping()
            return True
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            time.sleep(REDIS_BACKOFF_S[min(attempt, len(REDIS_BACKOFF_S) - 1)])
            attempt += 1
    return False


def work_until_stopped(
    make_worker: Callable[[], Worker], conn: redis.Redis, *, burst: bool, **work_args: Any
) -> bool:
    """Run workers from ``make_worker`` until one stops on request (or, in burst mode, finds
    nothing to do); a worker that stopped because Redis went away is replaced once Redis
    answers again. True if any job ran."""
    worked = False
    while True:
        worker = make_worker()
        failed = False
        try:
            worked = bool(worker.work(burst=burst, **work_args)) or worked
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            failed = True  # raised by the worker's own teardown while Redis is away
            log.warning("worker %s lost Redis (%s)", worker.name, type(exc).__name__)
        if worker._stop_requested or worker._shutdown_requested_date is not None:
            return worked  # stopped on request (SIGINT, SIGTERM)
        _wait_for_horse(worker)
        if not wait_for_redis(conn):
            return worked
        if failed or not burst:
            _release_scheduler(worker)
        if not failed and burst and _queues_empty(worker):
            return worked
        if not burst or failed:
            log.warning("worker %s stopped; starting a new one", worker.name)


def _wait_for_horse(worker: Worker) -> None:
    """A horse left running by a worker that gave up finishes its job before the next starts."""
    pid = getattr(worker, "_horse_pid", 0)
    if not pid:
        return
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _release_scheduler(worker: Worker) -> None:
    """Free the scheduler locks of a worker that gave up: its scheduler is stopped, and due
    retries would otherwise wait a minute for the locks to lapse before another takes them."""
    scheduler = getattr(worker, "scheduler", None)
    if scheduler is None:
        return
    try:
        scheduler.release_locks()
    except redis.exceptions.RedisError as exc:
        log.warning("scheduler locks left to expire (%s)", type(exc).__name__)


def _queues_empty(worker: Worker) -> bool:
    try:
        return all(q.count == 0 for q in worker.queues)
    except redis.exceptions.RedisError:
        return False
