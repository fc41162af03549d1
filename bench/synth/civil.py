"""Certificates issued by communes and ward police: marital status, residence
confirmation (form CT07), marriage certificate.

They combine the Decree 30 header of an issuing office with form-style "label: value" lines
and a seal, the mix a classifier must tell apart from decisions and letters.
"""

from __future__ import annotations

import datetime as dt
import random

from . import names as nm
from .blocks import Style, national_header, organ_block, place_date, signer_block
from .canvas import Canvas, nfc
from .forms import commune_of, field, inline


def issuing_header(
    c: Canvas,
    st: Style,
    rng: random.Random,
    lines: list[str],
    number: str | None,
    place: str,
    date: dt.date,
    parent: str | None = None,
) -> float:
    """Decree 30 header for certificates issued by a commune or police office."""
    lx = st.left + rng.uniform(17.0, 23.0)
    rx = st.right - rng.uniform(47.0, 52.0)
    y0 = rng.uniform(18.0, 24.0)
    y = max(organ_block(c, lx, y0, st, parent, lines), national_header(c, rx, y0, st)) + 2.0
    if number:
        c.text(lx, y, f"Số: {number}", st.header + 0.5, "regular", "center")
    place_date(c, rx, y, st, place, nm.long_date(date))
    return y + 14.0


def render_marital_status(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN issued by the commune people's committee."""
    p = nm.random_person(rng, born=(1960, 2004))
    date = nm.random_date(rng, dt.date(2017, 1, 1), dt.date(2025, 6, 30))
    ward = p.residence.ward
    number = f"{rng.randint(1, 400)}/UBND-XNTTHN"
    organ = ["ỦY BAN NHÂN DÂN", ward.upper()]
    y = issuing_header(c, st, rng, organ, number, nm.strip_unit(ward), date)
    c.text(st.centre, y, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", st.title + 1, "bold", "center")
    y += st.step(st.title) + 5.0
    c.text(st.centre, y, f"ỦY BAN NHÂN DÂN {ward.upper()}", st.body, "bold", "center")
    y += st.step() + 2.0
    c.text(st.left, y, "Xác nhận:", st.body, "bold")
    y += st.step()
    name = p.full_name.upper()
    y = field(c, st, y, "Họ, chữ đệm, tên:", name, True)
    y = field(c, st, y, "Ngày, tháng, năm sinh:", nm.dmy(p.date_of_birth))
    y = inline(
        c, st, y, [("Giới tính:", p.sex), ("Dân tộc:", p.ethnicity), ("Quốc tịch:", "Việt Nam")]
    )
    y = field(c, st, y, "Số định danh cá nhân:", p.id_number)
    y = field(c, st, y, "Nơi cư trú:", p.residence.full())
    status = rng.choice(
        [
            "Chưa đăng ký kết hôn với ai.",
            "Đã ly hôn, hiện chưa đăng ký kết hôn với ai.",
            "Không đăng ký kết hôn với ai.",
        ]
    )
    y = field(c, st, y, "Tình trạng hôn nhân:", status)
    y = field(
        c,
        st,
        y,
        "Giấy này được cấp để:",
        rng.choice(
            [
                "làm thủ tục đăng ký kết hôn.",
                "bổ sung hồ sơ vay vốn ngân hàng.",
                "làm thủ tục mua bán nhà đất.",
            ]
        ),
    )
    y = (
        c.paragraph(
            st.left,
            y,
            st.right - st.left,
            "Giấy này có giá trị sử dụng 06 tháng kể từ ngày cấp.",
            st.body,
            "italic",
        )
        + 4.0
    )
    signer = nm.random_name(rng, rng.choice(["Nam", "Nữ"]))
    signer_block(
        c,
        st.right - 45,
        y,
        st,
        rng,
        ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        signer,
        f"ỦY BAN NHÂN DÂN {ward.upper()} * ",
    )
    return {
        "full_name": name,
        "date_of_birth": p.date_of_birth.isoformat(),
        "sex": p.sex,
        "id_number": p.id_number,
        "place_of_residence": p.residence.full(),
        "document_number": number,
        "issue_date": date.isoformat(),
        "issuer": nfc(" ".join(organ)),
        "signer": signer,
    }


def render_residence_confirmation(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """Form CT07: GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ issued by the ward police."""
    p = nm.random_person(rng, born=(1950, 2006))
    date = nm.random_date(rng, dt.date(2021, 7, 1), dt.date(2025, 6, 30))
    ward = p.residence.ward
    prov = p.residence.province["name"].upper()
    organ = [f"CÔNG AN {ward.upper()}"]
    number = f"{rng.randint(100, 9999)}/XN"
    y = issuing_header(c, st, rng, organ, number, nm.strip_unit(ward), date, f"CÔNG AN {prov}")
    c.text(st.centre, y, "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", st.title + 1, "bold", "center")
    y += st.step(st.title) + 5.0
    c.paragraph(
        st.left,
        y,
        st.right - st.left,
        f"Công an {ward} xác nhận thông tin về cư trú của công dân như sau:",
        st.body,
        indent_mm=10.0,
    )
    y += st.step() * 2
    name = p.full_name.upper()
    y = field(c, st, y, "1. Họ, chữ đệm và tên:", name, True)
    y = field(c, st, y, "2. Ngày, tháng, năm sinh:", nm.dmy(p.date_of_birth))
    y = field(c, st, y, "3. Giới tính:", p.sex)
    y = field(c, st, y, "4. Số định danh cá nhân:", p.id_number, True)
    y = field(c, st, y, "5. Nơi thường trú:", p.residence.full())
    y = field(c, st, y, "6. Nơi tạm trú:", "Không")
    y = field(c, st, y, "7. Nơi ở hiện tại:", p.residence.full())
    y = field(c, st, y, "8. Quan hệ với chủ hộ:", rng.choice(["Chủ hộ", "Con", "Vợ", "Chồng"]))
    y = (
        c.paragraph(
            st.left,
            y + 2,
            st.right - st.left,
            "Giấy xác nhận có giá trị 30 ngày kể từ ngày cấp.",
            st.body,
            "italic",
        )
        + 4.0
    )
    signer = nm.random_name(rng, "Nam")
    signer_block(
        c,
        st.right - 45,
        y,
        st,
        rng,
        ["TRƯỞNG CÔNG AN"],
        signer,
        f"CÔNG AN {ward.upper()} * {p.residence.province['short'].upper()} * ",
    )
    return {
        "full_name": name,
        "date_of_birth": p.date_of_birth.isoformat(),
        "sex": p.sex,
        "id_number": p.id_number,
        "place_of_residence": p.residence.full(),
        "document_number": number,
        "issue_date": date.isoformat(),
        "issuer": organ[0],
        "signer": signer,
    }


def render_marriage_certificate(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """GIẤY CHỨNG NHẬN KẾT HÔN: wife and husband sections, registration office and date."""
    husband = nm.random_person(rng, "Nam", born=(1960, 2002))
    wife = nm.random_person(
        rng, "Nữ", born=(husband.date_of_birth.year - 3, husband.date_of_birth.year + 6)
    )
    youngest = max(husband.date_of_birth, wife.date_of_birth)
    reg = nm.random_date(
        rng, nm.add_years(youngest, 20), max(nm.add_years(youngest, 20), dt.date(2025, 6, 30))
    )
    office = commune_of(wife.residence)
    y0 = rng.uniform(18, 24)
    y = national_header(c, st.centre + 12, y0, st)
    c.text(st.left - 8, y0, f"Số: {rng.randint(1, 300)}", st.body - 1)
    y += 9.0
    c.text(st.centre, y, "GIẤY CHỨNG NHẬN KẾT HÔN", st.title + 3, "bold", "center")
    y += st.step(st.title) + 6.0
    for role, p in (("vợ", wife), ("chồng", husband)):
        y = field(c, st, y, f"Họ, chữ đệm, tên {role}:", p.full_name.upper(), True)
        y = field(c, st, y, "Ngày, tháng, năm sinh:", nm.dmy(p.date_of_birth))
        y = inline(c, st, y, [("Dân tộc:", p.ethnicity), ("Quốc tịch:", "Việt Nam")])
        y = field(c, st, y, "Nơi cư trú:", p.residence.full())
        y = field(c, st, y, "Giấy tờ tùy thân:", f"Căn cước công dân số {p.id_number}") + 3.0
    y = field(c, st, y, "Nơi đăng ký kết hôn:", office)
    y = field(c, st, y, "Ngày, tháng, năm đăng ký:", nm.dmy(reg)) + 5.0
    c.text(st.left + 18, y, "Chồng", st.body, "bold", "center")
    c.text(st.left + 58, y, "Vợ", st.body, "bold", "center")
    c.text(st.left + 18, y + 30, husband.full_name, st.body - 1, "regular", "center")
    c.text(st.left + 58, y + 30, wife.full_name, st.body - 1, "regular", "center")
    signer = nm.random_name(rng, rng.choice(["Nam", "Nữ"]))
    signer_block(
        c,
        st.right - 32,
        y + 12,
        st,
        rng,
        ["NGƯỜI KÝ GIẤY CHỨNG NHẬN"],
        signer,
        f"ỦY BAN NHÂN DÂN {wife.residence.ward.upper()} * ",
    )
    return {
        "registration_date": reg.isoformat(),
        "issuer": office,
        "signer": signer,
        "husband_name": husband.full_name.upper(),
        "wife_name": wife.full_name.upper(),
        "husband_id_number": husband.id_number,
        "wife_id_number": wife.id_number,
        "husband_date_of_birth": husband.date_of_birth.isoformat(),
        "wife_date_of_birth": wife.date_of_birth.isoformat(),
    }
