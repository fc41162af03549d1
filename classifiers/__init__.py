"""Document types and fields of Vietnamese one-stop dossiers.

``classify(pages)`` is the one entry point the pipeline uses. Types and their labels come from
the catalogue (data, see ``catalogue.yaml``); confidence is kept honest so that a clerk is never
handed a wrong value that looks certain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from classifiers.catalogue import load
from classifiers.doctype import UNKNOWN, classify_type
from classifiers.fields import administrative_metadata, extract_fields
from classifiers.lines import page_lines
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
    if guess.code == UNKNOWN.code:
        return Classification(guess.to_dict(), {})
    doc_type = catalogue.get(guess.code)
    found = extract_fields(lines, doc_type) if doc_type else {}
    if guess.code in catalogue.administrative:
        for name, value in administrative_metadata(lines, catalogue).items():
            found.setdefault(name, value)
    return Classification(guess.to_dict(), {k: v.to_dict() for k, v in found.items()})


__all__ = ["Classification", "classify"]
