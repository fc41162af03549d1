"""The one module that runs Tesseract.

Every call goes through :func:`_run`: it owns the environment (``OMP_THREAD_LIMIT=1``, because
Tesseract's OpenMP threads make a page slower, not faster, on a shared two-core machine and
fight with our own worker processes), the time limit, the mapping of stderr lines to log levels
and of failures to typed errors. Pages are handed over as uncompressed BMP files in a private
scratch folder (in memory where the system has one): Tesseract reads its standard input a byte
at a time, which costs a fifth of a page's recognition time on an A4 page, and Leptonica reads a
BMP with no decompression. The binary's version and language data are checked once per process.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from digitize.errors import LanguageMissing, OCRError, OCRTimeout, TesseractMissing
from digitize.models import Word

log = logging.getLogger(__name__)

MIN_VERSION = (4, 1)
"""Oldest Tesseract whose LSTM engine and TSV output this module relies on."""

_QUIET_STDERR = (
    re.compile(r"^Estimating resolution"),
    re.compile(r"^Warning\. Invalid resolution"),
    re.compile(r"^Detected \d+ diacritics"),
    re.compile(r"^Page \d+$"),
    # Leptonica's own complaints inside a run that succeeded ("Error in boxClipToRectangle:
    # box outside rectangle" on a tiny crop): its answer is still used, nothing failed.
    re.compile(r"^Error in \w+: "),
)


@dataclass(frozen=True)
class TesseractInfo:
    path: str
    version: tuple[int, ...]
    version_text: str
    tessdata: Path | None
    languages: frozenset[str]


@lru_cache(maxsize=1)
def info() -> TesseractInfo:
    """Locate Tesseract and read its version and languages (once per process)."""
    path = shutil.which("tesseract")
    if path is None:
        raise TesseractMissing("Tesseract is not installed (no `tesseract` on PATH).")
    out = _plain([path, "--version"]).splitlines()
    version_text = out[0].strip() if out else "unknown"
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", version_text)
    version = tuple(int(g) for g in m.groups() if g is not None) if m else (0,)
    if version < MIN_VERSION:
        raise TesseractMissing(
            f"Tesseract {version_text} is too old; digitize needs 4.1 or newer.",
            hint="Install a current one: sudo apt-get install tesseract-ocr tesseract-ocr-vie",
        )
    listing = _plain([path, "--list-langs"]).splitlines()
    tessdata = None
    if listing:
        m = re.search(r'"(.+?)"', listing[0])
        if m:
            tessdata = Path(m.group(1))
    langs = frozenset(line.strip() for line in listing[1:] if line.strip())
    return TesseractInfo(path, version, version_text, tessdata, langs)


def latin_model(lang: str) -> str:
    """The model for print of Latin letters and digits only (an MRZ, an ID's digits):
    ``eng`` where installed, else the first of ``lang``."""
    return "eng" if "eng" in info().languages else lang.split("+")[0]


def require_languages(lang: str) -> None:
    """Raise :class:`LanguageMissing` unless every language of ``lang`` ('vie+eng') is installed."""
    missing = [code for code in lang.split("+") if code not in info().languages]
    if missing:
        pkgs = " ".join(f"tesseract-ocr-{code.replace('_', '-').lower()}" for code in missing)
        raise LanguageMissing(
            f"Tesseract has no language data for {', '.join(missing)}.",
            hint=f"Install it: sudo apt-get install {pkgs}",
        )


def _plain(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=30, check=False)
    except OSError as exc:
        raise TesseractMissing(f"Tesseract could not be started: {exc.strerror}.") from exc
    # --list-langs writes to stdout, --version to stdout or stderr depending on the release.
    return (proc.stdout or proc.stderr).decode("utf-8", "replace")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def _log_stderr(stderr: bytes) -> None:
    for line in stderr.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line:
            continue
        if any(p.search(line) for p in _QUIET_STDERR):
            log.debug("tesseract: %s", line)
        elif line.lower().startswith(("error", "failed")):
            log.error("tesseract: %s", line)
        else:
            log.info("tesseract: %s", line)


def encode_bmp(image: np.ndarray) -> bytes:
    """Uncompressed BMP (8-bit grey or 24-bit colour): the cheapest format Leptonica reads."""
    if image.dtype != np.uint8:
        raise ValueError("page images are uint8")
    ok, buf = cv2.imencode(".bmp", np.ascontiguousarray(image))
    if not ok:
        raise OCRError("The page image could not be prepared for Tesseract.")
    return buf.tobytes()


@lru_cache(maxsize=1)
def _scratch_root() -> str | None:
    """A folder in memory (``/dev/shm``) when there is a writable one, else the system's temp."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def _run(args: list[str], image: np.ndarray, *, timeout: float, what: str) -> str:
    """Run Tesseract on ``image`` and return its stdout as text.

    The image is written to a file only the current user can read, removed as soon as
    Tesseract is done with it: it is a citizen's document.
    """
    fd, path = tempfile.mkstemp(prefix="digitize-", suffix=".bmp", dir=_scratch_root())
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(encode_bmp(image))
        cmd = [info().path, path, "stdout", *args]
        try:
            proc = subprocess.run(
                cmd,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                env=_env(),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise OCRTimeout(f"Tesseract took longer than {timeout:g} s on {what}.") from exc
        except OSError as exc:
            raise TesseractMissing(f"Tesseract could not be started: {exc.strerror}.") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    if proc.returncode != 0:
        # The error raised carries Tesseract's last line, and its caller decides how bad it is
        # (orientation detection refusing a page with few letters is an answer, not a fault).
        log.debug("tesseract failed on %s: %s", what, proc.stderr.decode("utf-8", "replace"))
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else f"exit status {proc.returncode}"
        if proc.returncode < 0:
            last = f"killed by signal {-proc.returncode}"
        raise OCRError(f"Tesseract failed on {what}: {last}")
    _log_stderr(proc.stderr)
    return proc.stdout.decode("utf-8", "replace")


def recognize(
    image: np.ndarray,
    *,
    lang: str = "vie",
    psm: int = 3,
    dpi: float | None = None,
    timeout: float = 120.0,
    what: str = "a page",
    config: dict[str, str] | None = None,
) -> list[Word]:
    """Words with boxes and confidences, in Tesseract's reading order, from one pass;
    ``config`` sets Tesseract variables (``tessedit_char_whitelist``...)."""
    require_languages(lang)
    args = ["-l", lang, "--psm", str(psm)]
    if dpi:
        args += ["--dpi", str(round(dpi))]
    for key, value in (config or {}).items():
        args += ["-c", f"{key}={value}"]
    args.append("tsv")
    return parse_tsv(_run(args, image, timeout=timeout, what=what))


STRIP_GAP = 0.8
"""Paper between stacked strips, and on either side of them, in the tallest strip's heights."""


def recognize_strips(
    strips: list[np.ndarray],
    *,
    lang: str,
    dpi: float,
    timeout: float,
    what: str,
    sides: bool = True,
    config: dict[str, str] | None = None,
) -> list[list[Word]]:
    """Strips cut from a page (lines, a zone's bands), stacked on one sheet with paper between
    them (and, with ``sides``, beside them) and read in one call, as one block of text: one
    word list per strip, in the strip's own pixels (a word is the strip's whose middle lies
    nearest it). A page's few doubtful lines cost one Tesseract start, not one each."""
    if not strips:
        return []
    gap = max(8, int(STRIP_GAP * max(s.shape[0] for s in strips)))
    side = gap if sides else 0
    starts = []
    y = gap
    for s in strips:
        starts.append(y)
        y += s.shape[0] + gap
    sheet = np.full((y, max(s.shape[1] for s in strips) + 2 * side), 255, np.uint8)
    for s, sy in zip(strips, starts, strict=True):
        sheet[sy : sy + s.shape[0], side : side + s.shape[1]] = s
    found: list[list[Word]] = [[] for _ in strips]
    for w in recognize(sheet, lang=lang, psm=6, dpi=dpi, timeout=timeout, what=what, config=config):
        n = bisect.bisect_right(starts, w.top + w.height / 2 + gap / 2) - 1
        if w.text.strip() and n >= 0:
            found[n].append(replace(w, left=w.left - side, top=w.top - starts[n]))
    return found


_SLASHES = str.maketrans({"\u2044": "/", "\u2215": "/", "\uff0f": "/"})
"""Slashes Tesseract reads for the slash of print ("V⁄v", "Số 12⁄QĐ"): fraction, division and
full-width slashes, which no Vietnamese document types."""


SLIVER = 0.1
"""Width, in heights, under which a word of one or two characters is no glyph: a thin stroke
(the end of a rule, a table's edge, a scratch) that Tesseract read as "ì" or "|" at middling
confidence, a pixel wide and fifteen high, between the words of a heading ("TỈNH QUẢNG ì
NGÃI", the issuer lost). Print's narrowest letters (I, l, 1) stand at 0.15 or more."""


def parse_tsv(tsv: str) -> list[Word]:
    """Word rows (level 5) of Tesseract's TSV output, text in NFC; slivers (see
    :data:`SLIVER`) left out."""
    words: list[Word] = []
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if not header:
        return words
    for row in reader:
        if len(row) < 12 or row[0] != "5":
            continue
        text = unicodedata.normalize("NFC", row[11]).translate(_SLASHES).strip()
        if not text:
            continue
        width, height = int(row[8]), int(row[9])
        if len(text) <= 2 and width < SLIVER * height:
            continue
        conf = float(row[10])
        words.append(
            Word(
                text=text,
                left=int(row[6]),
                top=int(row[7]),
                width=width,
                height=height,
                conf=max(0.0, min(1.0, conf / 100.0)),
                block=int(row[2]),
                par=int(row[3]),
                line=int(row[4]),
            )
        )
    return words


@dataclass(frozen=True)
class Orientation:
    rotate: int
    """Clockwise degrees that make the page upright (0, 90, 180 or 270)."""
    confidence: float
    script: str | None = None


def detect_orientation(
    image: np.ndarray, *, timeout: float = 60.0, what: str = "a page"
) -> Orientation | None:
    """Tesseract's orientation and script detection, or ``None`` when it cannot tell."""
    require_languages("osd")
    try:
        out = _run(["--psm", "0", "-l", "osd"], image, timeout=timeout, what=what)
    except OCRError as exc:
        # OSD refuses pages with too few characters; that is an answer ("cannot tell"), not a
        # failure of the document.
        log.debug("orientation detection gave no answer on %s: %s", what, exc)
        return None
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    script = re.search(r"Script:\s*(\S+)", out)
    if not rotate or not conf:
        return None
    return Orientation(int(rotate.group(1)) % 360, float(conf.group(1)), script and script.group(1))
