"""RQ jobs and the worker entry point: the queued way of running the same pipeline.

``submit`` stores a document's original and queues a job on ``desk`` or ``backlog``; a worker
(``digitize worker``) takes desk jobs first, loads the original from the store and makes the
same :func:`~digitize.pipeline.process_document` call as ``digitize run``. Redis tracks which
documents of each dossier are still waiting, so a dossier's completion is announced once.
"""

from __future__ import annotations

from .jobs import RETRYABLE_CODES, process_stored_document
from .queues import BACKLOG, DESK, QUEUE_NAMES, connect, job_id_for
from .submit import Submission, submit_document
from .worker import build_worker, run_worker

__all__ = [
    "BACKLOG",
    "DESK",
    "QUEUE_NAMES",
    "RETRYABLE_CODES",
    "Submission",
    "build_worker",
    "connect",
    "job_id_for",
    "process_stored_document",
    "run_worker",
    "submit_document",
]
