"""Page images as PDF image XObjects (pikepdf streams).

The scan is the document, so a page keeps the kind it was scanned as. The file's own image is
stored whenever the display image is only that image turned and straightened: a JPEG as it
is, a TIFF page's CCITT Group 4 strip, a scanned PDF's image stream with its filter and decode
parameters (see :mod:`digitize.placement`). A page whose pixels had to change is encoded again
in its kind: black-and-white as CCITT Group 4 (lossless, one bit per pixel), grey as a
one-component JPEG, colour as a colour JPEG at its source's quality.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
import pikepdf
from pikepdf import Name

from digitize.placement import SourceImage, encode_g4

_JPEG_SPACES = {1: Name.DeviceGray, 3: Name.DeviceRGB}


@dataclass(frozen=True, slots=True)
class PageImageStream:
    """An image XObject ready for a page, with what the record may say about it."""

    stream: pikepdf.Stream
    kind: str
    """``source`` (the file's own image), ``g4`` or ``jpeg`` (encoded again)."""


def normalize_image(image: np.ndarray) -> np.ndarray:
    """The page image as 2-D grey or 3-channel BGR ``uint8``; ``ValueError`` for anything else.

    A single-channel 3-D array is grey; an alpha channel is dropped because a scan has no
    transparency to keep.
    """
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise ValueError("the page image must be a uint8 numpy array")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    elif image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] != 3):
        raise ValueError(f"the page image has an unsupported shape {image.shape}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError("the page image is empty")
    return image


def is_bilevel(image: np.ndarray) -> bool:
    """Whether every pixel is pure black or pure white (and grey, for a 3-channel image).

    A histogram of one channel rejects ordinary scans without building full-size masks; the
    channel comparison only runs for images that passed it.
    """
    first = np.ascontiguousarray(image if image.ndim == 2 else image[:, :, 0])
    histogram = cv2.calcHist([first], [0], None, [256], [0, 256]).ravel()
    if histogram[1:255].any():
        return False
    if image.ndim == 2:
        return True
    return bool(
        np.array_equal(image[:, :, 0], image[:, :, 1])
        and np.array_equal(image[:, :, 0], image[:, :, 2])
    )


def _image(
    pdf: pikepdf.Pdf, data: bytes, width: int, height: int, **entries: object
) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, data)
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width = width
    stream.Height = height
    for key, value in entries.items():
        stream[Name("/" + key)] = value
    return stream


def ccitt_stream(
    pdf: pikepdf.Pdf, data: bytes, width: int, height: int, *, black_is_zero: bool
) -> pikepdf.Stream:
    """A CCITT Group 4 image. TIFF's codes say 'white' for the value 0; where the TIFF stored
    black as 0 (BlackIsZero), PDF must read the decoded bits the other way round."""
    parms = pikepdf.Dictionary(K=-1, Columns=width, Rows=height)
    entries: dict[str, object] = {
        "ColorSpace": Name.DeviceGray,
        "BitsPerComponent": 1,
        "Filter": Name.CCITTFaxDecode,
        "DecodeParms": parms,
    }
    if black_is_zero:
        entries["Decode"] = [1, 0]
    return _image(pdf, data, width, height, **entries)


def encode_jpeg(image: np.ndarray, quality: int) -> tuple[bytes, int]:
    """JPEG in the image's own colour space (a grey scan stays one component)."""
    ok, buffer = cv2.imencode(
        ".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1]
    )
    if not ok:
        raise ValueError("the page image could not be JPEG-encoded")
    return buffer.tobytes(), 1 if image.ndim == 2 else 3


def jpeg_stream(
    pdf: pikepdf.Pdf, data: bytes, width: int, height: int, components: int
) -> pikepdf.Stream:
    return _image(
        pdf,
        data,
        width,
        height,
        ColorSpace=_JPEG_SPACES[components],
        BitsPerComponent=8,
        Filter=Name.DCTDecode,
    )


def source_stream(
    pdf: pikepdf.Pdf, source: SourceImage, opened: list[pikepdf.Pdf]
) -> pikepdf.Object | None:
    """The file's own image as a stream of ``pdf``, or ``None`` when it cannot be stored as is.

    A JPEG must be one PDF readers show the right way up in a colour space an archival file
    allows (grey or RGB, 8 bits; CMYK and EXIF-turned files are encoded again). A scanned
    PDF's image is copied with everything it refers to (a JBIG2 page's global symbols); its
    data is read from the holder when ``pdf`` is saved, so the holder joins ``opened``, which
    the caller closes after saving.
    """
    if source.kind == "ccitt":
        return ccitt_stream(
            pdf, source.data, source.width, source.height, black_is_zero=source.black_is_zero
        )
    if source.kind == "jpeg":
        if source.components not in _JPEG_SPACES:
            return None
        return jpeg_stream(pdf, source.data, source.width, source.height, source.components)
    if source.kind == "pdf":
        holder = pikepdf.open(io.BytesIO(source.data))
        opened.append(holder)
        return pdf.copy_foreign(holder.Root.DigitizeImage)
    return None


def encoded_stream(
    pdf: pikepdf.Pdf, image: np.ndarray, *, bilevel: bool, jpeg_quality: int
) -> PageImageStream:
    """The display image encoded afresh, keeping its kind (see the module's doc)."""
    height, width = image.shape[:2]
    if bilevel or is_bilevel(image):
        data, black_is_zero = encode_g4(image)
        stream = ccitt_stream(pdf, data, width, height, black_is_zero=black_is_zero)
        return PageImageStream(stream, "g4")
    data, components = encode_jpeg(image, jpeg_quality)
    return PageImageStream(jpeg_stream(pdf, data, width, height, components), "jpeg")
