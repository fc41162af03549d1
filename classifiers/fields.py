"""Field values read next to their printed labels, using the words' boxes.

A value is the words to the right of its label up to the next label on the line, with dot
leaders ("Họ và tên: Bùi Quang Hải ..........") and whatever OCR made of them cut off. When
nothing follows the label (card layouts, section headings) the value is the line below it.
Addresses and other text continue over wrapped lines: a line just below, starting at the same
left edge, that is not itself a label line. Each value is normalized and checked for its
kind (``validators.validate``) and rated by the one policy (``policy.rated``), which says
why a clerk should look. Words that another source confirms (the official list of places,
the phrases of administrative Vietnamese) no longer count, and are respelled when only their
marks were misread.
"""

from __future__ import annotations

import re

from classifiers.catalogue import Catalogue, DocType, FieldSpec
from classifiers.labels import (
    SHORT_LABEL,
    Hit,
    find_hits,
    label_specs,
    looks_like_label_line,
    starts_with_label,
)
from classifiers.lines import Line, below
from classifiers.phrases import check_phrases
from classifiers.places import check_place
from classifiers.policy import UNLABELLED_FACTOR, rated
from classifiers.review import Effect, FieldValue, Flag
from classifiers.sections import Section, sections
from classifiers.validators import PLACE_DATE, normalize, numbered_key, validate
from classifiers.vntext import fold
from digitize.models import Word

WRAPPING_KINDS = frozenset({"address", "text", "organ", "company"})
MAX_WRAPS = 3

_LEADER_CHARS = ".…·_-—–:,'\"`~°•"


def check_text(
    value: str,
    kind: str,
    raw: str | None = None,
    words: tuple[Word, ...] | list[Word] = (),
    length: int = 0,
) -> tuple[str, list[Flag], set[str]]:
    """An address, organ name or other free text checked against the list of places and the
    administrative phrases, then validated as ``kind``.

    Returns the (respelled) value, its flags (a correction that was a guess included) and the
    word keys that are now certain. ``raw`` is what OCR read, when ``value`` is already
    normalized from it.
    """
    phrases = check_phrases(value)
    place = check_place(phrases.value)
    raw = value if raw is None else raw
    if phrases.corrected or place.corrected or (place.matched and place.value != value):
        fixed, flags = validate(kind, place.value, words, length, raw=raw)
        value = fixed or place.value
    else:
        flags = validate(kind, value, words, length, raw=raw)[1]
    return value, [*flags, *place.flags], phrases.certain | place.certain


def checked_text(value: str, kind: str) -> tuple[str, bool, set[str], bool]:
    """:func:`check_text` as ``(value, ok, certain, guessed)``, for a reader that rates the
    value itself: ``ok`` is "no check failed", ``guessed`` "a clerk should confirm it"."""
    value, flags, certain = check_text(value, kind)
    failed = any(f.effect is Effect.FAILED for f in flags)
    return value, not failed, certain, any(f.effect is not Effect.FAILED for f in flags)


def _is_leader(word: Word) -> bool:
    text = word.text
    return len(text) >= 2 and all(c in _LEADER_CHARS for c in text)


def strip_leaders(words: list[Word]) -> list[Word]:
    """Words before the dot leader; dots glued to the last value word are taken off it."""
    out: list[Word] = []
    for w in words:
        m = re.search(r"[.…·_]{2,}|…", w.text)
        if m:
            head = w.text[: m.start()]
            if re.search(r"\w", head):
                out.append(Word(head, w.left, w.top, w.width, w.height, w.conf))
            break
        if _is_leader(w):
            break
        out.append(w)
    while out and not re.search(r"\w", out[-1].text):
        out.pop()
    return out


def _words_after_dots(words: list[Word]) -> bool:
    """Whether ``strip_leaders`` left out words after its leader: dots inside a value are a
    misread word ("Số 246 =>... Lê" for "Số 246 đường Lê"), and what follows them is lost."""
    kept = strip_leaders(words)
    end = next((i for i, w in enumerate(words) if w not in kept), len(words))
    return any(re.search(r"\w", w.text) and not _is_noise(w) for w in words[end + 1 :])


NOISE_CONF = 0.4


def _is_noise(word: Word) -> bool:
    """A speck at the edge of a value: symbols only, or one or two letters read very unsure."""
    if not re.search(r"\w", word.text):
        return word.text not in "()"
    key = fold(word.text).replace(" ", "")
    return word.conf < NOISE_CONF and len(key) <= 2 and not re.search(r"\d", word.text)


def _house_word(words: list[Word], i: int) -> bool:
    """ "Số" before a house number ("Sõ 120 đường ...", "Sð 12 ...", read unsure): the
    address's first word, not a speck."""
    following = i + 1 < len(words) and words[i + 1].text[:1].isdigit()
    return following and numbered_key(words[i].text) == "so"


def trim_noise(words: list[Word]) -> list[Word]:
    """The value without the specks OCR reads off photos, seals and borders at its ends."""
    start, end = 0, len(words)
    while start < end and _is_noise(words[start]) and not _house_word(words, start):
        start += 1
    while end > start and _is_noise(words[end - 1]):
        end -= 1
    return words[start:end]


def _lost_at_end(line: Line, kept: list[Word]) -> bool:
    """Whether words with letters or digits were cut off the end of ``line`` as specks while
    the value goes on to the next line: inside a value they are a word misread past
    recognition (glare over "Thành" read "i (::Ïì"), and the value lacks it."""
    if not kept:
        return False
    end = kept[-1].right
    return any(w.left >= end and re.search(r"\w", w.text) for w in line.words)


def _has_text(words: list[Word]) -> bool:
    return any(re.search(r"\w", w.text) for w in words)


def _right_of(
    lines: list[Line], hits: dict[int, list[Hit]], hit: Hit
) -> tuple[list[Word], bool, bool]:
    """The words after the label, whether another label cut them short, and whether words
    after dots inside them were left out."""
    line_hits = hits.get(hit.line, [])
    stop = min((h.start for h in line_hits if h.start >= hit.end), default=None)
    words = list(lines[hit.line].words[hit.end : stop])
    words = words[_label_rest(words) :]
    return trim_noise(strip_leaders(words)), stop is not None, _words_after_dots(words)


def _label_rest(words: list[Word]) -> int:
    """How many leading words are the English half of a bilingual card label whose Vietnamese
    half was the label found ("Có giá trị đến" + "/ Date øf exP!Y'"): from a "/" to a colon,
    or, with no colon, up to a digit; a short run of words with neither is all label."""
    if not words or not words[0].text.startswith("/"):
        return 0
    for i, w in enumerate(words[:6]):
        if re.search(r"\d", w.text):
            return i
        if w.text.rstrip().endswith(":"):
            return i + 1
    return len(words) if len(words) <= 6 else 0


def _continuations(
    lines: list[Line], hits: dict[int, list[Hit]], first: int, anchors: tuple[int, ...], upper: bool
) -> tuple[list[int], bool]:
    """Indexes of the wrapped lines that continue a value begun on line ``first``, and whether
    one of them has a twin (see :func:`_twinned`).

    A wrapped line starts back at the left edge of the label (forms, household books) or under
    the value's first word (cards, where labels stand in their own column). Distances are
    measured in the taller of the line's own height and the page's usual one: on a poor copy
    a line of digits and small letters can measure half the height of the text around it.
    """
    out: list[int] = []
    twinned = False
    current = lines[first]
    typical = _typical_height(lines, current.page)
    for _ in range(MAX_WRAPS):
        nxt = None
        h = max(current.height, typical)
        blocked = False
        for cand in _under(lines, current, h):
            kept = trim_noise(list(cand.words))
            if not kept:
                continue  # specks of a border or a photo, not a line of text
            idx = lines.index(cand)
            # Its left edge is its first word's, not a speck's before it (".._ An, Tỉnh").
            if any(abs(kept[0].left - a) <= 2.0 * h for a in anchors) and idx not in out:
                nxt = idx
                break
            if _label_at(cand, hits.get(idx, []), anchors, h):
                # A row that begins in another column carries the next label in the value's
                # column ("Có giá trị đến ... Nơi thường trú: ..."): the value ends above it.
                blocked = True
                break
        if nxt is None or blocked:
            break
        cand = lines[nxt]
        if starts_with_label(hits.get(nxt)) or looks_like_label_line(cand):
            break
        if cand.text.isupper() != upper and len(cand.text) > 12:
            break
        if PLACE_DATE.search(cand.key):
            break
        out.append(nxt)
        twinned = twinned or _twinned(lines, cand)
        current = cand
    return out, twinned


def _label_at(line: Line, hits: list[Hit], anchors: tuple[int, ...], h: float) -> bool:
    """Whether a label of ``line`` starts in the column of ``anchors``."""
    return any(
        abs(line.words[hit.start].left - a) <= 2.0 * h
        for hit in hits
        if hit.start < len(line.words)
        for a in anchors
    )


def _twinned(lines: list[Line], line: Line) -> bool:
    """Whether another line covers much of the same stretch of the same row: Tesseract read
    that row twice, in two overlapping pieces, and which piece holds which words is a guess."""
    for other in lines:
        if other is line or other.page != line.page:
            continue
        rows = min(other.bottom, line.bottom) - max(other.top, line.top)
        across = min(other.right, line.right) - max(other.left, line.left)
        narrower = min(other.right - other.left, line.right - line.left)
        if rows > 0.5 * min(other.height, line.height) and across > 0.3 * narrower > 0:
            return True
    return False


def _under(lines: list[Line], line: Line, h: float) -> list[Line]:
    """Lines just under ``line`` that share some of its width, nearest first.

    "Just under" is a top at most 2.25 text heights below its top, or at most one height
    below its bottom: a long line on a skewed photo spans more than its text height, and
    its top says little about where its last words sit.
    """
    out = [
        c
        for c in lines
        if c.page == line.page
        and c is not line
        and c.top > line.top + 0.6 * h
        and (c.top - line.top <= 2.25 * h or c.top - line.bottom <= h)
        and min(c.right, line.right) > max(c.left, line.left)
    ]
    return sorted(out, key=lambda c: c.top)


def _typical_height(lines: list[Line], page: int) -> float:
    """The median text height of the lines of one page."""
    hs = sorted(ln.height for ln in lines if ln.page == page)
    return hs[len(hs) // 2] if hs else 1.0


def _bilingual_start(line: Line, hit: Hit, spec: FieldSpec) -> int:
    """Where a label starts whose English half alone was found ("vị tường trú / PIace of
    residerice:" for "Nơi thường trú / Place of residence"): as many words before the slash
    as its Vietnamese half has. A card's wrapped value starts back under the label's start."""
    slash = hit.start - 1
    if slash < 1 or line.words[slash].text != "/":
        return hit.start
    for label in spec.labels:
        vi, sep, en = label.partition(" / ")
        if sep and tuple(fold(en).split()) == hit.spec.tokens:
            return max(0, slash - len(vi.split()))
    return hit.start


_HOUSE_NUMBER = re.compile(r"^so\s*\d{1,4}[a-z]?(/\d{1,4})?\s+[a-z]")
"""A line that opens with a house number ("Số 12, ...", "Số 5 ngõ 16 ..."): the value of an
address label above it, not the ID label "Số" with its number."""


def _value_for(
    lines: list[Line], hits: dict[int, list[Hit]], hit: Hit, spec: FieldSpec, under: bool = False
) -> tuple[list[Word], list[Flag]] | None:
    """The value words of one label occurrence and what puts them in doubt: a wrapped line of
    it read twice over, words left out after dots. With ``under``, the value is looked for
    under the label whatever follows it on its line."""
    words, cut, dropped = _right_of(lines, hits, hit)
    line = lines[hit.line]
    from_below = False
    if under or not _has_text(words):
        if not hit.at_start:
            return None  # a label inside a line has its value beside it or none
        label_words = line.words[hit.start : hit.end] or line.words
        left = min(w.left for w in label_words)
        # A value under its label stays in the label's column: another label further along
        # the row (a card's expiry beside its residence) has the lines under it.
        later = [h.start for h in hits.get(hit.line, []) if h.start >= hit.end]
        right = line.words[min(later)].left if later else max(w.right for w in line.words)
        under = [
            c
            for c in below(lines, line, max_pitch=2.6)
            if c.left < right and c.right > left - line.height
        ]
        if not under:
            return None
        idx = lines.index(under[0])
        if starts_with_label(hits.get(idx)) or looks_like_label_line(lines[idx]):
            return None
        words = trim_noise(strip_leaders(list(lines[idx].words)))
        from_below = True
        first, anchors = idx, (lines[idx].left,)
    else:
        start = _bilingual_start(line, hit, spec)
        first, anchors = hit.line, (line.words[max(0, start)].left, words[0].left)
    flags = [Flag("words_after_dots")] if dropped and not from_below else []
    if spec.kind in WRAPPING_KINDS and (from_below or not cut):
        upper = " ".join(w.text for w in words).isupper()
        wraps, twinned = _continuations(lines, hits, first, anchors, upper)
        flags += [Flag("line_read_twice")] if twinned else []
        unsure = bool(wraps) and _lost_at_end(lines[first], words)
        for k, idx in enumerate(wraps):
            # A speck before the wrapped words (".._ An, Tỉnh") is no dot leader ending them.
            more = trim_noise(strip_leaders(trim_noise(list(lines[idx].words))))
            unsure = unsure or (k + 1 < len(wraps) and _lost_at_end(lines[idx], more))
            words += more
        flags += [Flag("ocr_unsure")] if unsure else []
    return (words, flags) if _has_text(words) else None


def _read(
    lines: list[Line], hits: dict[int, list[Hit]], spec: FieldSpec, section: Section | None = None
) -> FieldValue | None:
    if section is None:
        mine = [h for hs in hits.values() for h in hs if h.spec.field == spec.name]
    else:
        # A label the section's fields share ("Ngày, tháng, năm sinh" of either spouse) is
        # found for whichever field first: inside a section it is this field's.
        own = set(spec.folded_labels)
        mine = [
            h
            for hs in hits.values()
            for h in hs
            if h.spec.tokens in own and section.holds(lines, h)
        ]
    if not spec.labels:
        return _unlabelled(lines, spec)
    best: tuple[float, FieldValue] | None = None
    # Reading order, strongest label first: the first good reading of the best label wins.
    for hit in sorted(mine, key=lambda h: (-round(h.similarity, 1), h.line, h.start)):
        got = _value_for(lines, hits, hit, spec)
        if got is None:
            continue
        words, doubts = got
        raw = " ".join(w.text for w in words)
        certain: set[str] = set()
        if spec.kind in WRAPPING_KINDS:
            first = normalize(spec.kind, raw)
            if first.value is None:
                continue
            value, flags, certain = check_text(first.value, spec.kind, raw, words, spec.length)
            flags = [*first.repairs, *flags]
        else:
            value, flags = validate(spec.kind, raw, words, spec.length)
            if value is None and spec.kind == "date" and hit.at_start:
                # What follows the label is no date (the rest of a garbled bilingual label,
                # "Date 9 ®PX-"): a card prints the date under its label too.
                below_it = _value_for(lines, hits, hit, spec, under=True)
                if below_it is not None:
                    words, doubts = below_it
                    raw = " ".join(w.text for w in words)
                    value, flags = validate(spec.kind, raw, words, spec.length)
            if value is None:
                continue
        flags += doubts
        fv = rated(value, spec.kind, words, certain, dict.fromkeys(flags), label=hit.similarity)
        if best is None or (fv.valid and best[1].needs_review and fv.confidence > best[0]):
            best = (fv.confidence, fv)
        if fv.valid:
            break
    return best[1] if best else None


def _unlabelled(lines: list[Line], spec: FieldSpec) -> FieldValue | None:
    """A value printed on a line of its own (a certificate serial such as ``BĐ 123456``)."""
    if spec.kind != "serial":
        return None
    for line in reversed(lines):
        if re.fullmatch(r"[A-ZĐÐ]{2}\s?\d{6,8}", line.text):
            value, flags = validate("serial", line.text, line.words)
            return rated(value, "serial", line.words, flags=flags)
    return None


_OLD_CARD = "chung minh nhan dan"
"""The old identity card's title, folded."""


def _lone_id(lines: list[Line]) -> FieldValue | None:
    """The one personal ID printed on the page when its label was not read.

    On a small or damaged card the label is often garbled while the big ID digits read well. A
    12-digit word with a valid province code and century digit is taken when it is the only
    one on the page (so it cannot be a parent's or a spouse's ID); without its label it always
    goes to a clerk. On the old card (CHỨNG MINH NHÂN DÂN) the ID has 9 digits, printed in red
    after "Số", where a reading of the red print can leave it on a line of its own.
    """
    old_card = any(_OLD_CARD in fold(line.text) for line in lines)
    wanted = re.compile(r"\d{12}|\d{9}" if old_card else r"\d{12}")
    seen: dict[str, Word] = {}
    for line in lines:
        for w in line.words:
            digits = re.sub(r"\W", "", w.text)
            if wanted.fullmatch(digits):
                value, flags = validate("id_number", digits)
                if value and not flags:
                    seen.setdefault(value, w)
    if len(seen) != 1:
        return None
    value, word = next(iter(seen.items()))
    return rated(
        value,
        "id_number",
        (word,),
        flags=[Flag("id_without_label")],
        base=UNLABELLED_FACTOR * word.conf,
        valid=False,
    )


def extract_fields(
    lines: list[Line], t: DocType, catalogue: Catalogue, seen: set[str] | None = None
) -> dict[str, FieldValue]:
    """The fields of type ``t`` read next to their labels.

    ``seen``, when given, receives the names of the fields whose label is printed on the page
    (read or not): a value from elsewhere (the MRZ) for a field with no printed label is
    something the clerk cannot compare with the paper, so it is offered, not trusted.
    """
    specs = label_specs({f.name: f.labels for f in t.fields}, catalogue.stop_labels)
    hits = find_hits(lines, specs)
    for i, line_hits in list(hits.items()):
        if _HOUSE_NUMBER.match(lines[i].key):  # "Số 12, Đồng Xuân": no ID label, an address
            hits[i] = [h for h in line_hits if h.start > 0 or len(h.spec.joined) > SHORT_LABEL]
    if seen is not None:
        seen.update(h.spec.field for hs in hits.values() for h in hs)
    found: dict[str, FieldValue] = {}
    opened = sections(lines, hits, t.fields)
    for spec in t.fields:
        if spec.after and spec.after not in opened:
            continue  # its section's opening label was not read: whose value is unknown
        value = _read(lines, hits, spec, opened.get(spec.after) if spec.after else None)
        if value is None and spec.kind == "id_number":
            value = _lone_id(lines)
        if value is not None:
            found[spec.name] = value
    return found


__all__ = [
    "FieldValue",
    "check_text",
    "checked_text",
    "extract_fields",
    "strip_leaders",
]
