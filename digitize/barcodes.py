"""QR codes printed on a page (the QR code of a chip citizen ID card).

The QR code on the front of a chip card holds the card's data as exact text
(``ID|old ID|name|ddmmyyyy|sex|address|ddmmyyyy``): read, it settles what OCR of the small
print can only guess. It is decoded with zxing-cpp on the display image (colour, upright,
straightened, at the scan's resolution), not on the OCR image, whose binarization and
upscaling can break the modules apart.

A photo of a card, or of an A4 copy with the card on it, can show the code small: when the
whole picture yields nothing, the region where a card's code sits (top right) is cut out and
enlarged, twice and, for a small picture, three times, so that modules of one or two pixels
still decode. A card photo decodes in 5-20 ms;
a page without a code costs two attempts, some 20-60 ms on an A4 page at 300 dpi. Printed
codes are dark on light, so the inverted reading (which doubles the cost) is not tried.
Only text payloads are kept (a binary payload is nothing a field can take), once each, in the
order found. Decoding is a help, never a requirement: a failure of the decoder is logged and
the page goes on without codes.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator

import cv2
import numpy as np

log = logging.getLogger(__name__)

MAX_SIDE = 2400
"""Longest side, in pixels, of the picture handed to the decoder: larger photos are reduced
first (a code that fits a card photo is still dozens of pixels across at this size, and the
decoder's time grows with the pixel count)."""

ENLARGE = (2.0, 3.0)
"""Enlargements of a cut-out region, tried in turn: a module of a code photographed from arm's
length is one or two pixels, and the decoder needs about three. The larger one is tried only
where the region stays within :data:`MAX_SIDE` (a small card picture, where it costs a few
milliseconds): a soft photo from arm's length decodes at 3 and not at 2."""

MAX_PAYLOAD = 4096
"""Characters kept of one payload: a card's code holds about 150; more is not card data."""

REGION = (0.45, 0.0, 1.0, 0.55)
"""The cut-out tried when the whole picture yields nothing, as shares (x0, y0, x1, y1) of it:
the top right, where a chip card prints its code (on a photo of the card, and on an A4 copy
with the card's front at the top)."""


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _fitted(gray: np.ndarray) -> np.ndarray:
    f = MAX_SIDE / max(gray.shape[:2])
    if f >= 1.0:
        return gray
    return cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)


def _attempts(gray: np.ndarray) -> Iterator[np.ndarray]:
    """The whole picture, then the region where a card's code sits, enlarged (see
    :data:`ENLARGE`)."""
    yield _fitted(gray)
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = REGION
    crop = gray[int(y0 * h) : int(y1 * h), int(x0 * w) : int(x1 * w)]
    if min(crop.shape[:2]) < 16:
        return
    room = MAX_SIDE / max(crop.shape[:2])
    for i, enlarge in enumerate(ENLARGE):
        if i and enlarge > room:
            return
        f = min(enlarge, room)
        yield cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC) if f > 1 else crop


def _texts(found: list) -> list[str]:
    import zxingcpp

    out = []
    for code in found:
        if code.content_type not in (zxingcpp.ContentType.Text, zxingcpp.ContentType.Mixed):
            continue
        text = unicodedata.normalize("NFC", code.text or "").strip()
        if text and len(text) <= MAX_PAYLOAD:
            out.append(text)
    return out


def decode(image: np.ndarray, *, what: str = "page") -> list[str]:
    """The text payloads of the codes on ``image`` (BGR or grey), once each, in order found.

    ``what`` names the page in log messages; the payloads themselves (a citizen's name, ID
    and address) are never logged.
    """
    try:
        import zxingcpp
    except ImportError:
        log.warning("%s: zxing-cpp is not installed; codes on the page are not read", what)
        return []
    if image.size == 0:
        return []
    formats = (zxingcpp.BarcodeFormat.QRCode,)
    gray = np.ascontiguousarray(_gray(image))
    out: list[str] = []
    try:
        for attempt in _attempts(gray):
            found = zxingcpp.read_barcodes(
                np.ascontiguousarray(attempt), formats=formats, try_invert=False
            )
            for text in _texts(found):
                if text not in out:
                    out.append(text)
            if out:
                break
    except (RuntimeError, ValueError) as exc:
        log.warning("%s: the codes on the page could not be decoded: %s", what, exc)
    return out


__all__ = ["decode"]
