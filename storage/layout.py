"""Where things live in a store: the key layout of the contract, as small pure functions.

The layout is identical in a local folder and in a bucket (see ``docs/contract.md``)::

    dossiers/<dossier_code>/manifest.json
    dossiers/<dossier_code>/documents/<doc_id>/original.<ext>
    dossiers/<dossier_code>/documents/<doc_id>/searchable.pdf
    dossiers/<dossier_code>/documents/<doc_id>/text.txt
    dossiers/<dossier_code>/documents/<doc_id>/record.json
    dossiers/<dossier_code>/documents/<doc_id>/pages/<n>.words.json

Every value that becomes part of a key is validated here, before any I/O, so that a dossier code
typed by an official can never escape its folder (``../x``) or create a key that one backend
accepts and the other does not. The error quotes the bad value so the user can fix it.
"""

from __future__ import annotations

import re
import unicodedata

from digitize.errors import InvalidName

DOSSIERS = "dossiers"
"""Top-level folder (or key prefix) holding every dossier."""

MANIFEST = "manifest.json"
ORIGINAL_STEM = "original"
SEARCHABLE_PDF = "searchable.pdf"
TEXT = "text.txt"
RECORD = "record.json"
PAGES = "pages"

MAX_CODE_LEN = 64
"""Longest dossier code, in characters."""

MAX_NAME_LEN = 128
"""Longest file name or key part, in characters (well under every file system's 255 bytes)."""

MAX_NAME_BYTES = 255
"""Longest file name or key part, in bytes of UTF-8: what ext4 and most file systems allow."""

MAX_KEY_LEN = 1024
"""Longest whole key, in bytes of UTF-8: the S3 limit."""

DOC_ID_LEN = 16
"""Hex characters of the SHA-256 kept in a doc_id: 64 bits, no collision within a dossier."""

_CODE_RE = re.compile(rf"[A-Za-z0-9.-]{{1,{MAX_CODE_LEN}}}")
_HEX_RE = re.compile(r"[0-9a-f]+")
_EXT_RE = re.compile(r"[a-z0-9]{1,10}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SLASH_LOOKALIKES = frozenset(
    "\u0337\u0338\u2044\u2215\u2216\u2571\u2572\u29f5\u29f8\u29f9\u2afb\u2afd\ufe68\uff0f\uff3c"
)
"""Characters drawn as a slash or a backslash that NFKC does not always turn into one: a
name holding them reads like a path to the person who checks it."""


def validate_dossier_code(code: str) -> str:
    """Return ``code`` if it can name a dossier folder, else raise :class:`InvalidName`.

    Letters, digits, ``.`` and ``-`` only, 1-64 characters, and not ``.`` or ``..``: the code
    becomes a folder name on disk and a key part in a bucket, so it must be safe in both.
    """
    if not isinstance(code, str) or not _CODE_RE.fullmatch(code) or code.startswith("."):
        raise InvalidName(
            f"invalid dossier code {_quote(code)}: use 1-{MAX_CODE_LEN} letters, digits, '.' "
            "or '-', not starting with '.'"
        )
    return code


def validate_doc_id(doc_id: str) -> str:
    """Return ``doc_id`` if it is lowercase hex of sane length, else raise :class:`InvalidName`."""
    if not isinstance(doc_id, str) or not _HEX_RE.fullmatch(doc_id) or len(doc_id) > 64:
        raise InvalidName(
            f"invalid document id {doc_id!r}: expected lowercase hex (see doc_id_for)",
            hint="Document ids come from doc_id_for(sha256); do not build them by hand.",
        )
    return doc_id


def validate_name(name: str) -> str:
    """Return ``name`` if it is safe as one file name / key part, else raise :class:`InvalidName`.

    Refused: empty, ``.``/``..`` or a leading dot (dot files are the store's own: temporary
    files, locks, metadata), slashes and backslashes (a part must not become a path), control
    characters (they break logs and some file systems), names over ``MAX_NAME_LEN`` characters
    or ``MAX_NAME_BYTES`` bytes, text that is not valid Unicode, invisible formatting
    characters (zero-width, right-to-left overrides: they disguise a name), and look-alikes
    of a slash or of a leading dot (``／``, ``∕``, ``．．``, ``‥``): what a person reads as a path
    is refused as one, whatever the backend would make of it.
    """
    problem = _name_problem(name)
    if problem:
        raise InvalidName(
            f"invalid name {_quote(name)}: {problem}",
            hint="Rename the file with letters, digits, spaces, '.', '-' or '_' and resubmit it.",
        )
    return name


def _name_problem(name: object) -> str | None:
    """Why ``name`` cannot be one file name or key part, or ``None`` when it can."""
    if not isinstance(name, str) or not name:
        return "it is empty"
    if len(name) > MAX_NAME_LEN:
        return f"it is longer than {MAX_NAME_LEN} characters"
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        return "it is not valid Unicode text"
    if size > MAX_NAME_BYTES:
        return f"it is longer than {MAX_NAME_BYTES} bytes"
    if name.startswith("."):
        return "it starts with '.'"
    if "/" in name or "\\" in name:
        return "it contains a slash or a backslash"
    if _CONTROL_RE.search(name):
        return "it contains a control character"
    for char in name:
        if char in _SLASH_LOOKALIKES:
            return f"it contains {_char(char)}, which reads as a slash"
        if unicodedata.category(char) == "Cf":
            return f"it contains {_char(char)}, an invisible formatting character"
    folded = unicodedata.normalize("NFKC", name)
    if "/" in folded or "\\" in folded:
        return "it contains a character that reads as a slash"
    if folded.startswith("."):
        return "it starts with a character that reads as '.'"
    return None


def _char(char: str) -> str:
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"


def _quote(value: object, limit: int = 80) -> str:
    """A bad value as messages quote it: repr (control characters escaped), cut when long."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(str(value))} characters)"


def validate_key(key: str) -> str:
    """Return ``key`` if every ``/``-separated part is a valid name, else raise.

    Backends call this on every key they receive, so a key built without the helpers below
    is still checked before it reaches the disk or the network.
    """
    if not isinstance(key, str) or not key:
        raise InvalidName(f"invalid key {_quote(key)}: it is empty")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_LEN:
        raise InvalidName(f"invalid key {_quote(key)}: longer than {MAX_KEY_LEN} bytes")
    for part in key.split("/"):
        problem = _name_problem(part)
        if problem:
            raise InvalidName(
                f"invalid key {_quote(key)}: part {_quote(part)} is refused ({problem})"
            )
    return key


def validate_prefix(prefix: str) -> str:
    """Return ``prefix`` if it is empty or a key, optionally ending with ``/``, else raise.

    The last part may be incomplete (``dossiers/HS-2024``) since listing matches on a string
    prefix, as S3 does.
    """
    if prefix:
        validate_key(prefix[:-1] if prefix.endswith("/") else prefix)
    return prefix


def doc_id_for(sha256_hex: str) -> str:
    """The doc_id of a document: the first 16 hex characters of its SHA-256.

    Deriving the id from the bytes makes a resubmitted file the same document, processed once.
    """
    digest = sha256_hex.lower() if isinstance(sha256_hex, str) else sha256_hex
    if not isinstance(digest, str) or len(digest) != 64 or not _HEX_RE.fullmatch(digest):
        raise InvalidName(f"invalid SHA-256 {sha256_hex!r}: expected 64 hex characters")
    return digest[:DOC_ID_LEN]


def dossier_prefix(code: str) -> str:
    """``dossiers/<code>/``: everything stored for one dossier (use it with ``Store.list``)."""
    return f"{DOSSIERS}/{validate_dossier_code(code)}/"


def manifest_key(code: str) -> str:
    """``dossiers/<code>/manifest.json``."""
    return dossier_prefix(code) + MANIFEST


def document_prefix(code: str, doc_id: str) -> str:
    """``dossiers/<code>/documents/<doc_id>/``: every artefact of one document."""
    return f"{dossier_prefix(code)}documents/{validate_doc_id(doc_id)}/"


def document_key(code: str, doc_id: str, name: str) -> str:
    """``dossiers/<code>/documents/<doc_id>/<name>`` for a single file name."""
    return document_prefix(code, doc_id) + validate_name(name)


def original_key(code: str, doc_id: str, ext: str) -> str:
    """``.../original.<ext>``; ``ext`` is lowercased and may be given with its dot."""
    clean = ext.lower().lstrip(".") if isinstance(ext, str) else ext
    if not isinstance(clean, str) or not _EXT_RE.fullmatch(clean):
        raise InvalidName(f"invalid file extension {ext!r}: expected 1-10 letters or digits")
    return document_key(code, doc_id, f"{ORIGINAL_STEM}.{clean}")


def searchable_pdf_key(code: str, doc_id: str) -> str:
    return document_key(code, doc_id, SEARCHABLE_PDF)


def text_key(code: str, doc_id: str) -> str:
    return document_key(code, doc_id, TEXT)


def record_key(code: str, doc_id: str) -> str:
    return document_key(code, doc_id, RECORD)


def page_words_key(code: str, doc_id: str, n: int) -> str:
    """``.../pages/<n>.words.json``; pages are numbered from 1, as users count them."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise InvalidName(f"invalid page number {n!r}: pages are numbered from 1")
    return f"{document_prefix(code, doc_id)}{PAGES}/{n}.words.json"
