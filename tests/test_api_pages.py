"""Where a field is drawn on the page thumbnail: the value's words, after their label."""

from __future__ import annotations

from digitize.api.pages import field_boxes


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
