"""Labels as forms print them: everything up to the colon is the label."""

from __future__ import annotations

import pytest

from classifiers.labels import find_hits, label_specs
from classifiers.lines import Line
from classifiers.validators import validate
from digitize.models import Word


def _line(text: str) -> Line:
    words, x = [], 10
    for token in text.split():
        words.append(Word(token, x, 100, 12 * len(token), 30, 0.95))
        x += 12 * len(token) + 14
    return Line(0, tuple(words), 2000, 2800)


def _value(text: str, labels: dict[str, tuple[str, ...]]) -> tuple[str | None, str]:
    line = _line(text)
    hits = find_hits([line], label_specs(labels, ()))
    hit = hits[0][0]
    return hit.spec.field, " ".join(w.text for w in line.words[hit.end :])


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("Họ và tên người yêu cầu: Nguyễn Văn An", "Nguyễn Văn An"),
        ("Họ và tên: Nguyễn Văn An", "Nguyễn Văn An"),
        ("Họ và tên người yêu cầu : Nguyễn Văn An", ": Nguyễn Văn An"),
    ],
)
def test_a_longer_printed_label_ends_at_its_colon(printed, value):
    field, got = _value(printed, {"full_name": ("Họ và tên",)})
    assert field == "full_name"
    assert got == value


def test_phone_label_words_never_become_digits():
    field, got = _value("Số điện thoại liên hệ: 0912 345 678", {"phone": ("Số điện thoại",)})
    assert (field, got) == ("phone", "0912 345 678")


def test_an_english_gloss_after_a_slash_is_part_of_the_label():
    field, got = _value("Ngày sinh / Date of birth: 19/11/2002", {"dob": ("Ngày sinh",)})
    assert (field, got) == ("dob", "19/11/2002")


def test_a_value_without_colon_is_not_swallowed():
    # No colon after the label: the capitalised name is the value, not more label.
    field, got = _value("Họ và tên Nguyễn Văn An Ghi chú: không", {"full_name": ("Họ và tên",)})
    assert got.startswith("Nguyễn Văn An")


def _page(rows: list[str]):
    from digitize.models import PageResult

    words, y = [], 100
    for n, row in enumerate(rows, 1):
        x = 200
        for token in row.split():
            words.append(Word(token, x, y, 24 * len(token), 40, 0.96, 1, 1, n))
            x += 24 * len(token) + 20
        y += 70
    return PageResult(0, 2480, 3508, 300.0, words, "\n".join(rows), "ocr", {})


@pytest.mark.parametrize(
    "label", ["Số giấy tờ pháp lý của cá nhân:", "Số định danh cá nhân:", "Số CCCD:"]
)
def test_a_business_registration_gives_its_representative_s_id(label):
    import classifiers

    page = _page(
        [
            "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP",
            "Mã số doanh nghiệp: 0312345678",
            "Tên công ty viết bằng tiếng Việt: CÔNG TY TNHH AN PHÚ",
            "Vốn điều lệ: 1.000.000.000 đồng",
            "4. Người đại diện theo pháp luật của công ty",
            "Họ và tên: NGUYỄN VĂN AN",
            f"{label} 079092001234",
            "Địa chỉ thường trú: Số 5, phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
        ]
    )
    found = classifiers.classify([page])
    assert found.document_type["code"] == "business_registration"
    assert found.fields["id_number"]["value"] == "079092001234"


@pytest.mark.parametrize(
    ("printed", "value", "flagged"),
    [
        ("B1 GIÁM ĐỐC SỞ GIAO THÔNG VẬN TẢI", "B1", False),
        ("A1, B2", "A1, B2", False),
        ("C1E", "C1E", False),
        ("X9", "X9", True),
    ],
)
def test_a_licence_class_ends_where_the_other_column_begins(printed, value, flagged):
    """A licence's class shares its line with the issuer's title in the other column."""
    found, flags = validate("licence_class", printed)
    assert found == value
    assert ("licence_class_unknown" in {f.code for f in flags}) is flagged


@pytest.mark.parametrize(("printed", "value"), [("Ai", "A1"), ("81", "B1"), ("B|, C", "B1, C")])
def test_a_licence_class_read_with_look_alikes_is_put_right_and_flagged(printed, value):
    found, flags = validate("licence_class", printed)
    assert found == value
    assert "licence_class_lookalike" in {f.code for f in flags}


def _card_residence(first: str, wrap_left: int) -> str | None:
    from classifiers import classify
    from tests.pages import word_page

    rows = [
        ("CĂN CƯỚC CÔNG DÂN", 800, 200),
        ("Số / No.: 038054242554", 900, 300),
        ("Họ và tên / Full name:", 900, 360),
        ("TRẦN THÀNH AN", 900, 420),
        (first, 80, 600),
        ("Nghi Lộc, Nghệ An", wrap_left, 660),
    ]
    return classify([word_page(rows)]).fields.get("place_of_residence", {}).get("value")


def test_a_card_value_found_by_the_english_half_of_its_label_still_wraps():
    """The Vietnamese half garbled ("vị tường trú"), the English half a little too
    ("PIace of residerice:"), the expiry's value read into the same line on its left: the
    label still counts (its colon follows it), and the value's second line, which starts back
    under the label's start, is part of it."""
    line = "Không thời hạn vị tường trú / PIace of residerice: Thôn 4, Nghi Phong,"
    # word_page draws 22 px a letter and 14 px between words: "vị" starts at x = 386.
    assert _card_residence(line, 386) == "Thôn 4, Nghi Phong, Nghi Lộc, Nghệ An"


def test_a_wrapped_address_line_is_no_label_for_a_speck_read_as_a_colon():
    from classifiers import classify
    from tests.pages import word_page

    rows = [
        ("CÔNG AN PHƯỜNG TRẦN HƯNG ĐẠO", 200, 200),
        ("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", 600, 400),
        ("5. Nơi thường trú: Số 75 đường Hùng Vương, Phường Trần Hưng Đạo; Thành", 200, 600),
        ("phố Nam Định; Tỉnh Nam:Định", 200, 660),
        ("6. Nơi tạm trú: Không", 200, 720),
    ]
    found = classify([word_page(rows)]).fields["place_of_residence"]["value"]
    assert found.endswith("Tỉnh Nam Định")


@pytest.mark.parametrize("label", ["Số/N0:", "Số/NGo:", "Số/No:"])
def test_a_glued_bilingual_label_with_its_english_half_misread_is_still_the_label(label):
    """A driving licence prints "Số/No:" as one word; OCR misreads the small "No"."""
    from classifiers import classify
    from tests.pages import word_page

    rows = [
        ("GIẤY PHÉP LÁI XE / DRIVER'S LICENSE", 300, 200),
        (f"{label} 923193966869", 300, 300),
        ("Họ tên/Full name: MAI VĂN VIỆT", 300, 360),
    ]
    assert classify([word_page(rows)]).fields["document_number"]["value"] == "923193966869"


def test_a_label_cut_in_two_by_ocr_ends_the_value_above_it():
    """ "Ngày, tháng, năm đăng ký:" read as two lines, its first words misread: they are the
    start of a label, not the end of the place of registration above them."""
    from classifiers import classify
    from tests.pages import word_page

    rows = [
        ("GIẤY CHỨNG NHẬN KẾT HÔN", 600, 200),
        ("Nơi đăng ký kết hôn: Ủy ban nhân dân phường Phú Hội, thành", 200, 800),
        ("phố Huế, tỉnh Thừa Thiên Huế", 200, 860),
        ("Ngày, thắng, năm", 200, 920),
        ("đăng ký: 19/08/2011", 200, 980),
    ]
    issuer = classify([word_page(rows)]).fields["issuer"]["value"]
    assert issuer == "Ủy ban nhân dân phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế"


@pytest.mark.parametrize(
    ("printed", "field", "value"),
    [
        ("to tên CHU NGỌC YẾN", "full_name", "CHU NGỌC YẾN"),
        ("Sứnh ngay 01-06-1966", "date_of_birth", "01-06-1966"),
    ],
)
def test_a_short_label_one_letter_off_before_its_value_is_still_the_label(printed, field, value):
    """An old card photographed from afar: "Họ tên" read "to tên", "Sinh ngày" "Sứnh ngay".
    Short labels must otherwise match exactly; a value in capitals or with digits after one
    starting its line makes it the label."""
    labels = {"full_name": ("Họ tên",), "date_of_birth": ("Sinh ngày",)}
    assert _value(printed, labels) == (field, value)
    # Prose one letter off a label, going on in lower case, is no label.
    assert not find_hits([_line("to tên của ông ấy")], label_specs(labels, ())).get(0)
