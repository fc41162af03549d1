"""Administrative place names checked against the official list of units (``places.json``).

Addresses and organ names end with a ward, a district and a province ("Thôn 3, Xã Ea Kênh,
Huyện Krông Pắc, Tỉnh Đắk Lắk", or on cards "Ea Kênh, Krông Pắc, Đắk Lắk"). OCR's usual error
there is a swapped or dropped tone mark ("Cẩm" read "Cấm", "Nghi" read "Nghỉ"): the letters are
right, the marks are not, and nothing in the word's own confidence says so. The official list
(the General Statistics Office's, before the 2025 reorganization: old dossiers name old units)
says which spellings exist and which ward lies in which district of which province, so:

- a part whose letters are those of the expected unit (the ward of that district of that
  province) is certain: it is respelled as officially written when only its marks differ;
- a part one or two letters off the only close unit there is corrected, but flagged;
- a part the list does not know (a street, a house number, a unit renamed since) is left to the
  OCR confidence.

The hierarchy is what makes a correction safe: "Cam Binh" is one ward of Cẩm Xuyên district, not
any of the dozens of places in the country whose folded names collide.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from classifiers.review import Flag
from classifiers.vntext import fold, levenshtein, tone_key
from classifiers.wordlists import NUMBERED_ADDRESS_WORDS
from digitize.lm.syllables import is_syllable

PLACES_PATH = Path(__file__).with_name("places.json")
PLACES_2025_PATH = Path(__file__).with_name("places_2025.json")

UNIT_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Tỉnh", "Quận", "Huyện", "Phường", "Xã")
"""Unit words as officially written (longest first, so "Thị trấn" is not "Thị")."""
UNIT_ABBREVIATIONS = {"tp": "Thành phố", "tx": "Thị xã", "tt": "Thị trấn"}
PROVINCE_ALIASES = {"Tỉnh Thừa Thiên Huế": "Thành phố Huế"}
"""Former names still printed on older papers, mapped to the unit in the list."""


@dataclass
class Unit:
    full: str
    """Official name with its unit word: "Phường Điện Biên"."""
    unit: str
    name: str
    children: list[Unit] = field(default_factory=list, repr=False)

    @property
    def forms(self) -> dict[str, str]:
        """Folded spellings a part may have -> the official text it stands for."""
        out = {fold(self.full): self.full, fold(self.name): self.name}
        for abbr, word in UNIT_ABBREVIATIONS.items():
            if self.unit == word:
                out[f"{abbr} {fold(self.name)}"] = f"{abbr.upper()}. {self.name}"
        return out


def _split_unit(full: str) -> tuple[str, str]:
    for word in UNIT_WORDS:
        if full.startswith(word + " "):
            return word, full[len(word) + 1 :]
    return "", full


@lru_cache(maxsize=1)
def _provinces() -> list[Unit]:
    data = json.loads(PLACES_PATH.read_text(encoding="utf-8"))
    out = []
    for pname, districts in data["provinces"].items():
        province = Unit(pname, *_split_unit(pname))
        for dname, wards in districts.items():
            district = Unit(dname, *_split_unit(dname))
            district.children = [Unit(w, *_split_unit(w)) for w in wards]
            province.children.append(district)
        out.append(province)
    by_full = {p.full: p for p in out}
    for old, new in PROVINCE_ALIASES.items():
        if new in by_full:
            alias = Unit(old, *_split_unit(old))
            alias.children = by_full[new].children
            out.append(alias)
    return out


@lru_cache(maxsize=1)
def _provinces_2025() -> list[Unit]:
    """The provinces after the 2025 reorganization, each with its wards and communes directly
    under it (``places_2025.json``: two levels, no districts)."""
    data = json.loads(PLACES_2025_PATH.read_text(encoding="utf-8"))
    out = []
    for pname, wards in data["provinces"].items():
        province = Unit(pname, *_split_unit(pname))
        province.children = [Unit(w, *_split_unit(w)) for w in wards]
        out.append(province)
    return out


def _units() -> list[Unit]:
    """Every unit of both lists, each level."""
    out: list[Unit] = []
    for p in _provinces():
        out += [p, *p.children, *(w for d in p.children for w in d.children)]
    for p in _provinces_2025():
        out += [p, *p.children]
    return out


@lru_cache(maxsize=1)
def _all_units() -> dict[str, list[Unit]]:
    """Every unit of every level by folded form (for parts with no known parent)."""
    index: dict[str, list[Unit]] = {}
    for u in _units():
        for form in u.forms:
            index.setdefault(form, []).append(u)
    return index


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """The words of every unit's name in lower case, marks kept ("krông", "grai"): a place's
    name may hold words no Vietnamese syllable spells (the Central Highlands')."""
    return frozenset(w for u in _units() for w in u.full.lower().split())


def warm() -> None:
    """Read the list now (a worker does it once, before forking its jobs)."""
    _all_units()


@dataclass
class PlaceCheck:
    value: str
    certain: set[str] = field(default_factory=set)
    """Folded words the list confirmed: their OCR confidence no longer decides."""
    matched: int = 0
    corrected: int = 0
    fuzzy: int = 0
    """Parts corrected from a near spelling (more than the marks differed): a clerk looks."""
    doubtful: int = 0
    """Syllables of a part the list does not know, spelled with other marks than the same
    letters have in the units around it ("Xã Cấm Vịnh" in Cẩm Xuyên district, whose wards are
    all "Cẩm ..."): a misread mark, or a unit renamed since; either way a clerk looks."""
    unknown: int = 0
    """Parts standing where the list expects a ward of the district after them, one syllable
    in title case (no number, no street or hamlet word), and no ward there by that name
    ("Xuyên, Nam Định, Nam Định": "Vị" was lost): a word lost or misread, or a unit renamed."""
    joined: int = 0
    """Parts read as one where the list has two units, one inside the other, with the comma
    between them lost ("Vĩnh Ninh Huế" for "Vĩnh Ninh, Huế"): put apart, and a clerk looks."""

    @property
    def flags(self) -> list[Flag]:
        """What a clerk should confirm: a correction from a near spelling, odd marks, a unit
        the list does not know where it expects one."""
        out = [Flag("place_fuzzy_match")] if self.fuzzy else []
        out += [Flag("place_marks_odd")] if self.doubtful else []
        out += [Flag("place_comma_restored")] if self.joined else []
        return out + ([Flag("place_unit_unknown")] if self.unknown and not self.doubtful else [])


def _recase(official: str, read: str) -> str:
    """The official spelling in the read text's case (capitals, or a lower-case unit word)."""
    letters = [c for c in read if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return official.upper()
    unit, name = _split_unit(official)
    if unit and letters and letters[0].islower():
        return f"{unit.lower()} {name}"
    return official


def _unit_prefix(part: str) -> str:
    """The unit word a read part starts with, in any case ("XÃ CẤM BÌNH", "xã Cẩm Bình"), as
    the list writes it, or ""."""
    low = part.lower()
    return next((w for w in UNIT_WORDS if low.startswith(w.lower() + " ")), "")


def _official_case(read: str, official: str) -> str:
    """``read`` in the letter case of ``official`` (the list's spelling already in the
    reading's case, see :func:`_recase`): a part not written all in capitals that has a
    capital inside it ("Phường VỊ Xuyên", a dotted capital I read for ị) is "Phường Vị
    Xuyên". The printed tone placement stays ("Thủy" where the list has "Thuỷ")."""
    words, names = read.split(" "), official.split(" ")
    if read.isupper() or len(words) != len(names):
        return read
    out = []
    for word, name in zip(words, names, strict=True):
        if len(word) == len(name):
            word = "".join(
                r.upper() if o.isupper() else r.lower() for r, o in zip(word, name, strict=True)
            )
        out.append(word)
    return " ".join(out)


def _spelled_right(part: str) -> bool:
    """Whether every word of a part's name is a Vietnamese syllable ("Thắng Lợi", "Nghi
    Phong"). OCR's letter errors make words no syllable ("Gà Mhu"); a name made of syllables
    that differs by letters from the units the list has there is a unit the list no longer
    holds (merged or renamed since: old papers name old units), not a misreading of a near
    one ("Tân Lợi", "Nghi Phương")."""
    _, name = _split_unit(part.strip())
    words = re.sub(r"[^\w\s]", " ", name).split()
    return bool(words) and all(not w.isdigit() and is_syllable(w) for w in words)


def _match(part: str, candidates: list[Unit]) -> tuple[Unit, str, bool] | None:
    """The unit ``part`` names among ``candidates``: (unit, official text, exact letters)."""
    key = fold(part)
    if not key:
        return None
    exact = [(u, u.forms[key]) for u in candidates if key in u.forms]
    if exact:
        spellings = {tone_key(text) for _, text in exact}
        if len(spellings) == 1:
            return exact[0][0], exact[0][1], True
        return None
    if _spelled_right(part):
        return None
    near = []
    for u in candidates:
        for form, text in u.forms.items():
            limit = 1 if len(form) < 10 else 2
            if abs(len(form) - len(key)) <= limit and levenshtein(form, key, limit) <= limit:
                near.append((u, text))
    if len({u.full for u, _ in near}) == 1 and fold(near[0][1]).count(" ") == key.count(" "):
        return near[0][0], near[0][1], False
    return None


_ORGAN = re.compile(
    r"^(ủy ban nhân dân|uỷ ban nhân dân|hội đồng nhân dân|công an|ubnd)\s+", re.IGNORECASE
)


def _odd_marks(part: str, around: list[Unit]) -> tuple[int, str]:
    """Syllables of ``part`` whose letters occur in the names of ``around`` (the units that
    could stand where it stands) only with other marks (see ``PlaceCheck.doubtful``), and
    ``part`` with each such syllable spelled as the names around spell it in the same place of
    the name, where they spell it one way only ("Xã Cấm Vịnh" in Cẩm Xuyên district, whose
    wards' first syllable is "Cẩm" and never "Cấm", is "Xã Cẩm Vịnh"): still a value a clerk
    confirms, but the likelier one."""
    spellings: dict[str, set[str]] = {}
    placed: dict[tuple[int, str], dict[str, str]] = {}
    for u in around:
        for n, syllable in enumerate(u.name.split()):
            spellings.setdefault(fold(syllable), set()).add(tone_key(syllable))
            placed.setdefault((n, fold(syllable)), {})[tone_key(syllable)] = syllable
    unit = _unit_prefix(part)
    name = part[len(unit) + 1 :] if unit else part
    odd, out = 0, []
    for n, syllable in enumerate(name.split(" ")):
        known = spellings.get(fold(syllable))
        if known and tone_key(syllable) not in known:
            odd += 1
            here = placed.get((n, fold(syllable)), {})
            if len(here) == 1:
                (official,) = here.values()
                if len(official) == len(syllable):
                    syllable = _recase(official, syllable)
        out.append(syllable)
    respelled = " ".join(out)
    return odd, f"{part[: len(part) - len(name)]}{respelled}" if unit else respelled


def _province_by_district(read: str, district: str) -> tuple[Unit, str, bool] | None:
    """The province a badly misread last part stands for ("Gà Mhu" for Cà Mau), known from
    the district before it: when that district's letters name districts of one province only,
    and the part is within half that province's letters of its name, it is that province (a
    fuzzy correction: flagged)."""
    key, dkey = fold(read), fold(district)
    if not key or not dkey:
        return None
    owners = {p.full: p for p in _provinces() for d in p.children if dkey in d.forms}
    if len(owners) != 1:
        return None
    province = next(iter(owners.values()))
    for form, text in province.forms.items():
        limit = max(1, len(form) // 2)
        if form.count(" ") == key.count(" ") and levenshtein(form, key, limit) <= limit:
            return province, text, False
    return None


RARE_SPELLING_SHARE = 0.05
"""A syllable of a unit's name the list does not know counts as an odd mark when the country's
unit names spell its letters this way in under this share of their occurrences ("Cấm" 4
times, "Cẩm" 184)."""

RARE_SPELLING_SEEN = 20
"""...and its letters occur at least this often in the country's unit names."""


@lru_cache(maxsize=1)
def _national_spellings() -> dict[str, Counter[str]]:
    """Folded syllable -> how often each spelling (tone key) occurs in the names of units."""
    out: dict[str, Counter[str]] = {}
    for u in _units():
        for syllable in u.name.split():
            out.setdefault(fold(syllable), Counter())[tone_key(syllable)] += 1
    return out


def _rare_marks(part: str) -> int:
    """Syllables of a part named by its unit word ("XÃ CẤM BÌNH") that the list explains
    nowhere, whose letters the country's unit names spell almost always with other marks: a
    ward's name misread in an organ's line, where no district says which units could stand
    there (a ward merged since is not in the list)."""
    unit = _unit_prefix(part)
    if not unit:
        return 0
    spellings = _national_spellings()
    odd = 0
    for syllable in re.sub(r"[^\w\s]", " ", part[len(unit) + 1 :]).split():
        seen = spellings.get(fold(syllable))
        if not seen or syllable.isdigit():
            continue
        total = sum(seen.values())
        share = seen.get(tone_key(syllable), 0) / total
        odd += total >= RARE_SPELLING_SEEN and share < RARE_SPELLING_SHARE
    return odd


_STREET_WORDS = (
    "đường",
    "phố",
    "khối",
    "bản",
    "buôn",
    "làng",
    "lô",
    "tầng",
    "căn",
    "khóm",
    "cụm",
    "đội",
)
_NOT_A_UNIT = re.compile(
    rf"\d|^(?:{'|'.join((*NUMBERED_ADDRESS_WORDS, *_STREET_WORDS))})\b", re.IGNORECASE
)
"""A number, or a street's, hamlet's or house's word first: a part that names no ward."""


def _named_like_unit(part: str) -> bool:
    """Whether ``part`` reads as what is left of a unit's name: one syllable in title case (the
    names of wards have two or more; a line's first word is the one OCR loses), no number,
    no street, hamlet or house word."""
    words = part.split()
    return (
        len(words) == 1
        and not _NOT_A_UNIT.search(part)
        and words[0][:1].isupper()
        and is_syllable(words[0])
    )


def _ward_slot(level: list[Unit]) -> bool:
    """Whether ``level`` is a district's wards (a district renamed or reorganized since the
    list is a commoner case than a ward, so only the ward's slot is judged)."""
    return all(u.unit in ("Phường", "Xã", "Thị trấn") for u in level)


def check_place(value: str) -> PlaceCheck:
    """``value`` with its administrative parts checked (and respelled) against the lists.

    Parts are read from the end: the province, then a district of it, then a ward of that
    district; or, as papers issued since the 2025 reorganization print them, the province and
    a ward of it directly. Of the two readings the one that explains more parts is kept (the
    list before the reorganization on a tie: old dossiers name old units). A part the
    hierarchy does not explain stops the walk; the parts before it keep their OCR reading.
    """
    before = _walk(value, _provinces())
    after = _walk(value, _provinces_2025())
    return after if after.matched > before.matched else before


def _two_units(part: str, level: list[Unit]) -> tuple[str, str] | None:
    """``part`` as two units with their comma lost: a unit of ``level`` at its end and, before
    it, one of that unit's own (exact letters, both), else ``None``."""
    words = part.split()
    for k in range(1, len(words)):
        head, tail = " ".join(words[:k]), " ".join(words[k:])
        outer = _match(tail, level)
        if outer is None or not outer[2] or not outer[0].children:
            continue
        inner = _match(head, outer[0].children)
        if inner is not None and inner[2]:
            return head, tail
    return None


def _walk(value: str, provinces: list[Unit], joined: int = 0) -> PlaceCheck:
    """``value`` checked against one list of units (see :func:`check_place`); ``joined``:
    commas put back already (each split leaves two parts the list knows exactly, so a walk
    again passes them)."""
    parts = [p.strip() for p in re.split(r"\s*[,;]\s*", value)]
    if not parts or not provinces:
        return PlaceCheck(value)
    out = PlaceCheck(value, joined=joined)
    level: list[Unit] | None = provinces
    for i in range(len(parts) - 1, -1, -1):
        part = parts[i]
        organ = _ORGAN.match(part) if i == 0 else None
        body = part[organ.end() :] if organ else part
        candidates = level if level is not None else []
        got = _match(body, candidates) if candidates else None
        if got is None and i == len(parts) - 1 and i > 0:
            got = _province_by_district(body, parts[i - 1])
        if got is None and len(parts) == 1:
            # An organ's name with one unit ("ỦY BAN NHÂN DÂN PHƯỜNG LẠCH TRAY"): any level,
            # exact letters only, and only when every unit of that name is spelled alike.
            units = _all_units().get(fold(body), [])
            got = _match(body, units) if units else None
            got = got if got and got[2] else None
        # An organ's name is printed without commas ("ỦY BAN NHÂN DÂN HUYỆN ... TỈNH ..."):
        # only a value written with them has one to lose.
        if got is None and candidates and len(parts) > 1:
            apart = _two_units(body, candidates)
            if apart is not None:
                head = (part[: organ.end()] if organ else "") + apart[0]
                mended = [*parts[:i], head, apart[1], *parts[i + 1 :]]
                return _walk(", ".join(mended), provinces, joined + 1)
        if got is None:
            if out.matched and i < len(parts) - 1:
                if level:  # a unit was expected here: a ward of that district, ...
                    odd, respelled = _odd_marks(body, level)
                    out.doubtful += odd
                    out.unknown += _ward_slot(level) and _named_like_unit(body)
                    parts[i] = (part[: organ.end()] if organ else "") + respelled
                break
            level = None
            continue
        unit, official, exact = got
        text = _recase(official, body)
        if tone_key(text) == tone_key(body):
            # Right as read: keep the printed tone placement ("Thủy", the list has "Thuỷ") and
            # case; only specks of punctuation OCR put before it go.
            text = _official_case(re.sub(r"^[^\w(]+", "", body), text)
        out.matched += 1
        if tone_key(text) != tone_key(body):
            out.corrected += 1
            out.fuzzy += not exact
        if exact:
            out.certain.update(tone_key(re.sub(r"[^\w\s]", " ", text)).split())
        parts[i] = (part[: organ.end()] if organ else "") + text
        level = unit.children or None
    if not out.matched:
        for part in parts:
            organ = _ORGAN.match(part)
            out.doubtful += _rare_marks(part[organ.end() :] if organ else part)
    out.value = ", ".join(parts)
    return out
