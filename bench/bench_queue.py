"""Benchmark: queue throughput with 1 and 2 worker processes, and the queue's cost per document.

Not a test. Generates N small one-page scans, then:

1. processes them in this process with ``process_document`` (the pipeline's own time);
2. queues them for 1 worker process, then for 2 (``digitize worker`` subprocesses started and
   idle before the documents are queued, so their start-up is not counted);
3. prints a Markdown table: documents per minute, the 2-worker / 1-worker ratio, and the
   overhead per document: dispatch (from enqueue, or from the previous job's end, to the job's
   start: fork, fetch, registries) plus bookkeeping inside the job (job time minus the
   pipeline's own seconds: loading the original, tracking, result), compared with the
   pipeline's in-process time.

Usage: ``.venv/bin/python -m bench.bench_queue [-n 16] [--redis redis://127.0.0.1:6379/15]``.
The Redis database given is flushed: never point it at a database in use.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from rq import Worker
from rq.job import Job, JobStatus

from digitize.pipeline import process_document
from digitize.settings import Settings
from storage import LocalStore
from tests.pages import LINES, draw_page, encode
from workers import DESK, submit_document

ROOT = Path(__file__).resolve().parents[1]
DOSSIER = "000.00.12.H57-261122-0900"


def make_scans(n: int) -> list[bytes]:
    """One-page 200 dpi scans, each distinct (a different document number)."""
    return [
        encode(draw_page((*LINES, f"Số: {i}/2024/QĐ-UBND"), dpi=200), "PNG", dpi=200)
        for i in range(n)
    ]


def in_process(scans: list[bytes], settings: Settings) -> tuple[float, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalStore(tmp)
        started = time.monotonic()
        seconds = [
            process_document(
                d, source_name=f"s{i}.png", dossier_code=DOSSIER, store=store, settings=settings
            ).seconds
            for i, d in enumerate(scans)
        ]
        return time.monotonic() - started, seconds


def queued(
    scans: list[bytes], n_workers: int, url: str, settings: Settings, no_fork: bool = False
) -> dict[str, float]:
    conn = redis.Redis.from_url(url)
    conn.flushdb()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DIGITIZE_STORE": tmp, "DIGITIZE_REDIS_URL": url}
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "digitize", "worker", "--queues", DESK]
                + (["--no-fork"] if no_fork else []),
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(n_workers)
        ]
        try:
            deadline = time.monotonic() + 60
            while len(Worker.all(connection=conn)) < n_workers:
                if time.monotonic() > deadline:
                    raise SystemExit("workers did not start")
                time.sleep(0.1)
            time.sleep(0.5)  # let them settle into listening
            store = LocalStore(tmp)
            ids = []
            for i, data in enumerate(scans):
                sub = submit_document(
                    data,
                    source_name=f"s{i}.png",
                    dossier_code=DOSSIER,
                    store=store,
                    conn=conn,
                    settings=settings,
                )
                ids.append(sub.job_id)
            while True:
                jobs = Job.fetch_many(ids, connection=conn)
                if all(
                    j.get_status(refresh=False) in (JobStatus.FINISHED, JobStatus.FAILED)
                    for j in jobs
                ):
                    break
                time.sleep(0.05)
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(timeout=30)
    return _timings(jobs)


def _timings(jobs: list[Job]) -> dict[str, float]:
    first = min(j.enqueued_at for j in jobs)
    last = max(j.ended_at for j in jobs)
    wall = (last - first).total_seconds()
    dispatch: list[float] = []
    by_worker: dict[str, list[Job]] = {}
    for j in jobs:
        by_worker.setdefault(j.worker_name or "?", []).append(j)
    for js in by_worker.values():
        js.sort(key=lambda j: j.started_at)
        prev_end = None
        for j in js:
            since = j.enqueued_at if prev_end is None else max(prev_end, j.enqueued_at)
            dispatch.append((j.started_at - since).total_seconds())
            prev_end = j.ended_at
    bookkeeping = [
        (j.ended_at - j.started_at).total_seconds() - j.return_value()["seconds"] for j in jobs
    ]
    return {
        "wall": wall,
        "docs_per_min": len(jobs) * 60 / wall,
        "dispatch_ms": statistics.mean(dispatch) * 1000,
        "bookkeeping_ms": statistics.mean(bookkeeping) * 1000,
        "pipeline_s": statistics.mean(j.return_value()["seconds"] for j in jobs),
        "done": sum(j.return_value()["status"] == "done" for j in jobs),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=16, help="documents (default 16)")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="flushed; not db 0")
    ap.add_argument("--no-fork", action="store_true", help="workers run jobs without forking")
    args = ap.parse_args()
    if args.redis.rstrip("/").endswith(("/0", ":6379")):
        raise SystemExit("refusing to flush Redis database 0: pass --redis .../15")
    settings = Settings()
    scans = make_scans(args.n)
    in_process(scans[:2], settings)  # warm-up: imports, Tesseract's first start
    wall_in, secs = in_process(scans, settings)
    one = queued(scans, 1, args.redis, settings, args.no_fork)
    two = queued(scans, 2, args.redis, settings, args.no_fork)
    per_doc_in = wall_in / args.n
    load = os.getloadavg()[0]
    kind = "no-fork workers" if args.no_fork else "forking workers"
    print(
        f"\n{args.n} one-page documents (200 dpi), {kind}, {os.cpu_count()} CPU(s), "
        f"load average {load:.1f}\n"
    )
    print("| run | docs/min | wall s | pipeline s/doc | dispatch ms/doc | bookkeeping ms/doc |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| in-process | {args.n * 60 / wall_in:.1f} | {wall_in:.2f} | "
        f"{statistics.mean(secs):.3f} | - | - |"
    )
    for name, r in (("1 worker", one), ("2 workers", two)):
        print(
            f"| {name} | {r['docs_per_min']:.1f} | {r['wall']:.2f} | {r['pipeline_s']:.3f} | "
            f"{r['dispatch_ms']:.1f} | {r['bookkeeping_ms']:.1f} |"
        )
    overhead = one["dispatch_ms"] + one["bookkeeping_ms"]
    wall_overhead = (one["wall"] / args.n - per_doc_in) * 1000
    print(
        f"\n2 workers / 1 worker: **{two['docs_per_min'] / one['docs_per_min']:.2f}x** "
        f"(target >= 1.8x)"
    )
    print(
        f"queue overhead per document (1 worker): dispatch + bookkeeping = "
        f"**{overhead:.1f} ms** (target < 50 ms); wall-clock difference with in-process: "
        f"{wall_overhead:.1f} ms"
    )
    print(f"documents done: 1 worker {one['done']}/{args.n}, 2 workers {two['done']}/{args.n}")


if __name__ == "__main__":
    main()
