"""PDF writers for synthetic documents: born-digital (real text layer) and image-only scans.

Dossiers arrive both ways: agencies send born-digital PDFs whose text must be taken from
the text layer as is, and desks upload scans wrapped in PDF whose pages are only JPEGs.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

import numpy as np
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from .render import SynthPage

PT_PER_MM = 72 / 25.4


def _font_name(path: str) -> str:
    """Registers a TrueType font once (embedded and subset by reportlab)."""
    name = os.path.splitext(os.path.basename(path))[0]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    return name


def _ink_to_rgba(layer: Image.Image) -> Image.Image:
    """An ink layer meant to be multiplied (white = no ink) as colour plus alpha."""
    a = np.asarray(layer.convert("RGB"), np.float32)
    alpha = (255.0 - a.min(axis=2)) / 255.0
    safe = np.maximum(alpha, 1e-3)[..., None]
    colour = 255.0 - (255.0 - a) / safe
    rgba = np.dstack([colour.clip(0, 255), alpha * 255.0]).astype(np.uint8)
    return Image.fromarray(rgba, "RGBA")


def draw_page(c: rl_canvas.Canvas, page: SynthPage, height: float) -> None:
    """Replays the page's drawing operations on the canvas's current page (``height`` in pt)."""
    k = 72.0 / page.dpi
    for op in page.ops:
        if op.kind == "text":
            c.setFont(_font_name(op.font_path), op.size_px * k)
            c.setFillColorRGB(*(v / 255 for v in op.fill))
            c.drawString(op.x * k, height - op.y * k, op.text)
        elif op.kind == "line":
            c.setStrokeColorRGB(*(v / 255 for v in op.fill))
            c.setLineWidth(op.width * k)
            c.line(op.x * k, height - op.y * k, op.x1 * k, height - op.y1 * k)
        elif op.kind == "image" and op.image is not None:
            img = _ink_to_rgba(op.image) if op.text == "multiply" else op.image.convert("RGB")
            w, h = op.image.width * k, op.image.height * k
            c.drawImage(ImageReader(img), op.x * k, height - op.y * k - h, w, h, mask="auto")


def write_born_digital(page: SynthPage, path: str, title: str | None = None) -> None:
    """Replays the page's drawing operations as vector PDF text with embedded fonts."""
    width, height = page.size_mm[0] * PT_PER_MM, page.size_mm[1] * PT_PER_MM
    c = rl_canvas.Canvas(path, pagesize=(width, height), invariant=1)
    if title:
        c.setTitle(title)
    draw_page(c, page, height)
    c.showPage()
    c.save()


def write_image_pdf(pages: Sequence[tuple[Image.Image, int]], path: str, quality: int = 75) -> None:
    """Image-only PDF: each page one JPEG at its scan resolution, sized to the paper."""
    c = rl_canvas.Canvas(path, invariant=1)
    for image, dpi in pages:
        w, h = image.width * 72.0 / dpi, image.height * 72.0 / dpi
        c.setPageSize((w, h))
        buf = io.BytesIO()
        image.convert("RGB").save(buf, "JPEG", quality=quality, optimize=True)
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, w, h)
        c.showPage()
    c.save()
