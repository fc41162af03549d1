"""A page's thumbnail, and where on it each field was read.

The thumbnail is drawn from the stored searchable PDF (the page as kept, colour, after
cleanup), ``THUMB_HEIGHT`` pixels high. The boxes come from the page's stored words
(``pages/<n>.words.json``): a field's read value is looked for as a run of consecutive words,
and the run's boxes are joined per text line. The record keeps values, not positions, so this
is a search, not a lookup: a value that was rebuilt from several places (a date written with
words, a number re-read from a crop) may get no box, and then the field is simply listed
without one. Dates are also looked for as printed (``20/09/1992``, ``ngày 20 tháng 09 năm
1992``).
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections import OrderedDict
from typing import Any

from storage import Store

THUMB_HEIGHT = 1000
"""Height of a page thumbnail, in pixels."""

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_EDGE_PUNCT = ".,;:()[]\"'“”"


def render_thumbnail(pdf_bytes: bytes, n: int) -> bytes | None:
    """PNG of page ``n`` (from 1) of a PDF, ``THUMB_HEIGHT`` high; ``None`` if there is none."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        if not 1 <= n <= len(pdf):
            return None
        page = pdf[n - 1]
        _, height_pt = page.get_size()
        image = page.render(scale=THUMB_HEIGHT / height_pt).to_pil()
        out = io.BytesIO()
        image.convert("RGB").save(out, "PNG", optimize=False, compress_level=3)
        return out.getvalue()
    finally:
        pdf.close()


THUMB_CACHE_BYTES = 64 * 1024 * 1024
"""Thumbnails kept in memory per server process. A clerk pages through a document: each
thumbnail was drawn by downloading and opening the whole searchable PDF (a 200-page archive
scan, tens of megabytes, per page viewed); now the PDF is fetched once per version and each
page drawn once."""


class _Thumbnails:
    """Drawn thumbnails and the PDFs they come from, least recently used out first, each keyed
    by the stored object's version (ETag, size, time) so a document read again is drawn anew."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: tuple, data: bytes) -> None:
        if len(data) > self.budget // 2:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._size -= len(old) if old is not None else 0
            self._items[key] = data
            self._size += len(data)
            while self._size > self.budget:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


_cache = _Thumbnails(THUMB_CACHE_BYTES)


def thumbnail(store: Store, key: str, n: int) -> bytes | None:
    """Page ``n`` of the stored PDF ``key`` as a PNG thumbnail (see :func:`render_thumbnail`),
    drawn once per version of the PDF. Raises the store's ``NotFound`` when it is not stored."""
    info = store.stat(key)
    version = (store.describe(), key, info.etag, info.size, info.modified)
    png = _cache.get((*version, n))
    if png is not None:
        return png
    pdf = _cache.get(version)
    if pdf is None:
        pdf = store.get_bytes(key)
        _cache.put(version, pdf)
    png = render_thumbnail(pdf, n)
    if png is not None:
        _cache.put((*version, n), png)
    return png


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().strip(_EDGE_PUNCT)


def _spellings(value: str) -> list[list[str]]:
    """The token sequences a value may have been printed as."""
    out = [[_norm(t) for t in value.split() if _norm(t)]]
    m = _ISO_DATE.fullmatch(value.strip())
    if m:
        y, mo, d = m.groups()
        out += [
            [f"{d}/{mo}/{y}"],
            [f"{d}-{mo}-{y}"],
            [f"{d}.{mo}.{y}"],
            [d, "tháng", mo, "năm", y],
            [d.lstrip("0") or "0", "tháng", mo.lstrip("0") or "0", "năm", y],
        ]
    return [s for s in out if s]


def _same(word: str, token: str) -> bool:
    return (
        word == token or (len(token) >= 3 and token in word) or (len(word) >= 3 and word in token)
    )


def _best_run(words: list[str], tokens: list[str], labelled: list[bool]) -> tuple[int, int]:
    """(start, length) of the longest run of ``words`` matching ``tokens`` from its first.

    Of equally long runs, the first that follows a label (a word ending with a colon) wins:
    "Việt Nam" is the value after "Quốc tịch / Nationality:", not the national title's
    "VIỆT NAM" above it."""
    best, best_labelled = (0, 0), False
    for i, w in enumerate(words):
        if not _same(w, tokens[0]):
            continue
        k = 1
        while k < len(tokens) and i + k < len(words) and _same(words[i + k], tokens[k]):
            k += 1
        after_label = i > 0 and labelled[i - 1]
        if k > best[1] or (k == best[1] and after_label and not best_labelled):
            best, best_labelled = (i, k), after_label
    return best


def field_boxes(words: list[dict[str, Any]], value: str | None) -> list[list[int]]:
    """``[left, top, width, height]`` boxes (page pixels) where ``value`` reads, one per line."""
    if not value:
        return []
    texts = [_norm(str(w.get("text", ""))) for w in words]
    labelled = [str(w.get("text", "")).rstrip().endswith(":") for w in words]
    best: tuple[int, int, int] = (0, 0, 0)  # start, length, tokens wanted
    for tokens in _spellings(value):
        start, length = _best_run(texts, tokens, labelled)
        # Most of the value must be found, or the match is a coincidence (a common word).
        if length and length * 2 >= len(tokens) and length > best[1]:
            best = (start, length, len(tokens))
    start, length, _ = best
    lines: dict[tuple[Any, ...], list[int]] = {}
    for w in words[start : start + length]:
        key = (w.get("block"), w.get("par"), w.get("line"))
        left, top = int(w["left"]), int(w["top"])
        right, bottom = left + int(w["width"]), top + int(w["height"])
        box = lines.get(key)
        lines[key] = (
            [left, top, right, bottom]
            if box is None
            else [min(box[0], left), min(box[1], top), max(box[2], right), max(box[3], bottom)]
        )
    return [[b[0], b[1], b[2] - b[0], b[3] - b[1]] for b in lines.values()]


def page_layout(page_words: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """The thumbnail's size and, per field, its boxes in the thumbnail's pixels."""
    width, height = int(page_words.get("width") or 0), int(page_words.get("height") or 0)
    scale = THUMB_HEIGHT / height if height else 0.0
    words = [w for w in page_words.get("words") or [] if isinstance(w, dict)]
    fields: dict[str, Any] = {}
    for name, field in (record.get("fields") or {}).items():
        boxes = field_boxes(words, field.get("value"))
        fields[name] = {
            "value": field.get("value"),
            "needs_review": bool(field.get("needs_review")),
            "review_reasons": list(field.get("review_reasons") or []),
            "boxes": [[round(v * scale) for v in box] for box in boxes],
        }
    return {
        "page": int(page_words.get("page") or 0),
        "width": round(width * scale),
        "height": THUMB_HEIGHT if height else 0,
        "fields": fields,
    }
