"""Identity cards as they are printed: the chip citizen ID (2021 front and back, 2024 front),
the old 9-digit card (CHỨNG MINH NHÂN DÂN) and the PET driving licence.

Cards are drawn at their real size (85.6 x 54 mm, ISO ID-1) with their real wording and
order: bilingual labels on one line with their value ("Ngày sinh / Date of birth: 19/11/2002"),
two fields on one line, the place of residence carried over to a second line, the expiry
under the portrait, the QR code top right holding ``ID|old ID|name|ddmmyyyy|sex|address|
ddmmyyyy issue``; the back with its issue date, the police officer's title, signature, seal
and name, the fingerprint boxes and a TD1 machine-readable zone with valid check digits; the
old card with its denser guilloche, its "Số" in red, dashed dates and dotted lines, and its
back: fingerprints on the left, ethnicity and religion, marks, the issue date "Ngày 12 tháng
05 năm 2010" typed or written in by hand, the provincial police director's title, seal,
signature and name. A card
laid on a desk and photographed is :func:`bench.synth.cardprint.photograph`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from PIL import Image

from . import cardprint as cp
from . import names as nm
from .canvas import BLACK, Canvas
from .canvas import nfc as canvas_nfc

CARD_W, CARD_H = 85.6, 53.98
RED = (200, 30, 40)
SANS = cp.SANS
KINDS = ("chip_front", "chip_back", "new_front", "new_back", "old_front", "old_back", "licence")
"""What :func:`render_card` draws."""

_MARKS = (
    "Nốt ruồi C: 1cm trên trước đuôi mắt trái",
    "Sẹo chấm C: 2cm dưới sau cánh mũi phải",
    "Nốt ruồi C: 1,5cm dưới trước mép phải",
)


@dataclass
class Card:
    """A drawn card and its truth: ``fields`` as record.json should carry them (read from the
    card's print or, for ``issue_date`` and ``old_id_number`` of a front, from its QR code);
    ``payload`` is the QR code's text ("" when the side has none)."""

    image: Image.Image
    dpi: int
    kind: str
    fields: dict[str, str]
    payload: str = ""
    laminated: bool = False
    lines: list[str] = field(default_factory=list)


def _expiry(person: nm.Person, issue: dt.date) -> dt.date | None:
    """Valid until the birthday at 25, 40 or 60 years; none when issued after 58."""
    for age in (25, 40, 60):
        end = nm.add_years(person.date_of_birth, age)
        if nm.add_years(issue, 2) <= end:
            return end
    return None


def _issue_date(rng: random.Random, person: nm.Person, start: dt.date) -> dt.date:
    first = max(start, nm.add_years(person.date_of_birth, 14))
    return nm.random_date(rng, first, max(first, dt.date(2025, 6, 30)))


def _header(c: Canvas, cx: float, english: bool) -> None:
    c.text(cx, 4.6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 5.6, "bold", "center", family=SANS)
    c.text(cx, 7.2, "Độc lập - Tự do - Hạnh phúc", 5.6, "bold", "center", family=SANS)
    if english:
        c.text(cx, 9.5, "SOCIALIST REPUBLIC OF VIET NAM", 4.4, "regular", "center", family=SANS)
        motto = "Independence - Freedom - Happiness"
        c.text(cx, 11.5, motto, 4.4, "regular", "center", family=SANS)


def chip_front(c: Canvas, rng: random.Random, person: nm.Person, issue: dt.date, old: str):
    """Front of the 2021 chip card; returns its fields and its QR payload."""
    cp.ground(c, rng, (208, 228, 236))
    cp.emblem(c, 8.5, 8.5, 5.6)
    payload = cp.qr_payload(person, old, issue)
    cp.qr_code(c, 70.0, 2.2, 13.8, payload)
    _header(c, 42.0, english=True)
    c.text(42.0, 16.2, "CĂN CƯỚC CÔNG DÂN", 9.4, "bold", "center", fill=RED, family=SANS)
    c.text(42.0, 18.9, "Citizen Identity Card", 5.2, "regular", "center", family=SANS)
    cp.portrait(c, 3.0, 19.5, 18.5, 23.5, rng)
    name, dob = person.full_name.upper(), nm.dmy(person.date_of_birth)
    x, lab = 24.0, 5.6
    c.runs(x, 23.2, [("Số / No.: ", "regular"), (person.id_number, "bold")], 7.6, family=SANS)
    c.text(x, 26.8, "Họ và tên / Full name:", lab, family=SANS)
    c.text(
        x + rng.uniform(0, 6), 30.2, name, cp.fit_size(c, name, 7.6, 84 - x), "bold", family=SANS
    )
    c.runs(x, 33.6, [("Ngày sinh / Date of birth: ", "regular"), (dob, "bold")], lab, family=SANS)
    c.runs(
        x,
        37.0,
        [
            ("Giới tính / Sex: ", "regular"),
            (person.sex, "bold"),
            ("      Quốc tịch / Nationality: ", "regular"),
            ("Việt Nam", "bold"),
        ],
        lab,
        family=SANS,
    )
    origin, residence = person.origin.short(), person.residence.short()
    c.text(x, 40.4, "Quê quán / Place of origin:", lab, family=SANS)
    c.text(x, 43.8, origin, cp.fit_size(c, origin, 6.4, 84 - x), "bold", family=SANS)
    label = "Nơi thường trú / Place of residence: "
    room = CARD_W - 2.5 - x - c.width(label, lab, family=SANS)
    head, tail = cp.split_line(c, residence, 6.4, room)
    if not head:  # a long first word: it starts the value all the same
        head, _, tail = residence.partition(" ")
    c.runs(x, 47.2, [(label, "regular"), (head, "bold")], lab, family=SANS)
    if tail:
        # Real cards carry the rest under the value or back at the label's edge.
        tx = x if rng.random() < 0.5 else x + c.width(label, lab, family=SANS)
        c.text(tx, 50.6, tail, cp.fit_size(c, tail, 6.4, 84 - tx), "bold", family=SANS)
    expiry = _expiry(person, issue)
    shown = nm.dmy(expiry) if expiry else "Không thời hạn"
    if rng.random() < 0.5:
        c.runs(3.0, 46.2, [("Có giá trị đến: ", "regular"), (shown, "bold")], 4.6, family=SANS)
        c.text(3.0, 48.4, "Date of expiry", 4.2, "italic", family=SANS)
    else:
        c.text(3.0, 46.2, "Có giá trị đến / Date of expiry:", 4.2, family=SANS)
        c.text(3.0, 49.0, shown, 5.2, "bold", family=SANS)
    fields = {
        "id_number": person.id_number,
        "full_name": name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "nationality": "Việt Nam",
        "place_of_origin": origin,
        "place_of_residence": residence,
        "issue_date": issue.isoformat(),
    }
    if old:
        fields["old_id_number"] = old
    if expiry:
        fields["expiry_date"] = expiry.isoformat()
    return fields, payload


def new_front(c: Canvas, rng: random.Random, person: nm.Person) -> dict[str, str]:
    """Front of the 2024 card (CĂN CƯỚC): most data moved to the chip and the back."""
    cp.ground(c, rng, (222, 226, 240))
    cp.emblem(c, 8.5, 8.5, 5.6)
    _header(c, 48.0, english=True)
    c.text(48.0, 16.2, "CĂN CƯỚC", 10.5, "bold", "center", fill=RED, family=SANS)
    c.text(48.0, 19.0, "IDENTITY CARD", 5.6, "regular", "center", family=SANS)
    cp.portrait(c, 3.5, 20.5, 19.0, 25.0, rng)
    name, dob = person.full_name.upper(), nm.dmy(person.date_of_birth)
    x, lab = 25.5, 5.6
    c.text(x, 23.4, "Số định danh cá nhân / Personal identification number:", 4.8, family=SANS)
    c.text(x, 27.4, person.id_number, 10.0, "bold", family=SANS)
    c.text(x, 31.0, "Họ, chữ đệm và tên khai sinh / Full name:", lab, family=SANS)
    c.text(x, 34.6, name, cp.fit_size(c, name, 8.0, 84 - x), "bold", family=SANS)
    c.runs(
        x,
        38.4,
        [("Ngày, tháng, năm sinh / Date of birth: ", "regular"), (dob, "bold")],
        lab,
        family=SANS,
    )
    c.runs(
        x,
        42.0,
        [
            ("Giới tính / Sex: ", "regular"),
            (person.sex, "bold"),
            ("     Quốc tịch / Nationality: ", "regular"),
            ("Việt Nam", "bold"),
        ],
        lab,
        family=SANS,
    )
    return {
        "id_number": person.id_number,
        "full_name": name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "nationality": "Việt Nam",
    }


def _machine_zone(c: Canvas, person: nm.Person, expiry: dt.date | None) -> dict[str, str]:
    """The three TD1 rows along a card back's bottom, as large as 79 mm allows; the truth
    fields they carry."""
    rows = cp.mrz_lines(person, expiry)
    size = 10.2
    while max(c.width(r, size, family="DejaVu Sans") for r in rows) > 79.0:
        size -= 0.2
    for i, row in enumerate(rows):
        c.text(4.0, 41.6 + i * 4.5, row, size, family="DejaVu Sans")
    fields = {
        "id_number": person.id_number,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
    }
    if expiry:
        fields["expiry_date"] = expiry.isoformat()
    return fields


def chip_back(c: Canvas, rng: random.Random, person: nm.Person, issue: dt.date) -> dict:
    """Back of the 2021 chip card: mark, issue date, officer, fingerprints, chip, MRZ."""
    cp.ground(c, rng, (214, 230, 236))
    c.text(3.0, 5.2, "Đặc điểm nhân dạng / Personal identification:", 5.2, family=SANS)
    c.text(3.0, 8.4, rng.choice(_MARKS), 5.8, family=SANS)
    c.runs(
        3.0,
        12.4,
        [("Ngày, tháng, năm / Date, month, year: ", "regular"), (nm.dmy(issue), "bold")],
        5.2,
        family=SANS,
    )
    cx = 22.5
    c.text(cx, 16.0, "CỤC TRƯỞNG CỤC CẢNH SÁT", 5.4, "bold", "center", family=SANS)
    c.text(cx, 18.6, "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 5.4, "bold", "center", family=SANS)
    c.text(
        cx, 20.8, "DIRECTOR GENERAL OF THE POLICE DEPARTMENT", 3.6, "regular", "center", family=SANS
    )
    c.text(
        cx,
        22.6,
        "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER",
        3.6,
        "regular",
        "center",
        family=SANS,
    )
    cp.signature_and_seal(c, cx, 27.0, rng)
    officer = nm.random_name(rng, rng.choice(["Nam", "Nam", "Nữ"]))
    c.text(cx, 33.6, officer, 6.6, "bold", "center", family=SANS)
    for k, (vi, en) in enumerate(
        (("Ngón trỏ trái", "Left index finger"), ("Ngón trỏ phải", "Right index finger"))
    ):
        x = 47.0 + k * 19.0
        cp.fingerprint_box(c, x, 3.0, 16.0, 20.0, rng)
        c.text(x + 8.0, 25.4, vi, 4.2, "regular", "center", family=SANS)
        c.text(x + 8.0, 27.4, en, 3.8, "italic", "center", family=SANS)
    gx, gy = c.mm(58.0), c.mm(29.0)
    c.draw.rounded_rectangle([gx, gy, gx + c.mm(10), gy + c.mm(8)], 6, fill=(214, 178, 90))
    expiry = _expiry(person, issue)
    zone = _machine_zone(c, person, expiry)
    return {"issue_date": issue.isoformat(), "signer": officer, **zone}


def old_front(c: Canvas, rng: random.Random, person: nm.Person, number: str) -> dict[str, str]:
    """Front of the old card (CHỨNG MINH NHÂN DÂN): 9 digits, dotted lines, dashed dates.

    Cards of the 2000s carry their values printed in bold; older ones (half of these) have
    serif labels and values typed on a typewriter, a little off the dotted line and in a
    ribbon's grey-black."""
    cp.ground(c, rng, (196, 222, 214), guilloche=1.8)
    cp.emblem(c, 11.0, 11.0, 7.5)
    cp.portrait(c, 3.0, 22.0, 17.0, 23.0, rng)
    typed = rng.random() < 0.5
    label_family = "Liberation Serif" if typed else SANS
    cx = 53.0
    c.text(cx, 5.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 5.8, "bold", "center", family=SANS)
    c.text(cx, 7.9, "Độc lập - Tự do - Hạnh phúc", 5.6, "bold", "center", family=SANS)
    title = rng.choice(["GIẤY CHỨNG MINH NHÂN DÂN", "CHỨNG MINH NHÂN DÂN"])
    c.text(cx, 13.0, title, 8.6, "bold", "center", fill=RED, family=SANS)
    c.runs(30.0, 18.6, [("Số ", "bold"), (number, "bold")], 9.0, fill=RED, family=SANS)
    name = person.full_name.upper()
    x, lab, val = 23.0, 6.0, 6.8
    dob = person.date_of_birth.strftime("%d-%m-%Y")
    origin, residence = person.origin.short(), person.residence.short()
    ribbon = (rng.randint(25, 60),) * 2 + (rng.randint(40, 75),)
    value_family = cp.TYPEWRITER if typed else SANS
    value_style = rng.choice(["regular", "bold"]) if typed else "bold"

    def line(y: float, label: str, value: str, indent: float | None = None) -> float:
        """``label value`` on the line at ``y`` (the value alone after ``indent``)."""
        at = x + (indent if indent is not None else 0.0)
        if label:
            at += c.text(at, y, label + " ", lab, family=label_family, record=False)
        size = val if indent is None else cp.fit_size(c, value, val, 81.0 - at, value_family)
        shift = rng.uniform(-0.45, 0.25) if typed else 0.0
        fill = ribbon if typed else BLACK
        at += 0.6 if typed else 0.0
        shown = cp.typewritten(value, value_family)
        end = at + c.text(
            at, y + shift, shown, size, value_style, fill=fill, family=value_family, record=False
        )
        c.lines.append(canvas_nfc(f"{label} {value}" if label else value))
        return end

    y = 24.2
    for label, value in (("Họ tên", name), ("Sinh ngày", dob)):
        cp.dotted(c, line(y, label, value) + 0.8, 83.0, y)
        y += 4.2
    for label, value in (("Nguyên quán", origin), ("Nơi ĐKHK thường trú", residence)):
        lw = c.width(label + " ", lab, family=label_family)
        head, tail = cp.split_line(c, value, val, 83.0 - x - lw - 0.6, value_family)
        line(y, label, head)
        y += 4.2
        if tail:
            line(y, "", tail, indent=2.0)
        else:
            cp.dotted(c, x + 2.0, 83.0, y)
        y += 4.2
    return {
        "id_number": number,
        "full_name": name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "place_of_origin": origin,
        "place_of_residence": residence,
    }


def place_2025(rng: random.Random, old: nm.Place) -> str:
    """An address as printed since the 2025 reorganization: the street or village part of
    ``old``, a ward of the province directly, the province (one of the 34)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "classifiers" / "places_2025.json"
    provinces = json.loads(path.read_text(encoding="utf-8"))["provinces"]
    province = rng.choice(sorted(provinces))
    ward = rng.choice(provinces[province])
    street = old.street
    if ward.startswith("Xã") and street.startswith("Số"):
        street = f"Thôn {rng.randint(1, 12)}"
    return ", ".join(p for p in (street, ward, province) if p)


def new_back(c: Canvas, rng: random.Random, person: nm.Person) -> dict[str, str]:
    """Back of the 2024 card (CĂN CƯỚC): place of residence (on cards issued since July 2025
    in the two levels of the reorganized units), place of birth registration, the dates of
    issue and expiry side by side, the issuing ministry, the chip and the MRZ."""
    cp.ground(c, rng, (222, 226, 240))
    reorganized = rng.random() < 0.5
    start = dt.date(2025, 7, 1) if reorganized else dt.date(2024, 7, 1)
    end = dt.date(2026, 10, 31) if reorganized else dt.date(2025, 6, 30)
    first = max(start, nm.add_years(person.date_of_birth, 14))
    issue = nm.random_date(rng, first, max(first, end))
    expiry = _expiry(person, issue)
    residence = place_2025(rng, person.residence) if reorganized else person.residence.full()
    birth = person.origin.full()
    x, lab, val, room = 3.0, 4.8, 6.0, 66.0
    y = 5.0
    for label, value in (
        ("Nơi cư trú / Place of residence: ", residence),
        ("Nơi đăng ký khai sinh / Place of birth: ", birth),
    ):
        head, tail = cp.split_line(c, value, val, room - c.width(label, lab, family=SANS))
        c.runs(x, y, [(label, "regular"), (head, "bold")], lab, family=SANS)
        y += 3.4
        if tail:
            c.text(x, y, tail, cp.fit_size(c, tail, val, room), "bold", family=SANS)
            y += 3.4
        y += 1.0
    c.text(x, y + 1.0, "Ngày, tháng, năm cấp / Date of issue:", lab, family=SANS)
    c.text(x, y + 4.6, nm.dmy(issue), val, "bold", family=SANS)
    if expiry:
        c.text(x + 33.0, y + 1.0, "Ngày, tháng, năm hết hạn / Date of expiry:", lab, family=SANS)
        c.text(x + 33.0, y + 4.6, nm.dmy(expiry), val, "bold", family=SANS)
    c.text(20.0, y + 9.6, "BỘ CÔNG AN", 5.4, "bold", "center", family=SANS)
    c.text(20.0, y + 12.0, "MINISTRY OF PUBLIC SECURITY", 3.8, "regular", "center", family=SANS)
    gx, gy = c.mm(72.0), c.mm(3.0)
    c.draw.rounded_rectangle([gx, gy, gx + c.mm(10), gy + c.mm(8)], 6, fill=(214, 178, 90))
    zone = _machine_zone(c, person, expiry)
    own = {"place_of_residence": residence, "place_of_birth": birth}
    return {**own, "issue_date": issue.isoformat(), **zone}


_OLD_OFFICES = ("GIÁM ĐỐC CÔNG AN", "GIÁM ĐỐC CA")
"""How the old card's back titles the officer who issued it, before the province."""

PEN_BLUE = (30, 40, 140)


def old_back(c: Canvas, rng: random.Random, person: nm.Person, issue: dt.date) -> dict[str, str]:
    """Back of the old card: the two index fingerprints on the left; on the right ethnicity
    and religion, "DẤU VẾT RIÊNG VÀ DỊ HÌNH" with a mark on dotted lines, the issue date
    ("Ngày 12 tháng 05 năm 2010": its numbers typed, or on some cards written in by hand in
    blue ink), the issuing police director's title, signature and seal, and the name."""
    cp.ground(c, rng, (196, 222, 214), guilloche=1.8)
    for k, label in enumerate(("NGÓN TRỎ TRÁI", "NGÓN TRỎ PHẢI")):
        x = 3.0 + k * 17.5
        c.text(x + 8.0, 5.0, label, 4.6, "bold", "center", family=SANS)
        cp.fingerprint_box(c, x, 7.0, 16.0, 21.0, rng)
    x = 40.0
    c.runs(x, 5.0, [("DÂN TỘC ", "bold"), ("Kinh", "regular")], 5.6, family=SANS)
    c.runs(63.0, 5.0, [("TÔN GIÁO ", "bold"), ("Không", "regular")], 5.6, family=SANS)
    c.text(x, 10.0, "DẤU VẾT RIÊNG VÀ DỊ HÌNH", 5.6, "bold", family=SANS)
    c.text(x, 14.2, rng.choice(_MARKS), 5.4, family=SANS)
    cp.dotted(c, x, 83.0, 18.2)
    fill_in = rng.choices(["hand", "typed", "printed"], [0.35, 0.3, 0.35])[0]
    y = 23.2
    if fill_in != "printed":
        words = ("Ngày", f"{issue.day:02d}", "tháng", f"{issue.month:02d}", "năm", str(issue.year))
        at = x + 4.0
        if fill_in == "hand":
            pen_style, pen_size, pen_family, ink = "bolditalic", 7.0, "DejaVu Sans", PEN_BLUE
        else:
            pen_style, pen_size, pen_family = "regular", 6.2, cp.TYPEWRITER
            ink = (rng.randint(25, 60),) * 2 + (rng.randint(40, 75),)
        for k, word in enumerate(words):
            pen = k % 2 == 1
            style, size = (pen_style, pen_size) if pen else ("regular", 5.6)
            family = pen_family if pen else SANS
            lift = (0.4 if fill_in == "hand" else rng.uniform(-0.3, 0.3)) if pen else 0.0
            fill = ink if pen else (20, 20, 20)
            shown = cp.typewritten(word, family)
            c.text(at, y - lift, shown, size, style, fill=fill, family=family, record=False)
            at += c.width(word + "  ", size, style, family)
        c.lines.append(" ".join(words))
    else:
        when = f"Ngày {issue.day:02d} tháng {issue.month:02d} năm {issue.year}"
        c.text(x + 4.0, y, when, 5.8, family=SANS)
    province = person.residence.province["name"]
    short = province.replace("Thành phố ", "TP. ").replace("Tỉnh ", "").upper()
    office = rng.choice(_OLD_OFFICES)
    c.text(62.0, 28.0, f"{office} {short}", 5.4, "bold", "center", family=SANS)
    cp.signature_and_seal(c, 62.0, 36.0, rng)
    officer = nm.random_name(rng, rng.choice(["Nam", "Nam", "Nữ"]))
    c.text(62.0, 45.5, officer, 6.4, "bold", "center", family=SANS)
    return {"issue_date": issue.isoformat(), "signer": officer}


def render_card(kind: str, rng: random.Random, dpi: int = 600) -> Card:
    """One side of one card of ``kind`` (see :data:`KINDS`) for a new random person."""
    if kind not in KINDS:
        raise ValueError(f"unknown card kind {kind!r}; expected one of {KINDS}")
    old_card = kind in ("old_front", "old_back")
    person = nm.random_person(rng, born=(1950, 2003) if old_card else (1950, 2008))
    c = Canvas(CARD_W, CARD_H, dpi)
    payload = ""
    if kind == "chip_front":
        issue = _issue_date(rng, person, dt.date(2021, 1, 1))
        old = cp.old_id(rng) if person.date_of_birth.year < 2005 and rng.random() < 0.7 else ""
        fields, payload = chip_front(c, rng, person, issue, old)
    elif kind == "chip_back":
        fields = chip_back(c, rng, person, _issue_date(rng, person, dt.date(2021, 1, 1)))
    elif kind == "new_front":
        fields = new_front(c, rng, person)
    elif kind == "new_back":
        fields = new_back(c, rng, person)
    elif kind == "old_front":
        fields = old_front(c, rng, person, cp.old_id(rng))
    elif kind == "old_back":
        # The old card was issued until the chip card replaced it (2021).
        first = max(dt.date(1999, 1, 1), nm.add_years(person.date_of_birth, 14))
        issue = nm.random_date(rng, first, max(first, dt.date(2021, 6, 30)))
        fields = old_back(c, rng, person, issue)
    else:
        fields = render_driving_license(c, rng, person)
    return Card(c.image, dpi, kind, fields, payload, old_card, c.lines)


def render_driving_license(c: Canvas, rng: random.Random, person: nm.Person) -> dict[str, str]:
    """PET driving licence front: number, name, birth date, address, class, expiry."""
    cp.ground(c, rng, (244, 222, 214))
    cp.emblem(c, 9.0, 8.5, 5.5)
    c.text(48, 5.4, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 6.0, "bold", "center", family=SANS)
    c.text(48, 8.4, "SOCIALIST REPUBLIC OF VIETNAM", 5.4, "regular", "center", family=SANS)
    c.text(
        48,
        13.0,
        "GIẤY PHÉP LÁI XE / DRIVER'S LICENSE",
        8.6,
        "bold",
        "center",
        fill=RED,
        family=SANS,
    )
    cp.portrait(c, 3.5, 16.5, 18.0, 24.0, rng)
    number = person.id_number[1:3] + "".join(str(rng.randint(0, 9)) for _ in range(10))
    issue = _issue_date(rng, person, dt.date(2016, 1, 1))
    issue = max(issue, nm.add_years(person.date_of_birth, 18))
    klass = rng.choice(["A1", "A1", "B1", "B2", "B2", "C"])
    expiry = None if klass == "A1" else nm.add_years(issue, 10 if klass != "C" else 5)
    name = person.full_name.upper()
    residence = person.residence.short()
    x, s = 24.5, 6.6
    c.runs(x, 19.6, [("Số/No: ", "regular"), (number, "bold")], 8.0, family=SANS)
    c.runs(x, 23.6, [("Họ tên/Full name: ", "regular"), (name, "bold")], s, family=SANS)
    c.runs(
        x,
        27.2,
        [("Ngày sinh/Date of birth: ", "regular"), (nm.dmy(person.date_of_birth), "bold")],
        s,
        family=SANS,
    )
    c.runs(x, 30.8, [("Quốc tịch/Nationality: ", "regular"), ("Việt Nam", "bold")], s, family=SANS)
    label = "Nơi cư trú/Address: "
    head, tail = cp.split_line(c, residence, s, CARD_W - 2.5 - x - c.width(label, s, family=SANS))
    c.runs(x, 34.4, [(label, "regular"), (head, "bold")], s, family=SANS)
    if tail:
        c.text(x, 37.6, tail, cp.fit_size(c, tail, s, CARD_W - 2 - x), "bold", family=SANS)
    place = person.residence.province["short"]
    # As the PET licence prints it: each word of the date with its English beside it.
    when = f"ngày/date {issue.day:02d} tháng/month {issue.month:02d} năm/year {issue.year}"
    c.text(x, 42.0, f"{place}, {when}", 5.6, "italic", family=SANS)
    c.text(x, 45.0, "GIÁM ĐỐC SỞ GIAO THÔNG VẬN TẢI", 5.4, "bold", family=SANS)
    c.runs(3.5, 46.0, [("Hạng/Class: ", "regular"), (klass, "bold")], 7.0, family=SANS)
    shown = nm.dmy(expiry) if expiry else "Không thời hạn"
    c.text(3.5, 50.8, "Có giá trị đến/Expires: " + shown, 5.6, family=SANS)
    fields = {
        "document_number": number,
        "full_name": name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "nationality": "Việt Nam",
        "place_of_residence": residence,
        "issue_date": issue.isoformat(),
        "license_class": klass,
    }
    if expiry:
        fields["expiry_date"] = expiry.isoformat()
    return fields


def render_citizen_id(rng: random.Random, dpi: int, on_page: bool) -> tuple[Canvas, dict]:
    """A card-sized image of a front, or an A4 photocopy with the front and back enlarged."""
    person = nm.random_person(rng, born=(1950, 2008))
    issue = _issue_date(rng, person, dt.date(2021, 1, 1))
    new = issue >= dt.date(2024, 7, 1) or rng.random() < 0.15
    old = cp.old_id(rng) if person.date_of_birth.year < 2005 and rng.random() < 0.7 else ""

    def front(card: Canvas) -> dict[str, str]:
        return new_front(card, rng, person) if new else chip_front(card, rng, person, issue, old)[0]

    if not on_page:
        card = Canvas(CARD_W, CARD_H, dpi)
        return card, front(card)
    page = Canvas(210.0, 297.0, dpi)
    scale = rng.uniform(1.2, 1.6)
    face = Canvas(CARD_W, CARD_H, round(dpi * scale))
    fields = front(face)
    x = (210.0 - CARD_W * scale) / 2 + rng.uniform(-8, 8)
    page.place(face, x, rng.uniform(25.0, 40.0))
    back = Canvas(CARD_W, CARD_H, round(dpi * scale))
    chip_back(back, rng, person, issue)
    page.place(back, x + rng.uniform(-5, 5), rng.uniform(150.0, 165.0))
    # The back beside the front prints the issue date, which a 2024 front does not.
    return page, {**fields, "issue_date": issue.isoformat()}
