"""A card's number row is no Decree 30 number row: its slot is not read again.

A driving licence prints ``Số/No: 792104365018`` near its top; after the slash, ``No`` looks
like a notation, and the row once went to the second look for handwritten slots, whose crop
reading ("Số: 50 /Nc") replaced the licence's number. Card labels with an English half, and
rows whose value is a card's 9 to 12 digits, are left to the card's own reading; the number
rows of Decree 30 headers are still found.
"""

from __future__ import annotations

import random

import pytest

from bench.synth.cardprint import photograph
from bench.synth.cards import render_card
from classifiers import classify
from digitize import slotrows, tesseract
from digitize.intake import open_document
from digitize.models import Word
from digitize.reading import complete_page, prepared_pages

W, H = 2000, 1260
"""A card photographed at about 600 dpi."""


def _row(*tokens: str, left: int = 560, top: int = 300) -> list[Word]:
    """One row of words, left to right from ``left``, as a page's reading has them."""
    words, x = [], left
    for token in tokens:
        width = 18 * len(token)
        words.append(Word(token, x, top, width, 36, 0.95, 1, 1, 1))
        x += width + 12
    return words


@pytest.mark.parametrize(
    "tokens",
    [
        ("Số/No:", "792104365018"),  # a driving licence
        ("Số/No:",),  # its number lost by the page's reading
        ("Số", "/", "No.:", "001092012345"),  # a chip card's "Số / No.:"
        ("Số/No.:", "001092012345"),
        ("Số/N0:", "792104365018"),  # the small English half misread
        ("Số/NGo:", "792104365018"),
        ("Số/N°:", "079203004512"),
        ("Số/Nọ", "792104365018"),  # and its colon lost
    ],
)
def test_a_card_bilingual_number_label_is_no_number_row(tokens):
    words = [*_row("GIẤY", "PHÉP", "LÁI", "XE", top=200), *_row(*tokens)]
    assert slotrows.number_row(words, W, H) is None


@pytest.mark.parametrize(
    "tokens",
    [
        ("Số/Ho", "792104365018"),  # an English half read past knowing, the number after it
        ("Số/Ho", "792", "104365018"),  # the number cut in two
        ("Số:079203004512/CA",),  # glued to its label, specks read as a notation
        ("Số", "/X", "123456789"),  # an old identity card's nine digits
    ],
)
def test_a_row_whose_value_is_a_card_number_is_no_number_row(tokens):
    assert slotrows.number_row(_row(*tokens), W, H) is None


@pytest.mark.parametrize(
    ("tokens", "anchor"),
    [
        (("Số:", "/QĐ-UBND"), "QD-UBND"),
        (("Số:", "/TB-UBND"), "TB-UBND"),
        (("Số:", "/2025/NĐ-CP"), "2025/ND-CP"),
        (("Số:", "/UBND-VX"), "UBND-VX"),
        (("Số:", "/UBND"), "UBND"),
        (("Số:47/QĐ-UBND",), "QD-UBND"),  # squeezed in by hand against "Số:"
        (("Số:", "sz", "/QĐ-UBND"), "QD-UBND"),  # the pen's digits read as letters
    ],
)
def test_decree30_number_rows_are_still_found(tokens, anchor):
    row = slotrows.number_row(_row(*tokens), W, H)
    assert row is not None and row.anchor == anchor


def test_printed_decree30_numbers_are_still_left_alone():
    assert slotrows.number_row(_row("Số:", "47/QĐ-UBND"), W, H) is None
    assert slotrows.number_row(_row("Số:", "1234/QĐ-UBND"), W, H) is None


def test_a_photographed_driving_licence_keeps_its_number_and_costs_no_slot_reading(monkeypatch):
    calls: list[int | None] = []
    real = tesseract.recognize

    def counted(image, **kw):
        calls.append(kw.get("psm"))
        return real(image, **kw)

    monkeypatch.setattr(tesseract, "recognize", counted)
    card = render_card("licence", random.Random(6), 600)
    data, _dpi = photograph(card.image, card.dpi, random.Random(7), laminated=card.laminated)
    doc = open_document(None, data, max_pixels=120_000_000, pdf_dpi=300, name="card.jpg")
    pages = [
        complete_page(ready, lang="vie", timeout=120).result
        for ready in prepared_pages(doc.pages(), lang="vie", timeout=120, name="card.jpg")
    ]
    page = pages[0]
    # The label is read, in the top part where a Decree 30 number row would stand.
    label = next(w for w in page.words if slotrows.fold(w.text).startswith("So/No"))
    assert label.top < slotrows.HEADER_BOTTOM * page.height
    assert slotrows.number_row(page.words, page.width, page.height) is None
    assert not page.quality.get("slots_reread")
    assert 7 not in calls  # no crop of a row was read again
    out = classify(pages)
    assert out.document_type["code"] == "driving_license"
    assert out.fields["document_number"]["value"] == card.fields["document_number"]


def test_an_old_cards_date_line_low_on_the_card_gets_a_second_look():
    """The old card's back dates its issue "Ngày 18 tháng 01 năm 2017" half-way down, its
    numbers often written in by hand: a row that is a date alone is looked at wherever it
    stands; a place-and-date row low on a page, or a sentence at the left margin, is not."""
    row = _row("Ngày", "1", "tháng", "Ö1", "năm", "2017", left=900, top=560)
    found = slotrows.date_row(row, W, H)
    assert found is not None and found.kind == "date"
    clean_row = _row("Ngày", "18", "tháng", "01", "năm", "2017", left=900, top=560)
    assert slotrows.date_row(clean_row, W, H) is None
    placed = _row("Hà", "Nội,", "ngày", "1", "tháng", "Ö1", "năm", "2017", left=900, top=560)
    assert slotrows.date_row(placed, W, H) is None
    margin = _row("Ngày", "1", "tháng", "Ö1", "năm", "2017", left=100, top=560)
    assert slotrows.date_row(margin, W, H) is None


def _read_card(card, seed: int):
    """The classification of ``card`` photographed on a desk and read by the page reader."""
    data, _dpi = photograph(card.image, card.dpi, random.Random(seed), laminated=card.laminated)
    doc = open_document(None, data, max_pixels=120_000_000, pdf_dpi=300, name="card.jpg")
    pages = [
        complete_page(ready, lang="vie", timeout=120).result
        for ready in prepared_pages(doc.pages(), lang="vie", timeout=120, name="card.jpg")
    ]
    return classify(pages)


def test_old_card_backs_give_their_issue_date_and_officer():
    """Two photographed old-card backs, one with its date written in by hand in blue ink,
    read through the page reader: the card, its issue date and its officer."""
    for index in (0, 4):  # by hand, typed
        card = render_card("old_back", random.Random(f"5/old_back/{index}"))
        out = _read_card(card, index)
        assert out.document_type["code"] == "citizen_id"
        for name in ("issue_date", "signer"):
            assert out.fields[name]["value"] == card.fields[name], name
