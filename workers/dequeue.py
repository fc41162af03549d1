"""Taking a job off its queue so that no moment exists when Redis alone has forgotten it.

RQ takes a job from several queues with ``BLPOP``: from that reply until the worker records the
job's execution in the started-job registry, the job id lives only in the worker's memory. A
Redis restart (or a worker lost) in that moment loses the document for good: it is in no queue,
no registry, and its status still says ``queued``. RQ avoids this for a single queue only, by
moving the id to the queue's intermediate list with ``BLMOVE``; so here every queue is read that
way, in priority order:

- the job id moves from the queue to its intermediate list in one command (``LMOVE``), so it is
  always in one of the two lists;
- :func:`start_execution` then records the execution in the started-job registry, marks the job
  ``started`` and takes the id off the intermediate list in one transaction, so the id is
  always in the intermediate list or in the registry as a started job; the reaper
  (:mod:`workers.recovery`) takes up a job left in either place.

Marking the job ``started`` there, and not later in the work horse as RQ does, matters: RQ's
cleanup of expired registry entries passes over a job that is not ``started``, and removes its
entry, so a horse that never reached Redis would otherwise lose its job the same way.

Waiting for work with several queues, the worker blocks on the first (the desk: a clerk's scan
is taken at once) for :data:`LOWER_QUEUES_POLL_S` at a time and looks at the others between two
waits; a backlog document waits at most that long more when the desk is idle.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from redis import Redis
from rq import Queue
from rq.exceptions import DequeueTimeout
from rq.executions import Execution
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job, JobStatus
from rq.utils import as_text, get_version
from rq.worker.base import WorkerStatus

LOWER_QUEUES_POLL_S = 0.5
"""Longest wait on the first queue before the lower-priority queues are looked at, seconds."""

LMOVE_SINCE = (6, 2, 0)
"""The Redis version that has ``LMOVE``; older servers get RQ's own dequeue."""


class ReliableQueue(Queue):
    """An RQ queue whose workers take jobs through the intermediate list, whatever their number
    of queues."""

    @classmethod
    def dequeue_any(  # type: ignore[override]
        cls,
        queues: Iterable[Queue],
        timeout: int | None,
        connection: Redis,
        job_class: type[Job] | None = None,
        serializer: Any = None,
        death_penalty_class: Any = None,
    ) -> tuple[Job, Queue] | None:
        """The first job of the first non-empty queue, its id moved to the intermediate list.

        ``timeout`` ``None`` does not wait; otherwise waits up to ``timeout`` seconds and raises
        :class:`DequeueTimeout`, as RQ's own does.
        """
        queues = list(queues)
        keys = [q.key for q in queues]
        if get_version(connection) < LMOVE_SINCE:
            return super().dequeue_any(
                queues, timeout, connection, job_class, serializer, death_penalty_class
            )
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            found = _move_first(connection, keys, deadline)
            if found is None:
                if deadline is None:
                    return None
                raise DequeueTimeout(timeout, keys)
            queue_key, job_id = found
            result = cls._fetch_dequeued_job(
                connection,
                queue_key,
                job_id,
                job_class=job_class,
                serializer=serializer,
                death_penalty_class=death_penalty_class,
            )
            if result is not None:
                return result
            # The job's data is gone (deleted or expired): nothing to run, nothing to keep.
            connection.lrem(IntermediateQueue.get_intermediate_queue_key(queue_key), 1, job_id)


def _move_first(
    connection: Redis, keys: list[str], deadline: float | None
) -> tuple[str, str] | None:
    """Move the head of the first non-empty queue to its intermediate list; (queue key, id).

    Waits until ``deadline`` (``time.monotonic()``) when given, blocking on the first queue.
    """
    while True:
        for key in keys:
            job_id = connection.lmove(key, IntermediateQueue.get_intermediate_queue_key(key))
            if job_id is not None:
                return key, as_text(job_id)
        if deadline is None:
            return None
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        first = keys[0]
        wait = left if len(keys) == 1 else min(left, LOWER_QUEUES_POLL_S)
        job_id = connection.blmove(
            first, IntermediateQueue.get_intermediate_queue_key(first), max(wait, 0.01)
        )
        if job_id is not None:
            return first, as_text(job_id)


def start_execution(worker: Any, job: Job) -> Execution:
    """Record ``job``'s execution by ``worker``, as RQ's ``prepare_execution`` does, and in the
    same transaction mark it started and take it off its queue's intermediate list."""
    with worker.connection.pipeline() as pipe:
        ttl = worker.get_heartbeat_ttl(job)
        execution = Execution.create(job, ttl, pipeline=pipe, worker_name=worker.name)
        worker.executions[execution.id] = execution
        worker.set_state(WorkerStatus.BUSY, pipeline=pipe)
        job.set_status(JobStatus.STARTED, pipeline=pipe)
        queue_key = f"{Queue.redis_queue_namespace_prefix}{job.origin}"
        inter = IntermediateQueue(queue_key, worker.connection)
        pipe.lrem(inter.key, 1, job.id)
        # A reaper that saw the job waiting must not count that wait against its next pass.
        pipe.delete(inter.get_first_seen_key(job.id))
        pipe.execute()
    return execution
