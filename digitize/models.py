"""Small value types passed between the pipeline's stages.

Boxes are in pixels of the page image they were read from, origin top-left, as
``(left, top, width, height)``. Confidences are 0..1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from digitize.placement import SourceImage

SLOT_BLOCK = 9000
"""Block number of the words of a Decree 30 number or date row read again from its own crop
(:mod:`digitize.slots`). A classifier that finds a number or a day among them knows it was
written by hand (or stamped) and asks a clerk to confirm it."""


@dataclass(frozen=True, slots=True)
class Word:
    """One recognized word with its box and confidence."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    block: int = 0
    par: int = 0
    line: int = 0

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def scaled(self, factor: float) -> Word:
        """The same word with its box multiplied by ``factor`` (OCR image to page image)."""
        return Word(
            self.text,
            round(self.left * factor),
            round(self.top * factor),
            max(1, round(self.width * factor)),
            max(1, round(self.height * factor)),
            self.conf,
            self.block,
            self.par,
            self.line,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def confidence_mass(words: list[Word]) -> float:
    """Confidence mass of words longer than one character: how two readings of one page
    compare (it favours long, sure readings over scraps)."""
    return sum(w.conf for w in words if len(w.text) > 1)


def mean_confidence(words: list[Word]) -> float:
    """The mean word confidence of a reading (0 for none)."""
    return sum(w.conf for w in words) / len(words) if words else 0.0


@dataclass(slots=True)
class PageImage:
    """A page as it came out of intake: the pixels, their resolution and where they came from.

    ``image`` is ``uint8``, either 2-D (grey) or 3-D BGR (OpenCV's order). ``dpi`` is what the
    file said, or ``None`` when it said nothing believable. ``text_layer`` holds the words of a
    born-digital PDF page when that page has a usable text layer (then it is not OCRed).
    """

    index: int
    image: np.ndarray
    dpi: float | None
    bilevel: bool = False
    text_layer: list[Word] | None = None
    source: str = "image"
    pristine: bool = True
    """The pixels are exactly the file's own (no EXIF turn), so its bytes can be reused."""
    layer_check: dict[str, Any] | None = None
    """A PDF page's text-layer verdict (used or rejected, and why) for the record's quality."""
    source_image: SourceImage | None = None
    """The page's image as the file encodes it (a JPEG, a G4 strip, a scanned PDF's image), when
    it can be stored as it is; see :mod:`digitize.placement`."""


@dataclass(slots=True)
class PageResult:
    """What the pipeline keeps of one page after cleanup and OCR."""

    index: int
    width: int
    height: int
    dpi: float
    words: list[Word]
    text: str
    source: str  # "ocr" or "text_layer"
    quality: dict[str, Any] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    """Text payloads of the machine-readable codes on the page (a chip card's QR code)."""

    @property
    def mean_conf(self) -> float | None:
        confs = [w.conf for w in self.words if w.text.strip()]
        return sum(confs) / len(confs) if confs else None

    def words_json(self) -> dict[str, Any]:
        """The ``pages/<n>.words.json`` object."""
        return {
            "page": self.index + 1,
            "width": self.width,
            "height": self.height,
            "dpi": self.dpi,
            "source": self.source,
            "words": [w.to_dict() for w in self.words],
            "codes": list(self.codes),
        }
