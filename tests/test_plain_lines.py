"""Lines that do not read as Vietnamese get a second opinion from the plain page.

The judge of a line and the choice between two readings are checked on words; the strip
reading runs real Tesseract on a drawn page whose cleaned reading is made to look broken the
way a seal's erased ring breaks a signer's name; a real black-and-white scan whose signer line
cleanup broke is read through the whole page flow.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitize import plainlines, tesseract
from digitize.cleanup.zones import Zone
from digitize.intake import open_document
from digitize.models import Word
from digitize.reading import read_page
from digitize.text import lines_of
from tests.pages import as_array, draw_page, font


def _w(text: str, left: int = 0, conf: float = 0.95, line: int = 1) -> Word:
    return Word(text, left, 100 * line, 40, 30, conf, 1, 1, line)


def test_what_reads_as_vietnamese_and_what_does_not():
    kinds = plainlines.word_kinds
    assert kinds("Ngọc,") == ["syllable"]
    assert kinds("nNgọc") == ["mixed"]  # a capital inside a word
    assert kinds("r") == ["stray"] and kinds("a)") == ["syllable"] and kinds("b.") == ["plain"]
    assert kinds("~") == ["symbol"] and kinds("#riệu") == ["symbol"]
    assert kinds("fiêu") == ["foreign"] and kinds("Krông") == ["plain"]
    assert kinds("UBND") == ["plain"] and kinds("V/v") == ["plain", "plain"]
    assert kinds("3|") == ["plain"]  # a handwritten day is the slot reader's: never odd
    assert kinds("21/2024/QĐ-TTg") == ["number"] and kinds("H4") == ["plain"]
    assert kinds("-") == [] and kinds("(b/cáo);") == ["plain", "syllable"]
    # Two lines of print run into one word: digits among letters and marks print never uses.
    assert kinds("S<u2ngÙ#4eSx212.404938u") == ["symbol"]
    assert kinds("G4FBE994160") == ["number"] and kinds("38S-552.41") == ["number"]
    # A letter Vietnamese does not write is a misread one (a tone read as a diaeresis).
    assert kinds("TRÖ") == ["symbol"] and kinds("Fiiß") == ["symbol"]
    assert kinds("TRỎ") == ["syllable"] and kinds("ĐỨC") == ["syllable"]
    assert kinds("Nghiệp") == ["syllable"] and kinds("Quyết") == ["syllable"]
    # A bilingual card's English gloss is print; the letters noise makes are not.
    assert kinds("of") == kinds("expiry") == kinds("birth:") == ["plain"]
    assert kinds("mnonth") == kinds("exily") == kinds("ll") == ["foreign"]


def test_a_line_is_doubtful_only_when_it_reads_otherwise_and_has_something_to_save():
    assert not plainlines.doubtful([_w("Trần"), _w("Ngọc"), _w("Căng")])
    assert not plainlines.doubtful([_w("-"), _w("UBND"), _w("tỉnh;")])
    assert plainlines.doubtful([_w("r"), _w("nNgọc"), _w("Căng")])
    assert plainlines.doubtful([_w("~"), _w("Thường"), _w("trực")])
    assert not plainlines.doubtful([_w("`")])  # a speck's reading: nothing to save
    # A card's English half has no syllable to save, but words read surely: worth a look.
    assert plainlines.doubtful([_w("mucweorucrec", conf=0.2), _w("Freedom"), _w("Happiness")])
    assert not plainlines.doubtful([_w("exily", conf=0.24), _w("ĐGG", conf=0.0)])
    assert not plainlines.doubtful([_w("Freedom"), _w("-"), _w("Happiness")])


def test_the_other_whole_reading_mends_a_card_line_read_as_nothing():
    """Beside a card's portrait, "Date of expiry" read "ĐGG di exily": no word of it is well
    formed, so no strip is cut for it; the other reading of a page read whole costs nothing,
    and reads it right."""
    lost = [_w("ĐGG", 0, 0.0), _w("di", 60, 0.24), _w("exily", 120, 0.24)]
    assert not plainlines.doubtful(lost) and plainlines.doubtful(lost, free=True)
    boxes = plainlines.doubtful_lines(lost, 2000, 1000, free=True)
    other = [_w("Date", 0, 0.92), _w("of", 60, 0.93), _w("expiry", 120, 0.91)]
    mended, n = plainlines.settle(lost, boxes, [plainlines.words_on(other, b) for b in boxes], "")
    assert n == 1 and [w.text for w in mended] == ["Date", "of", "expiry"]


def test_a_syllable_read_unsurely_takes_the_other_whole_readings_sure_words():
    """A phone snapshot's national motto read "CỘNG HÒA XÃ Áo NGHĨA VIỆT NAM", "Áo" at 0.32,
    where the page's other reading has "HỘI CHỦ" read surely: a syllable read unsurely is
    worth the other reading when that costs nothing (never a strip of its own)."""
    motto = ["CỘNG", "HÒA", "XÃ", "Áo", "NGHĨA", "VIỆT", "NAM"]
    read = [_w(t, 100 * i, 0.32 if t == "Áo" else 0.96) for i, t in enumerate(motto)]
    assert not plainlines.doubtful(read) and plainlines.doubtful(read, free=True)
    boxes = plainlines.doubtful_lines(read, 2000, 1000, free=True)
    right = ["CỘNG", "HÒA", "XÃ", "HỘI", "CHỦ", "NGHĨA", "VIỆT", "NAM"]
    other = [_w(t, 90 * i, 0.9) for i, t in enumerate(right)]
    mended, n = plainlines.settle(read, boxes, [plainlines.words_on(other, b) for b in boxes], "")
    assert n == 1 and [w.text for w in mended] == right
    # Neither reading vouches for the words they disagree on: no surer than "Áo" was read.
    assert [w.conf for w in mended if w.text in ("HỘI", "CHỦ")] == [0.32, 0.32]
    # Read unsurely on both pages, the cleaned page's syllable stays.
    unsure = [_w(t, 90 * i, 0.5 if t in ("HỘI", "CHỦ") else 0.9) for i, t in enumerate(right)]
    kept, n = plainlines.settle(read, boxes, [plainlines.words_on(unsure, b) for b in boxes], "")
    assert n == 0 and [w.text for w in kept] == motto
    # A line read surely throughout is not looked at again.
    assert not plainlines.doubtful([_w(t) for t in right], free=True)


def test_the_plain_reading_mends_only_the_pieces_it_reads_better():
    broken = [_w("r", 0, 0.92), _w("nNgọc", 50, 0.88), _w("Căng", 220)]
    mended = plainlines.merged(broken, [_w("Trần", 0), _w("Ngọc", 80), _w("Căng", 220)])
    assert mended is not None and [w.text for w in mended] == ["Trần", "Ngọc", "Căng"]
    assert mended[-1] is broken[-1]  # the word read alike is the cleaned page's own

    # Well-formed words are never traded for others that merely differ in marks or read
    # less surely, and a stray letter is never let in.
    good = [_w("đọc"), _w("đầy", conf=0.9), _w("Quảng"), _w("Ngãi")]
    assert plainlines.merged(good, [_w("đọc"), _w("đây"), _w("Quảng"), _w("R"), _w("Ngãi")]) is None
    assert plainlines.merged([_w("đầy")], [_w("đầy", conf=0.3)]) is None

    # A number is never changed, however the rest reads.
    day = [_w("ngày"), _w("3|"), _w("tháng"), _w("~")]
    assert plainlines.merged(day, [_w("ngày"), _w("34"), _w("tháng")]) in (None, day[:3])
    assert all(w.text != "34" for w in plainlines.merged(day, [_w("ngày"), _w("34")]) or day)


def test_a_printed_date_read_broken_is_put_whole_and_only_a_date():
    """A card's small print beside its photo: "Có giá trị đến: 07/08/2042" read as debris and
    the date's digits with its slashes as "1" and a digit lost."""
    broken = [_w(">e@blbMe", 0, 0.3), _w("071081202", 200, 0.5)]
    whole = [_w("Có", 0), _w("giá", 60), _w("trị", 120), _w("đến:", 180), _w("07/08/2042", 260)]
    mended = plainlines.merged(broken, whole)
    assert mended is not None and [w.text for w in mended][-1] == "07/08/2042"
    # Other digits are no broken reading of that date, and a date is never traded for one.
    assert not plainlines.mends_date(whole, [_w("~"), _w("5531")])
    assert not plainlines.mends_date(broken, whole)
    assert not plainlines.mends_date([_w("07/08/2042"), _w("01/01/2000")], broken)


def test_a_tall_speck_does_not_stretch_a_line_over_the_next_one():
    """The mended line takes the other reading's words on its own band: a broken word read as
    one box two lines high does not bring in the line below ("Date of expiry")."""
    line = [
        Word(">e@blbMe", 0, 290, 200, 110, 0.3, 1, 1, 1),
        Word("071081202", 220, 300, 180, 36, 0.5, 1, 1, 1),
        Word("Nơi", 450, 300, 60, 40, 0.95, 1, 1, 1),
        Word("thường", 520, 300, 120, 44, 0.95, 1, 1, 1),
    ]
    boxes = plainlines.doubtful_lines(line, 2000, 1000)
    assert len(boxes) == 1
    other = [
        Word("Có", 0, 300, 40, 36, 0.95, 1, 1, 1),
        Word("đến:", 60, 300, 80, 36, 0.95, 1, 1, 1),
        Word("07/08/2042", 220, 300, 180, 36, 0.95, 1, 1, 1),
        Word("Date", 0, 348, 80, 32, 0.95, 1, 2, 1),
        Word("of", 90, 348, 30, 32, 0.95, 1, 2, 1),
        Word("expir/", 130, 348, 90, 40, 0.95, 1, 2, 1),
        Word("Nơi", 450, 300, 60, 40, 0.95, 1, 1, 1),
        Word("thường", 520, 300, 120, 44, 0.95, 1, 1, 1),
    ]
    words, mended = plainlines.settle(line, boxes, [plainlines.words_on(other, boxes[0])], "t")
    assert mended == 1
    assert [w.text for w in words] == ["Có", "đến:", "07/08/2042", "Nơi", "thường"]


def test_lines_under_a_signature_zone_are_left_to_the_zones_reading():
    words = [_w("r", 100), _w("nNgọc", 150), _w("Căng", 200)]
    assert plainlines.doubtful_lines(words, 1000, 1000)
    zone = Zone(80, 60, np.full((100, 400), 255, np.uint8))
    assert plainlines.doubtful_lines(words, 1000, 1000, [zone]) == []


def test_a_broken_signer_line_is_read_again_from_the_plain_page():
    lines = ("CHỦ TỊCH", "Trần Ngọc Căng", "Nơi nhận: như trên")
    plain = as_array(draw_page(lines, dpi=300))[:, :, 0]
    h, w = plain.shape
    read = tesseract.recognize(plain, lang="vie", dpi=300, timeout=60)
    name = next(line for line in lines_of(read) if line[-1].text == "Căng")
    assert [x.text for x in name] == ["Trần", "Ngọc", "Căng"]
    # The cleaned reading as a ring through the name leaves it: a lone "r", a glued "nNgọc".
    broken = {id(name[0]): "r", id(name[1]): "nNgọc"}
    cleaned = [dataclasses.replace(x, text=broken.get(id(x), x.text)) for x in read]

    boxes = plainlines.doubtful_lines(cleaned, w, h)
    assert len(boxes) == 1  # the other lines read as Vietnamese: not read again
    readings = plainlines.read_strips(plain, boxes, lang="vie", dpi=300, timeout=60, what="t")
    out, mended = plainlines.settle(cleaned, boxes, readings, "t")
    assert mended == 1
    texts = [" ".join(x.text for x in line) for line in lines_of(out)]
    assert "Trần Ngọc Căng" in texts and texts[0] == " ".join(x.text for x in lines_of(read)[0])


def test_a_black_seals_erased_ring_no_longer_costs_the_signers_name(evaldata):
    path = evaldata / "vie-real" / "directive_quangngai_08-2018.pdf"
    if not path.exists():
        pytest.skip("directive_quangngai_08-2018.pdf not present")
    doc = open_document(path, max_pixels=120_000_000, pdf_dpi=300)
    page = list(doc.pages())[2]
    read = read_page(page, lang="vie", timeout=300, name=path.name)
    q = read.result.quality
    assert q["seal_removed"] == 1  # a black seal, found by its ring
    assert q["plain_lines_read"] <= 12
    assert "Ngọc Căng" in read.result.text and "nNgọc" not in read.result.text
    assert any(
        "Trần Ngọc Căng" in line or "Trân Ngọc Căng" in line
        for line in read.result.text.splitlines()
    )


def _title_block(dpi: int = 150) -> np.ndarray:
    """A signer's title of two lines set close, at a recipients' list's right."""
    im = Image.new("L", (int(7 * dpi), int(1.4 * dpi)), 255)
    d = ImageDraw.Draw(im)
    f = font(round(13 / 72 * dpi * 1.1))
    step = round(13 / 72 * dpi * 1.25)
    for k, (left, right) in enumerate(
        (("- Như trên;", "KT. CHÁNH VĂN PHÒNG"), ("- Bộ Tư pháp;", "PHÓ CHÁNH VĂN PHÒNG"))
    ):
        d.text((int(0.2 * dpi), int(0.3 * dpi) + k * step), left, font=f, fill=20)
        d.text((int(3.6 * dpi), int(0.3 * dpi) + k * step), right, font=f, fill=20)
    return np.asarray(im).copy()


def test_lines_run_together_are_read_again_as_lines_of_their_own():
    """Tesseract joined a title's two close lines into one line of tall boxes read as
    nothing ("TT nng vn, VN", its top left over as "£ V"): their box is read again as lines."""
    plain = _title_block()
    h, w = plain.shape
    read = tesseract.recognize(plain, lang="vie", dpi=150, timeout=60)
    left = [x for x in read if x.left < 3 * 150]
    assert [x.text for x in left] == ["-", "Như", "trên;", "-", "Bộ", "Tư", "pháp;"]
    right = [x for x in read if x.left >= 3 * 150]
    top, bottom = min(x.top for x in right), max(x.bottom for x in right)
    x0, x1 = min(x.left for x in right), max(x.right for x in right)
    line_h = bottom - top
    junk = [  # what the page's reading made of the title: tall boxes on the second list line
        Word("TT", x0, top, 40, line_h, 0.13, 1, 1, 2),
        Word("nng", x0 + 60, top, 90, line_h, 0.0, 1, 1, 2),
        Word("vn,", x0 + 170, top, 60, line_h, 0.04, 1, 1, 2),
        Word("VN", x1 - 80, top, 80, line_h, 0.04, 1, 1, 2),
    ]
    debris = [Word("£", x0 + 100, top, 10, 12, 0.39, 1, 1, 1)]
    page = [x for x in left if x.line == left[0].line] + debris
    page += [dataclasses.replace(x, line=2) for x in left if x.line != left[0].line] + junk
    boxes = plainlines.doubtful_lines(page, w, h)
    assert len(boxes) == 1 and boxes[0].run_together
    assert {page[i].text for i in boxes[0].ids} == {"TT", "nng", "vn,", "VN", "£"}
    readings = plainlines.read_strips(plain, boxes, lang="vie", dpi=150, timeout=60, what="t")
    out, mended = plainlines.settle(page, boxes, readings, "t")
    assert mended == 1
    texts = [" ".join(x.text for x in line) for line in lines_of(out)]
    # The title's lines come whole and in order, where its first piece was read.
    assert texts == ["- Như trên;", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "- Bộ Tư pháp;"]


def test_a_line_of_print_height_is_never_taken_for_lines_run_together():
    words = [Word(t, 100 * i, 100, 60, 30, 0.2, 1, 1, 1) for i, t in enumerate(["TT", "nng"])]
    words += [Word(t, 100 * i, 200, 60, 30, 0.95, 1, 1, 2) for i, t in enumerate(["Bộ", "Tư"])]
    assert not plainlines.run_together(words[:2], 30.0)
    assert plainlines.run_together([dataclasses.replace(x, height=60) for x in words[:2]], 30.0)
    # A tall line that reads well formed is print set large, not lines run together.
    assert not plainlines.run_together([dataclasses.replace(x, height=60) for x in words[2:]], 30)


def test_a_line_only_the_other_whole_reading_found_is_added():
    """The plain page, kept for reading better overall, lost the signer's name under the seal
    that the cleaned page read; its debris and lines it read too are not added."""
    kept = [_w("KT.", 0, line=1), _w("CHỦ", 60, line=1), _w("TỊCH", 120, line=1)]
    kept += [_w("Nơi", 0, line=3), _w("nhận:", 60, line=3)]
    other = [_w("KT.", 0, line=1), _w("CHỦ", 60, line=1), _w("TỊCH", 120, line=1)]
    other += [_w("Hoàng", 0, line=2), _w("Tuấn", 60, line=2)]
    other += [_w("~", 0, line=4), _w("nNgọc", 60, line=4), _w("Căng", 120, line=4)]
    other += [_w("xa", 0, 0.2, line=5), _w("u", 60, 0.1, line=5)]
    out, added = plainlines.add_lost_lines(kept, other, 2000)
    assert added == 1
    assert [" ".join(w.text for w in line) for line in lines_of(out)] == [
        "KT. CHỦ TỊCH",
        "Hoàng Tuấn",
        "Nơi nhận:",
    ]
    assert plainlines.add_lost_lines(kept, kept, 2000) == (kept, 0)


def test_a_code_the_two_whole_readings_read_differently_is_made_unsure():
    """A car card under fingertips: the engine number read "G4FBLK931974" for "...074" at full
    confidence by one reading, right by the other. Neither is sure then."""

    def code(text, left=0, conf=0.95, width=240):
        return Word(text, left, 100, width, 30, conf, 1, 1, 1)

    kept = [_w("Số"), code("G4FBLK931974", 100), code("30/10/2039", 400), code("3,", 700)]
    other = [_w("Số"), code("G4FBLK931074", 100), code("30/10/", 400, width=110)]
    other += [code("2039", 520, width=110), code("8,", 700)]
    out, n = plainlines.disputed_codes(kept, other, 0.4)
    assert n == 1 and out[1].conf == 0.4 and out[1].text == "G4FBLK931974"
    assert out[2] is kept[2]  # read in two pieces by the other reading: the same digits
    assert out[3] is kept[3]  # one digit: no number to dispute
    # Where the other reading has nothing, nothing is said.
    assert plainlines.disputed_codes(kept, [], 0.4) == (kept, 0)
