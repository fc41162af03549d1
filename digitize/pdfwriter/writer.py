"""The streaming writer: one page's objects go to disk as soon as the page is added.

A 200-page dossier must not hold 200 page images in memory, so each page's image, content and
page dictionary are written at once and only their byte offsets are kept. The fonts are written
once, when the first page with text arrives; the page tree, the Info dictionary and the
cross-reference table are written at the end. The file is built under a temporary name in the
output folder and renamed into place when complete, so a reader (or a resumed batch run) never
mistakes a half-written PDF for a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import zlib
from array import array
from collections.abc import Iterator, Sequence
from numbers import Real
from pathlib import Path
from types import TracebackType

import numpy as np

from digitize.errors import DigitizeError, PDFWriteError
from digitize.models import Word
from digitize.pdfwriter import font as fonts
from digitize.pdfwriter.content import PageGeometry, group_lines, page_content
from digitize.pdfwriter.images import encode_page_image, normalize_image
from digitize.pdfwriter.syntax import date_string, num, text_string

#: PDF 1.4 is what Decree 30 asks for at least, and all the writer uses; the second line's
#: high bytes tell transfer tools the file is binary.
_HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
_PRODUCER = "digitize"
_CATALOG, _PAGES = 1, 2
_IMAGE_NAME, _FONT_NAME = "Im0", "F0"
_KIDS_PER_LINE = 16


class SearchablePDF:
    """A searchable PDF built page by page: each page image with an invisible text layer.

    Use as a context manager, or call :meth:`close` (which completes the file) or
    :meth:`abort` (which discards it). Leaving a ``with`` block by an exception discards the
    file, so an incomplete document never appears at ``path``.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, title: str | None = None, jpeg_quality: int = 85
    ) -> None:
        self.path = Path(path)
        if not isinstance(jpeg_quality, int) or not 1 <= jpeg_quality <= 100:
            raise DigitizeError(
                f"{self.path}: jpeg_quality must be an integer from 1 to 100, not {jpeg_quality!r}",
                path=str(self.path),
            )
        self.title = title
        self.jpeg_quality = jpeg_quality
        self._partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        # Index = object number; 1 and 2 are reserved. Arrays keep 8 bytes per object, so a
        # long document costs a few bytes per page and nothing more.
        self._offsets = array("Q", [0, 0, 0])
        self._position = 0
        self._digest = hashlib.md5(usedforsecurity=False)
        self._page_objects = array("Q")
        self._font: int | None = None
        self._closed = False
        try:
            self._file = open(self._partial, "wb")  # noqa: SIM115 - closed by close()/abort()
        except OSError as exc:
            raise self._write_error(exc) from exc
        with self._io():
            self._write(_HEADER)
            self._write_object(_CATALOG, f"<< /Type /Catalog /Pages {_PAGES} 0 R >>")

    # --- public API ----------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self._page_objects)

    def add_page(
        self,
        image: np.ndarray,
        *,
        dpi: float,
        words: Sequence[Word],
        bilevel: bool = False,
        jpeg_bytes: bytes | None = None,
        jpeg_quality: int | None = None,
    ) -> None:
        """Write one page: ``image`` covers the page, whose size is the image's at ``dpi``.

        ``words`` are in pixels of ``image``. ``bilevel`` stores the page losslessly at one bit
        per pixel; ``jpeg_bytes`` (the original JPEG of exactly these pixels) is embedded
        unchanged instead of re-encoding ``image``. ``jpeg_quality`` overrides the writer's
        quality for this page (a re-encoded photo keeps its source's quality, not more).
        """
        self._check_open()
        number = self.page_count + 1
        if isinstance(dpi, bool) or not isinstance(dpi, Real) or not math.isfinite(dpi) or dpi <= 0:
            raise self._argument_error(number, f"dpi must be a positive number, not {dpi!r}")
        try:
            pixels = normalize_image(image)
            encoded = encode_page_image(
                pixels,
                bilevel=bilevel,
                jpeg_quality=jpeg_quality or self.jpeg_quality,
                jpeg_bytes=jpeg_bytes,
            )
        except ValueError as exc:
            raise self._argument_error(number, str(exc)) from exc
        geometry = PageGeometry(encoded.width, encoded.height, float(dpi))
        lines = group_lines(words)
        content = page_content(geometry, lines, image=_IMAGE_NAME, font=_FONT_NAME)
        with self._io():
            font = self._ensure_font() if lines else None
            image_obj = self._add_stream(encoded.entries, encoded.data)
            content_obj = self._add_stream("/Filter /FlateDecode", zlib.compress(content, 6))
            resources = f"/XObject << /{_IMAGE_NAME} {image_obj} 0 R >>"
            if font is not None:
                resources += f" /Font << /{_FONT_NAME} {font} 0 R >>"
            page = self._add_object(
                f"<< /Type /Page /Parent {_PAGES} 0 R"
                f" /MediaBox [0 0 {num(geometry.width_pt)} {num(geometry.height_pt)}]"
                f" /Resources << {resources} >> /Contents {content_obj} 0 R >>"
            )
        self._page_objects.append(page)

    def close(self) -> None:
        """Write the page tree, Info and cross-reference table and move the file into place."""
        if self._closed:
            return
        if not self._page_objects:
            self.abort()
            raise DigitizeError(f"{self.path}: a PDF needs at least one page", path=str(self.path))
        with self._io():
            self._write_object(_PAGES, _pages_dict(self._page_objects))
            info = self._add_object(_info_dict(self.title))
            xref_at = self._position
            self._write(_xref_table(self._offsets))
            file_id = self._digest.hexdigest().upper()
            self._write(
                f"trailer\n<< /Size {len(self._offsets)} /Root {_CATALOG} 0 R /Info {info} 0 R"
                f" /ID [<{file_id}> <{file_id}>] >>\nstartxref\n{xref_at}\n%%EOF\n".encode("ascii")
            )
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._partial, self.path)
            self._closed = True

    def abort(self) -> None:
        """Discard the file being written; nothing is left at ``path`` or beside it."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError):
            self._file.close()
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

    # --- objects -------------------------------------------------------------------------------

    def _ensure_font(self) -> int:
        """The Type0 font, written the first time a page needs it."""
        if self._font is not None:
            return self._font
        font_bytes = fonts.glyphless_font_bytes()
        font_file = None
        if font_bytes is not None:
            font_file = self._add_stream(
                f"/Filter /FlateDecode /Length1 {len(font_bytes)}", zlib.compress(font_bytes, 9)
            )
        descriptor = self._add_object(fonts.font_descriptor_dict(font_file))
        cid_to_gid = self._add_stream("/Filter /FlateDecode", fonts.cid_to_gid_map())
        cid_font = self._add_object(fonts.cid_font_dict(descriptor, cid_to_gid))
        to_unicode = self._add_stream("/Filter /FlateDecode", fonts.to_unicode_cmap())
        self._font = self._add_object(fonts.type0_font_dict(cid_font, to_unicode))
        return self._font

    def _add_object(self, body: str) -> int:
        number = len(self._offsets)
        self._offsets.append(0)
        self._write_object(number, body)
        return number

    def _add_stream(self, entries: str, data: bytes) -> int:
        number = len(self._offsets)
        self._offsets.append(self._position)
        self._write(f"{number} 0 obj\n<< {entries} /Length {len(data)} >>\nstream\n".encode())
        self._write(data)
        self._write(b"\nendstream\nendobj\n")
        return number

    def _write_object(self, number: int, body: str) -> None:
        self._offsets[number] = self._position
        self._write(f"{number} 0 obj\n{body}\nendobj\n".encode("ascii"))

    def _write(self, data: bytes) -> None:
        self._file.write(data)
        self._position += len(data)
        self._digest.update(data)

    # --- errors --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _io(self) -> Iterator[None]:
        """Turn a failed write into :class:`PDFWriteError` and discard the partial file."""
        try:
            yield
        except OSError as exc:
            self.abort()
            raise self._write_error(exc) from exc

    def _write_error(self, exc: OSError) -> PDFWriteError:
        reason = exc.strerror or exc.__class__.__name__
        return PDFWriteError(f"cannot write {self.path}: {reason}", path=str(self.path))

    def _argument_error(self, page: int, reason: str) -> DigitizeError:
        return DigitizeError(f"{self.path}: page {page}: {reason}", path=str(self.path))

    def _check_open(self) -> None:
        if self._closed:
            raise DigitizeError(f"{self.path}: the PDF is already closed", path=str(self.path))


def _pages_dict(kids: Sequence[int]) -> str:
    refs = [f"{kid} 0 R" for kid in kids]
    lines = [" ".join(refs[i : i + _KIDS_PER_LINE]) for i in range(0, len(refs), _KIDS_PER_LINE)]
    return "<< /Type /Pages /Kids [" + "\n".join(lines) + f"] /Count {len(kids)} >>"


def _info_dict(title: str | None) -> str:
    entries = f"/Producer {text_string(_PRODUCER)} /CreationDate {date_string()}"
    if title:
        entries += f" /Title {text_string(title)}"
    return f"<< {entries} >>"


def _xref_table(offsets: Sequence[int]) -> bytes:
    """The classic cross-reference table; every entry is exactly 20 bytes."""
    rows = [f"xref\n0 {len(offsets)}\n", "0000000000 65535 f \n"]
    rows += [f"{offset:010d} 00000 n \n" for offset in offsets[1:]]
    return "".join(rows).encode("ascii")
