"""A second reading of the long numbers of a page, in digits only, to catch a sure misread.

A card's ID number (12 digits, or the old card's 9) is the value a desk must never copy
wrong, and it carries no check digit: a "3" read as "5" in small bold print comes out of the
page's reading at a sure confidence, and nothing else on the card can contradict it unless a
QR code or an MRZ does. Each such number is cut out with its margin and read again, alone, by
a model told that only digits can occur. Where the two readings give as many digits and disagree on
some, the word keeps the page's reading and loses its confidence (:data:`DISPUTED_CONF`), so
the value goes to a clerk (``ocr_unsure``); where they agree, or the second reading lost or
gained digits (it reads nothing of a red number on a grey card), nothing changes. At most
:data:`MAX_NUMBERS` numbers a page, all read in one Tesseract call; a page without such a
number costs nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import re

import cv2
import numpy as np

from digitize import tesseract
from digitize.errors import OCRError
from digitize.models import Word

log = logging.getLogger(__name__)

LONG_NUMBER = re.compile(r"\d{9}|\d{12}")
"""A word that is an ID's digits: the old card's 9 or the chip card's 12 (also a licence's)."""

MAX_NUMBERS = 3
"""Numbers read again on one page at most (a card has one or two)."""

DISPUTED_CONF = 0.4
"""Confidence a number keeps when its second reading disagrees: under every review limit."""

STRIP_HEIGHT = 48
"""Pixel height of the digits once a number's strip is scaled for reading."""

DIGITS = "0123456789"


def _strip(image: np.ndarray, w: Word) -> np.ndarray | None:
    """The word's box with a margin, grey, scaled so its digits are :data:`STRIP_HEIGHT` high."""
    h, wd = image.shape[:2]
    pad_y, pad_x = int(0.35 * w.height), int(0.6 * w.height)
    y0, y1 = max(0, w.top - pad_y), min(h, w.bottom + pad_y)
    x0, x1 = max(0, w.left - pad_x), min(wd, w.right + pad_x)
    if y1 - y0 < 4 or x1 - x0 < 4:
        return None
    crop = image[y0:y1, x0:x1]
    if crop.ndim == 3:
        # The darkest channel: a red number (the old card's) is as dark there as black print.
        crop = crop.min(axis=2)
    crop = cv2.normalize(crop, None, 0, 255, cv2.NORM_MINMAX)
    f = STRIP_HEIGHT / max(1, w.height)
    return cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)


def check_numbers(
    image: np.ndarray, words: list[Word], *, lang: str, timeout: float, what: str
) -> tuple[list[Word], int]:
    """``words`` (page pixels of ``image``) with each long number whose digits-only second
    reading disagrees made unsure, and how many were."""
    targets = [i for i, w in enumerate(words) if LONG_NUMBER.fullmatch(w.text.strip(".,:;"))]
    targets = targets[:MAX_NUMBERS]
    strips, kept = [], []
    for i in targets:
        s = _strip(image, words[i])
        if s is not None:
            strips.append(s)
            kept.append(i)
    if not strips:
        return words, 0
    model = tesseract.latin_model(lang)
    try:
        read = tesseract.recognize_strips(
            strips,
            lang=model,
            dpi=300,
            timeout=timeout,
            what=f"the numbers of {what}",
            config={"tessedit_char_whitelist": DIGITS},
        )
    except OCRError as exc:
        log.warning("%s: the numbers were not read again: %s", what, exc)
        return words, 0
    out = list(words)
    disputed = 0
    for i, again in zip(kept, read, strict=True):
        first = re.sub(r"\D", "", words[i].text)
        second = re.sub(r"\D", "", "".join(w.text for w in again))
        # A second reading that lost or gained digits failed (a red number read as nothing,
        # a speck read as a digit); one of the same length that differs disputes the first.
        if len(second) == len(first) and second != first:
            out[i] = dataclasses.replace(words[i], conf=min(words[i].conf, DISPUTED_CONF))
            disputed += 1
    if disputed:
        log.debug("%s: %d number(s) read otherwise alone", what, disputed)
    return out, disputed
