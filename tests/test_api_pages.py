"""The page thumbnail: where a field is drawn on it (the value's words, after their label),
and its PDF fetched once per version while a clerk pages through."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from digitize.api.pages import field_boxes, thumbnail
from digitize.errors import NotFound
from storage import LocalStore


def word(text: str, left: int, top: int, line: int) -> dict:
    return {"text": text, "left": left, "top": top, "width": 20 * len(text), "height": 30,
            "block": 1, "par": 1, "line": line}  # fmt: skip


def card_words() -> list[dict]:
    rows = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Họ và tên / Full name: NGUYỄN VĂN AN",
        "Quốc tịch / Nationality: Việt Nam",
    ]
    out = []
    for n, row in enumerate(rows):
        x = 10
        for token in row.split():
            out.append(word(token, x, 10 + 50 * n, n + 1))
            x += 20 * len(token) + 10
    return out


def test_a_value_printed_twice_is_boxed_after_its_label():
    boxes = field_boxes(card_words(), "Việt Nam")
    assert len(boxes) == 1
    assert boxes[0][1] == 110  # the nationality line, not the national title's "VIỆT NAM"


def test_a_value_printed_once_is_boxed_where_it_is():
    boxes = field_boxes(card_words(), "NGUYỄN VĂN AN")
    assert [b[1] for b in boxes] == [60]
    assert field_boxes(card_words(), "Hà Nội") == []


class CountingStore(LocalStore):
    """A real local store that counts whole-object downloads."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.downloads = 0

    def get_bytes(self, key: str) -> bytes:
        self.downloads += 1
        return super().get_bytes(key)


def _pdf(pages: int, shade: int) -> bytes:
    out = io.BytesIO()
    images = [Image.new("L", (850, 1100), shade) for _ in range(pages)]
    images[0].save(out, "PDF", resolution=100.0, save_all=True, append_images=images[1:])
    return out.getvalue()


def test_paging_through_a_document_fetches_its_pdf_once_per_version(tmp_path):
    store = CountingStore(tmp_path)
    key = "dossiers/HS-1/documents/abc/searchable.pdf"
    store.put_bytes(key, _pdf(3, 200), content_type="application/pdf")
    first = [thumbnail(store, key, n) for n in (1, 2, 3, 1)]
    assert store.downloads == 1
    assert all(png is not None and png.startswith(b"\x89PNG") for png in first)
    assert Image.open(io.BytesIO(first[0])).height == 1000
    assert thumbnail(store, key, 4) is None
    # Read again: the new PDF is fetched and drawn, not the old one's pages.
    time.sleep(0.01)
    store.put_bytes(key, _pdf(2, 40), content_type="application/pdf")
    again = thumbnail(store, key, 1)
    assert store.downloads == 2
    assert Image.open(io.BytesIO(again)).convert("L").getpixel((10, 10)) < 100
    with pytest.raises(NotFound):
        thumbnail(store, "dossiers/HS-1/documents/none/searchable.pdf", 1)
