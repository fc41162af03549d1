"""Vehicle registration certificates as the traffic police print them.

Two designs of the small card (85.6 x 54 mm): the motorbike's ("CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ,
XE MÁY", Vietnamese labels only) and the car's ("CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ" with "VEHICLE
REGISTRATION CERTIFICATE" under it, bilingual labels "Tên chủ xe / Owner's full name"). Both
carry the police unit at top left ("CÔNG AN TỈNH ..." over "PHÒNG CẢNH SÁT GIAO THÔNG") and the
national motto at top right, the card's "Số:" serial under the title; in the left column the
owner, an address carried over to a second line when long, the brand and the model code on one
row, colour, engine and chassis numbers, the motorbike's capacity, the plate and the date of
first registration; in the right one the place-and-date line, "TRƯỞNG PHÒNG", the signature with
the office's red seal over it, and the officer's name. The car's owner stands under its label
and its first registration date under its long bilingual label, as printed; its chassis number
is a VIN.

:func:`render_vehicle_card` returns a :class:`bench.synth.cards.Card` like
:func:`bench.synth.cards.render_card`: the image and the fields record.json should carry.
"""

from __future__ import annotations

import datetime as dt
import random

from . import cardprint as cp
from . import names as nm
from .canvas import Canvas
from .cards import CARD_H, CARD_W, RED, SANS, Card
from .stamps import seal, signature

DESIGNS = ("motorbike", "car")
"""What :func:`render_vehicle_card` draws."""

PLATE_CODES: dict[str, tuple[int, ...]] = {
    "Hà Nội": (29, 30, 31, 32, 33, 40),
    "TP. Hồ Chí Minh": (50, 51, 52, 53, 54, 55, 56, 57, 58, 59),
    "Bình Dương": (61,),
    "Hà Tĩnh": (38,),
    "Đắk Lắk": (47,),
    "Hải Phòng": (15, 16),
    "Đà Nẵng": (43,),
    "Nghệ An": (37,),
    "Thanh Hóa": (36,),
    "Cần Thơ": (65,),
    "Nam Định": (18,),
    "Thừa Thiên Huế": (75,),
    "Đồng Nai": (39, 60),
}
"""Registration plate codes of the provinces of :data:`bench.synth.names.PROVINCES`."""

CITIES = ("Hà Nội", "TP. Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ")

MOTORBIKES: dict[str, tuple[str, ...]] = {
    "HONDA": ("WAVE ALPHA", "WAVE RSX", "VISION", "AIR BLADE", "LEAD", "FUTURE", "WINNER X"),
    "YAMAHA": ("SIRIUS", "EXCITER", "JANUS", "GRANDE", "NVX"),
    "SUZUKI": ("RAIDER", "AXELO"),
    "PIAGGIO": ("LIBERTY", "VESPA"),
    "SYM": ("ATTILA", "ELEGANT"),
}
CARS: dict[str, tuple[str, ...]] = {
    "TOYOTA": ("VIOS", "INNOVA", "FORTUNER", "COROLLA CROSS", "CAMRY"),
    "HYUNDAI": ("ACCENT", "TUCSON", "SANTA FE", "CRETA"),
    "KIA": ("MORNING", "CERATO", "SELTOS"),
    "MAZDA": ("CX5", "MAZDA3"),
    "FORD": ("RANGER", "EVEREST"),
    "VINFAST": ("FADIL", "LUX A2.0"),
}
MOTORBIKE_CC = {"HONDA": (109, 110, 125, 150), "YAMAHA": (114, 125, 155), "SUZUKI": (113, 150)}
COLOURS = (
    "Đỏ",
    "Đen",
    "Trắng",
    "Xanh",
    "Bạc",
    "Xám",
    "Vàng",
    "Nâu",
    "Đỏ - Đen",
    "Trắng - Đen",
    "Xanh - Bạc",
    "Đen - Xám",
)
"""Colours as registration cards print them ("Màu sơn: Đỏ - Đen")."""

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
"""The characters of a VIN (ISO 3779): capitals without I, O and Q, and digits."""
_DIGITS = "0123456789"


def _pick(rng: random.Random, chars: str, n: int) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


def plate(rng: random.Random, province: str, motorbike: bool) -> str:
    """A plate as printed: "29-B1 123.45" (motorbike), "30A-123.45" (car); older plates have a
    four-digit number ("29-B1 1234", "51G-1234")."""
    code = rng.choice(PLATE_CODES.get(province, (29,)))
    letter = rng.choice("ABCDEFGHKLMNPSTUVXYZ")
    number = _pick(rng, _DIGITS, 5)
    shown = f"{number[:3]}.{number[3:]}" if rng.random() < 0.8 else number[:4]
    if motorbike:
        return f"{code}-{letter}{rng.randint(1, 9)} {shown}"
    return f"{code}{letter}-{shown}"


def engine_number(rng: random.Random, brand: str, motorbike: bool) -> str:
    """The engine's model code and serial, as stamped on it: "JA39E1234567", "2NR1234567"."""
    if motorbike:
        head = _pick(rng, "ABCEFGHJKNRSTVX", 2) + _pick(rng, _DIGITS, 2) + "E"
        return head + _pick(rng, _DIGITS, rng.choice((6, 7)))
    if brand == "TOYOTA":
        head = rng.choice(("2NR", "1NR", "2TR", "1GD", "M15A"))
    else:
        head = "G4" + _pick(rng, "FKLN", 1) + _pick(rng, "ABCE", 1)
    return (
        head + _pick(rng, "ABCDEFGHJKLMNPRSTUVWXYZ", rng.choice((0, 1, 2))) + _pick(rng, _DIGITS, 6)
    )


def chassis_number(rng: random.Random, motorbike: bool) -> str:
    """A VIN (17 characters: maker, model, year, plant, serial); an older motorbike's frame
    number is shorter."""
    if motorbike and rng.random() < 0.3:
        return "RL" + _pick(rng, "CHJKNW", 1) + _pick(rng, VIN_CHARS, 4) + _pick(rng, _DIGITS, 6)
    maker = rng.choice(("RLH", "RLC", "RLA", "RL4", "KMH", "RLU", "MR0"))
    return maker + _pick(rng, VIN_CHARS, 6) + _pick(rng, VIN_CHARS, 2) + _pick(rng, _DIGITS, 6)


def _police(province: str) -> str:
    name = province.replace("TP. ", "")
    return f"CÔNG AN {'THÀNH PHỐ' if province in CITIES else 'TỈNH'} {name.upper()}"


def _head(c: Canvas, rng: random.Random, province: str) -> None:
    cp.ground(c, rng, (206, 224, 242))
    lx, rx, s = 19.0, 62.0, 4.6
    unit = _police(province)
    c.text(lx, 4.2, unit, cp.fit_size(c, unit, s, 33.0), "regular", "center", family=SANS)
    c.text(lx, 6.8, "PHÒNG CẢNH SÁT GIAO THÔNG", s, "bold", "center", family=SANS)
    c.text(rx, 4.2, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", s, "bold", "center", family=SANS)
    c.text(rx, 6.8, "Độc lập - Tự do - Hạnh phúc", s, "bold", "center", family=SANS)
    c.line(rx - 11.0, 7.6, rx + 11.0, 7.6)


def _signed(
    c: Canvas, rng: random.Random, province: str, issue: dt.date, y: float, seal_text: str
) -> str:
    """Place and date, "TRƯỞNG PHÒNG", signature, the red seal over it, the officer's name
    (title case), centred in the right column from ``y``; returns the name."""
    cx = 67.5
    place = province.replace("TP. ", "")
    line = f"{place}, {nm.long_date(issue)}"
    c.text(cx, y, line, cp.fit_size(c, line, 4.6, 34.0), "italic", "center", family=SANS)
    c.text(cx, y + 3.0, "TRƯỞNG PHÒNG", 5.2, "bold", "center", family=SANS)
    sig_w, sig_h = c.mm(rng.uniform(13.0, 17.0)), c.mm(rng.uniform(4.5, 6.0))
    c.stamp(
        signature(int(sig_w), int(sig_h), rng),
        c.mm(cx + rng.uniform(-3, 1)) - sig_w / 2,
        c.mm(y + 8.6) - sig_h / 2,
    )
    ring = seal(seal_text, int(c.mm(rng.uniform(5.5, 6.5))), rng)
    # Over the signature's left half, reaching up into the title, not the date line.
    sx = c.mm(cx - rng.uniform(6.0, 9.0)) - ring.width / 2
    sy = c.mm(y + rng.uniform(7.0, 8.0)) - ring.height / 2
    c.stamp(ring, sx, sy)
    officer = nm.random_name(rng, rng.choice(["Nam", "Nam", "Nam", "Nữ"]))
    c.text(cx, y + 15.0, officer, 5.8, "bold", "center", family=SANS)
    return officer


def _wrapped(
    c: Canvas,
    rng: random.Random,
    fill: cp.FillIn,
    x: float,
    y: float,
    label: str,
    value: str,
    lab: float,
    val: float,
    right: float,
    pitch: float,
) -> float:
    """``label: value`` with the value carried over to the next line when long (back at the
    label's edge or under the value's start, as cards do); returns the next baseline."""
    lw = c.width(label, lab, family=SANS)
    head, tail = cp.split_line(c, value, val, right - x - lw - fill.dx, fill.family)
    if not head:
        head, _, tail = value.partition(" ")
    cp.label_value(c, x, y, label, head, lab, fill)
    y += pitch
    if tail:
        tx = (x if rng.random() < 0.5 else x + lw) + fill.dx
        size = cp.fit_size(c, tail, val, right - tx, fill.family)
        cp.filled_in(c, tx, y + fill.dy, tail, size, fill)
        y += pitch
    return y


def _pair(
    c: Canvas,
    fill: cp.FillIn,
    x: float,
    y: float,
    a: tuple[str, str],
    b: tuple[str, str],
    lab: float,
    val: float,
    gap: float,
) -> None:
    """Two label/value pairs on one row ("Nhãn hiệu: HONDA      Số loại: WAVE")."""
    first = cp.label_value(c, x, y, a[0], a[1], lab, fill, record=False)
    cp.label_value(c, x + first + gap, y, b[0], b[1], lab, fill, record=False)
    c.lines.append(f"{a[0]}{a[1]}    {b[0]}{b[1]}")


def motorbike(c: Canvas, rng: random.Random) -> dict[str, str]:
    """The motorbike's card: Vietnamese labels, values beside them."""
    person = nm.random_person(rng, born=(1955, 2004))
    province = person.residence.province["short"]
    _head(c, rng, province)
    title = "CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY"
    c.text(
        CARD_W / 2,
        11.8,
        title,
        cp.fit_size(c, title, 8.0, 72.0),
        "bold",
        "center",
        fill=RED,
        family=SANS,
    )
    number = _pick(rng, _DIGITS, 6)
    c.runs(
        CARD_W / 2,
        15.4,
        [("Số: ", "regular"), (number, "bold")],
        6.2,
        "center",
        fill=RED,
        family=SANS,
    )
    brand = rng.choice(sorted(MOTORBIKES))
    model = rng.choice(MOTORBIKES[brand])
    colour = rng.choice(COLOURS)
    engine, chassis = engine_number(rng, brand, True), chassis_number(rng, True)
    cc = rng.choice(MOTORBIKE_CC.get(brand, (110, 125)))
    plate_no = plate(rng, province, True)
    first = nm.random_date(rng, dt.date(2008, 1, 1), dt.date(2025, 3, 31))
    issue = first if rng.random() < 0.7 else nm.random_date(rng, first, dt.date(2025, 6, 30))
    owner, address = person.full_name.upper(), person.residence.full()
    x, lab, val, pitch = 4.0, 5.4, 6.0, 3.4
    fill = cp.FillIn.office(rng)
    room = CARD_W - 4 - x - fill.dx - c.width("Tên chủ xe: ", val, family=SANS)
    name_size = cp.fit_size(c, owner, val, room, fill.family)
    cp.label_value(c, x, 19.2, "Tên chủ xe: ", owner, name_size, fill)
    y = _wrapped(c, rng, fill, x, 22.6, "Địa chỉ: ", address, lab, val, CARD_W - 3.5, pitch)
    gap = rng.uniform(6, 12)
    _pair(c, fill, x, y, ("Nhãn hiệu: ", brand), ("Số loại: ", model), lab, val, gap)
    y += pitch
    for label, value in (("Màu sơn: ", colour), ("Số máy: ", engine), ("Số khung: ", chassis)):
        cp.label_value(c, x, y, label, value, lab, fill)
        y += pitch
    cp.label_value(c, x, y, "Dung tích: ", f"{cc}", lab, fill)
    y += pitch
    cp.label_value(c, x, y, "Biển số đăng ký: ", plate_no, lab, fill, lab + 0.6)
    y += pitch
    cp.label_value(c, x, y, "Đăng ký lần đầu ngày: ", nm.dmy(first), lab, fill)
    seal_text = f"{_police(province)} * PHÒNG CẢNH SÁT GIAO THÔNG *"
    officer = _signed(c, rng, province, issue, 35.0, seal_text)
    return {
        "document_number": number,
        "owner_name": owner,
        "address": address,
        "brand": brand,
        "model_code": model,
        "colour": colour,
        "engine_number": engine,
        "chassis_number": chassis,
        "plate_number": plate_no,
        "first_registration_date": first.isoformat(),
        "issue_date": issue.isoformat(),
        "signer": officer,
    }


def car(c: Canvas, rng: random.Random) -> dict[str, str]:
    """The car's card: bilingual labels; the owner and the first registration date under
    their labels, the chassis number a VIN."""
    person = nm.random_person(rng, born=(1955, 2004))
    province = person.residence.province["short"]
    _head(c, rng, province)
    c.text(
        CARD_W / 2, 11.4, "CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ", 8.0, "bold", "center", fill=RED, family=SANS
    )
    c.text(
        CARD_W / 2, 14.0, "VEHICLE REGISTRATION CERTIFICATE", 4.8, "regular", "center", family=SANS
    )
    number = _pick(rng, _DIGITS, 6)
    c.runs(
        CARD_W / 2,
        17.2,
        [("Số: ", "regular"), (number, "bold")],
        6.0,
        "center",
        fill=RED,
        family=SANS,
    )
    brand = rng.choice(sorted(CARS))
    model = rng.choice(CARS[brand])
    colour = rng.choice(COLOURS[:8])
    engine, chassis = engine_number(rng, brand, False), chassis_number(rng, False)
    plate_no = plate(rng, province, False)
    first = nm.random_date(rng, dt.date(2008, 1, 1), dt.date(2025, 3, 31))
    issue = first if rng.random() < 0.7 else nm.random_date(rng, first, dt.date(2025, 6, 30))
    owner, address = person.full_name.upper(), person.residence.full()
    x, lab, val, pitch = 4.0, 4.6, 5.8, 3.2
    fill = cp.FillIn.office(rng)
    c.text(x, 20.6, "Tên chủ xe / Owner's full name:", lab, fill=fill.label_ink, family=SANS)
    at = x + rng.uniform(0, 4) + fill.dx
    size = cp.fit_size(c, owner, val, 76.0 - fill.dx, fill.family)
    cp.filled_in(c, at, 23.6 + fill.dy, owner, size, fill)
    y = _wrapped(
        c, rng, fill, x, 26.8, "Địa chỉ / Address: ", address, lab, val, CARD_W - 3.5, pitch
    )
    gap = rng.uniform(5, 9)
    brand_pair, model_pair = ("Nhãn hiệu / Brand: ", brand), ("Số loại / Model code: ", model)
    _pair(c, fill, x, y, brand_pair, model_pair, lab, val, gap)
    signed_at = y + 2.6  # the right column starts under the brand's row
    y += pitch
    cp.label_value(c, x, y, "Màu sơn / Color: ", colour, lab, fill)
    y += pitch
    for label, value in (("Số máy / Engine N°: ", engine), ("Số khung / Chassis N°: ", chassis)):
        cp.label_value(c, x, y, label, value, lab, fill)
        y += pitch
    cp.label_value(c, x, y, "Biển số đăng ký / Number plate: ", plate_no, lab, fill, lab + 0.6)
    y += pitch
    label = "Đăng ký lần đầu ngày / Date of first registration:"
    c.text(x, y, label, lab, fill=fill.label_ink, family=SANS)
    date = nm.dmy(first)
    cp.filled_in(c, x + 2.0 + fill.dx, y + 2.9 + fill.dy, date, val, fill)
    seal_text = f"{_police(province)} * PHÒNG CẢNH SÁT GIAO THÔNG *"
    officer = _signed(c, rng, province, issue, signed_at, seal_text)
    return {
        "document_number": number,
        "owner_name": owner,
        "address": address,
        "brand": brand,
        "model_code": model,
        "colour": colour,
        "engine_number": engine,
        "chassis_number": chassis,
        "plate_number": plate_no,
        "first_registration_date": first.isoformat(),
        "issue_date": issue.isoformat(),
        "signer": officer,
    }


def render_vehicle_card(design: str, rng: random.Random, dpi: int = 600) -> Card:
    """One vehicle registration card of ``design`` (see :data:`DESIGNS`) for a new owner."""
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r}; expected one of {DESIGNS}")
    c = Canvas(CARD_W, CARD_H, dpi)
    fields = motorbike(c, rng) if design == "motorbike" else car(c, rng)
    return Card(c.image, dpi, design, fields, "", False, c.lines)
