"""What the archivist's view shows: a unit's backlog progress and its quality report.

Both are computed from what already exists, never from a second bookkeeping that could drift:
the stored manifests and records say what is done or failed, and Redis (the per-dossier set of
documents still waiting, and the RQ jobs) says what is queued or being read. A unit's dossiers
are those whose code begins with the unit code and a dash (``<unit>-<YYMMDD>-<NNNN>``).

Progress is polled every few seconds by an open page, so it reads the manifests (one object per
dossier) and reads a dossier's records again only when its manifest changed. The quality report
is asked for on demand and reads every record, because a clerk's correction changes a record
without touching its manifest. Its rows are the backlog report's rows (``workers.report.Row``),
so the CSV an archivist downloads has the columns ``digitize backlog`` already writes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from rq.job import Job, JobStatus

from digitize.errors import NotFound, StorageError, StorageUnavailable
from storage import Store, layout, read_manifest
from storage.base import decode_json_object
from workers.queues import KEY_PREFIX, job_id_for

from .auth import unit_of

READ_THREADS = 8
"""Records read at once from the store: S3 answers each GET in milliseconds, one after another
would make a report of thousands of documents wait on round trips."""

RATE_WINDOW_MIN = 10
"""Minutes over which pages per minute are counted (the most recent ones)."""

LIST_EVERY_S = 60.0
"""Seconds between two listings of the unit's dossiers by progress (see ``ProgressCache``)."""


def unit_dossiers(store: Store, unit: str) -> list[str]:
    """Codes of the unit's dossiers that have a manifest, sorted.

    The listing is by key prefix (``dossiers/<unit>-``), and each code found is checked to
    belong to the unit itself (unit ``A`` lists ``A-B-...`` too, which is unit ``A-B``'s).
    """
    prefix = f"{layout.DOSSIERS}/{unit}-"
    suffix = "/" + layout.MANIFEST
    codes = []
    for key in store.list(prefix):
        rest = key[len(layout.DOSSIERS) + 1 :]
        code = rest.split("/", 1)[0]
        if key.endswith(suffix) and rest.count("/") == 1 and unit_of(code) == unit:
            codes.append(code)
    return sorted(codes)


def waiting_documents(conn: redis.Redis, unit: str) -> dict[tuple[str, str], str]:
    """``(dossier code, doc_id) -> 'queued' | 'started'`` for the unit's documents in the queue.

    A document stays in its dossier's pending set from submission until its job ends (failed
    jobs waiting for a retry included), so the set is what is still to come; the job tells
    whether a worker is reading it now. Anything else (waiting for a worker or for a retry's
    time, or a job RQ no longer knows) counts as queued.
    """
    head, tail = f"{KEY_PREFIX}:dossier:", ":pending"
    out: dict[tuple[str, str], str] = {}
    for raw in conn.scan_iter(match=f"{head}{unit}-*{tail}", count=500):
        key = raw.decode() if isinstance(raw, bytes) else str(raw)
        code = key[len(head) : -len(tail)]
        if unit_of(code) != unit:
            continue
        for member in conn.smembers(key):
            doc_id = member.decode() if isinstance(member, bytes) else str(member)
            out[(code, doc_id)] = "queued"
    if not out:
        return out
    pairs = list(out)
    jobs = Job.fetch_many([job_id_for(c, d) for c, d in pairs], connection=conn)
    for pair, job in zip(pairs, jobs, strict=True):
        if job is not None and job.get_status(refresh=False) == JobStatus.STARTED:
            out[pair] = "started"
    return out


@dataclass(frozen=True)
class DocState:
    """One stored document as progress needs it."""

    doc_id: str
    status: str
    pages: int
    finished_at: datetime | None


class ProgressCache:
    """What progress can keep between two polls of an open page.

    The unit's dossier codes: listing a bucket by prefix walks every object of every dossier,
    so it is done at most every ``LIST_EVERY_S``; in between, the dossiers met in the queue are
    added as they appear (a dossier the desk sends to is in the queue before it is stored).
    Each dossier's document states: re-read only when its manifest's ``updated_at`` moves.
    Every finished document is written to its manifest (``upsert_manifest_entry``), a retried
    one too, so an unchanged ``updated_at`` means unchanged records for what progress shows.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dossiers: dict[tuple[str, str], tuple[str, list[DocState]]] = {}
        self._listed: dict[tuple[str, str], tuple[float, set[str]]] = {}

    def codes(self, store: Store, unit: str, waiting: set[str]) -> list[str]:
        """The unit's dossier codes: the last listing, with every dossier seen waiting since."""
        slot = (store.describe(), unit)
        now = time.monotonic()
        with self._lock:
            listed = self._listed.get(slot)
        if listed is None or now - listed[0] >= LIST_EVERY_S:
            fresh = (now, set(unit_dossiers(store, unit)))  # I/O outside the lock
            with self._lock:
                self._listed[slot] = listed = fresh
        with self._lock:
            listed[1].update(waiting)
            return sorted(listed[1])

    def states(self, store: Store, code: str, manifest: dict[str, Any]) -> list[DocState]:
        stamp = str(manifest.get("updated_at") or "")
        slot = (store.describe(), code)
        with self._lock:
            cached = self._dossiers.get(slot)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        entries = [e for e in manifest.get("documents") or [] if e.get("doc_id")]
        records = read_records(store, ((code, e["doc_id"]) for e in entries))
        states = []
        for entry in entries:
            record = records.get((code, entry["doc_id"])) or {}
            states.append(
                DocState(
                    doc_id=entry["doc_id"],
                    status=str(entry.get("status") or record.get("status") or "failed"),
                    pages=int(entry.get("pages") or record.get("pages") or 0),
                    finished_at=_parse_time(record.get("created_at")),
                )
            )
        with self._lock:
            self._dossiers[slot] = (stamp, states)
        return states


def progress(
    store: Store,
    conn: redis.Redis,
    unit: str,
    *,
    cache: ProgressCache,
    now: datetime | None = None,
    window_min: int = RATE_WINDOW_MIN,
) -> dict[str, Any]:
    """Documents done / failed / queued / started of the unit, pages and pages per minute.

    A document both stored as failed and back in the queue (a retry, a resubmission) counts
    once, as queued or started: that is where it is now.
    """
    now = now or datetime.now(UTC)
    waiting = waiting_documents(conn, unit)
    counts = {"done": 0, "failed": 0, "queued": 0, "started": 0}
    pages_done = pages_in_window = 0
    since = now - timedelta(minutes=window_min)
    last: datetime | None = None
    dossiers = {code for code, _ in waiting}
    for code in cache.codes(store, unit, dossiers):
        manifest = read_manifest(store, code) or {}
        for state in cache.states(store, code, manifest):
            dossiers.add(code)
            pair = (code, state.doc_id)
            if pair in waiting:
                continue
            status = "done" if state.status == "done" else "failed"
            counts[status] += 1
            pages_done += state.pages
            if state.finished_at is not None:
                last = state.finished_at if last is None else max(last, state.finished_at)
                if state.finished_at >= since:
                    pages_in_window += state.pages
    for state in waiting.values():
        counts[state] += 1
    rate = pages_in_window / window_min
    total = sum(counts.values())
    return {
        "unit": unit,
        "dossiers": len(dossiers),
        "documents": {"total": total, **counts},
        "pages_done": pages_done,
        "pages_per_minute": round(rate, 2),
        "window_minutes": window_min,
        "last_finished_at": last.isoformat() if last else None,
        "at": now.isoformat(timespec="seconds"),
    }


def read_records(
    store: Store, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The stored records of ``(dossier code, doc_id)`` pairs, read a few at a time.

    A record that is missing (a document being written) or damaged is left out rather than
    failing the whole report: the report is about the many, and one bad object must not hide
    them.
    """
    wanted = list(dict.fromkeys(pairs))

    def one(pair: tuple[str, str]) -> dict[str, Any] | None:
        key = layout.record_key(*pair)
        try:
            return decode_json_object(store.get_bytes(key), key=key, where=store.describe())
        except NotFound:
            return None
        except StorageUnavailable:
            raise
        except StorageError:  # not JSON, not an object: one bad record must not sink the rest
            return None

    if len(wanted) <= 1:
        results = [one(p) for p in wanted]
    else:
        with ThreadPoolExecutor(max_workers=min(READ_THREADS, len(wanted))) as pool:
            results = list(pool.map(one, wanted))
    return {p: r for p, r in zip(wanted, results, strict=True) if r is not None}


def unit_records(store: Store, unit: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(record key, record)`` of every stored document of the unit, dossier by dossier."""
    for code in unit_dossiers(store, unit):
        manifest = read_manifest(store, code) or {}
        pairs = [(code, e["doc_id"]) for e in manifest.get("documents") or [] if e.get("doc_id")]
        records = read_records(store, pairs)
        for pair in pairs:
            if pair in records:
                yield layout.record_key(*pair), records[pair]


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
