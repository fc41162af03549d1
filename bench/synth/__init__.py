"""Synthetic Vietnamese administrative documents with known truth, and their bad captures.

`render_document` / `render_random` draw pages (fields, lines and word boxes included);
`degrade` turns them into office scans, poor photocopies or phone photos and records what it
did; `bench.synth.pdf` writes born-digital and image-only PDFs.
"""

from .degrade import PROFILES, Degraded, degrade
from .render import DOC_TYPES, KINDS, NEGATIVE_KINDS, SynthPage, render_document, render_random

__all__ = [
    "DOC_TYPES",
    "KINDS",
    "NEGATIVE_KINDS",
    "PROFILES",
    "Degraded",
    "SynthPage",
    "degrade",
    "render_document",
    "render_random",
]
