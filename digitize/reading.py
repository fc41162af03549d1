"""Reading one page: cleanup, orientation, OCR (or the PDF's own text layer).

Orientation is decided with as little reading as possible. The cleanup survey tells from the
text lines' direction, for free, whether a page is sideways; a sideways page is given a quarter
turn. Which way up the finished page is then follows from the shape of its lines, also for
free: print carries more ink above its x-height band (capitals, ascenders, Vietnamese tone
marks) than below it, so a page whose lines lean down is turned over before it is read. That
test decides only with many, nearly unanimous lines; where it is unsure (little text, tables),
Tesseract's orientation detector is asked for a sideways page, and an upright-looking page is
checked only when its reading is poor (upright text reads at a mean word confidence around
0.9, upside-down or sideways text around 0.5). Where the detector is unsure too, a strip of
text is read both ways and the surer reading wins. A page turned on OCR evidence is kept only
when its full reading beats the first one, so a page with little text is never flipped on a
guess.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np

from digitize import (
    barcodes,
    cleanup,
    digitcheck,
    mrzzone,
    plainreading,
    slots,
    tesseract,
    unreadrows,
)
from digitize.cleanup.illumination import flatten_background, stretch
from digitize.cleanup.orientation import text_strip
from digitize.cleanup.resolution import ocr_scale
from digitize.errors import OCRError
from digitize.intake import estimate_dpi
from digitize.layerprint import add_unlayered_print
from digitize.models import PageImage, PageResult, Word, confidence_mass, mean_confidence
from digitize.placement import IDENTITY, Affine
from digitize.text import page_text, punctuation_attached, rejoined
from digitize.zonereading import reread_zones

log = logging.getLogger(__name__)

POOR_READING_CONF = 0.75
"""Mean word confidence below which the page's orientation is checked."""

MIN_OSD_CONFIDENCE = 1.5
"""Orientation-detector confidence needed before its answer is acted on."""

OSD_LONG_SIDE = 1600
"""Orientation detection runs on a copy this size: as sure as full size, several times faster."""

STRIP_MARGIN = 1.15
"""A strip reading must beat the other way's by this factor to turn the page."""

MIN_STRIP_SCORE = 6.0
"""Confidence mass a strip reading must reach to count at all. A strip the right way up reads
dozens of sure words (40-70 on A4 pages); turned wrong, a few scraps of noise (1-3), whose
ratio means nothing."""


@dataclass
class ReadPage:
    result: PageResult
    display: np.ndarray
    """The colour page image for the searchable PDF: upright and straightened."""
    placement: Affine | None = IDENTITY
    """How the page image's pixels map to ``display``'s when only a turn and a straightening
    lie between them (``None`` otherwise): the file's own image can then be stored."""


def _ocr(prep: cleanup.Prepared, *, lang: str, timeout: float, what: str) -> list[Word]:
    """The page's reading, in OCR-image pixels."""
    dpi = prep.dpi * prep.scale
    return tesseract.recognize(prep.ocr, lang=lang, dpi=dpi, timeout=timeout, what=what)


def _final_words(
    prep: cleanup.Prepared, words: list[Word], *, lang: str, timeout: float, what: str
) -> tuple[list[Word], int]:
    """The chosen reading with its signature zones read again (see :mod:`digitize.zonereading`),
    in page pixels, and how many lines that second reading replaced. It runs once, on the
    reading the orientation checks kept.

    Tone and vowel marks that Tesseract misread where it was unsure are put right here (see
    :mod:`digitize.diacritics`), so the page text, the searchable PDF's text layer and the
    classifiers all see the same corrected words; ``quality["diacritics_fixed"]`` counts them.
    """
    lines = 0
    if prep.zones:
        dpi = prep.dpi * prep.scale
        try:
            words, lines = reread_zones(
                words, prep.zones, lang=lang, dpi=dpi, timeout=timeout, what=what, cleaned=prep.ocr
            )
        except OCRError as exc:
            # The page is read already: a second look that fails costs nothing but itself.
            log.warning("%s: the lines under the seal were not read again: %s", what, exc)
    if prep.scale != 1.0:
        words = [w.scaled(1.0 / prep.scale) for w in words]
    words, joined = rejoined(words)
    if joined:
        prep.quality["lines_rejoined"] = joined
    words, attached = punctuation_attached(words)
    if attached:
        prep.quality["punctuation_attached"] = attached
    from digitize import diacritics  # its syllable model is needed after OCR, not before

    read = words
    words, fixed = diacritics.correct(words)
    prep.quality["diacritics_fixed"] = len(fixed)
    doubted = diacritics.doubted(read, words)
    if doubted:
        prep.quality["marks_doubted"] = doubted
    return words, lines


VERTICAL_WORDS = 0.7
"""Share of a reading's longer words whose boxes stand taller than wide for the page to be
taken as read sideways: Tesseract reads lines running down a page, word by word, with the
right letters and useless places."""


def _vertical_turn(words: list[Word]) -> int | None:
    """The quarter turn (clockwise degrees) that a reading of sideways lines asks for, else
    ``None``: lines read top to bottom were turned clockwise and need 270, bottom to top 90."""
    long = [w for w in words if len(w.text) >= 3 and w.conf >= 0.5]
    tall = [w for w in long if w.height > 1.3 * w.width]
    if len(tall) < 10 or len(tall) < VERTICAL_WORDS * len(long):
        return None
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in tall:
        lines.setdefault((w.block, w.par, w.line), []).append(w)
    down = up = 0
    for line in lines.values():
        if len(line) >= 2:
            down += line[-1].top > line[0].top
            up += line[-1].top < line[0].top
    if down == up:
        return None
    return 270 if down > up else 90


SIDEWAYS_KEEP = 0.8
"""A reading of sideways lines has its words right and their places useless: the turned
reading replaces it when level and at least this share of its confidence mass."""


def _better(turned: list[Word], first: list[Word], *, sideways: bool) -> bool:
    """Whether the reading of the turned page replaces the first one."""
    if sideways:
        return _vertical_turn(turned) is None and confidence_mass(
            turned
        ) >= SIDEWAYS_KEEP * confidence_mass(first)
    return confidence_mass(turned) > confidence_mass(first)


def _osd(image: np.ndarray, *, timeout: float, what: str) -> tesseract.Orientation | None:
    f = min(1.0, OSD_LONG_SIDE / max(image.shape))
    small = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else image
    osd = tesseract.detect_orientation(small, timeout=timeout, what=what)
    if osd is None or osd.confidence < MIN_OSD_CONFIDENCE:
        return None
    return osd


def _strip_choice(
    s: cleanup.Survey, candidates: tuple[int, int], *, lang: str, timeout: float, what: str
) -> int | None:
    """Read the densest strip of text turned each way; the clearly surer turn, else ``None``."""
    lines_across = candidates[0] % 180 == 0
    band = text_strip(s.ink, s.f, lines_across=lines_across)
    if band is None:
        return None
    a, b = band
    strip = s.gray[a:b] if lines_across else s.gray[:, a:b]
    strip = stretch(flatten_background(strip))
    scale = ocr_scale(
        s.text_px,
        s.dpi,
        dpi_stated=cleanup.dpi_trusted(s),
        size_dpi=s.size_dpi,
        target_dpi=cleanup.ocr_target(s),
    )
    if scale != 1.0:
        strip = cv2.resize(strip, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    scores = {}
    for turn in candidates:
        words = tesseract.recognize(
            cleanup.rotate_quarter(strip, turn),
            lang=lang,
            psm=6,
            dpi=s.dpi * scale,
            timeout=timeout,
            what=what,
        )
        scores[turn] = confidence_mass(words)
    first, second = candidates
    log.debug("%s: strip scores %s", what, scores)
    if scores[first] > STRIP_MARGIN * scores[second] and scores[first] >= MIN_STRIP_SCORE:
        return first
    if scores[second] > STRIP_MARGIN * scores[first] and scores[second] >= MIN_STRIP_SCORE:
        return second
    return None


def _sideways_turn(
    s: cleanup.Survey, prep: cleanup.Prepared, *, lang: str, timeout: float, what: str
) -> tuple[cleanup.Prepared, str]:
    """A sideways page, given a quarter turn whose line shape was unsure, turned by OCR."""
    osd = _osd(s.gray, timeout=timeout, what=what)
    if osd is not None and osd.rotate in (90, 270):
        turn, how = osd.rotate, "osd"
    else:
        turn = _strip_choice(s, (90, 270), lang=lang, timeout=timeout, what=what)
        if turn is None:
            # Neither quarter turn reads: rules or a dark margin may have faked the lines'
            # direction (Tesseract then reads the page sideways, words right, places wrong).
            upright = _strip_choice(s, (0, 180), lang=lang, timeout=timeout, what=what)
            if upright is None:
                return prep, "unsure"
            return cleanup.finish(s, upright), "strip"
        how = "strip"
    return (prep if turn == prep.quality["rotation"] else cleanup.half_turn(prep)), how


def _recheck(
    s: cleanup.Survey, prep: cleanup.Prepared, *, lang: str, timeout: float, what: str
) -> tuple[int, str] | None:
    """A further turn for a poorly read page, or ``None`` when nothing points to one."""
    osd = _osd(prep.ocr, timeout=timeout, what=what)
    if osd is not None and osd.rotate:
        return osd.rotate, "osd"
    if osd is None and (s.axis.across or s.axis.sideways):
        # The lines' direction is clear but the detector is unsure: upside down is the doubt.
        here = prep.quality["rotation"]
        turn = _strip_choice(s, (here, (here + 180) % 360), lang=lang, timeout=timeout, what=what)
        if turn is not None and turn != here:
            return 180, "strip"
    return None


def _turned(s: cleanup.Survey, prep: cleanup.Prepared, turn: int) -> cleanup.Prepared:
    if turn == 180:
        return cleanup.half_turn(prep)
    return cleanup.finish(s, (prep.quality["rotation"] + turn) % 360)


@dataclass
class PreparedPage:
    """A page cleaned and turned the way its lines say, ready for its full reading."""

    page: PageImage
    what: str
    survey: cleanup.Survey | None = None
    prep: cleanup.Prepared | None = None
    how: str = "upright"
    upside_down: bool | None = None
    done: ReadPage | None = None
    """Set when nothing is left to read (a page with a usable text layer)."""


def prepare_page(page: PageImage, *, lang: str, timeout: float, name: str) -> PreparedPage:
    """Everything before the page's full reading: cleanup and the orientation decision.

    This half costs CPU in this process; :func:`complete_page` mostly waits for Tesseract.
    Keeping them apart lets a document's next page be prepared while this one is read (see
    :func:`prepared_pages`). ``name`` (the file name) is used only in error messages.
    """
    what = f"page {page.index + 1} of {name}"
    h, w = page.image.shape[:2]
    if page.text_layer is not None:
        dpi = page.dpi or estimate_dpi(w, h)
        # The number and the day typed into signing fields are printed, not in the layer.
        words, added = add_unlayered_print(
            page.text_layer, page.image, lang=lang, dpi=dpi, timeout=timeout, what=what
        )
        # The number and the day written in by hand are in neither.
        words, reread = slots.reread_slots(
            page.image, words, width=w, height=h, scale=1.0, lang=lang, dpi=dpi,
            timeout=timeout, what=what, ink_only=True,
        )  # fmt: skip
        result = PageResult(
            page.index,
            w,
            h,
            dpi,
            words,
            page_text(words, w),
            "text_layer",
            {
                "rotation": 0,
                "skew_deg": 0.0,
                "dpi": round(dpi, 1),
                "source": "text_layer",
                **(page.layer_check or {}),
                **({"print_outside_layer": added} if added else {}),
                **({"slots_reread": reread} if reread else {}),
            },
        )
        return PreparedPage(page, what, done=ReadPage(result, page.image))

    s = cleanup.survey(page.image, page.dpi)
    prep = cleanup.finish(s, 90 if s.axis.sideways else 0)
    upside_down = prep.lines.upside_down
    how = "upright"
    if upside_down is not None:
        how = "lines"
        if upside_down:
            prep = cleanup.half_turn(prep)
    elif s.axis.sideways:
        prep, how = _sideways_turn(s, prep, lang=lang, timeout=timeout, what=what)
    return PreparedPage(page, what, s, prep, how, upside_down)


def complete_page(ready: PreparedPage, *, lang: str, timeout: float) -> ReadPage:
    """The full reading of a prepared page, turning it once more if that reading is poor."""
    if ready.done is not None:
        return ready.done
    s, prep, how, what = ready.survey, ready.prep, ready.how, ready.what
    assert s is not None and prep is not None
    words = _ocr(prep, lang=lang, timeout=timeout, what=what)
    turn: tuple[int, str] | None = None
    sideways = _vertical_turn(words)
    if sideways is not None:
        # The lines' shape missed a sideways page that Tesseract then read line by line down.
        turn = sideways, "words"
    elif mean_confidence(words) < POOR_READING_CONF:
        if how in ("upright", "unsure"):
            turn = _recheck(s, prep, lang=lang, timeout=timeout, what=what)
        elif ready.upside_down:
            # Turned over on line shape alone and read poorly: the other way must read worse.
            turn = 180, "unsure"
    if turn is not None:
        turned = _turned(s, prep, turn[0])
        if sideways is not None and turned.lines.upside_down:
            # Read down, lines of either turn look alike to Tesseract; their shape tells.
            turned = cleanup.half_turn(turned)
        turned_words = _ocr(turned, lang=lang, timeout=timeout, what=what)
        log.debug(
            "%s: turn %d (%s) scores %.1f against %.1f",
            what,
            turn[0],
            turn[1],
            confidence_mass(turned_words),
            confidence_mass(words),
        )
        if _better(turned_words, words, sideways=sideways is not None):
            prep, words, how = turned, turned_words, turn[1]
    words, second = plainreading.second_look(
        prep, words, camera=s.camera, lang=lang, timeout=timeout, what=what
    )
    words, passed = unreadrows.read_unread_rows(
        prep.ocr, words, lang=lang, dpi=prep.dpi * prep.scale, timeout=timeout, what=what
    )
    if passed:
        prep.quality["lines_passed_over"] = passed
    words, reread = _final_words(prep, words, lang=lang, timeout=timeout, what=what)
    ph, pw = prep.display.shape[:2]
    words, prep.quality["slots_reread"] = slots.reread_slots(
        prep.ocr,
        words,
        width=pw,
        height=ph,
        scale=prep.scale,
        lang=lang,
        dpi=prep.dpi * prep.scale,
        timeout=timeout,
        what=what,
    )
    words, zone = mrzzone.reread_zone(
        prep.display, words, scale=1.0, lang=lang, timeout=timeout, what=what
    )
    if zone:
        prep.quality["mrz_reread"] = True
    words, disputed = digitcheck.check_numbers(
        prep.display, words, lang=lang, timeout=timeout, what=what, codes=s.camera
    )
    if disputed:
        prep.quality["numbers_disputed"] = disputed
    quality = dict(prep.quality, orientation=how, source="ocr", **(ready.page.layer_check or {}))
    quality.update(second)
    if reread:
        quality["seal_lines_reread"] = reread
    text = page_text(words, pw)  # column gaps are judged against the page, not the text
    result = PageResult(ready.page.index, pw, ph, prep.dpi, words, text, "ocr", quality)
    result.codes = barcodes.decode(prep.display, what=what)
    return ReadPage(result, prep.display, prep.placement)


def read_page(page: PageImage, *, lang: str, timeout: float, name: str) -> ReadPage:
    """Read one page; ``name`` (the file name) is used only in error messages."""
    ready = prepare_page(page, lang=lang, timeout=timeout, name=name)
    return complete_page(ready, lang=lang, timeout=timeout)


def prepared_pages(
    pages: Iterable[PageImage], *, lang: str, timeout: float, name: str
) -> Iterator[PreparedPage]:
    """Pages decoded and prepared one ahead, on a second thread, while the caller reads.

    While Tesseract reads page *n* in its own process, this process would sit idle; instead
    a helper thread decodes and cleans page *n + 1* (OpenCV and NumPy release the interpreter
    lock), so a document costs about its OCR time plus one page's cleanup, not the sum of all.
    One page is held ahead, never more, so memory stays flat however long the document is.
    Errors of the decoding or preparing (a corrupt page, say) reach the caller in page order.
    """
    source = iter(pages)

    def next_ready() -> PreparedPage | None:
        page = next(source, None)
        if page is None:
            return None
        return prepare_page(page, lang=lang, timeout=timeout, name=name)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare") as pool:
        ahead: Future[PreparedPage | None] = pool.submit(next_ready)
        while True:
            ready = ahead.result()
            if ready is None:
                return
            ahead = pool.submit(next_ready)
            yield ready
