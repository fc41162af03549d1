"""Reading a document's pages: prepared one ahead of the reading, in order, errors in order."""

from __future__ import annotations

import threading

import pytest

from digitize.errors import CorruptFile
from digitize.models import PageImage
from digitize.reading import complete_page, prepared_pages, read_page
from tests.pages import LINES, as_array, draw_page


def _page(index: int) -> PageImage:
    return PageImage(index, as_array(draw_page(LINES, dpi=150)), 150.0)


def test_pages_come_back_in_order_and_read_like_one_at_a_time():
    pages = [_page(i) for i in range(3)]
    ahead = list(prepared_pages(pages, lang="vie", timeout=60, name="three.tif"))
    assert [r.page.index for r in ahead] == [0, 1, 2]
    first = complete_page(ahead[0], lang="vie", timeout=60).result
    alone = read_page(pages[0], lang="vie", timeout=60, name="three.tif").result
    assert first.text == alone.text
    assert "GIẤY KHAI SINH" in first.text


def test_the_next_page_is_prepared_while_this_one_is_read():
    pulled = [threading.Event() for _ in range(2)]

    def pages():
        for i in range(2):
            pulled[i].set()
            yield _page(i)

    stream = prepared_pages(pages(), lang="vie", timeout=60, name="two.tif")
    first = next(stream)
    assert first.page.index == 0
    # Page 2 is taken from the document before page 1 has been read, by the helper thread.
    assert pulled[1].wait(timeout=30)
    complete_page(first, lang="vie", timeout=60)
    assert next(stream).page.index == 1
    assert next(stream, None) is None


def test_a_broken_page_fails_in_its_place():
    def pages():
        yield _page(0)
        raise CorruptFile("Page 2 of bad.tif cannot be decoded.")

    stream = prepared_pages(pages(), lang="vie", timeout=60, name="bad.tif")
    assert next(stream).page.index == 0
    with pytest.raises(CorruptFile, match="Page 2 of bad.tif"):
        next(stream)
