"""Page images as PDF image XObjects.

The scan is the document (colour, at its scanned resolution), so photos and grey scans are
JPEG-compressed in their own colour space, black-and-white pages are kept losslessly at one bit
per pixel, and a page that arrived as JPEG is embedded byte for byte.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import cv2
import numpy as np

from digitize.pdfwriter.jpeg import JpegInfo, parse_jpeg

_JPEG_COLOUR_SPACES = {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}
#: Grey level from which a pixel of a page declared black-and-white counts as white.
_BILEVEL_THRESHOLD = 128


@dataclass(frozen=True, slots=True)
class EncodedImage:
    """An image XObject ready to write: its dictionary entries (without ``/Length``) and data."""

    width: int
    height: int
    entries: str
    data: bytes


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


def encode_bilevel(image: np.ndarray) -> EncodedImage:
    """One bit per pixel (1 = white, as DeviceGray reads it), Flate-compressed: lossless."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    packed = np.packbits(grey >= _BILEVEL_THRESHOLD, axis=1)  # rows padded to whole bytes
    height, width = grey.shape
    entries = (
        f"/Type /XObject /Subtype /Image /Width {width} /Height {height}"
        " /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode"
    )
    return EncodedImage(width, height, entries, zlib.compress(packed.tobytes(), 9))


def _jpeg_entries(width: int, height: int, components: int, *, inverted: bool) -> str:
    decode = " /Decode [" + " ".join(["1 0"] * components) + "]" if inverted else ""
    return (
        f"/Type /XObject /Subtype /Image /Width {width} /Height {height}"
        f" /ColorSpace {_JPEG_COLOUR_SPACES[components]} /BitsPerComponent 8"
        f" /Filter /DCTDecode{decode}"
    )


def encode_jpeg(image: np.ndarray, quality: int) -> EncodedImage:
    """JPEG in the image's own colour space (a grey scan stays one component)."""
    ok, buffer = cv2.imencode(
        ".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1]
    )
    if not ok:
        raise ValueError("the page image could not be JPEG-encoded")
    height, width = image.shape[:2]
    components = 1 if image.ndim == 2 else 3
    entries = _jpeg_entries(width, height, components, inverted=False)
    return EncodedImage(width, height, entries, buffer.tobytes())


def embed_jpeg(data: bytes, info: JpegInfo) -> EncodedImage:
    """The JPEG file unchanged. CMYK written with an Adobe marker stores inverted values,
    which a ``/Decode`` array undoes, as Adobe's readers expect."""
    inverted = info.components == 4 and info.adobe
    entries = _jpeg_entries(info.width, info.height, info.components, inverted=inverted)
    return EncodedImage(info.width, info.height, entries, data)


def usable_jpeg(jpeg_bytes: bytes | None, image: np.ndarray) -> JpegInfo | None:
    """The header of ``jpeg_bytes`` if they can stand for ``image`` unchanged, else ``None``.

    The size must match the page image: a cropped, deskewed or EXIF-rotated page no longer
    has the original's pixels, so it is encoded afresh.
    """
    if not jpeg_bytes:
        return None
    info = parse_jpeg(jpeg_bytes)
    if info is None or not info.embeddable:
        return None
    if (info.height, info.width) != image.shape[:2]:
        return None
    return info


def encode_page_image(
    image: np.ndarray, *, bilevel: bool, jpeg_quality: int, jpeg_bytes: bytes | None
) -> EncodedImage:
    """The page image in the cheapest form that keeps what the page needs."""
    info = usable_jpeg(jpeg_bytes, image)
    if info is not None and jpeg_bytes is not None:
        return embed_jpeg(jpeg_bytes, info)
    if bilevel or is_bilevel(image):
        return encode_bilevel(image)
    return encode_jpeg(image, jpeg_quality)
