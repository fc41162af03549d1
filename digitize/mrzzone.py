"""A second reading of a card's machine-readable zone, in the only characters it can hold.

The back of a chip ID card ends in three rows of OCR-B capitals, digits and '<' (ICAO 9303
TD1). Read with the rest of a phone photo, the Vietnamese model turns a digit into two
("3038" as "350358"), a capital into lower case or a '<' into a letter, and one such
character breaks a check digit: the ID number, the birth date or the expiry then cannot be
taken from the zone. Cut out and read alone, as one block, by a model told that only
``A-Z 0-9 <`` can occur, the rows mostly read whole (generated phone photos of card backs:
the ID number came out of the zone on 2 of 4 before, 4 of 4 after).

The second reading replaces the zone's words only when more of its check digits verify
(:func:`digitize.icao.checks_passed`): a worse or equal reading changes nothing. One small
crop, one Tesseract call, only on pages whose reading has such rows.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from digitize import icao, tesseract
from digitize.errors import OCRError
from digitize.models import Word
from digitize.text import lines_of, spliced

log = logging.getLogger(__name__)

ROW_HEIGHT = 40
"""Pixel height a zone row is scaled to before it is read (Tesseract's best size)."""

MIN_ROW_CHARS = 20
"""MRZ characters a line needs to count as a row of the zone (a row has 30)."""

MRZ_SHARE = 0.85
"""Share of a line's characters that must be MRZ characters."""


def _is_row(line: list[Word]) -> bool:
    raw = "".join(w.text for w in line)
    s = icao.clean(raw)
    return (
        len(s) >= MIN_ROW_CHARS
        and len(s) >= MRZ_SHARE * len(raw)
        and ("<" in s or s.startswith(("ID", "I0", "1D")))
    )


def zone_rows(words: list[Word]) -> list[list[Word]]:
    """The lines of ``words`` that read as rows of one zone: two or three, one under another
    (the last rows on the page that look like MRZ rows)."""
    lines = sorted(lines_of(words), key=lambda ln: min(w.top for w in ln))
    rows = [ln for ln in lines if _is_row(ln)]
    if len(rows) < 2:
        return []
    rows = rows[-3:]
    height = max(max(w.bottom for w in ln) - min(w.top for w in ln) for ln in rows)
    tops = [min(w.top for w in ln) for ln in rows]
    # Rows follow each other at about a line's pitch; keep the run that ends the zone.
    keep = [rows[-1]]
    for ln, top, below in zip(
        reversed(rows[:-1]), reversed(tops[:-1]), reversed(tops[1:]), strict=True
    ):
        if below - top > 3 * height:
            break
        keep.insert(0, ln)
    return keep if len(keep) >= 2 else []


def _row_strings(lines: list[list[Word]]) -> list[str]:
    return [icao.clean("".join(w.text for w in ln)) for ln in lines]


def _crop(
    image: np.ndarray, rows: list[list[Word]], scale: float
) -> tuple[np.ndarray, float, int, int]:
    """The zone cut from the OCR image (page boxes times ``scale``), grey and scaled so a row
    is :data:`ROW_HEIGHT` high; with that factor and the crop's origin in the OCR image."""
    boxes = [w for ln in rows for w in ln]
    x0, x1 = min(w.left for w in boxes) * scale, max(w.right for w in boxes) * scale
    y0, y1 = min(w.top for w in boxes) * scale, max(w.bottom for w in boxes) * scale
    pitch = (y1 - y0) / len(rows)
    h, w = image.shape[:2]
    top, bottom = max(0, int(y0 - 0.6 * pitch)), min(h, int(y1 + 0.6 * pitch))
    left, right = max(0, int(x0 - 0.5 * pitch)), min(w, int(x1 + 1.5 * pitch))
    crop = image[top:bottom, left:right]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    factor = ROW_HEIGHT / max(pitch * 0.8, 1.0)
    crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return crop, factor, left, top


def reread_zone(
    image: np.ndarray,
    words: list[Word],
    *,
    scale: float,
    lang: str,
    timeout: float,
    what: str,
) -> tuple[list[Word], bool]:
    """``words`` (page pixels) with the zone's rows read again from ``image`` (the page, or
    an image ``scale`` times its size) when that reading verifies more check digits; and
    whether it did. Tesseract's ``eng`` model reads the zone when installed (OCR-B is a Latin face),
    else the page's."""
    rows = zone_rows(words)
    if not rows:
        return words, False
    before = icao.checks_passed(_row_strings(rows))
    if before == 4:
        return words, False
    crop, factor, left, top = _crop(image, rows, scale)
    model = tesseract.latin_model(lang)
    try:
        read = tesseract.recognize(
            crop,
            lang=model,
            psm=6,
            timeout=timeout,
            what=f"the machine-readable zone of {what}",
            config={"tessedit_char_whitelist": icao.CHARS},
        )
    except OCRError as exc:
        log.warning("%s: the machine-readable zone was not read again: %s", what, exc)
        return words, False
    new_rows = [ln for ln in lines_of([w for w in read if icao.clean(w.text)]) if ln]
    after = icao.checks_passed(_row_strings(new_rows))
    log.debug("%s: zone checks %d read with the page, %d alone", what, before, after)
    if after <= before or len(new_rows) < len(rows):
        return words, False
    back = 1.0 / (factor * scale)
    block = max(w.block for w in words) + 1  # the zone as its own block, its rows in order
    placed = [
        Word(
            icao.clean(w.text),
            round((w.left / factor + left) / scale),
            round((w.top / factor + top) / scale),
            max(1, round(w.width * back)),
            max(1, round(w.height * back)),
            w.conf,
            block,
            1,
            i + 1,
        )
        for i, ln in enumerate(new_rows)
        for w in ln
    ]
    ids = {id(w) for ln in rows for w in ln}
    gone = {i for i, w in enumerate(words) if id(w) in ids}
    return spliced(words, {min(gone): placed}, gone), True
