"""The plain page as a second opinion: cleanup must never read a page worse than the page.

Cleanup decides on a threshold where ink is, then erases what it takes for noise. On a soft
phone photo, a card's coloured background or a tiny web image it misjudges: strokes go as
speckle, shadow stays as print, and the cleaned page reads worse than the page itself (a
600x740 phone photo: mean word confidence 0.37 cleaned, 0.66 plain). The *plain* page is the
upright display page only lit evenly (:func:`~digitize.cleanup.ocrimage.plain_image`), on the
OCR image's pixel grid, so readings of the two compare word for word.

* Pages cleanup can misjudge (a poor reading, a page enlarged from low resolution, a photo) are
  read plain as well, and the reading with the higher confidence mass is kept.
* Good scans are not read twice (one-stop desks wait for each page): only their unsure lines
  are cut from the plain page, stacked into one strip sheet and read in one call; a line's
  plain reading replaces the cleaned one when it reads clearly more letters surely.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import statistics

import numpy as np

from digitize import tesseract
from digitize.models import Word
from digitize.text import letters, lines_of
from digitize.zonereading import letter_score

log = logging.getLogger(__name__)

PLAIN_CHECK_CONF = 0.9
"""Mean word confidence of the cleaned reading below which the whole plain page is read too.
Good scans read at 0.92-0.96 and are not read twice."""

ENLARGED_CLEAN_MARGIN = 1.03
"""On a page enlarged from low resolution the cleaned reading is kept only when its confidence
mass beats the plain page's by this factor: its binarization decided letter edges at a size
where they cannot be seen, and near-equal readings of web images (55-95 dpi) had fewer errors
plain (tuning pages: 13 edits against 21 on four images)."""

UNSURE_CONF = 0.6
"""A line holding a word read less surely than this is read again from the plain page."""

MAX_LINES = 16
"""At most this many unsure lines of a page are read again (the least sure first): the strip
sheet stays small, its reading a fraction of the page's."""

LINE_MARGIN = 1.15
"""A line's plain reading replaces the cleaned one when its confidence-weighted letter count is
this much higher."""

MAX_LETTER_GAIN = 1.3
"""...and when it reads at most this many times the letters (plus three): a strip that caught
scraps of the neighbouring lines reads more letters, not better ones."""

BAND_PAD = 0.35
"""A line's strip reaches this many line heights above and below its words."""

GAP = 0.8
"""Paper between stacked strips, in line heights."""


def score(words: list[Word]) -> float:
    """Confidence mass of words longer than one character: favours long, sure readings."""
    return sum(w.conf for w in words if len(w.text) > 1)


def wants_whole_page(words: list[Word], *, scale: float, camera: bool) -> bool:
    """Whether the whole plain page is read: the cleaned reading is poor, or the page is one
    cleanup can misjudge (enlarged from low resolution, a photo) and small enough that a second
    reading costs little."""
    mean = sum(w.conf for w in words) / len(words) if words else 0.0
    return mean < PLAIN_CHECK_CONF or scale > 1.0 or camera


def better_page(
    words: list[Word],
    plain: np.ndarray,
    *,
    scale: float,
    lang: str,
    dpi: float,
    timeout: float,
    what: str,
) -> tuple[list[Word], bool]:
    """The better of the cleaned reading and the plain page's, and whether the plain one won."""
    read = tesseract.recognize(plain, lang=lang, dpi=dpi, timeout=timeout, what=what)
    log.debug("%s: plain page scores %.1f against %.1f", what, score(read), score(words))
    margin = ENLARGED_CLEAN_MARGIN if scale > 1.0 else 1.0
    if score(words) > margin * score(read):
        return words, False
    return read, True


def unsure_lines(words: list[Word]) -> list[list[Word]]:
    """The lines holding a word read less surely than :data:`UNSURE_CONF`, least sure first."""
    lines = [
        line
        for line in lines_of(words)
        if any(letters(w.text) and w.conf < UNSURE_CONF for w in line)
    ]
    lines.sort(key=lambda line: min(w.conf for w in line))
    return lines[:MAX_LINES]


def better_lines(
    words: list[Word], plain: np.ndarray, *, lang: str, dpi: float, timeout: float, what: str
) -> tuple[list[Word], int]:
    """``words`` with their unsure lines replaced by the plain page's reading where that reads
    clearly better, and how many lines were replaced."""
    lines = unsure_lines(words)
    if not lines:
        return words, 0
    ph, pw = plain.shape[:2]
    strips = []  # (line, x0, y0, strip)
    for line in lines:
        h = statistics.median(w.height for w in line)
        y0 = max(0, int(min(w.top for w in line) - BAND_PAD * h))
        y1 = min(ph, int(max(w.bottom for w in line) + BAND_PAD * h) + 1)
        x0 = max(0, int(min(w.left for w in line) - h))
        x1 = min(pw, int(max(w.right for w in line) + h) + 1)
        if y1 > y0 and x1 > x0:
            strips.append((line, x0, y0, plain[y0:y1, x0:x1]))
    if not strips:
        return words, 0
    gap = max(8, int(GAP * max(s.shape[0] for *_rest, s in strips)))
    starts, y = [], gap
    for *_rest, strip in strips:
        starts.append(y)
        y += strip.shape[0] + gap
    sheet = np.full((y, max(s.shape[1] for *_rest, s in strips)), 255, np.uint8)
    for (*_rest, strip), sy in zip(strips, starts, strict=True):
        sheet[sy : sy + strip.shape[0], : strip.shape[1]] = strip
    read = tesseract.recognize(sheet, lang=lang, psm=6, dpi=dpi, timeout=timeout, what=what)
    found: list[list[Word]] = [[] for _ in strips]
    for w in read:
        n = bisect.bisect_right(starts, w.top + w.height / 2 + gap / 2) - 1
        if w.text.strip() and n >= 0:
            found[n].append(w)
    replaced: dict[int, list[Word]] = {}  # id of a line's first word -> its new words
    gone: set[int] = set()
    for (line, x0, y0, _strip), sy, new in zip(strips, starts, found, strict=True):
        old_letters = sum(letters(w.text) for w in line)
        new_letters = sum(letters(w.text) for w in new)
        if letter_score(new) <= LINE_MARGIN * letter_score(line):
            continue
        if new_letters > MAX_LETTER_GAIN * old_letters + 3:
            continue
        first = line[0]
        replaced[id(first)] = [
            dataclasses.replace(
                w,
                left=w.left + x0,
                top=w.top - sy + y0,
                block=first.block,
                par=first.par,
                line=first.line,
            )
            for w in sorted(new, key=lambda w: w.left)
        ]
        gone.update(id(w) for w in line)
    if not replaced:
        return words, 0
    out: list[Word] = []
    for w in words:
        out.extend(replaced.get(id(w), []))
        if id(w) not in gone:
            out.append(w)
    log.debug("%s: %d unsure lines read better plain", what, len(replaced))
    return out, len(replaced)
