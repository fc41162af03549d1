"""Word lists the readers and checks share, kept as data (``lists/*.yaml``, one concept each).

One list per concept, read once: a province adding an organ kind or a legal form edits a
YAML file, and no two modules can keep diverging copies of the same words.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LISTS_DIR = Path(__file__).with_name("lists")


@cache
def word_list(name: str) -> tuple[str, ...]:
    """The entries of ``lists/<name>.yaml`` as written (a YAML list of strings)."""
    data = yaml.safe_load((LISTS_DIR / f"{name}.yaml").read_text(encoding="utf-8")) or []
    return tuple(str(entry) for entry in data)


ORGAN_KINDS = word_list("organ_kinds")
"""How an organ's name starts, folded: its kind."""
PARENT_ORGANS = word_list("parent_organs")
"""How a parent organ's header line starts, folded."""
COLLECTIVE_NAMES = word_list("collective_names")
"""Organ names that name no organ alone, folded."""
LEGAL_FORMS = word_list("legal_forms")
"""How a business's name starts, folded."""
NUMBERED_ADDRESS_WORDS = word_list("numbered_address_words")
"""Address words before a house, alley or hamlet number."""
MIDDLE_NAMES = word_list("middle_names")
"""Middle names a full name does not end with."""
VEHICLE_BRANDS = frozenset(word_list("vehicle_brands"))
"""Makes of registered motorbikes and cars, in capitals."""
