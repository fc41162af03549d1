"""Every review reason code: the smallest input that fires it, and a clean one that does not.

One case per registered code (``classifiers/lists/reasons.yaml``); a code without a case, or a
case without a code, fails. Values are checked through the same calls the readers make
(``validators.validate``, ``fields.check_text``, ``classify``), on pages built in code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from classifiers import classify
from classifiers.checks import fill_implied
from classifiers.fields import check_text
from classifiers.policy import rated
from classifiers.review import FieldValue, Flag, reasons
from classifiers.validators import validate
from digitize.models import PageResult, Word
from tests.test_classifiers import HEADER, MRZ, _police_header, _signed, application, page
from tests.test_decree30_kinds import header

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "### Field confidence and `needs_review`"


def v(kind: str, text: str, length: int = 0) -> set[str]:
    """The codes of ``text`` read as a value of ``kind``."""
    return {f.code for f in validate(kind, text, length=length)[1]}


def text(kind: str, value: str) -> set[str]:
    """The codes of free text checked against the places and phrases."""
    return {f.code for f in check_text(value, kind)[1]}


def codes(pages: list[PageResult], name: str) -> set[str]:
    """The review reasons of field ``name`` as the record gives them."""
    return set(classify(pages).fields[name]["review_reasons"])


def unsure_name(conf: float) -> set[str]:
    words = [Word("TRỊNH", 0, 0, 10, 10, 0.95), Word("THỦY", 20, 0, 10, 10, conf)]
    words.append(Word("LAN", 40, 0, 10, 10, 0.95))
    return {f.code for f in validate("name", "TRỊNH THỦY LAN", words)[1]}


def person(*rows: tuple[str, int, int], conf: float = 0.95) -> PageResult:
    return page([*HEADER, ("ĐƠN ĐỀ NGHỊ CẤP BẢN SAO", 700, 420), *rows], conf)


def licence(expiry: str) -> PageResult:
    """A driving licence of class B2 issued on 26/09/2023, with ``expiry`` printed."""
    return page(
        [
            ("GIẤY PHÉP LÁI XE / DRIVER'S LICENSE", 300, 200),
            ("Số/No: 923193966869", 300, 300),
            ("Hạng/Class: B2", 300, 480),
            ("Hà Nội, ngày 26 tháng 09 năm 2023", 300, 540),
            (f"Có giá trị đến/Expires: {expiry}", 300, 600),
        ]
    )


def card(*rows: tuple[str, int, int]) -> list[PageResult]:
    front = [("CĂN CƯỚC CÔNG DÂN", 800, 400), *rows]
    return [page(front, conf=0.5)]


CARD_FRONT = [
    ("Họ và tên / Full name:", 900, 580),
    ("NGUYỄN VĂN AN", 900, 640),
    ("Ngày sinh / Date of birth: 15/03/1992", 900, 720),
]
EXPIRY = ("Có giá trị đến / Date of expiry:", 900, 800)
RESIDENCE = ("Nơi cư trú: Số 12 đường Lê Lợi, Phường Vĩnh Ninh, Thành", 300, 700)
RESIDENCE_WRAP = ("phố Huế, Tỉnh Thừa Thiên Huế", 300, 780)
LETTER = [("BỘ NỘI VỤ", 250, 200), *HEADER]
LETTER_END = [
    ("V/v triển khai số hóa hồ sơ", 200, 360),
    ("Kính gửi: Ủy ban nhân dân các tỉnh", 600, 600),
    ("Nơi nhận:", 200, 1500),
]
DECISION = [
    ("ỦY BAN NHÂN DÂN", 250, 200),
    ("PHƯỜNG AN BIÊN", 260, 270),
    *HEADER,
    ("Số: 3114/QĐ-UBND", 260, 360),
    ("QUYẾT ĐỊNH", 1000, 600),
]


def implied(have: FieldValue | None, type_conf: float) -> set[str]:
    found = {} if have is None else {"nationality": have}
    fill_implied(found, "nationality", "Việt Nam", type_conf)
    return set(found["nationality"].reasons)


def nationality(value: str) -> FieldValue:
    words = [Word(w, 0, 0, 10, 10, 0.99) for w in value.split()]
    return rated(value, "nationality", words, flags=validate("nationality", value)[1])


def lone_id(label: str) -> set[str]:
    rows = [("CĂN CƯỚC CÔNG DÂN", 800, 500), (label, 900, 650), ("075081570350", 900, 720)]
    return codes([page(rows)], "id_number")


def qr_disagreement(printed: str) -> set[str]:
    """The ID's reasons after a chip card's QR code (with ID 001092012345) was applied."""
    qr = pytest.importorskip("classifiers.qr")
    from classifiers.catalogue import load

    base = page([("CĂN CƯỚC CÔNG DÂN", 800, 400)])
    if not hasattr(base, "codes"):
        pytest.skip("page results carry no decoded codes")
    payload = (
        "001092012345||Nguyễn Văn An|15031992|Nam|Số 12, Đồng Xuân, Hoàn Kiếm, Hà Nội|10082021"
    )
    words = [Word(printed, 0, 0, 10, 10, 0.99)]
    found = {"id_number": rated(printed, "id_number", words)}
    qr.confirm_with_code(
        found, [dataclasses.replace(base, codes=[payload])], load().get("citizen_id")
    )
    return set(found["id_number"].reasons)


def decree30(
    field: str,
    number: str = "Số: 46/CT-UBND",
    date: str = "Quảng Ngãi, ngày 08 tháng 01 năm 2025",
    *body: tuple[str, int, int],
) -> set[str]:
    """The reasons of a Decree 30 field on a provincial committee's directive."""
    return codes([page([*header(number, date), ("CHỈ THỊ", 1100, 560), *body])], field)


def born(field: str, sex: str, ident: str) -> set[str]:
    """The reasons of ``field`` on a form giving a 2001 birth date, ``sex`` and an ID."""
    rows = [
        ("Ngày, tháng, năm sinh: 26/01/2001" + sex, 300, 780),
        ("Số định danh cá nhân: " + ident, 300, 860),
    ]
    return codes([application(*rows)], field)


def subject(*lines: tuple[str, int, int]) -> set[str]:
    return decree30("subject", "Số: 08/CT-UBND", "Quảng Ngãi, ngày 08 tháng 01 năm 2025", *lines)


SUBJECT_FIRST = ("Về việc tăng cường công tác quản lý nhà nước", 700, 630)


Case = tuple[Callable[[], set[str]], Callable[[], set[str]]]

CASES: dict[str, Case] = {
    "ocr_unsure": (
        lambda: codes([person(("Họ và tên: Bùi Quang Hải", 300, 700), conf=0.6)], "full_name"),
        lambda: codes([person(("Họ và tên: Bùi Quang Hải", 300, 700))], "full_name"),
    ),
    "line_read_twice": (
        lambda: codes(
            [application(RESIDENCE, RESIDENCE_WRAP, ("Huế, Tỉnh Thừa", 420, 790))],
            "place_of_residence",
        ),
        lambda: codes([application(RESIDENCE, RESIDENCE_WRAP)], "place_of_residence"),
    ),
    "words_after_dots": (
        lambda: codes(
            [application(("Nơi cư trú: Số 246 =>... Lê Lợi, Huế", 300, 700))], "place_of_residence"
        ),
        lambda: codes(
            [application(("Nơi cư trú: Số 246 đường Lê Lợi, Huế .......", 300, 700))],
            "place_of_residence",
        ),
    ),
    "value_wrong_length": (
        lambda: v("digits", "46173469744", 12),
        lambda: v("digits", "4" * 12, 12),
    ),
    "dot_inside_word": (lambda: v("text", "ỦY.BAN NHÂN DÂN"), lambda: v("text", "ỦY BAN NHÂN DÂN")),
    "punctuation_glued_to_word": (
        lambda: v("text", "Bộ phận Một 'cửa"),
        lambda: v("text", "Bộ phận Một cửa"),
    ),
    "hyphen_between_letters": (
        lambda: v("text", "Ủy ban nhân-dân"),
        lambda: v("text", "Ủy ban nhân dân"),
    ),
    "word_said_twice": (lambda: v("text", "Quận 1 1, Huế"), lambda: v("text", "Quận 1, Huế")),
    "symbol_in_text": (
        lambda: v("text", "V/v đa !H#Jy ÔNG bụy"),
        lambda: v("text", "V/v tăng cường (đợt 2) phòng, chống dịch!"),
    ),
    "spacing_mark": (lambda: v("text", "Số ˆ190, ngõ 71"), lambda: v("text", "Số 190, ngõ 71")),
    "lower_case_among_capitals": (
        lambda: v("text", "CÔNG TY TNHH vận TẢI"),
        lambda: v("text", "CÔNG TY TNHH VẬN TẢI"),
    ),
    "marked_capitals_among_lower_case": (
        lambda: v("address", "Số 187 đường Hùng Vương, VỊ Xuyên, Tỉnh Nam Định"),
        # An address word before a number read in capitals is written as printed, unflagged.
        lambda: v("address", "SỐ 187 đường Hùng Vương, Vị Xuyên, Tỉnh Nam Định"),
    ),
    "word_not_a_syllable": (lambda: v("words", "Bac"), lambda: v("words", "Bạc - Xám")),
    "number_slot_lookalike": (
        lambda: v("address", "Xóm B, Xã An Phước, Huyện Long Thành, Tỉnh Đồng Nai"),
        lambda: v("address", "Xóm 8, Xã An Phước, Huyện Long Thành, Tỉnh Đồng Nai"),
    ),
    "words_glued": (
        lambda: v("address", "Xã Trâu Quỳ, Huyện Gia Lâm, Thành phố HàNội"),
        lambda: v("address", "Xã Trâu Quỳ, Huyện Gia Lâm, Thành phố Hà Nội"),
    ),
    "stray_symbol": (
        lambda: v("address", "Số 12 đường Lê Lợi & Trần Phú, Tỉnh Thừa Thiên Huế"),
        lambda: v("address", "Số 12 đường Lê Lợi, Tỉnh Thừa Thiên Huế"),
    ),
    "address_too_short": (lambda: v("address", "Huế"), lambda: v("address", "Tỉnh Hà Nam")),
    "address_without_province": (
        lambda: v("address", "Số 12 đường Lê Lợi, Phường 13"),
        lambda: v("address", "Số 12 đường Lê Lợi, Phường 13, Thành phố Hồ Chí Minh"),
    ),
    "place_fuzzy_match": (
        lambda: text("address", "Thôn 3, Xã Ea Kênh, Huyện Krôn Pắc, Tỉnh Đắk Lắk"),
        lambda: text("address", "Thôn 3, Xã Ea Kênh, Huyện Krông Pắc, Tỉnh Đắk Lắk"),
    ),
    "place_marks_odd": (
        lambda: text("address", "Thôn 10, Xã Cấm Vịnh, Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh"),
        lambda: text("address", "Thôn 10, Xã Cẩm Vịnh, Huyện Cẩm Xuyên, Tỉnh Hà Tĩnh"),
    ),
    "place_comma_restored": (
        lambda: text("address", "Thôn 11, Xã Kỳ Tân Huyện Kỳ Anh, Tỉnh Hà Tĩnh"),
        lambda: text("address", "Thôn 11, Xã Kỳ Tân, Huyện Kỳ Anh, Tỉnh Hà Tĩnh"),
    ),
    "place_unit_unknown": (
        lambda: text("address", "Xuyên, Nam Định, Nam Định"),
        lambda: text("address", "Vị Xuyên, Nam Định, Nam Định"),
    ),
    "organ_without_province": (
        lambda: v("organ", "Ủy ban nhân dân phường Thắng Lợi, thành phố Buôn Ma Thuột"),
        lambda: v(
            "organ", "Ủy ban nhân dân phường Thắng Lợi, thành phố Buôn Ma Thuột, tỉnh Đắk Lắk"
        ),
    ),
    "organ_without_kind": (
        lambda: v("organ", "ban nhân dân xã Hòa Phước, huyện Hòa Vang, thành phố Đà Nẵng"),
        lambda: v("organ", "Ủy ban nhân dân xã Hòa Phước, huyện Hòa Vang, thành phố Đà Nẵng"),
    ),
    "company_without_legal_form": (
        lambda: v("company", "TY CỔ PHẦN CÔNG NGHỆ ĐẠI NAM"),
        lambda: v("company", "CÔNG TY CỔ PHẦN CÔNG NGHỆ ĐẠI NAM"),
    ),
    "nationality_respelled": (
        lambda: v("nationality", "VietNam"),
        lambda: v("nationality", "Việt Nam"),
    ),
    "nationality_unlisted": (lambda: v("nationality", "Lào"), lambda: v("nationality", "Việt Nam")),
    "name_word_count": (lambda: v("name", "NGUYỄN"), lambda: v("name", "NGUYỄN VĂN AN")),
    "name_not_letters": (lambda: v("name", "Nguyễn Văn An2"), lambda: v("name", "Nguyễn Văn An")),
    "name_foreign_letter": (lambda: v("name", "Đỗ Thị Ñga"), lambda: v("name", "Đỗ Thị Nga")),
    "name_case_mixed": (lambda: v("name", "Nguyễn văn An"), lambda: v("name", "Nguyễn Văn An")),
    "surname_unknown": (lambda: v("name", "XYZQ VĂN AN"), lambda: v("name", "NGUYỄN VĂN AN")),
    "surname_marks_unknown": (lambda: v("name", "Lả Văn An"), lambda: v("name", "Lã Văn An")),
    "surname_marks_rarer": (
        lambda: v("name", "TRÌNH THỊ TRANG"),
        lambda: v("name", "TRỊNH THỊ TRANG"),
    ),
    "name_syllable_respelled": (
        lambda: v("name", "Nguyễn Thị Hông"),
        lambda: v("name", "Nguyễn Thị Hồng"),
    ),
    "name_marks_unknown": (lambda: v("name", "NGUYỄN VÁN AN"), lambda: v("name", "NGUYỄN VĂN AN")),
    "name_syllables_split": (lambda: v("name", "CAO XUÂNAN"), lambda: v("name", "CAO XUÂN AN")),
    "name_consonant_respelled": (
        lambda: v("name", "Trịnh Hoàng Irung"),
        lambda: v("name", "Trịnh Hoàng Trung"),
    ),
    "name_not_a_syllable": (lambda: v("name", "Lê Văn Jinh"), lambda: v("name", "Lê Văn Minh")),
    "name_ends_with_middle_name": (lambda: v("name", "LÊ ĐÌNH"), lambda: v("name", "LÊ ĐÌNH HẢI")),
    "name_starts_with_middle_name": (
        lambda: v("name", "Văn Khánh"),
        lambda: v("name", "Trần Văn Khánh"),
    ),
    "name_syllable_doubled": (
        lambda: v("name", "Nguyễn Quang Hùn Hùng"),
        lambda: v("name", "Ngô Ngọc Anh"),
    ),
    "name_marks_doubtful": (lambda: unsure_name(0.84), lambda: unsure_name(0.95)),
    "date_not_zero_padded": (lambda: v("date", "12/1/1961"), lambda: v("date", "12/01/1961")),
    "date_slash_misread": (lambda: v("date", "29I12I1994"), lambda: v("date", "29/12/1994")),
    "date_not_real": (lambda: v("date", "31/02/1994"), lambda: v("date", "28/02/1994")),
    "id_wrong_length": (
        lambda: v("id_number", "0741923588"),
        lambda: v("id_number", "074192358861"),
    ),
    "id_unknown_province": (
        lambda: v("id_number", "999192358861"),
        lambda: v("id_number", "074192358861"),
    ),
    "id_bad_century_digit": (
        lambda: v("id_number", "074992358861"),
        lambda: v("id_number", "074192358861"),
    ),
    "id_without_label": (
        lambda: lone_id("$ đụh đanh cá nhân _ Porsonaf"),
        lambda: lone_id("Số định danh cá nhân:"),
    ),
    "sex_guessed": (lambda: v("sex", "Nem") | v("sex", "Mữ"), lambda: v("sex", "Nam")),
    "phone_invalid": (lambda: v("phone", "0123"), lambda: v("phone", "0354298778")),
    "enterprise_code_wrong_length": (
        lambda: v("enterprise_code", "01012345678"),
        lambda: v("enterprise_code", "0101234567"),
    ),
    "expiry_years_odd": (
        lambda: codes([licence("26/09/2032")], "expiry_date"),
        lambda: codes([licence("26/09/2033")], "expiry_date"),
    ),
    "brand_respelled": (lambda: v("brand", "PLAGGIO"), lambda: v("brand", "PIAGGIO")),
    "brand_unknown": (lambda: v("brand", "ZZTOP"), lambda: v("brand", "HONDA")),
    "licence_class_lookalike": (
        lambda: v("licence_class", "Ai GIÁMĐỐC SỞ GIAO THÔNG VẬN TẢI"),
        lambda: v("licence_class", "A1 GIÁM ĐỐC SỞ GIAO THÔNG VẬN TẢI"),
    ),
    "licence_class_unknown": (
        lambda: v("licence_class", "Hạng"),
        lambda: v("licence_class", "B1 GIÁM ĐỐC SỞ GIAO THÔNG VẬN TẢI"),
    ),
    "notation_malformed": (
        lambda: v("document_number", "123/qđ-ubnd"),
        lambda: v("document_number", "123/QĐ-UBND"),
    ),
    "notation_marks_misread": (
        lambda: codes(
            [page([*LETTER, ("Só 2617 “€T-TCBC", 260, 300), *LETTER_END])], "document_number"
        ),
        lambda: codes(
            [page([*LETTER, ("Số: 2617/CT-TCBC", 260, 300), *LETTER_END])], "document_number"
        ),
    ),
    "notation_without_unit": (
        lambda: codes(
            [page([*LETTER, ("Số: 2617/BNV", 260, 300), *LETTER_END])], "document_number"
        ),
        lambda: codes(
            [page([*LETTER, ("Số: 2617/BNV-TCBC", 260, 300), *LETTER_END])], "document_number"
        ),
    ),
    "amount_grouping_odd": (
        lambda: v("money", "3,500,000 đồng"),
        lambda: v("money", "3.500.000 đồng"),
    ),
    "plate_malformed": (lambda: v("plate", "29-B1 123.4S"), lambda: v("plate", "29-B1 123.45")),
    "vehicle_number_malformed": (
        lambda: v("engine_number", "JA39E-1234"),
        lambda: v("engine_number", "JA39E1234567"),
    ),
    "vin_forbidden_letter": (
        lambda: v("chassis_number", "RL4B29F3OK5012345"),
        lambda: v("chassis_number", "RL4B29F30K5012345"),
    ),
    "amount_cut": (
        lambda: v("money", "3.500.0Q0.000 đồng"),
        lambda: v("money", "3.500.000.000 đồng"),
    ),
    "id_birth_year_mismatch": (
        lambda: born("date_of_birth", "", "074199169395"),
        lambda: born("date_of_birth", "", "074201169395"),
    ),
    "id_sex_mismatch": (
        lambda: born("sex", " Giới tính: Nam", "074301169395"),
        lambda: born("sex", " Giới tính: Nam", "074201169395"),
    ),
    "sex_inferred_from_id": (
        lambda: born("sex", "", "074301169395"),
        lambda: born("sex", " Giới tính: Nữ", "074301169395"),
    ),
    "mrz_disagrees": (
        lambda: codes(card(("Số / No.: 001092012845", 900, 500), *CARD_FRONT, *MRZ), "id_number"),
        lambda: codes(card(("Số / No.: 001092012345", 900, 500), *CARD_FRONT, *MRZ), "id_number"),
    ),
    "mrz_only": (
        lambda: codes(card(*CARD_FRONT, *MRZ), "expiry_date"),
        lambda: codes(card(*CARD_FRONT, EXPIRY, *MRZ), "expiry_date"),
    ),
    "mrz_name_mismatch": (
        lambda: codes(
            card(CARD_FRONT[0], ("NGUYỄN VĂN ANH", 900, 640), CARD_FRONT[2], *MRZ), "full_name"
        ),
        lambda: codes(card(*CARD_FRONT, *MRZ), "full_name"),
    ),
    "implied_by_type": (lambda: implied(None, 0.8), lambda: implied(None, 0.95)),
    "implied_disagrees": (
        lambda: implied(nationality("Lào"), 0.95),
        lambda: implied(nationality("Việt Nam"), 0.95),
    ),
    "issuer_without_unit": (
        lambda: codes([page([DECISION[0], *DECISION[2:]])], "issuer"),
        lambda: codes([page(DECISION)], "issuer"),
    ),
    "issuer_two_levels": (
        lambda: set(
            _police_header(("CÔNG AN TỈNH ĐẮK LẮK NG AN THỊ TRẤN PHƯỚC AN", 200, 200))["issuer"][
                "review_reasons"
            ]
        ),
        lambda: set(
            _police_header(("CÔNG AN THỊ TRẤN PHƯỚC AN", 200, 200))["issuer"]["review_reasons"]
        ),
    ),
    "speck_in_organ": (
        lambda: set(
            _police_header(("CÔNG AN-THỊ TRẤN LONG: THÀNH", 220, 270))["issuer"]["review_reasons"]
        ),
        lambda: set(
            _police_header(("CÔNG AN THỊ TRẤN LONG THÀNH", 220, 270))["issuer"]["review_reasons"]
        ),
    ),
    "subject_colon": (
        lambda: codes([page([*DECISION, ("Về việc thành lập: Tổ công tác", 700, 680)])], "subject"),
        lambda: codes([page([*DECISION, ("Về việc thành lập Tổ công tác", 700, 680)])], "subject"),
    ),
    "signer_line_repaired": (
        lambda: set(_signed(("Trần ĐìnhAn", 1620, 2700))["signer"]["review_reasons"]),
        lambda: set(_signed(("Chu Hoàng Nam", 1599, 2700))["signer"]["review_reasons"]),
    ),
    "number_unreadable": (
        lambda: decree30("document_number", "Số: A2 /CT-UBND"),
        lambda: decree30("document_number", "Số: 42/CT-UBND"),
    ),
    "number_handwritten": (
        lambda: decree30("document_number", "Số: Ø7 /CT-UBND"),
        lambda: decree30("document_number", "Số: 07/CT-UBND"),
    ),
    "date_unreadable": (
        lambda: decree30("issue_date", date="Quảng Ngãi, ngày tháng 4 năm 2023"),
        lambda: decree30("issue_date", date="Quảng Ngãi, ngày 08 tháng 04 năm 2023"),
    ),
    "date_handwritten": (
        lambda: decree30("issue_date", date="Quảng Ngãi, ngày 3| tháng 12 năm 2024"),
        lambda: decree30("issue_date", date="Quảng Ngãi, ngày 31 tháng 12 năm 2024"),
    ),
    "subject_line_hidden": (
        lambda: subject(SUBJECT_FIRST, ("n sử dụng vốn ngoài ngân sách", 1050, 700)),
        lambda: subject(SUBJECT_FIRST, ("đầu tư sử dụng vốn ngoài ngân sách", 850, 700)),
    ),
    "subject_cut_at_line": (
        lambda: subject(("tăng cường công tác quản lý nhà nước", 760, 630)),
        lambda: subject(("Tăng cường công tác quản lý nhà nước", 760, 630)),
    ),
    "qr_disagrees": (
        lambda: qr_disagreement("001092012845"),
        lambda: qr_disagreement("001092012345"),
    ),
    "signer_off_centre": (
        lambda: set(_signed(("Hoàng Nam", 1679, 2700))["signer"]["review_reasons"]),
        lambda: set(_signed(("Chu Hoàng Nam", 1599, 2700))["signer"]["review_reasons"]),
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_fires_on_its_smallest_case_and_not_on_a_clean_value(code: str):
    fires, clean = CASES[code]
    assert code in fires()
    assert code not in clean()


def test_every_registered_code_has_a_case():
    assert set(CASES) == set(reasons())


def test_an_unregistered_code_is_refused():
    with pytest.raises(KeyError, match="no_such_reason"):
        Flag("no_such_reason")


def test_needs_review_is_exactly_having_a_reason():
    words = [Word("Nam", 0, 0, 10, 10, 0.95)]
    sure = rated("Nam", "sex", words)
    assert sure.to_dict()["needs_review"] is False and sure.to_dict()["review_reasons"] == []
    guessed = rated("Nam", "sex", words, flags=[Flag("sex_guessed")])
    assert guessed.to_dict()["needs_review"] is True
    assert guessed.to_dict()["review_reasons"] == ["sex_guessed"]
    assert guessed.confidence < sure.confidence  # a failed check lowers the confidence
    with pytest.raises(TypeError):
        FieldValue("Nam", 0.9, True)  # type: ignore[arg-type]
    broken = dataclasses.replace(sure, reasons=frozenset({"made_up"}))
    with pytest.raises(ValueError, match="made_up"):
        broken.to_dict()


def test_every_flagged_field_of_a_page_says_why():
    out = classify([person(("Họ và tên: Bùi Quang Hải", 300, 700), conf=0.6)])
    for name, got in out.fields.items():
        assert got["needs_review"] == bool(got["review_reasons"]), name


def _readme_codes() -> list[str]:
    body = README.read_text(encoding="utf-8").split(SECTION, 1)[1]
    body = re.split(r"\n## |\n### (?!#)", body, maxsplit=1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", body, re.MULTILINE)


def test_the_readme_lists_every_code_once_and_nothing_else():
    listed = _readme_codes()
    assert sorted(listed) == sorted(reasons())
    assert len(listed) == len(set(listed))


def test_a_signer_with_a_syllable_read_twice_is_flagged_for_that_alone():
    from classifiers.names import checked_name

    read = "Nguyễn Quang Hùn Hùng"
    value, flags = checked_name(read, [(w, 0.96) for w in read.split()])
    assert value == read and [f.code for f in flags] == ["name_syllable_doubled"]
    right = "Nguyễn Quang Hùng"
    assert checked_name(right, [(w, 0.96) for w in right.split()]) == (right, [])
