"""Intake: turn a submitted file into page images, lazily, one page at a time.

The format is decided by the file's first bytes, not its name, so a mislabelled scan still
opens and a renamed text file is refused with a clear error. Pages are produced by a generator
so a 500-page TIFF or PDF never sits in memory at once.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from digitize import pdfsource
from digitize.errors import CorruptFile, EmptyFile, InputError, TooLarge, UnsupportedFormat
from digitize.models import PageImage

log = logging.getLogger(__name__)

KINDS = {
    "jpeg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
    "tiff": ("tif", "image/tiff"),
    "bmp": ("bmp", "image/bmp"),
    "webp": ("webp", "image/webp"),
    "pdf": ("pdf", "application/pdf"),
}
"""Accepted kinds: the extension the stored original gets, and its content type."""

PIL_FORMATS = ("JPEG", "PNG", "TIFF", "BMP", "WEBP")

SUFFIXES = {".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".bmp", ".webp", ".pdf"}
"""File name endings picked up when a folder is walked (explicit files are always tried)."""

MIN_BELIEVABLE_DPI = 100
MAX_BELIEVABLE_DPI = 1200
A4_LONG_SIDE_IN = 11.69


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes, or ``None`` when it is not one we read."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


@dataclass
class Document:
    """An opened submission: its bytes' kind and a way to walk its pages."""

    path: Path
    kind: str
    data: bytes
    max_pixels: int = 120_000_000
    pdf_dpi: int = 300

    @property
    def ext(self) -> str:
        return KINDS[self.kind][0]

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][1]

    def pages(self) -> Iterator[PageImage]:
        if self.kind == "pdf":
            yield from pdfsource.pages(self.data, name=self.path.name, render_dpi=self.pdf_dpi)
        else:
            yield from _image_pages(self.data, self.path.name, self.max_pixels)


def open_document(path: Path, data: bytes, *, max_pixels: int, pdf_dpi: int) -> Document:
    """Check the bytes and decide the kind; raise a typed :class:`InputError` when unusable."""
    if not data:
        raise EmptyFile(f"{path.name} is empty (0 bytes).", path=str(path))
    kind = sniff(data[:1024])
    if kind is None:
        raise UnsupportedFormat(
            f"{path.name} is not a JPEG, PNG, TIFF, BMP, WebP or PDF file.", path=str(path)
        )
    return Document(path, kind, data, max_pixels=max_pixels, pdf_dpi=pdf_dpi)


_IJG_LUMA_MEAN = 57.625
"""Mean of the standard JPEG luminance quantization table (quality 50)."""


def jpeg_quality(data: bytes) -> int | None:
    """The IJG quality a JPEG was saved with, estimated from its luminance table.

    A page re-encoded after cleanup is saved at its source's quality, so straightening a
    phone photo does not make its PDF several times larger than the photo.
    """
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as im:
            tables = getattr(im, "quantization", None) or {}
    except (OSError, ValueError, SyntaxError):
        return None
    luma = tables.get(0)
    if not luma:
        return None
    scale = sum(luma) / len(luma) / _IJG_LUMA_MEAN * 100.0
    quality = (200.0 - scale) / 2.0 if scale <= 100.0 else 5000.0 / scale
    return int(min(95, max(30, round(quality))))


def believable_dpi(dpi: object) -> float | None:
    """The resolution a file states, or ``None`` when it is missing or implausible.

    72 and 96 dpi are what cameras and screenshot tools write when they know nothing; a page
    image at such a value would be a postage stamp, so they count as unknown.
    """
    try:
        x = float(dpi[0] if isinstance(dpi, tuple | list) else dpi)  # type: ignore[index,arg-type]
    except (TypeError, ValueError, IndexError):
        return None
    if not math.isfinite(x) or not MIN_BELIEVABLE_DPI <= x <= MAX_BELIEVABLE_DPI:
        return None
    return x


def estimate_dpi(width: int, height: int) -> float:
    """A first guess when the file says nothing: the page is A4 (or a smaller card photo)."""
    return max(width, height) / A4_LONG_SIDE_IN


def _image_pages(data: bytes, name: str, max_pixels: int) -> Iterator[PageImage]:
    # PIL's own bomb guard is a process-wide setting; the limit is checked here per frame, from
    # the header, before any pixel is decoded.
    Image.MAX_IMAGE_PIXELS = None
    try:
        # BytesIO shares the bytes (no copy); only the formats we accept are tried.
        im = Image.open(io.BytesIO(data), formats=PIL_FORMATS)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile(f"{name} could not be decoded as an image: {exc}.") from exc
    index = 0
    try:
        for frame in ImageSequence.Iterator(im):
            if frame.width * frame.height > max_pixels:
                raise TooLarge(
                    f"{name} page {index + 1} has {frame.width} x {frame.height} pixels, "
                    f"more than the {max_pixels:,} accepted."
                )
            single = getattr(im, "n_frames", 1) == 1
            fast = _fast_decode(data, frame) if index == 0 and single else None
            if fast is not None:
                yield fast
            else:
                frame.load()
                yield _to_page(frame, index, name)
            index += 1
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if index == 0:
            raise CorruptFile(f"{name} could not be decoded as an image: {exc}.") from exc
        raise CorruptFile(f"{name} is damaged after page {index}: {exc}.") from exc


def _exif_orientation(im: Image.Image) -> int:
    """The EXIF orientation tag (1 = as stored), read without decoding any pixels.

    PIL's ``getexif()`` on a PNG decodes the whole image to look for an EXIF chunk after the
    pixels; a PNG's orientation, when it has one, sits before them and is already in ``info``.
    """
    if im.format == "PNG":
        raw = im.info.get("exif")
        if not raw:
            return 1
        exif = Image.Exif()
        exif.load(raw)
        return exif.get(0x0112, 1) or 1
    return im.getexif().get(0x0112, 1) or 1


def _fast_decode(data: bytes, im: Image.Image) -> PageImage | None:
    """Single-frame pages decoded by OpenCV: several times faster than PIL for large scans.

    Only the plain cases: no transparency, no EXIF turn, no ICC profile in a PNG (libpng would
    print a warning on the user's terminal for some profiles). Everything else goes through PIL.
    """
    fmt = im.format
    if fmt not in ("JPEG", "PNG", "BMP", "WEBP") or im.mode not in ("RGB", "L", "P"):
        return None
    if "transparency" in im.info or _exif_orientation(im) != 1:
        return None
    if fmt == "PNG" and "icc_profile" in im.info:
        return None
    grey = im.mode == "L" or (im.mode == "P" and _palette_is_grey(im))
    flags = (cv2.IMREAD_GRAYSCALE if grey else cv2.IMREAD_COLOR) | cv2.IMREAD_IGNORE_ORIENTATION
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if arr is None or arr.shape[:2] != (im.height, im.width):
        return None
    return PageImage(0, arr, believable_dpi(im.info.get("dpi")), False)


def _to_page(frame: Image.Image, index: int, name: str) -> PageImage:
    dpi = believable_dpi(frame.info.get("dpi"))
    pristine = True
    if index == 0 and _exif_orientation(frame) != 1:
        frame = ImageOps.exif_transpose(frame)
        pristine = False
    bilevel = frame.mode == "1"
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(frame, dtype=np.float64)
        hi = arr.max() or 1.0
        gray = (arr * (255.0 / hi)).clip(0, 255).astype(np.uint8)
        return PageImage(index, gray, dpi, False, pristine=pristine)
    transparent = frame.mode in ("LA", "PA", "RGBA") or "transparency" in frame.info
    if transparent:
        frame = _flatten(frame)
    if frame.mode in ("1", "L") or (frame.mode == "P" and _palette_is_grey(frame)):
        gray = np.asarray(frame.convert("L"), dtype=np.uint8).copy()
        return PageImage(index, gray, dpi, bilevel, pristine=pristine)
    arr = np.asarray(frame.convert("RGB"), dtype=np.uint8)[:, :, ::-1].copy()  # BGR for OpenCV
    return PageImage(index, arr, dpi, False, pristine=pristine)


def _palette_is_grey(frame: Image.Image) -> bool:
    palette = frame.getpalette() or []
    triples = [palette[i : i + 3] for i in range(0, len(palette), 3)]
    return all(r == g == b for r, g, b in triples)


def _flatten(frame: Image.Image) -> Image.Image:
    """Transparent parts become white paper, not black."""
    rgba = frame.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


def walk(paths: list[Path]) -> Iterator[tuple[Path, Path | None]]:
    """Each file to process with the folder it was found under (``None`` for explicit files).

    Folders are walked recursively in name order; files whose names do not look like
    documents (scripts, notes, reports) are skipped there, but a file named explicitly is
    always tried, so a wrong one gets a clear failed record instead of silence.
    """
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("."):
                    yield f, p
        else:
            yield p, None


__all__ = [
    "Document",
    "InputError",
    "KINDS",
    "believable_dpi",
    "estimate_dpi",
    "open_document",
    "sniff",
    "walk",
]
