"""Certificates with numbered sections (enterprise registration, land use), the legacy
household book, and the negatives: blank pages and ordinary non-administrative pages.

The negatives matter as much as the positives: a classifier that calls every page with a
table or a date an administrative document files wrong types into dossiers.
"""

from __future__ import annotations

import datetime as dt
import random

from . import names as nm
from .blocks import Style, national_header, place_date, signer_block
from .canvas import Canvas, nfc
from .civil import issuing_header
from .forms import field

BRANDS = [
    "AN PHÁT",
    "HƯNG THỊNH",
    "MINH KHANG",
    "SAO VIỆT",
    "PHÚC LỘC",
    "ĐẠI NAM",
    "HOÀNG GIA",
    "TÂN TIẾN",
    "THÀNH CÔNG",
    "VIỆT ÚC",
    "BẢO LONG",
    "NAM TIẾN",
]
TRADES = [
    ("THƯƠNG MẠI VÀ DỊCH VỤ", "TRADING AND SERVICES"),
    ("XÂY DỰNG", "CONSTRUCTION"),
    ("CÔNG NGHỆ", "TECHNOLOGY"),
    ("VẬN TẢI", "TRANSPORT"),
    ("NÔNG SẢN", "AGRICULTURE"),
]
CAPITALS = [
    (500_000_000, "Năm trăm triệu đồng"),
    (800_000_000, "Tám trăm triệu đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (2_000_000_000, "Hai tỷ đồng"),
    (3_500_000_000, "Ba tỷ năm trăm triệu đồng"),
    (5_000_000_000, "Năm tỷ đồng"),
    (10_000_000_000, "Mười tỷ đồng"),
]


def render_business_registration(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP of a limited or joint-stock company."""
    owner = nm.random_person(rng, born=(1960, 1998))
    place = nm.random_place(rng)
    prov_up = place.province["name"].upper()
    first = nm.random_date(rng, dt.date(2010, 1, 1), dt.date(2024, 12, 31))
    code = nm.enterprise_code(rng)
    brand = rng.choice(BRANDS)
    trade, trade_en = rng.choice(TRADES)
    form = rng.choice(["CÔNG TY TNHH", "CÔNG TY CỔ PHẦN"])
    company = nfc(f"{form} {trade} {brand}")
    y = (
        issuing_header(
            c,
            st,
            rng,
            ["PHÒNG ĐĂNG KÝ KINH DOANH"],
            None,
            place.province["short"],
            first,
            f"SỞ KẾ HOẠCH VÀ ĐẦU TƯ {prov_up}",
        )
        - 2.0
    )
    c.text(st.centre, y, "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", st.title + 1, "bold", "center")
    y += st.step(st.title)
    kind = (
        "CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN" if form.endswith("TNHH") else "CÔNG TY CỔ PHẦN"
    )
    c.text(st.centre, y, kind, st.body, "bold", "center")
    y += st.step() + 2
    c.runs(
        st.centre, y, [("Mã số doanh nghiệp: ", "regular"), (code, "bold")], st.body + 1, "center"
    )
    y += st.step()
    c.text(st.centre, y, f"Đăng ký lần đầu: {nm.long_date(first)}", st.body, "regular", "center")
    y += st.step() + 4
    capital, words = rng.choice(CAPITALS)
    address = place.full()
    c.text(st.left, y, "1. Tên công ty", st.body, "bold")
    y = field(c, st, y + st.step(), "Tên công ty viết bằng tiếng Việt:", company, True)
    en = nm.fold_ascii(f"{brand} {trade_en} COMPANY LIMITED")
    y = field(c, st, y, "Tên công ty viết bằng tiếng nước ngoài:", en)
    c.text(st.left, y, "2. Địa chỉ trụ sở chính", st.body, "bold")
    y = field(c, st, y + st.step(), "", address)
    phone = nm.phone_number(rng)
    y = field(c, st, y, "Điện thoại:", phone)
    c.text(st.left, y, "3. Vốn điều lệ", st.body, "bold")
    y = field(c, st, y + st.step(), "Vốn điều lệ:", f"{capital:,}".replace(",", ".") + " đồng")
    y = field(c, st, y, "Bằng chữ:", words)
    c.text(st.left, y, "4. Người đại diện theo pháp luật của công ty", st.body, "bold")
    owner_name = owner.full_name.upper()
    y = field(c, st, y + st.step(), "Họ và tên:", owner_name, True)
    y = field(c, st, y, "Chức danh:", rng.choice(["Giám đốc", "Tổng giám đốc"]))
    y = field(
        c,
        st,
        y,
        "Sinh ngày:",
        f"{nm.dmy(owner.date_of_birth)}    Dân tộc: {owner.ethnicity}    Quốc tịch: Việt Nam",
    )
    # Certificates of different years print the representative's ID under different labels
    # (chosen from the number itself, so the page's other random draws stay as they were).
    id_labels = ("Số định danh cá nhân:", "Số giấy tờ pháp lý của cá nhân:", "Số CCCD:")
    id_label = id_labels[int(owner.id_number[-1]) % len(id_labels)]
    y = field(c, st, y, id_label, owner.id_number)
    y = field(c, st, y, "Địa chỉ thường trú:", owner.residence.full()) + 4
    signer = nm.random_name(rng, rng.choice(["Nam", "Nữ"]))
    signer_block(
        c,
        st.right - 45,
        y,
        st,
        rng,
        ["TRƯỞNG PHÒNG"],
        signer,
        f"PHÒNG ĐĂNG KÝ KINH DOANH * {prov_up} * ",
    )
    return {
        "enterprise_code": code,
        "company_name": company,
        "address": address,
        "phone": phone,
        "charter_capital": str(capital),
        "first_registration_date": first.isoformat(),
        "owner_name": owner_name,
        "id_number": owner.id_number,
        "signer": signer,
    }


def render_land_use_certificate(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """Land use right certificate (2009 form): owner, parcel, map sheet, area, purpose."""
    owner = nm.random_person(rng, born=(1945, 1995))
    land = nm.random_place(rng)
    date = nm.random_date(rng, dt.date(2010, 1, 1), dt.date(2024, 7, 31))
    red = (165, 25, 30)
    y = national_header(c, st.centre, rng.uniform(18, 24), st) + 6.0
    c.text(st.centre, y, "GIẤY CHỨNG NHẬN", st.title + 8, "bold", "center", fill=red)
    y += st.step(st.title + 6)
    for line in ("QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở", "VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"):
        c.text(st.centre, y, line, st.title, "bold", "center", fill=red)
        y += st.step(st.title)
    y += 5.0
    c.text(
        st.left,
        y,
        "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
        st.body,
        "bold",
    )
    y += st.step()
    name = owner.full_name.upper()
    title = "Ông:" if owner.sex == "Nam" else "Bà:"
    y = field(
        c, st, y, title, f"{name}, sinh năm {owner.date_of_birth.year}, CCCD số: {owner.id_number}"
    )
    y = field(c, st, y, "Địa chỉ thường trú:", owner.residence.full()) + 3
    c.text(st.left, y, "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", st.body, "bold")
    y += st.step()
    parcel, sheet = str(rng.randint(1, 980)), str(rng.randint(1, 65))
    area = f"{rng.randint(40, 600)},{rng.randint(0, 9)}"
    address = land.full()
    purpose = rng.choice(["Đất ở tại đô thị", "Đất ở tại nông thôn", "Đất trồng cây lâu năm"])
    y = field(c, st, y, "a) Thửa đất số:", f"{parcel};    b) Tờ bản đồ số: {sheet};")
    y = field(c, st, y, "c) Địa chỉ:", address)
    y = field(c, st, y, "d) Diện tích:", f"{area} m²")
    y = field(c, st, y, "đ) Hình thức sử dụng:", "Sử dụng riêng")
    y = field(c, st, y, "e) Mục đích sử dụng:", purpose)
    y = field(c, st, y, "g) Thời hạn sử dụng:", "Lâu dài")
    y = field(c, st, y, "h) Nguồn gốc sử dụng:", "Nhà nước công nhận quyền sử dụng đất") + 6
    rx = st.right - 45
    place_date(c, rx, y, st, land.province["short"], nm.long_date(date))
    signer = nm.random_name(rng, rng.choice(["Nam", "Nữ"]))
    prov_up = land.province["name"].upper()
    signer_block(
        c,
        rx,
        y + st.step() + 1,
        st,
        rng,
        ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        signer,
        f"ỦY BAN NHÂN DÂN {prov_up} * ",
    )
    serial = f"{rng.choice(['BĐ', 'CS', 'CH', 'CT'])} {rng.randint(100000, 999999)}"
    c.text(st.left, 285.0, serial, st.body + 2, "bold", fill=red)
    return {
        "owner_name": name,
        "address": address,
        "area": area.replace(",", "."),
        "parcel_number": parcel,
        "map_sheet_number": sheet,
        "land_use_purpose": purpose,
        "document_number": serial.replace(" ", ""),
        "issue_date": date.isoformat(),
        "signer": signer,
    }


def render_household_book(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """A page of the legacy SỔ HỘ KHẨU: book number, head of household, member table."""
    head = nm.random_person(rng, "Nam", born=(1945, 1985))
    y = rng.uniform(25, 32)
    c.text(st.centre, y, "SỔ HỘ KHẨU", st.title + 6, "bold", "center")
    number = f"{rng.randint(10, 99)}{rng.randint(1000000, 9999999)}"
    y += st.step(st.title + 4)
    c.runs(st.centre, y, [("Số: ", "regular"), (number, "bold")], st.body + 1, "center")
    y += st.step() + 6
    name = head.full_name.upper()
    address = head.residence.full()
    y = field(c, st, y, "Họ và tên chủ hộ:", name, True, True)
    y = field(c, st, y, "Địa chỉ:", address, False, True) + 4
    wife = nm.random_person(
        rng, "Nữ", born=(head.date_of_birth.year - 3, head.date_of_birth.year + 5)
    )
    rows = [
        (name, "Chủ hộ", head.date_of_birth),
        (wife.full_name.upper(), "Vợ", wife.date_of_birth),
    ]
    for _ in range(rng.randint(1, 3)):
        kid = nm.random_person(
            rng,
            surname=head.full_name.split()[0],
            born=(head.date_of_birth.year + 22, head.date_of_birth.year + 40),
        )
        rows.append((kid.full_name.upper(), "Con", kid.date_of_birth))
    cols = [st.left, st.left + 12, st.left + 78, st.left + 124, st.right]
    header = ["TT", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh"]
    row_h = 9.0
    for r, row in enumerate(
        [header] + [(str(i), n, rel, nm.dmy(d)) for i, (n, rel, d) in enumerate(rows, 1)]
    ):
        top = y + r * row_h
        c.line(cols[0], top, cols[-1], top, 0.6)
        c.runs(cols[0] + 2, top + 6.3, [(row[0], "bold" if r == 0 else "regular")], st.body - 1)
        for k in range(1, 4):
            c.text(cols[k] + 2, top + 6.3, row[k], st.body - 1, "bold" if r == 0 else "regular")
    bottom = y + (len(rows) + 1) * row_h
    c.line(cols[0], bottom, cols[-1], bottom, 0.6)
    for x in cols:
        c.line(x, y, x, bottom, 0.6)
    return {"full_name": name, "address": address, "document_number": number}


PROSE = [
    "Mùa mưa năm nay đến sớm hơn mọi năm, nhiều tuyến đường trong thành phố bị ngập sâu.",
    "Giá rau xanh tại các chợ đầu mối tăng nhẹ do ảnh hưởng của thời tiết.",
    "Câu lạc bộ bóng đá của trường tổ chức giải giao hữu vào cuối tuần này.",
    "Bà con trong xóm thường tụ tập dưới gốc đa đầu làng để trò chuyện mỗi buổi chiều.",
    "Món phở bò truyền thống cần được ninh xương trong nhiều giờ để nước dùng ngọt thanh.",
    "Thư viện mở cửa từ tám giờ sáng đến năm giờ chiều, trừ ngày chủ nhật.",
    "Những cánh đồng lúa chín vàng trải dài tít tắp dưới ánh nắng cuối thu.",
    "Học sinh được khuyến khích đọc thêm sách ngoài giờ học để mở rộng hiểu biết.",
    "Chuyến tàu đêm xuất phát từ ga Hà Nội và đến Huế vào khoảng trưa hôm sau.",
    "Cửa hàng giảm giá nhiều mặt hàng gia dụng nhân dịp khai trương chi nhánh mới.",
]
TITLES = ["Ghi chép cuối tuần", "Bản tin cộng đồng", "Thực đơn tuần này", "Nhật ký chuyến đi"]


def render_unrelated(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """Ordinary prose or a price table: text-rich but not an administrative document."""
    y = rng.uniform(25, 35)
    width = st.right - st.left
    if rng.random() < 0.5:
        c.text(st.centre, y, rng.choice(TITLES), st.title + 2, "bold", "center")
        y += st.step(st.title) + 6
        pool = rng.sample(PROSE, len(PROSE)) * 2
        for k in range(rng.randint(4, 6)):
            text = " ".join(pool[3 * k : 3 * k + 3])
            y = c.paragraph(st.left, y, width, text, st.body, indent_mm=10, leading=st.leading)
            y += 2.0
        return {}
    c.text(st.centre, y, "BẢNG GIÁ THAM KHẢO", st.title + 2, "bold", "center")
    y += st.step(st.title) + 6
    items = [
        "Gạo tẻ",
        "Thịt lợn",
        "Cá rô phi",
        "Trứng gà",
        "Rau muống",
        "Đường kính",
        "Dầu ăn",
        "Sữa tươi",
        "Cà phê",
        "Chè xanh",
        "Nước mắm",
        "Bột mì",
    ]
    cols = [st.left, st.left + 15, st.left + 85, st.left + 125, st.right]
    for r, item in enumerate(["Mặt hàng"] + rng.sample(items, rng.randint(6, 10))):
        top = y + r * 9.0
        c.line(cols[0], top, cols[-1], top, 0.5)
        if r == 0:
            row = ["STT", item, "Đơn vị", "Giá (đồng)"]
        else:
            price = f"{rng.randint(8, 250) * 1000:,}".replace(",", ".")
            row = [str(r), item, rng.choice(["kg", "hộp", "chai", "gói"]), price]
        for k in range(4):
            c.text(cols[k] + 2, top + 6.3, row[k], st.body - 1, "bold" if r == 0 else "regular")
    return {}


def render_blank(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """An empty sheet (back sides, separators); sometimes a lone page number."""
    if rng.random() < 0.3:
        c.text(105.0, 285.0, str(rng.randint(2, 9)), 11, "regular", "center")
    return {}
