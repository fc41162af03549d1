"""Scanner, photocopier and phone-camera damage applied to rendered pages.

Accuracy on clean renders says little: desks photograph ID cards with phones and archives
hold poor photocopies, rotated pages and yellowed paper. Each profile reproduces one of those
captures, keeps the text readable to a person, and records every parameter (rotation, skew,
effective dpi, the page-to-image transform) so a benchmark can score orientation detection,
deskew and word boxes against the truth.

Conventions: `rotation` is the counter-clockwise quarter turn (0, 90, 180, 270) applied to the
page content; turning the image clockwise by `rotation` makes it upright again. `skew_deg` is
the further small counter-clockwise tilt of the text lines (image y axis pointing down).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image

from .render import SynthPage

PROFILES: tuple[str, ...] = ("clean", "office", "poor", "photo")
#: Default chance of a 90/180/270 turn per profile (overridable per call).
ROTATE_PROB: dict[str, float] = {"clean": 0.0, "office": 0.05, "poor": 0.3, "photo": 0.0}


@dataclass
class Degraded:
    """A damaged capture of a page: BGR uint8 image, effective dpi, what was applied."""

    image: np.ndarray
    dpi: int
    params: dict[str, Any]
    transform: np.ndarray = field(repr=False)

    def to_pil(self) -> Image.Image:
        """RGB PIL image (greyscale captures stay 3-channel; convert("L") if wanted)."""
        return Image.fromarray(cv2.cvtColor(self.image, cv2.COLOR_BGR2RGB))

    def map_box(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """Axis-aligned box in this image of a box in the rendered page (word truth)."""
        x0, y0, x1, y1 = box
        pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], np.float64)
        out = pts @ self.transform.T
        out = out[:, :2] / out[:, 2:3]
        return (
            int(out[:, 0].min()),
            int(out[:, 1].min()),
            int(out[:, 0].max()),
            int(out[:, 1].max()),
        )


def _scale(s: float) -> np.ndarray:
    return np.array([[s, 0, 0], [0, s, 0], [0, 0, 1]], np.float64)


def _rot90(img: np.ndarray, rotation: int) -> tuple[np.ndarray, np.ndarray]:
    """Counter-clockwise quarter turns with the matching point transform."""
    h, w = img.shape[:2]
    m = np.eye(3)
    for _ in range(rotation // 90):
        m = np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], np.float64) @ m
        w, h = h, w
    return np.ascontiguousarray(np.rot90(img, rotation // 90)), m


def _resize(img: np.ndarray, s: float) -> np.ndarray:
    if abs(s - 1.0) < 1e-6:
        return img
    size = (max(1, round(img.shape[1] * s)), max(1, round(img.shape[0] * s)))
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)


def _field(nrng: np.random.Generator, shape: tuple[int, int], cells: int = 6) -> np.ndarray:
    """Smooth random field in [0, 1]: low-frequency noise for stains and lighting."""
    small = nrng.random((cells, cells)).astype(np.float32)
    f = cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)
    f -= f.min()
    return f / max(float(f.max()), 1e-6)


def _lighting(
    nrng: np.random.Generator, rng: random.Random, shape: tuple[int, int], darkest: float
) -> np.ndarray:
    """Multiplicative light: a linear gradient, a soft blob; values in [darkest, 1]."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(0, 2 * math.pi)
    lin = (xx / w - 0.5) * math.cos(a) + (yy / h - 0.5) * math.sin(a)
    lin = (lin - lin.min()) / max(float(lin.max() - lin.min()), 1e-6)
    shade = 0.65 * lin + 0.35 * _field(nrng, shape, 4)
    shade = (shade - shade.min()) / max(float(shade.max() - shade.min()), 1e-6)
    return 1.0 - (1.0 - darkest) * shade


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def _source(page: SynthPage | Image.Image, dpi: int | None) -> tuple[np.ndarray, int]:
    if isinstance(page, SynthPage):
        return cv2.cvtColor(np.asarray(page.image.convert("RGB")), cv2.COLOR_RGB2BGR), page.dpi
    if dpi is None:
        raise ValueError("dpi is required when degrading a bare image")
    return cv2.cvtColor(np.asarray(page.convert("RGB")), cv2.COLOR_RGB2BGR), dpi


def degrade(
    page: SynthPage | Image.Image,
    profile: str,
    rng: random.Random,
    *,
    dpi: int | None = None,
    rotation: int | None = None,
    rotate_prob: float | None = None,
    target_dpi: int | None = None,
) -> Degraded:
    """Applies `profile` ("clean", "office", "poor", "photo") to a rendered page.

    `rotation` forces a quarter turn; otherwise one is drawn with `rotate_prob` (default
    from ROTATE_PROB). `target_dpi` fixes the output resolution of the scan profiles (office
    300, poor 150-200 by default). Deterministic for the state of `rng`.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {PROFILES}")
    src, src_dpi = _source(page, dpi)
    if rotation is None:
        prob = ROTATE_PROB[profile] if rotate_prob is None else rotate_prob
        rotation = rng.choice([90, 180, 270]) if rng.random() < prob else 0
    if rotation % 90:
        raise ValueError("rotation must be a multiple of 90")
    rotation %= 360
    nrng = np.random.default_rng(rng.getrandbits(63))
    if profile == "photo":
        return _photo(src, src_dpi, rotation, rng, nrng)
    return _scan(src, src_dpi, profile, rotation, rng, nrng, target_dpi)


def _scan(
    src: np.ndarray,
    src_dpi: int,
    profile: str,
    rotation: int,
    rng: random.Random,
    nrng: np.random.Generator,
    target_dpi: int | None = None,
) -> Degraded:
    """Flatbed scan or photocopy: rescale, quarter turn, skew, then sensor and toner effects."""
    params: dict[str, Any] = {"profile": profile, "rotation": rotation}
    if profile == "clean":
        out_dpi, skew = src_dpi, 0.0
    elif profile == "office":
        out_dpi, skew = 300, rng.uniform(-1.0, 1.0)
    else:
        out_dpi, skew = rng.choice([150, 200, 200]), rng.uniform(-5.0, 5.0)
    out_dpi = target_dpi or out_dpi
    s = out_dpi / src_dpi
    img = _resize(src, s)
    img, r90 = _rot90(img, rotation)
    h, w = img.shape[:2]
    lid = (255, 255, 255) if profile != "poor" else (int(rng.uniform(25, 70)),) * 3
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    if skew:
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=lid)
    transform = np.vstack([m, [0, 0, 1]]) @ r90 @ _scale(s)
    params.update(skew_deg=round(skew, 3), dpi=out_dpi)
    f = img.astype(np.float32)
    if profile == "office":
        tint = [rng.uniform(228, 246)] * 3
        tint[0] -= rng.uniform(0, 8)  # a little warm (less blue), as aged paper scans
        f *= np.array(tint, np.float32) / 255.0
        sigma = rng.uniform(1.5, 4.0)
        f += nrng.normal(0, sigma, f.shape).astype(np.float32)
        blur = rng.choice([0.0, 0.0, 0.4, 0.6])
        params.update(tint=[round(t) for t in tint], noise_sigma=round(sigma, 2), blur_sigma=blur)
    elif profile == "poor":
        f = _photocopy(f, params, rng, nrng)
    if params.get("blur_sigma"):
        f = cv2.GaussianBlur(f, (0, 0), params["blur_sigma"])
    img = f.clip(0, 255).astype(np.uint8)
    quality = None
    if profile == "office" and rng.random() < 0.6:
        quality = rng.randint(85, 93)
    elif profile == "poor":
        quality = rng.randint(70, 85)
    if quality:
        img = _jpeg(img, quality)
    params["jpeg_quality"] = quality
    params["transform"] = np.round(transform, 6).tolist()
    return Degraded(img, out_dpi, params, transform)


def _photocopy(
    f: np.ndarray, params: dict[str, Any], rng: random.Random, nrng: np.random.Generator
) -> np.ndarray:
    """Grey, low contrast, uneven exposure, toner speckle, lid borders, soft focus."""
    h, w = f.shape[:2]
    g = cv2.cvtColor(f, cv2.COLOR_BGR2GRAY)
    lo, hi = rng.uniform(35, 85), rng.uniform(200, 238)
    g = lo + (hi - lo) * g / 255.0
    darkest = rng.uniform(0.5, 0.78)
    g *= _lighting(nrng, rng, (h, w), darkest)
    # Toner speckle: small dark dots, denser in a few areas.
    density = rng.uniform(0.00004, 0.00025)
    n = int(density * h * w)
    weight = _field(nrng, (h, w), 5).ravel() + 0.2
    idx = nrng.choice(h * w, size=n, p=weight / weight.sum())
    speck = np.zeros((h, w), np.uint8)
    for i, r in zip(idx, nrng.integers(1, 3, n), strict=True):
        cv2.circle(speck, (int(i % w), int(i // w)), int(r), 255, -1)
    g = np.where(speck > 0, np.minimum(g, lo + nrng.uniform(0, 40, (h, w))), g)
    # Copier lid: dark bands along some edges with a ragged inner border.
    edges = rng.sample(["top", "bottom", "left", "right"], rng.randint(1, 3))
    borders = {}
    for edge in edges:
        along = w if edge in ("top", "bottom") else h
        depth = (h if edge in ("top", "bottom") else w) * rng.uniform(0.008, 0.04)
        ragged = depth * (
            0.7 + 0.6 * cv2.resize(nrng.random((1, 12)).astype(np.float32), (along, 1))[0]
        )
        dark = rng.uniform(20, 60)
        d = np.arange(h if edge in ("top", "bottom") else w, dtype=np.float32)
        if edge in ("bottom", "right"):
            d = d[::-1]
        mask = (d[:, None] < ragged[None, :]).astype(np.float32)
        mask = cv2.GaussianBlur(mask, (0, 0), 2.0)
        if edge in ("left", "right"):
            mask = mask.T
        g = g * (1 - mask) + (dark + nrng.normal(0, 6, (h, w))) * mask
        borders[edge] = round(float(depth), 1)
    noise = rng.uniform(3.0, 7.0)
    g += nrng.normal(0, noise, g.shape).astype(np.float32)
    blur = rng.uniform(0.4, 0.8)
    params.update(
        grey=True,
        contrast=[round(lo), round(hi)],
        lighting_min=round(darkest, 3),
        speckles=n,
        borders=borders,
        noise_sigma=round(noise, 2),
        blur_sigma=round(blur, 2),
    )
    return cv2.cvtColor(g.clip(0, 255).astype(np.float32), cv2.COLOR_GRAY2BGR)


def _photo(
    src: np.ndarray,
    src_dpi: int,
    rotation: int,
    rng: random.Random,
    nrng: np.random.Generator,
    *,
    desk_colours: Sequence[tuple[int, int, int]] | None = None,
    frame_fraction: tuple[float, float] | None = None,
) -> Degraded:
    """Phone photo: the page as a perspective quad on a desk, shadowed, blurred, JPEG.

    ``desk_colours`` are the BGR surfaces one is drawn from (default: dark wood and greys);
    ``frame_fraction`` is the range of the page's share of the frame (default 0.7 to 0.9).
    Either changes values drawn, never the sequence of draws, so the rest of the capture is
    the one the defaults give for the same ``rng``.
    """
    if desk_colours is None:
        desk_colours = [(45, 75, 110), (60, 60, 62), (35, 50, 70), (90, 95, 100)]
    lo, hi = frame_fraction if frame_fraction is not None else (0.7, 0.9)
    img, r90 = _rot90(src, rotation)
    ph, pw = img.shape[:2]
    long_side = rng.randint(2000, 2800)
    short_side = round(long_side * 3 / 4)
    fw, fh = (short_side, long_side) if ph >= pw else (long_side, short_side)
    frac = rng.uniform(lo, hi)
    s = min(fw * frac / pw, fh * frac / ph)
    pre = min(1.0, s * 1.15)
    img = _resize(img, pre)
    tw, th = pw * s, ph * s
    cx = fw / 2 + rng.uniform(-0.5, 0.5) * (fw - tw) * 0.8
    cy = fh / 2 + rng.uniform(-0.5, 0.5) * (fh - th) * 0.8
    tilt = math.radians(rng.uniform(-6.0, 6.0))
    corners = []
    for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = dx * tw / 2, dy * th / 2
        x += rng.uniform(-0.05, 0.05) * tw
        y += rng.uniform(-0.04, 0.04) * th
        corners.append(
            (
                cx + x * math.cos(tilt) + y * math.sin(tilt),
                cy - x * math.sin(tilt) + y * math.cos(tilt),
            )
        )
    quad = np.array(corners, np.float32)
    # Keep the whole page in frame: shrink about the centre if needed, then shift inside.
    span = quad.max(axis=0) - quad.min(axis=0)
    shrink = min(1.0, (fw - 8) / float(span[0]), (fh - 8) / float(span[1]))
    quad = (quad - quad.mean(axis=0)) * shrink + quad.mean(axis=0)
    quad += np.maximum(0, 4 - quad.min(axis=0)) - np.maximum(0, quad.max(axis=0) - [fw - 5, fh - 5])
    sh, sw = img.shape[:2]
    rect = np.array([[0, 0], [sw - 1, 0], [sw - 1, sh - 1], [0, sh - 1]], np.float32)
    hom = cv2.getPerspectiveTransform(rect, quad)
    warped = cv2.warpPerspective(img, hom, (fw, fh), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((sh, sw), 255, np.uint8), hom, (fw, fh))
    # Desk: a surface (by default dark wood or grey) with grain, and the page's soft drop shadow.
    desk = np.array(rng.choice(desk_colours), np.float32) * rng.uniform(0.8, 1.2)
    bg = np.ones((fh, fw, 3), np.float32) * desk
    grain = cv2.resize(nrng.random((fh // 8, 6)).astype(np.float32), (fw, fh))
    bg *= (0.8 + 0.4 * grain)[..., None]
    m = mask.astype(np.float32) / 255.0
    shadow = cv2.GaussianBlur(m, (0, 0), fw * 0.01)
    bg *= (1 - 0.5 * shadow)[..., None]
    f = warped.astype(np.float32) * m[..., None] + bg * (1 - m[..., None])
    # Light: vignetting and a soft shadow across part of the page.
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    r = np.sqrt(((xx - fw / 2) / fw) ** 2 + ((yy - fh / 2) / fh) ** 2)
    vignette = 1 - rng.uniform(0.15, 0.35) * (r / r.max()) ** 2
    darkest = rng.uniform(0.55, 0.8)
    light = vignette * _lighting(nrng, rng, (fh, fw), darkest)
    f *= light[..., None] * rng.uniform(0.92, 1.05)
    cast = [rng.uniform(0.85, 1.0), rng.uniform(0.95, 1.02), rng.uniform(1.0, 1.08)]
    if rng.random() < 0.35:
        cast = cast[::-1]  # cool daylight instead of warm indoor light
    f *= np.array(cast, np.float32)
    blur = rng.uniform(0.6, 1.5)
    f = cv2.GaussianBlur(f, (0, 0), blur)
    motion = 0
    if rng.random() < 0.3:
        motion = rng.randint(3, 6)
        k = np.zeros((motion, motion), np.float32)
        k[motion // 2, :] = 1.0 / motion
        rot = cv2.getRotationMatrix2D((motion / 2 - 0.5, motion / 2 - 0.5), rng.uniform(0, 180), 1)
        k = cv2.warpAffine(k, rot, (motion, motion))
        f = cv2.filter2D(f, -1, k / max(float(k.sum()), 1e-6))
    noise = rng.uniform(2.5, 6.0)
    f += nrng.normal(0, noise, f.shape).astype(np.float32)
    quality = rng.randint(72, 90)
    out = _jpeg(f.clip(0, 255).astype(np.uint8), quality)
    transform = hom @ _scale(pre) @ r90
    top = quad[1] - quad[0]
    width_px = (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    page_w_in = pw / src_dpi
    eff_dpi = int(round(width_px / page_w_in))
    params = {
        "profile": "photo",
        "rotation": rotation,
        "skew_deg": round(math.degrees(math.atan2(-float(top[1]), float(top[0]))), 3),
        "dpi": eff_dpi,
        "frame": [fw, fh],
        "page_fraction": round(frac, 3),
        "corners": np.round(quad, 1).tolist(),
        "lighting_min": round(darkest, 3),
        "colour_cast_bgr": [round(c, 3) for c in cast],
        "blur_sigma": round(blur, 2),
        "motion_blur_px": motion,
        "noise_sigma": round(noise, 2),
        "jpeg_quality": quality,
        "transform": np.round(transform, 6).tolist(),
    }
    return Degraded(out, eff_dpi, params, transform)
