"""Benchmark: nothing lost while workers are killed, Redis restarts and the store goes away.

Not a test. On its own redis-server (private port, ``appendonly yes``) and its own moto S3
server (private port), it queues a backlog of N small one-page documents over several dossiers,
then runs two ``digitize worker`` processes while:

- every few seconds (random, ``--kill-every``) a random worker is killed with SIGKILL, whole
  (worker, horse and scheduler: its process group), and a new one is started in its place;
- Redis is restarted once (``--redis-at`` seconds in);
- the S3 endpoint is stopped for ``--s3-down`` seconds (from ``--s3-at`` seconds in).

At the end every submitted document must be ``done`` or ``failed`` with an error code in its
record, none missing, none listed twice in its dossier's manifest or taken twice into the
completion, and each manifest entry must agree with its record. With ``--baseline`` the same
backlog (other dossier codes) is run first with no fault, for the wall time without faults.

Usage: ``.venv/bin/python -m bench.bench_faults [-n 200] [--baseline]``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from storage import layout, open_store, read_manifest
from tests.faultkit import RedisServer, S3Server, WorkerPool
from tests.pages import LINES, draw_page, encode
from workers import BACKLOG, submit_document
from workers.queues import pending_key

DOSSIERS = 10
"""Dossiers the backlog is spread over (documents per dossier: N / DOSSIERS)."""


def page(i: int) -> bytes:
    """A small distinct one-page scan: a few lines at 100 dpi, read in well under a second."""
    return encode(draw_page((*LINES[:3], f"Số: {i}/2026"), dpi=100, width_in=5.0), "PNG", dpi=100)


@dataclass
class Outcome:
    label: str
    documents: int
    wall_s: float = 0.0
    kills: int = 0
    worker_starts: int = 0
    redis_restarts: int = 0
    s3_down_s: float = 0.0
    codes: collections.Counter = field(default_factory=collections.Counter)
    lost: int = 0
    duplicated: int = 0
    disagreeing: int = 0
    taken_up: int = 0
    takeovers_logged: int = 0
    killed_mid_job: int = 0


def run(n: int, *, faults: bool, args: argparse.Namespace, tmp: Path) -> Outcome:
    tag = "f" if faults else "b"
    rs = RedisServer(tmp / f"redis-{tag}")
    rs.start()
    s3 = S3Server()
    s3.start()
    bucket = f"bench-faults-{tag}"
    env_values = {
        "DIGITIZE_REDIS_URL": rs.url,
        **s3.env(bucket),
        # Enough retries, spaced enough, to outlast the store's outage.
        "DIGITIZE_JOB_RETRY_INTERVALS_S": "[5, 15, 30, 60]",
        "DIGITIZE_WORKER_LOST_AFTER_S": str(args.lost_after),
        "DIGITIZE_WORKER_REAP_INTERVAL_S": "2",
        "DIGITIZE_JOB_MAX_LOST": "5",
    }
    settings = s3.settings(bucket, job_retry_intervals_s=(5, 15, 30, 60))
    store = open_store(settings)
    conn = redis.Redis.from_url(rs.url)
    codes = [f"000.00.12.H57-261130-{tag}{d:03d}" for d in range(DOSSIERS)]
    submitted: dict[tuple[str, str], str] = {}
    for i in range(n):
        code = codes[i % DOSSIERS]
        sub = submit_document(
            page(i),
            source_name=f"trang_{i:03d}.png",
            dossier_code=code,
            store=store,
            conn=conn,
            settings=settings,
            queue_name=BACKLOG,
        )
        submitted[(code, sub.doc_id)] = sub.source_name
    print(f"[{tag}] {n} documents queued", flush=True)

    import os

    pool = WorkerPool({**os.environ, **env_values}, tmp / f"workers-{tag}")
    out = Outcome("with faults" if faults else "no faults (baseline)", n)
    rng = random.Random(args.seed)
    started = time.monotonic()
    for _ in range(2):
        pool.start()
    next_kill = started + rng.uniform(*args.kill_every)
    redis_done = s3_done = False
    s3_back_at: float | None = None

    def busy(proc) -> bool:
        """RQ's own record of the worker: its pid, and 'busy' while a job runs."""
        try:
            for key in conn.smembers("rq:workers"):
                pid, state = conn.hmget(key, "pid", "state")
                if pid is not None and int(pid) == proc.pid:
                    return state == b"busy"
        except redis.exceptions.RedisError:
            pass
        return False

    def wait_until_busy(proc, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not busy(proc) and time.monotonic() < deadline:
            time.sleep(0.05)

    def remaining() -> int:
        try:
            return sum(conn.scard(pending_key(c)) for c in codes)
        except redis.exceptions.RedisError:
            return -1

    try:
        while True:
            now = time.monotonic()
            left = remaining()
            if left == 0:
                break
            if now - started > args.timeout:
                print(f"[{tag}] timed out with {left} document(s) pending", flush=True)
                break
            if faults:
                if now >= next_kill and left > 0:
                    alive = pool.alive()
                    if alive:
                        victim = rng.choice(alive)
                        # Killed in the middle of a job when it has one: wait a moment for
                        # one (a worker still starting has none), then a random part of it.
                        wait_until_busy(victim, 3.0)
                        time.sleep(rng.uniform(0.0, 0.8))
                        out.killed_mid_job += busy(victim)
                        pool.kill(victim)
                    pool.start()
                    next_kill = now + rng.uniform(*args.kill_every)
                if not redis_done and now - started >= args.redis_at:
                    print(f"[{tag}] restarting Redis", flush=True)
                    rs.restart(down_s=2.0)
                    redis_done = True
                if not s3_done and now - started >= args.s3_at:
                    print(f"[{tag}] S3 endpoint down for {args.s3_down:g} s", flush=True)
                    s3.stop()
                    s3_back_at = now + args.s3_down
                    s3_done = True
                if s3_back_at is not None and now >= s3_back_at:
                    s3.start()
                    out.s3_down_s = now - s3_back_at + args.s3_down
                    print(f"[{tag}] S3 endpoint back", flush=True)
                    s3_back_at = None
            # Keep two workers running: a worker that gave up is replaced, as a supervisor would.
            while len(pool.alive()) < 2:
                pool.start()
            time.sleep(0.5)
        out.wall_s = time.monotonic() - started
    finally:
        if s3_back_at is not None:
            s3.start()
        pool.stop()
    out.kills = pool.kills
    logs = [f.read_text(errors="replace") for f in pool.folder.glob("*.log")]
    out.takeovers_logged = sum(text.count("taken up again") for text in logs)
    out.worker_starts = len(pool.procs)
    out.redis_restarts = rs.restarts
    check(out, store, submitted, codes, conn)
    conn.close()
    rs.stop()
    s3.stop()
    return out


def check(out: Outcome, store, submitted, codes, conn) -> None:
    """Every document once, done or failed with a code; manifests agree with the records."""
    from rq.job import Job

    from workers.queues import job_id_for
    from workers.recovery import LOST_META

    for code in codes:
        manifest = read_manifest(store, code) or {"documents": []}
        entries = collections.Counter(d["doc_id"] for d in manifest["documents"])
        by_id = {d["doc_id"]: d for d in manifest["documents"]}
        out.duplicated += sum(c - 1 for c in entries.values() if c > 1)
        stored = {
            k.split("/")[-2]
            for k in store.list(layout.dossier_prefix(code))
            if k.endswith("/record.json")
        }
        expected = {d for (c, d) in submitted if c == code}
        out.duplicated += len(stored - expected)  # a record no submission asked for
        for doc_id in expected:
            if doc_id not in stored:
                out.lost += 1
                continue
            rec = json.loads(store.get_bytes(layout.record_key(code, doc_id)))
            if rec["status"] == "done":
                out.codes["done"] += 1
            elif rec["status"] == "failed" and (rec.get("error") or {}).get("code"):
                out.codes[rec["error"]["code"]] += 1
            else:
                out.lost += 1
            entry = by_id.get(doc_id)
            if entry is None or entry["status"] != rec["status"] or entry["pages"] != rec["pages"]:
                out.disagreeing += 1
            job = Job.fetch(job_id_for(code, doc_id), connection=conn)
            out.taken_up += 1 if job.meta.get(LOST_META) else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200, help="documents in the backlog")
    ap.add_argument("--baseline", action="store_true", help="run once without faults first")
    ap.add_argument(
        "--kill-every", type=float, nargs=2, default=(4.0, 10.0), metavar=("MIN", "MAX")
    )
    ap.add_argument("--redis-at", type=float, default=20.0, help="seconds in: restart Redis")
    ap.add_argument("--s3-at", type=float, default=45.0, help="seconds in: stop S3")
    ap.add_argument("--s3-down", type=float, default=30.0, help="seconds S3 stays down")
    ap.add_argument("--lost-after", type=int, default=10, help="DIGITIZE_WORKER_LOST_AFTER_S")
    ap.add_argument("--timeout", type=float, default=3600.0, help="give up after, seconds")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--keep", action="store_true", help="keep the workers' logs; print where")
    args = ap.parse_args()
    results = []
    keep = tempfile.mkdtemp(prefix="bench-faults-") if args.keep else None
    with (
        contextlib.nullcontext(keep)
        if keep
        else tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp
    ):
        if args.baseline:
            results.append(run(args.n, faults=False, args=args, tmp=Path(tmp)))
        results.append(run(args.n, faults=True, args=args, tmp=Path(tmp)))
    print()
    print(
        "| run | documents | done | failed (codes) | kills | worker starts | Redis restarts "
        "| S3 down (s) | taken up again | lost | duplicated | manifest disagrees | wall (s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        failed = {k: v for k, v in r.codes.items() if k != "done"}
        failed_s = ", ".join(f"{k} {v}" for k, v in sorted(failed.items())) or "0"
        print(
            f"| {r.label} | {r.documents} | {r.codes['done']} | {failed_s} | "
            f"{r.kills} ({r.killed_mid_job} mid-job) | "
            f"{r.worker_starts} | {r.redis_restarts} | {r.s3_down_s:.0f} | "
            f"{max(r.taken_up, r.takeovers_logged)} | "
            f"{r.lost} | {r.duplicated} | {r.disagreeing} | {r.wall_s:.0f} |"
        )


if __name__ == "__main__":
    main()
