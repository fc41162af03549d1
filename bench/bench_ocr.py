"""OCR benchmark: the pipeline's page reading against raw Tesseract on the same degraded pages.

    .venv/bin/python -m bench.bench_ocr --pages 8 --seed 9000 --profiles clean,office,poor,photo

Pages come from bench.synth (random document kinds, no negatives) damaged with each profile and
written as files the way they reach a desk: scans as PNG with their dpi (poor photocopies every
other page without it, as old archive scanners write), phone photos as JPEG with no dpi. Each
page is then read by ``tesseract IMG - -l vie`` (one thread, as the pipeline runs it) and by
``digitize.reading.read_page``, in the same run, so the time ratio holds however loaded the
machine is. Seeds name the pages: keep a tuning range (1000-1999) apart from the held-out range
(9000 and up) used only for the reported table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
from PIL import Image

from bench.scoring import cer, word_recall
from bench.synth import PROFILES, degrade, render_random


@dataclass
class PageScore:
    profile: str
    seed: str
    kind: str
    truth_rotation: int
    truth_skew: float
    truth_dpi: int
    raw_recall: float
    raw_cer: float
    raw_s: float
    pipe_recall: float
    pipe_cer: float
    pipe_s: float
    cleanup_s: float
    quality: dict[str, Any]


def make_page(
    profile: str, seed: str, folder: Path, index: int, *, render_dpi: int = 300
) -> tuple[Path, str, dict[str, Any]]:
    """Render and damage one page, write it as a file; return its path, truth text and params.

    ``render_dpi`` below 300 makes smaller, faster pages (tests): office scans then keep it
    instead of the profile's 300 dpi.
    """
    rng = random.Random(seed)
    page = render_random(rng, dpi=render_dpi, negatives=0.0)
    target = render_dpi if profile == "office" and render_dpi < 300 else None
    bad = degrade(page, profile, rng, target_dpi=target)
    rgb = bad.to_pil()
    meta = dict(bad.params, kind=page.kind)
    meta.pop("transform", None)
    if profile == "photo":
        path = folder / f"{profile}-{index:03d}.jpg"
        rgb.save(path, quality=92)
    else:
        path = folder / f"{profile}-{index:03d}.png"
        if bad.params.get("grey"):
            rgb = rgb.convert("L")
        if profile == "poor" and index % 2:
            rgb.save(path)  # no dpi stated: the pipeline must estimate it
        else:
            rgb.save(path, dpi=(bad.dpi, bad.dpi))
    return path, page.text, meta


def raw_tesseract(path: Path) -> tuple[str, float]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["tesseract", str(path), "-", "-l", "vie"], capture_output=True, env=env, check=False
    )
    return proc.stdout.decode("utf-8", "replace"), time.perf_counter() - t0


def pipeline_read(path: Path) -> tuple[str, float, float, dict[str, Any]]:
    """Text, seconds, cleanup seconds and quality of the pipeline's reading of a one-page file."""
    from digitize.intake import open_document
    from digitize.reading import read_page

    t0 = time.perf_counter()
    doc = open_document(path, path.read_bytes(), max_pixels=120_000_000, pdf_dpi=300)
    texts, cleanup_s, quality = [], 0.0, {}
    for page in doc.pages():
        read = read_page(page, lang="vie", timeout=180, name=path.name)
        texts.append(read.result.text)
        quality = read.result.quality
        cleanup_s += float(quality.get("cleanup_s", 0.0))
    return "\n".join(texts), time.perf_counter() - t0, cleanup_s, quality


def score_page(job: tuple[str, str, int, str, bool]) -> PageScore:
    profile, seed, index, folder, with_raw = job
    path, truth, meta = make_page(profile, seed, Path(folder), index)
    raw_text, raw_s = raw_tesseract(path) if with_raw else ("", 0.0)
    text, pipe_s, cleanup_s, quality = pipeline_read(path)
    return PageScore(
        profile,
        seed,
        meta["kind"],
        int(meta.get("rotation", 0)),
        float(meta.get("skew_deg", 0.0)),
        int(meta.get("dpi", 0)),
        word_recall(truth, raw_text),
        cer(truth, raw_text),
        raw_s,
        word_recall(truth, text),
        cer(truth, text),
        pipe_s,
        cleanup_s,
        quality,
    )


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def table(scores: list[PageScore], profiles: list[str]) -> str:
    head = (
        "| profile | pages | raw recall | pipeline recall | raw CER | pipeline CER "
        "| raw s/page | pipeline s/page | cleanup s/page |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    rows = [head]
    for p in profiles:
        s = [x for x in scores if x.profile == p]
        if not s:
            continue
        rows.append(
            f"| {p} | {len(s)} | {_mean([x.raw_recall for x in s]):.3f} "
            f"| {_mean([x.pipe_recall for x in s]):.3f} | {_mean([x.raw_cer for x in s]):.3f} "
            f"| {_mean([x.pipe_cer for x in s]):.3f} | {_mean([x.raw_s for x in s]):.2f} "
            f"| {_mean([x.pipe_s for x in s]):.2f} | {_mean([x.cleanup_s for x in s]):.3f} |"
        )
    return "\n".join(rows)


def detail(s: PageScore) -> str:
    q = s.quality
    return (
        f"{s.profile:6} {s.seed:>16} {s.kind:22} rot {s.truth_rotation:3}->{q.get('rotation')!s:4}"
        f" skew {s.truth_skew:+6.2f}->{q.get('skew_deg')!s:6} dpi {s.truth_dpi:3}->"
        f"{q.get('dpi')!s:6} raw {s.raw_recall:.3f} pipe {s.pipe_recall:.3f}"
        f" ({s.raw_s:.1f}s / {s.pipe_s:.1f}s, cleanup {s.cleanup_s:.2f}s)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pages", type=int, default=8, help="pages per profile")
    ap.add_argument("--seed", type=int, default=1000, help="first seed of the range")
    ap.add_argument("--profiles", default=",".join(PROFILES))
    ap.add_argument("--jobs", type=int, default=1, help="pages read in parallel")
    ap.add_argument("--no-raw", action="store_true", help="skip raw Tesseract (faster tuning)")
    ap.add_argument("--out", type=Path, help="write the table and per-page JSON here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print one line per page")
    args = ap.parse_args(argv)
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    for p in profiles:
        if p not in PROFILES:
            ap.error(f"--profiles: unknown profile {p!r}; expected some of {', '.join(PROFILES)}")
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as folder:
        jobs = [
            (p, f"{args.seed + i}-{p}", i, folder, not args.no_raw)
            for p in profiles
            for i in range(args.pages)
        ]
        t0 = time.perf_counter()
        if args.jobs > 1:
            with ProcessPoolExecutor(args.jobs) as pool:
                scores = list(pool.map(score_page, jobs))
        else:
            scores = [score_page(j) for j in jobs]
        wall = time.perf_counter() - t0
    if args.verbose:
        for s in scores:
            print(detail(s))
    out = table(scores, profiles)
    seeds = f"seeds {args.seed}..{args.seed + args.pages - 1}"
    print(f"\n{seeds}, {len(scores)} pages, {wall:.0f} s wall, jobs={args.jobs}\n")
    print(out)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "table.md").write_text(f"{seeds}\n\n{out}\n", encoding="utf-8")
        rows = [asdict(s) for s in scores]
        (args.out / "pages.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    cv2.setNumThreads(1)
    Image.MAX_IMAGE_PIXELS = None
    sys.exit(main())
