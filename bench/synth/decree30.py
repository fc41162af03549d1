"""Documents in the Decree 30/2020/ND-CP layout: decisions, official letters and the titled
kinds (notices, directives, reports, plans, submissions).

All share the header (organ block with number and notation on the left, national title,
motto and place-and-date on the right) and the footer (recipients left, signer right), which
is exactly what a document-type classifier and a number/date extractor must handle. Titled
kinds are drawn as real ones are printed: a subject without "Về việc" under the title, the
number and the day left blank for the pen, the signature block on a second page.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from . import names as nm
from .blocks import (
    Style,
    national_header,
    organ_block,
    place_date,
    prefixed,
    recipients,
    signer_block,
)
from .canvas import Canvas, nfc

DEPARTMENTS = [
    ("Sở Tư pháp", "STP", ["HCTP", "VP", "BTTP"]),
    ("Sở Tài nguyên và Môi trường", "STNMT", ["VP", "QLĐĐ", "CCQLĐĐ"]),
    ("Sở Nội vụ", "SNV", ["VP", "TCBC", "CCHC"]),
    ("Sở Xây dựng", "SXD", ["VP", "QLXD", "QHKT"]),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT", ["VP", "ĐKKD"]),
]
MINISTRIES = [
    ("Bộ Nội vụ", "BNV", ["VP", "CCHC", "TCBC"]),
    ("Bộ Tư pháp", "BTP", ["VP", "HTQTCT", "PBGDPL"]),
    ("Bộ Tài chính", "BTC", ["VP", "TCCB", "KHTC"]),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT", ["VP", "GDĐH", "KHTC"]),
]


@dataclass
class Organ:
    """An issuing organ with everything its documents print about it."""

    parent: str | None
    lines: list[str]
    abbr: str
    units: list[str]
    place: str
    head: str
    deputy: str
    collective: str | None
    seal_text: str
    sentence: str

    @property
    def name(self) -> str:
        """The issuing organ as printed (bold lines joined)."""
        return nfc(" ".join(self.lines))


def random_organ(rng: random.Random) -> Organ:
    """A people's committee (commune, district, province), a department or a ministry."""
    prov = rng.choice(nm.PROVINCES)
    prov_up = prov["name"].upper()
    prov_place = "Thành phố Hồ Chí Minh" if prov["code"] == "079" else prov["short"]
    kind = rng.choice(["commune", "district", "district", "province", "department", "ministry"])
    if kind == "ministry":
        name, abbr, units = rng.choice(MINISTRIES)
        up = name.upper()
        return Organ(
            None, [up], abbr, units, "Hà Nội", "BỘ TRƯỞNG", "THỨ TRƯỞNG", None, f"{up} * ", name
        )
    if kind == "department":
        name, abbr, units = rng.choice(DEPARTMENTS)
        up = name.upper()
        return Organ(
            "UBND " + prov_up,
            [up],
            abbr,
            units,
            prov_place,
            "GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC",
            None,
            f"{up} * {prov_up} * ",
            name,
        )
    district = rng.choice(sorted(prov["districts"]))
    if kind == "province":
        unit, place = prov["name"], prov_place
    elif kind == "district":
        unit, place = district, nm.strip_unit(district)
    else:
        unit = rng.choice(prov["districts"][district])
        place = nm.strip_unit(unit)
    level = unit[: len(unit) - len(nm.strip_unit(unit))].strip().lower() or "quận"
    return Organ(
        None,
        ["ỦY BAN NHÂN DÂN", unit.upper()],
        "UBND",
        ["VP", "KT", "NC", "TNMT"],
        place,
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "ỦY BAN NHÂN DÂN",
        f"ỦY BAN NHÂN DÂN {unit.upper()} * {prov['short'].upper()} * ",
        f"Ủy ban nhân dân {level}",
    )


def signer_titles(org: Organ, rng: random.Random) -> list[str]:
    """TM./KT. lines above the position, as Decree 30 prescribes."""
    if rng.random() < 0.5:
        lines = [f"TM. {org.collective}", org.head] if org.collective else [org.head]
        return lines
    return [f"KT. {org.head}", org.deputy]


def number_text(number: str, rng: random.Random) -> str:
    """Printed "Số:" line; real scans often have spaces around the slash."""
    n, rest = number.split("/", 1)
    sep = rng.choice(["/", "/", " /", " / "])
    return f"Số: {n}{sep}{rest}"


def header(
    c: Canvas,
    st: Style,
    rng: random.Random,
    org: Organ,
    number: str,
    issue: dt.date,
    blank: bool = False,
) -> tuple[float, float]:
    """Left organ block and right national block; returns the number line y and left x.

    With ``blank`` the number and the day are left empty, to be written by hand at signing
    ("Số:       /TB-UBND", "ngày      tháng 5 năm 2023")."""
    lx = st.left + rng.uniform(17.0, 24.0)
    rx = st.right - rng.uniform(47.0, 52.0)
    y0 = rng.uniform(18.0, 24.0)
    y_left = organ_block(c, lx, y0, st, org.parent, org.lines)
    y_right = national_header(c, rx, y0, st)
    y = max(y_left, y_right) + 2.0
    shown = "Số:" + " " * 12 + "/" + number.split("/", 1)[1] if blank else number_text(number, rng)
    c.text(lx, y, shown, st.header + 0.5, "regular", "center")
    when = nm.long_date(issue)
    if blank:
        when = "ngày" + " " * 8 + when[len("ngày 05 ") - 1 :]
    place_date(c, rx, y, st, org.place, when)
    return y, lx


DECISION_SUBJECTS = [
    "Về việc cấp Giấy chứng nhận quyền sử dụng đất cho hộ ông (bà) {name}",
    "Về việc phê duyệt Kế hoạch cải cách hành chính năm {year}",
    "Về việc thành lập Tổ công tác số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Về việc giao nhiệm vụ tiếp nhận và số hóa hồ sơ tại Bộ phận Một cửa",
    "Về việc khen thưởng thành tích xuất sắc trong công tác cải cách hành chính năm {year}",
    "Về việc công bố danh mục thủ tục hành chính được chuẩn hóa năm {year}",
]
BASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức "
    "chính quyền địa phương ngày 22 tháng 11 năm 2019;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện "
    "cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính;",
    "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ về thực hiện "
    "thủ tục hành chính trên môi trường điện tử;",
    "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;",
]
ARTICLES = [
    "Ban hành kèm theo Quyết định này danh sách cán bộ, công chức được giao nhiệm vụ tiếp "
    "nhận, số hóa hồ sơ và kết quả giải quyết thủ tục hành chính.",
    "Giao Văn phòng chủ trì, phối hợp với các cơ quan, đơn vị có liên quan tổ chức triển khai "
    "thực hiện, định kỳ báo cáo kết quả trước ngày {day} hằng tháng.",
    "Ông (bà) {name} có trách nhiệm thực hiện đúng các quy định hiện hành.",
    "Quyết định này có hiệu lực kể từ ngày ký.",
    "Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan và ông (bà) {name} chịu "
    "trách nhiệm thi hành Quyết định này./.",
]


def render_decision(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """QUYẾT ĐỊNH: subject, authority, bases, articles, recipients, signer with seal."""
    org = random_organ(rng)
    issue = nm.random_date(rng, dt.date(2016, 1, 1), dt.date(2025, 6, 30))
    number = f"{rng.randint(1, 3500)}/QĐ-{org.abbr}"
    person = nm.random_person(rng, born=(1960, 1998))
    signer = nm.random_name(rng, rng.choice(["Nam", "Nữ"]))
    subject = nfc(rng.choice(DECISION_SUBJECTS).format(name=person.full_name, year=issue.year))
    y, _ = header(c, st, rng, org, number, issue)
    width = st.right - st.left
    y += rng.uniform(12.0, 16.0)
    c.text(st.centre, y, "QUYẾT ĐỊNH", st.title + 1, "bold", "center")
    y += st.step(st.title)
    y = c.paragraph(st.left + 10, y, width - 20, subject, st.title, "bold", align="center")
    c.line(
        st.centre - 20,
        y - st.step(st.title) + 2.2,
        st.centre + 20,
        y - st.step(st.title) + 2.2,
        0.7,
    )
    y += 5.0
    collective = org.collective is not None and rng.random() < 0.4
    authority = org.name if collective else f"{org.head} {org.name}"
    y = c.paragraph(st.left, y, width, authority, st.body, "bold", align="center") + 3.0
    for basis in rng.sample(BASES, rng.randint(2, 4)):
        y = c.paragraph(st.left, y, width, basis, st.body, "italic", 12.7, st.leading)
    proposal = rng.choice(
        [
            "Theo đề nghị của Chánh Văn phòng.",
            "Theo đề nghị của Trưởng phòng Nội vụ.",
            "Theo đề nghị của Trưởng phòng Tài nguyên và Môi trường.",
        ]
    )
    y = c.paragraph(st.left, y, width, proposal, st.body, "italic", 12.7, st.leading) + 2.0
    c.text(st.centre, y, "QUYẾT ĐỊNH:", st.title, "bold", "center")
    y += st.step(st.title) + 1.0
    chosen = [ARTICLES[0], rng.choice(ARTICLES[1:3]), ARTICLES[3], ARTICLES[4]]
    if rng.random() < 0.4:
        chosen = chosen[1:]
    for i, text in enumerate(chosen, 1):
        if y > 215:
            break
        body = text.format(name=person.full_name, day=rng.randint(20, 28))
        y = prefixed(c, st.left, y, width, f"Điều {i}.", body, st, 12.7)
    y = max(y + 6.0, 150.0)
    recipients(
        c,
        st.left,
        y + 6.0,
        ["- Như Điều 3;", "- Thường trực HĐND (để b/c);", f"- Lưu: VT, {org.units[0]}."],
        st,
    )
    signer_block(c, st.right - 45, y, st, rng, signer_titles(org, rng), signer, org.seal_text)
    return {
        "document_number": number,
        "issue_date": issue.isoformat(),
        "issuer": org.name,
        "subject": subject,
        "signer": signer,
    }


LETTER_SUBJECTS = [
    "V/v đề nghị cung cấp thông tin phục vụ giải quyết hồ sơ của công dân",
    "V/v triển khai số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "V/v trả lời đơn của ông (bà) {name}",
    "V/v báo cáo kết quả thực hiện Chỉ số 766 quý {q} năm {year}",
    "V/v hướng dẫn thực hiện Nghị định số 30/2020/NĐ-CP về công tác văn thư",
]
LETTER_BODY = [
    "Thực hiện {ref}, {org} đề nghị các cơ quan, đơn vị khẩn trương rà soát, cập nhật dữ "
    "liệu hồ sơ thủ tục hành chính đã tiếp nhận trong năm {year}.",
    "Đối với hồ sơ của ông (bà) {name}, {org} đã tiếp nhận ngày {date} và đang phối hợp với "
    "các cơ quan liên quan để xác minh thông tin.",
    "Đề nghị các đơn vị gửi báo cáo bằng văn bản và bản điện tử về Văn phòng trước ngày "
    "{date} để tổng hợp, báo cáo cấp có thẩm quyền.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời để "
    "được hướng dẫn giải quyết.",
]


def render_official_letter(c: Canvas, rng: random.Random, st: Style) -> dict[str, str]:
    """Công văn: no type word, "V/v" subject under the number, "Kính gửi:", body, signer."""
    org = random_organ(rng)
    issue = nm.random_date(rng, dt.date(2016, 1, 1), dt.date(2025, 6, 30))
    number = f"{rng.randint(1, 4800)}/{org.abbr}-{rng.choice(org.units)}"
    person = nm.random_person(rng, born=(1955, 2000))
    signer = nm.random_name(rng, rng.choice(["Nam", "Nữ"]))
    subject = nfc(
        rng.choice(LETTER_SUBJECTS).format(
            name=person.full_name, q=rng.randint(1, 4), year=issue.year
        )
    )
    y, lx = header(c, st, rng, org, number, issue)
    y += st.step(st.header)
    for line in c.wrap(subject, st.header, 72.0):
        c.text(lx, y, line, st.header, "regular", "center")
        y += st.step(st.header) * 0.95
    width = st.right - st.left
    y += rng.uniform(9.0, 13.0)
    to = rng.choice(
        [
            "Ủy ban nhân dân các xã, phường, thị trấn",
            "Các sở, ban, ngành thuộc tỉnh",
            f"Ông (bà) {person.full_name}",
            "Văn phòng Ủy ban nhân dân tỉnh",
        ]
    )
    kg = c.width("Kính gửi: ", st.body + 0.5, "regular")
    c.runs(
        st.centre - (kg + c.width(to, st.body + 0.5)) / 2,
        y,
        [("Kính gửi: ", "regular"), (to, "regular")],
        st.body + 0.5,
    )
    y += st.step() + 4.0
    earlier = nm.dmy(issue - dt.timedelta(days=rng.randint(5, 60)))
    ref = f"Văn bản số {rng.randint(10, 999)}/UBND-VP ngày {earlier}"
    later = nm.dmy(issue + dt.timedelta(days=rng.randint(10, 40)))
    for text in LETTER_BODY[: rng.randint(3, 4)]:
        body = text.format(
            ref=ref, org=org.sentence, year=issue.year, name=person.full_name, date=later
        )
        y = c.paragraph(st.left, y, width, body, st.body, "regular", 12.7, st.leading)
    y = c.paragraph(st.left, y, width, "Trân trọng./.", st.body, "regular", 12.7)
    y = max(y + 6.0, 150.0)
    recipients(c, st.left, y + 6.0, ["- Như trên;", f"- Lưu: VT, {org.units[0]}."], st)
    signer_block(c, st.right - 45, y, st, rng, signer_titles(org, rng), signer, org.seal_text)
    return {
        "document_number": number,
        "issue_date": issue.isoformat(),
        "issuer": org.name,
        "subject": subject,
        "signer": signer,
    }


TITLED_KINDS: dict[str, tuple[str, str, list[str]]] = {
    "notice": (
        "THÔNG BÁO",
        "TB",
        [
            "Kết luận của Chủ tịch {organ} tại cuộc họp về công tác cải cách hành chính",
            "V/v nghỉ lễ Quốc khánh năm {year}",
        ],
    ),
    "directive": ("CHỈ THỊ", "CT", ["Về việc tăng cường công tác số hóa hồ sơ thủ tục hành chính"]),
    "report": (
        "BÁO CÁO",
        "BC",
        ["Tình hình, kết quả thực hiện công tác cải cách thủ tục hành chính năm {year}"],
    ),
    "plan": ("KẾ HOẠCH", "KH", ["Chuyển đổi số năm {year}"]),
    "submission": ("TỜ TRÌNH", "TTr", ["Về việc đề nghị giao dự toán năm {year}"]),
}
"""Kind code -> printed title, notation abbreviation, subjects ("{organ}", "{year}")."""


def render_titled(
    c: Canvas,
    rng: random.Random,
    st: Style,
    kind: str,
    *,
    subject: str | None = None,
    blank: bool = False,
    second: Canvas | None = None,
) -> dict[str, str]:
    """A titled kind: header, title, subject under it, body, recipients and signer.

    ``blank`` leaves the number and the day for the pen (they are then not in the truth);
    with ``second`` the body goes on and the signature block stands on that second page.
    """
    title, abbr, subjects = TITLED_KINDS[kind]
    org = random_organ(rng)
    issue = nm.random_date(rng, dt.date(2016, 1, 1), dt.date(2025, 6, 30))
    number = f"{rng.randint(1, 900)}/{abbr}-{org.abbr}"
    signer = nm.random_name(rng, rng.choice(["Nam", "Nữ"]))
    text = subject or rng.choice(subjects).format(organ=org.sentence.lower(), year=issue.year)
    subject = nfc(text[:1].upper() + text[1:])
    y, _ = header(c, st, rng, org, number, issue, blank)
    width = st.right - st.left
    y += rng.uniform(12.0, 16.0)
    c.text(st.centre, y, title, st.title + 1, "bold", "center")
    y += st.step(st.title)
    y = c.paragraph(st.left + 10, y, width - 20, subject, st.title, "bold", align="center")
    y += 6.0
    paragraphs = [
        t.format(ref="Kế hoạch số 12/KH-UBND", org=org.sentence, year=issue.year,
                 name=signer, date=nm.dmy(issue))
        for t in LETTER_BODY
    ]  # fmt: skip
    for body in paragraphs[:2]:
        y = c.paragraph(st.left, y, width, body, st.body, "regular", 12.7, st.leading)
    page = c
    if second is not None:
        page, y = second, 25.0
        for body in paragraphs[2:]:
            y = page.paragraph(st.left, y, width, body, st.body, "regular", 12.7, st.leading)
    y = max(y + 6.0, 150.0 if second is None else y + 6.0)
    recipients(page, st.left, y + 6.0, ["- Như trên;", f"- Lưu: VT, {org.units[0]}."], st)
    signer_block(page, st.right - 45, y, st, rng, signer_titles(org, rng), signer, org.seal_text)
    truth = {"issuer": org.name, "subject": subject, "signer": signer}
    if not blank:
        truth |= {"document_number": number, "issue_date": issue.isoformat()}
    return truth
