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


class _Earliest:
    """The earliest time something was digitized, and the earliest in another dossier than
    that first one's: enough to tell whether any dossier but a given one had it before."""

    __slots__ = ("at", "dossier", "other_at")

    def __init__(self) -> None:
        self.at: datetime | None = None
        self.dossier: str | None = None
        self.other_at: datetime | None = None

    def add(self, at: datetime, dossier: str) -> None:
        if self.at is None:
            self.at, self.dossier = at, dossier
        elif dossier == self.dossier:
            self.at = min(self.at, at)
        elif at < self.at:
            # The old first becomes the earliest of another dossier than the new first's.
            self.other_at, self.at, self.dossier = self.at, at, dossier
        elif self.other_at is None or at < self.other_at:
            self.other_at = at

    def before_outside(self, at: datetime, dossier: str) -> bool:
        """Whether a dossier other than ``dossier`` had it strictly before ``at``."""
        first = self.other_at if dossier == self.dossier else self.at
        return first is not None and first < at


class ReuseIndex:
    """Earlier digitized documents by original bytes and by (type, ID number), built once so
    that each question is a look-up, not a pass over every document."""

    def __init__(self, docs: Iterable[Doc]) -> None:
        self._by_sha: dict[str, _Earliest] = defaultdict(_Earliest)
        self._by_id: dict[tuple[str, str], _Earliest] = defaultdict(_Earliest)
        for e in docs:
            if not e.done:
                continue
            if e.sha256:
                self._by_sha[e.sha256].add(e.created_at, e.dossier_code)
            if e.id_number and e.doc_type != "unknown":
                self._by_id[(e.doc_type, e.id_number)].add(e.created_at, e.dossier_code)

    def reuses(self, doc: Doc) -> bool:
        """Whether ``doc``'s original bytes, or its type and ID number, were digitized earlier
        (a record created before it) in another dossier."""
        if doc.sha256:
            seen = self._by_sha.get(doc.sha256)
            if seen is not None and seen.before_outside(doc.created_at, doc.dossier_code):
                return True
        if doc.doc_type != "unknown" and doc.id_number:
            seen = self._by_id.get((doc.doc_type, doc.id_number))
            if seen is not None and seen.before_outside(doc.created_at, doc.dossier_code):
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
    index = ReuseIndex(docs)
    comps = results = both = reusing = read = corrected = 0
    for dossier_docs in by_dossier.values():
        components = [d for d in dossier_docs if d.role == "component"]
        comp_ok = bool(components) and all(d.done for d in components)
        result_ok = any(d.done for d in dossier_docs if d.role == "result")
        comps += comp_ok
        results += result_ok
        both += comp_ok and result_ok
        reusing += any(index.reuses(d) for d in components)
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
