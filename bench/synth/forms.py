"""Citizen forms: birth certificate, applications and declarations, and the
"label: value" helpers every form uses.

They are "label: value" pages under the national title; the labels are the printed ones of
the real templates, so label-anchored field extraction sees what it will see at the desk.
"""

from __future__ import annotations

import datetime as dt
import random

from . import names as nm
from .blocks import Style, national_header, place_date, prefixed, signer_block
from .canvas import Canvas, nfc


def field(
    c: Canvas,
    st: Style,
    y: float,
    label: str,
    value: str,
    bold: bool = False,
    dots: bool = False,
    x: float | None = None,
) -> float:
    """One "Label: value" line (wrapped); optional dotted leader to the right margin."""
    x = st.left if x is None else x
    if not label:
        return c.paragraph(
            x, y, st.right - x, value, st.body, "bold" if bold else "regular", leading=st.leading
        )
    y2 = prefixed(
        c, x, y, st.right - x, label, value, st, 0.0, "regular", "bold" if bold else "regular"
    )
    if dots:
        last = c.wrap(value, st.body, st.right - x, first_indent_mm=c.width(label + " ", st.body))
        if len(last) == 1:
            end = x + c.width(f"{label} {last[0]}", st.body, "bold" if bold else "regular")
            if end + 8 < st.right:
                c.dots(end + 2, st.right, y2 - st.step())
    return y2


def inline(
    c: Canvas,
    st: Style,
    y: float,
    pairs: list[tuple[str, str]],
    gap: float = 8.0,
    bold: bool = False,
) -> float:
    """Several short "Label: value" pairs on one line, recorded as one line."""
    runs: list[tuple[str, str]] = []
    for i, (label, value) in enumerate(pairs):
        pad = " " * max(1, int(gap / 1.6)) if i else ""
        runs += [(pad + label + " ", "regular"), (value, "bold" if bold else "regular")]
    c.runs(st.left, y, runs, st.body)
    return y + st.step()


def commune_of(place: nm.Place) -> str:
    """Registration office: the commune people's committee of a place, in sentence case."""
    ward = place.ward[0].lower() + place.ward[1:]
    district = place.district[0].lower() + place.district[1:]
    prov = place.province["name"][0].lower() + place.province["name"][1:]
    return nfc(f"Ủy ban nhân dân {ward}, {district}, {prov}")


def render_birth_certificate(
    c: Canvas, rng: random.Random, st: Style, extract: bool = False
) -> dict[str, str]:
    """GIẤY KHAI SINH (or its copy, TRÍCH LỤC KHAI SINH) of a child and the parents."""
    father = nm.random_person(rng, "Nam", born=(1960, 1998))
    child = nm.random_person(
        rng, surname=father.full_name.split()[0], born=(father.date_of_birth.year + 20, 2024)
    )
    mother = nm.random_person(
        rng, "Nữ", born=(father.date_of_birth.year - 6, father.date_of_birth.year + 6)
    )
    reg = child.date_of_birth + dt.timedelta(days=rng.randint(3, 60))
    issued = nm.random_date(rng, reg, max(reg, dt.date(2025, 6, 30))) if extract else reg
    office = commune_of(child.residence)
    y0 = rng.uniform(18, 24)
    y = national_header(c, st.centre + 12, y0, st)
    c.text(st.left - 8, y0, f"Số: {rng.randint(1, 480)}", st.body - 1)
    c.text(st.left - 8, y0 + st.step(), f"Quyển số: 01/{reg.year}", st.body - 1)
    y += 10.0
    c.text(
        st.centre,
        y,
        "TRÍCH LỤC KHAI SINH" if extract else "GIẤY KHAI SINH",
        st.title + 3,
        "bold",
        "center",
    )
    y += st.step(st.title)
    if extract:
        c.text(st.centre, y, "(BẢN SAO)", st.body, "bold", "center")
        y += st.step()
    y += 5.0
    name = child.full_name.upper()
    dots = rng.random() < 0.5
    y = field(c, st, y, "Họ, chữ đệm, tên:", name, True, dots)
    y = field(c, st, y, "Ngày, tháng, năm sinh:", nm.dmy(child.date_of_birth), True, dots)
    y = inline(
        c,
        st,
        y,
        [("Giới tính:", child.sex), ("Dân tộc:", child.ethnicity), ("Quốc tịch:", "Việt Nam")],
    )
    hosp = rng.choice(["Bệnh viện Đa khoa", "Bệnh viện Phụ sản", "Trạm y tế"])
    y = field(c, st, y, "Nơi sinh:", f"{hosp} {child.birth_province['short']}", False, dots)
    origin = child.origin.full()
    y = field(c, st, y, "Quê quán:", origin, False, dots)
    y = field(c, st, y, "Số định danh cá nhân:", child.id_number, True, dots) + 3.0
    y = field(c, st, y, "Họ, chữ đệm, tên người mẹ:", mother.full_name.upper(), True, dots)
    y = inline(
        c,
        st,
        y,
        [
            ("Năm sinh:", str(mother.date_of_birth.year)),
            ("Dân tộc:", mother.ethnicity),
            ("Quốc tịch:", "Việt Nam"),
        ],
    )
    y = field(c, st, y, "Nơi cư trú:", child.residence.full(), False, dots) + 3.0
    y = field(c, st, y, "Họ, chữ đệm, tên người cha:", father.full_name.upper(), True, dots)
    y = inline(
        c,
        st,
        y,
        [
            ("Năm sinh:", str(father.date_of_birth.year)),
            ("Dân tộc:", father.ethnicity),
            ("Quốc tịch:", "Việt Nam"),
        ],
    )
    y = field(c, st, y, "Nơi cư trú:", child.residence.full(), False, dots) + 3.0
    y = field(c, st, y, "Nơi đăng ký khai sinh:", office, False, dots)
    y = field(c, st, y, "Ngày, tháng, năm đăng ký:", nm.dmy(reg), False, dots) + 4.0
    rx = st.right - 45
    place_date(c, rx, y, st, child.residence.province["short"], nm.long_date(issued))
    signer = nm.random_name(rng, rng.choice(["Nam", "Nữ"]))
    title = "NGƯỜI KÝ TRÍCH LỤC" if extract else "NGƯỜI KÝ GIẤY KHAI SINH"
    seal_text = f"ỦY BAN NHÂN DÂN {child.residence.ward.upper()} * "
    signer_block(
        c,
        rx,
        y + st.step() + 1,
        st,
        rng,
        [title],
        signer,
        seal_text,
        "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)",
    )
    fields = {
        "full_name": name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "sex": child.sex,
        "nationality": "Việt Nam",
        "place_of_origin": origin,
        "id_number": child.id_number,
        "mother_name": mother.full_name.upper(),
        "father_name": father.full_name.upper(),
        "registration_date": reg.isoformat(),
        "issuer": office,
        "signer": signer,
    }
    if extract:
        fields["issue_date"] = issued.isoformat()
    return fields


APPLICATIONS = [
    ("ĐƠN ĐỀ NGHỊ", "CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", "cấp 02 bản sao trích lục khai sinh"),
    ("ĐƠN ĐỀ NGHỊ", "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "xác nhận thông tin về cư trú"),
    ("ĐƠN ĐỀ NGHỊ", "CẤP GIẤY PHÉP XÂY DỰNG", "cấp giấy phép xây dựng nhà ở riêng lẻ"),
    ("ĐƠN XIN", "XÁC NHẬN HOÀN CẢNH GIA ĐÌNH", "xác nhận hoàn cảnh gia đình khó khăn"),
    ("ĐƠN ĐỀ NGHỊ", "HỖ TRỢ HỌC NGHỀ", "được hỗ trợ học nghề theo quy định"),
]
DECLARATIONS = [
    ("TỜ KHAI", "THAY ĐỔI THÔNG TIN CƯ TRÚ", "đăng ký thường trú"),
    ("TỜ KHAI", "ĐĂNG KÝ KHAI SINH", "đăng ký khai sinh cho con"),
    ("TỜ KHAI", "CẤP, ĐỔI, CẤP LẠI THẺ CĂN CƯỚC", "cấp đổi thẻ căn cước"),
    ("TỜ KHAI", "ĐĂNG KÝ KẾT HÔN", "đăng ký kết hôn"),
]


def render_application(
    c: Canvas, rng: random.Random, st: Style, declaration: bool = False
) -> dict[str, str]:
    """ĐƠN ĐỀ NGHỊ / ĐƠN XIN / TỜ KHAI filled by a citizen, signed, no seal."""
    person = nm.random_person(rng, born=(1950, 2005))
    head, what, purpose = rng.choice(DECLARATIONS if declaration else APPLICATIONS)
    office = commune_of(person.residence)
    y = national_header(c, st.centre, rng.uniform(18, 24), st) + 8.0
    title = nfc(f"{head} {what}")
    for line in c.wrap(title, st.title + 1, st.right - st.left - 20, "bold"):
        c.text(st.centre, y, line, st.title + 1, "bold", "center")
        y += st.step(st.title + 1)
    y += 4.0
    y = (
        prefixed(
            c, st.left + 20, y, st.right - st.left - 20, "Kính gửi:", office, st, 0.0, "bolditalic"
        )
        + 4.0
    )
    dots = rng.random() < 0.6
    name = person.full_name.upper() if rng.random() < 0.5 else person.full_name
    use_address = rng.random() < 0.35
    res_label = "Địa chỉ:" if use_address else "Nơi cư trú:"
    id_label = rng.choice(["Số định danh cá nhân:", "Số CCCD:"])
    y = field(c, st, y, "Họ và tên:", name, False, dots)
    y = inline(
        c,
        st,
        y,
        [("Ngày, tháng, năm sinh:", nm.dmy(person.date_of_birth)), ("Giới tính:", person.sex)],
    )
    y = field(c, st, y, id_label, person.id_number, False, dots)
    y = field(c, st, y, res_label, person.residence.full(), False, dots)
    y = field(c, st, y, "Số điện thoại:", person.phone, False, dots) + 2.0
    width = st.right - st.left
    intro = f"Tôi làm {'tờ khai' if declaration else 'đơn'} này đề nghị {office} {purpose}."
    y = c.paragraph(st.left, y, width, intro, st.body, indent_mm=10.0, leading=st.leading)
    reason = rng.choice(
        [
            "Lý do: phục vụ việc hoàn thiện hồ sơ của gia đình.",
            "Lý do: bổ sung hồ sơ theo yêu cầu của cơ quan có thẩm quyền.",
            "Lý do: thay đổi nơi cư trú.",
        ]
    )
    y = c.paragraph(st.left, y, width, reason, st.body, indent_mm=10.0, leading=st.leading)
    oath = (
        "Tôi xin cam đoan những thông tin trên là đúng sự thật và chịu trách nhiệm trước "
        "pháp luật về nội dung đã khai."
    )
    y = c.paragraph(st.left, y, width, oath, st.body, indent_mm=10.0, leading=st.leading) + 6.0
    rx = st.right - 42
    date = nm.random_date(rng, dt.date(2018, 1, 1), dt.date(2025, 6, 30))
    place_date(c, rx, y, st, person.residence.province["short"], nm.long_date(date))
    signer = "NGƯỜI KHAI" if declaration else "NGƯỜI LÀM ĐƠN"
    signer_block(
        c, rx, y + st.step() + 1, st, rng, [signer], person.full_name, None, "(Ký, ghi rõ họ tên)"
    )
    res_key = "address" if use_address else "place_of_residence"
    return {
        "full_name": name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "id_number": person.id_number,
        res_key: person.residence.full(),
        "phone": person.phone,
    }
