"""Size of the searchable PDF against the original, per file and per kind, two versions in one run.

    .venv/bin/python -m bench.bench_pdfsize --baseline /tmp/v050 [--evaldata ../shared/evaldata]

``--baseline`` is a checkout of an earlier version (``git worktree add /tmp/v050 <commit>``);
each file is processed by ``digitize run`` of that checkout and of this one, in turn (which
goes first alternates, so load from elsewhere on the machine hits both alike), each in a fresh
process with an empty store. For every file the table gives its kind, its pages, the original's
size, each version's searchable PDF as a multiple of the original, each version's wall and CPU
seconds, and how many of the output's page images are one bit deep (``pdfimages -list``).

Kinds: ``bilevel-pdf`` (a scanned PDF whose page images are all one bit), ``g4-tiff`` (a TIFF
compressed with CCITT Group 4), ``jpeg-photo`` (a JPEG file), ``jpeg-pdf`` (a scanned PDF of
JPEG pages) and ``other`` (PNG, grey scans, born-digital PDFs). The targets of 0.6.0 are at
most 1.1 times the original for ``bilevel-pdf`` and ``g4-tiff`` and 1.2 for ``jpeg-photo``,
over the kind's files together.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"bilevel-pdf": 1.1, "g4-tiff": 1.1, "jpeg-photo": 1.2}
SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"}


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jpg", ".jpeg"):
        return "jpeg-photo"
    if suffix in (".tif", ".tiff"):
        with Image.open(path) as im:
            return "g4-tiff" if im.info.get("compression") == "group4" else "other"
    if suffix == ".pdf":
        try:
            with pikepdf.open(path) as pdf:
                bits, filters = set(), set()
                for page in pdf.pages:
                    for image in page.Resources.get("/XObject", {}).values():
                        if image.get("/Subtype") == "/Image":
                            bits.add(int(image.get("/BitsPerComponent", 1)))
                            filters.add(str(image.get("/Filter")))
        except pikepdf.PdfError:
            return "other"
        if bits == {1}:
            return "bilevel-pdf"
        if filters == {"/DCTDecode"}:
            return "jpeg-pdf"
    return "other"


@dataclass
class Run:
    size: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    one_bit: int = 0
    images: int = 0
    pages: int = 0
    status: str = ""


@dataclass
class Row:
    path: Path
    kind: str
    original: int
    runs: dict[str, Run] = field(default_factory=dict)


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _images(pdf: Path) -> tuple[int, int]:
    """(one-bit images, all images) as poppler's pdfimages lists them."""
    if shutil.which("pdfimages") is None:
        return 0, 0
    lines = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=False
    ).stdout.splitlines()[2:]
    rows = [line.split() for line in lines if line.strip()]
    return sum(1 for r in rows if r[7] == "1"), len(rows)


def run_version(root: Path, source: Path) -> Run:
    """``digitize run`` of the checkout at ``root`` on ``source``, in its own process."""
    with tempfile.TemporaryDirectory(prefix="bench-pdfsize-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(root), "OMP_THREAD_LIMIT": "1"}
        env.pop("DIGITIZE_SIGN_P12", None)  # size of the PDF itself, not of a signature
        cmd = [sys.executable, "-m", "digitize", "run", str(source.resolve())]
        cmd += ["--out", str(Path(tmp) / "store"), "--dossier", "BENCH", "--json", "--force"]
        cpu0, t0 = _child_cpu(), time.perf_counter()
        done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
        wall, cpu = time.perf_counter() - t0, _child_cpu() - cpu0
        out = Run(wall=wall, cpu=cpu)
        try:
            record = json.loads(done.stdout.splitlines()[0])
        except (IndexError, ValueError):
            out.status = f"exit {done.returncode}"
            return out
        out.status, out.pages = record["status"], record["pages"]
        found = list(Path(tmp, "store").rglob("searchable.pdf"))
        if found:
            out.size = found[0].stat().st_size
            out.one_bit, out.images = _images(found[0])
        return out


def files(evaldata: Path | None, samples: Path, *, with_real: bool) -> list[Path]:
    chosen = sorted(p for p in samples.rglob("*") if p.suffix.lower() in SUFFIXES)
    if evaldata is not None and evaldata.is_dir():
        for sub in ("pdf", "vie") + (("vie-real",) if with_real else ()):
            folder = evaldata / sub
            if folder.is_dir():
                chosen += sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    # A PDF the project cannot open (encrypted, born-digital kept as is) still counts: its
    # searchable PDF is the original itself, 1.0 in both versions.
    return chosen


def report(rows: list[Row], names: list[str]) -> None:
    head = f"{'file':38} {'kind':12} {'pages':>5} {'original':>10}"
    for n in names:
        head += f" {n + ' x':>9} {n + ' s':>8} {n + ' 1bit':>9}"
    print(head)
    for row in rows:
        pages = max((r.pages for r in row.runs.values()), default=0)
        line = f"{row.path.name[:38]:38} {row.kind:12} {pages:5d} {row.original:10d}"
        for n in names:
            r = row.runs[n]
            ratio = f"{r.size / row.original:.2f}" if r.size else r.status
            line += f" {ratio:>9} {r.wall:8.1f} {f'{r.one_bit}/{r.images}':>9}"
        print(line)
    print()
    print(f"{'kind':12} {'files':>5} {'original':>10}" + "".join(f" {n + ' x':>9}" for n in names))
    kinds = sorted({r.kind for r in rows})
    for kind in kinds:
        group = [r for r in rows if r.kind == kind and all(x.size for x in r.runs.values())]
        if not group:
            continue
        original = sum(r.original for r in group)
        line = f"{kind:12} {len(group):5d} {original:10d}"
        for n in names:
            line += f" {sum(r.runs[n].size for r in group) / original:9.2f}"
        target = TARGETS.get(kind)
        print(line + (f"   target <= {target}" if target else ""))
    print()
    for n in names:
        wall = sum(r.runs[n].wall for r in rows)
        cpu = sum(r.runs[n].cpu for r in rows)
        print(f"{n}: {wall:.1f} s wall, {cpu:.1f} s CPU over {len(rows)} files")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="checkout of the baseline")
    parser.add_argument("--baseline-name", default="0.5.0")
    parser.add_argument("--name", default="0.6.0")
    parser.add_argument("--evaldata", type=Path, default=ROOT.parent / "shared" / "evaldata")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--no-real", action="store_true", help="leave out evaldata/vie-real")
    parser.add_argument("--only", default="", help="comma-separated kinds to run")
    args = parser.parse_args()
    versions = {args.baseline_name: args.baseline.resolve(), args.name: ROOT}
    names = list(versions)
    rows = []
    only = {k for k in args.only.split(",") if k}
    for i, path in enumerate(files(args.evaldata, args.samples, with_real=not args.no_real)):
        row = Row(path, kind_of(path), path.stat().st_size)
        if only and row.kind not in only:
            continue
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            row.runs[name] = run_version(versions[name], path)
        rows.append(row)
        print(f"{path.name}: " + ", ".join(f"{n} {row.runs[n].size}" for n in names), flush=True)
    print()
    report(rows, names)


if __name__ == "__main__":
    main()
