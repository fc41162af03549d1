"""Every Decree 30 kind, documents rather than pages, and metadata as real pages print it.

The rules are tested on pages built from words with boxes (as Tesseract gives them); two
generated documents, drawn the way real ones are printed (a subject without "Về việc", the
number and the day left for the pen, the signature block on page 2, a notice with a "V/v"
line), go through the real reader.
"""

from __future__ import annotations

import dataclasses
import io
import random
from pathlib import Path

import pytest

from classifiers import classify
from classifiers.catalogue import load
from classifiers.document import page_roles
from classifiers.lines import page_lines
from digitize.models import PageResult, Word
from tests.pages import word_page as page

KINDS = {
    "resolution": "NQ", "decision": "QĐ", "directive": "CT", "regulation": "QC",
    "rules": "QyĐ", "communique": "TC", "notice": "TB", "guidance": "HD",
    "programme": "CTr", "plan": "KH", "scheme": "PA", "proposal": "ĐA", "project": "DA",
    "report": "BC", "minutes": "BB", "submission": "TTr", "contract": "HĐ",
    "official_letter": None, "telegram": "CĐ", "memorandum": "BGN", "agreement": "BTT",
    "power_of_attorney": "GUQ", "invitation": "GM", "introduction_letter": "GGT",
    "leave_permit": "GNP", "transmittal_slip": "PG", "transfer_slip": "PC",
    "notification_slip": "PB", "public_letter": None, "law": "QH", "decree": "NĐ",
    "circular": "TT",
}  # fmt: skip
"""The kinds of Decree 30 Appendix III and the legal normative kinds, with their notation
abbreviation (docs/domain.md)."""


def header(
    number: str = "Số: 46/TB-UBND", date: str = "Quảng Ngãi, ngày 08 tháng 01 năm 2025"
) -> list[tuple[str, int, int]]:
    """The Decree 30 header of a provincial people's committee, as OCR lines."""
    return [
        ("ỦY BAN NHÂN DÂN", 330, 200),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1200, 200),
        ("TỈNH QUẢNG NGÃI", 340, 270),
        ("Độc lập - Tự do - Hạnh phúc", 1350, 270),
        (number, 330, 380),
        (date, 1250, 380),
    ]


SIGNATURE = [
    ("Nơi nhận:", 300, 2500),
    ("- Như trên;", 300, 2560),
    ("TL. CHỦ TỊCH", 1600, 2500),
    ("CHÁNH VĂN PHÒNG", 1540, 2560),
    ("Nguyễn Quốc Việt", 1530, 2900),
]


def fields(rows, *more_pages) -> tuple[str, dict]:
    out = classify([page(rows), *(page(p, i + 1) for i, p in enumerate(more_pages))])
    return out.document_type["code"], out.fields


# --- the catalogue ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(KINDS))
def test_every_decree30_kind_carries_its_metadata_and_abbreviation(code):
    t = load().get(code)
    assert t is not None, code
    assert set(t.decree30) == {"document_number", "issue_date", "issuer", "subject", "signer"}
    if KINDS[code]:
        assert KINDS[code] in t.notation
    assert t.titles or t.titleless


@pytest.mark.parametrize("code", [c for c, a in KINDS.items() if a and c != "law"])
def test_a_kind_is_known_from_its_title_and_its_notation(code):
    t = load().get(code)
    rows = [*header(f"Số: 12/{KINDS[code]}-UBND"), (t.titles[0], 1000, 560), *SIGNATURE]
    got, found = fields(rows)
    assert got == code
    assert found["document_number"]["value"] == f"12/{KINDS[code]}-UBND"


def test_notation_alone_names_the_kind_when_the_title_is_lost():
    got, _ = fields([*header("Số: 46/TB-UBND"), ("Kết luận của Chủ tịch", 900, 600)])
    assert got == "notice"
    got, _ = fields([*header("Số: 30/2020/NĐ-CP"), ("Về công tác văn thư", 900, 600)])
    assert got == "decree"


def test_a_notice_with_a_vv_subject_is_a_notice_not_an_official_letter():
    rows = [*header("Số: 1135/TB-BTP"), ("THÔNG BÁO", 1000, 560)]
    rows += [("V/v hoán đổi ngày nghỉ, ngày đi làm bù", 800, 640), *SIGNATURE]
    got, found = fields(rows)
    assert got == "notice"
    assert found["subject"]["value"] == "V/v hoán đổi ngày nghỉ, ngày đi làm bù"


def test_an_official_letter_whose_small_v_was_misread_keeps_its_type_and_subject():
    rows = [
        ("ỦY BAN NHÂN DÂN", 330, 200),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1200, 200),
        ("THÀNH PHỐ NAM ĐỊNH", 310, 270),
        ("Số: 2598/UBND-TNMT", 330, 340),
        ("Nam Định, ngày 16 tháng 12 năm 2024", 1250, 340),
        ("V/ở trả lời đơn của ông (bà)", 260, 410),
        ("Kính gửi: Các sở, ban, ngành thuộc tỉnh", 800, 700),
    ]
    got, found = fields(rows)
    assert got == "official_letter"
    assert found["subject"]["value"] == "V/v trả lời đơn của ông (bà)"


GARBLED_HEADER = [
    ("LAN ,", 330, 200),
    ("HUY V TÂN ĐH,", 330, 270),
    ("CỘNG ĐA XÃ HỘI €1: NHA VI NAM", 1200, 200),
    ("Độc lập - Eự do - Hạnh phú", 1350, 270),
    ("lĩnh tia, nưây { thâm 4 năm 2020", 1250, 380),
]
"""A phone photo's header as OCR read it: no number, no "V/v", no title."""


@pytest.mark.parametrize("addressee", ["Kính gửi: Chủ tịch UBND các xã", "Klnh gởi: Chủ tịch"])
def test_a_letter_whose_header_is_garbled_is_known_by_its_addressee_and_flagged(addressee):
    rows = [*GARBLED_HEADER, (addressee, 800, 700), ("Căn cứ tình hình thực tế", 300, 800)]
    out = classify([page(rows)])
    assert out.document_type["code"] == "official_letter"
    assert 0.5 <= out.document_type["confidence"] < 0.6  # a guess, said to be one


def test_an_addressee_line_outweighs_no_title_and_counts_only_near_the_top():
    addressee = ("Kính gửi: Hội đồng nhân dân tỉnh", 800, 700)
    rows = [*GARBLED_HEADER, ("TỜ TRÌNH", 1040, 560), addressee]
    assert fields(rows)[0] == "submission"
    rows = [*GARBLED_HEADER, ("Kính gửi: Hội đồng nhân dân tỉnh", 800, 2600)]  # low on the page
    assert fields(rows)[0] != "official_letter"


def test_a_header_with_a_pen_month_below_the_print_a_glued_colon_and_a_lone_speck():
    """A real decision's header as read: the handwritten month stood lower than the print and
    came after "năm", the colon after "Số" was read as a letter glued to the pen's number, and
    a mark stands alone between the organ's words."""
    rows = [
        ("VIỆN KIỂM SÁT NHÂN DÂN _", 330, 200),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1200, 200),
        ("TỐI CAO", 420, 270),
        ("Độc lập - Tự do - Hạnh phúc", 1350, 270),
        ("Sốz-68/QĐ-VKSTC", 330, 380),
        ("Hà Nội, ngày 08 tháng năm 7 2019", 1250, 380),
        ("QUYẾT ĐỊNH", 1040, 560),
        ("Ban hành Quy định về quy trình kiểm sát", 820, 630),
        *SIGNATURE,
    ]
    got, found = fields(rows)
    assert got == "decision"
    assert found["issue_date"]["value"] == "2019-07-08"
    assert "date_handwritten" in found["issue_date"]["review_reasons"]
    assert found["issuer"]["value"] == "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO"
    assert found["issuer"]["needs_review"]
    number = found["document_number"]
    assert number["value"] is None and "number_unreadable" in number["review_reasons"]


def test_an_organ_line_is_never_the_title_and_an_eth_read_twice_is_one_letter():
    """ "PHƯỜNG AN PHÚ" folds to the letters of "PHƯƠNG ÁN" (a scheme's title), but it stands
    in the organ block above the number; "QĐÐ" is "QĐ" with its Đ read twice."""
    rows = [
        ("ỦY BAN NHÂN DÂN", 330, 200),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1200, 200),
        ("PHƯỜNG AN PHÚ", 350, 270),
        ("Độc lập - Tự do - Hạnh phúc", 1350, 270),
        ("Số: 460 / QĐÐ-UBND", 330, 380),
        ("An Phú, ngày 23 tháng 02 năm 2019", 1250, 380),
        ("QUYẾT ĐỊNH", 1040, 560),
        ("Về việc giao nhiệm vụ tiếp nhận hồ sơ", 820, 630),
        *SIGNATURE,
    ]
    got, found = fields(rows)
    assert got == "decision"
    assert found["document_number"]["value"] == "460/QĐ-UBND"


def test_official_letters_have_no_kind_in_their_notation():
    # "CT" here is the organ's initials (CỤC THUẾ), not a directive's abbreviation.
    rows = [
        ("TỔNG CỤC THUẾ", 330, 200),
        ("CỤC THUẾ TP.HCM", 330, 270),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1200, 200),
        ("Số: 6078/ CT-KTT3", 330, 380),
        ("TP. Hồ Chí Minh, ngày 26 tháng 7 năm 2011", 1250, 380),
        ("V/v: Không đóng dấu trên hóa đơn đặt in.", 260, 460),
        ("Kính gửi: Công ty cổ phần dịch vụ", 800, 700),
    ]
    got, found = fields(rows)
    assert got == "official_letter"
    assert found["document_number"]["value"] == "6078/CT-KTT3"
    assert found["issuer"]["value"] == "CỤC THUẾ TP.HCM"
    assert found["subject"]["value"] == "V/v: Không đóng dấu trên hóa đơn đặt in."
    letter = [*header("Số: 507/UBND-KGVX"), ("V/v góp ý dự thảo Quyết định", 300, 460)]
    letter += [("KÍNH GỬI: CÔNG TY CỔ PHẦN BƯU CHÍNH", 800, 700)]
    letter += [("Mã số thuế: 0300849034", 1000, 770)]
    got, found = fields(letter)
    assert got == "official_letter"
    # A capital line under the number is the addressee, not a title with a subject under it.
    assert found["subject"]["value"] == "V/v góp ý dự thảo Quyết định"


def test_a_blank_number_cut_by_ocr_is_flagged_and_kept_out_of_the_issuer():
    rows = header("Số:") + [("/UBND-KGVX", 640, 380), ("V/v góp ý dự thảo", 300, 460)]
    got, found = fields(rows)
    assert got == "official_letter"
    assert found["issuer"]["value"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    number = found["document_number"]
    assert number["value"] is None and "number_unreadable" in number["review_reasons"]


@pytest.mark.parametrize(
    "printed, value, reason",
    [
        ("Số: A2 /BC-UBND", None, "number_unreadable"),
        ("Số: / /QĐ-UBND", None, "number_unreadable"),
        ("Số: Ø7 /CT-UBND", "07/CT-UBND", "number_handwritten"),
        ("Số:11/CT-UBND", "11/CT-UBND", "number_handwritten"),
        ("Số: 2l ,CT-CS", "21/CT-CS", "number_handwritten"),
    ],
)
def test_numbers_written_by_hand_are_never_confident(printed, value, reason):
    _, found = fields([*header(printed), ("CHỈ THỊ", 1000, 560)])
    number = found["document_number"]
    assert number["value"] == value
    assert number["needs_review"] and reason in number["review_reasons"]


@pytest.mark.parametrize(
    "printed, value, reason",
    [
        ("Quảng Ngãi, ngày tháng 4 năm 2023", None, "date_unreadable"),
        ("Quảng Ngãi, ngày @3 tháng 01 năm 2025", None, "date_unreadable"),
        ("Quảng Ngãi, ngày 3| tháng 12 năm 2024", "2024-12-31", "date_handwritten"),
        ("Quảng Ngãi, ngày 22 tháng 1] năm 2024", "2024-11-22", "date_handwritten"),
        ("Quảng Ngãi, ngày 31 tháng ¡2 năm 2024", "2024-12-31", "date_handwritten"),
        ("Quảng Ngãi, ngày11 tháng 5 năm 2021", "2021-05-11", "date_handwritten"),
        ("Quảng Ngãi, ngày 2 tháng 4 năm 2021", "2021-04-02", "date_not_zero_padded"),
        ("Hà Nội, ngày 09 tháng 04 năm 201 5", "2015-04-09", None),
    ],
)
def test_days_written_by_hand_are_never_confident(printed, value, reason):
    _, found = fields([*header(date=printed), ("CHỈ THỊ", 1000, 560)])
    date = found["issue_date"]
    assert date["value"] == value
    if reason:
        assert date["needs_review"] and reason in date["review_reasons"]
    else:
        assert not date["needs_review"]


def test_digits_taller_than_the_printed_year_were_written_by_hand():
    """Clean digits, but a third taller than the year printed beside them: ink, not type."""
    rows = [*header("Số: 47 /QĐ-UBND", "Quảng Ngãi, ngày 05 tháng 5 năm 2023")]
    doc = page([*rows, ("QUYẾT ĐỊNH", 1040, 560)])
    for i, w in enumerate(doc.words):
        if w.text in ("47", "05"):
            doc.words[i] = dataclasses.replace(w, top=w.top - 20, height=64)
    found = classify([doc]).fields
    assert found["document_number"]["value"] == "47/QĐ-UBND"
    assert "number_handwritten" in found["document_number"]["review_reasons"]
    assert found["issue_date"]["value"] == "2023-05-05"
    assert "date_handwritten" in found["issue_date"]["review_reasons"]
    printed = classify([page([*header("Số: 47 /QĐ-UBND"), ("QUYẾT ĐỊNH", 1040, 560)])]).fields
    assert not printed["document_number"]["needs_review"]
    assert not printed["issue_date"]["needs_review"]


def test_a_day_put_in_above_the_line_after_printing_is_never_confident():
    """A day typed into the blank in a smaller size stands above the line of the printed year;
    on a low-resolution copy its clean digits are misread at high confidence (08 as 28)."""
    rows = [*header(date="Quảng Ngãi, ngày 28 tháng 01 năm 2025"), ("THÔNG BÁO", 1000, 560)]
    doc = page(rows)
    year = next(w for w in doc.words if w.text == "2025")
    for i, w in enumerate(doc.words):
        if w.text == "28":
            doc.words[i] = dataclasses.replace(w, top=w.top - 12, height=year.height - 4)
    date = classify([doc]).fields["issue_date"]
    assert date["value"] == "2025-01-28"
    assert date["needs_review"] and "date_handwritten" in date["review_reasons"]
    level = classify([page(rows)]).fields["issue_date"]
    assert level["value"] == "2025-01-28" and not level["needs_review"]


def test_a_number_row_read_again_with_tall_boxes_does_not_cut_the_organ_short():
    """A number row re-read with its handwritten digits gets boxes as tall as the strokes,
    reaching up a few pixels into the organ's last line: that line still names the organ."""
    doc = page([*header("Số: 23 /BC-UBND"), ("BÁO CÁO", 1040, 560)])
    for i, w in enumerate(doc.words):
        if w.top == 380:  # the number row: 44 px high, its top raised to 3 px above the unit
            doc.words[i] = dataclasses.replace(w, top=270 + 44 - 3, height=44 + 380 - 311)
    found = classify([doc]).fields
    assert found["issuer"]["value"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert not found["issuer"]["needs_review"]


def test_a_gazette_running_header_is_neither_number_nor_date():
    rows = [
        ("CÔNG BÁO/Số 677 + 678/Ngày 24-4-2023", 900, 60),
        ("THỦ TƯỚNG CHÍNH PHỦ", 330, 200),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1200, 200),
        ("Số: 09/2023/QĐ-TTg", 330, 380),
        ("Hà Nội, ngày 12 tháng 4 năm 2023", 1250, 380),
        ("QUYẾT ĐỊNH", 1040, 560),
        ("Quy định về trình tự, thủ tục cấp thẻ", 850, 640),
        ("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;", 300, 780),
    ]
    got, found = fields(rows)
    assert got == "decision"
    assert found["document_number"]["value"] == "09/2023/QĐ-TTg"
    assert found["issue_date"]["value"] == "2023-04-12"
    assert found["issuer"]["value"] == "THỦ TƯỚNG CHÍNH PHỦ"
    assert found["subject"]["value"] == "Quy định về trình tự, thủ tục cấp thẻ"


def test_a_subject_without_ve_viec_wraps_and_ends_at_the_authority_line_or_the_body():
    rows = [
        *header("Số: 110/QĐ-STP"),
        ("QUYẾT ĐỊNH", 1040, 560),
        ("Ban hành Quy chế cung cấp thông tin", 830, 630),
        ("cho công dân của Sở Tư pháp", 880, 700),
        ("GIÁM ĐỐC SỞ TƯ PHÁP TỈNH TUYÊN QUANG", 740, 800),
        ("Căn cứ Luật tiếp cận thông tin;", 300, 880),
    ]
    found = fields(rows)[1]
    assert found["subject"]["value"] == (
        "Ban hành Quy chế cung cấp thông tin cho công dân của Sở Tư pháp"
    )
    notice = [
        *header(),
        ("THÔNG BÁO", 1040, 560),
        ("Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp", 700, 630),
        ("về công tác cổ phần hóa", 900, 700),
        ("Ngày 03/01/2025, Phó Chủ tịch UBND tỉnh chủ trì họp nghe báo cáo", 300, 860),
    ]
    subject = fields(notice)[1]["subject"]
    want = "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về công tác cổ phần hóa"
    assert subject["value"] == want
    assert not subject["needs_review"]


def test_a_subject_line_a_stamp_pushed_off_centre_is_flagged():
    rows = [
        *header("Số: 08/CT-UBND"),
        ("CHỈ THỊ", 1100, 560),
        ("Về việc tăng cường công tác quản lý nhà nước", 700, 630),
        ("n sử dụng vốn ngoài ngân sách", 1050, 700),
    ]
    subject = fields(rows)[1]["subject"]
    assert "subject_line_hidden" in subject["review_reasons"]


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("Về việc công bố-danh mục thủ tục hành chính", True),  # a speck read as a hyphen
        ("Về việc sáp nhập tỉnh Bà Rịa-Vũng Tàu", False),  # a hyphen joining names
    ],
)
def test_a_hyphen_between_two_lower_case_words_of_a_subject_is_flagged(line, flagged):
    rows = [*header("Số: 46/QĐ-UBND"), ("QUYẾT ĐỊNH", 1040, 560), (line, 700, 630)]
    subject = fields(rows)[1]["subject"]
    assert ("hyphen_between_letters" in subject["review_reasons"]) is flagged


def test_a_subject_whose_first_line_was_lost_is_flagged():
    rows = [*header("Số: 23/BC-UBND"), ("BÁO CÁO", 1080, 560)]
    rows += [("cải cách thủ tục hành chính tháng 01/2025", 800, 630)]
    subject = fields(rows)[1]["subject"]
    assert "subject_cut_at_line" in subject["review_reasons"]
    whole = [*header("Số: 23/BC-UBND"), ("BÁO CÁO", 1080, 560)]
    whole += [("Kết quả cải cách thủ tục hành chính tháng 01/2025", 750, 630)]
    assert not fields(whole)[1]["subject"]["needs_review"]


def test_a_generic_decree30_document_still_gets_its_metadata():
    rows = [*header("Số: 12/PLYK-UBND"), ("PHIẾU LẤY Ý KIẾN CỬ TRI", 800, 560)]
    rows += [("Lấy ý kiến về dự thảo quy hoạch xã", 860, 630), *SIGNATURE]
    got, found = fields(rows)
    assert got == "administrative_document"
    assert found["subject"]["value"] == "Lấy ý kiến về dự thảo quy hoạch xã"
    assert found["document_number"]["value"] == "12/PLYK-UBND"
    assert found["issuer"]["value"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert found["signer"]["value"] == "Nguyễn Quốc Việt"


def test_an_untitled_decree30_document_is_an_official_letter_even_with_its_prefix_lost():
    """A black-and-white copy whose "V/v" and "Kính gửi" were both lost under a stamp: the
    national title and a number whose notation names no kind, with no title under it, are a
    letter's (Decree 30 titles every other kind), as unsure as its header alone makes it."""
    rows = [*header("Số: 464/TTg-CĐS"), ("triển khai nhiệm vụ chuyển đổi số năm 2026", 420, 450)]
    rows += [("Thực hiện Nghị quyết của Chính phủ về chuyển đổi số quốc gia,", 900, 700)]
    got = classify([page(rows + SIGNATURE)]).document_type
    assert got["code"] == "official_letter"
    assert 0.5 <= got["confidence"] < 0.9
    # A capital line centred under the number is some kind's title: not a letter.
    titled = [*header("Số: 464/TTg-CĐS"), ("PHIẾU GÓP Ý DỰ THẢO", 1000, 560), *rows[6:]]
    assert fields(titled + SIGNATURE)[0] == "administrative_document"
    # Recipients printed in capitals on the addressee line do not make it a title.
    addressed = rows + [("Kính gửi: ỦY BAN NHÂN DÂN CÁC TỈNH", 1000, 560)]
    assert fields(addressed + SIGNATURE)[0] == "official_letter"


@pytest.mark.parametrize("row", ["Só 2191 “€T-CS", "Số: 2191 ‘CT-CS", "Số 2191/€T-CS"])
def test_a_notations_slash_or_c_read_as_another_mark_is_put_right_and_flagged(row):
    """A black-and-white copy's number row: the slash read as a quote mark, the C of "CT" as
    "€". The number is read, and says it was put right."""
    rows = [("BỘ TÀI CHÍNH", 250, 200), ("CỤC THUẾ", 290, 250), *header(row)[1:2]]
    rows += [*header(row)[3:], ("V/v chính sách thuế TNDN", 300, 450)]
    got, found = fields(rows + SIGNATURE)
    assert got == "official_letter"
    assert found["document_number"]["value"] == "2191/CT-CS"
    assert "notation_marks_misread" in found["document_number"]["review_reasons"]
    assert found["document_number"]["needs_review"]


@pytest.mark.parametrize(
    ("row", "title", "kind", "value"),
    [
        ("Số: 23 /8C-UBND", "BÁO CÁO", "report", "23/BC-UBND"),
        ("Số: 41 /0Đ-UBND", "QUYẾT ĐỊNH", "decision", "41/QĐ-UBND"),
        ("Số: 12 /5TP-VP", "THÔNG BÁO", "notice", "12/STP-VP"),
    ],
)
def test_a_notations_first_capital_read_as_a_digit_is_put_right_and_flagged(
    row, title, kind, value
):
    """A soft photo's "BC" read "8C": a kind's abbreviation starts with a letter."""
    got, found = fields([*header(row), (title, 1000, 560)])
    assert got == kind
    assert found["document_number"]["value"] == value
    assert "notation_marks_misread" in found["document_number"]["review_reasons"]


def test_a_number_row_with_digits_after_the_slash_and_no_capital_is_left_alone():
    """Digits after the slash that no capital follows are no notation's letters."""
    _, found = fields([*header("Số: 23 /85 UBND"), ("BÁO CÁO", 1000, 560)])
    assert found.get("document_number", {}).get("value") != "23/BS"


# --- documents, not pages --------------------------------------------------------------------


BODY = [
    (f"Nội dung đoạn văn số {i} của thông báo kết luận cuộc họp.", 300, 700 + 70 * i)
    for i in range(20)
]


def test_the_signer_stands_on_the_last_signed_page_not_on_a_blank_one():
    first = [*header(), ("THÔNG BÁO", 1040, 480), ("Kết luận của Chủ tịch", 950, 540), *BODY]
    second = [("2", 1230, 150), *BODY[:6], *SIGNATURE]
    blank = [("`", 1500, 2000)]
    out = classify([page(first), page(second, 1), page(blank, 2)])
    roles = page_roles(page_lines([page(first), page(second, 1), page(blank, 2)]))
    assert roles.roles == {0: "header", 1: "signed", 2: "blank"}
    assert out.document_type["code"] == "notice"
    assert out.fields["signer"]["value"] == "Nguyễn Quốc Việt"
    assert out.fields["subject"]["value"] == "Kết luận của Chủ tịch"


def test_an_attached_draft_lends_the_document_none_of_its_fields():
    first = [*header("Số: 22/TTr-UBND"), ("TỜ TRÌNH", 1060, 480)]
    first += [("Về việc đề nghị giao dự toán năm 2025", 800, 540), *SIGNATURE]
    draft = [
        ("DỰ THẢO", 1900, 80),
        ("HỘI ĐỒNG NHÂN DÂN", 330, 200),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1200, 200),
        ("TỈNH QUẢNG NGÃI", 340, 270),
        ("Số: /NQ-HĐND", 330, 380),
        ("NGHỊ QUYẾT", 1040, 560),
        ("CHỦ TỊCH", 1650, 2500),
        ("Bùi Thị Quỳnh Vân", 1560, 2900),
    ]
    pages = [page(first), page([("`", 1200, 1500)], 1), page(draft, 2)]
    roles = page_roles(page_lines(pages))
    assert roles.pages == (0, 1) and roles.roles[2] == "attachment"
    out = classify(pages)
    assert out.document_type["code"] == "submission"
    assert out.fields["signer"]["value"] == "Nguyễn Quốc Việt"
    assert out.fields["document_number"]["value"] == "22/TTr-UBND"
    assert out.fields["issuer"]["value"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"


def _as_read(canvas, index: int) -> PageResult:
    """A generated page as a perfect reader would give it: its drawn words, a line per row."""
    rows: dict[int, int] = {}
    words = []
    for w in canvas.words:
        x0, y0, x1, y1 = w.box
        line = rows.setdefault(round(y1 / 6), len(rows) + 1)
        words.append(Word(w.text, int(x0), int(y0), int(x1 - x0), int(y1 - y0), 0.96, line, 1, 1))
    return PageResult(index, canvas.image.width, canvas.image.height, 200.0, words, "", "ocr")


def test_generated_titled_documents_read_perfectly_give_every_field():
    """Notices, directives, reports, plans and submissions, one or two pages, numbers and
    days left blank or printed: the layout rules alone find every value."""
    from bench.synth import decree30
    from bench.synth.blocks import Style
    from bench.synth.canvas import Canvas

    for seed in range(30):
        rng = random.Random(seed)
        kind = rng.choice(sorted(decree30.TITLED_KINDS))
        st = Style.random(rng)
        two, blank = rng.random() < 0.5, rng.random() < 0.3
        first = Canvas(210.0, 297.0, 200, "Liberation Serif")
        second = Canvas(210.0, 297.0, 200, "Liberation Serif") if two else None
        truth = decree30.render_titled(first, rng, st, kind, blank=blank, second=second)
        pages = [_as_read(first, 0)] + ([_as_read(second, 1)] if second else [])
        out = classify(pages)
        assert out.document_type["code"] == kind, seed
        for name, want in truth.items():
            assert out.fields[name]["value"] == want, (seed, name)
        if blank:
            assert out.fields["document_number"]["needs_review"], seed
            assert out.fields["issue_date"]["needs_review"], seed


# --- through the real reader -----------------------------------------------------------------


def _read(image, index: int) -> list[PageResult]:
    from digitize.intake import open_document
    from digitize.reading import read_page

    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(200, 200))
    doc = open_document(Path("p.png"), buf.getvalue(), max_pixels=10**8, pdf_dpi=200)
    return [
        dataclasses.replace(read_page(p, lang="vie", timeout=60, name="p.png").result, index=index)
        for p in doc.pages()
    ]


def _drawn(kind: str, seed: int, **kw):
    from bench.synth import decree30
    from bench.synth.blocks import Style
    from bench.synth.canvas import Canvas

    rng = random.Random(seed)
    st = Style.random(rng)
    first = Canvas(210.0, 297.0, 200, "Liberation Serif")
    second = Canvas(210.0, 297.0, 200, "Liberation Serif") if kw.pop("two", False) else None
    truth = decree30.render_titled(first, rng, st, kind, second=second, **kw)
    pages = _read(first.image, 0) + (_read(second.image, 1) if second else [])
    return truth, classify(pages)


def _no_unflagged_wrong(truth: dict, found: dict) -> None:
    for name, want in truth.items():
        got = found.get(name)
        assert got is not None, name
        assert got["value"] == want or got["needs_review"], (name, got, want)


def test_a_two_page_report_read_by_tesseract():
    """Subject without "Về việc", number and day left for the pen, signer on page 2."""
    truth, out = _drawn("report", 5, blank=True, two=True)
    assert out.document_type["code"] == "report"
    assert out.fields["subject"]["value"] == truth["subject"]
    assert out.fields["signer"]["value"] == truth["signer"]
    blanks = (("document_number", "number_unreadable"), ("issue_date", "date_unreadable"))
    for name, reason in blanks:
        assert out.fields[name]["value"] is None
        assert reason in out.fields[name]["review_reasons"]
    _no_unflagged_wrong(truth, out.fields)


def test_a_notice_with_a_vv_line_read_by_tesseract():
    truth, out = _drawn("notice", 11, subject="V/v nghỉ lễ Quốc khánh năm 2024")
    assert out.document_type["code"] == "notice"
    assert out.fields["subject"]["value"] == "V/v nghỉ lễ Quốc khánh năm 2024"
    assert out.fields["document_number"]["value"] == truth["document_number"]
    _no_unflagged_wrong(truth, out.fields)
