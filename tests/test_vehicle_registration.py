"""Vehicle registration certificates: the plate, engine and chassis numbers as values, the
card's layouts (labels longer than the catalogue's, bilingual labels with the value on the line
below, two label/value pairs on one row), and photographed cards read through the real intake,
Tesseract and classifier.

The cards are drawn as the traffic police print them (``bench.synth.vehicle``: the motorbike's
card with Vietnamese labels, the car's with bilingual ones and a VIN) and photographed on a
desk (``bench.synth.capture``).
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import pytest

from bench.synth.capture import capture
from bench.synth.vehicle import DESIGNS, VIN_CHARS, render_vehicle_card
from classifiers import classify
from classifiers.catalogue import load
from classifiers.doctype import classify_type
from classifiers.lines import page_lines
from classifiers.validators import validate
from digitize.intake import open_document
from digitize.models import PageResult
from digitize.reading import complete_page, prepared_pages
from tests.pages import row_page


def codes(kind: str, text: str) -> tuple[str | None, set[str]]:
    value, flags = validate(kind, text)
    return value, {f.code for f in flags}


# --- plates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("29-B1 123.45", "29-B1 123.45"),
        ("59-X2 12345", "59-X2 123.45"),  # the dot lost: put back before the last two digits
        ("29 - B1  123.45", "29-B1 123.45"),
        ("29-B1 1234", "29-B1 1234"),  # an older plate: four digits, no dot
        ("29-AA 123.45", "29-AA 123.45"),  # a two-letter series after the hyphen: a motorbike's
        ("30A-123.45", "30A-123.45"),
        ("51G-12345", "51G-123.45"),
        ("51G-1234", "51G-1234"),
        ("30A 123.45", "30A-123.45"),
        ("30LD-123.45", "30LD-123.45"),
    ],
)
def test_a_plate_is_given_in_its_printed_form(printed, value):
    assert codes("plate", printed) == (value, set())


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("29-B1 123.4S", "29-B1 123.45"),  # a digit read as its look-alike letter: put right
        ("30A-I23.45", "30A-123.45"),
        ("29-Bl 123.45", "29-BL 123.45"),  # "B1" or "BL"? only a look tells
        ("09-B1 123.45", "09-B1 123.45"),  # no province has code 09
        ("30A-123.45 x9", "30A-123.45"),  # more beside the plate
        ("3OA-123.45", "3OA-123.45"),  # not in the form at all: kept as read
        ("Biển", "Biển"),
    ],
)
def test_a_plate_out_of_form_or_put_right_is_flagged(printed, value):
    assert codes("plate", printed) == (value, {"plate_malformed"})


# --- engine and chassis numbers ------------------------------------------------------------------


def test_engine_and_chassis_numbers_are_capitals_and_digits_as_printed():
    assert codes("engine_number", "JA39E1234567") == ("JA39E1234567", set())
    assert codes("engine_number", "2NR 1234567") == ("2NR1234567", set())  # a gap OCR read
    assert codes("chassis_number", "RLHJA3910KY123456") == ("RLHJA3910KY123456", set())
    assert codes("chassis_number", "RLCE5C6101") == ("RLCE5C6101", set())  # an older frame


@pytest.mark.parametrize(
    ("kind", "printed"),
    [
        ("engine_number", "JA39E-123"),  # a hyphen, and too short
        ("engine_number", "ja39e1234567"),  # lower case: misread
        ("engine_number", "JA39E"),
        ("chassis_number", "RLHJA3910KY1234567890"),  # too long: a word ran on
        ("chassis_number", "RLHJA39»10KY12345"),
    ],
)
def test_an_engine_or_chassis_number_out_of_form_is_flagged(kind, printed):
    assert "vehicle_number_malformed" in codes(kind, printed)[1]


def test_a_vin_read_with_i_o_or_q_is_put_right_and_flagged():
    # A VIN never holds I, O or Q: they were a 1 and 0s.
    assert codes("chassis_number", "RL4B29F3OK5Q1I345") == (
        "RL4B29F30K5011345",
        {"vin_forbidden_letter"},
    )
    # Shorter frame numbers are no VINs: their letters stand.
    assert codes("chassis_number", "RLHOC12080") == ("RLHOC12080", set())
    assert codes("engine_number", "RL4B29F3OK5Q1I345")[1] == set()


def test_brand_colour_and_model_are_words_as_printed():
    assert codes("words", "HONDA") == ("HONDA", set())
    assert codes("words", "Đỏ - Đen") == ("Đỏ - Đen", set())
    assert codes("words", "WAVE ALPHA") == ("WAVE ALPHA", set())
    assert "symbol_in_text" in codes("words", "HON#DA")[1]


# --- layouts, from words as OCR gives them ------------------------------------------------------

W, H = 2000, 1260


def card(rows: list[tuple[str, int, int]], conf: float = 0.95) -> PageResult:
    """A card page whose lines are ``(text, left, top)`` (see :func:`tests.pages.row_page`)."""
    return row_page(rows, conf=conf, size=(W, H))


HEAD = [
    ("CÔNG AN TỈNH NGHỆ AN", 120, 60),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1100, 60),
    ("PHÒNG CẢNH SÁT GIAO THÔNG", 100, 120),
    ("Độc lập - Tự do - Hạnh phúc", 1200, 120),
]
SIGNED = [
    ("Nghệ An, ngày 18 tháng 4 năm 2019", 1250, 880),
    ("TRƯỞNG PHÒNG", 1420, 950),
    ("Trần Ngọc Giang", 1400, 1180),
]


def test_motorbike_card_with_two_pairs_on_a_row_and_a_wrapped_address():
    rows = [
        *HEAD,
        ("CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY", 500, 250),
        ("Số: 422108", 850, 330),
        ("Tên chủ xe: HOÀNG HỮU HẢI", 100, 420),
        ("Địa chỉ: Số 77 đường Lê Lợi, Phường Hưng Bình, Thành phố Vinh,", 100, 500),
        ("Tỉnh Nghệ An", 100, 580),
        ("Nhãn hiệu: HONDA    Số loại: WAVE ALPHA", 100, 660),
        ("Màu sơn: Đỏ - Đen", 100, 740),
        ("Số máy: JA39E1234567", 100, 820),
        ("Số khung: RLHJA3910KY123456", 100, 900),
        ("Dung tích: 110", 100, 980),
        ("Biển số đăng ký: 37-B1 123.45", 100, 1060),
        ("Đăng ký lần đầu ngày: 18/04/2019", 100, 1140),
        *SIGNED,
    ]
    out = classify([card(rows)])
    assert out.document_type["code"] == "vehicle_registration"
    f = {name: v["value"] for name, v in out.fields.items()}
    assert f == {
        "document_number": "422108",
        "owner_name": "HOÀNG HỮU HẢI",
        "address": "Số 77 đường Lê Lợi, Phường Hưng Bình, Thành phố Vinh, Tỉnh Nghệ An",
        "brand": "HONDA",
        "model_code": "WAVE ALPHA",
        "colour": "Đỏ - Đen",
        "engine_number": "JA39E1234567",
        "chassis_number": "RLHJA3910KY123456",
        "plate_number": "37-B1 123.45",
        "first_registration_date": "2019-04-18",
        "issue_date": "2019-04-18",
        "signer": "Trần Ngọc Giang",
    }


def test_car_card_with_bilingual_labels_and_values_under_them():
    rows = [
        *HEAD,
        ("CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ", 600, 230),
        ("VEHICLE REGISTRATION CERTIFICATE", 620, 290),
        ("Số: 953807", 850, 350),
        ("Tên chủ xe / Owner's full name:", 100, 420),
        ("DƯƠNG QUANG QUYẾT", 110, 480),
        ("Địa chỉ / Address: Thôn 1, Xã Nghi Phú, Thành phố Vinh, Tỉnh Nghệ An", 100, 560),
        ("Nhãn hiệu / Brand: TOYOTA    Số loại / Model code: VIOS", 100, 640),
        ("Màu sơn / Color: Trắng    Dung tích / Capacity: 1496", 100, 720),
        ("Số máy / Engine N°: 2NR1234567", 100, 800),
        ("Số khung / Chassis N°: RL4B29F30K5012345", 100, 880),
        ("Biển số đăng ký / Number plate: 37A-123.45", 100, 960),
        ("Đăng ký lần đầu ngày / Date of first registration:", 100, 1040),
        ("17/10/2020", 140, 1110),
    ]
    out = classify([card(rows)])
    assert out.document_type["code"] == "vehicle_registration"
    f = {name: v["value"] for name, v in out.fields.items()}
    assert f["owner_name"] == "DƯƠNG QUANG QUYẾT"
    assert f["address"] == "Thôn 1, Xã Nghi Phú, Thành phố Vinh, Tỉnh Nghệ An"
    assert (f["brand"], f["model_code"], f["colour"]) == ("TOYOTA", "VIOS", "Trắng")
    assert (f["engine_number"], f["chassis_number"]) == ("2NR1234567", "RL4B29F30K5012345")
    assert f["plate_number"] == "37A-123.45"
    assert f["first_registration_date"] == "2020-10-17"
    assert f["document_number"] == "953807"


@pytest.mark.parametrize(
    "title",
    ["GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", "GIẤY CHỨNG NHẬN ĐĂNG KÝ KINH DOANH"],
)
def test_a_business_registration_is_not_claimed_by_the_vehicle_card(title):
    rows = [
        (title, 400, 250),
        ("Mã số doanh nghiệp: 0101234567", 100, 420),
        ("Đăng ký lần đầu: ngày 12 tháng 03 năm 2019", 100, 500),
        ("Vốn điều lệ: 1.500.000.000 đồng", 100, 580),
    ]
    guess, scores = classify_type(page_lines([card(rows)]), load())
    assert guess.code == "business_registration"
    assert scores["vehicle_registration"] < 0.3  # no second claim to lower its confidence


def test_a_card_titled_giay_chung_nhan_dang_ky_xe_is_a_vehicle_registration():
    rows = [
        ("GIẤY CHỨNG NHẬN ĐĂNG KÝ XE", 500, 250),
        ("Tên chủ xe: HOÀNG HỮU HẢI", 100, 420),
        ("Biển số đăng ký: 37-B1 123.45", 100, 500),
    ]
    assert classify([card(rows)]).document_type["code"] == "vehicle_registration"


# --- photographed cards through the pipeline ----------------------------------------------------


@cache
def _read(design: str, index: int):
    card_ = render_vehicle_card(design, random.Random(f"test/{design}/{index}"))
    shot = capture(card_.image, card_.dpi, "desk", random.Random(f"test/{design}/{index}/photo"))
    data = shot.jpeg(88)
    doc = open_document(Path("card.jpg"), data, max_pixels=120_000_000, pdf_dpi=300)
    pages = [
        complete_page(ready, lang="vie", timeout=120).result
        for ready in prepared_pages(doc.pages(), lang="vie", timeout=120, name="card.jpg")
    ]
    return card_, classify(pages)


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("index", [0, 1])
def test_photographed_card_is_read(design, index):
    card_, out = _read(design, index)
    assert out.document_type["code"] == "vehicle_registration"
    exact, wrong_unflagged = 0, []
    for name, want in card_.fields.items():
        got = out.fields.get(name) or {}
        if got.get("value") == want:
            exact += 1
        elif got and not got["needs_review"]:
            wrong_unflagged.append((name, want, got["value"]))
    assert wrong_unflagged == []
    assert exact >= len(card_.fields) - 3, (exact, len(card_.fields))


def test_generated_values_are_in_the_printed_forms():
    for design in DESIGNS:
        for i in range(20):
            f = render_vehicle_card(design, random.Random(f"forms/{design}/{i}"), dpi=100).fields
            for kind, name in (
                ("plate", "plate_number"),
                ("engine_number", "engine_number"),
                ("chassis_number", "chassis_number"),
                ("digits", "document_number"),
            ):
                assert validate(kind, f[name]) == (f[name], []), (design, name, f[name])
            if design == "car":
                assert len(f["chassis_number"]) == 17
                assert set(f["chassis_number"]) <= set(VIN_CHARS)
