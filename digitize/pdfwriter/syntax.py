"""The few pieces of PDF syntax the writer needs: numbers, text strings, dates.

Kept apart from the writer so that every object body is built by pure functions that tests can
call without a file.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime


def num(value: float) -> str:
    """A PDF number with at most three decimals and no trailing zeros.

    Three decimals are a thousandth of a point: far below a pixel at any scan resolution, and
    short numbers keep content streams small.
    """
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def text_string(value: str) -> str:
    """A PDF text string (for the Info dictionary): literal when ASCII, else UTF-16BE with BOM.

    Vietnamese titles are not representable in PDFDocEncoding, so anything beyond printable
    ASCII goes out as UTF-16BE, which every reader decodes.
    """
    value = unicodedata.normalize("NFC", value)
    if all(32 <= ord(ch) < 127 for ch in value):
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})"
    return "<FEFF" + value.encode("utf-16-be", "replace").hex().upper() + ">"


def date_string(moment: datetime | None = None) -> str:
    """A PDF date in UTC, e.g. ``(D:20240131083000Z)``."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return f"(D:{moment:%Y%m%d%H%M%S}Z)"
