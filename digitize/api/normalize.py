"""Text as the API keeps it: Unicode NFC, trimmed (a page may send decomposed Vietnamese)."""

from __future__ import annotations

import unicodedata


def nfc(text: str | None) -> str | None:
    """``text`` in NFC without surrounding spaces; ``None`` stays ``None``."""
    return None if text is None else unicodedata.normalize("NFC", text).strip()


def name_of_clerk(text: str) -> str:
    """A clerk's name in NFC; refused when it is only spaces (a correction needs a who)."""
    clean = nfc(text) or ""
    if not clean:
        raise ValueError("the clerk's name is empty")
    return clean
