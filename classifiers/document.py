"""Which page of a scanned file does what: type and fields belong to the document, not a page.

A Decree 30 document prints its header (organ, number, date, kind title, subject) on its first
page and its signature block (``TM.``/``KT.``/``TL.``/``Q.`` lines, the position, the seal, the
signer's name) on its last text page; pages between are continuations. A scan may end with a
blank or show-through page (not the signed one), and a file may carry an attached document
after the signed one (a draft resolution with its own national title, ``DỰ THẢO``, a blank
number): that attachment lends the document none of its fields.

Roles:

``header``
    the first page with the national title (the first page when none has it);
``continuation``
    a page of the document between the header and the signed page;
``signed``
    the last page of the document with a signature block (the header page of a one-page
    document);
``blank``
    a page with almost no confidently read letters (a back side, show-through);
``attachment``
    a later page that starts a document of its own, and every page after it;
``cover``
    a page with text before the header page (a routing slip, a fax cover).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifiers.header import has_national_title, is_draft
from classifiers.lines import Line
from classifiers.vntext import fold

BLANK_LETTERS = 60
"""A page with fewer confidently read letters than this holds no text of its own."""

_AUTHORITY = re.compile(r"^\W{0,3}(tm|kt|tl|tuq|q)\s+\S")
"""Signing-authority lines: ``TM. ỦY BAN NHÂN DÂN``, ``KT. CHỦ TỊCH``, ``TL. BỘ TRƯỞNG``..."""

POSITIONS = (
    "chu tich",
    "pho chu tich",
    "giam doc",
    "pho giam doc",
    "bo truong",
    "thu truong",
    "thu tuong",
    "pho thu tuong",
    "cuc truong",
    "pho cuc truong",
    "chanh van phong",
    "pho chanh van phong",
    "hieu truong",
    "pho hieu truong",
    "truong ban",
    "pho truong ban",
    "truong phong",
    "pho truong phong",
    "tong cuc truong",
    "chi cuc truong",
    "chanh an",
    "vien truong",
    "truong khoa",
)
"""Positions printed alone in capitals above a signature (folded)."""


@dataclass(frozen=True)
class DocumentPages:
    """The pages of the document a file holds, by role."""

    header: int
    pages: tuple[int, ...]
    """The document's own pages, header to the last before any attachment."""
    signed: int | None
    """The last page with a signature block (when none was read, the last page with text),
    or ``None`` when every page is blank."""
    roles: dict[int, str]

    def lines(self, lines: list[Line]) -> list[Line]:
        """The lines of the document's own pages (attachments left out)."""
        keep = set(self.pages)
        return [ln for ln in lines if ln.page in keep]


def _letters(lines: list[Line]) -> int:
    return sum(sum(c.isalpha() for c in w.text) for ln in lines for w in ln.words if w.conf >= 0.6)


def signature_block(page_lines: list[Line]) -> bool:
    """Whether a page holds a signature block: a signing-authority line, or a position alone,
    in capitals in the right half of the page."""
    for ln in page_lines:
        if ln.x < 0.5 or not ln.text.isupper():
            continue
        key = fold(ln.text).strip()
        if _AUTHORITY.match(key) or key in POSITIONS:
            return True
    return False


def first_signed(lines: list[Line]) -> int | None:
    """The page a certificate is signed on, when it is not its first: the first page with a
    signature block. A certificate's later pages are its own too (a land-use certificate's
    plan of the parcel, and its page of changes registered since, each confirmation with a
    date and a signature of its own: the certificate's date and signer are the first ones)."""
    pages = sorted({ln.page for ln in lines})
    for p in pages[1:]:
        if signature_block([ln for ln in lines if ln.page == p]):
            first = [ln for ln in lines if ln.page == pages[0]]
            return None if signature_block(first) else p
    return None


def page_roles(lines: list[Line]) -> DocumentPages:
    """The roles of the pages ``lines`` come from (see the module docstring)."""
    pages = sorted({ln.page for ln in lines})
    if not pages:
        return DocumentPages(0, (), None, {})
    by_page = {p: [ln for ln in lines if ln.page == p] for p in pages}
    header = next((p for p in pages if has_national_title(lines, p)), pages[0])
    own: list[int] = []
    roles: dict[int, str] = {}
    attached = False
    for p in pages:
        if p < header:
            roles[p] = "blank" if _letters(by_page[p]) < BLANK_LETTERS else "cover"
            continue
        if p > header and (attached or has_national_title(lines, p) or is_draft(lines, p)):
            attached = True
            roles[p] = "attachment"
            continue
        own.append(p)
        roles[p] = "blank" if _letters(by_page[p]) < BLANK_LETTERS else "continuation"
    roles[header] = "header"
    signed = next((p for p in reversed(own) if signature_block(by_page[p])), None)
    if signed is None:
        # No block was read (a seal over it): the last page with text of its own.
        signed = next((p for p in reversed(own) if roles[p] != "blank"), None)
    if signed is not None and signed != header:
        roles[signed] = "signed"
    return DocumentPages(header, tuple(own), signed, roles)
