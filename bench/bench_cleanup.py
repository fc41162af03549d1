"""Cleanup cost of an A4 page at 300 dpi, on one core.

    .venv/bin/python -m bench.bench_cleanup --pages 12 --seed 9300

Pages come from bench.synth (random document kinds that fill an A4 sheet), damaged with the
300-dpi scan profiles (clean, office), and cleaned with ``digitize.cleanup.prepare`` with
OpenCV held to one thread. Each page is cleaned three times and its least CPU time is kept:
CPU time of this process, not wall time, so other work on a shared machine does not count,
and the least of three drops the disturbances that remain (cache and frequency changes).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import cv2

from bench.synth import degrade, render_random
from digitize import cleanup

A4_300 = (3508, 2480)


def a4_pages(n: int, seed: int, profiles: list[str]):
    """``n`` damaged A4 pages at 300 dpi per profile (cards and other sizes are skipped)."""
    k = 0
    for profile in profiles:
        made = 0
        while made < n:
            rng = random.Random(f"{seed + k}-cleanup")
            k += 1
            page = render_random(rng, 300, negatives=0.0)
            bad = degrade(page, profile, rng)
            h, w = bad.image.shape[:2]
            if (max(h, w), min(h, w)) != A4_300:
                continue
            made += 1
            yield profile, bad.image


def cpu_seconds(image, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        cleanup.prepare(image, 300.0)
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=12, help="pages per profile")
    ap.add_argument("--seed", type=int, default=9300)
    ap.add_argument("--profiles", default="clean,office")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    profiles = args.profiles.split(",")
    times: dict[str, list[float]] = {p: [] for p in profiles}
    warm = True
    for profile, image in a4_pages(args.pages, args.seed, profiles):
        if warm:
            cleanup.prepare(image, 300.0)
            warm = False
        times[profile].append(cpu_seconds(image))
    print("| profile | A4 pages | mean CPU s | median | max |")
    print("|---|---:|---:|---:|---:|")
    every = [t for ts in times.values() for t in ts]
    for profile, ts in [*times.items(), ("all", every)]:
        print(
            f"| {profile} | {len(ts)} | {statistics.fmean(ts):.3f} | "
            f"{statistics.median(ts):.3f} | {max(ts):.3f} |"
        )


if __name__ == "__main__":
    main()
