"""Reading just enough of a JPEG header to embed the file unchanged.

A scan that arrives as JPEG is already compressed; decoding and re-encoding it would lose
quality and usually grow the file. PDF's DCTDecode filter takes baseline and progressive JPEG
as-is, so the writer only needs the size, the number of components and two flags from the
header: whether an Adobe APP14 marker is present (CMYK JPEGs written by Adobe software store
inverted values) and the EXIF orientation (PDF viewers ignore it, so a rotated file cannot be
embedded as-is).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Start-of-frame markers of Huffman-coded baseline, extended and progressive JPEG: the only
#: kinds that every PDF reader's DCTDecode accepts.
_EMBEDDABLE_SOF = frozenset({0xC0, 0xC1, 0xC2})
#: Every start-of-frame marker (0xC4, 0xC8 and 0xCC are other segments in the same range).
_ALL_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_EXIF_ORIENTATION_TAG = 0x0112


@dataclass(frozen=True, slots=True)
class JpegInfo:
    """What the header says about a JPEG file."""

    width: int
    height: int
    components: int
    bits: int
    sof: int
    adobe: bool
    orientation: int | None

    @property
    def embeddable(self) -> bool:
        """Whether PDF readers can show the bytes unchanged, the right way up."""
        return (
            self.sof in _EMBEDDABLE_SOF
            and self.bits == 8
            and self.components in (1, 3, 4)
            and self.width > 0
            and self.height > 0
            and self.orientation in (None, 1)
        )


def parse_jpeg(data: bytes) -> JpegInfo | None:
    """The header facts of ``data``, or ``None`` when it is not a JPEG this parser understands."""
    if data[:2] != b"\xff\xd8":
        return None
    adobe = False
    orientation: int | None = None
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image or scan data before any frame header
            return None
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        segment = data[i + 4 : i + 2 + length]
        if marker == 0xEE and segment.startswith(b"Adobe"):
            adobe = True
        elif marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            orientation = exif_orientation(segment[6:])
        elif marker in _ALL_SOF and len(segment) >= 6:
            return JpegInfo(
                width=int.from_bytes(segment[3:5], "big"),
                height=int.from_bytes(segment[1:3], "big"),
                components=segment[5],
                bits=segment[0],
                sof=marker,
                adobe=adobe,
                orientation=orientation,
            )
        i += 2 + length
    return None


def exif_orientation(tiff: bytes) -> int | None:
    """The Orientation tag of the first IFD of an EXIF (TIFF-structured) block, if any."""
    order: Literal["little", "big"]
    if tiff[:2] == b"II":
        order = "little"
    elif tiff[:2] == b"MM":
        order = "big"
    else:
        return None

    def unsigned(start: int, size: int) -> int:
        return int.from_bytes(tiff[start : start + size], order)

    ifd = unsigned(4, 4)
    if len(tiff) < 8 or ifd + 2 > len(tiff):
        return None
    for k in range(unsigned(ifd, 2)):
        entry = ifd + 2 + 12 * k
        if entry + 12 > len(tiff):
            break
        if unsigned(entry, 2) == _EXIF_ORIENTATION_TAG:
            return unsigned(entry + 8, 2)
    return None
