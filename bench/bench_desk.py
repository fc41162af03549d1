"""Benchmark: a desk upload through the HTTP API until its type and fields can be shown.

Not a test. Starts ``digitize serve`` and two ``digitize worker`` processes (subprocesses, on
a temporary local store and the Redis database given), waits until all three are ready, then
uploads a one-page scan N times, one after another as a clerk would, each into a new dossier
(so each is a new document), and times upload -> the record endpoint answering 200 with a
document type and fields (polled every ``POLL_S``). The baseline, measured in the same run, is
the pipeline's own time for the same scan in this process (``process_document``); the
difference is what the API and the queue add.

Usage: ``.venv/bin/python -m bench.bench_desk [-n 20] [--redis redis://127.0.0.1:6379/15]``.
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

import httpx
import redis
from rq import Worker
from rq.job import Job

from digitize.api.auth import create_key
from digitize.pipeline import process_document
from digitize.settings import Settings
from storage import LocalStore
from tests.fixtures_redis import _free_port

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "samples" / "000.00.12.H57-261122-0001" / "don_de_nghi_office_scan.png"
UNIT = "000.00.12.H57"
POLL_S = 0.05
"""Interval between two reads of the record endpoint, seconds."""
GIVE_UP_S = 300.0
"""An upload not read after this long stops the benchmark (a worker died), seconds."""
TARGET_S = 5.0
"""Median upload-to-fields time the desk needs, seconds."""


def baseline(data: bytes, runs: int = 3) -> float:
    """Median seconds of the pipeline itself on the scan, in this process (warm)."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(store=tmp)
        for i in range(runs + 1):
            outcome = process_document(
                data,
                source_name=SCAN.name,
                dossier_code=f"{UNIT}-261130-{9000 + i}",
                store=LocalStore(tmp),
                settings=settings,
            )
            if i:  # the first run warms the caches and is not counted
                times.append(outcome.seconds)
    return statistics.median(times)


def _wait_ready(base: str, conn: redis.Redis, workers: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            up = httpx.get(f"{base}/openapi.json", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            up = False
        if up and len(Worker.all(connection=conn)) >= workers:
            return
        time.sleep(0.2)
    raise SystemExit("the API or the workers did not start within a minute")


def upload_until_read(client: httpx.Client, data: bytes, code: str) -> tuple[float, str]:
    """Seconds from the upload to the record with a type and fields, and the job's id."""
    started = time.monotonic()
    up = client.post(
        f"/v1/dossiers/{code}/documents", files={"files": (SCAN.name, data, "image/png")}
    )
    up.raise_for_status()
    doc_id, job_id = (up.json()["documents"][0][k] for k in ("doc_id", "job_id"))
    while time.monotonic() - started < GIVE_UP_S:
        r = client.get(f"/v1/dossiers/{code}/documents/{doc_id}")
        if r.status_code == 200:
            record = r.json()
            if record["status"] != "done":
                raise SystemExit(f"{code}: the document failed: {record['error']}")
            if record["document_type"]["code"] != "unknown" and record["fields"]:
                return time.monotonic() - started, job_id
        time.sleep(POLL_S)
    raise SystemExit(f"{code}: not read after {GIVE_UP_S:g} s; are the workers running?")


def _job_times(conn: redis.Redis, job_ids: list[str]) -> tuple[list[float], list[float]]:
    """Per job: seconds queued (enqueue -> start) and seconds running (start -> end)."""
    waits, runs = [], []
    for job in Job.fetch_many(job_ids, connection=conn):
        if job is None or not (job.enqueued_at and job.started_at and job.ended_at):
            continue
        waits.append((job.started_at - job.enqueued_at).total_seconds())
        runs.append((job.ended_at - job.started_at).total_seconds())
    return waits or [0.0], runs or [0.0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="uploads (default 20)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    data = SCAN.read_bytes()
    conn = redis.Redis.from_url(args.redis)
    conn.flushdb()
    base_s = baseline(data)
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        key = create_key(LocalStore(tmp), UNIT)
        env = {**os.environ, "DIGITIZE_STORE": tmp, "DIGITIZE_REDIS_URL": args.redis}
        commands = [["serve", "--port", str(port)], ["worker"], ["worker"]]
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "digitize", *c],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for c in commands
        ]
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_ready(url, conn, workers=2)
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=url, headers=headers, timeout=30.0) as client:
                runs = [
                    upload_until_read(client, data, f"{UNIT}-261130-{i + 1:04d}")
                    for i in range(args.n)
                ]
            times = [t for t, _ in runs]
            waits, jobs = _job_times(conn, [j for _, j in runs])
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            conn.flushdb()
    median = statistics.median(times)
    print(f"\n{args.n} uploads of {SCAN.name} ({len(data) // 1024} KB, one page), 2 workers\n")
    print("| measure | seconds |")
    print("|---|---|")
    print(f"| upload -> type and fields, median | {median:.2f} |")
    print(f"| upload -> type and fields, slowest | {max(times):.2f} |")
    print(f"| pipeline alone, same scan, in process (median of 3) | {base_s:.2f} |")
    print(f"| added by the API and the queue (median - pipeline) | {median - base_s:.2f} |")
    print(f"| of which: waiting in the queue, median | {statistics.median(waits):.2f} |")
    print(f"| of which: the job in a worker, median | {statistics.median(jobs):.2f} |")
    print(f"\nmedian / pipeline alone: {median / base_s:.2f}")
    verdict = "met" if median <= TARGET_S else "NOT met"
    print(f"target: median <= {TARGET_S:g} s: {verdict}")


if __name__ == "__main__":
    main()
