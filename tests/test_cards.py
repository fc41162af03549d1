"""Identity cards as desks photograph them: chip card fronts and backs, old 9-digit cards,
driving licences, and the chip card's QR code.

The cards are drawn the way they are printed (``bench.synth.cards``: bilingual labels in the
real wording and order, two-line addresses, a real QR code, a valid MRZ, the old card's
guilloche and laminate glare) and photographed on a desk (perspective, uneven light, JPEG);
each photo then goes through the real pipeline: intake, cleanup, Tesseract, classification.
The first tests need no OCR: they build pages from words, as the OCR gives them.
"""

from __future__ import annotations

import dataclasses
import io
import random

import cv2
import numpy as np
import pytest
from PIL import Image

from bench.synth.cardprint import mrz_lines, photograph, qr_payload
from bench.synth.cards import render_card
from bench.synth.names import random_person
from classifiers import classify
from classifiers.mrz import parse_td1
from classifiers.qr import parse_payload
from digitize import barcodes, icao, mrzzone, tesseract
from digitize.intake import open_document
from digitize.models import PageResult, Word
from digitize.reading import complete_page, prepared_pages
from digitize.text import page_text

W, H = 2000, 1260
"""A card photographed at about 600 dpi."""

PAYLOAD = (
    "001092012345|123456789|Nguyễn Văn An|15031992|Nam|Số 12, Đồng Xuân, Hoàn Kiếm, Hà Nội|10082021"
)


def page(rows: list[tuple[str, int, int]], codes: tuple[str, ...] = (), conf=0.95):
    """A card page whose lines are ``(text, left, top)``, with decoded ``codes``."""
    words = []
    for n, (text, left, top) in enumerate(rows):
        x = left
        for token in text.split():
            width = 18 * len(token)
            words.append(Word(token, x, top, width, 36, conf, n + 1, 1, 1))
            x += width + 12
    text = "\n".join(r[0] for r in rows)
    return PageResult(0, W, H, 600.0, words, text, "ocr", {}, list(codes))


FRONT = [
    ("CĂN CƯỚC CÔNG DÂN", 700, 200),
    ("Số / No.: 001092012345", 560, 330),
    ("Họ và tên / Full name:", 560, 400),
    ("NGUYỄN VĂN AM", 560, 460),  # one letter misread
    ("Ngày sinh / Date of birth: 15/03/1992", 560, 530),
    ("Giới tính / Sex: Nam", 560, 600),
]


# --- the QR code's payload ---------------------------------------------------------------------


def test_card_payload_is_parsed_and_other_codes_are_not():
    code = parse_payload(PAYLOAD)
    assert code is not None
    assert (code.id_number, code.old_id_number) == ("001092012345", "123456789")
    assert (code.full_name, code.date_of_birth, code.sex) == ("Nguyễn Văn An", "1992-03-15", "Nam")
    assert code.place_of_residence == "Số 12, Đồng Xuân, Hoàn Kiếm, Hà Nội"
    assert code.issue_date == "2021-08-10"
    no_old = parse_payload(PAYLOAD.replace("|123456789|", "||"))
    assert no_old is not None and no_old.old_id_number is None
    assert parse_payload("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html") is None
    # A code whose ID contradicts its own birth year or sex vouches for nothing.
    assert parse_payload(PAYLOAD.replace("15031992", "15031993")) is None
    assert parse_payload(PAYLOAD.replace("|Nam|", "|Nữ|")) is None


def test_codes_are_kept_with_the_page_words():
    stored = page(FRONT, (PAYLOAD,)).words_json()
    assert stored["codes"] == [PAYLOAD]
    assert page(FRONT).words_json()["codes"] == []


def test_code_confirms_agreeing_values_replaces_others_and_fills_the_rest():
    out = classify([page(FRONT, (PAYLOAD,), conf=0.6)])
    f = out.fields
    assert out.document_type["code"] == "citizen_id"
    # Read unsure, but the code repeats them exactly: nothing left for a clerk.
    for name, value in (("id_number", "001092012345"), ("date_of_birth", "1992-03-15")):
        assert f[name]["value"] == value
        assert f[name]["needs_review"] is False
        assert f[name]["confidence"] >= 0.97
    assert f["sex"] == {**f["sex"], "value": "Nam", "needs_review": False}
    # The printed name disagrees: the code's value, in the card's capitals, and a flag.
    assert f["full_name"]["value"] == "NGUYỄN VĂN AN"
    assert f["full_name"]["needs_review"] is True
    assert "qr_disagrees" in f["full_name"].get("review_reasons", ["qr_disagrees"])
    # Not printed on the front at all: filled from the code.
    assert f["issue_date"]["value"] == "2021-08-10"
    assert f["old_id_number"]["value"] == "123456789"
    assert f["place_of_residence"]["value"] == "Số 12, Đồng Xuân, Hoàn Kiếm, Hà Nội"
    # Without the code, the misread name stands, and nothing is invented.
    bare = classify([page(FRONT, conf=0.6)]).fields
    assert bare["full_name"]["value"] == "NGUYỄN VĂN AM"
    assert "issue_date" not in bare and "old_id_number" not in bare


def test_a_code_on_a_form_fills_nothing():
    form = [
        ("ĐƠN ĐỀ NGHỊ CẤP BẢN SAO", 500, 200),
        ("Họ và tên: Trần Thị Bình", 300, 400),
    ]
    out = classify([page(form, (PAYLOAD,))])
    assert out.document_type["code"] == "application"
    assert out.fields["full_name"]["value"] == "Trần Thị Bình"
    assert "issue_date" not in out.fields


# --- labels as cards print them ----------------------------------------------------------------


def test_bilingual_labels_a_garbled_english_half_and_a_date_under_its_label():
    rows = [
        *FRONT[:3],
        ("NGUYỄN VĂN AN", 560, 460),
        ("Có giá trị đến / Date øf exP!Y'", 60, 900),
        ("15/03/2032", 60, 950),
        ("Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam", 560, 600),
    ]
    f = classify([page(rows)]).fields
    assert f["expiry_date"]["value"] == "2032-03-15"
    assert f["sex"]["value"] == "Nam"
    assert f["nationality"]["value"] == "Việt Nam"


def test_province_misread_is_put_right_by_the_place_list_and_flagged():
    rows = [
        *FRONT[:2],
        ("Nơi thường trú / Place of residence: Ấp 3, Tân Hưng,", 560, 700),
        ("Cái Nước, Gà Mhu", 560, 760),
    ]
    got = classify([page(rows)]).fields["place_of_residence"]
    assert got["value"] == "Ấp 3, Tân Hưng, Cái Nước, Cà Mau"
    assert got["needs_review"] is True


def test_old_card_labels_and_a_card_back():
    old = [
        ("CHỨNG MINH NHÂN DÂN", 900, 200),
        ("Số 023456789", 700, 300),
        ("Họ tên NGUYỄN VĂN AN", 500, 400),
        ("Sinh ngày 15-03-1962", 500, 470),
        ("Nguyên quán Đồng Xuân, Hoàn Kiếm, Hà Nội", 500, 540),
    ]
    f = classify([page(old)]).fields
    assert f["id_number"]["value"] == "023456789"
    assert f["full_name"]["value"] == "NGUYỄN VĂN AN"
    assert f["date_of_birth"]["value"] == "1962-03-15"
    assert f["place_of_origin"]["value"] == "Đồng Xuân, Hoàn Kiếm, Hà Nội"
    back = [
        ("Đặc điểm nhân dạng / Personal identification:", 60, 80),
        ("Ngày, tháng, năm / Date, month, year: 10/08/2021", 60, 240),
        ("CỤC TRƯỞNG CỤC CẢNH SÁT", 200, 320),
        ("QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 120, 370),
        ("DIRECTOR GENERAL OF THE POLICE DEPARTMENT", 150, 420),
        ("Lê Thị Hoa", 300, 620),
    ]
    out = classify([page(back)])
    assert out.document_type["code"] == "citizen_id"
    assert out.fields["issue_date"]["value"] == "2021-08-10"
    assert out.fields["signer"]["value"] == "Lê Thị Hoa"


def test_a_value_under_its_label_stays_in_the_labels_column():
    """The chip card's expiry label and its residence label read as one row: the date under
    the expiry label is its value, not the residence's wrapped line further right, which
    stands higher on a tilted photo."""
    rows = [
        *FRONT,
        (
            "Có giá tị đến / Date of expIY: Nơi thường trú / Place of residence: Thôn 9, Hòa",
            68,
            1034,
        ),
        ("Vang, Đà Nẵng", 1285, 1088),
        ("29/06/2031", 66, 1093),
    ]
    f = classify([page(rows)]).fields
    assert f["expiry_date"]["value"] == "2031-06-29"


def test_a_wrapped_value_ends_at_a_label_of_its_column_on_a_row_begun_further_left():
    """The origin's value does not run on into the residence's wrapped line: the row between
    them begins in the portrait's column (the expiry) and carries the residence label in the
    value's column. The expiry's label is followed by the rest of its English half, garbled:
    its date is the one under it."""
    rows = [
        *FRONT,
        ("Quê quán / Place of origin:", 560, 660),
        ("An Hòa, Ninh Kiều, Cần Thơ", 560, 720),
        (
            "Có giá trị đến / Date 9 ®PX- Nơi thường trú / Place of residence: Số 155 Lê Lợi,",
            86,
            758,
        ),
        ("19/02/2030", 88, 796),
        ("Vĩnh Ninh, Huế, Thừa Thiên Huế", 560, 790),
    ]
    f = classify([page(rows)]).fields
    assert f["place_of_origin"]["value"] == "An Hòa, Ninh Kiều, Cần Thơ"
    assert f["place_of_residence"]["value"].endswith("Vĩnh Ninh, Huế, Thừa Thiên Huế")
    assert f["expiry_date"]["value"] == "2030-02-19"


def test_a_licence_issue_date_whose_comma_after_the_place_read_as_a_full_stop():
    rows = [
        ("GIẤY PHÉP LÁI XE / DRIVER'S LICENSE", 300, 200),
        ("Số/No: 747422828264", 300, 300),
        ("Hạng/Class: A1", 300, 480),
        ("Cần Thơ. ngày 20 tháng 6 năm 2022", 300, 540),
        ("Có giá trị đến/Expires: Không thời hạn", 300, 600),
    ]
    f = classify([page(rows)]).fields
    assert f["issue_date"]["value"] == "2022-06-20"
    # A sentence that merely ends before "ngày" is no place: too many words before it.
    rows[3] = (
        "Giấy phép này được cấp lại theo đề nghị của người lái xe. ngày 20 tháng 6 năm 2022",
        300,
        540,
    )
    assert classify([page(rows)]).fields.get("issue_date", {}).get("value") is None


def test_an_address_keeps_its_house_number_word_read_unsure():
    """ "Sõ 120 đường ..." with "Sõ" read at 0.16: the house number's word, not a speck."""
    rows = [
        ("GIẤY PHÉP LÁI XE / DRIVER'S LICENSE", 300, 200),
        ("Nơi cư trú/Address: Sõ 120 đường Hà Huy Tập, Nam", 300, 420),
        ("Hà, Hà Tĩnh, Hà Tĩnh", 300, 470),
    ]
    pr = page(rows)
    words = [dataclasses.replace(w, conf=0.16) if w.text == "Sõ" else w for w in pr.words]
    f = classify([dataclasses.replace(pr, words=words)]).fields["place_of_residence"]
    assert f["value"] == "Số 120 đường Hà Huy Tập, Nam Hà, Hà Tĩnh, Hà Tĩnh"
    assert f["needs_review"] is True


def test_a_date_with_one_slash_read_as_one_and_the_other_lost():
    rows = [*FRONT[:4], ("Ngày, tháng, năm sinh / Date of birth: 161121977", 560, 530)]
    f = classify([page(rows)]).fields["date_of_birth"]
    assert f["value"] == "1977-12-16" and "date_slash_misread" in f["review_reasons"]
    rows = [*FRONT[:4], ("Ngày, tháng, năm sinh / Date of birth: 25J08I2003", 560, 530)]
    f = classify([page(rows)]).fields["date_of_birth"]  # slashes read as "J" and "I"
    assert f["value"] == "2003-08-25" and "date_slash_misread" in f["review_reasons"]
    # Nine digits that no single slash makes a date of are no date: an old card's number.
    rows = [*FRONT[:4], ("Ngày, tháng, năm sinh / Date of birth: 247129885", 560, 530)]
    assert classify([page(rows)]).fields.get("date_of_birth", {}).get("value") is None


def test_old_card_whose_title_lost_a_word_to_glare_and_its_back_are_citizen_ids():
    front = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 700, 80),
        ("GIẤY CHỨNG MINH \\:ˆ*' DẦN", 700, 200),  # the laminate's glare took "NHÂN"
        ("Số 247129885", 700, 300),
        ("Họ tên DƯƠNG HỒNG HOA", 500, 400),
        ("Sinh ngày 13-07-1985", 500, 470),
        ("Nguyên quán Hiệp Bình Chánh, Thủ Đức, Hồ Chí Minh", 500, 540),
        ("Nơi ĐKHK thường trú Thôn 8, Hòa Phước, Hòa Vang,", 500, 610),
    ]
    out = classify([page(front)])
    assert out.document_type["code"] == "citizen_id"
    assert out.fields["id_number"]["value"] == "247129885"
    assert out.fields["date_of_birth"]["value"] == "1985-07-13"
    back = [
        ("Dân tộc: Kinh Tôn giáo: Không", 100, 80),
        ("DẤU VẾT RIÊNG VÀ DỊ HÌNH", 100, 160),
        ("Nốt ruồi cách 2cm dưới đuôi mắt trái", 100, 230),
        ("NGÓN TRỎ TRÁI", 1100, 80),
        ("NGÓN TRỎ PHẢI", 1500, 80),
        ("Ngày 12 tháng 05 năm 2010", 200, 700),
        ("GIÁM ĐỐC CÔNG AN TỈNH", 200, 760),
    ]
    assert classify([page(back)]).document_type["code"] == "citizen_id"
    # A personal record form shares the front's labels but not its title or fingerprints.
    form = [("Sinh ngày 13-07-1985", 500, 470), ("Nguyên quán Hà Nội", 500, 540)]
    assert classify([page(form)]).document_type["code"] != "citizen_id"


def test_the_back_of_a_2024_card_is_known_by_its_zone_and_its_address_read_under_its_label():
    """The 2024 card's back prints no title: its labels, the issuing ministry and the zone.
    A verified zone issued by VNM makes it a citizen ID; the residence under its label
    starts with a house number ("Số 12"), which is no ID label."""
    person = random_person(random.Random(5))
    expiry = person.date_of_birth.replace(year=person.date_of_birth.year + 60)
    zone = mrz_lines(person, expiry)
    back = [
        ("Nơi cư trú / Place of residence:", 60, 80),
        ("Số 12, Đồng Xuân, Hoàn Kiếm, Hà Nội", 60, 130),
        ("Nơi đăng ký khai sinh / Place of birth:", 60, 200),
        ("Hoàn Kiếm, Hà Nội", 60, 250),
        ("Ngày, tháng, năm cấp / Date of issue: 15/08/2024", 60, 320),
        ("BỘ CÔNG AN", 200, 440),
        (zone[0], 60, 700),
        (zone[1], 60, 750),
        (zone[2], 60, 800),
    ]
    out = classify([page(back)])
    assert out.document_type["code"] == "citizen_id"
    f = out.fields
    assert f["place_of_residence"]["value"] == "Số 12, Đồng Xuân, Hoàn Kiếm, Hà Nội"
    assert f["issue_date"]["value"] == "2024-08-15"
    assert f["id_number"]["value"] == person.id_number
    assert "mrz_only" in f["id_number"]["review_reasons"]  # no number printed to compare
    assert f["expiry_date"]["value"] == expiry.isoformat()
    # A zone that does not verify, or another state's, makes no card of the page by itself...
    bad_zone = [(zone[0][:6] + "7" + zone[0][7:], 60, 700), (zone[1][:-1] + "0", 60, 750)]
    assert classify([page([back[5], *bad_zone])]).document_type["code"] == "unknown"
    # ... but the back's bilingual labels still name it, unsure, and nothing comes from the zone.
    out = classify([page([*back[:-3], ("MINISTRY OF PUBLIC SECURITY", 180, 480), *bad_zone])])
    assert out.document_type["code"] == "citizen_id"
    assert out.document_type["confidence"] < 0.9
    assert "id_number" not in out.fields or out.fields["id_number"]["value"] != person.id_number


def test_mrz_row_with_a_speck_or_without_its_first_row():
    rows = [
        "IDVNMO981785372031098178537<<<",
        "O9805183M3805181VNM<<<<<<<<<<<G",  # a speck of the card's edge read as "O"
        "PHAN<<QUOC<THANH<HAI<<<<<<<<<<",
    ]
    data = parse_td1(rows)
    assert data is not None and data.id_number == "031098178537"
    assert (data.date_of_birth, data.sex, data.expiry_date) == ("1998-05-18", "Nam", "2038-05-18")
    alone = parse_td1(rows[1:])  # the first row lost: the dates still verify on their own
    assert alone is not None and alone.id_number is None
    assert (alone.date_of_birth, alone.expiry_date) == ("1998-05-18", "2038-05-18")
    assert parse_td1(["O9805183M3805182VNM<<<<<<<<<<<G"]) is None  # a broken check digit


def test_mrz_issuer_one_letter_off_viet_nams_is_viet_nam():
    """ "IDWNM...": OCR-B's V read as W on a card back; the zone verifies, so the card is ours.
    Another state's code stays its own."""
    rows = ["IDWNMO981785372031098178537<<<", "O9805183M3805181VNM<<<<<<<<<<<G"]
    data = parse_td1(rows)
    assert data is not None and data.issuer == "VNM" and data.id_number == "031098178537"
    other = parse_td1(["IDUSAO981785372031098178537<<<", rows[1]])
    assert other is not None and other.issuer == "USA"


def test_mrz_second_row_that_lost_its_first_digit_at_the_edge():
    """ "ö307266F4..." for "8307266F4...": the sex stands where the birth date's check digit
    should; the one digit that makes that check verify (with the expiry's) is put back."""
    rows = ["IDWVNM186350855090092163086509<<<", "307266F4307268VNM<<<<<<<<<<<09"]
    data = parse_td1(rows)
    assert data is not None and data.id_number is None  # the first row reads no valid number
    assert (data.date_of_birth, data.sex, data.expiry_date) == ("1983-07-26", "Nữ", "2043-07-26")
    assert parse_td1(["307266F4307269VNM<<<<<<<<<<<09"]) is None  # the expiry's check fails


def test_generated_mrz_carries_valid_check_digits():
    person = random_person(random.Random(3))
    expiry = person.date_of_birth.replace(year=person.date_of_birth.year + 40)
    data = parse_td1(list(mrz_lines(person, expiry)))
    assert data is not None
    assert data.id_number == person.id_number
    assert data.date_of_birth == person.date_of_birth.isoformat()
    assert data.sex == person.sex
    assert data.expiry_date == expiry.isoformat()


def test_mrz_of_a_card_without_expiry_still_gives_the_id_and_sex():
    """A card issued after its holder turned 60 has no expiry: the zone prints filler there,
    with the check digit 0, and the other values still verify."""
    person = random_person(random.Random(5))
    rows = list(mrz_lines(person, None))
    assert rows[1][8:15] == "<<<<<<0"
    assert icao.checks_passed(rows) == 4
    data = parse_td1(rows)
    assert data is not None and data.expiry_date is None
    assert (data.id_number, data.sex) == (person.id_number, person.sex)
    assert icao.checks_passed([rows[0], rows[1].replace("<<<<<<0", "<<<<<<7")]) == 2


def test_a_broken_zone_is_read_again_in_its_own_characters():
    """The page's reading turned a digit of the zone into two ("3038" as "350358"): the
    zone cut out and read with only A-Z, 0-9 and '<' allowed verifies again, and the ID comes
    out of it; a zone that verifies is not read twice."""
    card = render_card("chip_back", random.Random(7), 300)
    image = cv2.cvtColor(np.asarray(card.image.convert("RGB")), cv2.COLOR_RGB2BGR)
    words = tesseract.recognize(image, lang="vie", dpi=300)
    rows = mrzzone.zone_rows(words)
    assert len(rows) == 3 and rows[0][0].text.startswith("IDVNM")
    whole, again = mrzzone.reread_zone(image, words, scale=1.0, lang="vie", timeout=60, what="t")
    assert not again and whole is words
    first = rows[0][0]
    broken = [
        dataclasses.replace(w, text=w.text[:18] + "5" + w.text[18:]) if w is first else w
        for w in words
    ]
    h, w = image.shape[:2]
    before = classify([PageResult(0, w, h, 300.0, broken, page_text(broken), "ocr", {})])
    assert "id_number" not in before.fields or before.fields["id_number"]["value"] is None
    mended, again = mrzzone.reread_zone(image, broken, scale=1.0, lang="vie", timeout=60, what="t")
    assert again
    after = classify([PageResult(0, w, h, 300.0, mended, page_text(mended), "ocr", {})])
    assert after.fields["id_number"]["value"] == card.fields["id_number"]
    assert after.fields["date_of_birth"]["value"] == card.fields["date_of_birth"]


def test_card_officer_name_is_checked_like_a_signer():
    """The officer's name under the title: a surname's marks misread are put right and
    flagged; a name off the title's centre lost a syllable to the seal and is flagged."""
    title = [
        ("CỤC TRƯỞNG CỤC CẢNH SÁT", 200, 320),
        ("QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 120, 370),
        ("Ngày, tháng, năm / Date, month, year: 10/08/2021", 60, 240),
    ]
    # The title block spans 120-720 (centre 420); each name below is centred on it or not.
    out = classify([page([*title, ("Chữ Hữu Phúc", 420 - 117, 620)])]).fields["signer"]
    assert out["value"] == "Chu Hữu Phúc" and out["needs_review"] is True
    assert "name_syllable_respelled" in out["review_reasons"]
    whole = classify([page([*title, ("Trần Mai Hà", 420 - 93, 620)])]).fields["signer"]
    assert whole["value"] == "Trần Mai Hà" and whole["needs_review"] is False
    cut = classify([page([*title, ("Mai Hà", 420 - 93 + 84, 620)])]).fields["signer"]
    assert cut["value"] == "Mai Hà" and "signer_off_centre" in cut["review_reasons"]


# --- photographed cards through the pipeline ---------------------------------------------------


def _read(kind: str, seed: int, sideways: bool = False):
    card = render_card(kind, random.Random(seed), 600)
    data, _dpi = photograph(card.image, card.dpi, random.Random(seed + 1), laminated=card.laminated)
    if sideways:
        data = _stored_sideways(data)
    doc = open_document(None, data, max_pixels=120_000_000, pdf_dpi=300, name="card.jpg")
    pages = [
        complete_page(ready, lang="vie", timeout=120).result
        for ready in prepared_pages(doc.pages(), lang="vie", timeout=120, name="card.jpg")
    ]
    return card, data, pages, classify(pages)


def _stored_sideways(jpeg: bytes) -> bytes:
    """The photo as phones store it when held upright over a card: pixels a quarter turn
    off, and an EXIF orientation tag (6: turn clockwise to show) saying so."""
    image = Image.open(io.BytesIO(jpeg)).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif)
    return out.getvalue()


@pytest.fixture(scope="module")
def chip_front():
    return _read("chip_front", 11)


def test_qr_code_is_decoded_from_the_photo_quickly(chip_front):
    card, data, pages, _out = chip_front
    assert card.payload and pages[0].codes == [card.payload]
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert barcodes.decode(image) == [card.payload]
    assert barcodes.decode(np.full((400, 600), 255, np.uint8)) == []


def test_a_soft_code_photographed_from_arm_s_length_decodes_enlarged_three_times(monkeypatch):
    """A card 35-55% of the frame, slightly soft: its code's modules are about two pixels on
    the straightened card, and decode only when its corner is enlarged three times."""
    from bench.bench_cards import photo_bytes
    from digitize.reading import prepare_page

    data, card = photo_bytes(215, "far", "chip_front", 0)
    doc = open_document(None, data, max_pixels=120_000_000, pdf_dpi=300, name="card.jpg")
    display = prepare_page(next(iter(doc.pages())), lang="vie", timeout=60, name="c").prep.display
    assert barcodes.decode(display) == [card.payload]
    monkeypatch.setattr(barcodes, "ENLARGE", barcodes.ENLARGE[:1])
    assert barcodes.decode(display) == []


def test_chip_front_photo_fields_filled_exactly_from_its_code(chip_front):
    card, _data, _pages, out = chip_front
    assert out.document_type["code"] == "citizen_id"
    f = out.fields
    for name in ("id_number", "full_name", "date_of_birth", "sex", "place_of_residence"):
        assert f[name]["value"] == card.fields[name], name
        assert f[name]["needs_review"] is False, name
    assert f["issue_date"]["value"] == card.fields["issue_date"]
    assert f["old_id_number"]["value"] == card.fields["old_id_number"]
    # Printed only, bottom left under the portrait: read from the print.
    assert f["expiry_date"]["value"] == card.fields["expiry_date"]
    assert f["place_of_origin"]["value"] == card.fields["place_of_origin"]


def test_sideways_stored_photo_is_turned_by_its_exif_tag_and_read():
    card, _data, pages, out = _read("chip_front", 12, sideways=True)
    assert pages[0].width > pages[0].height  # shown the way the tag says: landscape
    assert pages[0].codes == [card.payload]
    assert out.document_type["code"] == "citizen_id"
    assert out.fields["id_number"]["value"] == card.fields["id_number"]
    assert out.fields["date_of_birth"]["value"] == card.fields["date_of_birth"]


def test_chip_back_photo_is_a_citizen_id_with_issue_date_and_officer():
    card, _data, _pages, out = _read("chip_back", 5)
    assert out.document_type["code"] == "citizen_id"
    f = out.fields
    assert f["issue_date"]["value"] == card.fields["issue_date"]
    assert f["signer"]["value"] == card.fields["signer"]
    for name in ("id_number", "date_of_birth", "sex", "expiry_date"):
        assert f[name]["value"] == card.fields[name], name  # from the verified MRZ


def test_old_laminated_card_photo_is_a_citizen_id():
    card, _data, _pages, out = _read("old_front", 11)
    assert card.laminated
    assert out.document_type["code"] == "citizen_id"
    for name in ("id_number", "full_name", "date_of_birth", "place_of_residence"):
        assert out.fields[name]["value"] == card.fields[name], name


def test_old_card_typed_on_a_typewriter_is_read():
    """Older cards carry serif labels and values typed in off the dotted lines (seed 20 draws
    such a card, laminated)."""
    card, _data, _pages, out = _read("old_front", 20)
    for name in ("id_number", "full_name", "date_of_birth", "place_of_residence"):
        assert out.fields[name]["value"] == card.fields[name], name


@pytest.mark.parametrize("seed", [26, 27, 31])
def test_old_card_print_beside_the_portraits_seal_is_read_whole(seed):
    """The old card's red number and its name run past the small seal on the portrait: the
    seal zone's strips would cut them ("Số 32114"), so those lines keep the page's reading."""
    card, _data, pages, out = _read("old_front", seed)
    for name in ("id_number", "full_name", "date_of_birth"):
        assert out.fields[name]["value"] == card.fields[name], name
    assert pages[0].text.count(card.fields["id_number"]) == 1


def test_driving_licence_photo_with_bilingual_labels():
    card, _data, _pages, out = _read("licence", 5)
    assert out.document_type["code"] == "driving_license"
    for name in ("document_number", "full_name", "date_of_birth", "license_class"):
        assert out.fields[name]["value"] == card.fields[name], name


def test_qr_payload_of_the_generator_is_what_cards_hold():
    person = random_person(random.Random(8))
    payload = qr_payload(person, "", person.date_of_birth)
    code = parse_payload(payload)
    assert code is not None and code.id_number == person.id_number
    assert code.full_name == person.full_name and code.old_id_number is None


def test_the_english_gloss_of_a_misread_bilingual_label_still_labels_its_value():
    """A 2024 card photographed from afar: "Giới tính / Sex: Nam" read "ớt tộc ( Sex Nam", its
    Vietnamese half lost, its slash read as a bracket. "Sex" after the slash is the label."""
    rows = [
        ("CĂN CƯỚC", 700, 200),
        ("Số định danh cá nhân / Personal identification number: 048208460917", 560, 330),
        ("ớt tộc ( Sex Nam Quốc 9c ( Naÿcvuðty Việt Nam", 560, 600),
    ]
    assert classify([page(rows)]).fields["sex"]["value"] == "Nam"
    # The word in running text, with no slash before it, is no label.
    rows[2] = ("ớt tộc Sex Nam Quốc 9c Naÿcvuðty Việt Nam", 560, 600)
    assert "sex" not in classify([page(rows)]).fields
