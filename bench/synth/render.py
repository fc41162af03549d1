"""Synthetic pages of Vietnamese administrative documents, with their truth.

Real dossiers cannot be shared, so benchmarks and tests run on generated pages whose every
word, box and field value is known. `render_document` draws one page (or card) of a type and
returns the image with the normalized fields exactly as record.json should carry them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image

from . import cards, certs, civil, decree30, forms
from .blocks import Style
from .canvas import Canvas, Op, Word, pick_family

#: Contract document type codes, in the order of docs/domain.md.
DOC_TYPES: tuple[str, ...] = (
    "citizen_id",
    "birth_certificate",
    "application",
    "declaration",
    "decision",
    "official_letter",
    "business_registration",
    "marital_status",
    "marriage_certificate",
    "land_use_certificate",
    "driving_license",
    "residence_confirmation",
    "household_book",
)
#: Pages that are not administrative documents; their truth type is "unknown".
NEGATIVE_KINDS: tuple[str, ...] = ("blank", "unrelated")
KINDS: tuple[str, ...] = DOC_TYPES + NEGATIVE_KINDS

Renderer = Callable[[Canvas, random.Random, Style], dict[str, str]]
_A4: dict[str, Renderer] = {
    "birth_certificate": forms.render_birth_certificate,
    "application": forms.render_application,
    "declaration": lambda c, r, s: forms.render_application(c, r, s, declaration=True),
    "decision": decree30.render_decision,
    "official_letter": decree30.render_official_letter,
    "business_registration": certs.render_business_registration,
    "marital_status": civil.render_marital_status,
    "marriage_certificate": civil.render_marriage_certificate,
    "land_use_certificate": certs.render_land_use_certificate,
    "residence_confirmation": civil.render_residence_confirmation,
    "household_book": certs.render_household_book,
    "blank": certs.render_blank,
    "unrelated": certs.render_unrelated,
}


@dataclass
class SynthPage:
    """A rendered page and everything known about it.

    `doc_type` is the contract code the pipeline should report ("unknown" for negatives);
    `kind` is what was drawn (a contract code, "blank" or "unrelated"). `fields` holds the
    normalized values of contract field names (plus a few type-specific extras such as
    `license_class` or `husband_name`). `lines` are the drawn text lines in drawing order,
    NFC; `words` their words with pixel boxes. Seal and signature ink is not text.
    """

    image: Image.Image
    dpi: int
    doc_type: str
    kind: str
    fields: dict[str, str]
    lines: list[str]
    words: list[Word]
    font_family: str
    ops: list[Op] = field(default_factory=list, repr=False)
    size_mm: tuple[float, float] = (210.0, 297.0)

    @property
    def text(self) -> str:
        """The drawn text, one line per line."""
        return "\n".join(self.lines)


def render_document(
    doc_type: str,
    rng: random.Random,
    dpi: int = 300,
    *,
    variant: str | None = None,
) -> SynthPage:
    """Draws one page of `doc_type` (a contract code, "blank" or "unrelated").

    Deterministic for the state of `rng`. `variant` selects a form where a type has several:
    citizen_id "card" (card-sized image, default 65%) or "copy" (A4 photocopy of front and
    back); birth_certificate "original" or "extract" (TRÍCH LỤC KHAI SINH). The person drawn
    does not depend on the variant, so two calls with equally seeded generators give two
    pages about the same person.
    """
    if doc_type not in KINDS:
        raise ValueError(f"unknown document type {doc_type!r}; expected one of {KINDS}")
    family = pick_family(rng)
    style = Style.random(rng)
    truth_type = "unknown" if doc_type in NEGATIVE_KINDS else doc_type
    if doc_type in ("citizen_id", "driving_license"):
        on_page = rng.random() < 0.35 if variant is None else variant == "copy"
        if doc_type == "citizen_id":
            canvas, fields = cards.render_citizen_id(rng, dpi, on_page)
        else:
            canvas = cards.Canvas(cards.CARD_W, cards.CARD_H, dpi)
            fields = cards.render_driving_license(canvas, rng, cards.nm.random_person(rng))
        family = "Liberation Sans"
    else:
        canvas = Canvas(210.0, 297.0, dpi, family)
        if doc_type == "birth_certificate":
            extract = rng.random() < 0.3 if variant is None else variant == "extract"
            fields = forms.render_birth_certificate(canvas, rng, style, extract)
        else:
            fields = _A4[doc_type](canvas, rng, style)
    return SynthPage(
        image=canvas.image,
        dpi=dpi,
        doc_type=truth_type,
        kind=doc_type,
        fields=fields,
        lines=canvas.lines,
        words=canvas.words,
        font_family=family,
        ops=canvas.ops,
        size_mm=(canvas.width_mm, canvas.height_mm),
    )


def render_random(rng: random.Random, dpi: int = 300, negatives: float = 0.1) -> SynthPage:
    """A page of a random kind: every contract type equally, negatives with `negatives`."""
    if rng.random() < negatives:
        return render_document(rng.choice(NEGATIVE_KINDS), rng, dpi)
    return render_document(rng.choice(DOC_TYPES), rng, dpi)
