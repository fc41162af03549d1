"""Peak memory against page count: a long document must cost no more than a short one.

    .venv/bin/python -m bench.bench_memory --pages 5,200 --kinds tiff,pdf,digital

For each kind and page count, a document of A4 pages is written (``tiff``: Group 4 scans at
300 dpi; ``pdf``: JPEG scans at 300 dpi; ``digital``: born-digital vector text, read from its
text layer and not OCRed), then processed by ``digitize run`` in a fresh process, which reads
it from disk page by page; the process's peak resident memory is read from the kernel when it
ends. Tesseract runs in short-lived processes of its own, one page at a time, so its memory
does not depend on the page count.
Pages carry a few lines of text so OCR is quick; the memory at stake is the pipeline's.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.synth import render_document

# The peak is read from VmHWM: it belongs to the process's own address space, which starts anew
# at exec. (getrusage's ru_maxrss does not: Linux carries it over from the forking parent.)
RUNNER = """
import re, sys
from digitize.cli.main import entry
sys.argv = ["digitize", "run", sys.argv[1], "--out", sys.argv[2], "--dossier", "MEM"]
try:
    entry()
except SystemExit as exc:
    code = exc.code
status = open("/proc/self/status").read()
print(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1), code)
"""


KINDS = ("tiff", "pdf", "digital")
"""Multi-page Group 4 TIFF, PDF of JPEG scans, born-digital PDF (a real text layer)."""

SUFFIX = {"tiff": "tif", "pdf": "pdf", "digital": "pdf"}


def _synth_pages() -> list:
    return [
        render_document(t, random.Random(i), 300)
        for i, t in enumerate(("official_letter", "application", "decision"))
    ]


def write_born_digital_pdf(path: Path, synth: list, pages: int) -> None:
    """``pages`` pages of vector text with embedded fonts, each page its own content stream.

    The same drawing as ``bench.synth.pdf.write_born_digital``, in one multi-page
    file: what an agency's word processor exports. No page is OCRed, so 200 pages take seconds.
    """
    from reportlab.pdfgen import canvas as rl_canvas

    from bench.synth.pdf import PT_PER_MM, draw_page

    first = synth[0]
    width, height = first.size_mm[0] * PT_PER_MM, first.size_mm[1] * PT_PER_MM
    c = rl_canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    for n in range(pages):
        draw_page(c, synth[n % len(synth)], height)
        c.drawString(width / 2, 20, f"Trang {n + 1}")  # distinct text on every page
        c.showPage()
    c.save()


def make_document(path: Path, kind: str, pages: int) -> None:
    """``pages`` distinct-looking A4 pages from a handful of rendered ones."""
    synth = _synth_pages()
    if kind == "digital":
        write_born_digital_pdf(path, synth, pages)
        return
    base = [s.image.convert("L") for s in synth]
    frames = [base[i % len(base)] for i in range(pages)]
    if kind == "tiff":
        bilevel = [f.point(lambda v: 255 if v > 160 else 0).convert("1") for f in frames]
        bilevel[0].save(
            path, save_all=True, append_images=bilevel[1:], compression="group4", dpi=(300, 300)
        )
    else:
        frames[0].save(
            path, "PDF", save_all=True, append_images=frames[1:], resolution=300, quality=75
        )


def measure(path: Path, out: Path) -> tuple[float, int]:
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(path), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    last = proc.stdout.strip().splitlines()[-1]
    self_kb, code = last.split()
    return int(self_kb) / 1024, int(code) if code.isdigit() else 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", default="5,200")
    ap.add_argument("--kinds", default="tiff,pdf", help=f"some of {','.join(KINDS)}")
    args = ap.parse_args()
    unknown = set(args.kinds.split(",")) - set(KINDS)
    if unknown:
        ap.error(f"unknown kinds {sorted(unknown)}; choose from {', '.join(KINDS)}")
    counts = [int(x) for x in args.pages.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="digitize-mem-") as tmp:
        for kind in args.kinds.split(","):
            for n in counts:
                doc = Path(tmp) / f"doc_{n}.{SUFFIX[kind]}"
                make_document(doc, kind, n)
                peak_mb, code = measure(doc, Path(tmp) / f"out_{kind}_{n}")
                rows.append({"kind": kind, "pages": n, "peak_mb": round(peak_mb, 1), "exit": code})
                doc.unlink()
    print("| kind | pages | peak RSS (MB) | exit |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['kind']} | {r['pages']} | {r['peak_mb']} | {r['exit']} |")
    for kind in args.kinds.split(","):
        peaks = [r["peak_mb"] for r in rows if r["kind"] == kind]
        print(
            f"{kind}: growth from {counts[0]} to {counts[-1]} pages = "
            f"{peaks[-1] - peaks[0]:+.1f} MB"
        )
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
