"""A second reading of a page's long numbers and, on a photo, its codes: to catch a sure misread.

A card's ID number (12 digits, or the old card's 9) is the value a desk must never copy
wrong, and it carries no check digit: a "3" read as "5" in small bold print comes out of the
page's reading at a sure confidence, and nothing else on the card can contradict it unless a
QR code or an MRZ does. Each such number is cut out with its margin and read again, alone, by
a model told that only digits can occur. Where the two readings give as many digits and
disagree on some, the word keeps the page's reading and loses its confidence
(:data:`DISPUTED_CONF`), so the value goes to a clerk (``ocr_unsure``); where they agree, or
the second reading lost or gained digits (it reads nothing of a red number on a grey card),
nothing changes. A photo's codes (dates, plates, engine and chassis numbers, house numbers)
are read again the same way at three sizes and vote with the page's reading (see
:func:`check_numbers`). At most :data:`MAX_NUMBERS` numbers and :data:`MAX_CODES` codes a
page, in one Tesseract call for those of digits only and one for those with letters; a page
without such a word costs nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter

import cv2
import numpy as np

from digitize import tesseract
from digitize.errors import OCRError
from digitize.models import Word

log = logging.getLogger(__name__)

LONG_NUMBER = re.compile(r"\d{9}|\d{12}")
"""A word that is an ID's digits: the old card's 9 or the chip card's 12 (also a licence's)."""

CODE = re.compile(r"(?=(?:\D*\d){3})[0-9A-Z][0-9A-Z./-]*[0-9A-Z]")
"""A code a field takes whole, on a photo: three digits or more among capitals and the
separators of dates, plates and serials ("G4FB455386", "61C-603.24", "19/02/2014")."""

MAX_NUMBERS = 3
"""Long numbers read again on one page at most (a card has one or two)."""

MAX_CODES = 12
"""Codes read again on one photo at most (a vehicle card has about ten)."""

CODE_PAD = 0.15
"""A code's margin each side, in heights: a house number's strip must not take in a letter of
the words beside it."""

DISPUTED_CONF = 0.4
"""Confidence a number keeps when its second reading disagrees: under every review limit."""

STRIP_HEIGHTS = (48, 64, 80)
"""Pixel heights of the digits once a number's strip is scaled for reading: three readings of
the same pixels, which agree where the print is plain (a short number read small is often
read as nothing)."""

DIGITS = "0123456789"
CODE_CHARS = DIGITS + "ABCDEFGHJKLMNPRSTUVWXYZ./-"
"""What a code's second reading may hold: no I, O or Q, which a VIN never holds and a plate
never shows; a code's 1 and 0 are read as digits."""

LOOKALIKES = str.maketrans("IOQZSBGD", "10025860")
"""Letters and the digits they pass for ("RLA2" read "RLAZ" large, "F5E" read "FSE"): a code
may hold either, so readings that differ only so dispute nothing."""


def _strip(image: np.ndarray, w: Word, pad: float, height: int) -> np.ndarray | None:
    """The word's box with a margin (``pad`` heights each side), grey, scaled so its digits are
    ``height`` pixels high."""
    h, wd = image.shape[:2]
    pad_y, pad_x = int(0.35 * w.height), int(pad * w.height)
    y0, y1 = max(0, w.top - pad_y), min(h, w.bottom + pad_y)
    x0, x1 = max(0, w.left - pad_x), min(wd, w.right + pad_x)
    if y1 - y0 < 4 or x1 - x0 < 4:
        return None
    crop = image[y0:y1, x0:x1]
    if crop.ndim == 3:
        # The darkest channel: a red number (the old card's) is as dark there as black print.
        crop = crop.min(axis=2)
    crop = cv2.normalize(crop, None, 0, 255, cv2.NORM_MINMAX)
    f = height / max(1, w.height)
    return cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)


def _bare(text: str) -> str:
    return text.strip(".,:;")


def _read_again(
    image: np.ndarray,
    words: list[Word],
    targets: dict[int, tuple[float, tuple[int, ...]]],
    chars: str,
    **ocr,
) -> dict[int, list[str]]:
    """Each target word (index: margin, heights) cut out at each of its heights and read in
    ``chars`` only: its readings, one a height."""
    strips, kept = [], []
    for i, (pad, heights) in targets.items():
        for height in heights:
            s = _strip(image, words[i], pad, height)
            if s is not None:
                strips.append(s)
                kept.append(i)
    if not strips:
        return {}
    read = tesseract.recognize_strips(
        strips, config={"tessedit_char_whitelist": chars}, dpi=300, **ocr
    )
    out: dict[int, list[str]] = {}
    for i, again in zip(kept, read, strict=True):
        out.setdefault(i, []).append("".join(w.text for w in again))
    return out


def _vote(first: str, readings: list[str]) -> str:
    """``first`` with each character the majority of ``first`` and ``readings`` (as long as it)
    give at its place; a tie keeps ``first``'s. A reading's 1 or 0 where ``first`` has I, O or
    Q votes for the letter: the readings could not give it."""
    out = []
    for k, own in enumerate(first):
        theirs = [
            own if own in "IOQ" and r[k] == own.translate(LOOKALIKES) else r[k] for r in readings
        ]
        votes = Counter([own, *theirs])
        best, n = votes.most_common(1)[0]
        out.append(best if n > votes[own] else own)
    return "".join(out)


def check_numbers(
    image: np.ndarray,
    words: list[Word],
    *,
    lang: str,
    timeout: float,
    what: str,
    codes: bool = False,
) -> tuple[list[Word], int]:
    """``words`` (page pixels of ``image``) with each long number whose digits-only readings
    disagree made unsure, and how many were.

    With ``codes`` (a photo's page), every code (:data:`CODE`) is also read again alone, in
    digits (and, if it has letters, capitals) and separators, its strip scaled to three
    heights. The readings with as many characters vote with the page's, place by place (cut
    out, scaled up and read without the words around it, small print reads better:
    "G4FB455386" for "G4FB455286", "19/02/2014" for "19/02I2014"); a code the vote changes
    takes the majority's characters, and it or any code a reading contradicts (not merely a
    letter for the digit it looks like) is made unsure, so the value goes to a clerk.
    """
    numbers = [i for i, w in enumerate(words) if LONG_NUMBER.fullmatch(_bare(w.text))]
    numbers = numbers[:MAX_NUMBERS]
    found = [i for i, w in enumerate(words) if CODE.fullmatch(_bare(w.text))] if codes else []
    found = [i for i in found if i not in numbers][:MAX_CODES]
    if not numbers and not found:
        return words, 0
    code = (CODE_PAD, STRIP_HEIGHTS)
    digits = {i: (0.6, STRIP_HEIGHTS[:1]) for i in numbers}
    digits |= {i: code for i in found if not re.search(r"[A-Z]", words[i].text)}
    lettered = {i: code for i in found if i not in digits}
    ocr = {"lang": tesseract.latin_model(lang), "timeout": timeout}
    try:
        again = _read_again(
            image, words, digits, DIGITS + "./-", what=f"the numbers of {what}", **ocr
        )
        if lettered:
            again |= _read_again(
                image, words, lettered, CODE_CHARS, what=f"the codes of {what}", **ocr
            )
    except OCRError as exc:
        log.warning("%s: the numbers were not read again: %s", what, exc)
        return words, 0
    out = list(words)
    disputed = 0
    for i, readings in again.items():
        w = words[i]
        if i in numbers:
            first, readings = re.sub(r"\D", "", w.text), [re.sub(r"\D", "", r) for r in readings]
        else:
            first, readings = _bare(w.text), [_bare(r) for r in readings]
        # A reading that lost or gained characters failed (a red number read as nothing, a
        # speck read as a digit); the others vote with the page's, place by place.
        same = [r for r in readings if len(r) == len(first)]
        voted = _vote(first, same)
        if voted == first and all(
            r.translate(LOOKALIKES) == first.translate(LOOKALIKES) for r in same
        ):
            continue  # agreed, or differing only where a letter and a digit look alike
        text = w.text if i in numbers or voted == first else w.text.replace(first, voted)
        out[i] = dataclasses.replace(w, text=text, conf=min(w.conf, DISPUTED_CONF))
        disputed += 1
    if disputed:
        log.debug("%s: %d number(s) or code(s) read otherwise alone", what, disputed)
    return out, disputed
