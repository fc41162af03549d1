"""Identity cards: the chip citizen ID (2021 and 2024 designs) and the PET driving licence.

Cards are drawn at their real size (85.6 x 54 mm, ISO ID-1) on a tinted, patterned ground,
because that small print on colour is what desks actually photograph; an A4 photocopy of a
card (front and back) is also common in dossiers.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
from PIL import Image, ImageDraw

from . import names as nm
from .canvas import Canvas

CARD_W, CARD_H = 85.6, 53.98
RED = (200, 30, 40)
DARK = (20, 20, 30)


def _ground(c: Canvas, rng: random.Random, tint: tuple[int, int, int]) -> None:
    """Pale gradient with fine guilloche waves and rounded corners."""
    w, h = c.image.size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xx / w * 0.6 + yy / h * 0.4)[..., None]
    base = np.array(tint, np.float32) * (1 - t) + np.array([250, 246, 232], np.float32) * t
    phase = rng.uniform(0, 6.28)
    wave = np.sin(xx / w * 40 + 3 * np.sin(yy / h * 9 + phase)) * np.sin(yy / h * 55)
    base -= (wave[..., None] > 0.93) * 14.0
    img = Image.fromarray(base.clip(0, 255).astype(np.uint8), "RGB")
    c.image.paste(img)
    r = int(c.mm(3.0))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, w - 1, h - 1], r, fill=255)
    c.image.paste((255, 255, 255), (0, 0), Image.eval(mask, lambda v: 255 - v))
    c.draw.rounded_rectangle([0, 0, w - 1, h - 1], r, outline=(150, 150, 150), width=2)


def _emblem(c: Canvas, x: float, y: float, r: float) -> None:
    """The national emblem, simplified: gold ring, red disc, yellow star."""
    cx, cy, rp = c.mm(x), c.mm(y), c.mm(r)
    c.draw.ellipse([cx - rp, cy - rp, cx + rp, cy + rp], fill=(212, 170, 40))
    rr = rp * 0.8
    c.draw.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=(205, 35, 35))
    pts = [
        (
            cx + (rr * (0.55 if k % 2 == 0 else 0.22)) * math.cos(-math.pi / 2 + k * math.pi / 5),
            cy + (rr * (0.55 if k % 2 == 0 else 0.22)) * math.sin(-math.pi / 2 + k * math.pi / 5),
        )
        for k in range(10)
    ]
    c.draw.polygon(pts, fill=(250, 220, 40))


def _photo(c: Canvas, x: float, y: float, w: float, h: float, rng: random.Random) -> None:
    """Portrait placeholder: light ground and a grey head-and-shoulders silhouette."""
    x0, y0, x1, y1 = c.mm(x), c.mm(y), c.mm(x + w), c.mm(y + h)
    c.draw.rectangle([x0, y0, x1, y1], fill=(226, 232, 240))
    shade = rng.randint(70, 110)
    cx, pw, ph = (x0 + x1) / 2, x1 - x0, y1 - y0
    c.draw.ellipse(
        [cx - pw * 0.22, y0 + ph * 0.15, cx + pw * 0.22, y0 + ph * 0.58], fill=(shade, shade, shade)
    )
    c.draw.chord(
        [x0 + pw * 0.05, y0 + ph * 0.6, x1 - pw * 0.05, y1 + ph * 0.45],
        180,
        360,
        fill=(shade - 30, shade - 30, shade - 20),
    )


def _qr(c: Canvas, x: float, y: float, size: float, rng: random.Random) -> None:
    """A QR-like module grid with the three finder squares."""
    n = 25
    cell = c.mm(size) / n
    x0, y0 = c.mm(x), c.mm(y)
    c.draw.rectangle([x0, y0, x0 + cell * n, y0 + cell * n], fill=(255, 255, 255))
    for i in range(n):
        for j in range(n):
            if rng.random() < 0.5:
                c.draw.rectangle(
                    [x0 + i * cell, y0 + j * cell, x0 + (i + 1) * cell, y0 + (j + 1) * cell],
                    fill=DARK,
                )
    for fx, fy in ((0, 0), (n - 7, 0), (0, n - 7)):
        for k, col in ((7, DARK), (5, (255, 255, 255)), (3, DARK)):
            o = (7 - k) / 2
            c.draw.rectangle(
                [
                    x0 + (fx + o) * cell,
                    y0 + (fy + o) * cell,
                    x0 + (fx + o + k) * cell,
                    y0 + (fy + o + k) * cell,
                ],
                fill=col,
            )


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


def _check(s: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1)."""
    val = {**{str(i): i for i in range(10)}, "<": 0}
    total = sum(
        (val.get(ch, ord(ch) - 55 if ch.isalpha() else 0)) * (7, 3, 1)[i % 3]
        for i, ch in enumerate(s)
    )
    return str(total % 10)


def citizen_front(
    c: Canvas, rng: random.Random, person: nm.Person, new: bool, issue: dt.date
) -> dict[str, str]:
    """Front of the chip card; returns the fields it prints."""
    _ground(c, rng, (208, 228, 236) if not new else (222, 226, 240))
    fam = "Liberation Sans"
    _emblem(c, 9.5, 9.0, 6.0)
    if not new:
        _qr(c, 68.5, 2.5, 14.5, rng)
    cx = 43.0 if not new else 48.0
    c.text(cx, 5.6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 6.2, "bold", "center", family=fam)
    c.text(cx, 8.8, "Độc lập - Tự do - Hạnh phúc", 6.2, "bold", "center", family=fam)
    title = "CĂN CƯỚC" if new else "CĂN CƯỚC CÔNG DÂN"
    c.text(cx, 13.6, title, 10.5, "bold", "center", fill=RED, family=fam)
    c.text(
        cx,
        16.4,
        "IDENTITY CARD" if new else "Citizen Identity Card",
        6.0,
        "regular",
        "center",
        family=fam,
    )
    _photo(c, 3.5, 18.5, 19.0, 25.0, rng)
    name = person.full_name.upper()
    dob = nm.dmy(person.date_of_birth)
    x, lab, val = 25.5, 6.0, 8.6
    fields = {
        "id_number": person.id_number,
        "full_name": name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "nationality": "Việt Nam",
    }
    if new:
        c.text(x, 21.5, "Số định danh cá nhân / Personal identification number", lab, family=fam)
        c.text(x, 25.6, person.id_number, 10.5, "bold", family=fam)
        c.text(x, 29.6, "Họ, chữ đệm và tên khai sinh / Full name", lab, family=fam)
        c.text(x, 33.4, name, val, "bold", family=fam)
        c.runs(
            x,
            37.4,
            [("Ngày, tháng, năm sinh / Date of birth: ", "regular"), (dob, "bold")],
            lab,
            family=fam,
        )
        c.runs(
            x,
            41.2,
            [
                ("Giới tính / Sex: ", "regular"),
                (person.sex, "bold"),
                ("   Quốc tịch / Nationality: ", "regular"),
                ("Việt Nam", "bold"),
            ],
            lab,
            family=fam,
        )
        return fields
    c.runs(x, 21.3, [("Số / No.: ", "regular"), (person.id_number, "bold")], 8.0, family=fam)
    c.text(x, 25.0, "Họ và tên / Full name:", lab, family=fam)
    c.text(x, 28.6, name, val, "bold", family=fam)
    c.runs(x, 32.0, [("Ngày sinh / Date of birth: ", "regular"), (dob, "bold")], lab, family=fam)
    c.runs(
        x,
        35.3,
        [
            ("Giới tính / Sex: ", "regular"),
            (person.sex, "bold"),
            ("    Quốc tịch / Nationality: ", "regular"),
            ("Việt Nam", "bold"),
        ],
        lab,
        family=fam,
    )
    c.text(x, 38.6, "Quê quán / Place of origin:", lab, family=fam)
    origin = person.origin.short()
    c.text(x, 41.8, origin, _fit(c, origin, 7.2, CARD_W - 2 - x, fam), "bold", family=fam)
    residence = person.residence.short()
    label = "Nơi thường trú / Place of residence: "
    room = CARD_W - 2.5 - x - c.width(label, lab, family=fam)
    head, tail = _split(c, residence, 7.2, room, fam)
    c.runs(x, 45.2, [(label, "regular"), (head, "bold")], lab, family=fam)
    if tail:
        c.text(x, 48.6, tail, _fit(c, tail, 7.2, CARD_W - 2 - x, fam), "bold", family=fam)
    expiry = _expiry(person, issue)
    c.text(3.5, 47.0, "Có giá trị đến:", 5.2, family=fam)
    c.text(3.5, 49.6, nm.dmy(expiry) if expiry else "Không thời hạn", 6.0, "bold", family=fam)
    c.text(3.5, 52.0, "Date of expiry", 4.8, "italic", family=fam)
    fields.update(place_of_origin=origin, place_of_residence=residence)
    if expiry:
        fields["expiry_date"] = expiry.isoformat()
    return fields


def _split(c: Canvas, text: str, size: float, room: float, fam: str) -> tuple[str, str]:
    """First words that fit in `room` mm after a label, and the rest."""
    words, head = text.split(" "), ""
    for i, word in enumerate(words):
        trial = f"{head} {word}".strip()
        if c.width(trial, size, "bold", fam) > room:
            return head, " ".join(words[i:])
        head = trial
    return head, ""


def _fit(c: Canvas, text: str, size: float, room: float, fam: str) -> float:
    """Largest size not above `size` at which `text` fits in `room` mm (cards have no wrap)."""
    while size > 4.5 and c.width(text, size, "bold", fam) > room:
        size -= 0.2
    return size


def citizen_back(c: Canvas, rng: random.Random, person: nm.Person, issue: dt.date) -> None:
    """Back: identifying mark, issue date, issuing authority, fingerprints, MRZ."""
    _ground(c, rng, (214, 230, 236))
    fam = "Liberation Sans"
    c.text(4, 6, "Đặc điểm nhân dạng / Personal identification:", 6.0, family=fam)
    c.text(
        4,
        9.4,
        rng.choice(
            ["Nốt ruồi C: 1cm trên trước đuôi mắt trái", "Sẹo chấm C: 2cm dưới sau cánh mũi phải"]
        ),
        6.4,
        family=fam,
    )
    c.runs(
        4,
        13.4,
        [("Ngày, tháng, năm / Date, month, year: ", "regular"), (nm.dmy(issue), "bold")],
        6.0,
        family=fam,
    )
    c.text(4, 17.2, "CỤC TRƯỞNG CỤC CẢNH SÁT", 6.0, "bold", family=fam)
    c.text(4, 20.2, "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 6.0, "bold", family=fam)
    for k in range(2):
        x0 = c.mm(55 + k * 15)
        c.draw.rounded_rectangle(
            [x0, c.mm(4), x0 + c.mm(13), c.mm(21)], 8, outline=(90, 90, 90), width=2
        )
    sex = "M" if person.sex == "Nam" else "F"
    doc = person.id_number[3:]
    l1 = f"IDVNM{doc}{_check(doc)}{person.id_number}".ljust(30, "<")
    born = person.date_of_birth.strftime("%y%m%d")
    exp = _expiry(person, issue)
    exp_s = exp.strftime("%y%m%d") if exp else "<<<<<<"
    l2 = f"{born}{_check(born)}{sex}{exp_s}{_check(exp_s)}VNM".ljust(29, "<")
    l2 += _check(l1[5:30] + l2[:7] + l2[8:15] + l2[18:29])
    parts = nm.fold_ascii(person.full_name).upper().split()
    l3 = (parts[0] + "<<" + "<".join(parts[1:])).ljust(30, "<")[:30]
    for i, line in enumerate((l1, l2, l3)):
        c.text(4, 40 + i * 4.6, line, 9.0, family="DejaVu Sans", record=True)


def render_driving_license(c: Canvas, rng: random.Random, person: nm.Person) -> dict[str, str]:
    """PET driving licence front: number, name, birth date, address, class, expiry."""
    _ground(c, rng, (244, 222, 214))
    fam = "Liberation Sans"
    _emblem(c, 9.0, 8.5, 5.5)
    c.text(48, 5.4, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 6.0, "bold", "center", family=fam)
    c.text(48, 8.4, "SOCIALIST REPUBLIC OF VIETNAM", 5.4, "regular", "center", family=fam)
    c.text(
        48, 13.0, "GIẤY PHÉP LÁI XE / DRIVER'S LICENSE", 8.6, "bold", "center", fill=RED, family=fam
    )
    _photo(c, 3.5, 16.5, 18.0, 24.0, rng)
    number = person.id_number[1:3] + "".join(str(rng.randint(0, 9)) for _ in range(10))
    issue = _issue_date(rng, person, dt.date(2016, 1, 1))
    issue = max(issue, nm.add_years(person.date_of_birth, 18))
    klass = rng.choice(["A1", "A1", "B1", "B2", "B2", "C"])
    expiry = None if klass == "A1" else nm.add_years(issue, 10 if klass != "C" else 5)
    name = person.full_name.upper()
    residence = person.residence.short()
    x, s = 24.5, 6.6
    c.runs(x, 19.6, [("Số/No: ", "regular"), (number, "bold")], 8.0, family=fam)
    c.runs(x, 23.6, [("Họ tên/Full name: ", "regular"), (name, "bold")], s, family=fam)
    c.runs(
        x,
        27.2,
        [("Ngày sinh/Date of Birth: ", "regular"), (nm.dmy(person.date_of_birth), "bold")],
        s,
        family=fam,
    )
    c.runs(x, 30.8, [("Quốc tịch/Nationality: ", "regular"), ("Việt Nam", "bold")], s, family=fam)
    label = "Nơi cư trú/Address: "
    head, tail = _split(c, residence, s, CARD_W - 2.5 - x - c.width(label, s, family=fam), fam)
    c.runs(x, 34.4, [(label, "regular"), (head, "bold")], s, family=fam)
    if tail:
        c.text(x, 37.6, tail, _fit(c, tail, s, CARD_W - 2 - x, fam), "bold", family=fam)
    c.text(
        x,
        42.0,
        f"{person.residence.province['short']}, {nm.long_date(issue)}",
        5.6,
        "italic",
        family=fam,
    )
    c.text(x, 45.0, "GIÁM ĐỐC SỞ GIAO THÔNG VẬN TẢI", 5.4, "bold", family=fam)
    c.runs(3.5, 46.0, [("Hạng/Class: ", "regular"), (klass, "bold")], 7.0, family=fam)
    c.text(
        3.5,
        50.8,
        "Có giá trị đến/Expires: " + (nm.dmy(expiry) if expiry else "Không thời hạn"),
        5.6,
        family=fam,
    )
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
    """A card-sized image, or an A4 photocopy with the card front and back enlarged."""
    person = nm.random_person(rng, born=(1950, 2008))
    issue = _issue_date(rng, person, dt.date(2021, 1, 1))
    new = issue >= dt.date(2024, 7, 1) or rng.random() < 0.15
    if not on_page:
        card = Canvas(CARD_W, CARD_H, dpi)
        return card, citizen_front(card, rng, person, new, issue)
    page = Canvas(210.0, 297.0, dpi)
    scale = rng.uniform(1.2, 1.6)
    front = Canvas(CARD_W, CARD_H, round(dpi * scale))
    fields = citizen_front(front, rng, person, new, issue)
    x = (210.0 - CARD_W * scale) / 2 + rng.uniform(-8, 8)
    page.place(front, x, rng.uniform(25.0, 40.0))
    back = Canvas(CARD_W, CARD_H, round(dpi * scale))
    citizen_back(back, rng, person, issue)
    page.place(back, x + rng.uniform(-5, 5), rng.uniform(150.0, 165.0))
    return page, fields
