"""The archivist's quality report: how well a unit's stored documents were read.

Four questions, each one chart on the page and one part of the JSON answer: how sure was the
reading (distribution of documents' mean word confidence and of fields' confidence), which
types were found, which fields a clerk most often had to look at or put right, and why
documents failed. The rows behind it are the backlog report's rows (``workers.report.Row``)
with the review columns added, so the CSV is the one ``digitize backlog`` writes plus what
clerks did.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from typing import Any

from workers.report import Row, counts, write_csv_to

from .terms import ERROR_TEXTS, field_label, reason_text, type_label

BINS = 10
"""Confidence histograms have ten bars: 0-0.1, ..., 0.9-1.0 (1.0 falls in the last)."""


@dataclass
class QualityRow(Row):
    """A backlog report row with what the fields say: flagged, why, and corrected by clerks."""

    flagged_fields: str = ""
    review_reasons: str = ""
    corrected_fields: str = ""
    created_at: str = ""


QUALITY_COLUMNS = [f.name for f in dataclass_fields(QualityRow)]


def row_for(key: str, record: dict[str, Any]) -> QualityRow:
    """One CSV row from a stored record (``key`` is where the record is)."""
    row = QualityRow(
        str(record.get("dossier_code") or ""), str(record.get("source_name") or ""), key
    )
    row.fill_from(record)
    fields = record.get("fields") or {}
    flagged = [name for name, f in fields.items() if (f or {}).get("needs_review")]
    reasons = sorted({r for name in flagged for r in fields[name].get("review_reasons") or []})
    row.flagged_fields = " ".join(flagged)
    row.review_reasons = " ".join(reasons)
    row.corrected_fields = " ".join(sorted(corrected_fields(record)))
    row.created_at = str(record.get("created_at") or "")
    return row


def corrected_fields(record: dict[str, Any]) -> set[str]:
    """Names of the fields a clerk corrected (to a value other than the one read)."""
    out = set()
    for c in record.get("corrections") or []:
        if isinstance(c, dict) and c.get("field") and c.get("value") != c.get("read_value"):
            out.add(str(c["field"]))
    return out


def _bin(value: float) -> int:
    return min(BINS - 1, max(0, int(value * BINS)))


def report(records: Iterable[tuple[str, dict[str, Any]]], *, unit: str) -> dict[str, Any]:
    """The quality report of ``(record key, record)`` pairs, with Vietnamese labels."""
    doc_hist = [0] * BINS
    field_hist = [0] * BINS
    types: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    per_field: dict[str, Counter[str]] = {}
    rows: list[QualityRow] = []
    for key, record in records:
        row = row_for(key, record)
        rows.append(row)
        if row.status == "failed":
            failures[row.error_code or "unknown"] += 1
            continue
        types[row.document_type or "unknown"] += 1
        if row.mean_word_confidence is not None:
            doc_hist[_bin(float(row.mean_word_confidence))] += 1
        fixed = corrected_fields(record)
        for name, f in (record.get("fields") or {}).items():
            tally = per_field.setdefault(name, Counter())
            if not isinstance(f, dict) or f.get("value") is None:
                continue
            tally["read"] += 1
            field_hist[_bin(float(f.get("confidence") or 0.0))] += 1
            if f.get("needs_review"):
                tally["flagged"] += 1
                reasons.update(f.get("review_reasons") or [])
            if name in fixed:
                tally["corrected"] += 1
    edges = [round(i / BINS, 1) for i in range(BINS + 1)]
    field_rows = [
        {
            "name": name,
            "label": field_label(name),
            "read": t["read"],
            "flagged": t["flagged"],
            "corrected": t["corrected"],
        }
        for name, t in per_field.items()
        if t["flagged"] or t["corrected"]
    ]
    field_rows.sort(key=lambda r: (-(r["flagged"] + r["corrected"]), r["name"]))
    return {
        "unit": unit,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": counts(rows),
        "confidence": {"edges": edges, "documents": doc_hist, "fields": field_hist},
        "types": [
            {"code": code, "label": type_label(code), "count": n}
            for code, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "fields": field_rows,
        "reasons": [
            {"code": code, "text": reason_text(code), "count": n}
            for code, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "failures": [
            {"code": code, "text": ERROR_TEXTS.get(code, code), "count": n}
            for code, n in sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "rows": rows,
    }


def csv_bytes(rows: list[QualityRow]) -> bytes:
    """The rows as the backlog report's CSV: UTF-8 with a BOM, so Excel shows Vietnamese."""
    buf = io.StringIO()
    write_csv_to(buf, rows, QUALITY_COLUMNS)
    return buf.getvalue().encode("utf-8-sig")
