"""How fast the command line starts: `digitize run` until its first page is being read, and
`digitize --version` and `digitize --help` until they exit, each in fresh processes.

    .venv/bin/python -m bench.bench_startup --runs 9
    .venv/bin/python -m bench.bench_startup --runs 9 --base /tmp/base   # against another tree

A clerk waits for this at every scan: the time from the process's creation to the moment the
first page's reading starts is what imports and setup cost before any work. The moment is
the DEBUG line ``reading the first page`` of :mod:`digitize.intake`: the child runs
``python -m digitize run PAGE`` as a user would, with a logging handler that, on that line,
reports and ends the process (so no OCR runs). It reports three figures:

- wall time from the process's creation (the kernel's start time in ``/proc/self/stat``, to
  10 ms) to that line: what the clerk waits;
- the same seen from here: from just before spawning the child to reading its report (adds
  the pipe and this process's own scheduling);
- CPU time used by then (the child's threads and the programs it ran and waited for): on a
  shared, busy machine the wall time swings with everyone else's load, the CPU time much less.

`--version` and `--help` are timed from here, spawn to exit. The page is a small generated
PNG, stored into a local store in a temporary folder (also the child's TMPDIR), so nothing is
left behind. With ``--base DIR`` the same measurements are made on the source tree ``DIR``
(another checkout, put first on ``PYTHONPATH``; it must log the same line), alternating run
by run with this tree so that load from elsewhere on the machine hits both alike. Medians
are reported, with the fastest run beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
MARKER = "reading the first page"
TIMEOUT_S = 120.0

PROBE = f"""
import logging, os, runpy, sys, time

class FirstPage(logging.Handler):
    def emit(self, record):
        if record.getMessage() != {MARKER!r}:
            return
        now = time.clock_gettime(time.CLOCK_BOOTTIME)
        t = os.times()
        with open("/proc/self/stat") as fh:
            started = int(fh.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
        cpu = t.user + t.system + t.children_user + t.children_system
        print(f"FIRST-PAGE {{now - started:.3f}} {{cpu:.3f}}", file=sys.stderr, flush=True)
        os._exit(0)

logging.getLogger("digitize.intake").addHandler(FirstPage())
logging.getLogger("digitize.intake").setLevel(logging.DEBUG)
sys.argv[0] = "digitize"
runpy.run_module("digitize", run_name="__main__", alter_sys=True)
"""
"""Runs ``python -m digitize`` with a handler that reports the first-page moment and exits."""


def make_page(folder: Path) -> Path:
    """A small A6-sized page at 150 dpi with a few lines of text: quick to decode."""
    page = Image.new("L", (620, 870), 255)
    draw = ImageDraw.Draw(page)
    for n, line in enumerate(("GIAY DE NGHI", "Ho va ten: Tran Van Mau", "Ngay sinh: 01/02/1990")):
        draw.text((60, 80 + 60 * n), line, fill=0)
    path = folder / "page.png"
    page.save(path, dpi=(150, 150))
    return path


def _env(tree: Path | None, tmp: Path) -> dict[str, str]:
    """The child's environment; it also runs in ``tmp``, because Python puts the current
    folder before ``PYTHONPATH``: run from a checkout, it would import that checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    env["PYTHONPATH"] = str(tree or ROOT)
    env["OMP_THREAD_LIMIT"] = "1"
    env["TMPDIR"] = str(tmp)
    return env


def time_first_page(tree: Path | None, page: Path, store: Path) -> tuple[float, float, float]:
    """`digitize run PAGE` to its first page: (wall from creation, wall from spawn, CPU)."""
    cmd = [sys.executable, "-c", PROBE, "run", str(page), "--out", str(store), "--force"]
    started = time.perf_counter()
    tmp = store.parent
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=_env(tree, tmp), cwd=tmp, timeout=TIMEOUT_S
    )
    spawned = time.perf_counter() - started
    for line in proc.stderr.splitlines():
        if line.startswith("FIRST-PAGE "):
            own, cpu = (float(v) for v in line.split()[1:])
            return own, spawned, cpu
    raise RuntimeError(f"no first page from digitize run (tree {tree or ROOT}):\n{proc.stderr}")


def time_exit(tree: Path | None, tmp: Path, *args: str) -> float:
    """Seconds from spawning `digitize ARGS` to its exit (which must be 0)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "digitize", *args],
        env=_env(tree, tmp),
        cwd=tmp,
        check=True,
        capture_output=True,
        timeout=TIMEOUT_S,
    )
    return time.perf_counter() - started


MEASUREMENTS = ("run: first page", "  seen from here", "  CPU", "--version", "--help")


def measure(trees: dict[str, Path | None], runs: int) -> dict[str, dict[str, list[float]]]:
    """Every measurement ``runs`` times per tree, the trees taking turns run by run."""
    times = {name: {m: [] for m in MEASUREMENTS} for name in trees}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        page = make_page(Path(tmp))
        for _ in range(runs):
            for name, tree in trees.items():
                got: dict[str, list[float]] = times[name]
                own, spawned, cpu = time_first_page(tree, page, Path(tmp) / f"store-{name}")
                got["run: first page"].append(own)
                got["  seen from here"].append(spawned)
                got["  CPU"].append(cpu)
                got["--version"].append(time_exit(tree, Path(tmp), "--version"))
                got["--help"].append(time_exit(tree, Path(tmp), "--help"))
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="fresh processes per measurement")
    ap.add_argument("--base", type=Path, help="another source tree to measure alike")
    ap.add_argument("--json", type=Path, help="also write the times to this JSON file")
    args = ap.parse_args()

    trees: dict[str, Path | None] = {"this": None}
    if args.base:
        trees = {"base": args.base.resolve(), **trees}
    load = os.getloadavg()[0]
    times = measure(trees, args.runs)
    load = max(load, os.getloadavg()[0])
    print(f"{args.runs} runs each, load average up to {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'tree':<6} {'measurement':<17} {'median s':>9} {'fastest s':>10}")
    for name, per in times.items():
        for what, values in per.items():
            print(f"{name:<6} {what:<17} {statistics.median(values):>9.3f} {min(values):>10.3f}")
    if args.json:
        args.json.write_text(json.dumps(times, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
