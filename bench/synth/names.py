"""Vietnamese names, places and identifiers for synthetic documents.

The values follow the real structures (province codes of birth registration, the 12-digit
personal identification number, address forms, Decree 30 organ names) so that field
validators and classifiers meet the same regularities they meet on real paper.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

SURNAMES = [
    "Nguyễn",
    "Nguyễn",
    "Nguyễn",
    "Trần",
    "Trần",
    "Lê",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Mai",
    "Tạ",
    "Lương",
    "Cao",
    "Đoàn",
    "Chu",
]
MIDDLE_MALE = [
    "Văn",
    "Văn",
    "Hữu",
    "Đức",
    "Minh",
    "Quang",
    "Thành",
    "Công",
    "Xuân",
    "Ngọc",
    "Hoàng",
    "Anh",
    "Đình",
    "Trọng",
    "Quốc",
    "Gia",
]
MIDDLE_FEMALE = [
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Minh",
    "Phương",
    "Kim",
    "Bảo",
    "Hồng",
    "Mai",
    "Thùy",
    "Diệu",
    "Khánh",
]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Huy",
    "Khánh",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Lộc",
    "Phúc",
    "Thịnh",
    "Đức",
    "Hưng",
    "Khoa",
    "Tùng",
    "Quyết",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Trang",
    "Tuyết",
    "Uyên",
    "Vân",
    "Yến",
    "Huyền",
    "Nguyệt",
    "Thủy",
    "Ánh",
]
ETHNICITIES = ["Kinh"] * 12 + ["Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Ê Đê"]

# Province code of birth registration (first three digits of the personal identification
# number), official name, short name; districts with their wards or communes; streets.
PROVINCES: list[dict] = [
    {
        "code": "001",
        "name": "Thành phố Hà Nội",
        "short": "Hà Nội",
        "districts": {
            "Quận Ba Đình": ["Phường Kim Mã", "Phường Điện Biên", "Phường Ngọc Hà"],
            "Quận Cầu Giấy": ["Phường Dịch Vọng", "Phường Nghĩa Đô", "Phường Quan Hoa"],
            "Quận Hoàng Mai": ["Phường Định Công", "Phường Giáp Bát", "Phường Tương Mai"],
            "Huyện Gia Lâm": ["Xã Bát Tràng", "Xã Đa Tốn", "Thị trấn Trâu Quỳ"],
        },
        "streets": [
            "phố Kim Mã",
            "đường Cầu Giấy",
            "phố Tây Sơn",
            "đường Giải Phóng",
            "phố Đội Cấn",
        ],
    },
    {
        "code": "079",
        "name": "Thành phố Hồ Chí Minh",
        "short": "TP. Hồ Chí Minh",
        "districts": {
            "Quận 1": ["Phường Bến Nghé", "Phường Đa Kao", "Phường Tân Định"],
            "Quận Bình Thạnh": ["Phường 25", "Phường 13", "Phường 26"],
            "Thành phố Thủ Đức": ["Phường Linh Trung", "Phường Hiệp Bình Chánh"],
            "Huyện Củ Chi": ["Xã Tân Thạnh Đông", "Thị trấn Củ Chi"],
        },
        "streets": [
            "đường Nguyễn Huệ",
            "đường Lê Lợi",
            "đường Điện Biên Phủ",
            "đường Võ Văn Ngân",
            "đường Xô Viết Nghệ Tĩnh",
        ],
    },
    {
        "code": "074",
        "name": "Tỉnh Bình Dương",
        "short": "Bình Dương",
        "districts": {
            "Thành phố Thủ Dầu Một": ["Phường Phú Cường", "Phường Hiệp Thành"],
            "Thành phố Dĩ An": ["Phường Dĩ An", "Phường Đông Hòa"],
            "Thành phố Thuận An": ["Phường Lái Thiêu", "Phường An Phú"],
        },
        "streets": ["đường Cách Mạng Tháng Tám", "đường Yersin", "đại lộ Bình Dương"],
    },
    {
        "code": "042",
        "name": "Tỉnh Hà Tĩnh",
        "short": "Hà Tĩnh",
        "districts": {
            "Huyện Cẩm Xuyên": ["Xã Cẩm Bình", "Xã Cẩm Vịnh", "Thị trấn Cẩm Xuyên"],
            "Thành phố Hà Tĩnh": ["Phường Bắc Hà", "Phường Nam Hà"],
            "Huyện Kỳ Anh": ["Xã Kỳ Tiến", "Xã Kỳ Đồng"],
        },
        "streets": ["đường Phan Đình Phùng", "đường Trần Phú", "đường Hà Huy Tập"],
    },
    {
        "code": "066",
        "name": "Tỉnh Đắk Lắk",
        "short": "Đắk Lắk",
        "districts": {
            "Thành phố Buôn Ma Thuột": ["Phường Tân Lợi", "Phường Thắng Lợi", "Xã Ea Tu"],
            "Huyện Krông Pắc": ["Xã Ea Kênh", "Thị trấn Phước An"],
        },
        "streets": ["đường Lê Duẩn", "đường Nguyễn Tất Thành", "đường Phan Bội Châu"],
    },
    {
        "code": "031",
        "name": "Thành phố Hải Phòng",
        "short": "Hải Phòng",
        "districts": {
            "Quận Lê Chân": ["Phường An Biên", "Phường Dư Hàng"],
            "Quận Ngô Quyền": ["Phường Máy Tơ", "Phường Lạch Tray"],
            "Huyện Thủy Nguyên": ["Xã Lưu Kiếm", "Xã Minh Tân"],
        },
        "streets": ["đường Lạch Tray", "phố Tô Hiệu", "đường Lê Thánh Tông"],
    },
    {
        "code": "048",
        "name": "Thành phố Đà Nẵng",
        "short": "Đà Nẵng",
        "districts": {
            "Quận Hải Châu": ["Phường Thạch Thang", "Phường Hòa Cường Bắc"],
            "Quận Sơn Trà": ["Phường An Hải Bắc", "Phường Mân Thái"],
            "Huyện Hòa Vang": ["Xã Hòa Phước", "Xã Hòa Châu"],
        },
        "streets": ["đường Bạch Đằng", "đường Nguyễn Văn Linh", "đường Ngô Quyền"],
    },
    {
        "code": "040",
        "name": "Tỉnh Nghệ An",
        "short": "Nghệ An",
        "districts": {
            "Thành phố Vinh": ["Phường Hưng Bình", "Phường Lê Lợi"],
            "Huyện Nghi Lộc": ["Xã Nghi Phong", "Xã Nghi Thạch"],
        },
        "streets": ["đường Quang Trung", "đường Lê Hồng Phong"],
    },
    {
        "code": "038",
        "name": "Tỉnh Thanh Hóa",
        "short": "Thanh Hóa",
        "districts": {
            "Thành phố Thanh Hóa": ["Phường Điện Biên", "Phường Đông Thọ"],
            "Huyện Hoằng Hóa": ["Xã Hoằng Đạo", "Thị trấn Bút Sơn"],
        },
        "streets": ["đại lộ Lê Lợi", "đường Bà Triệu"],
    },
    {
        "code": "092",
        "name": "Thành phố Cần Thơ",
        "short": "Cần Thơ",
        "districts": {
            "Quận Ninh Kiều": ["Phường Tân An", "Phường An Hòa"],
            "Quận Cái Răng": ["Phường Lê Bình", "Phường Hưng Phú"],
        },
        "streets": ["đường 30 Tháng 4", "đường Trần Hưng Đạo"],
    },
    {
        "code": "036",
        "name": "Tỉnh Nam Định",
        "short": "Nam Định",
        "districts": {
            "Thành phố Nam Định": ["Phường Trần Hưng Đạo", "Phường Vị Xuyên"],
            "Huyện Hải Hậu": ["Xã Hải Phương", "Thị trấn Yên Định"],
        },
        "streets": ["đường Hùng Vương", "phố Hàng Tiện"],
    },
    {
        "code": "046",
        "name": "Tỉnh Thừa Thiên Huế",
        "short": "Thừa Thiên Huế",
        "districts": {"Thành phố Huế": ["Phường Phú Hội", "Phường Vĩnh Ninh", "Phường Thuận Hòa"]},
        "streets": ["đường Lê Lợi", "đường Hùng Vương"],
    },
    {
        "code": "075",
        "name": "Tỉnh Đồng Nai",
        "short": "Đồng Nai",
        "districts": {
            "Thành phố Biên Hòa": ["Phường Tân Mai", "Phường Trảng Dài"],
            "Huyện Long Thành": ["Xã An Phước", "Thị trấn Long Thành"],
        },
        "streets": ["đường Phạm Văn Thuận", "đường Đồng Khởi"],
    },
]

PROVINCE_CODES = {p["code"]: p["short"] for p in PROVINCES}
_PREFIXES = ("Thành phố ", "Thị trấn ", "Phường ", "Quận ", "Huyện ", "Tỉnh ", "Xã ")


def strip_unit(name: str) -> str:
    """Drops the administrative-unit word, as cards print places ("Cẩm Bình, Cẩm Xuyên")."""
    for prefix in _PREFIXES:
        if name.startswith(prefix) and not name[len(prefix) :].isdigit():
            return name[len(prefix) :]
    return name


@dataclass(frozen=True)
class Place:
    """A ward in a district in a province, with an optional house or village part."""

    province: dict
    district: str
    ward: str
    street: str

    def full(self) -> str:
        """Address as forms print it: every unit named in full."""
        parts = [self.street, self.ward, self.district, self.province["name"]]
        return ", ".join(p for p in parts if p)

    def short(self) -> str:
        """Address as cards print it: unit words dropped."""
        parts = [
            self.street,
            strip_unit(self.ward),
            strip_unit(self.district),
            self.province["short"].replace("TP. ", ""),
        ]
        return ", ".join(p for p in parts if p)


def random_place(rng: random.Random, province: dict | None = None, street: bool = True) -> Place:
    """Picks a real ward; adds a house number and street, or a village for communes."""
    province = province or rng.choice(PROVINCES)
    district = rng.choice(sorted(province["districts"]))
    ward = rng.choice(province["districts"][district])
    part = ""
    if street:
        if ward.startswith("Xã"):
            part = rng.choice(["Thôn", "Xóm", "Thôn"]) + f" {rng.randint(1, 12)}"
        else:
            part = f"Số {rng.randint(1, 250)}"
            if rng.random() < 0.4:
                part += f", ngõ {rng.randint(2, 180)}"
            part += " " + rng.choice(province["streets"])
    return Place(province, district, ward, part)


@dataclass(frozen=True)
class Person:
    """A citizen whose identification number agrees with birth date, sex and birth place."""

    full_name: str
    sex: str
    date_of_birth: dt.date
    birth_province: dict
    origin: Place
    residence: Place
    id_number: str
    phone: str
    ethnicity: str


def random_name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    """Surname, one or two middle names and a given name, with the right diacritics."""
    female = sex == "Nữ"
    middles = MIDDLE_FEMALE if female else MIDDLE_MALE
    parts = [surname or rng.choice(SURNAMES), rng.choice(middles)]
    if rng.random() < 0.3:
        extra = rng.choice(middles)
        if extra not in parts and extra not in ("Thị", "Văn"):
            parts.append(extra)
    parts.append(rng.choice(GIVEN_FEMALE if female else GIVEN_MALE))
    return " ".join(parts)


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """Uniform date in [start, end]."""
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def id_number(rng: random.Random, province_code: str, dob: dt.date, sex: str) -> str:
    """12-digit personal identification number: province, century+sex, year, 6 digits."""
    century = (dob.year - 1900) // 100
    digit = 2 * century + (1 if sex == "Nữ" else 0)
    serial = "".join(str(rng.randint(0, 9)) for _ in range(6))
    return f"{province_code}{digit}{dob.year % 100:02d}{serial}"


def phone_number(rng: random.Random) -> str:
    """Mobile number: 0 + a real carrier prefix + 7 digits (10 digits)."""
    prefix = rng.choice(
        [
            "90",
            "91",
            "93",
            "94",
            "96",
            "97",
            "98",
            "86",
            "88",
            "89",
            "70",
            "77",
            "79",
            "81",
            "83",
            "85",
            "32",
            "33",
            "35",
            "36",
            "38",
            "39",
        ]
    )
    return "0" + prefix + "".join(str(rng.randint(0, 9)) for _ in range(7))


def random_person(
    rng: random.Random,
    sex: str | None = None,
    born: tuple[int, int] = (1950, 2006),
    surname: str | None = None,
) -> Person:
    """A consistent person: the ID number encodes the birth province, century, sex, year."""
    sex = sex or rng.choice(["Nam", "Nữ"])
    dob = random_date(rng, dt.date(born[0], 1, 1), dt.date(born[1], 12, 31))
    birth_province = rng.choice(PROVINCES)
    origin = random_place(rng, birth_province, street=False)
    residence = random_place(rng, birth_province if rng.random() < 0.5 else None)
    return Person(
        full_name=random_name(rng, sex, surname),
        sex=sex,
        date_of_birth=dob,
        birth_province=birth_province,
        origin=origin,
        residence=residence,
        id_number=id_number(rng, birth_province["code"], dob, sex),
        phone=phone_number(rng),
        ethnicity=rng.choice(ETHNICITIES),
    )


def enterprise_code(rng: random.Random) -> str:
    """10-digit enterprise (tax) code; starts with the province's tax office prefix."""
    prefix = rng.choice(["01", "03", "02", "37", "30", "40", "31", "36", "18", "42"])
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(8))


def dmy(d: dt.date) -> str:
    """Date as printed on forms and cards: dd/mm/yyyy."""
    return d.strftime("%d/%m/%Y")


def long_date(d: dt.date) -> str:
    """Date as in a place-and-date line: day < 10 and months 1-2 zero-padded."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def add_years(d: dt.date, years: int) -> dt.date:
    """Same day `years` later; 29 February falls back to the 28th."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def fold_ascii(text: str) -> str:
    """Vietnamese letters to plain ASCII (machine-readable zones, foreign-language names)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if ord(ch) < 128)
