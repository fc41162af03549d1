"""Document types and fields of Vietnamese one-stop dossiers.

``classify(pages)`` is the one entry point the pipeline uses. Types and their labels come from
the catalogue (data, see ``catalogue.yaml``); confidence is kept honest so that a clerk is never
handed a wrong value that looks certain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from classifiers.catalogue import load
from classifiers.checks import (
    check_letter_notation,
    confirm_with_mrz,
    cross_check,
    fill_implied,
)
from classifiers.decree30 import read_metadata
from classifiers.doctype import UNKNOWN, classify_type
from classifiers.fields import extract_fields
from classifiers.lines import page_lines
from classifiers.mrz import read_mrz
from digitize.models import PageResult


@dataclass
class Classification:
    document_type: dict[str, Any]
    fields: dict[str, dict[str, Any]]
    metadata: dict[str, Any] = field(default_factory=dict)


def classify(pages: list[PageResult]) -> Classification:
    catalogue = load()
    lines = page_lines(pages)
    guess, _scores = classify_type(lines, catalogue)
    doc_type = catalogue.get(guess.code)
    if guess.code == UNKNOWN.code or doc_type is None:
        return Classification(guess.to_dict(), {})
    labelled: set[str] = set()
    found = extract_fields(lines, doc_type, catalogue, labelled)
    metadata = read_metadata(lines, doc_type.decree30, catalogue, doc_type.notation)
    for name, value in metadata.items():
        found.setdefault(name, value)
    if doc_type.mrz:
        confirm_with_mrz(found, read_mrz(lines), labelled)
    cross_check(found)
    if doc_type.titleless:
        check_letter_notation(found.get("document_number"))
    for name, value in doc_type.implied:
        fill_implied(found, name, value, guess.confidence)
    return Classification(guess.to_dict(), {k: v.to_dict() for k, v in found.items()})


def warm() -> None:
    """Load the catalogue and the lexicons now, so forked workers start with them."""
    from classifiers import names, phrases, places

    load()
    names.warm()
    phrases.warm()
    places.warm()


__all__ = ["Classification", "classify", "warm"]
