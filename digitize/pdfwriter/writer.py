"""The searchable PDF, assembled with pikepdf, one page on disk at a time.

A 200-page dossier must not hold 200 page images in memory, so each page (its image and its
content stream) is saved at once as a one-page PDF in a private folder beside the output. At
close qpdf gathers the page files into one PDF, reading each image from its page file as the
merged file is written; the glyphless font, the PDF/A output intent, the Info dictionary and
the XMP metadata are then added once, and the file is written out again, its images read from
disk as they go. Memory stays a few pages' worth. The file is built under a temporary name and
renamed into place when complete, so a reader (or a resumed batch run) never mistakes a
half-written PDF for a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from numbers import Real
from pathlib import Path
from types import TracebackType

import numpy as np
import pikepdf
from pikepdf import Name

from digitize.errors import DigitizeError, PDFWriteError
from digitize.models import Word
from digitize.pdfwriter import font as fonts
from digitize.pdfwriter.content import PageGeometry, group_lines, page_content, pdf_codes
from digitize.pdfwriter.images import encoded_stream, normalize_image, source_stream
from digitize.pdfwriter.pdfa import PROFILES, ArchiveMetadata, add_metadata, add_output_intent
from digitize.placement import Affine, SourceImage, compose

log = logging.getLogger(__name__)

_IMAGE_NAME, _FONT_NAME = "Im0", "F0"
_READ = pikepdf.AccessMode.stream
#: PDF 1.7 is what PDF/A-2 is built on (Decree 30 asks for PDF 1.4 or later).
_PDF_VERSION = "1.7"


class SearchablePDF:
    """A searchable PDF built page by page: each page image with an invisible text layer.

    Use as a context manager, or call :meth:`close` (which completes the file) or
    :meth:`abort` (which discards it). Leaving a ``with`` block by an exception discards the
    file, so an incomplete document never appears at ``path``. ``profile`` is ``pdfa-2b``
    (archival PDF/A-2b, the default) or ``pdf``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        title: str | None = None,
        jpeg_quality: int = 85,
        profile: str = "pdfa-2b",
    ) -> None:
        self.path = Path(path)
        if not isinstance(jpeg_quality, int) or not 1 <= jpeg_quality <= 100:
            raise DigitizeError(
                f"{self.path}: jpeg_quality must be an integer from 1 to 100, not {jpeg_quality!r}",
                path=str(self.path),
            )
        if profile not in PROFILES:
            raise DigitizeError(
                f"{self.path}: the PDF profile is one of {', '.join(PROFILES)}, not {profile!r}",
                path=str(self.path),
            )
        self.title = title
        self.jpeg_quality = jpeg_quality
        self.profile = profile
        self.metadata = ArchiveMetadata()
        self.image_kinds: list[str] = []
        """Per page, how its image was stored: ``source``, ``g4`` or ``jpeg``."""
        self._partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        self._with_text: list[bool] = []
        self._high_bytes: set[int] = set()
        self._closed = False
        try:
            self._pages_dir = Path(
                tempfile.mkdtemp(prefix=f".{self.path.name}.pages-", dir=self.path.parent)
            )
        except OSError as exc:
            raise self._write_error(exc) from exc

    # --- public API ----------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self._with_text)

    def add_page(
        self,
        image: np.ndarray,
        *,
        dpi: float,
        words: Sequence[Word],
        bilevel: bool = False,
        jpeg_quality: int | None = None,
        source: SourceImage | None = None,
        placement: Affine | None = None,
    ) -> None:
        """Write one page: ``image`` covers the page, whose size is the image's at ``dpi``.

        ``words`` are in pixels of ``image``. With ``source`` (the file's own encoded image)
        and ``placement`` (how the page image's pixels map to ``image``'s; see
        :mod:`digitize.placement`), the source is stored as it is, drawn where ``image``
        shows it. Otherwise ``image`` is encoded: ``bilevel`` (or pure black-and-white pixels)
        as CCITT G4, else JPEG at ``jpeg_quality`` (the source's, or the writer's).
        """
        self._check_open()
        number = self.page_count + 1
        if isinstance(dpi, bool) or not isinstance(dpi, Real) or not math.isfinite(dpi) or dpi <= 0:
            raise self._argument_error(number, f"dpi must be a positive number, not {dpi!r}")
        try:
            pixels = normalize_image(image)
        except ValueError as exc:
            raise self._argument_error(number, str(exc)) from exc
        height, width = pixels.shape[:2]
        geometry = PageGeometry(width, height, float(dpi))
        lines = group_lines(words)
        self._high_bytes.update(c >> 8 for ln in lines for w in ln for c in pdf_codes(w.text))
        self._high_bytes.add(0)  # the space between words
        page_file = self._pages_dir / f"{number:06d}.pdf"
        opened: list[pikepdf.Pdf] = []
        try:
            with pikepdf.new() as pdf:
                stream, kind, matrix = None, "source", None
                if source is not None and placement is not None:
                    stream = source_stream(pdf, source, opened)
                    matrix = compose(source.matrix, placement)
                if stream is None:
                    encoded = encoded_stream(
                        pdf,
                        pixels,
                        bilevel=bilevel,
                        jpeg_quality=jpeg_quality or self.jpeg_quality,
                    )
                    stream, kind, matrix = encoded.stream, encoded.kind, None
                content = page_content(
                    geometry, lines, image=_IMAGE_NAME, font=_FONT_NAME, placement=matrix
                )
                contents = pikepdf.Stream(pdf, zlib.compress(content, 9))
                contents.Filter = Name.FlateDecode
                page = pikepdf.Dictionary(
                    Type=Name.Page,
                    MediaBox=[0, 0, geometry.width_pt, geometry.height_pt],
                    Resources=pikepdf.Dictionary(
                        XObject=pikepdf.Dictionary({f"/{_IMAGE_NAME}": pdf.make_indirect(stream)})
                    ),
                    Contents=pdf.make_indirect(contents),
                )
                pdf.pages.append(pikepdf.Page(page))
                pdf.save(page_file, stream_decode_level=pikepdf.StreamDecodeLevel.none)
        except (ValueError, pikepdf.PdfError) as exc:
            self.abort()
            raise PDFWriteError(
                f"cannot write page {number} of {self.path}: {exc}", path=str(self.path)
            ) from exc
        except OSError as exc:
            self.abort()
            raise self._write_error(exc) from exc
        finally:
            for holder in opened:
                holder.close()
        self.image_kinds.append(kind)
        self._with_text.append(bool(lines))

    def describe(self, metadata: ArchiveMetadata) -> None:
        """The document's Decree 30 metadata, written into the file's XMP at :meth:`close`."""
        self.metadata = metadata

    def close(self) -> None:
        """Gather the pages, add font, output intent and metadata, move the file into place."""
        if self._closed:
            return
        if not self._with_text:
            self.abort()
            raise DigitizeError(f"{self.path}: a PDF needs at least one page", path=str(self.path))
        with self._io():
            merged = self._merge_pages()
            with pikepdf.open(merged, access_mode=_READ) as out:
                self._finish(out)
                out.save(
                    self._partial,
                    min_version=_PDF_VERSION,
                    stream_decode_level=pikepdf.StreamDecodeLevel.none,
                    fix_metadata_version=False,
                    object_stream_mode=pikepdf.ObjectStreamMode.generate,
                )
        with self._io():
            with open(self._partial, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(self._partial, self.path)
            self._closed = True
            shutil.rmtree(self._pages_dir, ignore_errors=True)

    def _merge_pages(self) -> Path:
        """The page files gathered into one PDF, by qpdf's own page merging (``QPDFJob``).

        Copying a page between two open pikepdf documents copies its image data into memory
        at once (so that the source may be closed first): 200 scanned pages would sit in
        memory together. qpdf's page merging reads each image from its page file while the
        merged file is written, opening and closing the files as it goes, so memory stays a
        page's worth.
        """
        parts = [str(self._pages_dir / f"{n:06d}.pdf") for n in range(1, self.page_count + 1)]
        merged = self._pages_dir / "merged.pdf"
        job = ["qpdf", "--empty", "--decode-level=none", "--pages", *parts, "--", str(merged)]
        pikepdf.Job(job).run()
        return merged

    def _finish(self, out: pikepdf.Pdf) -> None:
        """The font shared by the pages, the output intent and the metadata of the merged file."""
        pdfa = self.profile == "pdfa-2b"
        font = None
        if any(self._with_text):
            font = fonts.glyphless_font(out, frozenset(self._high_bytes))
        if pdfa and font is not None and fonts.glyphless_font_bytes() is None:
            # PDF/A requires embedded fonts: without pdf.ttf the file cannot claim it.
            log.warning("Tesseract's pdf.ttf is missing: the PDF is not marked PDF/A")
            pdfa = False
        for page, with_text in zip(out.pages, self._with_text, strict=True):
            if with_text and font is not None:
                page.Resources.Font = pikepdf.Dictionary({f"/{_FONT_NAME}": font})
        _share_identical_images(out)
        if pdfa:
            add_output_intent(out)
        add_metadata(out, title=self.title, meta=self.metadata, pages=self.page_count, pdfa=pdfa)

    def abort(self) -> None:
        """Discard the file being written; nothing is left at ``path`` or beside it."""
        if self._closed:
            return
        self._closed = True
        shutil.rmtree(self._pages_dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            self._partial.unlink()

    def __enter__(self) -> SearchablePDF:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # --- errors --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _io(self) -> Iterator[None]:
        """Turn a failed write into :class:`PDFWriteError` and discard the partial file."""
        try:
            yield
        except OSError as exc:
            self.abort()
            raise self._write_error(exc) from exc
        except (pikepdf.PdfError, pikepdf.JobUsageError) as exc:
            self.abort()
            raise PDFWriteError(f"cannot write {self.path}: {exc}", path=str(self.path)) from exc

    def _write_error(self, exc: OSError) -> PDFWriteError:
        reason = exc.strerror or exc.__class__.__name__
        return PDFWriteError(f"cannot write {self.path}: {reason}", path=str(self.path))

    def _argument_error(self, page: int, reason: str) -> DigitizeError:
        return DigitizeError(f"{self.path}: page {page}: {reason}", path=str(self.path))

    def _check_open(self) -> None:
        if self._closed:
            raise DigitizeError(f"{self.path}: the PDF is already closed", path=str(self.path))


def _share_identical_images(pdf: pikepdf.Pdf) -> None:
    """Pages whose images are byte for byte the same share one image object.

    A scanner's PDF may draw one image on several pages (a blank or a repeated form page);
    carried over page by page it would be stored once per page. Each image's data is read
    and hashed one at a time, so this costs one page image of memory at most.
    """
    seen: dict[bytes, pikepdf.Object] = {}
    for page in pdf.pages:
        xobjects = page.Resources.get("/XObject")
        image = xobjects.get(f"/{_IMAGE_NAME}") if xobjects is not None else None
        if image is None:
            continue
        digest = hashlib.sha256(image.read_raw_bytes())
        digest.update(repr(sorted((k, str(v)) for k, v in image.items())).encode())
        key = digest.digest()
        if key in seen:
            xobjects[f"/{_IMAGE_NAME}"] = seen[key]
        else:
            seen[key] = image
