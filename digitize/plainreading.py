"""The plain page as a second opinion: cleanup must never read a page worse than the page.

Cleanup decides on a threshold where ink is, then erases what it takes for noise. On a soft
phone photo, a card's coloured background or a tiny web image it misjudges: strokes go as
speckle, shadow stays as print, and the cleaned page reads worse than the page itself (a
600x740 phone photo: mean word confidence 0.37 cleaned, 0.66 plain). The *plain* page is the
upright display page only lit evenly (:func:`~digitize.cleanup.ocrimage.plain_image`), on the
OCR image's pixel grid, so readings of the two compare word for word.

Pages cleanup can misjudge (a poor reading, a page enlarged from low resolution, a photo) are
read plain as well, and the better reading is kept (see :func:`better_page`). Good scans are not
read twice: one-stop desks wait for each page, and re-reading their unsure lines from the plain
page (tried: the lines with a word below 0.6 confidence, stacked into one strip sheet) cost a
second Tesseract call on most pages and changed one edit in 3,000 characters of the development
scans. What a good scan gets instead is a second opinion on the lines that do not read as
Vietnamese (see :mod:`digitize.plainlines`): their strips of the plain page, read in one call
only on pages that have such lines. On a page read whole both ways, the kept reading's such
lines take the other reading's words where those read better, at no cost.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from digitize import digitcheck, plainlines, tesseract
from digitize.cleanup import Prepared
from digitize.cleanup.ocrimage import plain_image
from digitize.errors import OCRError
from digitize.models import Word, confidence_mass, mean_confidence
from digitize.text import lines_of

log = logging.getLogger(__name__)

PLAIN_CHECK_CONF = 0.8
"""Mean word confidence of the cleaned reading below which the whole plain page is read too.
Good scans read at 0.92-0.96 and are not read twice; worn office copies at 0.8-0.9 gained
nothing from a second reading but its time (tuning pages: the same recall, 1.6 times the
seconds), while a page that cleanup broke reads far lower (a phone photo: 0.37)."""


LOW_RES_SCALE = 2.0
"""Enlargement from which a page counts as a low-resolution picture (under about 150 dpi: web
images, small renders): its cleaned reading is kept only when its confidence mass beats the
plain page's by :data:`ENLARGED_CLEAN_MARGIN`."""

ENLARGED_CLEAN_MARGIN = 1.03
"""On a low-resolution page binarization decided letter edges at a size where they cannot be
seen, and near-equal readings of web images (55-95 dpi) had fewer errors plain (tuning pages:
13 edits against 21 on four images)."""


KEPT_SHARE = 0.5
"""The plain reading is kept only with at least this share of the cleaned one's well-formed
words: its score, which counts ill-formed words against a reading, puts an empty reading
above a real one full of a card's English halves."""


SMALL_PAGE_PIXELS = 2_000_000
"""Enlarged pages up to this size (web images, small renders, cards) are read plain as well.
A larger page enlarged because its print is small is a scan, read well cleaned, and its
enlarged second reading would cost several seconds."""


def wants_whole_page(words: list[Word], *, scale: float, camera: bool, pixels: int) -> bool:
    """Whether the whole plain page is read: the cleaned reading is poor, or the page is one
    cleanup can misjudge (a photo, or a small picture enlarged from low resolution, whose
    second reading costs little)."""
    return (
        mean_confidence(words) < PLAIN_CHECK_CONF
        or camera
        or (scale > 1.0 and pixels <= SMALL_PAGE_PIXELS)
    )


def better_page(
    words: list[Word],
    plain: np.ndarray,
    *,
    scale: float,
    lang: str,
    dpi: float,
    timeout: float,
    what: str,
) -> tuple[list[Word], list[Word], bool]:
    """The better of the cleaned reading and the plain page's (:func:`reading_score`; on a page
    enlarged from a low resolution, the plain one unless the cleaned one is clearly surer), the
    other one, and whether the plain one won."""
    read = tesseract.recognize(plain, lang=lang, dpi=dpi, timeout=timeout, what=what)
    cleaned_score, plain_score = reading_score(words), reading_score(read)
    log.debug("%s: plain page scores %d against %d", what, plain_score, cleaned_score)
    if scale >= LOW_RES_SCALE:
        won = confidence_mass(words) <= ENLARGED_CLEAN_MARGIN * confidence_mass(read)
    else:
        won = plain_score > cleaned_score
    if plainlines.verdict(read).good < KEPT_SHARE * plainlines.verdict(words).good:
        # Tesseract found no text block on the plain page (a card's photo with a band of
        # dark desk around it read as one picture: no word at all), and nothing is no better.
        won = False
    if won:
        return read, words, True
    return words, read, False


def reading_score(words: list[Word]) -> int:
    """How well a whole page reads: its well-formed words (syllables and numbers read surely)
    less the rest and, twice, the ill-formed ones (see :func:`plainlines.verdict`).

    Confidence mass alone rewards noise: the plain page of a form photo keeps the dotted lines
    that cleanup takes away, and Tesseract reads them as runs of letters and digits at middling
    confidence ("04/12/2017 5151511115111 nu nu n2 eo"); their mass outweighed the cleaned
    reading's right words (generated photos: the plain page kept on 5 of 11 pages where both
    were read, 3 of them the worse; by this score, 1 of 11, by 1 edit in 100).

    Lines with no well-formed word at all are left out: they are what a card's portrait, its
    edge or the desk beside it read as ("FBEzI:g", "_ấA Á."), which either image may show or
    not, and they outweighed the print they say nothing of (a licence photo's cleaned page
    read every line of the card right, its plain page "O8 tháng/mnonth O6", and the plain one
    won on the cleaned page's debris)."""
    good = rest = odd = 0
    for line in lines_of(words):
        v = plainlines.verdict(line)
        if v.good:
            good, rest, odd = good + v.good, rest + v.rest, odd + v.odd
    return good - rest - 2 * odd


def second_look(
    prep: Prepared, words: list[Word], *, camera: bool, lang: str, timeout: float, what: str
) -> tuple[list[Word], dict[str, Any]]:
    """The cleaned page's reading (OCR-image pixels) with the plain page as a second opinion
    where cleanup can misjudge, and what the record's page quality says of it (``ocr_image``:
    ``plain`` or ``cleaned`` when the whole page was read twice; ``plain_lines_read`` and
    ``plain_lines_kept``: how many lines that did not read as Vietnamese were read again from
    the plain page, and how many it mended; ``lines_from_other_reading``: how many such lines
    of a page read whole both ways the other reading mended; ``lines_only_other_read``: how
    many lines of such a page only the other reading found, and were added; ``codes_disputed``:
    how many numbers, dates and codes the two whole readings read differently, made unsure)."""
    pixels = prep.display.shape[0] * prep.display.shape[1]
    h, w = prep.ocr.shape[:2]
    dpi = prep.dpi * prep.scale
    if not wants_whole_page(words, scale=prep.scale, camera=camera, pixels=pixels):
        boxes = plainlines.doubtful_lines(words, w, h, prep.zones)
        if not boxes:
            return words, {}
        plain = plain_image(prep.display, (w, h))
        try:
            readings = plainlines.read_strips(
                plain, boxes, lang=lang, dpi=dpi, timeout=timeout, what=what
            )
        except OCRError as exc:
            # The page is read already: a second look that fails costs nothing but itself.
            log.warning("%s: the doubtful lines were not read again: %s", what, exc)
            return words, {}
        words, replaced = plainlines.settle(words, boxes, readings, what)
        return words, {"plain_lines_read": len(boxes), "plain_lines_kept": replaced}
    plain = plain_image(prep.display, (w, h))
    try:
        words, other, won = better_page(
            words, plain, scale=prep.scale, lang=lang, dpi=dpi, timeout=timeout, what=what
        )
    except OCRError as exc:
        log.warning("%s: the plain page was not read: %s", what, exc)
        return words, {}
    boxes = plainlines.doubtful_lines(words, w, h, prep.zones, free=True)
    words, replaced = plainlines.settle(
        words, boxes, [plainlines.words_on(other, b) for b in boxes], what
    )
    words, added = plainlines.add_lost_lines(words, other, w)
    # Disputed as an ID whose digits-only reading disagrees: under every review limit.
    words, disputed = plainlines.disputed_codes(words, other, digitcheck.DISPUTED_CONF)
    quality: dict[str, Any] = {"ocr_image": "plain" if won else "cleaned"}
    if disputed:
        quality["codes_disputed"] = disputed
    if replaced:
        quality["lines_from_other_reading"] = replaced
    if added:
        quality["lines_only_other_read"] = added
    return words, quality
