"""What a card is printed with besides its words, how its words are fitted, and how a desk
photographs it.

The grounds, emblem, portrait, QR code, fingerprint boxes, signature and seal of the card
layouts in :mod:`bench.synth.cards`, and the capture: a card laid on a desk and photographed
with a phone (perspective, uneven light, blur, JPEG), an old laminated card with the glare of
its plastic. The QR code is a real one (OpenCV's encoder) holding the payload a chip card's
code holds, so a decoder can be tested on it; the machine-readable zone carries valid ICAO 9303
check digits.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from . import names as nm
from .canvas import Canvas, nfc

DARK = (20, 20, 30)
SANS = "Liberation Sans"


TYPEWRITER = "Liberation Mono"
"""The typewriter face of values typed in (the old card's, an office's form)."""


def typewritten(text: str, family: str) -> str:
    """``text`` as the glyphs to draw in ``family``: a typewriter's zero is a plain oval,
    which the typewriter face draws as its capital O (its own zero is dotted, as no
    typewriter's was)."""
    return text.replace("0", "O") if family == TYPEWRITER else text


@dataclass(frozen=True)
class FillIn:
    """How a card's values were printed into its preprinted form: the office printer's
    offset from the form's labels (``dx``, ``dy`` in mm), its face, weight and ink, and the
    form's own ink. The default prints values with the form, as a card printer does."""

    dx: float = 0.0
    dy: float = 0.0
    family: str = SANS
    style: str = "bold"
    ink: tuple[int, int, int] = (0, 0, 0)
    label_ink: tuple[int, int, int] = (0, 0, 0)

    @classmethod
    def office(cls, rng: random.Random) -> FillIn:
        """Four cards in ten printed with their form; the others filled in by an office
        printer: shifted up to 1.6 mm right and 0.9 mm up or down, in a sans, serif or
        typewriter face, on a form printed in dark blue."""
        if rng.random() < 0.4:
            return cls()
        grey = rng.randint(10, 45)
        return cls(
            dx=rng.uniform(-0.3, 1.6),
            dy=rng.uniform(-0.9, 0.7),
            family=rng.choice([SANS, "Liberation Serif", TYPEWRITER]),
            style=rng.choice(["bold", "regular"]),
            ink=(grey, grey, grey + 10),
            label_ink=(25, 45, 115),
        )


def filled_in(c: Canvas, x: float, y: float, value: str, size: float, fill: FillIn) -> float:
    """``value`` alone printed into the form at (``x``, ``y``) as ``fill`` has it (its offset
    already in ``x`` and ``y``); one line of the card's truth; returns its width in mm."""
    shown = typewritten(value, fill.family)
    width = c.text(x, y, shown, size, fill.style, fill=fill.ink, family=fill.family, record=False)
    c.lines.append(nfc(value))
    return width


def label_value(
    c: Canvas,
    x: float,
    y: float,
    label: str,
    value: str,
    size: float,
    fill: FillIn,
    value_size: float | None = None,
    record: bool = True,
) -> float:
    """``label`` printed with the form at ``y`` and ``value`` printed into it after the label
    as ``fill`` has it; one line of the card's truth; returns the width in mm."""
    width = c.text(x, y, label, size, fill=fill.label_ink, family=SANS, record=False)
    width += fill.dx + c.text(
        x + width + fill.dx,
        y + fill.dy,
        typewritten(value, fill.family),
        value_size or size,
        fill.style,
        fill=fill.ink,
        family=fill.family,
        record=False,
    )
    if record:
        c.lines.append(nfc(label + value))
    return width


def split_line(c: Canvas, text: str, size: float, room: float, fam: str = SANS) -> tuple[str, str]:
    """First words that fit in `room` mm after a label, and the rest."""
    words, head = text.split(" "), ""
    for i, word in enumerate(words):
        trial = f"{head} {word}".strip()
        if c.width(trial, size, "bold", fam) > room:
            return head, " ".join(words[i:])
        head = trial
    return head, ""


def fit_size(c: Canvas, text: str, size: float, room: float, fam: str = SANS) -> float:
    """Largest size not above `size` at which `text` fits in `room` mm (cards have no wrap)."""
    while size > 4.5 and c.width(text, size, "bold", fam) > room:
        size -= 0.2
    return size


def ground(c: Canvas, rng: random.Random, tint: tuple[int, int, int], guilloche: float = 1.0):
    """Pale gradient with fine guilloche waves and rounded corners; ``guilloche`` > 1 draws
    the denser, darker rosettes of the old card's security print."""
    w, h = c.image.size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xx / w * 0.6 + yy / h * 0.4)[..., None]
    base = np.array(tint, np.float32) * (1 - t) + np.array([250, 246, 232], np.float32) * t
    phase = rng.uniform(0, 6.28)
    wave = np.sin(xx / w * 40 * guilloche + 3 * np.sin(yy / h * 9 + phase)) * np.sin(yy / h * 55)
    base -= (wave[..., None] > 1.0 - 0.07 * guilloche) * 14.0 * guilloche
    if guilloche > 1.0:
        cx, cy = w * rng.uniform(0.55, 0.75), h * rng.uniform(0.4, 0.6)
        r = np.hypot(xx - cx, yy - cy) / h
        rosette = np.sin(r * 90 + 6 * np.sin(np.arctan2(yy - cy, xx - cx) * 8))
        base -= (rosette[..., None] > 0.9) * np.array([18, 10, 4], np.float32)
    img = Image.fromarray(base.clip(0, 255).astype(np.uint8), "RGB")
    c.image.paste(img)
    r = int(c.mm(3.0))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, w - 1, h - 1], r, fill=255)
    c.image.paste((255, 255, 255), (0, 0), Image.eval(mask, lambda v: 255 - v))
    c.draw.rounded_rectangle([0, 0, w - 1, h - 1], r, outline=(150, 150, 150), width=2)


def emblem(c: Canvas, x: float, y: float, r: float) -> None:
    """The national emblem, simplified: gold ring, red disc, yellow star."""
    cx, cy, rp = c.mm(x), c.mm(y), c.mm(r)
    c.draw.ellipse([cx - rp, cy - rp, cx + rp, cy + rp], fill=(212, 170, 40))
    rr = rp * 0.8
    c.draw.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=(205, 35, 35))
    pts = [
        (
            cx + (rr * (0.55 if k % 2 == 0 else 0.22)) * math.cos(-math.pi / 2 + k * math.pi / 5),
            cy + (rr * (0.55 if k % 2 == 0 else 0.22)) * math.sin(-math.pi / 2 + k * math.pi / 5),
        )
        for k in range(10)
    ]
    c.draw.polygon(pts, fill=(250, 220, 40))


def portrait(c: Canvas, x: float, y: float, w: float, h: float, rng: random.Random) -> None:
    """Portrait placeholder: light ground and a grey head-and-shoulders silhouette."""
    x0, y0, x1, y1 = c.mm(x), c.mm(y), c.mm(x + w), c.mm(y + h)
    c.draw.rectangle([x0, y0, x1, y1], fill=(226, 232, 240))
    shade = rng.randint(70, 110)
    cx, pw, ph = (x0 + x1) / 2, x1 - x0, y1 - y0
    c.draw.ellipse(
        [cx - pw * 0.22, y0 + ph * 0.15, cx + pw * 0.22, y0 + ph * 0.58], fill=(shade, shade, shade)
    )
    c.draw.chord(
        [x0 + pw * 0.05, y0 + ph * 0.6, x1 - pw * 0.05, y1 + ph * 0.45],
        180,
        360,
        fill=(shade - 30, shade - 30, shade - 20),
    )


def qr_code(c: Canvas, x: float, y: float, size: float, payload: str) -> None:
    """A real QR code of ``payload`` (UTF-8, byte mode) filling a ``size`` mm square."""
    modules = cv2.QRCodeEncoder.create().encode(payload)  # 255 light, 0 dark, quiet zone
    side = round(c.mm(size))
    img = Image.fromarray(modules).resize((side, side), Image.Resampling.NEAREST).convert("RGB")
    img = Image.eval(img, lambda v: 255 if v > 127 else DARK[0])
    c.image.paste(img, (round(c.mm(x)), round(c.mm(y))))


def fingerprint_box(c: Canvas, x: float, y: float, w: float, h: float, rng: random.Random):
    """A rounded box with a fingerprint's ridges: concentric, wavy, grey."""
    x0, y0, x1, y1 = c.mm(x), c.mm(y), c.mm(x + w), c.mm(y + h)
    c.draw.rounded_rectangle([x0, y0, x1, y1], 8, outline=(90, 90, 90), width=2)
    cx, cy = (x0 + x1) / 2, y0 + (y1 - y0) * 0.5
    step = c.mm(0.45)
    for k in range(1, 14):
        rx, ry = k * step * 0.8, k * step
        wob = rng.uniform(-0.3, 0.3) * step
        box = [cx - rx + wob, cy - ry, cx + rx + wob, cy + ry]
        if box[0] > x0 + 4 and box[1] > y0 + 4 and box[2] < x1 - 4 and box[3] < y1 - 4:
            c.draw.arc(box, rng.uniform(0, 40), rng.uniform(300, 360), fill=(110, 110, 115))


def signature_and_seal(c: Canvas, x: float, y: float, rng: random.Random) -> None:
    """A pen scribble and a red round seal partly over it, centred at (x, y) mm."""
    cx, cy = c.mm(x), c.mm(y)
    r = c.mm(rng.uniform(5.0, 6.0))
    seal = Image.new("RGB", c.image.size, (255, 255, 255))
    d = ImageDraw.Draw(seal)
    sx = cx - c.mm(rng.uniform(3, 6))
    d.ellipse([sx - r, cy - r, sx + r, cy + r], outline=(225, 70, 80), width=max(2, round(r / 12)))
    d.ellipse([sx - 0.7 * r, cy - 0.7 * r, sx + 0.7 * r, cy + 0.7 * r], outline=(225, 70, 80))
    d.regular_polygon((sx, cy, 0.25 * r), 5, fill=(225, 70, 80))
    c.image.paste(Image.fromarray(np.minimum(np.asarray(c.image), np.asarray(seal))))
    pts = []
    for k in range(40):
        t = k / 39
        pts.append(
            (
                cx - c.mm(6) + c.mm(12) * t,
                cy + c.mm(1.8) * math.sin(t * rng.uniform(9, 14)) + rng.uniform(-3, 3),
            )
        )
    c.draw.line(pts, fill=(30, 40, 120), width=max(2, round(c.mm(0.25))))


def dotted(c: Canvas, x0: float, x1: float, y: float) -> None:
    """The old card's dotted writing line: fine dots in the card's grey-blue print."""
    step, r = c.mm(0.9), max(1.0, c.pt(0.3))
    x, yy = c.mm(x0), c.mm(y) + r
    while x < c.mm(x1):
        c.draw.ellipse([x - r, yy - r, x + r, yy + r], fill=(70, 90, 110))
        x += step


def glare(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """The laminate's glare: a soft bright streak that washes the print out under it."""
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(-0.6, 0.6)
    cx, cy = w * rng.uniform(0.3, 0.7), h * rng.uniform(0.3, 0.7)
    d = ((xx - cx) * math.sin(a) - (yy - cy) * math.cos(a)) / h
    along = ((xx - cx) * math.cos(a) + (yy - cy) * math.sin(a)) / w
    streak = np.exp(-((d / rng.uniform(0.05, 0.09)) ** 2)) * np.exp(-((along / 0.45) ** 2))
    strength = rng.uniform(0.45, 0.65)
    out = image.astype(np.float32)
    out += (255.0 - out) * (strength * streak)[..., None]
    return out.clip(0, 255).astype(np.uint8)


def photograph(image: Image.Image, dpi: int, rng: random.Random, *, laminated: bool = False):
    """A phone photo of the card on a desk: JPEG bytes and the effective dpi.

    The card fills most of a 2000-2800 pixel frame, as a clerk holds the phone over it; the
    desk's capture (perspective, light falling off, a colour cast, blur, noise, JPEG) is the
    one of :mod:`bench.synth.degrade`. A laminated card gets its glare before the camera.
    """
    from .degrade import degrade

    if laminated:
        bgr = cv2.cvtColor(np.asarray(image.convert("RGB")), cv2.COLOR_RGB2BGR)
        image = Image.fromarray(cv2.cvtColor(glare(bgr, rng), cv2.COLOR_BGR2RGB))
    shot = degrade(image, "photo", rng, dpi=dpi, rotation=0)
    ok, buf = cv2.imencode(".jpg", shot.image, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(80, 92)])
    assert ok
    return buf.tobytes(), shot.dpi


def check_digit(s: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1)."""
    val = {**{str(i): i for i in range(10)}, "<": 0}
    total = sum(
        (val.get(ch, ord(ch) - 55 if ch.isalpha() else 0)) * (7, 3, 1)[i % 3]
        for i, ch in enumerate(s)
    )
    return str(total % 10)


def old_id(rng: random.Random) -> str:
    """A 9-digit number of the old card (two digits of the issuing province first)."""
    return f"{rng.randint(1, 38):02d}" + "".join(str(rng.randint(0, 9)) for _ in range(7))


def qr_payload(person: nm.Person, old: str, issue: dt.date) -> str:
    """What a chip card's QR code holds: exact values, the name in title case."""
    dmy = lambda d: d.strftime("%d%m%Y")  # noqa: E731
    parts = [person.id_number, old, person.full_name, dmy(person.date_of_birth), person.sex]
    return "|".join([*parts, person.residence.short(), dmy(issue)])


def mrz_lines(person: nm.Person, expiry: dt.date | None) -> tuple[str, str, str]:
    """The three 30-character TD1 rows of a chip card, check digits computed (ICAO 9303)."""
    sex = "M" if person.sex == "Nam" else "F"
    doc = person.id_number[3:]
    l1 = f"IDVNM{doc}{check_digit(doc)}{person.id_number}".ljust(30, "<")
    born = person.date_of_birth.strftime("%y%m%d")
    exp_s = expiry.strftime("%y%m%d") if expiry else "<<<<<<"
    l2 = f"{born}{check_digit(born)}{sex}{exp_s}{check_digit(exp_s)}VNM".ljust(29, "<")
    l2 += check_digit(l1[5:30] + l2[:7] + l2[8:15] + l2[18:29])
    parts = nm.fold_ascii(person.full_name).upper().split()
    l3 = (parts[0] + "<<" + "<".join(parts[1:])).ljust(30, "<")[:30]
    return l1, l2, l3
