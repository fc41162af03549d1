"""Seconds per page: the whole pipeline against raw Tesseract on the same pages, in one run.

    .venv/bin/python -m bench.bench_speed --pages 8 --profiles clean,office --seed 7000

Each page is written as a file, then read by ``tesseract FILE - -l vie`` and by the whole
pipeline (intake, cleanup, OCR, classification, searchable PDF, storage into a local folder),
alternating which goes first so that load from elsewhere on the machine hits both alike. Both
wall time and CPU time are reported; on a shared machine CPU time is the steadier figure.
With ``--doc-pages K``, every K pages of a profile are bound into one multi-page TIFF, as a
dossier's scans arrive, and times are per page of those documents: raw Tesseract reads such a
file page after page, the pipeline overlaps preparing the next page with reading this one.
With ``--ocrmypdf``, OCRmyPDF (``-l vie --deskew --clean --rotate-pages``) runs on the same pages
as the peer to beat (install it and ``unpaper`` first; it is not a dependency of digitize).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
from PIL import Image

from bench.synth import render_random
from bench.synth.degrade import degrade
from digitize.pipeline import process_document
from digitize.settings import Settings
from storage import LocalStore

ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    def mean(self, attr: str) -> float:
        values = getattr(self, attr)
        return sum(values) / len(values) if values else float("nan")


def per_page(times: tuple[float, float], pages: int) -> tuple[float, float]:
    return times[0] / pages, times[1] / pages


def run_raw(path: Path) -> tuple[float, float]:
    c0, t0 = _child_cpu(), time.perf_counter()
    subprocess.run(
        ["tesseract", str(path), "-", "-l", "vie"], env=ENV, capture_output=True, check=True
    )
    return time.perf_counter() - t0, _child_cpu() - c0


def run_pipeline(path: Path, store: LocalStore, settings: Settings) -> tuple[float, float]:
    data = path.read_bytes()
    c0, s0, t0 = _child_cpu(), _self_cpu(), time.perf_counter()
    outcome = process_document(
        data,
        source_name=path.name,
        dossier_code="BENCH",
        store=store,
        settings=settings,
        force=True,
    )
    wall = time.perf_counter() - t0
    if outcome.record["status"] != "done":
        raise SystemExit(f"pipeline failed on {path.name}: {outcome.record['error']}")
    return wall, (_child_cpu() - c0) + (_self_cpu() - s0)


def run_ocrmypdf(path: Path, out: Path) -> tuple[float, float] | None:
    exe = shutil.which("ocrmypdf")
    if exe is None:
        return None
    c0, t0 = _child_cpu(), time.perf_counter()
    proc = subprocess.run(
        [
            exe,
            "-l",
            "vie",
            "--deskew",
            "--clean",
            "--rotate-pages",
            "--output-type",
            "pdf",
            "--image-dpi",
            "300",
            "--jobs",
            "1",
            str(path),
            str(out),
        ],
        env=ENV,
        capture_output=True,
    )
    if proc.returncode != 0:
        return None
    return time.perf_counter() - t0, _child_cpu() - c0


def make_pages(folder: Path, n: int, profiles: list[str], seed: int) -> list[tuple[str, Path]]:
    pages = []
    for profile in profiles:
        for i in range(n):
            rng = random.Random(seed * 1000 + i * 7 + len(profile))
            page = render_random(rng, 300, negatives=0.0)
            degraded = degrade(page, profile, rng)
            ext = ".jpg" if profile in ("photo", "poor") else ".png"
            path = folder / f"{profile}_{i:03d}{ext}"
            cv2.imwrite(str(path), degraded.image)
            pages.append((profile, path))
    return pages


def bind_documents(
    folder: Path, pages: list[tuple[str, Path]], per_doc: int
) -> list[tuple[str, Path, int]]:
    """Bind every ``per_doc`` pages of a profile into one multi-page TIFF (Deflate).

    Like the single-page files, the TIFF states no resolution: both readers judge it alike.
    """
    docs: list[tuple[str, Path, int]] = []
    by_profile: dict[str, list[Path]] = {}
    for profile, path in pages:
        by_profile.setdefault(profile, []).append(path)
    for profile, paths in by_profile.items():
        for start in range(0, len(paths), per_doc):
            chunk = [Image.open(p).convert("RGB") for p in paths[start : start + per_doc]]
            out = folder / f"{profile}_doc{start // per_doc:03d}.tif"
            chunk[0].save(
                out,
                save_all=True,
                append_images=chunk[1:],
                compression="tiff_deflate",
                dpi=(300, 300),
            )
            docs.append((profile, out, len(chunk)))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=6, help="pages per profile")
    ap.add_argument("--profiles", default="clean,office")
    ap.add_argument("--seed", type=int, default=7000)
    ap.add_argument(
        "--doc-pages", type=int, default=1, help="bind this many pages into each document"
    )
    ap.add_argument("--ocrmypdf", action="store_true", help="also time OCRmyPDF on each page")
    args = ap.parse_args()
    profiles = args.profiles.split(",")

    with tempfile.TemporaryDirectory(prefix="digitize-bench-") as tmp:
        folder = Path(tmp)
        pages = make_pages(folder, args.pages, profiles, args.seed)
        docs = (
            bind_documents(folder, pages, args.doc_pages)
            if args.doc_pages > 1
            else [(profile, path, 1) for profile, path in pages]
        )
        store = LocalStore(folder / "store")
        settings = Settings(store=str(folder / "store"))
        run_pipeline(pages[0][1], store, settings)  # warm caches: imports, model files
        raw: dict[str, Timing] = {p: Timing() for p in profiles}
        ours: dict[str, Timing] = {p: Timing() for p in profiles}
        peer: dict[str, Timing] = {p: Timing() for p in profiles}
        counted = {p: sum(n for q, _, n in docs if q == p) for p in profiles}
        for k, (profile, path, n) in enumerate(docs):
            order = (0, 1) if k % 2 == 0 else (1, 0)
            for which in order:
                if which == 0:
                    raw[profile].add(*per_page(run_raw(path), n))
                else:
                    ours[profile].add(*per_page(run_pipeline(path, store, settings), n))
            other = run_ocrmypdf(path, folder / "peer.pdf") if args.ocrmypdf else None
            if other is not None:
                peer[profile].add(*per_page(other, n))

    print(
        "| profile | pages | raw tesseract s/page (cpu) | pipeline s/page (cpu) "
        "| ratio wall | ratio cpu | OCRmyPDF s/page |"
    )
    print("|---|---|---|---|---|---|---|")
    all_raw, all_ours = Timing(), Timing()
    for p in profiles:
        r, o, q = raw[p], ours[p], peer[p]
        all_raw.wall += r.wall
        all_raw.cpu += r.cpu
        all_ours.wall += o.wall
        all_ours.cpu += o.cpu
        peer_s = f"{q.mean('wall'):.2f}" if q.wall else "not run"
        print(
            f"| {p} | {counted[p]} | {r.mean('wall'):.2f} ({r.mean('cpu'):.2f}) | "
            f"{o.mean('wall'):.2f} ({o.mean('cpu'):.2f}) | "
            f"{o.mean('wall') / r.mean('wall'):.2f} | {o.mean('cpu') / r.mean('cpu'):.2f} | "
            f"{peer_s} |"
        )
    print(
        f"| all | {sum(counted.values())} | {all_raw.mean('wall'):.2f} ({all_raw.mean('cpu'):.2f}) "
        f"| {all_ours.mean('wall'):.2f} ({all_ours.mean('cpu'):.2f}) | "
        f"{all_ours.mean('wall') / all_raw.mean('wall'):.2f} | "
        f"{all_ours.mean('cpu') / all_raw.mean('cpu'):.2f} | |"
    )


if __name__ == "__main__":
    main()
