"""API keys per agency unit, and which dossiers a unit may see.

A key is a 32-byte random token shown once, when it is made; the store keeps only its SHA-256,
under ``access-keys/`` (outside ``dossiers/``, so no dossier code can produce or reach it). A
leaked store listing therefore gives nobody a working key, and every API server that reads
the same store accepts the same keys.

A dossier belongs to the unit whose code begins its dossier code,
``<unit code>-<YYMMDD>-<NNNN>`` (``000.00.12.H57-231221-0001`` belongs to
``000.00.12.H57``). The unit is read off the code by removing its date and sequence, never by
a plain prefix test, so unit ``A`` never sees the dossiers of unit ``A-B``. A dossier of
another unit is answered exactly as a missing one: a key cannot even learn that it exists.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from digitize.errors import DigitizeError, InvalidName, NotFound
from digitize.record import utc_now
from storage import Store, validate_dossier_code

KEYS_PREFIX = "access-keys"
"""Folder (key prefix) of the key hashes in the store; never a dossier's."""

TOKEN_BYTES = 32
"""Random bytes in a key."""

KEY_PREFIX = "dzk_"
"""Start of every key, so a key pasted in the wrong place is recognisable (and greppable)."""

CACHE_S = 30.0
"""How long a server trusts a key it has already checked, in seconds (saves a store read per
request); a removed key stops working within this time."""

_UNIT_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,51}")
_DOSSIER_RE = re.compile(r"(?P<unit>.+)-(?P<date>\d{6})-(?P<seq>\d{4,})")


class Unauthorized(DigitizeError):
    """No key, or a key this server does not know."""

    code = "unauthorized"
    hint = "Send 'Authorization: Bearer KEY' with a key made by `digitize keys create --unit`."


class DossierNotFound(NotFound):
    """A dossier or document that is missing, or that belongs to another unit (same answer)."""

    code = "not_found"
    hint = "Check the dossier code and the document id."


def validate_unit(unit: str) -> str:
    """``unit`` if it can begin a dossier code, else :class:`InvalidName` quoting it."""
    if not isinstance(unit, str) or not _UNIT_RE.fullmatch(unit) or ".." in unit:
        raise InvalidName(
            f"invalid unit code {unit!r}: use 1-52 letters, digits, '.' or '-', starting with a "
            "letter or digit (e.g. 000.00.12.H57)"
        )
    return unit


def unit_of(dossier_code: str) -> str | None:
    """The unit a dossier code belongs to, or ``None`` when the code does not name one."""
    m = _DOSSIER_RE.fullmatch(dossier_code)
    return m.group("unit") if m else None


def received_on(dossier_code: str) -> date | None:
    """The receipt date written in a dossier code (``YYMMDD``), or ``None`` if it has none."""
    m = _DOSSIER_RE.fullmatch(dossier_code)
    if not m:
        return None
    d = m.group("date")
    try:
        return date(2000 + int(d[:2]), int(d[2:4]), int(d[4:6]))
    except ValueError:
        return None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _key_object(digest: str) -> str:
    return f"{KEYS_PREFIX}/{digest}.json"


def create_key(store: Store, unit: str) -> str:
    """Make a key for ``unit``, store its hash, and return the key (shown only this once)."""
    validate_unit(unit)
    key = KEY_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    body = {"unit": unit, "created_at": utc_now().isoformat()}
    store.put_bytes(
        _key_object(key_hash(key)),
        json.dumps(body).encode("utf-8"),
        content_type="application/json",
    )
    return key


@dataclass(frozen=True)
class Caller:
    """Who is calling: the unit of the key that came with the request."""

    unit: str

    def owns(self, dossier_code: str) -> bool:
        return unit_of(dossier_code) == self.unit

    def dossier(self, code: str) -> str:
        """``code`` if it is a valid code of this unit's; otherwise 404 as for a missing one."""
        try:
            validate_dossier_code(code)
        except InvalidName:
            raise DossierNotFound(f"dossier {code!r} not found.") from None
        if not self.owns(code):
            raise DossierNotFound(f"dossier {code!r} not found.")
        return code


class KeyRing:
    """Checks keys against the hashes in the store, remembering good ones for ``CACHE_S``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def unit_for(self, key: str) -> str | None:
        digest = key_hash(key)
        now = time.monotonic()
        with self._lock:
            hit = self._known.get(digest)
        if hit and now - hit[1] < CACHE_S:
            return hit[0]
        try:
            body = json.loads(self.store.get_bytes(_key_object(digest)))
        except NotFound:
            return None
        except ValueError:
            return None
        unit = body.get("unit") if isinstance(body, dict) else None
        if not isinstance(unit, str):
            return None
        with self._lock:
            self._known[digest] = (unit, now)
        return unit


_bearer = HTTPBearer(auto_error=False, description="A unit's key: `digitize keys create`.")


def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """FastAPI dependency: the calling unit, or 401 without a known key."""
    key = credentials.credentials.strip() if credentials else ""
    if not key:
        raise Unauthorized("this endpoint needs an API key.")
    unit = request.app.state.keys.unit_for(key)
    if unit is None:
        raise Unauthorized("the API key is not known here.")
    return Caller(unit)


CallerDep = Annotated[Caller, Depends(caller)]
"""An endpoint parameter: the calling unit (401 without a known key)."""
