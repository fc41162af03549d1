"""The completion webhook: tell a dossier system that a dossier's documents are all finished.

The body is JSON, signed with HMAC-SHA256 under ``DIGITIZE_WEBHOOK_SECRET`` in two headers:

- ``X-Digitize-Signature-Timed: sha256=<hex>`` over ``<timestamp>.<delivery>.<body>``, where
  ``X-Digitize-Timestamp`` is the Unix time of sending and ``X-Digitize-Delivery`` the delivery's
  id. A receiver that checks it with :func:`verify_delivery` (standard library only: copy it)
  rejects a forged or altered body, a delivery older than its tolerance (a replay) and, when it
  remembers the ids it accepted, the same delivery twice.
- ``X-Digitize-Signature: sha256=<hex>`` over the body alone (the scheme GitHub uses), kept for
  receivers written before the timed signature; it cannot tell a replay from a delivery.

A webhook is a courtesy on top of the stored results, never a condition for them: a receiver
that is down costs a few short retries and a log line, never a failed job. The body carries
codes, ids, types and counts; never names or document text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from digitize.settings import Settings

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Digitize-Signature"
TIMED_SIGNATURE_HEADER = "X-Digitize-Signature-Timed"
TIMESTAMP_HEADER = "X-Digitize-Timestamp"
DELIVERY_HEADER = "X-Digitize-Delivery"
REPLAY_TOLERANCE_S = 300
"""How old a delivery a receiver accepts by default, in seconds (clocks may differ a little)."""
EVENT = "dossier.completed"
TIMEOUT_S = 5.0
"""Time limit of one POST, in seconds."""
RETRY_DELAYS_S = (0.5, 2.0)
"""Waits before the second and third attempts, in seconds."""

_SUMMARY_KEYS = ("doc_id", "source_name", "document_type", "status", "pages")


def sign(body: bytes, secret: str) -> str:
    """The header value: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header_value: str) -> bool:
    """The body-only check: recompute and compare in constant time (replays pass it)."""
    return hmac.compare_digest(sign(body, secret), header_value or "")


def sign_timed(body: bytes, secret: str, timestamp: int, delivery: str) -> str:
    """The timed header value: ``sha256=`` and the HMAC of ``<timestamp>.<delivery>.<body>``."""
    signed = f"{timestamp}.{delivery}.".encode() + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def verify_delivery(
    body: bytes,
    headers: Any,
    secret: str,
    *,
    tolerance_s: float = REPLAY_TOLERANCE_S,
    now: float | None = None,
    seen: set[str] | None = None,
) -> bool:
    """What a receiver does with a delivery; True only for a fresh, authentic one.

    ``body`` is the raw request body (before any JSON parsing), ``headers`` the request's
    headers (anything with a case-insensitive ``get``), ``secret`` the shared
    ``DIGITIZE_WEBHOOK_SECRET``. A delivery is refused when its signature does not match (forged,
    or body, timestamp or id altered), when its timestamp is more than ``tolerance_s`` away from
    ``now`` (a replay of an old delivery), or when its id is in ``seen`` (a replay within the
    tolerance); an accepted id is added to ``seen``, which needs to remember ids for
    ``tolerance_s`` only. It uses only the standard library: receivers may copy it as it is.
    """
    stamp = headers.get(TIMESTAMP_HEADER) or ""
    delivery = headers.get(DELIVERY_HEADER) or ""
    given = headers.get(TIMED_SIGNATURE_HEADER) or ""
    if not (stamp.isascii() and stamp.isdigit()) or not delivery or not given:
        return False
    expected = sign_timed(body, secret, int(stamp), delivery)
    if not hmac.compare_digest(expected, given):
        return False
    current = time.time() if now is None else now
    if abs(current - int(stamp)) > tolerance_s:
        return False
    if seen is not None:
        if delivery in seen:
            return False
        seen.add(delivery)
    return True


def completion_body(
    dossier_code: str, manifest: dict[str, Any] | None, batch: list[str]
) -> dict[str, Any]:
    """The JSON payload: the dossier's documents (from its manifest) and counts by status."""
    documents = [
        {k: d.get(k) for k in _SUMMARY_KEYS}
        for d in (manifest or {}).get("documents", [])
        if isinstance(d, dict)
    ]
    counts = Counter(d["status"] for d in documents)
    return {
        "event": EVENT,
        "dossier_code": dossier_code,
        "completed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "batch": batch,
        "documents": documents,
        "counts": {
            "total": len(documents),
            "done": counts.get("done", 0),
            "failed": counts.get("failed", 0),
        },
    }


def send(settings: Settings, body: dict[str, Any]) -> bool:
    """POST ``body`` to ``DIGITIZE_WEBHOOK_URL``; True when the receiver answered 2xx.

    Never raises: every failure is logged with the dossier code and the reason.
    """
    url = settings.webhook_url
    if not url:
        return False
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "digitize-webhook",
        "X-Digitize-Event": EVENT,
        DELIVERY_HEADER: uuid.uuid4().hex,
    }
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if secret:
        headers[SIGNATURE_HEADER] = sign(raw, secret)
    else:
        log.warning(
            "webhook for %s sent unsigned: DIGITIZE_WEBHOOK_SECRET is not set",
            body.get("dossier_code"),
        )
    code = body.get("dossier_code")
    for attempt in range(len(RETRY_DELAYS_S) + 1):
        if attempt:
            time.sleep(RETRY_DELAYS_S[attempt - 1])
        if secret:  # signed at each attempt: a retry carries the time it was sent
            stamp = int(time.time())
            headers[TIMESTAMP_HEADER] = str(stamp)
            headers[TIMED_SIGNATURE_HEADER] = sign_timed(
                raw, secret, stamp, headers[DELIVERY_HEADER]
            )
        request = urllib.request.Request(url, data=raw, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            if 400 <= status < 500 and status not in (408, 429):
                log.warning("webhook for %s refused with HTTP %s; not retried", code, status)
                return False
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            log.warning("webhook for %s: attempt %d failed (%s)", code, attempt + 1, reason)
            continue
        if 200 <= status < 300:
            log.info("webhook for %s delivered (HTTP %s)", code, status)
            return True
        log.warning("webhook for %s: attempt %d got HTTP %s", code, attempt + 1, status)
    log.warning("webhook for %s not delivered after %d attempts", code, len(RETRY_DELAYS_S) + 1)
    return False
