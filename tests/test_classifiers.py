"""Classifiers: types, fields, validators and the catalogue, on pages built in code.

Pages are lists of words with boxes, as the OCR gives them, so each behaviour (dot leaders,
wrapped addresses, the Decree 30 header) is tested without Tesseract. One end-to-end test at the
end reads a few generated pages with real OCR.
"""

from __future__ import annotations

import dataclasses
import random
import time
from pathlib import Path

import pytest

from classifiers import classify, validators
from classifiers.catalogue import load
from classifiers.names import check_name
from classifiers.validators import (
    document_number,
    enterprise_code,
    id_agrees,
    parse_date,
    phone,
    printed,
)
from classifiers.vntext import fold, tone_key
from digitize.errors import ConfigError
from digitize.models import PageResult, Word
from tests.pages import word_page

HEADER = [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 700, 200),
    ("Độc lập - Tự do - Hạnh phúc", 850, 270),
]


def page(rows: list[tuple[str, int, int]], conf: float = 0.95) -> PageResult:
    """A first page read as the words of ``rows``, every word at confidence ``conf``."""
    return word_page(rows, conf=conf)


def application(*rows: tuple[str, int, int]) -> PageResult:
    return page([*HEADER, ("ĐƠN ĐỀ NGHỊ CẤP BẢN SAO", 700, 420), *rows])


# --- matching keys ---------------------------------------------------------------------------


def test_fold_ignores_diacritics_tone_placement_and_case():
    assert fold("HÒA") == fold("HOÀ") == fold("hoa") == "hoa"
    assert fold("Đặng") == "dang"
    assert fold("12/QĐ-UBND") == "12/qd ubnd"


def test_tone_key_folds_placement_but_keeps_marks():
    assert tone_key("HÒA") == tone_key("hoà")
    assert tone_key("uỷ") == tone_key("ủy")
    assert tone_key("Nguyễn") != tone_key("Nguyên")


# --- types -----------------------------------------------------------------------------------


def test_title_read_with_ocr_errors_is_still_found():
    card = page(
        [
            ("CĂN CUỚC CÔNG DẦN", 800, 500),
            ("Số / No.: 001092012345", 900, 650),
            ("Họ và tên / Full name:", 900, 720),
            ("NGUYỄN VĂN AN", 900, 780),
            ("Có giá trị đến:", 500, 1100),
        ]
    )
    out = classify([card])
    assert out.document_type["code"] == "citizen_id"
    assert out.fields["id_number"]["value"] == "001092012345"
    assert out.fields["full_name"]["value"] == "NGUYỄN VĂN AN"


def test_title_broken_over_two_lines_is_still_found():
    card = [
        ("CĂN", 900, 300),
        ("CƯỚC CÔNG DÂN", 800, 360),
        ("Số / No.: 001092012345", 900, 500),
        ("Họ và tên / Full name:", 900, 580),
        ("NGUYỄN VĂN AN", 900, 640),
    ]
    out = classify([page(card)])
    assert out.document_type["code"] == "citizen_id"
    # Two lines far apart are not one title.
    apart = [("CĂN", 900, 300), ("CƯỚC CÔNG DÂN", 800, 900), ("Họ và tên: An", 300, 1500)]
    assert classify([page(apart)]).document_type["code"] != "citizen_id"


def test_decree30_header_alone_is_no_evidence():
    out = classify([page(HEADER)])
    assert out.document_type["code"] == "unknown"
    assert out.fields == {}


def test_blank_and_unrelated_pages_are_unknown():
    assert classify([page([])]).document_type["code"] == "unknown"
    prose = page(
        [
            ("Ghi chép cuối tuần", 900, 300),
            ("Mùa mưa năm nay đến sớm hơn mọi năm, nhiều tuyến đường bị ngập.", 300, 500),
            ("Thư viện mở cửa từ tám giờ sáng đến năm giờ chiều.", 300, 570),
        ]
    )
    assert classify([prose]).document_type["code"] == "unknown"


def test_title_low_on_the_page_counts_less_than_at_the_top():
    top = classify([page([("QUYẾT ĐỊNH", 1000, 600), ("Căn cứ Luật", 300, 700)])])
    low = classify([page([("Căn cứ Luật", 300, 700), ("QUYẾT ĐỊNH", 1000, 3000)])])
    assert top.document_type["code"] == "decision"
    assert low.document_type["confidence"] < top.document_type["confidence"]


# --- fields ----------------------------------------------------------------------------------


def test_dot_leaders_are_cut_from_values():
    out = classify(
        [
            application(
                ("Họ và tên: Bùi Quang Hải ...................... 2222e", 300, 700),
                ("Số điện thoại: 0354298778......... ee", 300, 780),
            )
        ]
    )
    assert out.fields["full_name"]["value"] == "Bùi Quang Hải"
    assert out.fields["phone"]["value"] == "0354298778"


def test_wrapped_address_is_joined_and_stops_at_the_next_label():
    out = classify(
        [
            application(
                ("Nơi cư trú: Số 12 đường Lê Lợi, Phường Vĩnh Ninh, Thành", 300, 700),
                ("phố Huế, Tỉnh Thừa Thiên Huế", 300, 780),
                ("Số điện thoại: 0354298778", 300, 860),
            )
        ]
    )
    assert out.fields["place_of_residence"]["value"] == (
        "Số 12 đường Lê Lợi, Phường Vĩnh Ninh, Thành phố Huế, Tỉnh Thừa Thiên Huế"
    )


def test_wrapped_line_read_twice_over_flags_the_value():
    # Tesseract read the wrapped row twice, in two overlapping pieces: which words belong to
    # the address is a guess.
    rows = (
        ("Nơi cư trú: Số 12 đường Lê Lợi, Phường Vĩnh Ninh, Thành", 300, 700),
        ("phố Huế, Tỉnh Thừa Thiên Huế", 300, 780),
        ("Số điện thoại: 0354298778", 300, 900),
    )
    clean = classify([application(*rows)]).fields["place_of_residence"]
    assert clean["needs_review"] is False
    twice = classify([application(*rows, ("Huế, Tỉnh Thừa", 420, 790))])
    assert twice.fields["place_of_residence"]["review_reasons"] == ["line_read_twice"]


def test_wrapped_value_back_at_the_label_edge_on_a_skewed_line():
    """A household book prints the address beside its label and wraps it back to the label's
    left edge; on a skewed photo the long first line is much taller than its text."""
    rows = [("SỔ HỘ KHẨU", 900, 200), ("Địa chỉ: Số 138, ngõ 121 đại lộ Lê Lợi, Tỉnh", 160, 300)]
    book = page([*rows, ("Thanh Hóa", 160, 430), ("Họ và tên chủ hộ: TRỊNH QUỐC LONG", 160, 520)])
    line = [i for i, w in enumerate(book.words) if w.top == 300]
    for k, i in enumerate(line):  # the line climbs 8 px a word: 3 text heights from top to end
        book.words[i] = dataclasses.replace(book.words[i], top=300 + 8 * k)
    out = classify([book])
    assert out.fields["address"]["value"] == "Số 138, ngõ 121 đại lộ Lê Lợi, Tỉnh Thanh Hóa"


def test_value_on_the_line_below_a_card_label():
    card = page(
        [
            ("CĂN CƯỚC CÔNG DÂN", 800, 500),
            ("Họ và tên / Full name:", 900, 720),
            ("TRẦN THỊ BÌNH", 900, 780),
            ("Ngày sinh / Date of birth: 05/03/1990", 900, 850),
        ]
    )
    out = classify([card])
    assert out.fields["full_name"]["value"] == "TRẦN THỊ BÌNH"
    assert out.fields["date_of_birth"]["value"] == "1990-03-05"


def test_inline_labels_split_a_line():
    out = classify([application(("Ngày, tháng, năm sinh: 26/01/2001 Giới tính: Nữ", 300, 700))])
    assert out.fields["date_of_birth"]["value"] == "2001-01-26"
    assert out.fields["sex"]["value"] == "Nữ"


def test_id_disagreeing_with_birth_year_or_sex_is_flagged():
    out = classify(
        [
            application(
                ("Họ và tên: Bùi Quang Hải", 300, 700),
                ("Ngày, tháng, năm sinh: 26/01/2001 Giới tính: Nam", 300, 780),
                ("Số định danh cá nhân: 074199169395", 300, 860),
            )
        ]
    )
    assert out.fields["id_number"]["review_reasons"] == ["id_birth_year_mismatch"]
    assert out.fields["date_of_birth"]["review_reasons"] == ["id_birth_year_mismatch"]
    assert id_agrees("074201169395", "2001-01-26", "Nam") is True
    assert id_agrees("074301169395", "2001-01-26", "Nam") is False  # female code
    assert id_agrees("074201169395", "2002-01-26", None) is False


def test_sex_missing_is_offered_from_an_agreeing_id_for_review():
    out = classify(
        [
            application(
                ("Ngày, tháng, năm sinh: 26/01/2001", 300, 780),
                ("Số định danh cá nhân: 074301169395", 300, 860),
            )
        ]
    )
    assert out.fields["sex"] == {
        "value": "Nữ",
        "confidence": pytest.approx(out.fields["sex"]["confidence"]),
        "needs_review": True,
        "review_reasons": ["sex_inferred_from_id"],
    }


def test_surname_diacritic_error_is_corrected_or_flagged():
    assert check_name("NGUYÊN VĂN AN") == ("NGUYỄN VĂN AN", True)
    assert check_name("Nguyên Văn An")[0] == "Nguyễn Văn An"
    assert check_name("NGUYỄN VĂN AN")[1] is True
    assert check_name("NGUYỄN THI AN")[1] is True  # "Thi" is a name of its own
    assert check_name("NGUYỄN VÁN AN")[1] is False  # "Vắn"/"Ván" is not a name syllable
    assert check_name("XYZQ VĂN AN")[1] is False


def test_label_read_as_one_word_and_noise_before_a_label():
    """ "Số/No." is one OCR word for a three-word label; specks left of a label do not hide it."""
    card = page(
        [
            ("CĂN CƯỚC CÔNG DÂN", 800, 500),
            ("Số/No. 001092012345", 900, 650),
            ("rẻ Quê quán / Place of origin:", 860, 720),
            ("Phường Vĩnh Ninh, Thành phố Huế, Tỉnh Thừa Thiên Huế", 900, 780),
        ]
    )
    speck = next(i for i, w in enumerate(card.words) if w.text == "rẻ")
    card.words[speck] = dataclasses.replace(card.words[speck], conf=0.07)
    out = classify([card])
    # Read beside its label, not guessed from the lone 12-digit number (which is flagged).
    assert out.fields["id_number"]["value"] == "001092012345"
    assert out.fields["id_number"]["needs_review"] is False
    assert out.fields["place_of_origin"]["value"].startswith("Phường Vĩnh Ninh")


def test_lone_id_without_a_readable_label_is_offered_for_review():
    card = page(
        [
            ("CĂN CƯỚC CÔNG DÂN", 800, 500),
            ("$ đụh đanh cá nhân _ Porsonaf", 900, 650),
            ("075081570350", 900, 720),
            ("Full name", 900, 800),
        ]
    )
    got = classify([card]).fields["id_number"]
    assert got["value"] == "075081570350"
    assert got["review_reasons"] == ["id_without_label"]


MRZ = [
    ("IDVNM0920123452001092012345<<<", 600, 2300),
    ("9203158M3203156VNM<<<<<<<<<<<5", 600, 2360),
    ("NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<", 600, 2420),
]


def test_mrz_check_digits():
    from classifiers.mrz import check_digit

    assert check_digit("092012345") == "2"
    assert check_digit("920315") == "8"
    assert check_digit("L898902C3") == "6"  # the ICAO 9303 specimen
    # The composite digit covers the first row and both dates; one changed digit breaks it.
    covered = "0920123452001092012345<<<" + "9203158" + "3203156" + "<<<<<<<<<<<"
    assert check_digit(covered) == "5"
    assert check_digit(covered.replace("2001", "2007")) != "5"


MRZ_FRONT = [
    ("CĂN CƯỚC CÔNG DÂN", 800, 400),
    ("Số / No.: 001092012845", 900, 500),  # one digit misread
    ("Họ và tên / Full name:", 900, 580),
    ("NGUYỄN VĂN AN", 900, 640),
    ("Ngày sinh / Date of birth: 15/03/1992", 900, 720),
]


def test_mrz_corrects_a_misread_printed_id_and_flags_the_disagreement():
    f = classify([page([*MRZ_FRONT, *MRZ], conf=0.5)]).fields
    assert f["id_number"]["value"] == "001092012345"  # the verified reading replaces it
    assert f["id_number"]["review_reasons"] == ["mrz_disagrees"]  # a clerk sees why


def test_mrz_confirms_a_printed_date_read_unsure():
    f = classify([page([*MRZ_FRONT, *MRZ], conf=0.5)]).fields
    assert f["date_of_birth"]["value"] == "1992-03-15"
    assert f["date_of_birth"]["needs_review"] is False  # 0.5 alone would be flagged
    assert f["sex"]["value"] == "Nam"


def test_mrz_fills_the_expiry_flagged_only_when_the_card_prints_no_label_for_it():
    f = classify([page([*MRZ_FRONT, *MRZ], conf=0.5)]).fields
    assert f["expiry_date"]["value"] == "2032-03-15"  # not printed on the front: from the MRZ
    assert f["expiry_date"]["review_reasons"] == ["mrz_only"]  # nothing to compare it with
    labelled = [*MRZ_FRONT, ("Có giá trị đến / Date of expiry:", 900, 800)]
    out = classify([page([*labelled, *MRZ], conf=0.5)])
    assert out.fields["expiry_date"] == {
        "value": "2032-03-15",
        "confidence": 0.9,
        "needs_review": False,
        "review_reasons": [],
    }


def test_a_misread_mrz_digit_fails_its_check_and_gives_nothing_of_its_field():
    broken = [MRZ[0], ("9203168M3203156VNM<<<<<<<<<<<5", 600, 2360), MRZ[2]]
    out = classify([page([*MRZ_FRONT, *broken], conf=0.5)])
    assert "expiry_date" in out.fields  # the expiry's own check still holds
    assert "ocr_unsure" in out.fields["date_of_birth"]["review_reasons"]


def test_a_citizen_card_implies_vietnamese_nationality():
    card = [
        ("CĂN CƯỚC CÔNG DÂN", 800, 400),
        ("Số / No.: 001092012345", 900, 500),
        ("Họ và tên / Full name:", 900, 580),
        ("NGUYỄN VĂN AN", 900, 640),
        ("Ngày sinh / Date of birth: 15/03/1992", 900, 720),
    ]
    out = classify([page([*card, ("QUỐC li xaðox@0y ViệtNan", 900, 800)])])
    assert out.document_type["confidence"] >= 0.9
    assert out.fields["nationality"] == {
        "value": "Việt Nam",
        "confidence": 0.99,
        "needs_review": False,
        "review_reasons": [],
    }
    # A nationality read that is not the one the card implies goes to a clerk.
    out = classify([page([*card, ("Quốc tịch / Nationality: Lào", 900, 800)])])
    assert out.fields["nationality"]["value"] == "Việt Nam"
    assert out.fields["nationality"]["review_reasons"] == ["implied_disagrees"]
    # Nothing is implied for a type that does not fix it.
    out = classify([application(("Họ và tên: Nguyễn Văn An", 300, 600))])
    assert "nationality" not in out.fields


def test_address_with_a_lost_space_is_unglued_and_flagged():
    value, ok = validators.address("Xã Trâu Quỳ, Huyện Gia Lâm, Thành phố HàNội")
    assert (value, ok) == ("Xã Trâu Quỳ, Huyện Gia Lâm, Thành phố Hà Nội", False)
    assert validators.address("Xã Trâu Quỳ, Huyện Gia Lâm, Thành phố Hà Nội")[1] is True


def test_mrz_name_letters_disagreeing_flag_the_printed_name():
    front = [
        ("CĂN CƯỚC CÔNG DÂN", 800, 400),
        ("Họ và tên / Full name:", 900, 580),
        ("NGUYỄN VĂN ÂN", 900, 640),
    ]
    ok = classify([page([*front, *MRZ])]).fields["full_name"]
    assert ok["needs_review"] is False
    bad = [*front[:2], ("NGUYỄN VĂN AM", 900, 640)]
    assert classify([page([*bad, *MRZ])]).fields["full_name"]["needs_review"] is True


def test_place_names_are_respelled_within_their_district_and_province():
    from classifiers.places import check_place

    got = check_place("Thôn 3, Xã Ea Kênh, Huyện Krông Pác, Tỉnh Đắk Lắk")
    assert got.value == "Thôn 3, Xã Ea Kênh, Huyện Krông Pắc, Tỉnh Đắk Lắk"
    assert (got.matched, got.corrected, got.fuzzy) == (3, 1, 0)
    card = check_place("Thôn 12, Nghi Thạch, Nghỉ Lộc, Nghệ An")
    assert card.value == "Thôn 12, Nghi Thạch, Nghi Lộc, Nghệ An"
    # More than the marks wrong: corrected, but as a guess.
    assert check_place("Xóm 9, Xã Ea Kênh, Huyện Krông Pắc, Tỉnh Đẳằk Lắk").fuzzy == 1
    # An organ's unit: the list says "Lạch Tray" is a ward, so "PHƯƠNG" is "PHƯỜNG".
    assert check_place("ỦY BAN NHÂN DÂN PHƯƠNG LẠCH TRAY").value == (
        "ỦY BAN NHÂN DÂN PHƯỜNG LẠCH TRAY"
    )
    # Abbreviations and lower-case unit words stay as printed.
    assert check_place("Phường 13, Quận Bình Thạnh, TP. Hồ Chí Minh").corrected == 0
    assert check_place("phường Tân Định, quận 1, thành phố Hồ Chí Minh").corrected == 0
    # Names the list does not explain are left alone.
    assert check_place("Số 5 đường Cấm Bình, Xã Hư Cấu").corrected == 0
    # Right as read: the printed tone placement and case stay ("Thủy", the list says "Thuỷ").
    assert check_place("Lưu Kiếm, Thủy Nguyên, Hải Phòng").value == (
        "Lưu Kiếm, Thủy Nguyên, Hải Phòng"
    )
    # A dotted capital I read for "ị" inside a name in lower case is put in the list's case;
    # a part printed in capitals stays in capitals.
    read = "Số 168 phố Hàng Tiện, Phường VỊ Xuyên, Thành phố Nam Định, Tỉnh Nam Định"
    assert check_place(read).value == read.replace("VỊ", "Vị")
    assert check_place(read.upper()).value == read.upper()
    organ = "Ủy ban nhân dân phường An Hải Bắc,.quận Sơn Trà, thành phố Đà Nẵng"
    assert check_place(organ).value == (
        "Ủy ban nhân dân phường An Hải Bắc, quận Sơn Trà, thành phố Đà Nẵng"
    )


def test_a_unit_the_list_no_longer_holds_is_not_turned_into_its_neighbour():
    """The list (January 2025) lacks wards merged before it: "Thắng Lợi" of Buôn Ma Thuột and
    "Nghi Phong" of Nghi Lộc read right are kept, not made "Tân Lợi" or "Nghi Phương" (two
    letters off, but real syllables); a part that is no syllable is still put right."""
    from classifiers.places import check_place

    organ = "Ủy ban nhân dân phường Thắng Lợi, thành phố Buôn Ma Thuột, tỉnh Đắk Lắk"
    assert check_place(organ).value == organ
    assert check_place(organ).fuzzy == 0
    card = check_place("Thôn 11, Nghi Phong, Nghi Lộc, Nghệ An")
    assert (card.value, card.fuzzy) == ("Thôn 11, Nghi Phong, Nghi Lộc, Nghệ An", 0)
    misread = check_place("Phường 5, Thành phố Cà Mau, Gà Mhu")
    assert (misread.value, misread.fuzzy) == ("Phường 5, Thành phố Cà Mau, Cà Mau", 1)


def test_unknown_ward_spelled_unlike_its_neighbours_is_doubtful():
    """The list lacks "Cẩm Vịnh" (merged since); "Cấm" where every ward around is "Cẩm ..."
    is a misread mark the OCR was sure of, so a clerk must look."""
    from classifiers.places import check_place

    misread = check_place("Thôn 10, Xã Cấm Vịnh, Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh")
    assert misread.doubtful == 1
    # Every ward there whose first syllable has these letters spells it "Cẩm" (the district
    # has a "Thiên Cầm" too, second): the likelier spelling is offered, still flagged.
    assert misread.value == "Thôn 10, Xã Cẩm Vịnh, Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh"
    capitals = check_place("THÔN 10, XÃ CẤM VỊNH, HUYỆN CẨM XUYÊN, TỈNH HÀ TĨNH")
    assert (capitals.value, capitals.doubtful) == (
        "THÔN 10, XÃ CẨM VỊNH, HUYỆN CẨM XUYÊN, TỈNH HÀ TĨNH",
        1,
    )
    assert check_place("Thôn 10, Xã Cẩm Vịnh, Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh").doubtful == 0
    row = ("Nơi cư trú: Thôn 10, Xã Cấm Vịnh, Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh", 300, 780)
    assert classify([application(row)]).fields["place_of_residence"]["needs_review"] is True


def test_an_organs_unit_spelled_as_no_unit_of_the_country_is_doubtful():
    """An organ names its ward alone ("ỦY BAN NHÂN DÂN XÃ CẨM BÌNH"): when the list lacks
    that ward (merged since), no district says which names could stand there, but the
    country's unit names spell "cam" as "Cẩm" 184 times and "Cấm" 4: a clerk looks."""
    from classifiers.places import check_place

    assert check_place("ỦY BAN NHÂN DÂN XÃ CẤM BÌNH").doubtful == 1
    assert check_place("ỦY BAN NHÂN DÂN XÃ CẨM BÌNH").doubtful == 0
    assert check_place("CÔNG AN PHƯỜNG CẨM BÌNH").doubtful == 0
    # Words that are no unit's name are not judged this way.
    assert check_place("Số 5 đường Cấm Bình").doubtful == 0


def test_case_errors_in_capitals():
    from classifiers.phrases import check_phrases
    from classifiers.validators import printed

    assert check_phrases("CÔNG TY cổ PHẦN XÂY DỰNG").value == "CÔNG TY CỔ PHẦN XÂY DỰNG"
    assert printed("CÔNG TY TNHH vận TẢI MINH AN") == ("CÔNG TY TNHH vận TẢI MINH AN", False)
    assert printed("Số 12 đường Lê Lợi, Phường 13") == ("Số 12 đường Lê Lợi, Phường 13", True)
    assert printed("Thôn 7,, Xã Minh Tân") == ("Thôn 7, Xã Minh Tân", True)


def test_two_units_read_run_together_are_put_apart_and_flagged():
    """A card's small comma lost between a ward and its district, or a district and its
    province: the list knows both, one inside the other, so the comma is put back."""
    from classifiers.places import check_place

    got = check_place("Số 12 đường Lê Lợi, Phường Võ Thị Sáu Quận 3, Thành phố Hồ Chí Minh")
    assert got.value == "Số 12 đường Lê Lợi, Phường Võ Thị Sáu, Quận 3, Thành phố Hồ Chí Minh"
    assert "place_comma_restored" in [f.code for f in got.flags] and got.matched == 3
    got = check_place("Thôn 11, Xã Kỳ Tân, Huyện Kỳ Anh Tỉnh Hà Tĩnh")
    assert got.value == "Thôn 11, Xã Kỳ Tân, Huyện Kỳ Anh, Tỉnh Hà Tĩnh"
    # Read right, nothing is restored; an organ's name (no comma printed) is left whole.
    assert not check_place("Thôn 11, Xã Kỳ Tân, Huyện Kỳ Anh, Tỉnh Hà Tĩnh").flags
    organ = check_place("ỦY BAN NHÂN DÂN HUYỆN KỲ ANH TỈNH HÀ TĨNH")
    assert organ.value == "ỦY BAN NHÂN DÂN HUYỆN KỲ ANH TỈNH HÀ TĨNH"
    # A ward of another district does not split: the words stay as read.
    other = check_place("Thôn 11, Phường Võ Thị Sáu Huyện Kỳ Anh, Tỉnh Hà Tĩnh")
    assert "place_comma_restored" not in [f.code for f in other.flags]


def test_address_misread_in_a_place_name_is_corrected_and_confirmed():
    out = classify(
        [
            application(
                ("Họ và tên: Bùi Quang Hải", 300, 700),
                ("Nơi cư trú: Thôn 3, Xã Ea Kênh, Huyện Krông Pác, Tỉnh Đắk Lắk", 300, 780),
            )
        ]
    )
    got = out.fields["place_of_residence"]
    assert got["value"] == "Thôn 3, Xã Ea Kênh, Huyện Krông Pắc, Tỉnh Đắk Lắk"
    assert got["needs_review"] is False


def test_known_phrases_are_respelled_and_single_syllables_are_not():
    from classifiers.phrases import check_phrases

    got = check_phrases("Về việc thành lập Tố công tác số hóa hồ sơ, kết quá giải quyết")
    assert got.value == "Về việc thành lập Tổ công tác số hóa hồ sơ, kết quả giải quyết"
    assert check_phrases("ỦY BẠN NHÂN DÂN HUYỆN CỦ CHI").value == "ỦY BAN NHÂN DÂN HUYỆN CỦ CHI"
    assert check_phrases("bản đồ").value == "bản đồ"
    # Punctuation inside the run means it is not the phrase.
    assert check_phrases("kết, quá").value == "kết, quá"


def test_name_syllable_with_several_spellings_read_unsure_is_flagged():
    rows = [("Họ và tên: TRỊNH THỦY LAN", 300, 700)]
    sure = classify([application(*rows)]).fields["full_name"]
    assert sure == {
        "value": "TRỊNH THỦY LAN",
        "confidence": 0.95,
        "needs_review": False,
        "review_reasons": [],
    }
    unsure = page([*HEADER, ("ĐƠN ĐỀ NGHỊ CẤP BẢN SAO", 700, 420), *rows])
    unsure.words[-2] = dataclasses.replace(unsure.words[-2], conf=0.84)
    assert unsure.words[-2].text == "THỦY"
    assert classify([unsure]).fields["full_name"]["review_reasons"] == ["name_marks_doubtful"]


def test_well_formed_date_and_sex_tolerate_ocr_doubt_but_not_much():
    rows = [("Ngày, tháng, năm sinh: 29/12/1994 Giới tính: Nữ", 300, 700)]
    agreeing = [*rows, ("Số định danh cá nhân: 001194012345", 300, 780)]
    doubtful = classify([page([*HEADER, ("ĐƠN ĐỀ NGHỊ", 700, 420), *agreeing], conf=0.8)])
    assert doubtful.fields["date_of_birth"]["needs_review"] is False
    assert doubtful.fields["sex"]["needs_review"] is False
    unsure = classify([page([*HEADER, ("ĐƠN ĐỀ NGHỊ", 700, 420), *rows], conf=0.4)])
    assert unsure.fields["date_of_birth"]["needs_review"] is True
    assert unsure.fields["sex"]["needs_review"] is True
    # A date that needed a repair stays flagged however sure the OCR was.
    repaired = [("Ngày, tháng, năm sinh: 29I12I1994", 300, 700)]
    assert classify([application(*repaired)]).fields["date_of_birth"]["needs_review"] is True


def test_doubtful_date_needs_another_reading_to_pass():
    """A valid-looking date read at 0.8 is only trusted when the ID's birth year vouches."""
    rows = [("Ngày, tháng, năm sinh: 29/12/1994", 300, 700)]
    alone = classify([page([*HEADER, ("ĐƠN ĐỀ NGHỊ", 700, 420), *rows], conf=0.8)])
    assert alone.fields["date_of_birth"]["needs_review"] is True
    other_year = [*rows, ("Số định danh cá nhân: 001184012345", 300, 780)]
    disagree = classify([page([*HEADER, ("ĐƠN ĐỀ NGHỊ", 700, 420), *other_year], conf=0.8)])
    assert disagree.fields["date_of_birth"]["needs_review"] is True
    same_year = [*rows, ("Số định danh cá nhân: 001194012345", 300, 780)]
    agree = classify([page([*HEADER, ("ĐƠN ĐỀ NGHỊ", 700, 420), *same_year], conf=0.8)])
    assert agree.fields["date_of_birth"]["needs_review"] is False
    assert agree.fields["date_of_birth"]["confidence"] > alone.fields["date_of_birth"]["confidence"]


def test_notation_confirmed_by_type_and_issuer_leaves_the_digits_to_decide():
    from classifiers.decree30 import initials

    assert initials("SỞ KẾ HOẠCH VÀ ĐẦU TƯ") == "SKHĐT"
    rows = [
        ("BỘ TÀI CHÍNH", 250, 200),
        *HEADER,
        ("Số: 1038 /QĐ-BTC", 260, 360),
        ("Hà Nội, ngày 05 tháng 7 năm 2021", 1300, 360),
        ("QUYẾT ĐỊNH", 1000, 600),
        ("Căn cứ Luật Tổ chức chính quyền địa phương;", 300, 930),
    ]
    doc = page(rows)
    for i, w in enumerate(doc.words):
        if w.text in ("/QĐ-BTC", "1038"):
            doc.words[i] = dataclasses.replace(w, conf=0.75 if w.text != "1038" else 0.95)
    number = classify([doc]).fields["document_number"]
    assert number["value"] == "1038/QĐ-BTC"
    assert number["needs_review"] is False
    # Unsure digits stay flagged, however well the notation is confirmed.
    for i, w in enumerate(doc.words):
        if w.text == "1038":
            doc.words[i] = dataclasses.replace(w, conf=0.6)
    assert classify([doc]).fields["document_number"]["needs_review"] is True
    # A notation the issuer does not explain keeps its own doubt.
    other = page([("SỞ TƯ PHÁP", 250, 200), *rows[1:]])
    for i, w in enumerate(other.words):
        if w.text == "/QĐ-BTC":
            other.words[i] = dataclasses.replace(w, conf=0.75)
    assert classify([other]).fields["document_number"]["needs_review"] is True


# --- validators ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso", "ok"),
    [
        ("ngày 05 tháng 5 năm 2023", "2023-05-05", True),
        ("Hà Nội, ngày 05 tháng 02 năm 2020", "2020-02-05", True),
        ("20/09/1992", "1992-09-20", True),
        ("2O/O9/1992", "1992-09-20", True),
        ("31/02/2020", "2020-02-31", False),
        ("27I06I1987", "1987-06-27", False),
        ("24!09/1969", "1969-09-24", False),
        ("12/1/1961", "1961-01-12", False),  # a one-digit month: a digit was likely lost
    ],
)
def test_dates(text, iso, ok):
    assert parse_date(text) == (iso, ok)


def test_enterprise_code_and_phone():
    assert enterprise_code("0101234567") == ("0101234567", True)
    assert enterprise_code("0101234567-001") == ("0101234567-001", True)
    assert enterprise_code("01012345") == (None, False)
    assert phone("0354 298 778") == ("0354298778", True)
    assert phone("+84 354 298 778") == ("0354298778", True)
    assert phone("035429877") == ("035429877", False)


def test_document_number_with_spaces_around_the_slash():
    assert document_number("123 / QĐ-UBND") == ("123/QĐ-UBND", True)
    assert document_number("05/BNV-VP") == ("05/BNV-VP", True)
    assert document_number("12 /QÐ - UBND") == ("12/QĐ-UBND", True)
    out = classify(
        [
            page(
                [
                    ("ỦY BAN NHÂN DÂN", 250, 200),
                    ("PHƯỜNG AN BIÊN", 260, 270),
                    *HEADER,
                    ("Số: 3114 / QĐ-UBND", 260, 360),
                    ("An Biên, ngày 05 tháng 7 năm 2021", 1300, 360),
                    ("QUYẾT ĐỊNH", 1000, 600),
                    ("Về việc thành lập Tổ công tác số hóa hồ sơ, kết quả giải", 450, 680),
                    ("quyết thủ tục hành chính", 800, 750),
                    ("CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG AN BIÊN", 500, 850),
                    ("Căn cứ Luật Tổ chức chính quyền địa phương;", 300, 930),
                    ("CHỦ TỊCH", 1650, 2400),
                    ("Nguyễn Công Bình", 1600, 2700),
                ]
            )
        ]
    )
    f = {k: v["value"] for k, v in out.fields.items()}
    assert out.document_type["code"] == "decision"
    assert f["document_number"] == "3114/QĐ-UBND"
    assert f["issue_date"] == "2021-07-05"
    assert f["issuer"] == "ỦY BAN NHÂN DÂN PHƯỜNG AN BIÊN"
    assert f["subject"] == (
        "Về việc thành lập Tổ công tác số hóa hồ sơ, kết quả giải quyết thủ tục hành chính"
    )
    assert f["signer"] == "Nguyễn Công Bình"


def _signed(*bottom: tuple[str, int, int]) -> dict[str, dict]:
    rows = [
        ("ỦY BAN NHÂN DÂN", 250, 200),
        ("PHƯỜNG AN BIÊN", 260, 270),
        *HEADER,
        ("Số: 3114/QĐ-UBND", 260, 360),
        ("QUYẾT ĐỊNH", 1000, 600),
        ("TM. ỦY BAN NHÂN DÂN", 1545, 2330),
        ("CHỦ TỊCH", 1650, 2400),
        *bottom,
    ]
    return classify([page(rows)]).fields


def test_signer_fragment_left_by_the_seal_is_flagged():
    """The seal ate "Chu": what is left starts with a surname but sits off the block's centre."""
    whole = _signed(("Chu Hoàng Nam", 1599, 2700))["signer"]
    assert whole["value"] == "Chu Hoàng Nam"
    assert whole["needs_review"] is False
    fragment = _signed(("Hoàng Nam", 1679, 2700))["signer"]
    assert fragment["value"] == "Hoàng Nam"
    assert fragment["needs_review"] is True
    # A syllable cut at its start ("ữu Tùng") is no name at all.
    assert "signer" not in _signed(("ữu Tùng", 1700, 2700))


def test_signer_without_the_authority_lines_above_is_flagged():
    """Seal and signature hid the authority's lines: nothing places the name, so review it."""
    rows = [
        ("ỦY BAN NHÂN DÂN", 250, 200),
        ("PHƯỜNG AN BIÊN", 260, 270),
        *HEADER,
        ("Số: 3114/QĐ-UBND", 260, 360),
        ("QUYẾT ĐỊNH", 1000, 600),
        ("Chu Hoàng Nam", 1599, 2700),
    ]
    signer = classify([page(rows)]).fields["signer"]
    assert signer["value"] == "Chu Hoàng Nam"
    assert signer["needs_review"] is True


def test_signer_line_with_seal_specks_and_a_lost_space():
    noisy = _signed(("— Trần Gia Hùng", 1565, 2700))["signer"]
    assert noisy["value"] == "Trần Gia Hùng"
    assert noisy["needs_review"] is False
    glued = _signed(("Trần ĐìnhAn", 1620, 2700))["signer"]
    assert glued["value"] == "Trần Đình An"
    assert glued["needs_review"] is True  # a repair: a clerk confirms it


def test_an_issuer_cut_to_its_collective_name_is_flagged():
    rows = [
        ("ỦY BAN NHÂN DÂN", 250, 200),
        *HEADER,
        ("Số: 3114/QĐ-UBND", 260, 360),
        ("QUYẾT ĐỊNH", 1000, 600),
    ]
    issuer = classify([page(rows)]).fields["issuer"]
    assert issuer["value"] == "ỦY BAN NHÂN DÂN"
    assert issuer["needs_review"] is True


def test_signer_after_a_seal_stroke_read_as_a_modifier_letter():
    # OCR makes a stroke of the seal into "ˆ" (a modifier letter, which is no letter of a name).
    signer = _signed(("ˆ Chu Hoàng Nam", 1565, 2700))["signer"]
    assert signer["value"] == "Chu Hoàng Nam"


def test_signer_after_scraps_read_as_words_or_with_a_misread_first_letter():
    # Strokes of the signature read as words before the name, and one after it.
    signer = _signed(("và : NV Đoàn Phương Hà vẻ .", 1450, 2700))["signer"]
    assert signer["value"] == "Đoàn Phương Hà"
    assert signer["needs_review"] is True
    signer = _signed(("Irịnh Kim Mai Vân", 1560, 2700))["signer"]
    assert signer["value"] == "Trịnh Kim Mai Vân"
    assert signer["needs_review"] is True
    # The first letter taken away by the seal's ring, the rest read with its marks.
    signer = _signed(("guyễn Phước Bình", 1560, 2700))["signer"]
    assert signer["value"] == "Nguyễn Phước Bình"
    assert "signer_line_repaired" in signer["review_reasons"]
    # A tail several surnames end with ("ương": Dương, Lương, Trương, Vương) names none.
    assert _signed(("ương Văn Hải", 1560, 2700))["signer"]["value"] == "Văn Hải"  # flagged
    # A name inside a sentence of the text, with no signing authority above it, is no signer.
    rows = [
        ("ỦY BAN NHÂN DÂN", 250, 200),
        *HEADER,
        ("Số: 3114/QĐ-UBND", 260, 360),
        ("QUYẾT ĐỊNH", 1000, 600),
        ("hồ sơ của ông Trần Minh Anh", 1300, 1500),
    ]
    assert "signer" not in classify([page(rows)]).fields


def test_signer_with_a_small_capital_read_lower_case_is_repaired_and_flagged():
    signer = _signed(("Trần khánh Tuyết", 1590, 2700))["signer"]
    assert signer["value"] == "Trần Khánh Tuyết"
    assert signer["needs_review"] is True
    signer = _signed(("tạ Minh Lan", 1610, 2700))["signer"]
    assert signer["value"] == "Tạ Minh Lan"
    assert signer["needs_review"] is True
    assert "signer" not in _signed(("lưu văn thư", 1610, 2700))


def test_name_syllable_with_one_known_spelling_is_respelled_and_flagged():
    assert check_name("Nguyễn Thị Hông") == ("Nguyễn Thị Hồng", False)
    assert check_name("TRẦN ĐỨC HIÊU") == ("TRẦN ĐỨC HIÊU", False)  # Hiếu, Hiệu: left as read
    # Both spellings are names: each is read as printed, and neither is doubted.
    assert check_name("Lê Thị Dung") == ("Lê Thị Dung", True)
    assert check_name("Lê Văn Dũng") == ("Lê Văn Dũng", True)


def test_name_syllables_that_are_no_syllable_are_split_or_flagged():
    assert check_name("CAO XUÂNAN") == ("CAO XUÂN AN", False)  # a space OCR lost
    assert check_name("Cao Xuânan") == ("Cao Xuân An", False)
    assert check_name("ÏRẦN XUÂN ĐẠT")[1] is False  # no Vietnamese letter
    assert check_name("Đỗ Thị Ñga")[1] is False
    assert check_name("Nguyễn Thị Ngọc Huyền")[1] is True
    # Two vowels the language never writes together: an "o" read as "a".
    assert check_name("Đoàn Công Haàng Nam")[1] is False
    assert check_name("Đoàn Công Hoàng Nam")[1] is True


def test_a_syllable_is_written_with_a_vowel_group_the_language_has():
    from digitize.lm.syllables import is_syllable, shaped_like_syllable

    for word in ("hoàng", "khuỷu", "xoong", "hoặc", "thuở", "rượu", "yêu", "QUYÉT", "Ea", "II"):
        assert shaped_like_syllable(word), word
    assert all(is_syllable(w) for w in ("hoàng", "khuỷu", "rượu", "quyết", "Ea"))
    for word in ("haàng", "haang", "uoa", "young", "theme"):
        assert not shaped_like_syllable(word) and not is_syllable(word), word
    assert shaped_like_syllable("ngoc") and not is_syllable("ngoc")  # a stop takes sắc or nặng


def test_a_consonant_misread_in_a_name_is_put_right_and_flagged():
    assert check_name("Trịnh Hoàng Irung") == ("Trịnh Hoàng Trung", False)  # I for T
    assert check_name("Phạm Fữu Bình") == ("Phạm Hữu Bình", False)  # F for H: marks kept
    assert check_name("Nguyễn Văn Hùnq") == ("Nguyễn Văn Hùng", False)
    # Several syllables one letter away (Linh, Minh, Vinh...): left as read, and flagged.
    assert check_name("Lê Văn Jinh") == ("Lê Văn Jinh", False)


def _police_header(*organ: tuple[str, int, int]) -> dict[str, dict]:
    rows = [
        *organ,
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1200, 200),
        ("Độc lập - Tự do - Hạnh phúc", 1350, 270),
        ("Số: 7312/XN", 260, 420),
        ("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", 700, 600),
    ]
    return classify([page(rows)]).fields


def test_issuer_below_a_wrapped_or_damaged_parent_organ():
    wrapped = _police_header(
        ("CÔNG AN THÀNH PHỐ HẢI", 200, 200),
        ("PHÒNG", 420, 270),
        ("CÔNG AN PHƯỜNG DƯ HÀNG", 220, 340),
    )
    assert wrapped["issuer"]["value"] == "CÔNG AN PHƯỜNG DƯ HÀNG"
    lost_letter = _police_header(
        ("ÔNG AN TỈNH THỪA THIÊN HUẾ", 200, 200),
        ("CÔNG AN PHƯỜNG PHÚ HỘI", 220, 270),
    )
    assert lost_letter["issuer"]["value"] == "CÔNG AN PHƯỜNG PHÚ HỘI"


def test_specks_read_as_punctuation_in_an_organ_name_go_and_are_flagged():
    issuer = _police_header(
        ("CÔNG AN TỈNH ĐỒNG NAI", 200, 200),
        ("CÔNG AN-THỊ TRẤN LONG: THÀNH", 220, 270),
    )["issuer"]
    assert issuer["value"] == "CÔNG AN THỊ TRẤN LONG THÀNH"
    assert issuer["needs_review"] is True


def test_values_with_a_word_twice_or_a_spacing_mark_are_flagged():
    assert printed("Số 1 đường Lê Lợi, Quận 1 1, Thành phố Hồ Chí Minh")[1] is False
    assert printed("Số 1 đường Lê Lợi, Quận 1, Thành phố Hồ Chí Minh")[1] is True
    assert printed("Số ˆ190, ngõ 71") == ("Số 190, ngõ 71", False)
    assert validators.name("Lý Ngọc Giang ˆ") == ("Lý Ngọc Giang", False)


def test_values_cut_at_a_lost_line_or_word_are_flagged():
    # A local authority written out ends with its province, like an address.
    full = "Ủy ban nhân dân phường Thắng Lợi, thành phố Buôn Ma Thuột, tỉnh Đắk Lắk"
    assert validators.organ(full) == (full, True)
    assert validators.organ("Ủy ban nhân dân phường Thắng Lợi, thành phố Buôn Ma Thuột")[1] is False
    # A business's name starts with its legal form.
    assert validators.company("CÔNG TY CỔ PHẦN CÔNG NGHỆ ĐẠI NAM")[1] is True
    assert validators.company("TY CỔ PHẦN CÔNG NGHỆ ĐẠI NAM")[1] is False
    # A name does not end with a middle name.
    assert check_name("LÊ ĐÌNH") == ("LÊ ĐÌNH", False)
    assert check_name("NGUYỄN THỊ") == ("NGUYỄN THỊ", False)
    assert check_name("LÊ ĐÌNH HẢI") == ("LÊ ĐÌNH HẢI", True)


def test_an_address_word_no_syllable_spells_is_flagged_unless_a_place_is_named_so():
    def flagged(text: str) -> bool:
        return "word_not_a_syllable" in {f.code for f in validators.validate("address", text)[1]}

    assert flagged("Số 18 đường Bà Triệu, Đông Th Thanh Hóa, Thanh Hóa")  # "Thọ," cut short
    assert not flagged("Buôn Ea Kmar, Xã Ea Kar, Huyện Krông Pắc, Tỉnh Đắk Lắk")
    assert not flagged("Số 12b đường Lê Lợi, Phường 7, Quận 3, Thành phố Hồ Chí Minh")


def test_address_words_before_a_number_and_specks_before_a_word():
    assert validators.address("Số 195, ngô 99 đường Lê Thánh Tông, Thành phố Hải Phòng") == (
        "Số 195, ngõ 99 đường Lê Thánh Tông, Thành phố Hải Phòng",
        True,
    )
    assert validators.address("Sổ 12 đường Lê Lợi, Tỉnh Thừa Thiên Huế")[0].startswith("Số 12")
    # Read in capitals among lower case (a typed card's tall "ố"): written as printed.
    assert validators.address("SỐ 206 đường Trần Hưng Đạo, Cái Răng, Cần Thơ") == (
        "Số 206 đường Trần Hưng Đạo, Cái Răng, Cần Thơ",
        True,
    )
    assert validators.address("SỐ 206 ĐƯỜNG TRẦN PHÚ, TỈNH NGHỆ AN")[0].startswith("SỐ 206")
    assert validators.address("Số .146 phố Đội Cấn, Thành phố Hà Nội") == (
        "Số 146 phố Đội Cấn, Thành phố Hà Nội",
        False,
    )
    # An address begins with a capital: a small "S" read in lower case is put right.
    assert validators.address("số 2 đường Lê Lợi, Tỉnh Thừa Thiên Huế")[0].startswith("Số 2 ")
    assert validators.address("thôn 5, Xã An Phước, Tỉnh Đồng Nai")[0].startswith("Thôn 5,")
    assert printed("Về việc số hóa hồ sơ tại Bộ phận Một 'cửa")[1] is False
    assert printed('Về việc triển khai "Một cửa"')[1] is True


def test_amounts_cut_where_ocr_stumbled_are_flagged():
    assert validators.money("3.500.000.000 đồng") == ("3500000000", True)
    assert validators.money("3.500.000.000 (Ba tỷ năm trăm triệu đồng)")[1] is True
    assert validators.money("3.500.0Q0.000 đồng")[1] is False
    assert validators.money("3 .5Q0.000.000 đồng")[1] is False


def test_organ_names_start_with_their_kind_and_have_no_glued_hyphen():
    assert (
        validators.organ("ban nhân dân xã Hòa Phước, huyện Hòa Vang, thành phố Đà Nẵng")[1] is False
    )
    assert (
        validators.organ("Ủy ban nhân-dân phường Đa Kao, quận 1, thành phố Hồ Chí Minh")[1] is False
    )
    assert validators.organ("Ủy ban nhân dân phường Đa Kao, quận 1, thành phố Hồ Chí Minh")[1]


def test_no_name_syllable_starts_with_i():
    assert check_name("Hồ Văn Iong") == ("Hồ Văn Long", False)  # a misread T or L


def test_a_header_organ_with_its_parent_run_into_it_is_flagged():
    merged = _police_header(("CÔNG AN TỈNH ĐẮK LẮK NG AN THỊ TRẤN PHƯỚC AN", 200, 200))
    assert "issuer_two_levels" in merged["issuer"]["review_reasons"]


def test_an_official_letter_notation_without_the_drafting_unit_is_flagged():
    letter = [
        ("BỘ NỘI VỤ", 250, 200),
        *HEADER,
        ("Số: 2617/BNV", 260, 300),
        ("V/v triển khai số hóa hồ sơ", 200, 360),
        ("Kính gửi: Ủy ban nhân dân các tỉnh", 600, 600),
        ("Nơi nhận:", 200, 1500),
    ]
    out = classify([page(letter)])
    assert out.document_type["code"] == "official_letter"
    assert out.fields["document_number"]["value"] == "2617/BNV"
    assert out.fields["document_number"]["review_reasons"] == ["notation_without_unit"]


def test_a_letter_whose_subject_prefix_was_not_read_is_known_by_its_number_and_addressee():
    """A phone photo's "V/v" lost to a speck: the number line and "Kính gửi" still make an
    official letter, not a generic administrative document, as sure as the addressee alone."""
    letter = [
        ("UBND TỈNH BÌNH DƯƠNG", 250, 200),
        ("SỞ NỘI VỤ", 290, 250),
        *HEADER,
        ("Số: 1404 /SNV-VP", 260, 300),
        ("V~ triển khai số hóa hồ sơ, kết quả", 200, 360),
        ("Kính gửi: Các sở, ban, ngành thuộc tỉnh", 600, 600),
    ]
    out = classify([page(letter)])
    assert out.document_type["code"] == "official_letter"
    assert 0.5 <= out.document_type["confidence"] < 0.9


@pytest.mark.parametrize("read", ["V‹v", "V¿v", "V/v'", "V|v", "Vv"])
def test_a_letters_subject_prefix_read_with_another_mark_is_still_v_slash_v(read):
    """A small picture's or a photo's "V/v": its slash read as another mark or lost, or a
    quote left glued after it."""
    letter = [
        ("BỘ TÀI CHÍNH", 250, 200),
        ("CỤC THUẾ", 290, 250),
        *HEADER,
        ("Số: 2617/CT-CS", 260, 300),
        (f"{read} chính sách thuế TNDN", 200, 360),
        ("Kính gửi: Thuế tỉnh Ninh Bình", 600, 600),
    ]
    out = classify([page(letter)])
    assert out.document_type["code"] == "official_letter"
    assert out.fields["subject"]["value"] == "V/v chính sách thuế TNDN"


def test_an_organ_phrase_read_with_its_words_glued_gets_its_spaces_back():
    """A soft photo's "ỦY BANNHÂNDÂN": the known phrase's letters, whole words run together."""
    decision = [
        ("ỦY BANNHÂNDÂN", 250, 200),
        ("TỈNH QUẢNG NGÃI", 260, 250),
        *HEADER,
        ("Số: 3114/QĐ-UBND", 260, 360),
        ("QUYẾT ĐỊNH", 1000, 600),
        ("Về việc thành lập Tổ công tác", 700, 680),
    ]
    issuer = classify([page(decision)]).fields["issuer"]
    assert issuer["value"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert "words_glued" in issuer["review_reasons"]


def test_a_subject_opening_has_its_marks_put_right():
    decision = [
        ("ỦY BAN NHÂN DÂN", 250, 200),
        ("PHƯỜNG AN BIÊN", 260, 270),
        *HEADER,
        ("Số: 3114/QĐ-UBND", 260, 360),
        ("QUYẾT ĐỊNH", 1000, 600),
        ("Vệ việc thành lập Tổ công tác", 700, 680),
    ]
    subject = classify([page(decision)]).fields["subject"]["value"]
    assert subject == "Về việc thành lập Tổ công tác"


def test_digit_lookalikes_in_number_slots_and_a_digit_lost_from_a_fixed_length_number():
    assert validators.address("Xóm B, Xã An Phước, Huyện Long Thành, Tỉnh Đồng Nai")[1] is False
    assert validators.address("Xóm 8, Xã An Phước, Huyện Long Thành, Tỉnh Đồng Nai")[1] is True
    assert validators.address("Số 16ô, ngõ 81 đường Cầu Giấy, Thành phố Hà Nội")[1] is False
    assert validators.address("Số 16A, ngõ 81 đường Cầu Giấy, Thành phố Hà Nội")[1] is True
    licence = [
        ("GIẤY PHÉP LÁI XE / DRIVER'S LICENSE", 700, 300),
        ("Hạng/Class B2", 700, 380),
        ("Số/No: 46173469744", 700, 460),  # a digit lost
        ("Họ tên/Full name: NGUYỄN VĂN AN", 700, 540),
    ]
    number = classify([page(licence)]).fields["document_number"]
    assert (number["value"], number["needs_review"]) == ("46173469744", True)
    licence[2] = ("Số/No: 461734697443", 700, 460)
    number = classify([page(licence)]).fields["document_number"]
    assert (number["value"], number["needs_review"]) == ("461734697443", False)


# --- catalogue -------------------------------------------------------------------------------


def test_every_domain_type_is_in_the_catalogue():
    from bench.synth import DOC_TYPES

    codes = {t.code for t in load().types}
    assert set(DOC_TYPES) <= codes


def test_bad_kind_is_a_config_error_naming_the_file(tmp_path: Path):
    bad = tmp_path / "types.yaml"
    bad.write_text(
        "types:\n  - code: x\n    fields:\n      a: {labels: [A], kind: colour}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=str(bad).replace("\\", "\\\\")):
        load(str(bad))
    bad.write_text(
        "types:\n  - code: x\n    implied: {colour: red}\n"
        "    fields:\n      a: {labels: [A], kind: text}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="implied of 'x'"):
        load.__wrapped__(str(bad))
    bad.write_text(
        "types:\n  - code: x\n    fields:\n      a: {labels: [A], kind: digits, length: ten}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="length of x.a"):
        load.__wrapped__(str(bad))
    bad.write_text(
        "types:\n  - code: x\n    fields:\n      a: {labels: [A], kind: date, after: b}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="after of x.a"):
        load.__wrapped__(str(bad))
    bad.write_text("types: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load.__wrapped__(str(bad))


def test_custom_catalogue_from_the_environment(tmp_path: Path, monkeypatch):
    custom = tmp_path / "province.yaml"
    custom.write_text(
        "types:\n"
        "  - code: land_lease\n"
        "    label: Hợp đồng thuê đất\n"
        "    titles: ['HỢP ĐỒNG THUÊ ĐẤT']\n"
        "    keywords: ['Bên cho thuê']\n"
        "    fields:\n"
        "      owner_name: {labels: ['Bên thuê'], kind: name}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DIGITIZE_CATALOGUE", str(custom))
    load.cache_clear()
    try:
        out = classify(
            [
                page(
                    [
                        ("HỢP ĐỒNG THUÊ ĐẤT", 900, 400),
                        ("Bên cho thuê: Ủy ban nhân dân xã", 300, 600),
                        ("Bên thuê: Nguyễn Văn An", 300, 680),
                    ]
                )
            ]
        )
    finally:
        monkeypatch.delenv("DIGITIZE_CATALOGUE")
        load.cache_clear()
    assert out.document_type["code"] == "land_lease"
    assert out.fields["owner_name"]["value"] == "Nguyễn Văn An"


# --- end to end with real OCR ----------------------------------------------------------------


def test_generated_pages_end_to_end():
    """A few generated pages through the real reader: right type, no unflagged wrong value."""
    import io

    from bench.synth import render_document
    from digitize.intake import open_document
    from digitize.reading import read_page

    started = time.monotonic()
    kinds = ["citizen_id", "application", "decision", "official_letter", "blank"]
    unflagged_wrong = []
    for n, kind in enumerate(kinds):
        synth = render_document(kind, random.Random(700 + n), 200)
        buf = io.BytesIO()
        synth.image.save(buf, "PNG", dpi=(200, 200))
        doc = open_document(Path("p.png"), buf.getvalue(), max_pixels=10**8, pdf_dpi=200)
        pages = [read_page(p, lang="vie", timeout=60, name="p.png").result for p in doc.pages()]
        out = classify(pages)
        assert out.document_type["code"] == synth.doc_type, kind
        for name, want in synth.fields.items():
            got = out.fields.get(name)
            if got and got["value"] != want and not got["needs_review"]:
                unflagged_wrong.append((kind, name))
    assert not unflagged_wrong
    assert time.monotonic() - started < 60


def test_a_card_whose_title_was_lost_is_known_by_its_labels_never_surely():
    """Glare across the title: "am CĂN C" / "CƯỚC CÔNG DÂN", but the card's bilingual labels
    are read. Its type is given, below the sure confidence; a page with a label or two of a
    card is not a card."""
    rows = [
        *HEADER,
        ("am CĂN C", 700, 400),
        ("CƯỚC CÔNG DÂN", 800, 460),
        ("Số / No.: 066061347754", 900, 540),
        ("Họ và tên / Full name:", 900, 600),
        ("NGUYỄN HOÀNG LONG", 900, 660),
        ("Ngày sinh / Date of birth: 21/03/1961", 900, 720),
        ("Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam", 900, 780),
        ("Quê quán / Place of origin:", 900, 840),
        ("Thắng Lợi, Buôn Ma Thuột, Đắk Lắk", 900, 900),
    ]
    out = classify([page(rows)])
    assert out.document_type["code"] == "citizen_id"
    assert 0.5 <= out.document_type["confidence"] < 0.9
    assert out.fields["id_number"]["value"] == "066061347754"
    few = [*HEADER, ("Họ và tên / Full name: NGUYỄN HOÀNG LONG", 900, 600)]
    few.append(("Ngày sinh / Date of birth: 21/03/1961", 900, 720))
    assert classify([page(few)]).document_type["code"] == "unknown"


def test_a_hyphen_glued_to_the_front_of_a_place_is_a_speck_to_check():
    from classifiers.validators import validate

    def codes(text: str) -> set[str]:
        return {f.code for f in validate("address", text)[1]}

    assert "punctuation_glued_to_word" in codes(
        "Phường Thuận Hòa, Thành phố -Huế, Tỉnh Thừa Thiên Huế"
    )
    assert "punctuation_glued_to_word" not in codes("Thành phố Bà Rịa, Tỉnh Bà Rịa - Vũng Tàu")
    assert "punctuation_glued_to_word" not in codes("Tổ 5 -12, Phường 3, Quận 3, TP. Hồ Chí Minh")


@pytest.mark.parametrize(
    ("printed", "iso"), [("0401/1953", "1953-01-04"), ("04/011953", "1953-01-04")]
)
def test_a_date_with_a_slash_lost_is_read_and_flagged(printed, iso):
    from classifiers.validators import validate

    value, flags = validate("date", printed)
    assert value == iso
    assert [f.code for f in flags] == ["date_slash_misread"]
    assert validate("date", "3113/2020")[0] is None  # no day 31 of month 13


def test_a_horned_u_is_only_ever_nu():
    from classifiers.validators import validate

    value, flags = validate("sex", "Mữ")
    assert (value, [f.code for f in flags]) == ("Nữ", ["sex_guessed"])
    assert validate("sex", "Mu")[0] is None


def test_a_surname_read_with_the_stroke_of_its_d_is_one_spelled_with_it():
    """ "Đoàn" and "Doãn" share their letters; OCR loses a stroke but never draws one."""
    from classifiers.names import respell_name

    assert respell_name("Đoần Trọng Quang Tùng")[0] == "Đoàn Trọng Quang Tùng"
    assert respell_name("ĐOẦN VĂN AN")[0] == "ĐOÀN VĂN AN"
    assert respell_name("Doàn Văn An")[0] == "Doàn Văn An"  # Đoàn or Doãn: a clerk decides


def test_a_chip_card_expiring_off_its_holder_s_birthday_years_is_flagged():
    """A chip card runs to its holder's 25th, 40th or 60th birthday: "2036" read for "2035"
    on a card of someone born in 1995 is a misread digit of one of the two dates."""

    def expiry(value: str) -> dict:
        rows = [
            ("CĂN CƯỚC CÔNG DÂN", 800, 400),
            ("Số / No.: 001095012345", 900, 500),
            ("Ngày sinh / Date of birth: 15/03/1995", 900, 580),
            (f"Có giá trị đến / Date of expiry: {value}", 200, 900),
        ]
        found = classify([page(rows)]).fields
        return {k: found[k]["review_reasons"] for k in ("date_of_birth", "expiry_date")}

    assert all("expiry_years_odd" in r for r in expiry("15/03/2036").values())
    assert not any("expiry_years_odd" in r for r in expiry("15/03/2035").values())


def test_a_title_after_specks_of_an_emblem_is_still_the_title():
    rows = [
        ("Gò) GIẤY PHÉP LÁFXE", 300, 200),
        ("Số/No: 421793107280", 300, 300),
        ("Họ tên/Full name: HOÀNG MINH TRANG", 300, 360),
        ("Hạng/Class: A1", 300, 480),
    ]
    out = classify([page(rows)])
    assert out.document_type["code"] == "driving_license"
    assert out.fields["full_name"]["value"] == "HOÀNG MINH TRANG"


def test_a_bilingual_place_and_date_line_gives_the_issue_date():
    """The driving licence prints its date with each word's English beside it: "ngày/date 23
    tháng/month 11 năm/year 2016"."""
    licence = page(
        [
            ("GIẤY PHÉP LÁI XE / DRIVER'S LICENSE", 600, 200),
            ("Số/No: 791234567890", 900, 330),
            ("Họ tên/Full name: NGUYỄN VĂN AN", 900, 420),
            ("Ngày sinh/Date of birth: 05/04/1990", 900, 500),
            ("Hà Nội, ngày/date 23 tháng/month 11 năm/year 2016", 900, 1000),
            ("GIÁM ĐỐC SỞ GIAO THÔNG VẬN TẢI", 900, 1080),
            ("Hạng/Class: B2", 200, 1120),
        ]
    )
    out = classify([licence])
    assert out.document_type["code"] == "driving_license"
    assert out.fields["issue_date"]["value"] == "2016-11-23"
    assert parse_date("ngày (date) 5 tháng (month) 3 năm (year) 2019") == ("2019-03-05", True)
    # The y's stroke read as a second slash ("năm//ear"): still the date line.
    assert parse_date("ngày/date 10 tháng/month 05 năm//ear 2021") == ("2021-05-10", True)


def test_an_old_cards_back_gives_its_issue_date_from_its_date_line():
    """The old 9-digit card's back dates its issue "Ngày 12 tháng 05 năm 2010" above the
    officer's title, with no label and no place; a one-digit slot is flagged as elsewhere."""
    rows = [
        ("DÂN TỘC: Kinh      TÔN GIÁO: Không", 300, 150),
        ("DẤU VẾT RIÊNG VÀ DỊ HÌNH", 300, 250),
        ("Nốt ruồi C: 1cm trên sau mép trái", 300, 330),
        ("Ngón trỏ trái      Ngón trỏ phải", 300, 500),
        ("Ngày 12 tháng 05 năm 2010", 1200, 480),
        ("GIÁM ĐỐC CA TỈNH NGHỆ AN", 1200, 560),
        ("Nguyễn Văn Hùng", 1250, 800),
    ]
    out = classify([page(rows, conf=0.93)])
    assert out.document_type["code"] == "citizen_id"
    assert out.fields["issue_date"]["value"] == "2010-05-12"
    rows[4] = ("Ngày 1 tháng 5 năm 2010", 1200, 480)
    loose = classify([page(rows, conf=0.93)]).fields["issue_date"]
    assert (loose["value"], loose["needs_review"]) == ("2010-05-01", True)
    rows[4] = ("Ngày      tháng      năm", 1200, 480)
    assert "issue_date" not in classify([page(rows, conf=0.93)]).fields


def test_a_land_certificates_date_and_signer_come_from_the_page_it_is_signed_on():
    """A land-use certificate prints its owner and serial on its first page, the parcel, the
    place-and-date line and the signature on the next, and on its last the changes registered
    since, each confirmed with a date and a signature of its own: the certificate's date and
    signer are the first signed page's, not the first page's (none there) nor the last's."""
    first = page(
        [
            *HEADER,
            ("GIẤY CHỨNG NHẬN", 900, 500),
            ("QUYỀN SỬ DỤNG ĐẤT", 850, 600),
            ("QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT", 400, 680),
            ("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", 250, 900),
            ("Ông: NGUYỄN VĂN HÙNG, sinh năm 1968, CMND số: 183456789", 250, 980),
            ("BĐ 123456", 250, 3200),
        ]
    )
    signed = word_page(
        [
            ("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", 250, 300),
            ("a) Thửa đất số: 123, tờ bản đồ số: 45;", 300, 460),
            ("b) Địa chỉ: Thôn 3, Xã Cẩm Hưng, Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh", 300, 540),
            ("c) Diện tích: 1.250,5 m² (bằng chữ: Một nghìn hai trăm năm mươi phẩy năm)", 300, 620),
            ("đ) Mục đích sử dụng: Đất ở tại nông thôn", 300, 700),
            ("Hà Tĩnh, ngày 12 tháng 03 năm 2015", 1300, 2400),
            ("TM. ỦY BAN NHÂN DÂN", 1400, 2480),
            ("KT. CHỦ TỊCH", 1450, 2560),
            ("PHÓ CHỦ TỊCH", 1450, 2640),
            ("Trần Văn Minh", 1450, 2950),
        ],
        index=1,
    )
    changes = word_page(
        [
            ("IV. Những thay đổi sau khi cấp giấy chứng nhận", 250, 300),
            ("Chuyển nhượng cho ông Lê Văn Tâm theo hồ sơ số 456", 250, 520),
            ("Hà Tĩnh, ngày 05 tháng 06 năm 2019", 1300, 520),
            ("KT. GIÁM ĐỐC", 1450, 600),
            ("PHÓ GIÁM ĐỐC", 1450, 680),
            ("Phạm Thị Lan", 1450, 900),
        ],
        index=2,
    )
    for pages in ([first, signed], [first, signed, changes]):
        out = classify(pages)
        assert out.document_type["code"] == "land_use_certificate"
        assert out.fields["issue_date"]["value"] == "2015-03-12"
        assert out.fields["signer"]["value"] == "Trần Văn Minh"
        assert out.fields["document_number"]["value"] == "BĐ123456"
        parcel = {k: out.fields[k]["value"] for k in ("parcel_number", "map_sheet_number")}
        assert parcel == {"parcel_number": "123", "map_sheet_number": "45"}
        assert out.fields["area"]["value"] == "1250.5"  # m², dots group thousands
        assert out.fields["land_use_purpose"]["value"] == "Đất ở tại nông thôn"


@pytest.mark.parametrize("side_by_side", [False, True])
def test_a_marriage_certificate_gives_each_spouses_own_rows(side_by_side):
    """Printed one block under the other or in two columns side by side, each spouse's rows
    repeat the same labels ("Ngày, tháng, năm sinh:", "Giấy tờ tùy thân:"): each is read in
    its spouse's section, under that spouse's name label and in its column."""
    husband = [
        "Họ, chữ đệm, tên chồng: NGUYỄN VĂN AN",
        "Ngày, tháng, năm sinh: 01/02/1990",
        "Giấy tờ tùy thân: Căn cước công dân số 001090012345",
    ]
    wife = [
        "Họ, chữ đệm, tên vợ: TRẦN THỊ BÌNH",
        "Ngày, tháng, năm sinh: 03/04/1992",
        "Giấy tờ tùy thân: Căn cước công dân số 001192054321",
    ]
    if side_by_side:
        rows = [(t, 150, 650 + 80 * k) for k, t in enumerate(husband)]
        rows += [(t, 1300, 650 + 80 * k) for k, t in enumerate(wife)]
    else:
        rows = [(t, 150, 650 + 80 * k) for k, t in enumerate(wife + husband)]
    rows += [
        (
            "Nơi đăng ký kết hôn: Ủy ban nhân dân xã Cẩm Hưng, huyện Cẩm Xuyên, tỉnh Hà Tĩnh",
            150,
            1200,
        ),
        ("Ngày, tháng, năm đăng ký: 15/08/2020", 150, 1280),
    ]
    out = classify([page([*HEADER, ("GIẤY CHỨNG NHẬN KẾT HÔN", 800, 450), *rows])])
    assert out.document_type["code"] == "marriage_certificate"
    got = {k: v["value"] for k, v in out.fields.items()}
    assert got["husband_name"] == "NGUYỄN VĂN AN" and got["wife_name"] == "TRẦN THỊ BÌNH"
    assert (got["husband_date_of_birth"], got["wife_date_of_birth"]) == ("1990-02-01", "1992-04-03")
    assert (got["husband_id_number"], got["wife_id_number"]) == ("001090012345", "001192054321")
    assert got["registration_date"] == "2020-08-15"


def test_a_section_whose_opening_label_was_not_read_gives_nothing():
    """Without the wife's name label, whose date of birth a second date row is cannot be
    told: it is left out rather than guessed."""
    rows = [
        ("Họ, chữ đệm, tên chồng: NGUYỄN VĂN AN", 150, 650),
        ("Ngày, tháng, năm sinh: 01/02/1990", 150, 730),
        ("Ngày, tháng, năm sinh: 03/04/1992", 1300, 730),
        ("Ngày, tháng, năm đăng ký: 15/08/2020", 150, 1280),
    ]
    out = classify([page([*HEADER, ("GIẤY CHỨNG NHẬN KẾT HÔN", 800, 450), *rows])])
    assert out.fields["husband_date_of_birth"]["value"] == "1990-02-01"
    assert "wife_date_of_birth" not in out.fields


def test_addresses_since_the_2025_reorganization_are_checked_against_its_list():
    """Papers issued since 1 July 2025 name a ward of the province directly, with no
    district: the ward is checked against that province's wards of the new list, respelled
    when only its marks were misread; an address of the old three levels keeps the old list."""
    from classifiers.places import check_place

    new = check_place("Tổ 5, Phường Ngọc Hả, Thành phố Hà Nội")
    assert (new.value, new.matched, new.doubtful) == (
        "Tổ 5, Phường Ngọc Hà, Thành phố Hà Nội",
        2,
        0,
    )
    assert check_place("Ấp 3, Xã Phú Hoà, Tỉnh Đồng Nai").doubtful == 0
    old = check_place("Thôn 3, Xã Cẩm Hưng, Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh")
    assert (old.matched, old.doubtful) == (3, 0)
    # An organ named by a new ward alone.
    assert check_place("ỦY BAN NHÂN DÂN PHƯỜNG HỒNG HÀ").matched == 1


def test_the_2025_list_is_the_one_its_script_builds():
    """``places_2025.json`` holds 34 provinces, each with its wards, NFC."""
    import json
    import unicodedata

    from classifiers.places import PLACES_2025_PATH

    data = json.loads(PLACES_2025_PATH.read_text(encoding="utf-8"))
    provinces = data["provinces"]
    assert len(provinces) == 34 and "Thành phố Huế" in provinces
    assert sum(len(w) for w in provinces.values()) > 3000
    names = [n for p, wards in provinces.items() for n in [p, *wards]]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert all(n.split()[0] in ("Phường", "Xã", "Đặc", "Thành", "Tỉnh") for n in names)


def test_a_2024_card_back_gives_its_dates_under_their_labels_and_its_wrapped_birthplace():
    """The 2024 card's back prints its dates larger than their bilingual labels and well
    under them, issue and expiry side by side; a wrapped place of birth may start with a
    speck the photo's edge left (".._ An, Tỉnh ...")."""
    rows = [
        ("Nơi cư trú / Place of residence: Thôn 11, Xã Hưng Thuận, Tỉnh Tây Ninh", 100, 150),
        ("Nơi đăng ký khai sinh / Place of birth: Phường Lái Thiêu, Thành phố Thuận", 100, 240),
        (".._ An, Tỉnh Bình Dương", 60, 300),
        ("Ngày, tháng, năm cấp / Date of issue:", 100, 700),
        ("Ngày, tháng, năm hết hạn / Date of expiry:", 1100, 700),
        ("IDVNM0736589840036073658984<<<", 100, 1200),
        ("7302127M3302129VNM<<<<<<<<<<<9", 100, 1300),
        ("DO<<VAN<NAM<<<<<<<<<<<<<<<<<<<", 100, 1400),
    ]
    back = page(rows)
    # The dates' line: taller print, 2.7 label heights under the labels.
    back.words += [
        Word("19/08/2025", 100, 819, 250, 60, 0.9, 90, 1, 1),
        Word("12/02/2033", 1100, 819, 250, 60, 0.9, 91, 1, 1),
    ]
    speck = [w.text for w in back.words].index(".._")
    back.words[speck] = dataclasses.replace(back.words[speck], conf=0.2)
    out = classify([back])
    assert out.document_type["code"] == "citizen_id"
    assert out.fields["issue_date"]["value"] == "2025-08-19"
    assert out.fields["expiry_date"]["value"] == "2033-02-12"
    assert out.fields["place_of_birth"]["value"] == (
        "Phường Lái Thiêu, Thành phố Thuận An, Tỉnh Bình Dương"
    )


def test_a_spouses_date_of_birth_disagreeing_with_their_id_is_flagged():
    """A spouse's ID carries the century and the year of birth as the holder's does: "1928"
    read for 1978 under an ID whose digits say 78 goes to a clerk."""
    rows = [
        ("Họ, chữ đệm, tên chồng: NGUYỄN VĂN AN", 150, 650),
        ("Ngày, tháng, năm sinh: 22/10/1928", 150, 730),
        ("Giấy tờ tùy thân: Căn cước công dân số 001078012345", 150, 810),
        ("Ngày, tháng, năm đăng ký: 15/08/2020", 150, 1280),
    ]
    out = classify([page([*HEADER, ("GIẤY CHỨNG NHẬN KẾT HÔN", 800, 450), *rows])])
    born = out.fields["husband_date_of_birth"]
    assert born["value"] == "1928-10-22" and born["needs_review"]
    assert "id_birth_year_mismatch" in born["review_reasons"]


def test_so_before_a_house_number_misread_past_its_mark_is_kept_and_respelled():
    """ "Số" read "Sð" at low confidence before the house number is the address's first
    word, not a speck: kept, respelled, and the value goes to a clerk."""
    form = application(
        ("Nơi cư trú: Sð 12 đường Lê Lợi, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh", 300, 780)
    )
    at = [w.text for w in form.words].index("Sð")
    form.words[at] = dataclasses.replace(form.words[at], conf=0.3)
    got = classify([form]).fields["place_of_residence"]
    assert got["value"].startswith("Số 12 đường Lê Lợi")
    assert got["needs_review"]


def test_a_husbands_id_with_a_womans_sex_digit_is_flagged():
    """A husband's ID whose century-and-sex digit says a woman (the wife's row read into
    his section) goes to a clerk, date and ID both."""
    rows = [
        ("Họ, chữ đệm, tên chồng: NGUYỄN VĂN AN", 150, 650),
        ("Ngày, tháng, năm sinh: 29/01/1991", 150, 730),
        ("Giấy tờ tùy thân: Căn cước công dân số 036191217264", 150, 810),
        ("Ngày, tháng, năm đăng ký: 15/08/2020", 150, 1280),
    ]
    out = classify([page([*HEADER, ("GIẤY CHỨNG NHẬN KẾT HÔN", 800, 450), *rows])])
    assert out.fields["husband_id_number"]["needs_review"]
    assert out.fields["husband_date_of_birth"]["needs_review"]


def test_a_sections_opening_label_is_its_best_read_one():
    """The wife's garbled name label ("Họ, chữ đệm, tên vọ~") may loosely match the
    husband's; his section still opens at his own label, below it."""
    rows = [
        ("Họ, chữ đệm, tên chôngg: NGÔ THANH DUNG", 150, 650),
        ("Ngày, tháng, năm sinh: 29/01/1991", 150, 730),
        ("Họ, chữ đệm, tên chồng: NGUYỄN VĂN AN", 150, 900),
        ("Ngày, tháng, năm sinh: 27/12/1993", 150, 980),
        ("Ngày, tháng, năm đăng ký: 15/08/2020", 150, 1280),
    ]
    out = classify([page([*HEADER, ("GIẤY CHỨNG NHẬN KẾT HÔN", 800, 450), *rows])])
    assert out.fields["husband_date_of_birth"]["value"] == "1993-12-27"
