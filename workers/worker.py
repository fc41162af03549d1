"""The worker entry point: a standard RQ worker on the pipeline queues, desk first.

It is a plain ``rq.Worker`` (one forked work horse per job), so ``rq info`` and the other RQ
tools see it, a crash or a runaway Tesseract costs one job, and the job time limit is enforced
by killing the horse. Before listening, the parent imports the pipeline, checks Tesseract, reads
the classifiers' data and opens (and checks) the default store, so every forked horse starts
warm; each horse still builds its own S3 client (``S3Store`` rebuilds it after a fork).

The scheduler runs inside the worker, so retries with a wait (``Retry(interval=...)``) come
back on their own; in ``--burst`` mode due retries are picked up at start.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Sequence

import redis
from rq import Worker

from digitize.errors import ConfigError, DigitizeError
from digitize.settings import Settings, get_settings
from digitize.signing import unit_key
from storage import open_store

from . import jobs, recovery
from .queues import QUEUE_NAMES, allow_blocking_reads, queue
from .submit import check_timeouts

log = logging.getLogger(__name__)


def warm_store(settings: Settings) -> None:
    """Open the default store once in the parent so forked horses inherit it ready.

    Never fatal: a store that is down now may be up when the first job comes (and jobs that
    meet it down are retried).
    """
    try:
        store = open_store(settings)
        # The first request builds the client and creates the bucket when missing.
        next(iter(store.list("dossiers/")), None)
    except ConfigError:
        raise  # a wrong setting is not an outage: the worker stops, as every command does
    except DigitizeError as exc:
        log.warning("store %s not ready yet (%s)", settings.store, exc.code)
        return
    jobs.register_store(store)


def warm_pipeline(settings: Settings) -> None:
    """Do once in the parent what every job would otherwise redo after its fork: check
    Tesseract and its languages (two program runs) and read the classifiers' data files."""
    import classifiers
    from digitize import tesseract

    try:
        tesseract.require_languages(settings.lang)
    except DigitizeError as exc:
        log.warning("Tesseract not ready (%s); jobs will fail until it is installed", exc.code)
    classifiers.warm()


def build_worker(
    conn: redis.Redis,
    queues: Sequence[str] = QUEUE_NAMES,
    *,
    simple: bool = False,
    settings: Settings | None = None,
) -> Worker:
    """A worker listening on ``queues`` in priority order, taking up dead workers' jobs."""
    settings = settings or get_settings()
    # The worker blocks on its queues for up to the reap interval: the connection's read
    # timeout (DIGITIZE_REDIS_TIMEOUT_S) must not cut that wait short.
    allow_blocking_reads(conn, settings.worker_reap_interval_s, settings.redis_timeout_s)
    cls = recovery.DigitizeSimpleWorker if simple else recovery.DigitizeWorker
    # By name: the worker builds the queues of its own class (see workers.dequeue).
    worker = cls([queue(q, conn).name for q in queues], connection=conn)
    worker.configure(settings)
    return worker


def run_worker(
    conn: redis.Redis,
    settings: Settings,
    *,
    queues: Sequence[str] = QUEUE_NAMES,
    burst: bool = False,
    simple: bool = False,
    logging_level: str = "INFO",
) -> bool:
    """Work until stopped (or until the queues are empty with ``burst``); True if any job ran."""
    check_timeouts(settings)
    # The unit's signing key is loaded once here (horses inherit it); a bad one stops the
    # worker before it takes a job, as a configuration error.
    unit_key(settings)
    warm_store(settings)
    warm_pipeline(settings)
    # Everything imported so far is shared with each forked horse; freezing it keeps the
    # collector from touching (and so copying) those pages in every child.
    gc.collect()
    gc.freeze()
    return recovery.work_until_stopped(
        lambda: build_worker(conn, queues, simple=simple, settings=settings),
        conn,
        burst=burst,
        with_scheduler=True,
        logging_level=logging_level,
    )
