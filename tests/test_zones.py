"""Signature zones: where a seal lands on the upright page, and the line-at-a-time second
reading under it, with the real Tesseract."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitize import cleanup, tesseract
from digitize.cleanup.zones import Zone, map_box, signature_zones
from digitize.errors import OCRTimeout
from digitize.intake import open_document
from digitize.reading import read_page
from digitize.text import lines_of
from digitize.zonereading import reread_zones
from tests.pages import encode, font

NAME = "Trần Khánh Tuyết"
TITLE = "PHÓ CHỦ TỊCH"


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("skew", [0.0, 3.0, -2.0])
def test_a_seal_box_follows_the_page_turn_and_deskew(rotation, skew):
    page = np.full((600, 400), 255, np.uint8)
    page[380:450, 250:340] = 0
    upright = cleanup.rotate_by(cleanup.rotate_quarter(page, rotation), skew)
    x, y, w, h = cv2.boundingRect(cv2.findNonZero((upright < 128).astype(np.uint8)))
    mx, my, mw, mh = map_box((250, 380, 90, 70), page.shape, rotation, skew)
    assert abs(mx - x) <= 2 and abs(my - y) <= 2
    assert abs(mx + mw - x - w) <= 2 and abs(my + mh - y - h) <= 2


def test_a_zone_turned_over_is_the_same_part_of_the_turned_page():
    page = np.random.default_rng(1).integers(0, 255, (300, 200), dtype=np.uint8)
    zone = Zone(30, 50, page[50:120, 30:110].copy())
    turned = zone.half_turned(200, 300)
    whole = cv2.rotate(page, cv2.ROTATE_180)
    assert np.array_equal(whole[turned.y : turned.y + 70, turned.x : turned.x + 80], turned.image)


def test_two_rings_of_one_seal_make_one_zone():
    flat = np.full((1000, 1000), 255, np.uint8)
    zones = signature_zones([(300, 300, 200, 200), (340, 340, 120, 120)], flat, 1.0)
    assert len(zones) == 1
    assert zones[0].x <= 300 - 40 and zones[0].image.shape[1] >= 2.5 * 200 - 40


def _block(ring: bool, dpi: int = 200) -> np.ndarray:
    """A signature block as the flattened grey of a photocopy: the authority's title, and the
    signer's name with, when ``ring``, the seal's grey ring running through its first word."""
    im = Image.new("L", (int(4.5 * dpi), int(2.2 * dpi)), 255)
    d = ImageDraw.Draw(im)
    f = font(round(13 / 72 * dpi * 1.1))
    d.text((int(1.3 * dpi), int(0.2 * dpi)), TITLE, font=f, fill=30)
    name_at = (int(1.2 * dpi), int(1.5 * dpi))
    d.text(name_at, NAME, font=f, fill=30)
    if ring:
        r = int(0.75 * dpi)
        cx, cy = name_at[0] + int(0.2 * dpi), name_at[1] + int(0.12 * dpi) - r
        for k, width in ((1.0, 5), (0.72, 2)):
            rr = int(r * k)
            d.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], outline=150, width=width)
    return np.asarray(im).copy()


def test_a_line_the_seal_cut_short_is_read_whole_under_it():
    clean, ringed = _block(False), _block(True)
    words = tesseract.recognize(clean, lang="vie", psm=6, dpi=200)
    assert " ".join(w.text for w in words).endswith(NAME)
    # The page's reading lost the name's first word under the ring.
    cut = [w for w in words if w.text != "Trần"]
    out, n = reread_zones(cut, [Zone(0, 0, ringed)], lang="vie", dpi=200, timeout=60, what="x")
    lines = [" ".join(w.text for w in line) for line in lines_of(out)]
    assert lines == [TITLE, NAME]
    assert n == 1


def test_lines_read_well_are_left_as_they_were():
    # The page read every line whole; the zone, where the ring crosses them, cannot beat that.
    words = tesseract.recognize(_block(False), lang="vie", psm=6, dpi=200)
    zone = Zone(0, 0, _block(True))
    assert reread_zones(words, [zone], lang="vie", dpi=200, timeout=60, what="x") == (words, 0)


def test_a_line_the_page_lost_entirely_is_found_from_its_ink():
    clean, ringed = _block(False), _block(True)
    words = tesseract.recognize(clean, lang="vie", psm=6, dpi=200)
    title = [w for w in words if w.text in TITLE.split()]
    out, _ = reread_zones(title, [Zone(0, 0, ringed)], lang="vie", dpi=200, timeout=60, what="x")
    assert [" ".join(w.text for w in line) for line in lines_of(out)] == [TITLE, NAME]


def _stamped_page(dpi: int = 200) -> Image.Image:
    """A grey photocopy of a decision's signature block, the seal's rings over the name."""
    width, height = int(8.27 * dpi), int(6 * dpi)
    im = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(im)
    f = font(round(13 / 72 * dpi * 1.1))
    y = int(0.5 * dpi)
    for line in (
        "Điều 3. Chánh Văn phòng và các cơ quan có liên quan chịu trách nhiệm",
        "thi hành Quyết định này kể từ ngày ký.",
    ):
        d.text((int(0.8 * dpi), y), line, font=f, fill=25)
        y += int(0.3 * dpi)
    centre = int(5.6 * dpi)
    for line in ("KT. CHỦ TỊCH", TITLE):
        d.text((centre - d.textlength(line, font=f) / 2, y + int(0.1 * dpi)), line, font=f, fill=25)
        y += int(0.3 * dpi)
    left = centre - d.textlength(NAME, font=f) / 2
    name_y = y + int(1.0 * dpi)
    d.text((left, name_y), NAME, font=f, fill=25)
    r = int(0.8 * dpi)
    sx, sy = int(left + 0.15 * dpi), name_y + int(0.1 * dpi) - r
    ring = Image.new("L", (width, height), 255)
    g = ImageDraw.Draw(ring)
    for k, w in ((1.0, 3), (0.72, 2)):
        rr = int(r * k)
        g.ellipse([sx - rr, sy - rr, sx + rr, sy + rr], outline=150, width=w)
    g.line(
        [(sx - int(0.3 * dpi), sy), (sx + int(1.4 * dpi), sy + int(0.1 * dpi))], fill=120, width=3
    )
    page = np.minimum(np.asarray(im), np.asarray(ring)).astype(np.float32)
    page = cv2.GaussianBlur(page, (0, 0), 0.7) + np.random.default_rng(3).normal(0, 4, page.shape)
    return Image.fromarray(np.clip(page, 0, 255).astype(np.uint8))


def test_a_stamped_signature_block_reads_once_and_whole():
    data = encode(_stamped_page(), "PNG", dpi=200)
    doc = open_document(Path("stamped.png"), data, max_pixels=10**8, pdf_dpi=300)
    read = read_page(next(iter(doc.pages())), lang="vie", timeout=60, name="stamped.png")
    assert read.result.quality["seal_removed"] >= 1
    lines = read.result.text.splitlines()
    assert lines.count(TITLE) == 1
    assert NAME in lines


def test_a_failed_second_reading_keeps_the_page_reading(monkeypatch):
    # A Tesseract that times out on the zone only: a fault that cannot be caused for real.
    import digitize.reading

    calls = []

    def timeout(*args, **kwargs):
        calls.append(1)
        raise OCRTimeout("Tesseract took longer than 1 s on the zone.")

    monkeypatch.setattr(digitize.reading, "reread_zones", timeout)
    data = encode(_stamped_page(), "PNG", dpi=200)
    doc = open_document(Path("stamped.png"), data, max_pixels=10**8, pdf_dpi=300)
    read = read_page(next(iter(doc.pages())), lang="vie", timeout=60, name="stamped.png")
    assert calls  # the zone was there to read
    assert "seal_lines_reread" not in read.result.quality
    assert NAME in read.result.text.splitlines()


def test_close_lines_in_a_zone_are_read_as_lines_not_interleaved():
    """A title's two lines set close under a seal: each is read from a strip of its own, and
    a strip's words never trade places with the next line's."""
    dpi = 200
    im = Image.new("L", (int(4.5 * dpi), int(1.2 * dpi)), 255)
    d = ImageDraw.Draw(im)
    size = round(13 / 72 * dpi * 1.1)
    lines = ("CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")
    for k, text in enumerate(lines):
        d.text(
            (int(0.5 * dpi), int(0.3 * dpi) + k * round(1.15 * size)),
            text,
            font=font(size),
            fill=30,
        )
    block = np.asarray(im).copy()
    words = tesseract.recognize(block, lang="vie", psm=6, dpi=dpi)
    assert [" ".join(w.text for w in line) for line in lines_of(words)] == list(lines)
    # The page's reading lost each line's first word.
    firsts = {id(line[0]) for line in lines_of(words)}
    cut = [w for w in words if id(w) not in firsts]
    out, n = reread_zones(cut, [Zone(0, 0, block)], lang="vie", dpi=dpi, timeout=60, what="x")
    assert [" ".join(w.text for w in line) for line in lines_of(out)] == list(lines)
    assert n == 2


def test_a_signatures_scraps_go_with_the_line_they_touch_and_print_lines_stay_apart():
    from digitize.models import Word
    from digitize.zonereading import _bands

    zone = Zone(0, 0, np.full((400, 800), 255, np.uint8))
    name = [Word(t, 100 + 120 * i, 200, 100, 30, 0.95, 2, 1, 1) for i, t in enumerate(NAME.split())]
    scraps = [Word("`", 120, 160, 30, 30, 0.9, 1, 1, 1), Word("s.", 260, 162, 30, 28, 0.1, 1, 1, 1)]
    bands = _bands(scraps + name, zone, 30.0)
    assert len(bands) == 1 and bands[0][0] < 160 and bands[0][1] > 230  # one strip for both
    title = [
        Word(t, 100 + 120 * i, 162, 100, 30, 0.95, 1, 1, 1) for i, t in enumerate(TITLE.split())
    ]
    bands = _bands(title + name, zone, 30.0)
    assert len(bands) == 2 and bands[0][1] <= bands[1][0]  # a strip each, cut between them


def test_a_word_of_another_column_cut_by_the_zones_side_stays_out_of_the_strip():
    """The recipients' list reaches into the seal's zone: its word is left to the page's
    reading, and the signer's line beside it still gets its strip, cut after that word."""
    from digitize.models import Word
    from digitize.zonereading import _bands

    zone = Zone(500, 0, np.full((300, 800), 255, np.uint8))
    listed = Word("Đoàn;", 440, 100, 120, 30, 0.95, 1, 1, 1)  # crosses the zone's left side
    name = [Word(t, 700 + 130 * i, 100, 110, 30, 0.95, 2, 1, 1) for i, t in enumerate(NAME.split())]
    bands = _bands([listed, *name], zone, 30.0)
    assert len(bands) == 1
    top, bottom, ids, left, right = bands[0]
    assert ids == [1, 2, 3] and left >= 560 - 500 and right == 800


def test_a_line_is_found_in_a_zone_beside_the_sheets_dark_edge_and_under_a_grey_ring():
    """A photo's zone: the desk beyond the sheet's edge is dark down its whole height, and the
    seal's ring, photographed grey, is as dark as print on every row above the name; the
    cleaned page, where the ring is gone, still shows the name's rows."""
    from digitize.zonereading import _ink_lines

    grey = np.full((400, 600), 250, np.uint8)
    grey[:, 560:] = 40  # the desk
    cv2.circle(grey, (260, 175), 155, 90, 9)  # the ring, under the print's threshold
    grey[300:340, 150:450] = 30  # the name
    cleaned = np.full((400, 600), 255, np.uint8)
    cleaned[300:340, 150:450] = 0
    cleaned[:, 560:] = 0  # the desk stays dark on the cleaned page too
    zone = Zone(0, 1000, grey)
    # The ring touches the name's block (one mark here, as tall as the ring): no line in the grey.
    assert _ink_lines(zone, 40.0) == []
    assert _ink_lines(zone, 40.0, np.vstack([np.full((1000, 600), 255, np.uint8), cleaned])) == [
        (1300, 1340)
    ]


def test_the_name_is_found_under_what_a_pale_seal_left_on_the_cleaned_page():
    """A phone snapshot's seal, too pale to be taken off whole: a dark crescent of it stays on
    the cleaned page, down to the name's rows, and Tesseract reads neither the name nor the
    scraps. The name's line is found from its letters and read."""
    from digitize.zonereading import _ink_lines

    clean = _block(False)
    h, w = clean.shape
    cleaned = clean.copy()
    name_top = int(1.5 * 200)
    # The crescent beside the name's first word, from above the title's rows down to the name's.
    cv2.ellipse(cleaned, (120, name_top - 60), (95, 110), 0, -60, 180, 0, 22)
    zone = Zone(0, 0, cleaned)
    lines = _ink_lines(zone, 40.0, cleaned)
    assert any(a <= name_top + 20 <= b for a, b in lines)
    title = [w for w in tesseract.recognize(clean, lang="vie", psm=6, dpi=200) if w.text in TITLE]
    out, n = reread_zones(title, [zone], lang="vie", dpi=200, timeout=60, what="x", cleaned=cleaned)
    # The crescent's end may come as a scrap before the name, as on the page: the signer's
    # reader takes the name from the line's end.
    assert any(" ".join(w.text for w in ln).endswith(NAME) for ln in lines_of(out))
    assert n >= 1


def test_a_zones_reading_never_changes_a_number_of_the_page(monkeypatch):
    """Through the seal's ring a strip read the day "09" as "O0", with more letters around
    it: the page's line, digits and all, stays."""
    from digitize import zonereading
    from digitize.models import Word

    page = [
        Word(t, 100 + 120 * i, 100, 100, 30, 0.9, 1, 1, 1)
        for i, t in enumerate(["Cần", "Thơ,", "ngày", "09"])
    ]
    strip = [
        Word(t, 100 + 120 * i, 100, 100, 30, 0.95, 1, 1, 1)
        for i, t in enumerate(["Cần", "Thơ,", "ngày", "O0", "tháng", "năm"])
    ]
    monkeypatch.setattr(zonereading, "_read_strips", lambda zone, bands, **kw: {0: [strip]})
    zone = Zone(0, 0, np.full((300, 900), 255, np.uint8))
    assert reread_zones(page, [zone], lang="vie", dpi=200, timeout=60, what="x") == (page, 0)
    # the same reading with the day kept is taken
    strip[3] = dataclasses.replace(strip[3], text="09")
    out, n = reread_zones(page, [zone], lang="vie", dpi=200, timeout=60, what="x")
    assert n == 1 and [w.text for w in out] == [w.text for w in strip]


def test_a_line_the_zones_top_cuts_is_not_taken_for_a_line_in_it():
    """A line of the recipients' list half inside the zone's top: taken as a line of the zone,
    its strip reached above the zone and, joined to the lines under it, took every band with
    it (a snapshot's signer under a pale seal was lost so)."""
    from digitize.zonereading import _ink_lines

    grey = np.full((400, 600), 250, np.uint8)
    grey[0:30, 100:500] = 30  # the lower half of a line above the zone
    grey[300:340, 150:450] = 30  # the name
    assert _ink_lines(Zone(0, 1000, grey), 40.0) == [(1300, 1340)]
