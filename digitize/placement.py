"""Where a page's own encoded image sits on the stored page: affine maps and the source image.

A scan that cleanup only turned upright and straightened need not be decoded, resampled and
encoded again for the searchable PDF: its own bytes (a JPEG, a CCITT G4 strip, a scanned PDF's
image stream) can be drawn with the turn and the straightening as the image's transformation
matrix. This module holds what travels from intake (the encoded image and where it lies in the
page image's pixels) and from cleanup (how the page image's pixels map to the display image's)
to the PDF writer, which composes them. It imports nothing of the project, so every stage can
use it without depending on another; it also holds the one G4 encoder both use.

Affine maps are 6-tuples ``(a, b, c, d, e, f)`` in PDF's order: a point ``(x, y)`` goes to
``(a*x + c*y + e, b*x + d*y + f)``. Pixel spaces have their origin at the image's top-left
corner, ``x`` to the right and ``y`` down, in continuous coordinates (pixel ``i`` spans
``[i, i + 1)``).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

Affine = tuple[float, float, float, float, float, float]

IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def compose(*maps: Affine) -> Affine:
    """The map applying ``maps`` in the given order (the first one first)."""
    out = IDENTITY
    for m in maps:
        a, b, c, d, e, f = out
        a2, b2, c2, d2, e2, f2 = m
        out = (
            a2 * a + c2 * b,
            b2 * a + d2 * b,
            a2 * c + c2 * d,
            b2 * c + d2 * d,
            a2 * e + c2 * f + e2,
            b2 * e + d2 * f + f2,
        )
    return out


def apply(m: Affine, x: float, y: float) -> tuple[float, float]:
    """Where ``m`` sends the point ``(x, y)``."""
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def quarter_turn(width: int, height: int, degrees_cw: int) -> Affine:
    """The map of an image ``width`` x ``height`` turned clockwise by 0, 90, 180 or 270 degrees
    (as OpenCV's ``cv2.rotate`` turns it: no resampling, the canvas swaps sides)."""
    turn = degrees_cw % 360
    if turn == 90:
        return (0.0, 1.0, -1.0, 0.0, float(height), 0.0)
    if turn == 180:
        return (-1.0, 0.0, 0.0, -1.0, float(width), float(height))
    if turn == 270:
        return (0.0, -1.0, 1.0, 0.0, 0.0, float(width))
    if turn:
        raise ValueError(f"a quarter turn is 0, 90, 180 or 270 degrees, not {degrees_cw}")
    return IDENTITY


def centre_rotation(width: int, height: int, angle_deg: float) -> Affine:
    """The map of ``cv2.warpAffine`` with ``cv2.getRotationMatrix2D((w/2, h/2), angle, 1)``:
    counter-clockwise by ``angle_deg`` (as seen on screen) about the image's centre, same size.

    OpenCV's matrix acts on pixel indices (pixel centres); it is shifted by half a pixel here
    so that it acts on continuous coordinates like every other map of this module.
    """
    t = math.radians(angle_deg)
    alpha, beta = math.cos(t), math.sin(t)
    cx, cy = width / 2.0, height / 2.0
    # getRotationMatrix2D: [[α, β, (1-α)cx - β cy], [-β, α, β cx + (1-α) cy]]
    cv: Affine = (
        alpha,
        -beta,
        beta,
        alpha,
        (1 - alpha) * cx - beta * cy,
        beta * cx + (1 - alpha) * cy,
    )
    return compose((1.0, 0.0, 0.0, 1.0, -0.5, -0.5), cv, (1.0, 0.0, 0.0, 1.0, 0.5, 0.5))


def image_space(width: int, height: int) -> Affine:
    """PDF image space (the unit square, row 0 at the top, i.e. at ``v = 1``) to the pixels of
    an image ``width`` x ``height`` drawn upright."""
    return (float(width), 0.0, 0.0, -float(height), 0.0, float(height))


#: Grey level from which a pixel of a page declared black-and-white counts as white.
_BILEVEL_THRESHOLD = 128
_TIFF_PHOTOMETRIC, _TIFF_OFFSETS, _TIFF_COUNTS, _TIFF_ROWS_PER_STRIP = 262, 273, 279, 278


def encode_g4(image: np.ndarray) -> tuple[bytes, bool]:
    """The page as one CCITT Group 4 strip (lossless, one bit per pixel) and whether its
    codes read black as zero, written by Pillow's libtiff into a TIFF held in memory."""
    grey = image if image.ndim == 2 else image[:, :, 0]  # black and white: channels agree
    bits = Image.fromarray(grey).point(lambda v: 255 if v >= _BILEVEL_THRESHOLD else 0).convert("1")
    buffer = io.BytesIO()
    height = grey.shape[0]
    bits.save(buffer, format="TIFF", compression="group4", tiffinfo={_TIFF_ROWS_PER_STRIP: height})
    with Image.open(buffer) as tiff:
        offsets, counts = tiff.tag_v2[_TIFF_OFFSETS], tiff.tag_v2[_TIFF_COUNTS]
        photometric = tiff.tag_v2.get(_TIFF_PHOTOMETRIC, 0)
    if len(offsets) != 1:
        raise ValueError("the black-and-white page could not be written as one G4 strip")
    data = buffer.getbuffer()[offsets[0] : offsets[0] + counts[0]].tobytes()
    return data, photometric == 1


@dataclass(frozen=True, slots=True)
class SourceImage:
    """A page's image as the file encodes it, and where it lies in the page image's pixels.

    ``kind`` says what ``data`` holds: ``"jpeg"`` (a JPEG file, drawn with DCTDecode),
    ``"ccitt"`` (one CCITT Group 4 strip of ``width`` x ``height`` pixels; ``black_is_zero``
    for TIFF's BlackIsZero photometry, whose codes PDF reads the other way round) or ``"pdf"``
    (a one-page PDF whose page resource ``/Im0`` is the scanned PDF's image stream, copied
    with its filters and decode parameters). ``matrix`` maps PDF image space (the unit square)
    to the page image's pixels.
    """

    kind: str
    data: bytes
    width: int
    height: int
    matrix: Affine
    components: int = 1
    black_is_zero: bool = False
    notes: dict[str, Any] = field(default_factory=dict)
    """What the writer may report about it (e.g. the PDF filter carried over)."""


def g4_source(image: np.ndarray) -> SourceImage:
    """A black-and-white page's own pixels as one G4 strip, to be placed like a file's own
    image: a page that only needs turning and straightening keeps its pixel grid (rotating a
    bilevel image by a small angle makes jagged edges that compress worse and read worse)."""
    data, black_is_zero = encode_g4(image)
    h, w = image.shape[:2]
    return SourceImage("ccitt", data, w, h, image_space(w, h), black_is_zero=black_is_zero)


__all__ = [
    "IDENTITY",
    "Affine",
    "SourceImage",
    "apply",
    "centre_rotation",
    "compose",
    "encode_g4",
    "g4_source",
    "image_space",
    "quarter_turn",
]
