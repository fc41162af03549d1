"""Hostile files: what each costs to refuse, against an ordinary scan, in one run.

    .venv/bin/python -m bench.bench_hostile [--pdf-pages 100]

Each file of ``tests/hostile_files.py`` is processed by the pipeline in a fresh process (the
way `digitize run` would), which reports its wall time and its own peak resident memory
(``VmHWM``); the ordinary one-page scan ``good.png`` is the baseline of the same run. Then the
PDF bomb is handed to PDFium alone, as it was before PDFs were screened, with a time limit: the
cost the screening saves. Last, the screening's own cost on an ordinary scanned PDF of
``--pdf-pages`` pages, against rendering those pages (no OCR), in this process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests import hostile_files as hf

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, re, sys, time
from pathlib import Path
started = time.monotonic()
from digitize.pipeline import process_document
from digitize.settings import Settings
from storage import LocalStore
path = Path(sys.argv[2])
ready = time.monotonic()
record = process_document(path, source_name=path.name, dossier_code="BENCH",
                          store=LocalStore(sys.argv[1]), settings=Settings(store=sys.argv[1]))
status = open("/proc/self/status").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
print(json.dumps({"status": record.record["status"],
                  "code": (record.record["error"] or {}).get("code"),
                  "seconds": round(time.monotonic() - ready, 3), "peak_mb": peak // 1024}))
"""

PDFIUM_ALONE = """
import sys, pypdfium2 as pdfium
doc = pdfium.PdfDocument(sys.argv[1])
doc[0].render(scale=1)
"""


def run_child(store: Path, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(store), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def pdfium_alone(path: Path, limit_s: float) -> str:
    started = time.monotonic()
    try:
        subprocess.run(
            [sys.executable, "-c", PDFIUM_ALONE, str(path)],
            capture_output=True,
            timeout=limit_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"not finished after {limit_s:.0f} s (stopped)"
    return f"{time.monotonic() - started:.1f} s"


def screening_cost(folder: Path, pages: int) -> tuple[float, float]:
    """Seconds to screen a scanned PDF of ``pages`` pages, and to render its pages."""
    from digitize import pdfsource, screening

    path = folder / "scan.pdf"
    path.write_bytes(hf.scanned_pdf(pages))
    started = time.monotonic()
    screening.check_pdf_structure(path, path.name, max_pages=pages)
    screened = time.monotonic() - started
    started = time.monotonic()
    for _ in pdfsource.pages(path, name=path.name, max_pages=pages):
        pass
    rendered = time.monotonic() - started - screened  # pages() screens again first
    return screened, rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf-pages", type=int, default=100)
    parser.add_argument("--pdfium-limit-s", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp)
        paths = hf.write_all(folder / "files")
        print(f"{'file':<28} {'status':<7} {'code':<22} {'seconds':>8} {'peak MB':>8}")
        for name, path in paths.items():
            r = run_child(folder / "store", path)
            print(
                f"{name:<28} {r['status']:<7} {r['code'] or '':<22} "
                f"{r['seconds']:>8.2f} {r['peak_mb']:>8}"
            )
        bomb = paths["bomb.pdf"]
        print(f"\nbomb.pdf, PDFium alone (no screening): {pdfium_alone(bomb, args.pdfium_limit_s)}")
        screened, rendered = screening_cost(folder, args.pdf_pages)
        print(
            f"screening a {args.pdf_pages}-page scanned PDF: {screened * 1000:.0f} ms, "
            f"rendering its pages: {rendered:.1f} s (screening = "
            f"{screened / rendered:.1%} of rendering)"
        )


if __name__ == "__main__":
    main()
