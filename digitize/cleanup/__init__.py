"""Cleanup stages: plain functions from one page image to the next.

Two images leave this package for every page: the *display* image (colour, as scanned, only
flattened out of a photo's perspective, turned upright and straightened, for the searchable
PDF: Decree 30 wants the colour page) and the *OCR* image (grey ink on white paper, lit
evenly, seals, speckle, rules and dark margins removed, enlarged only where its text is small).
Cleanup runs in two steps so that orientation can be decided in between: :func:`survey`
(perspective, grey, analysis image, text size, line direction) and :func:`finish` (quarter
turn, deskew, illumination, resolution, binarization, despeckle, and the line shape that tells
an upside-down page; :func:`half_turn` turns a finished page over). Each step reports what it
did into the page's ``quality`` dict, which ends up in ``record.quality``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from digitize.cleanup.borders import (
    dark_margins,
    find_page_quad,
    paint_margins,
    quad_size,
    warp_page,
)
from digitize.cleanup.geometry import (
    ANALYSIS_LONG_SIDE,
    MAX_SKEW_DEG,
    MIN_SKEW_DEG,
    channel_spread,
    estimate_skew,
    ink_mask,
    paper_colour,
    rotate_by,
    rotate_quarter,
    shrink,
    skew_of_ink,
    to_gray,
)
from digitize.cleanup.illumination import flatten_background, percentiles_u8
from digitize.cleanup.ocrimage import ocr_image
from digitize.cleanup.orientation import Axis, LineShape, page_line_shape, text_axis
from digitize.cleanup.resolution import TEXT_HEIGHT_IN, dpi_from_text, target_dpi, text_height
from digitize.cleanup.seal import (
    find_black_seals,
    find_grey_seals,
    find_seals,
    scale_boxes,
    suppress_black_seals,
    suppress_grey_seals,
    suppress_seals,
)
from digitize.cleanup.zones import Box, Zone, map_box, signature_zones
from digitize.placement import Affine, centre_rotation, compose, quarter_turn

A4_SHORT_IN = 8.27
"""Width of an A4 page, inches: a photographed page's dpi follows from its width in pixels."""

A4_LONG_IN = 11.69
"""Height of an A4 page, inches."""

A4_RATIO = (1.25, 1.6)
"""Height-to-width ratios accepted as an A4 page seen in a photo (foreshortening included)."""


@dataclass
class Prepared:
    display: np.ndarray
    ocr: np.ndarray
    scale: float
    """OCR image pixels per display image pixel."""
    dpi: float
    quality: dict[str, Any] = field(default_factory=dict)
    lines: LineShape = LineShape(0, 0)
    """Which way the OCR image's text lines lean: whether it is upside down, when that is clear."""
    zones: list[Zone] = field(default_factory=list)
    """The signature zones under the page's seals, for a second reading."""
    placement: Affine | None = None
    """How the page image's pixels map to ``display``'s, when ``display`` is the page image
    only turned and straightened (``None`` after a perspective warp): the PDF writer then
    draws the file's own image with this map instead of storing ``display``'s pixels."""


@dataclass
class Survey:
    """A page after the steps that come before orientation is known."""

    display: np.ndarray
    gray: np.ndarray
    ink: np.ndarray
    """Small binary analysis copy (ink = 255) of ``gray``."""
    f: float
    """Analysis pixels per page pixel."""
    dpi: float
    text_px: float | None
    """Median letter-mark height in page pixels, or ``None`` on pages with little text."""
    axis: Axis
    seconds: float
    size_dpi: float
    """The dpi the page would have as A4 (a floor for enlarging pages of unknown dpi)."""
    quality: dict[str, Any] = field(default_factory=dict)
    camera: bool = False
    """A phone photo: a page found by its outline, or a colour picture that states no dpi (a
    card on the desk). Its soft print is enlarged more than a scan's."""
    seals: list[Box] = field(default_factory=list)
    """The seals found, as boxes (x, y, w, h) in ``gray`` pixels."""
    origin: tuple[int, int] = (0, 0)
    """Where ``display``'s top-left corner lies in the file's picture (a card cut out of the
    desk around it)."""


def _colourless(small: np.ndarray) -> bool:
    """True for grey pages (photocopies), stored as grey or as three equal channels."""
    if small.ndim == 2:
        return True
    return percentiles_u8(channel_spread(small), (99.5,))[0] < 24


def survey(image: np.ndarray, dpi: float | None) -> Survey:
    """Perspective, seal suppression and the measurements orientation and resolution need.

    ``dpi`` is the file's own resolution or ``None`` when it stated none; then it is taken from
    a photographed page's width or from the size of its text. All searches run on one small
    copy of the page; only the warp and the grey conversion touch the full-size image.
    """
    t0 = time.perf_counter()
    quality: dict[str, Any] = {}
    camera = dpi is None and image.ndim == 3
    display = image
    small, f = shrink(image, ANALYSIS_LONG_SIDE)
    quad = find_page_quad(small) if image.ndim == 3 else None
    origin = (0, 0)
    if quad is not None:
        w, h = quad_size(quad)
        if not A4_RATIO[0] <= max(w, h) / min(w, h) <= A4_RATIO[1]:
            # A card, not a page: its short lines suffer little from perspective, and the
            # second resampling of its small print costs more than it gains. Deskew suffices,
            # once the desk around it is cut away: its grain reads as rows of specks.
            display, small, f, origin = _cut_out(image, small, quad, f)
            quality["card_cut_out"] = True
            quad = None
    if quad is not None:
        display = warp_page(image, quad / f)
        small = warp_page(small, quad)
        f = small.shape[1] / display.shape[1]
        quality["perspective"] = True
        dpi = min(display.shape[:2]) / A4_SHORT_IN
        quality["dpi_source"] = "page_outline"
    gray, small_gray = to_gray(display), to_gray(small)
    # With no resolution stated, a seal is looked for as small as on an A4 page filling the
    # picture: a web image 800 pixels wide shows a 40-mm seal 150 pixels across, which at the
    # 300 dpi assumed before was too small to be one, and its ring went as a picture.
    seal_dpi = dpi or min(300.0, max(image.shape[:2]) / A4_LONG_IN)
    red = find_seals(small, seal_dpi * f) if display.ndim == 3 else []
    seals = scale_boxes(red, f)
    if red:
        gray, small_gray = gray.copy(), small_gray.copy()
        suppress_seals(small, small_gray, red)
        suppress_seals(display, gray, seals)
        quality["seal_removed"] = len(red)
    margins = dark_margins(small_gray) if quad is None else None
    if margins is not None:
        gray, small_gray = paint_margins(gray, margins), paint_margins(small_gray, margins)
        quality["border_cropped"] = True
    ink = ink_mask(flatten_background(small_gray))
    text_px = text_height(ink, f)
    if dpi is None:
        dpi = dpi_from_text(text_px) if text_px else 300.0
        quality["dpi_source"] = "text_height" if text_px else "default"
    if "dpi_source" in quality:
        quality["dpi_estimated"] = True
    colourless = _colourless(small)
    camera = quad is not None or (camera and not colourless)
    if not red and colourless:
        # A photocopy shows the seal grey; print is darker than it, so it can still go.
        flat = flatten_background(gray)
        grey = find_grey_seals(flat, dpi)
        # A black-and-white scan shows it as black as the print: its ring tells it.
        rings = [] if grey else find_black_seals(flat, dpi)
        if grey or rings:
            gray = gray.copy()
            if grey:
                suppress_grey_seals(gray, flat, grey)
            else:
                suppress_black_seals(gray, flat, rings, text_px or dpi * TEXT_HEIGHT_IN)
            seals = grey or [g.box() for g in rings]
            ink = ink_mask(flatten_background(shrink(gray, ANALYSIS_LONG_SIDE)[0]))
            quality["seal_removed"] = len(seals)
    axis = text_axis(ink)
    if axis.sideways:
        text_px = text_height(ink, f, lines_down=True) or text_px
        if quality.get("dpi_source") == "text_height" and text_px:
            dpi = dpi_from_text(text_px)
    size_dpi = max(image.shape[:2]) / A4_LONG_IN  # the whole picture, as the file came
    seconds = time.perf_counter() - t0
    return Survey(
        display, gray, ink, f, dpi, text_px, axis, seconds, size_dpi, quality, camera, seals,
        origin,
    )  # fmt: skip


CUT_MARGIN = 0.03
"""Desk kept around a card cut out of a photo, as a share of the card's size: its outline
may sit a little inside the card's rounded corners."""


def _cut_out(
    image: np.ndarray, small: np.ndarray, quad: np.ndarray, f: float
) -> tuple[np.ndarray, np.ndarray, float, tuple[int, int]]:
    """The upright box around ``quad`` (analysis pixels) cut from the picture, its analysis
    copy and that copy's scale, and the box's top-left corner in the picture."""
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    mx, my = CUT_MARGIN * (x1 - x0), CUT_MARGIN * (y1 - y0)
    sh, sw = small.shape[:2]
    ax0, ay0 = max(0, int(x0 - mx)), max(0, int(y0 - my))
    ax1, ay1 = min(sw, int(np.ceil(x1 + mx))), min(sh, int(np.ceil(y1 + my)))
    h, w = image.shape[:2]
    px0, py0 = max(0, int(ax0 / f)), max(0, int(ay0 / f))
    px1, py1 = min(w, int(np.ceil(ax1 / f))), min(h, int(np.ceil(ay1 / f)))
    cut = image[py0:py1, px0:px1]
    small_cut, f_cut = shrink(cut, ANALYSIS_LONG_SIDE)
    return cut, small_cut, f_cut, (px0, py0)


def dpi_trusted(s: Survey) -> bool:
    """A stated dpi, or one measured from a photographed page's outline, beats the text size."""
    return not s.quality.get("dpi_estimated") or s.quality.get("dpi_source") == "page_outline"


def ocr_target(s: Survey) -> float:
    """The print size, in dpi, a surveyed page's small text is enlarged towards for OCR."""
    h, w = s.gray.shape
    return target_dpi(
        camera=s.camera,
        outline=bool(s.quality.get("perspective")),
        area_sqin=h * w / s.dpi**2,
    )


def finish(s: Survey, rotation: int = 0) -> Prepared:
    """The display and OCR images of a surveyed page made upright by ``rotation`` (clockwise)."""
    t0 = time.perf_counter()
    display = rotate_quarter(s.display, rotation)
    gray = rotate_quarter(s.gray, rotation)
    ink = s.ink if rotation % 180 == 0 else rotate_quarter(s.ink, rotation)
    # A half turn keeps the lines' angle, so the survey's measurement still holds.
    skew = s.axis.skew if rotation % 180 == 0 else skew_of_ink(ink)[0]
    applied = skew if abs(skew) >= MIN_SKEW_DEG else 0.0  # smaller tilts are left alone
    if applied:
        display = rotate_by(display, applied, exact=False)
        gray = rotate_by(gray, applied)
    ocr, scale, notes, flat = ocr_image(
        gray,
        s.text_px,
        s.dpi,
        dpi_stated=dpi_trusted(s),
        size_dpi=s.size_dpi,
        target_dpi=ocr_target(s),
        sharpen=bool(s.quality.get("perspective")),
    )
    lines = page_line_shape(ocr, (s.text_px or s.dpi * TEXT_HEIGHT_IN) * scale)
    upright = [map_box(b, s.gray.shape[:2], rotation, applied) for b in s.seals]
    zones = signature_zones(upright, flat, scale)
    placement = None
    if not s.quality.get("perspective"):
        h, w = s.display.shape[:2]
        placement = quarter_turn(w, h, rotation)
        if s.origin != (0, 0):
            shift = (1.0, 0.0, 0.0, 1.0, float(-s.origin[0]), float(-s.origin[1]))
            placement = compose(shift, placement)
        if applied:
            placement = compose(
                placement, centre_rotation(display.shape[1], display.shape[0], applied)
            )
    seconds = s.seconds + time.perf_counter() - t0
    quality = {
        "rotation": rotation % 360,
        "skew_deg": -skew,
        "dpi": round(s.dpi, 1),
        "ocr_scale": scale,
        **s.quality,
        **notes,
        "cleanup_s": round(seconds, 3),
    }
    return Prepared(display, ocr, scale, s.dpi, quality, lines, zones, placement)


def half_turn(prep: Prepared) -> Prepared:
    """The finished page turned upside down, without a second cleanup.

    Deskewing rotates about the page centre, and so does a half turn, so the two commute:
    turning the finished images gives what :func:`finish` would make of the opposite turn, for
    the cost of two pixel copies instead of a third of a second.
    """
    quality = dict(prep.quality, rotation=(prep.quality["rotation"] + 180) % 360)
    lines = LineShape(prep.lines.below, prep.lines.above)
    display, ocr = rotate_quarter(prep.display, 180), rotate_quarter(prep.ocr, 180)
    h, w = ocr.shape[:2]
    zones = [z.half_turned(w, h) for z in prep.zones]
    placement = None
    if prep.placement is not None:
        dh, dw = prep.display.shape[:2]
        placement = compose(prep.placement, quarter_turn(dw, dh, 180))
    return Prepared(display, ocr, prep.scale, prep.dpi, quality, lines, zones, placement)


def prepare(image: np.ndarray, dpi: float | None, *, rotation: int = 0) -> Prepared:
    """The display and OCR images of a page that is upright after ``rotation``."""
    return finish(survey(image, dpi), rotation)


__all__ = [
    "MAX_SKEW_DEG",
    "MIN_SKEW_DEG",
    "Prepared",
    "Survey",
    "estimate_skew",
    "find_page_quad",
    "finish",
    "flatten_background",
    "half_turn",
    "paper_colour",
    "prepare",
    "rotate_by",
    "rotate_quarter",
    "survey",
    "to_gray",
    "warp_page",
]
