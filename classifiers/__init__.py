"""Document types and fields of Vietnamese one-stop dossiers.

``classify(pages)`` is the one entry point the pipeline uses. Types and their labels come from
the catalogue (data, see ``catalogue.yaml``); confidence is kept honest so that a clerk is never
handed a wrong value that looks certain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from classifiers.catalogue import Catalogue, load
from classifiers.checks import (
    check_letter_notation,
    check_validity,
    confirm_with_mrz,
    cross_check,
    fill_implied,
)
from classifiers.decree30 import read_metadata
from classifiers.doctype import UNKNOWN, TypeGuess, classify_type
from classifiers.document import first_signed, page_roles
from classifiers.fields import extract_fields
from classifiers.idcard import complete_card
from classifiers.lines import Line, page_lines
from classifiers.mrz import read_mrz
from digitize.models import PageResult


@dataclass
class Classification:
    document_type: dict[str, Any]
    fields: dict[str, dict[str, Any]]
    metadata: dict[str, Any] = field(default_factory=dict)


def classify(pages: list[PageResult]) -> Classification:
    """The type and fields of the document the pages hold.

    Type and fields belong to the document, not a page: the header page gives the number,
    date, organ and subject, the last signed page the signer, and an attachment after the
    signed document (a draft with its own header) lends nothing (``classifiers.document``).
    """
    catalogue = load()
    all_lines = page_lines(pages)
    roles = page_roles(all_lines)
    lines = roles.lines(all_lines)
    guess, _scores = classify_type(lines, catalogue)
    if guess.code == UNKNOWN.code:
        guess = _by_machine_zone(lines, catalogue) or guess
    doc_type = catalogue.get(guess.code)
    if guess.code == UNKNOWN.code or doc_type is None:
        return Classification(guess.to_dict(), {})
    if not doc_type.administrative:
        lines = all_lines  # a card or certificate: every page is its own
    labelled: set[str] = set()
    found = extract_fields(lines, doc_type, catalogue, labelled)
    metadata = read_metadata(
        lines,
        doc_type.decree30,
        catalogue,
        doc_type.notation,
        titles=None if doc_type.titleless else doc_type.folded_titles,
        signed=roles.signed if doc_type.administrative else first_signed(lines),
        dated_where_signed=not doc_type.administrative,
    )
    for name, value in metadata.items():
        found.setdefault(name, value)
    if doc_type.mrz:
        confirm_with_mrz(found, read_mrz(lines), labelled)
    cross_check(found)
    complete_card(found, pages, lines, doc_type)
    check_validity(found, doc_type.code)
    if doc_type.titleless:
        check_letter_notation(found.get("document_number"))
    for name, value in doc_type.implied:
        fill_implied(found, name, value, guess.confidence)
    return Classification(guess.to_dict(), {k: v.to_dict() for k, v in found.items()})


MRZ_TYPE_CONFIDENCE = 0.9
"""Type confidence of a card known only by its machine-readable zone: its check digits
verified and it names Việt Nam as the issuer."""


def _by_machine_zone(lines: list[Line], catalogue: Catalogue) -> TypeGuess | None:
    """The card type whose zone the page carries, when no title or keyword told: the back
    of a 2024 card (CĂN CƯỚC) prints no title, only its labels and the zone."""
    data = read_mrz(lines)
    if data is None or data.issuer != "VNM":
        return None
    for t in catalogue.types:
        if t.mrz == "td1":
            return TypeGuess(t.code, t.label, MRZ_TYPE_CONFIDENCE)
    return None


def warm() -> None:
    """Load the catalogue and the lexicons now, so forked workers start with them."""
    from classifiers import names, phrases, places

    load()
    names.warm()
    phrases.warm()
    places.warm()


__all__ = ["Classification", "classify", "warm"]
