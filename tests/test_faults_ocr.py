"""Tesseract crashing or hanging on one page: that document fails, the others are read.

The real Tesseract cannot be made to crash or hang on demand, so a ``tesseract`` placed first on
``PATH`` stands in for it (as OCRmyPDF's test plugins do): it runs the real binary and passes
its answer on, except on a page whose text reads CRASH (it then dies of SIGSEGV, as a crashing
Tesseract does) or HANG (it then sleeps far past the page's time limit).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.pages import draw_page, encode

ROOT = Path(__file__).resolve().parents[1]
DOSSIER = "000.00.12.H57-261130-0314"

FAKE = textwrap.dedent(
    """\
    #!{python}
    import os, signal, subprocess, sys, time
    real = {real!r}
    if len(sys.argv) < 3 or sys.argv[1].startswith("--"):
        os.execv(real, [real, *sys.argv[1:]])  # --version, --list-langs
    done = subprocess.run([real, *sys.argv[1:]], capture_output=True)
    if b"CRASH" in done.stdout:
        os.kill(os.getpid(), signal.SIGSEGV)
    if b"HANG" in done.stdout:
        time.sleep(3600)
    sys.stdout.buffer.write(done.stdout)
    sys.stderr.buffer.write(done.stderr)
    sys.exit(done.returncode)
    """
)


@pytest.fixture
def faulty_tesseract(tmp_path) -> Path:
    real = shutil.which("tesseract")
    if real is None:
        pytest.skip("Tesseract is not installed")
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "tesseract"
    fake.write_text(FAKE.format(python=sys.executable, real=real))
    fake.chmod(0o755)
    return folder


def page(word: str) -> bytes:
    lines = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f"{word} {word} {word}", "Giới tính: Nữ")
    return encode(draw_page(lines, dpi=150), "PNG", dpi=150)


def test_a_crashing_and_a_hanging_tesseract_fail_their_documents_only(tmp_path, faulty_tesseract):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a_good.png").write_bytes(page("TỐT"))
    (inbox / "b_crash.png").write_bytes(page("CRASH"))
    (inbox / "c_hang.png").write_bytes(page("HANG"))
    (inbox / "d_good.png").write_bytes(page("ĐẸP"))
    env = {
        **os.environ,
        "PATH": f"{faulty_tesseract}{os.pathsep}{os.environ['PATH']}",
        "DIGITIZE_OCR_TIMEOUT_S": "4",
    }
    cmd = [sys.executable, "-m", "digitize", "run", str(inbox), "--dossier", DOSSIER, "--json"]
    proc = subprocess.run(
        [*cmd, "--out", str(tmp_path / "store")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=600,
    )
    stderr = proc.stderr.decode()
    assert proc.returncode == 1, stderr[-2000:]
    assert "Traceback" not in stderr
    recs = {r["source_name"]: r for r in map(json.loads, proc.stdout.decode().splitlines())}
    assert recs["a_good.png"]["status"] == "done" and recs["d_good.png"]["status"] == "done"
    crashed, hung = recs["b_crash.png"], recs["c_hang.png"]
    assert crashed["status"] == "failed" and crashed["error"]["code"] == "ocr_failed"
    assert "signal 11" in crashed["error"]["message"]
    assert hung["status"] == "failed" and hung["error"]["code"] == "ocr_timeout"
    assert "4 s" in hung["error"]["message"]
    for rec in (crashed, hung):
        assert rec["links"]["original"] and rec["links"]["searchable_pdf"] is None
