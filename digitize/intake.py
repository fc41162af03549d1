"""Intake: turn a submitted file into page images, lazily, one page at a time.

The format is decided by the file's first bytes, not its name, so a mislabelled scan still
opens and a renamed text file is refused with a clear error. Pages are produced by a generator
so a 500-page TIFF or PDF never sits in memory at once.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from digitize import screening
from digitize.errors import (
    CorruptFile,
    EmptyFile,
    InputError,
    TooLarge,
    UnreadableFile,
)
from digitize.models import PageImage
from digitize.placement import SourceImage, g4_source, image_space

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


HEAD_BYTES = 1024
"""Bytes read to decide a file's kind (a PDF's header may follow some junk)."""

HASH_CHUNK = 1 << 20
"""Bytes read at a time when a file is hashed: a 300-page scan is never read whole."""


@dataclass
class Document:
    """An opened submission: its kind and a way to walk its pages.

    The content is either in memory (``data``) or in the file at ``path`` (``data`` is
    ``None``). A file is read only as its pages are needed, so a 300-page scan never sits in
    memory whole; ``name`` is what messages call it (a queued job's private copy of a file
    still reports the name the desk submitted).
    """

    path: Path
    kind: str
    data: bytes | None
    max_pixels: int = 120_000_000
    pdf_dpi: int = 300
    name: str = ""
    max_pages: int = 400
    unreadable_pages: list[int] = field(default_factory=list)
    """Pages (numbered from 1) skipped as unreadable while :meth:`pages` ran; the others
    are kept."""

    def __post_init__(self) -> None:
        self.name = self.name or self.path.name

    @property
    def ext(self) -> str:
        return KINDS[self.kind][0]

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][1]

    @property
    def in_memory(self) -> bool:
        return self.data is not None

    def read_bytes(self) -> bytes:
        """The whole content: for single-image files only.

        Their one page is decoded whole anyway, so holding the file as well costs at most its
        compressed size; a PDF or a multi-page TIFF is read through :meth:`pages` instead.
        """
        if self.data is not None:
            return self.data
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise _unreadable(self.path, self.name, exc) from exc

    def pages(self) -> Iterator[PageImage]:
        # The moment a document's reading starts: bench/bench_startup.py times it (-vv).
        log.debug("reading the first page")
        source: bytes | Path = self.data if self.data is not None else self.path
        if self.kind != "pdf":
            yield from _image_pages(source, self.name, self.max_pixels, self.max_pages)
            return
        from digitize import pdfsource  # its PDF libraries are slow to import: PDFs only

        try:
            yield from pdfsource.pages(
                source,
                name=self.name,
                render_dpi=self.pdf_dpi,
                max_pages=self.max_pages,
                unreadable=self.unreadable_pages,
            )
        except OSError as exc:  # the file vanished or became unreadable while being read
            raise _unreadable(self.path, self.name, exc) from exc


def open_document(
    path: Path,
    data: bytes | None = None,
    *,
    max_pixels: int,
    pdf_dpi: int,
    name: str | None = None,
    max_pages: int = 400,
) -> Document:
    """Check the content and decide the kind; raise a typed :class:`InputError` when unusable.

    With ``data`` the content is those bytes and ``path`` only names them. Without it the
    content is the file at ``path``, of which only the first kilobyte is read here.
    """
    label = name or path.name
    head, size = (data[:HEAD_BYTES], len(data)) if data is not None else _head(path, label)
    if not size:
        raise EmptyFile(f"{label} is empty (0 bytes).", path=str(path))
    kind = sniff(head)
    if kind is None:
        raise screening.unsupported(head, label, path)
    return Document(
        path, kind, data, max_pixels=max_pixels, pdf_dpi=pdf_dpi, name=label, max_pages=max_pages
    )


def head_of(path: Path, *, name: str | None = None) -> bytes:
    """The first bytes of a file, enough for :func:`sniff` to tell its kind."""
    return _head(path, name or path.name)[0]


def _head(path: Path, name: str) -> tuple[bytes, int]:
    try:
        with open(path, "rb") as f:
            return f.read(HEAD_BYTES), os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise _unreadable(path, name, exc) from exc


def sha256_of_file(path: Path, *, name: str | None = None) -> str:
    """The SHA-256 of a file, read in chunks: the same digest as of its bytes in memory.

    The document id is derived from it, so a file processed from disk and the same file
    received as bytes are one document.
    """
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise _unreadable(path, name or path.name, exc) from exc
    return digest.hexdigest()


def _unreadable(path: Path, name: str, exc: OSError) -> UnreadableFile:
    reason = exc.strerror or type(exc).__name__
    return UnreadableFile(f"{name} could not be read: {reason}.", path=str(path))


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


DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
    KeyError,
    IndexError,
    ZeroDivisionError,
    MemoryError,
    struct.error,
    cv2.error,
)
"""What the image decoders raise on a damaged file: PIL's TIFF reader alone raises
``TypeError`` for a missing size tag and ``KeyError`` or ``struct.error`` for a cut one (found by
``tests/test_fuzz_intake.py``). Each becomes :class:`CorruptFile` naming the file."""


def _image_pages(
    source: bytes | Path, name: str, max_pixels: int, max_pages: int = 400
) -> Iterator[PageImage]:
    # PIL's own bomb guard is a process-wide setting; the limit is checked here per frame, from
    # the header, before any pixel is decoded.
    Image.MAX_IMAGE_PIXELS = None
    # BytesIO shares the bytes (no copy); a file is read frame by frame as PIL seeks.
    if isinstance(source, bytes):
        fp: BinaryIO = io.BytesIO(source)
    else:
        try:
            fp = open(source, "rb")  # noqa: SIM115 - PIL closes it with the image
        except OSError as exc:
            raise _unreadable(source, name, exc) from exc
    try:
        im = Image.open(fp, formats=PIL_FORMATS)  # only the formats we accept are tried
    except (UnidentifiedImageError, *DECODE_ERRORS) as exc:
        fp.close()
        raise CorruptFile(f"{name} could not be decoded as an image: {exc}.") from exc
    index = 0
    try:
        # Counted from the frames' headers: a 500-page TIFF is refused before a pixel is read.
        screening.check_page_count(getattr(im, "n_frames", 1), max_pages, name)
        for frame in ImageSequence.Iterator(im):
            if frame.width * frame.height > max_pixels:
                raise TooLarge(
                    f"{name} page {index + 1} has {frame.width} x {frame.height} pixels, "
                    f"more than the {max_pixels:,} accepted."
                )
            single = getattr(im, "n_frames", 1) == 1
            fast = _fast_decode(source, frame) if index == 0 and single else None
            if fast is not None:
                yield fast
            else:
                frame.load()
                page = _to_page(frame, index, name)
                if page.bilevel and page.pristine:
                    page.source_image = _g4_strip(source, frame) or g4_source(page.image)
                yield page
            index += 1
    except DECODE_ERRORS as exc:
        if index == 0:
            raise CorruptFile(f"{name} could not be decoded as an image: {exc}.") from exc
        raise CorruptFile(f"{name} is damaged after page {index}: {exc}.") from exc
    finally:
        im.close()
        fp.close()


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


def _fast_decode(source: bytes | Path, im: Image.Image) -> PageImage | None:
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
    # One frame is decoded whole anyway: reading its file into memory costs its compressed size.
    data = (
        np.frombuffer(source, np.uint8)
        if isinstance(source, bytes)
        else np.fromfile(source, np.uint8)
    )
    arr = cv2.imdecode(data, flags)
    if arr is None or arr.shape[:2] != (im.height, im.width):
        return None
    page = PageImage(0, arr, believable_dpi(im.info.get("dpi")), False)
    if fmt == "JPEG":
        # The file's own bytes are what the searchable PDF stores (see digitize.placement).
        jpeg = source if isinstance(source, bytes) else data.tobytes()
        w, h = im.width, im.height
        components = 1 if im.mode == "L" else 3
        page.source_image = SourceImage("jpeg", jpeg, w, h, image_space(w, h), components)
    return page


_TIFF_PHOTOMETRIC, _TIFF_FILL_ORDER, _TIFF_OFFSETS, _TIFF_COUNTS = 262, 266, 273, 279


def _g4_strip(source: bytes | Path, frame: Image.Image) -> SourceImage | None:
    """A black-and-white TIFF page's CCITT Group 4 data, when it is one strip to store as is.

    Strips of a multi-strip page each start afresh, so they cannot be joined into one PDF
    image; such a page (and any other compression) is encoded again by the PDF writer.
    """
    tags = getattr(frame, "tag_v2", None)
    if tags is None or frame.info.get("compression") != "group4":
        return None
    offsets, counts = tags.get(_TIFF_OFFSETS), tags.get(_TIFF_COUNTS)
    photometric = tags.get(_TIFF_PHOTOMETRIC, 0)
    if not offsets or not counts or len(offsets) != 1 or len(counts) != 1:
        return None
    if tags.get(_TIFF_FILL_ORDER, 1) != 1 or photometric not in (0, 1):
        return None
    start, size = int(offsets[0]), int(counts[0])
    if isinstance(source, bytes):
        data = source[start : start + size]
    else:
        try:
            with open(source, "rb") as f:
                f.seek(start)
                data = f.read(size)
        except OSError:
            return None
    if len(data) != size:
        return None
    w, h = frame.width, frame.height
    return SourceImage("ccitt", data, w, h, image_space(w, h), black_is_zero=photometric == 1)


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
    always tried, so a wrong one gets a clear failed record instead of silence. Documents in
    formats we do not read (a HEIC photo, a Word file, see
    :data:`~digitize.screening.NOT_ACCEPTED_SUFFIXES`) are walked too, for the same reason.
    """
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and _walked(f.suffix.lower()) and not f.name.startswith("."):
                    yield f, p
        else:
            yield p, None


def _walked(suffix: str) -> bool:
    return suffix in SUFFIXES or suffix in screening.NOT_ACCEPTED_SUFFIXES


__all__ = [
    "Document",
    "InputError",
    "KINDS",
    "UnreadableFile",
    "believable_dpi",
    "estimate_dpi",
    "head_of",
    "open_document",
    "sha256_of_file",
    "sniff",
    "walk",
]
