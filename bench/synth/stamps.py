"""Red round seals and handwritten signatures.

Seals cover part of the signature and the signer's position, as on real documents, which is
where OCR of signer names fails; they are drawn as ink layers multiplied onto the page.
"""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .canvas import FAMILIES

SEAL_RED = (205, 32, 38)
SIGN_INK = (25, 35, 120)


def _ink_layer(
    mask: Image.Image, colour: tuple[int, int, int], rng: random.Random, patchy: float
) -> Image.Image:
    """Turns a coverage mask into an RGB ink layer with uneven inking."""
    cov = np.asarray(mask, dtype=np.float32) / 255.0
    if patchy > 0:
        nrng = np.random.default_rng(rng.getrandbits(32))
        small = nrng.random((max(2, mask.height // 24), max(2, mask.width // 24)))
        blot = np.asarray(
            Image.fromarray((small * 255).astype(np.uint8)).resize(mask.size, Image.BICUBIC),
            dtype=np.float32,
        )
        cov *= 1.0 - patchy * blot / 255.0
    out = np.empty((mask.height, mask.width, 3), dtype=np.float32)
    for i, c in enumerate(colour):
        out[..., i] = 255.0 - cov * (255.0 - c)
    return Image.fromarray(out.clip(0, 255).astype(np.uint8), "RGB")


def seal(text: str, radius_px: int, rng: random.Random, centre: str = "") -> Image.Image:
    """A round organ seal: double ring, organ name around, star in the middle."""
    size = 2 * radius_px + 4
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    ring = max(2, radius_px // 22)
    draw.ellipse(
        [c - radius_px, c - radius_px, c + radius_px, c + radius_px], outline=255, width=ring
    )
    inner = radius_px * 0.66
    draw.ellipse([c - inner, c - inner, c + inner, c + inner], outline=255, width=max(1, ring // 2))
    # Star in the centre.
    r_out, r_in = radius_px * 0.2, radius_px * 0.08
    pts = []
    for k in range(10):
        r = r_out if k % 2 == 0 else r_in
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((c + r * math.cos(a), c + r * math.sin(a) - (radius_px * 0.12 if centre else 0)))
    draw.polygon(pts, fill=255)
    if centre:
        f = ImageFont.truetype(FAMILIES["DejaVu Sans"]["bold"], max(8, int(radius_px * 0.14)))
        draw.text((c, c + radius_px * 0.22), centre, font=f, fill=255, anchor="mm")
    # Organ name around the ring, clockwise from the lower left.
    font = ImageFont.truetype(FAMILIES["DejaVu Sans"]["bold"], max(8, int(radius_px * 0.17)))
    r_text = (radius_px + inner) / 2
    chars = list(text)
    span = min(math.radians(300), len(chars) * font.size * 0.85 / r_text)
    start = math.radians(270) - span / 2  # centred on the top, clockwise in image coords
    for i, ch in enumerate(chars):
        a = start + span * (i + 0.5) / len(chars)
        x, y = c + r_text * math.cos(a), c + r_text * math.sin(a)
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size, font.size), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        mask.paste(255, (int(x - font.size), int(y - font.size)), glyph)
    mask = mask.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC)
    mask = mask.filter(ImageFilter.GaussianBlur(0.6))
    return _ink_layer(mask, SEAL_RED, rng, patchy=rng.uniform(0.15, 0.45))


def signature(width_px: int, height_px: int, rng: random.Random) -> Image.Image:
    """A fluent pen scribble: a few loops and a final stroke."""
    mask = Image.new("L", (width_px, height_px), 0)
    draw = ImageDraw.Draw(mask)
    n = 160
    loops = rng.uniform(2.5, 5.0)
    amp = [rng.uniform(0.18, 0.35) for _ in range(3)]
    phase = [rng.uniform(0, 2 * math.pi) for _ in range(3)]
    pts = []
    for i in range(n):
        t = i / (n - 1)
        x = 0.08 + 0.8 * t + 0.05 * math.sin(2 * math.pi * loops * t + phase[0])
        y = 0.5 + amp[0] * math.sin(2 * math.pi * loops * t + phase[1])
        y += amp[1] * 0.5 * math.sin(2 * math.pi * 1.3 * t + phase[2]) - 0.1 * t
        pts.append((x * width_px, y * height_px))
    w = max(2, height_px // 30)
    draw.line(pts, fill=255, width=w, joint="curve")
    y0 = rng.uniform(0.55, 0.8) * height_px
    draw.line(
        [(0.15 * width_px, y0), (0.95 * width_px, y0 - rng.uniform(0, 0.2) * height_px)],
        fill=255,
        width=w,
    )
    return _ink_layer(mask.filter(ImageFilter.GaussianBlur(0.5)), SIGN_INK, rng, patchy=0.1)
