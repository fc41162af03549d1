"""Which documents of a dossier are still in the queue, and when a dossier is complete.

A dossier is complete when every document submitted to it is finished (done or failed) and
none is queued or being processed. Two workers can finish the last two documents at the same
moment; completion must still be announced exactly once. So "remove my document and see if
the set is now empty" is one atomic Lua script in Redis: only the worker whose removal empties
the set gets the completed batch, and the batch is taken in the same step. A marker key with
``SET NX`` then makes the announcement itself idempotent (a job re-run after a crash cannot
announce the same batch again).
"""

from __future__ import annotations

import hashlib
import logging

import redis
from rq.job import Job, JobStatus

from .queues import batch_key, job_id_for, notified_key, pending_key

log = logging.getLogger(__name__)

NOTIFIED_TTL_S = 7 * 24 * 3600
"""How long a completion marker is kept, in seconds; long enough to outlive any retry."""

_FINISH_LUA = """
local removed = redis.call('SREM', KEYS[1], ARGV[1])
if removed == 0 then return false end
if redis.call('SCARD', KEYS[1]) > 0 then return false end
local batch = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', KEYS[2])
return batch
"""


def mark_submitted(conn: redis.Redis, dossier_code: str, doc_id: str) -> bool:
    """Record a document as waiting; False when it was already waiting (one job per document)."""
    with conn.pipeline(transaction=True) as pipe:
        pipe.sadd(pending_key(dossier_code), doc_id)
        pipe.sadd(batch_key(dossier_code), doc_id)
        added, _ = pipe.execute()
    return bool(added)


def unmark(conn: redis.Redis, dossier_code: str, doc_id: str) -> None:
    """Forget a submission that could not be enqueued, so completion is not blocked by it."""
    with conn.pipeline(transaction=True) as pipe:
        pipe.srem(pending_key(dossier_code), doc_id)
        pipe.srem(batch_key(dossier_code), doc_id)
        pipe.execute()


def mark_finished(conn: redis.Redis, dossier_code: str, doc_id: str) -> list[str] | None:
    """Record a document as finished; the completed batch's doc_ids if this emptied the dossier.

    Returns ``None`` when other documents are still waiting, or when this document had already
    been marked finished (a duplicate run must not announce twice).
    """
    script = conn.register_script(_FINISH_LUA)
    batch = script(keys=[pending_key(dossier_code), batch_key(dossier_code)], args=[doc_id])
    if not batch:
        return None
    return sorted(b.decode() if isinstance(b, bytes) else str(b) for b in batch)


def claim_announcement(conn: redis.Redis, dossier_code: str, batch: list[str]) -> bool:
    """True for the one caller allowed to announce this completed batch."""
    digest = hashlib.sha256("\n".join(sorted(batch)).encode()).hexdigest()[:16]
    return bool(conn.set(notified_key(dossier_code, digest), "1", nx=True, ex=NOTIFIED_TTL_S))


def pending_documents(conn: redis.Redis, dossier_code: str) -> set[str]:
    """doc_ids of the dossier that are queued or being processed."""
    return {m.decode() for m in conn.smembers(pending_key(dossier_code))}


def is_pending(conn: redis.Redis, dossier_code: str, doc_id: str) -> bool:
    return bool(conn.sismember(pending_key(dossier_code), doc_id))


QUEUE_STATES = {
    JobStatus.QUEUED: "queued",
    JobStatus.DEFERRED: "queued",
    JobStatus.STARTED: "running",
    JobStatus.SCHEDULED: "retrying",
}
"""What ``digitize status`` says of a waiting document, by its job's RQ status."""

LOST = "lost"
"""What ``digitize status`` says of a waiting document whose job is no longer in Redis
(deleted, expired, or gone with a Redis restarted without persistence): no worker will read
it, so it must be submitted again (its original is still in the store)."""


def queue_states(conn: redis.Redis, dossier_code: str) -> list[dict[str, str]]:
    """The dossier's documents still in the queue: ``doc_id``, ``source_name`` and ``state``.

    ``state`` is ``queued``, ``running`` or ``retrying`` (waiting for a retry after a passing
    error); ``finishing`` for a job that ended while its document is not marked finished yet;
    :data:`LOST` for a document still waiting whose job Redis no longer has.
    """
    ids = sorted(pending_documents(conn, dossier_code))
    found = Job.fetch_many([job_id_for(dossier_code, d) for d in ids], connection=conn)
    out = []
    for doc_id, job in zip(ids, found, strict=True):
        if job is None:
            out.append({"doc_id": doc_id, "source_name": "", "state": LOST})
            continue
        status = job.get_status(refresh=False)
        name = str(job.args[3]) if len(job.args) == 5 else ""
        state = QUEUE_STATES.get(status, "finishing") if status else "queued"
        out.append({"doc_id": doc_id, "source_name": name, "state": state})
    return out
