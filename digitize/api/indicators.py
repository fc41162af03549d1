"""The Index 766 digitization indicators (Decision 766/QĐ-TTg, group 4), from stored records.

Pure functions over :class:`Doc` rows, so the counting rules can be read here and checked
against a hand count without a store. The rules:

- A dossier is **received** in a period when the receipt date written in its code
  (``<unit>-<YYMMDD>-<NNNN>``) falls in it, and at least one of its documents was stored.
- A document's **role** is what was sent with its upload (``role=component`` for a paper the
  citizen brought, ``role=result`` for what the agency issued); documents submitted without
  one (``digitize submit``, ``backlog``) are components.
- A document is **digitized** when its record is ``done`` (a searchable PDF, type and fields).
- **Components digitized**: the dossier has at least one component and every one is digitized.
- **Result digitized**: at least one result is digitized.
- **Digitized** (indicator 4.2): both of the above; 80% or more of received dossiers earns the
  full points (``full_points``).
- **Reusing digitized data** (4.3): a component whose original bytes (SHA-256), or whose type
  and ID number, were digitized earlier (an earlier record) in another dossier of the same unit.
- **Fields corrected**: fields of the period's documents that a clerk corrected (a field
  corrected twice counts once), beside the fields read, so the share can be judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

FULL_POINTS_SHARE = 0.8
"""Share of digitized dossiers that earns Index 766's full points."""

ID_FIELDS = ("id_number", "enterprise_code")
"""Fields that identify the person or the organisation a document is about."""

COLUMNS = (
    "unit",
    "from",
    "to",
    "dossiers_received",
    "components_digitized",
    "share_components_digitized",
    "result_digitized",
    "share_result_digitized",
    "digitized",
    "share_digitized",
    "full_points",
    "reusing",
    "share_reusing",
    "fields_read",
    "fields_corrected",
)
"""Columns of a report row, in order (the CSV header)."""


@dataclass(frozen=True)
class Doc:
    """What the report needs of one stored document."""

    dossier_code: str
    doc_id: str
    received: date
    role: str
    done: bool
    sha256: str | None
    doc_type: str
    id_number: str | None
    created_at: datetime
    fields_read: int = 0
    fields_corrected: frozenset[str] = field(default_factory=frozenset)


def doc_from_record(
    record: dict[str, Any], received: date, submission: dict[str, Any] | None
) -> Doc:
    """A :class:`Doc` from a stored record and its upload sidecar (or none)."""
    fields = record.get("fields") or {}
    corrected = {c.get("field") for c in record.get("corrections") or [] if c.get("field")}
    # A clerk's correction of the ID number is the number that counts for reuse.
    ident = None
    for name in ID_FIELDS:
        fixes = [c for c in record.get("corrections") or [] if c.get("field") == name]
        value = fixes[-1].get("value") if fixes else (fields.get(name) or {}).get("value")
        if value:
            ident = "".join(str(value).split())
            break
    role = (submission or {}).get("role")
    return Doc(
        dossier_code=record["dossier_code"],
        doc_id=record["doc_id"],
        received=received,
        role=role if role in ("component", "result") else "component",
        done=record.get("status") == "done",
        sha256=record.get("sha256"),
        doc_type=(record.get("document_type") or {}).get("code") or "unknown",
        id_number=ident,
        created_at=datetime.fromisoformat(record["created_at"]),
        fields_read=sum(1 for f in fields.values() if (f or {}).get("value")),
        fields_corrected=frozenset(c for c in corrected if isinstance(c, str)),
    )


def periods(
    start: date | None, end: date | None, by: str, docs: list[Doc]
) -> list[tuple[date | None, date | None]]:
    """``[(start, end)]`` for one row, or the calendar weeks (Monday first) or months that
    cover the period, each cut to it. An open end is taken from the receipt dates found."""
    if by == "period":
        return [(start, end)]
    days = [d.received for d in docs]
    first = start or (min(days) if days else None)
    last = end or (max(days) if days else None)
    if first is None or last is None:
        return [(start, end)]
    out = []
    cur = first - timedelta(days=first.weekday()) if by == "week" else first.replace(day=1)
    while cur <= last:
        if by == "week":
            nxt = cur + timedelta(days=7)
        else:
            nxt = (cur.replace(day=28) + timedelta(days=4)).replace(day=1)
        out.append((max(cur, first), min(nxt - timedelta(days=1), last)))
        cur = nxt
    return out


def _reuses(doc: Doc, earlier: Iterable[Doc]) -> bool:
    for e in earlier:
        if e.dossier_code == doc.dossier_code or not e.done or e.created_at >= doc.created_at:
            continue
        if doc.sha256 and e.sha256 == doc.sha256:
            return True
        same_type = doc.doc_type != "unknown" and e.doc_type == doc.doc_type
        if same_type and doc.id_number and e.id_number == doc.id_number:
            return True
    return False


def _share(n: int, of: int) -> float | None:
    return round(n / of, 4) if of else None


def digitization_row(
    unit: str, docs: list[Doc], start: date | None, end: date | None
) -> dict[str, Any]:
    """The indicators of ``unit`` for dossiers received from ``start`` to ``end`` (inclusive).

    ``docs`` are all the unit's documents, of every period: reuse looks at earlier dossiers
    too.
    """
    by_dossier: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        if (start is None or d.received >= start) and (end is None or d.received <= end):
            by_dossier[d.dossier_code].append(d)
    received = len(by_dossier)
    comps = results = both = reusing = read = corrected = 0
    for dossier_docs in by_dossier.values():
        components = [d for d in dossier_docs if d.role == "component"]
        comp_ok = bool(components) and all(d.done for d in components)
        result_ok = any(d.done for d in dossier_docs if d.role == "result")
        comps += comp_ok
        results += result_ok
        both += comp_ok and result_ok
        reusing += any(_reuses(d, docs) for d in components)
        read += sum(d.fields_read for d in dossier_docs)
        corrected += sum(len(d.fields_corrected) for d in dossier_docs)
    share = _share(both, received)
    return {
        "unit": unit,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "dossiers_received": received,
        "components_digitized": comps,
        "share_components_digitized": _share(comps, received),
        "result_digitized": results,
        "share_result_digitized": _share(results, received),
        "digitized": both,
        "share_digitized": share,
        "full_points": share is not None and share >= FULL_POINTS_SHARE,
        "reusing": reusing,
        "share_reusing": _share(reusing, received),
        "fields_read": read,
        "fields_corrected": corrected,
    }
