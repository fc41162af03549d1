"""Page text from words: lines in reading order, NFC, single spaces.

Tesseract numbers blocks, paragraphs and lines in its reading order; a Decree 30 header's left
organ block and right national title come out as separate blocks, so keeping lines grouped by
block keeps them from being interleaved line by line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from digitize.models import Word

_SPACES = re.compile(r"[ \t\u00a0]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    return _SPACES.sub(" ", nfc(text)).strip()


def lines_of(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into lines, in the order the words came (block, paragraph, line)."""
    lines: list[list[Word]] = []
    key = None
    for w in words:
        k = (w.block, w.par, w.line)
        if k != key or not lines:
            lines.append([])
            key = k
        lines[-1].append(w)
    return lines


def page_text(words: Sequence[Word]) -> str:
    """The page as text: one line per text line, a blank line between blocks."""
    out: list[str] = []
    last_block = None
    for line in lines_of(words):
        block = line[0].block
        if last_block is not None and block != last_block:
            out.append("")
        out.append(clean_line(" ".join(w.text for w in line)))
        last_block = block
    return "\n".join(out).strip("\n")


def document_text(pages: Iterable[str]) -> str:
    """Pages joined by form feed, the usual page separator of plain-text OCR output."""
    return "\f".join(pages)
