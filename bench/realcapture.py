"""Real pages captured again the poor ways real pages come in.

The development documents of ``vie-real`` are real layouts, fonts, seals and handwriting, but
each comes in one capture only. Scoring them again as a low-resolution office scan, a small web
image, a thin photocopy with the back page showing through, or a phone photo tells how reading
holds up when the same real page arrives worse, which is how most of a backlog arrives. The
truth is the document's own (the text and fields do not change with the capture).

Only files captured at 150 dpi or more are taken (a web image made smaller again says
nothing). Copies are written under ``bench/out/real/captures`` and kept: the same file and
capture always give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

CAPTURES = ("lowres", "web", "showthrough", "photo", "snapshot", "bilevel", "top")
"""``lowres``: a 100-dpi colour scan kept as JPEG in a PDF. ``web``: pages 800 pixels wide in
a 64-colour palette, no resolution stated (a picture saved from a web page). ``showthrough``: a
thin-paper copy at 90 dpi with the mirrored back page showing through, yellowed paper, JPEG.
``photo``: a phone photo of the sheet on a desk: tilted, lit from one side, slightly soft.
``snapshot``: a quick phone snapshot: the page 1,100 pixels wide, tilted more, a shadow
across it, blurred and compressed harder.
``bilevel``: an office scanner's black-and-white 200-dpi page (CCITT G4): a red seal
turns as black as the print.
``top``: the first page's upper 45% only, 800 pixels wide in a 64-colour palette (a render of
a page's head shown on a web page): the lines and fields below it are lost to both readings,
so what it measures is the type and the header's fields."""

A4_WIDTH_IN = 8.27
MIN_SOURCE_DPI = 150


def _pixels_dpi(page) -> float:
    """The resolution of a page's pixels as intake gives them: the file's, else an A4
    page's."""
    h, w = page.image.shape[:2]
    return float(page.dpi) if page.dpi else min(h, w) / A4_WIDTH_IN


def _scan_dpis(path: Path) -> list[float]:
    """Per page of a PDF, the resolution its page was captured at: its largest image's, or
    300 for a born-digital page (text, a logo or a seal's picture: as sharp as it is
    rendered); an empty list for any other file."""
    from digitize.intake import HEAD_BYTES, sniff

    with path.open("rb") as fh:
        if sniff(fh.read(HEAD_BYTES)) != "pdf":
            return []
    import pikepdf

    out = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            box = [float(v) for v in page.mediabox]
            long_in = max(box[2] - box[0], box[3] - box[1]) / 72
            sizes = [
                max(int(img.Width), int(img.Height))
                for img in page.get_images().values()
                if "/Width" in img and "/Height" in img
            ]
            dpi = max(sizes) / long_in if sizes and long_in else 0.0
            fonts = "/Font" in page.get("/Resources", {})
            out.append(300.0 if not dpi or (dpi < MIN_SOURCE_DPI and fonts) else dpi)
    return out


def _bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


def _scaled(image: np.ndarray, factor: float) -> np.ndarray:
    h, w = image.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def _lowres(image: np.ndarray, dpi: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    return _scaled(image, 100 / dpi), 100.0


def _web(image: np.ndarray, dpi: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    small = _scaled(image, 800 / image.shape[1])
    return small, 0.0


def _showthrough(
    image: np.ndarray, dpi: float, rng: np.random.Generator
) -> tuple[np.ndarray, float]:
    small = _scaled(image, 90 / dpi).astype(np.float32)
    back = cv2.GaussianBlur(cv2.flip(small, 1), (0, 0), 1.5)
    ink = 255.0 - back
    page = small - 0.16 * ink
    tint = np.array([205.0, 232.0, 242.0], dtype=np.float32)  # BGR: yellowed paper
    page = page * (tint / 255.0)
    page += rng.normal(0, 4, page.shape).astype(np.float32)
    return _jpeg(np.clip(page, 0, 255).astype(np.uint8), 70), 90.0


def _photo(
    image: np.ndarray,
    dpi: float,
    rng: np.random.Generator,
    *,
    width: int = 0,
    tilt: float = 0.025,
    blur: float = 0.9,
    noise: float = 5.0,
    quality: int = 80,
) -> tuple[np.ndarray, float]:
    page = _scaled(image, width / image.shape[1] if width else 160 / dpi)
    h, w = page.shape[:2]
    pad = round(0.06 * w)
    desk = np.full((h + 2 * pad, w + 2 * pad, 3), (70, 95, 120), dtype=np.uint8)
    desk[pad : pad + h, pad : pad + w] = page
    H, W = desk.shape[:2]
    jitter = lambda: rng.uniform(-tilt, tilt) * W  # noqa: E731
    src = np.float32([[0, 0], [W, 0], [W, H], [0, H]])
    dst = np.float32([[p[0] + jitter(), p[1] + jitter()] for p in src])
    warped = cv2.warpPerspective(
        desk, cv2.getPerspectiveTransform(src, dst), (W, H), borderMode=cv2.BORDER_REPLICATE
    ).astype(np.float32)
    ramp = np.linspace(1.0, rng.uniform(0.55, 0.7), W, dtype=np.float32)
    if rng.random() < 0.5:
        ramp = ramp[::-1]
    warped *= ramp[None, :, None]
    warped = cv2.GaussianBlur(warped, (0, 0), blur)
    warped += rng.normal(0, noise, warped.shape).astype(np.float32)
    return _jpeg(np.clip(warped, 0, 255).astype(np.uint8), quality), 0.0


def _snapshot(image: np.ndarray, dpi: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    shot, _ = _photo(image, dpi, rng, width=1100, tilt=0.045, blur=1.2, noise=7.0, quality=60)
    h, w = shot.shape[:2]
    # the phone's shadow: a soft dark band across a corner
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    edge = (xx / w + yy / h - rng.uniform(0.5, 0.9)) * 8.0
    shade = 1.0 - 0.35 / (1.0 + np.exp(-edge))
    return np.clip(shot * shade[:, :, None], 0, 255).astype(np.uint8), 0.0


def _bilevel(image: np.ndarray, dpi: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    grey = cv2.cvtColor(_scaled(image, 200 / dpi), cv2.COLOR_BGR2GRAY)
    # a scanner's fixed threshold: red ink (grey about 110-150) falls on the black side
    ink = np.where(grey < 165, 0, 255).astype(np.uint8)
    return cv2.cvtColor(ink, cv2.COLOR_GRAY2BGR), 200.0


def _top(image: np.ndarray, dpi: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    small, _ = _web(image, dpi, rng)
    return small[: round(0.45 * small.shape[0])], 0.0


_MAKERS = {
    "lowres": _lowres,
    "web": _web,
    "showthrough": _showthrough,
    "photo": _photo,
    "snapshot": _snapshot,
    "bilevel": _bilevel,
    "top": _top,
}


def capture(path: Path, kind: str, out_dir: Path) -> Path | None:
    """``path`` captured as ``kind`` (a file under ``out_dir``), or ``None`` when its pages are
    already under :data:`MIN_SOURCE_DPI`."""
    from digitize.intake import open_document

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    ext = "png" if kind == "top" else "pdf" if kind in ("lowres", "showthrough") else "tif"
    out = out_dir / kind / f"{path.stem}-{digest}.{ext}"
    scanned = _scan_dpis(path)
    if scanned and min(scanned) < MIN_SOURCE_DPI:
        return None
    if out.exists():
        return out
    seed = int(digest[:8], 16) ^ CAPTURES.index(kind)
    rng = np.random.default_rng(seed)
    doc = open_document(path, None, max_pixels=120_000_000, pdf_dpi=300, name=path.name)
    frames: list[Image.Image] = []
    res = 0.0
    for page in doc.pages():
        if kind == "top" and frames:
            break
        dpi = _pixels_dpi(page)  # intake renders a PDF's scan at its own resolution or finer
        if not scanned and dpi < MIN_SOURCE_DPI:
            return None
        img, res = _MAKERS[kind](_bgr(page.image), dpi, rng)
        frame = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
        if kind in ("web", "top"):
            frame = frame.quantize(64)
        elif kind == "bilevel":
            frame = frame.convert("1", dither=Image.Dither.NONE)
        frames.append(frame)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and moved in place: two benchmarks may capture the same file at once.
    part = out.with_name(f".{out.stem}.{os.getpid()}.{ext}")
    if ext == "png":
        frames[0].save(part)
    elif ext == "tif":  # a black-and-white scan states its resolution, pictures none
        compression = {"web": "tiff_lzw", "bilevel": "group4"}.get(kind, "jpeg")
        dpi = {"dpi": (res, res)} if res else {}
        frames[0].save(
            part, save_all=True, append_images=frames[1:], compression=compression, **dpi
        )
    else:
        frames[0].save(part, save_all=True, append_images=frames[1:], resolution=res, quality=80)
    os.replace(part, out)
    return out
