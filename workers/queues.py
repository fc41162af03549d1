"""The queues, the Redis connection and the names that live in Redis.

Two standard RQ queues, so ``rq info`` shows them as they are:

- ``desk``: a clerk's scan while the citizen waits. Workers always look here first.
- ``backlog``: an archivist's bulk run. Taken only when ``desk`` is empty, so a desk scan never
  waits behind thousands of backlog pages (at most behind the one document being processed).

Job ids are derived from the dossier and the document, so a resubmitted file finds its job
instead of queueing a second one.
"""

from __future__ import annotations

import re

import redis
from rq import Queue

from digitize.errors import ConfigError, QueueUnavailable
from storage import layout

DESK = "desk"
BACKLOG = "backlog"
QUEUE_NAMES = (DESK, BACKLOG)
"""Every pipeline queue, in the order workers take from them (desk first)."""

KEY_PREFIX = "digitize"
"""Prefix of the project's own Redis keys (RQ keeps its ``rq:`` keys)."""

CONNECT_TIMEOUT_S = 5.0
"""How long to wait for Redis to accept a connection or answer a command, in seconds, when the
caller gives no ``timeout_s`` and no settings can be read (``DIGITIZE_REDIS_TIMEOUT_S``)."""


class RedisNotAnswering(QueueUnavailable):
    """Something accepts connections at the Redis address but does not answer in time."""

    hint = (
        "Check that the address is a Redis server and not another service on that port, and "
        "that it is not stuck (redis-cli -u URL ping); on a slow link raise "
        "DIGITIZE_REDIS_TIMEOUT_S."
    )


_JOB_ID_RE = re.compile(r"dz_([0-9a-f]+)_([A-Za-z0-9_-]+)")


def connect(url: str, *, timeout_s: float | None = None) -> redis.Redis:
    """A Redis connection checked with a ping, or :class:`QueueUnavailable` saying what to do.

    ``timeout_s`` (default ``DIGITIZE_REDIS_TIMEOUT_S``) bounds both the wait for the server to
    accept the connection and the wait for each answer, so a server that accepts and never
    answers is an error, not a hang. A worker, whose reads block on the queues for longer, makes
    room for them with :func:`allow_blocking_reads`.

    The URL is shown without its password: it may appear in a desk's terminal.
    """
    if timeout_s is None:
        timeout_s = _default_timeout()
    try:
        conn = redis.Redis.from_url(
            url,
            socket_connect_timeout=timeout_s,
            socket_timeout=timeout_s,
            health_check_interval=30,
        )
    except ValueError as exc:
        raise ConfigError(
            f"invalid Redis URL {_safe(url)!r}: {exc}",
            hint="Use redis://host:port/db (or rediss:// for TLS) in --redis or "
            "DIGITIZE_REDIS_URL.",
        ) from None
    try:
        conn.ping()
    except redis.exceptions.TimeoutError:
        raise RedisNotAnswering(
            f"Redis at {_safe(url)} accepted the connection but did not answer within "
            f"{timeout_s:g} s."
        ) from None
    except redis.exceptions.RedisError as exc:
        raise QueueUnavailable(
            f"Redis at {_safe(url)} did not answer ({type(exc).__name__})."
        ) from None
    return conn


def allow_blocking_reads(conn: redis.Redis, longest_wait_s: float, timeout_s: float) -> None:
    """Let ``conn`` wait ``longest_wait_s`` for an answer, plus ``timeout_s`` to spare.

    A worker blocks on its queues (BLMOVE) for up to its reap interval; a read timeout shorter
    than that would cut every wait short. A connection keeps the timeout it was opened with, so
    the ones already open (the ping of :func:`connect`) are closed, to be reopened with the new
    one. Never shortens a timeout (RQ's worker sets a longer one of its own).
    """
    kwargs = conn.connection_pool.connection_kwargs
    current = kwargs.get("socket_timeout")
    wanted = longest_wait_s + timeout_s
    if current is None or current >= wanted:
        return
    kwargs["socket_timeout"] = wanted
    conn.connection_pool.disconnect()
    conn.connection_pool.reset()


def _default_timeout() -> float:
    from pydantic import ValidationError

    from digitize.settings import get_settings

    try:
        return get_settings().redis_timeout_s
    except ValidationError:
        return CONNECT_TIMEOUT_S  # the command that reads the settings reports the bad value


def _safe(url: str) -> str:
    """The URL without credentials."""
    return re.sub(r"//[^@/]*@", "//***@", url)


def queue(name: str, conn: redis.Redis) -> Queue:
    if name not in QUEUE_NAMES:
        raise ConfigError(
            f"unknown queue {name!r}: use one of {', '.join(QUEUE_NAMES)}",
            hint="--queue desk for a clerk's scans, --queue backlog for bulk runs.",
        )
    return Queue(name, connection=conn)


def parse_queue_list(text: str) -> list[str]:
    """``"desk,backlog"`` -> ``["desk", "backlog"]``, checked; order is priority order."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise ConfigError("no queue given: use e.g. --queues desk,backlog")
    for n in names:
        if n not in QUEUE_NAMES:
            raise ConfigError(f"unknown queue {n!r} in --queues: use {', '.join(QUEUE_NAMES)}")
    return list(dict.fromkeys(names))


def job_id_for(dossier_code: str, doc_id: str) -> str:
    """The RQ job id of a document: ``dz_<doc_id>_<dossier code with '.' as '_'>``.

    RQ ids allow only letters, digits, ``_`` and ``-``; dossier codes never contain ``_``, so
    the mapping is one-to-one and the id names the document it processes.
    """
    layout.validate_dossier_code(dossier_code)
    layout.validate_doc_id(doc_id)
    return f"dz_{doc_id}_{dossier_code.replace('.', '_')}"


def parse_job_id(job_id: str) -> tuple[str, str] | None:
    """``(dossier_code, doc_id)`` of a job id made by :func:`job_id_for`, else ``None``."""
    m = _JOB_ID_RE.fullmatch(job_id)
    return (m.group(2).replace("_", "."), m.group(1)) if m else None


def pending_key(dossier_code: str) -> str:
    """Set of doc_ids submitted to a dossier and not finished yet."""
    return f"{KEY_PREFIX}:dossier:{dossier_code}:pending"


def batch_key(dossier_code: str) -> str:
    """Set of doc_ids submitted since the dossier last completed (what a webhook reports)."""
    return f"{KEY_PREFIX}:dossier:{dossier_code}:batch"


def notified_key(dossier_code: str, batch_digest: str) -> str:
    """Marker that a completion was announced; guards against a second send."""
    return f"{KEY_PREFIX}:dossier:{dossier_code}:notified:{batch_digest}"
