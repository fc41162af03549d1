"""Lines that do not read as Vietnamese, read again from the plain page.

Cleanup can break one line of a page it otherwise reads well. On a black-and-white scan the
organ's seal is as dark as the print, so neither the red nor the grey seal test finds it (no
signature zone is kept for a second reading, see :mod:`digitize.zonereading`); cleanup erases
its ring as a mark too big to be a letter, and the letters the ring touches go with it: the
signer "Trần Ngọc Căng" reads "r nNgọc Căng", where raw Tesseract on the page as scanned reads
the name right. The page's mean confidence stays high, so the whole plain page is not read
(see :mod:`digitize.plainreading`).

Such a line gives itself away by what it reads: a capital inside a word ("nNgọc"), a lone
consonant ("r"), a mark that is no punctuation ("~", "§", "#"), a word that is no Vietnamese
syllable. Those lines, and only those, are cut from the plain page with a margin, stacked with
paper between them into one sheet and read in one Tesseract call: a page whose every line reads
as Vietnamese costs nothing more. Where the whole plain page was read already, its words on the
line's box are the second opinion, at no cost.

The two readings of a doubtful line are aligned word by word on their letters, and each piece
where they differ keeps the reading with more well-formed words (syllables and numbers read
surely), else fewer ill-formed ones; a reading with fewer well-formed words or more of the
others never replaces it, a number is never changed, and a word the cleaned page read as a
syllable keeps its marks. So "r nNgọc Căng" becomes "Trần Ngọc Căng" while the words of a
line that were right stay as they were: replaced whole, lines of the development scans lost
marks as often as they gained them.

Development scans (17 files, 43 pages): 26 of the 34 pages read once got the extra call (0.1-0.5
s each: the sheet holds a few strips), 75 lines were read again and 41 mended, about twenty
words put right against one made worse, by eye; the printed lines' error rate went from 0.0121
to 0.0112 and the one file that read worse than raw Tesseract (a signer's name under a black
seal) no longer does. A drawn clean scan has no doubtful line and costs nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from digitize import tesseract
from digitize.cleanup.zones import Zone
from digitize.lm.syllables import is_syllable, letters, vietnamese_letters
from digitize.models import Word
from digitize.text import letters as text_letters
from digitize.text import lines_of, on_line, print_height, renumbered, spliced, split_line

log = logging.getLogger(__name__)

PUNCTUATION = ".,;:!?…-–—/()[]{}\"'“”‘’«»*+%&=<>"
"""Marks that print uses around and inside words: a word made of these and letters or digits is
judged by its letters; any other mark ("~", "§", "#", "|", "¡", "`") is no print of a
Vietnamese document and is what cleanup's debris and a broken letter read as."""

_PARTS = re.compile("[" + re.escape(PUNCTUATION) + "]+")

ODD_KINDS = frozenset({"symbol", "mixed", "stray", "foreign"})
"""What a word that is not Vietnamese print is: a mark that is no punctuation, a capital
inside a word, a lone letter that is no word, lower-case letters that make no syllable (a
capitalised one is a name or a word taken in, "Krông", "Covid", and counts as plain)."""

GOOD_KINDS = frozenset({"syllable", "number"})

SYMBOL_NUMBER_LETTERS = 3
"""A word with digits is a number (the slot reader's, however broken: "3|" may be a
handwritten 31) unless it also holds a mark no print uses and this many letters: then it is
what Tesseract makes of two lines of print read as one ("S<u2ngÙ#4eSx212.404938u" for an
italic "ngày 23 tháng 01 năm 2022" beside a line of the card)."""

SURE = 0.6
"""A syllable or number counts as well formed when read at this confidence or more: noise on a
phone photo reads as short real syllables ("xa", "u", "đụ") at 0.0-0.4, print at 0.8-0.97."""

PAD_Y = 0.35
"""A line's strip reaches this many line heights above and below its words (as the signature
zones' strips do): room for tone marks, little of the next line."""

PAD_X = 1.2
"""... and this many line heights left and right of them: the letters cleanup erased at the
line's ends ("T" of "Trần" under a seal's ring) lie there."""


TALL_WORD = 1.5
"""A word this many times taller than its line's median word is debris, not print: its box does
not bound the line (a card's expiry beside the photo read ">e@blbMe", twice a line high)."""

RUN_TOGETHER = 1.6
"""A line segment whose words stand this many times taller than the page's print, and read as
nothing well formed, is two lines run together: Tesseract joined a signer's title lines, set
close beside a recipients' list, into one line of tall boxes and read "TT nng vn, VN" for
"KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG". Its box is read again as a block of lines."""

ON_LINE = 0.5
"""A word of the strip's reading belongs to the line when it shares this share of its height
with the line's words; the rest is the neighbouring lines' edges caught in the margin."""


ENGLISH_ZIPF = 3.0
"""How common an English word must be (Zipf scale of ``wordfreq``'s English list: 3 is once
per million words) to count as a card's gloss: "expiry" is 3.0, "date" 5.2, and the letters
OCR makes of noise ("tbe", "sss", "mnonth") are rarer or absent."""


ENGLISH_SHORT_ZIPF = 6.0
"""... and a word of two letters, which noise makes far more often ("ll", "tt" are 3.6-4.7):
"of" (7.4) and "is" are."""


@lru_cache(maxsize=4096)
def english_word(part: str) -> bool:
    """Whether ``part`` (lower case, two letters or more, no syllable) is a common English
    word: the English half of a bilingual card's labels ("Date of birth", "Place of
    residence"), which is print, not misread letters. Without ``wordfreq`` installed, none."""
    if len(part) < 2 or not part.islower():
        return False
    try:
        import wordfreq
    except ImportError:
        return False
    need = ENGLISH_ZIPF if len(part) > 2 else ENGLISH_SHORT_ZIPF
    return wordfreq.zipf_frequency(part, "en", wordlist="large") >= need


def word_kinds(text: str) -> list[str]:
    """What each part of one read word is: ``syllable``, ``number``, ``plain`` (an acronym, a
    list marker, a piece of an abbreviation such as "V/v" or "b/c"), or one of
    :data:`ODD_KINDS`. A word of punctuation alone has no parts."""
    t = unicodedata.normalize("NFC", text)
    digits = sum(c.isdigit() for c in t)
    if digits:
        symbols = sum(not (c.isalnum() or c in PUNCTUATION) for c in t)
        if symbols and sum(c.isalpha() for c in t) >= SYMBOL_NUMBER_LETTERS:
            # Digits, letters and marks no print uses together ("S<u2ngÙ#4eSx212.404938u"):
            # two lines of print run together into one word, not a number.
            return ["symbol"]
        # "3|" may be a handwritten 31: numbers are the slot reader's, never odd. One digit
        # among letters ("H4", "T0") is how noise reads, so it is no well-formed number.
        return ["number" if digits > 1 or t.strip(PUNCTUATION).isdigit() else "plain"]
    if any(not (c.isalnum() or c in PUNCTUATION) for c in t) or not vietnamese_letters(t):
        return ["symbol"]
    core = t.strip(PUNCTUATION)
    if not core:
        return []
    parts = [p for p in _PARTS.split(core) if p]
    out = []
    for part in parts:
        if any(a.islower() and b.isupper() for a, b in zip(part, part[1:], strict=False)):
            out.append("mixed")
        elif is_syllable(part):
            out.append("syllable")
        elif len(parts) > 1 or (len(part) > 1 and part.isupper()):
            out.append("plain")  # "V/v", "b/cáo", "P.15", "UBND", "TTHC"
        elif len(part) == 1:
            out.append("plain" if t.endswith((")", ".")) else "stray")  # "a)", "b." lists
        elif part[0].isupper():
            out.append("plain")  # a name or a word taken in: "Krông", "Covid", "Website"
        elif english_word(part):
            out.append("plain")  # a bilingual card's gloss: "Date of expiry", "birth"
        else:
            out.append("foreign")  # "tr", "qia", "fiêu": what misread letters make
    return out


@dataclass(frozen=True)
class Verdict:
    """How one reading of a line, or of a piece of one, reads: its well-formed words
    (syllables and numbers read at :data:`SURE` confidence or more), the rest (ill-formed
    words, acronyms, pieces of abbreviations, anything read unsurely: noise also reads as
    capitals, "IV", "KƯUU"), and the ill-formed among those (see :data:`ODD_KINDS`)."""

    good: int
    rest: int
    odd: int

    def beats(self, other: Verdict) -> bool:
        """Whether this reading replaces ``other``: never fewer well-formed words, nor more of
        the rest or of the ill-formed, nor as many ill-formed ones ("¡" is not traded for
        "đôi NưUx"); and more of the first or fewer of the others.

        Readings that count alike are left as the cleaned page read them: choosing between
        well-formed spellings on confidence changed right marks as often as wrong ones on the
        development scans ("thời" read "thòi", "nhiều" read "nhiêu"); the syllable model
        settles marks (see :mod:`digitize.diacritics`). Nor does confidence tell a mended
        word from noise: the plain page read "triệu" for "#riệu" at 0.0 and "vị" for "vỊ" at
        0.35, and a phone photo's noise at 0.03-0.31."""
        if self.good < other.good or self.rest > other.rest or self.odd > other.odd:
            return False
        if self.odd and self.odd == other.odd:
            return False
        return self.good > other.good or self.rest < other.rest or self.odd < other.odd


def verdict(words: list[Word]) -> Verdict:
    good = rest = odd = 0
    for w in words:
        kinds = word_kinds(w.text)
        sure = sum(k in GOOD_KINDS for k in kinds) if w.conf >= SURE else 0
        good += sure
        rest += len(kinds) - sure
        odd += sum(k in ODD_KINDS for k in kinds)
    return Verdict(good, rest, odd)


def numbers(words: list[Word]) -> list[str]:
    """The runs of digits a reading holds, in order."""
    return [n for w in words for n in re.findall(r"\d+", w.text)]


def keeps_numbers(new: list[Word], old: list[Word]) -> bool:
    """Whether ``new`` reads every number ``old`` read, in the same order: a second reading
    never changes a number (a handwritten day read "3|" is the slot reader's to settle, and
    the plain page read it "34"), unless it reads a printed date whole where ``old`` read its
    digits broken (see :func:`mends_date`)."""
    it = iter(numbers(new))
    return all(n in it for n in numbers(old)) or mends_date(new, old)


_PRINTED_DATE = re.compile(r"(0[1-9]|[12]\d|3[01])/(0[1-9]|1[0-2])/((?:19|20)\d{2})")

DATE_DIGITS_ALIKE = 0.75
"""How alike (difflib's ratio) the digits of a broken reading and of the whole date must be
for the date to replace them: "071081202" (slashes read as "1", a digit lost) against
"07082042" is 0.82; a different number is far less alike."""


def mends_date(new: list[Word], old: list[Word]) -> bool:
    """Whether ``new`` reads one printed date ``dd/mm/yyyy`` whole, as one word, where ``old``
    has no such date and its digits are that date's, broken: slashes read as digits, a digit
    lost ("071081202" for "07/08/2042", a card's small print beside its photo). A date printed
    is read whole or not at all; a handwritten day stands alone and is never one."""
    dates = [m for w in new if (m := _PRINTED_DATE.fullmatch(w.text.strip(".,;:")))]
    if len(dates) != 1 or any(_PRINTED_DATE.search(w.text) for w in old):
        return False
    broken = "".join(numbers(old))
    whole = "".join(dates[0].groups())
    return bool(broken) and SequenceMatcher(None, broken, whole).ratio() >= DATE_DIGITS_ALIKE


def doubtful(line: list[Word], *, free: bool = False) -> bool:
    """Whether a line reads as something other than Vietnamese print, and has something to
    save: a line with no well-formed word at all is a speck's or a stroke's reading ("`",
    "h", "=*#=—"), which the plain page reads as other debris. Where the second opinion is
    ``free`` (the other reading of a page read whole twice), every line with an ill-formed
    word gets it: a card's small print beside its portrait read as "ĐGG di exily" where the
    other reading has "Date of expiry"."""
    v = verdict(line)
    if free and any(_unsure_syllable(w) for w in line):
        # Free, a syllable read unsurely is worth its other reading too: a phone snapshot's
        # "HỘI CHỦ" read "Áo" at 0.32 on one page and surely on the other.
        return True
    if not v.odd:
        return False
    if free:
        return True
    # A card's English half ("mucweorucrec Freedom - Happiness") has no Vietnamese syllable
    # to save, but words read surely that a speck's reading never has.
    return v.good > 0 or any(_sure_word(w) for w in line)


def _unsure_syllable(w: Word) -> bool:
    """A word read as a syllable or a number, but under :data:`SURE` confidence."""
    return w.conf < SURE and _formed(w.text)


def _formed(text: str) -> bool:
    """Whether ``text`` reads as syllables and numbers only, however surely."""
    kinds = word_kinds(text)
    return bool(kinds) and all(k in GOOD_KINDS for k in kinds)


SURE_WORD_LETTERS = 4
"""Letters of a word that is no syllable (an English gloss, a name) for it to show, read
surely and well formed, that its line is print worth a second reading."""


def _sure_word(w: Word) -> bool:
    return print_like(w, SURE) and text_letters(w.text) >= SURE_WORD_LETTERS


def print_like(w: Word, conf: float) -> bool:
    """Whether ``w``, read at ``conf`` or more, reads as print: something, nothing ill formed."""
    kinds = word_kinds(w.text)
    return w.conf >= conf and bool(kinds) and not any(k in ODD_KINDS for k in kinds)


@dataclass(frozen=True)
class LineBox:
    """A doubtful line: its words' indexes in the page's reading and the box its second
    reading is cut from (OCR-image pixels, clipped to the page)."""

    ids: tuple[int, ...]
    left: int
    right: int
    top: int
    bottom: int
    x0: int
    y0: int
    x1: int
    y1: int
    run_together: bool = False
    """The box holds lines run together (see :data:`RUN_TOGETHER`): its second reading keeps
    its own lines."""


def doubtful_lines(
    words: list[Word], width: int, height: int, zones: Sequence[Zone] = (), *, free: bool = False
) -> list[LineBox]:
    """The page's lines that do not read as Vietnamese, with their strips' boxes. A line that
    runs across columns (Tesseract joins a recipients' list and a signer's block on one row)
    is judged and read a column at a time: a strip across both catches the seal between.

    Lines that reach into a signature zone are left to its own reading (see
    :mod:`digitize.zonereading`): the plain page still shows the seal that cleanup took out."""
    index = {id(w): i for i, w in enumerate(words)}
    out = []
    print_h = print_height(words)
    taken: set[int] = set()
    for line in (seg for ln in lines_of(words) for seg in split_line(ln, width)):
        together = run_together(line, print_h)
        if not (together or doubtful(line, free=free)) or index[id(line[0])] in taken:
            continue
        if together:
            line = _with_debris_inside(words, line)
        ids = tuple(sorted(index[id(w)] for w in line))
        taken.update(ids)
        top, bottom = min(w.top for w in line), max(w.bottom for w in line)
        h = statistics.median(w.height for w in line)
        left, right = min(w.left for w in line), max(w.right for w in line)
        x0, x1 = max(0, int(left - PAD_X * h)), min(width, int(right + PAD_X * h))
        y0, y1 = max(0, int(top - PAD_Y * h)), min(height, int(bottom + PAD_Y * h))
        if x1 - x0 < 8 or y1 - y0 < 8 or any(_meets(z, left, top, right, bottom) for z in zones):
            continue
        out.append(LineBox(ids, left, right, top, bottom, x0, y0, x1, y1, together))
    return out


def run_together(line: list[Word], print_h: float) -> bool:
    """Whether a line segment is lines run together (see :data:`RUN_TOGETHER`)."""
    if not print_h or sum(text_letters(w.text) for w in line) < 3:
        return False
    tall = statistics.median(w.height for w in line) >= RUN_TOGETHER * print_h
    return tall and verdict(line).good == 0


def _with_debris_inside(words: list[Word], line: list[Word]) -> list[Word]:
    """``line`` with the words of other lines that lie inside its box and read as nothing
    well formed (the top of the run-together lines, read as a line of its own: "£ V")."""
    left, right = min(w.left for w in line), max(w.right for w in line)
    top, bottom = min(w.top for w in line), max(w.bottom for w in line)
    mine = {id(w) for w in line}
    extra = [
        w
        for w in words
        if id(w) not in mine
        and left <= w.left + w.width / 2 < right
        and top <= w.top + w.height / 2 < bottom
        and verdict([w]).good == 0
    ]
    return line + extra


def _meets(zone: Zone, left: int, top: int, right: int, bottom: int) -> bool:
    zh, zw = zone.image.shape[:2]
    return left < zone.x + zw and zone.x < right and top < zone.y + zh and zone.y < bottom


def read_strips(
    plain: np.ndarray, boxes: list[LineBox], *, lang: str, dpi: float, timeout: float, what: str
) -> list[list[Word]]:
    """Every box's strip of ``plain``, stacked into one sheet and read in one call: one word
    list per box, in OCR-image pixels."""
    strips = [plain[b.y0 : b.y1, b.x0 : b.x1] for b in boxes]
    read = tesseract.recognize_strips(strips, lang=lang, dpi=dpi, timeout=timeout, what=what)
    return [
        [dataclasses.replace(w, left=w.left + b.x0, top=w.top + b.y0) for w in on_strip]
        for b, on_strip in zip(boxes, read, strict=True)
    ]


def words_on(other: list[Word], box: LineBox) -> list[Word]:
    """The words of another reading of the page that lie in ``box``."""
    return [
        w
        for w in other
        if box.x0 <= w.left + w.width / 2 < box.x1 and box.y0 <= w.top + w.height / 2 < box.y1
    ]


def merged(old: list[Word], new: list[Word]) -> list[Word] | None:
    """The line ``old`` with the pieces that ``new`` reads better put in, else ``None``.

    The two readings are aligned on their words' letters (case and marks aside), and each
    piece where they differ, or agree only in letters, keeps the better of its two readings
    (see :meth:`Verdict.beats`, and a piece never changes a number, see
    :func:`keeps_numbers`). So the plain page mends what cleanup broke ("r nNgọc" becomes
    "Trần Ngọc") and leaves alone the words the cleaned page read well: replaced whole, lines
    lost as many marks as they gained on the development scans ("đầy" read "đây")."""
    a, b = [_key(w.text) for w in old], [_key(w.text) for w in new]
    out: list[Word] = []
    changed = False
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            # The same letters: only an ill-formed word ("vỊ", "nghiệpÐ") is put right; a
            # syllable keeps the cleaned page's marks, however unsurely read.
            pieces = [([o], [n]) for o, n in zip(old[i1:i2], new[j1:j2], strict=True)]
        else:
            pieces = [(old[i1:i2], new[j1:j2])]
        for mine, theirs in pieces:
            if _better(theirs, mine):
                out.extend(_no_surer(theirs, mine))
                changed = True
            else:
                out.extend(mine)
    return out if changed else None


def _no_surer(theirs: list[Word], mine: list[Word]) -> list[Word]:
    """``theirs``, put for ``mine``, no surer than ``mine`` read when that was well formed,
    only unsure: two readings disagree and neither vouches for its words. A card's colour
    "Đỏ" read at 0.5 lost to "po" read surely on the plain page, which went out unflagged;
    words put for ill-formed ones ("r nNgọc" for "Trần Ngọc") keep their own confidence."""
    if not mine or verdict(mine).odd:
        return theirs
    cap = max(w.conf for w in mine)
    return [w if w.conf <= cap else dataclasses.replace(w, conf=cap) for w in theirs]


def _better(new: list[Word], old: list[Word]) -> bool:
    if [w.text for w in new] == [w.text for w in old]:
        return False
    same_letters = len(old) == len(new) == 1 and _key(old[0].text) == _key(new[0].text)
    if same_letters and not any(k in ODD_KINDS for k in word_kinds(old[0].text)):
        return False
    return keeps_numbers(new, old) and verdict(new).beats(verdict(old))


def _key(text: str) -> str:
    """A word's letters and digits, lower case, marks off (đ kept)."""
    return "".join(c for c in letters(text) if c.isalnum())


def settle(
    words: list[Word], boxes: list[LineBox], readings: list[list[Word]], what: str
) -> tuple[list[Word], int]:
    """``words`` with each doubtful line mended from its second reading where that reads
    better (see :func:`merged`), and how many lines were."""
    replace: dict[int, list[Word]] = {}
    gone: set[int] = set()
    for box, read in zip(boxes, readings, strict=True):
        line = [words[i] for i in box.ids]
        mine = set(box.ids)
        rest = [w for j, w in enumerate(words) if j not in mine]
        # The line's band leaves out a word far taller than the line's (a broken word read as
        # one tall speck), which would take in the next line's words too.
        tall = TALL_WORD * statistics.median(w.height for w in line)
        core = [w for w in line if w.height <= tall] or line
        top, bottom = min(w.top for w in core), max(w.bottom for w in core)
        new = [
            w
            for w in read
            if w.text.strip()
            and on_line(w, top, bottom, ON_LINE)
            and not any(_inside(w, o) for o in rest)
            and (box.left <= w.left + w.width / 2 < box.right or _well_formed(w))
        ]
        if box.run_together:
            mended = _lines_apart(line, new, block=max(w.block for w in words) + 1 + len(replace))
        else:
            mended = merged(line, sorted(new, key=lambda w: w.left))
        if mended is None:
            continue
        first = line[0]
        replace[box.ids[0]] = [  # the line's first word, as the ids are sorted
            w
            if box.run_together
            else dataclasses.replace(w, block=first.block, par=first.par, line=first.line)
            for w in mended
        ]
        gone.update(box.ids)
        log.debug("%s: a line mended from the plain page (%d words)", what, len(mended))
    if not replace:
        return words, 0
    return spliced(words, replace, gone), len(replace)


def _lines_apart(old: list[Word], new: list[Word], *, block: int) -> list[Word] | None:
    """The second reading of lines run together, a line each in a block of its own, when it
    reads better than ``old`` (see :meth:`Verdict.beats`) and keeps its numbers; else
    ``None``."""
    if not new or not keeps_numbers(new, old) or not verdict(new).beats(verdict(old)):
        return None
    return renumbered(new, block)


LOST_LINE_GOOD = 2
"""A line of the other whole reading is added to the kept one, where the kept one has no word
at all, when it has this many well-formed words and nothing ill formed: the plain page of a
small web image kept for reading better overall had lost the signer's name under the seal
that the cleaned page read whole ("Hoàng Tuấn")."""


LONE_NUMBER_CHARS = 6
"""A row found from the ink (see :mod:`digitize.unreadrows`) that reads as one number alone,
read surely, joins the page when the number is this long: a card's expiry date printed on a
line of its own under the portrait ("30/10/2039")."""

WEAK_CONF = 0.3
"""A kept word read below this confidence and :data:`TALL_WORD` times taller than the page's
print is no reading of the ink under it but debris over rows of print: a row found there (see
:mod:`digitize.unreadrows`) takes its place (a card's two expiry lines under the portrait,
read as one "San" two lines tall at 0.13). A word of print height keeps its place however
unsurely read: Tesseract gives a right notation "30/2020/NĐ-CP" 0.0 now and then."""


def debris_over_rows(w: Word, print_h: float) -> bool:
    """Whether ``w`` is debris read over rows of print (see :data:`WEAK_CONF`)."""
    return w.conf < WEAK_CONF and print_h > 0 and w.height > TALL_WORD * print_h


def add_lost_lines(
    kept: list[Word], other: list[Word], width: int, *, found_rows: bool = False
) -> tuple[list[Word], int]:
    """``kept`` (a whole page's reading) with the lines ``other`` read well where ``kept``
    read nothing, each put before the first kept word below its top; and how many were.

    ``found_rows``: ``other`` are rows found from the ink that no sure word covers. A row
    reading as one long number alone counts (see :data:`LONE_NUMBER_CHARS`), and kept debris
    over it (see :func:`debris_over_rows`) gives way to it."""
    block = max((w.block for w in kept), default=0) + 1
    print_h = print_height(kept)
    insert: dict[int, list[Word]] = {}
    gone: set[int] = set()
    added = 0
    for seg in (s for line in lines_of(other) for s in split_line(line, width)):
        v = verdict(seg)
        lone = found_rows and len(seg) == 1 and v.good == 1 and _long_number(seg[0])
        if not lone and (v.good < LOST_LINE_GOOD or v.odd or v.rest > v.good // 2):
            continue
        left, right = min(w.left for w in seg), max(w.right for w in seg)
        top, bottom = min(w.top for w in seg), max(w.bottom for w in seg)
        under = [
            i
            for i, w in enumerate(kept)
            if w.left < right and left < w.right and w.top < bottom and top < w.bottom
        ]
        if any(not found_rows or not debris_over_rows(kept[i], print_h) for i in under):
            continue
        gone.update(under)
        at = next((i for i, w in enumerate(kept) if w.top > top), len(kept))
        insert.setdefault(at, []).extend(renumbered(seg, block))
        block += 1
        added += 1
    return (spliced(kept, insert, gone), added) if added else (kept, 0)


def _long_number(w: Word) -> bool:
    return word_kinds(w.text) == ["number"] and len(w.text.strip(".,;:")) >= LONE_NUMBER_CHARS


def _well_formed(w: Word) -> bool:
    """Whether ``w`` is a sure syllable or number: the margin beyond the line's words gives
    back the letters cleanup erased there, and otherwise only specks and seal strokes."""
    return w.conf >= SURE and _formed(w.text)


def _inside(w: Word, other: Word) -> bool:
    """Whether ``w``'s centre lies in ``other``'s box: a word of another line."""
    cx, cy = w.left + w.width / 2, w.top + w.height / 2
    return other.left <= cx < other.right and other.top <= cy < other.bottom


CODE_DIGITS = 2
"""Digits a word must hold to be a number, a date or a code whose two readings are compared
(see :func:`disputed_codes`)."""


def disputed_codes(kept: list[Word], other: list[Word], conf: float) -> tuple[list[Word], int]:
    """``kept`` (a page read whole twice) with each number, date or code whose other reading
    gives other letters or digits at its place made unsure (at most ``conf``), and how many.

    A vehicle card's engine number "G4FBLK931074" read "G4FBLK931974", its chassis number's
    "4" read "A", at full confidence, are values a desk copies: where the cleaned and the plain
    page read a code differently, neither is sure, and the value goes to a clerk
    (``ocr_unsure``). The other reading's words whose centres lie on the word's box are its
    reading there (a code read in two pieces counts whole); where it has none, nothing is
    said."""
    out = list(kept)
    n = 0
    for i, w in enumerate(kept):
        if w.conf <= conf or sum(c.isdigit() for c in w.text) < CODE_DIGITS:
            continue
        pad = 0.2 * w.height
        theirs = sorted(
            (
                o
                for o in other
                if w.left - pad <= o.left + o.width / 2 < w.right + pad
                and w.top <= o.top + o.height / 2 < w.bottom
            ),
            key=lambda o: o.left,
        )
        if not theirs:
            continue
        if _code_key(w.text) != _code_key("".join(o.text for o in theirs)):
            out[i] = dataclasses.replace(w, conf=conf)
            n += 1
    return out, n


def _code_key(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", text).upper() if c.isalnum())
