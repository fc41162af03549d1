"""How desks really photograph ID cards: the phone photo of :mod:`bench.synth.degrade` under
named capture conditions.

- ``desk``: the default phone photo (a dark desk, the card filling 70-90% of the frame);
- ``light``: the same on a light surface (white, beige, grey-blue: the card laid on a sheet
  of paper or a pale counter), so the card's edge stands out weakly from the desk;
- ``far``: taken from arm's length, the card 35-55% of the frame's width;
- ``glare``: a laminate or lamp reflection, a bright soft ellipse over part of the card;
- ``fingers``: one or two fingertips holding the card flat over its left, right or bottom
  edge;
- ``sent``: the ``desk`` photo as a messaging app forwards it (how citizens most often hand
  over a card before they come): reduced to 1,280 pixels on its longest side and saved again
  at JPEG quality 70.

The conditions are paired: for one ``rng`` every condition draws the same frame, position,
tilt, light and noise, so a condition's figures differ from ``desk``'s only by what the
condition changes. Glare and fingers are laid on the photo after it is taken, where the
photo's transform puts the card.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from .degrade import Degraded, _photo

CONDITIONS: tuple[str, ...] = ("desk", "light", "far", "glare", "fingers", "sent")
"""The capture conditions :func:`capture` knows."""

LIGHT_DESKS: tuple[tuple[int, int, int], ...] = (
    (225, 228, 230),
    (200, 215, 228),
    (238, 238, 236),
    (185, 205, 220),
)
"""Light surfaces (BGR): white and grey paper, beige, a pale grey-blue counter."""

FAR_FRACTION = (0.35, 0.55)
"""The card's share of the frame when taken from arm's length."""

SENT_SIDE = 1280
"""Longest side, in pixels, of a photo a messaging app forwards."""

SENT_QUALITY = 70
"""JPEG quality of a forwarded photo."""

SKIN_BGR = (120, 150, 200)
"""A fingertip's colour before its brightness is drawn."""


@dataclass
class Capture:
    """A card photographed under ``condition``: BGR uint8 frame, the card's axis-aligned box
    in it (x0, y0, x1, y1), and the photo it was made from (dpi, parameters, transform)."""

    image: np.ndarray
    condition: str
    box: tuple[int, int, int, int]
    photo: Degraded
    quality: int = 88

    @property
    def dpi(self) -> int:
        return self.photo.dpi

    def jpeg(self, quality: int | None = None) -> bytes:
        """The frame as the phone's JPEG file (at the capture's quality unless given)."""
        quality = self.quality if quality is None else quality
        ok, buf = cv2.imencode(".jpg", self.image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        return buf.tobytes()


def card_box(photo: Degraded, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Axis-aligned box in the photo of a card image of ``size`` (width, height)."""
    return photo.map_box((0, 0, size[0], size[1]))


def add_glare(image: np.ndarray, box: tuple[int, int, int, int], rng: random.Random) -> np.ndarray:
    """A bright soft ellipse centred in the middle 60% of the card's box, 8-16% of its width
    and 6-14% of its height across, up to 120-200 levels brighter at its centre."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    cx = rng.uniform(x0 + 0.2 * bw, x1 - 0.2 * bw)
    cy = rng.uniform(y0 + 0.2 * bh, y1 - 0.2 * bh)
    ax, ay = bw * rng.uniform(0.08, 0.16), bh * rng.uniform(0.06, 0.14)
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2
    g = np.exp(-r * 1.5) * rng.uniform(120, 200)
    out = image.astype(np.float32) + g[..., None]
    return out.clip(0, 255).astype(np.uint8)


def add_fingers(
    image: np.ndarray, box: tuple[int, int, int, int], rng: random.Random
) -> np.ndarray:
    """One or two skin-coloured fingertips (soft ellipses 12% of the card's width by 24% of
    its height) over the card's left, right or bottom edge, reaching a little inside it."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    h, w = image.shape[:2]
    skin = np.array(SKIN_BGR, np.float32) * rng.uniform(0.8, 1.1)
    side = rng.choice(["left", "right", "bottom"])
    mask = np.zeros((h, w), np.uint8)
    for _ in range(rng.choice([1, 2])):
        if side == "left":
            cx, cy = x0 + rng.uniform(-0.02, 0.04) * bw, rng.uniform(y0, y1)
        elif side == "right":
            cx, cy = x1 - rng.uniform(-0.02, 0.04) * bw, rng.uniform(y0, y1)
        else:
            cx, cy = rng.uniform(x0, x1), y1 - rng.uniform(-0.02, 0.05) * bh
        axes = (int(bw * 0.06), int(bh * 0.12))
        cv2.ellipse(mask, (int(cx), int(cy)), axes, rng.uniform(0, 180), 0, 360, 255, -1)
    m = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), 4)[..., None]
    out = image.astype(np.float32) * (1 - m) + skin * m
    return out.clip(0, 255).astype(np.uint8)


def capture(card: Image.Image, dpi: int, condition: str, rng: random.Random) -> Capture:
    """The card image (at ``dpi``) photographed upright under ``condition``.

    Deterministic for the state of ``rng``; the same state gives the same frame in every
    condition apart from what the condition changes.
    """
    if condition not in CONDITIONS:
        raise ValueError(f"unknown capture condition {condition!r}; expected one of {CONDITIONS}")
    src = cv2.cvtColor(np.asarray(card.convert("RGB")), cv2.COLOR_RGB2BGR)
    nrng = np.random.default_rng(rng.getrandbits(63))
    photo = _photo(
        src,
        dpi,
        0,
        rng,
        nrng,
        desk_colours=LIGHT_DESKS if condition == "light" else None,
        frame_fraction=FAR_FRACTION if condition == "far" else None,
    )
    box = card_box(photo, (src.shape[1], src.shape[0]))
    image = photo.image
    if condition == "glare":
        image = add_glare(image, box, rng)
    elif condition == "fingers":
        image = add_fingers(image, box, rng)
    elif condition == "sent":
        f = SENT_SIDE / max(image.shape[:2])
        if f < 1.0:
            image = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
            box = tuple(int(round(v * f)) for v in box)
        return Capture(image, condition, box, photo, SENT_QUALITY)
    return Capture(image, condition, box, photo)
