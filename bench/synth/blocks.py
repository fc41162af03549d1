"""Layout blocks shared by document types: national title, organ block, signer with seal.

They follow the Decree 30 presentation rules (fonts in capitals and bold where the decree
says so, underline rules under the motto and organ), which is what classifiers key on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .canvas import Canvas
from .stamps import seal, signature

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class Style:
    """Per-page typographic choices, drawn once so a page is internally consistent."""

    body: float
    header: float
    title: float
    left: float
    right: float
    leading: float

    @classmethod
    def random(cls, rng: random.Random) -> Style:
        """Body 12-14 pt; Decree 30 margins (left 30-35 mm, right 15-20 mm) with jitter."""
        body = rng.choice([12.0, 13.0, 13.0, 14.0, 14.0])
        return cls(
            body=body,
            header=rng.choice([12.0, 12.5, 13.0]) if body > 12 else 12.0,
            title=body + rng.choice([0.0, 1.0, 2.0]),
            left=rng.uniform(25.0, 33.0),
            right=210.0 - rng.uniform(15.0, 20.0),
            leading=rng.uniform(1.25, 1.45),
        )

    def step(self, size: float | None = None) -> float:
        """Baseline-to-baseline distance in mm for `size` points."""
        return (size or self.body) * self.leading * 25.4 / 72

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def national_header(c: Canvas, x: float, y: float, st: Style, rule: bool = True) -> float:
    """National title and motto centred on x; returns the baseline below the motto rule."""
    c.text(x, y, NATIONAL_TITLE, st.header, "bold", "center")
    y += st.step(st.header)
    w = c.text(x, y, MOTTO, st.header + 1, "bold", "center")
    if rule:
        c.line(x - w / 2, y + 1.6, x + w / 2, y + 1.6, 0.7)
    return y + st.step(st.header) + 1.0


def organ_block(
    c: Canvas,
    x: float,
    y: float,
    st: Style,
    parent: str | None,
    organ: list[str],
    max_mm: float = 78.0,
) -> float:
    """Parent organ (regular), issuing organ (bold) and a short rule, centred on x."""
    if parent:
        for line in c.wrap(parent, st.header, max_mm):
            c.text(x, y, line, st.header, "regular", "center")
            y += st.step(st.header)
    last = 0.0
    for part in organ:
        for line in c.wrap(part, st.header, max_mm, "bold"):
            last = c.text(x, y, line, st.header, "bold", "center")
            y += st.step(st.header)
    rule = max(15.0, last * 0.45)
    c.line(
        x - rule / 2, y - st.step(st.header) + 1.8, x + rule / 2, y - st.step(st.header) + 1.8, 0.7
    )
    return y + 2.0


def prefixed(
    c: Canvas,
    x: float,
    y: float,
    width: float,
    prefix: str,
    text: str,
    st: Style,
    indent: float = 10.0,
    prefix_style: str = "bold",
    style: str = "regular",
    size: float | None = None,
) -> float:
    """A paragraph that starts with a styled prefix ("Điều 1.", "Kính gửi:", labels)."""
    size = size or st.body
    lead = c.width(prefix + " ", size, prefix_style)
    lines = c.wrap(text, size, width, style, first_indent_mm=indent + lead)
    if not lines:
        c.text(x + indent, y, prefix, size, prefix_style)
        return y + st.step(size)
    c.runs(x + indent, y, [(prefix + " ", prefix_style), (lines[0], style)], size)
    y += st.step(size)
    for line in lines[1:]:
        c.text(x, y, line, size, style)
        y += st.step(size)
    return y


def recipients(c: Canvas, x: float, y: float, items: list[str], st: Style) -> float:
    """The "Nơi nhận:" list at the bottom left (bold italic 12 pt, items 11 pt)."""
    c.text(x, y, "Nơi nhận:", 12, "bolditalic")
    y += st.step(12)
    for item in items:
        c.text(x, y, item, 11)
        y += st.step(11) * 0.9
    return y


def signer_block(
    c: Canvas,
    x: float,
    y: float,
    st: Style,
    rng: random.Random,
    titles: list[str],
    name: str,
    seal_text: str | None,
    note: str | None = None,
) -> float:
    """Signing authority, position, signature with the seal over it, signer's name."""
    size = st.body
    for t in titles:
        c.text(x, y, t, size, "bold", "center")
        y += st.step(size)
    if note:
        c.text(x, y, note, size - 1, "italic", "center")
        y += st.step(size)
    gap = rng.uniform(24.0, 30.0)
    sig_w, sig_h = c.mm(rng.uniform(32, 45)), c.mm(rng.uniform(13, 18))
    sx = c.mm(x) - sig_w / 2 + c.mm(rng.uniform(-4, 6))
    sy = c.mm(y + gap / 2) - sig_h / 2
    c.stamp(signature(int(sig_w), int(sig_h), rng), sx, sy)
    if seal_text:
        radius = int(c.mm(rng.uniform(17.0, 20.0)))
        s = seal(seal_text, radius, rng)
        cx = sx + sig_w * rng.uniform(0.0, 0.3)
        cy = c.mm(y + gap / 2 - rng.uniform(0, 6))
        c.stamp(s, cx - s.width / 2, cy - s.height / 2)
    y += gap + st.step(size) * 0.6
    c.text(x, y, name, size + 0.5, "bold", "center")
    return y + st.step(size)


def place_date(c: Canvas, x: float, y: float, st: Style, place: str, date_text: str) -> None:
    """Italic place-and-date line centred on x."""
    c.text(x, y, f"{place}, {date_text}", st.body, "italic", "center")
