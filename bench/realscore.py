"""Scoring a pipeline's records against the truth of real documents.

The truth (``truth.json`` of a real-document set) gives per file its type, the fields that
could be read with certainty, and a few clearly printed lines. A field absent from the truth is
unknown: a value given for it is neither right nor wrong. Values compare after NFC, single
spaces and one tone placement (``ủy`` and ``uỷ`` are one spelling, as the set's README asks);
case, dashes, quotes and full stops count.

Printed lines are looked for anywhere in the document's text (pages and lines joined with
spaces), as the cheapest edit of some stretch of it (approximate substring match), so a line
that OCR merged with its neighbour in the other column still counts, and a line read twice is
not rewarded.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def canonical(text: str) -> str:
    """NFC, single spaces, the tone mark written after its word (placement folded)."""
    out = []
    for word in unicodedata.normalize("NFD", text).split():
        tones = "".join(c for c in word if c in _TONES)
        base = "".join(c for c in word if c not in _TONES)
        out.append(unicodedata.normalize("NFC", base) + tones)
    return " ".join(out)


def collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def infix_distance(pattern: str, text: str) -> int:
    """The fewest edits that turn ``pattern`` into some stretch of ``text`` (Sellers)."""
    m = len(pattern)
    if m == 0:
        return 0
    if not text:
        return m
    t = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    p = np.frombuffer(pattern.encode("utf-32-le"), dtype=np.uint32)
    n = len(t)
    idx = np.arange(n + 1, dtype=np.int64)
    prev = np.zeros(n + 1, dtype=np.int64)  # a match may start anywhere
    for i in range(1, m + 1):
        cur = np.empty(n + 1, dtype=np.int64)
        cur[0] = i
        sub = prev[:-1] + (t != p[i - 1])
        cur[1:] = np.minimum(sub, prev[1:] + 1)
        # Insertions along the row: D[j] = min_k<=j (E[k] + j - k).
        cur = np.minimum.accumulate(cur - idx) + idx
        prev = cur
    return int(prev.min())


@dataclass
class LineScore:
    chars: int = 0
    edits: int = 0
    lines: int = 0
    exact: int = 0

    def add(self, truth_line: str, text: str) -> int:
        ref = canonical(truth_line)
        d = infix_distance(ref, text)
        self.chars += len(ref)
        self.edits += min(d, len(ref))
        self.lines += 1
        self.exact += d == 0
        return d

    @property
    def cer(self) -> float:
        return self.edits / self.chars if self.chars else 0.0

    @property
    def exact_rate(self) -> float:
        return self.exact / self.lines if self.lines else 0.0

    def merge(self, other: LineScore) -> None:
        self.chars += other.chars
        self.edits += other.edits
        self.lines += other.lines
        self.exact += other.exact


def searchable(text: str) -> str:
    """A document's text as one line for :func:`infix_distance`."""
    return canonical(re.sub(r"\s+", " ", text))


@dataclass
class FileScore:
    file: str
    truth_type: str
    got_type: str
    type_confidence: float
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per truth field: truth, value, needs_review, reasons, outcome (right/wrong/missing)."""
    pipeline_lines: LineScore = field(default_factory=LineScore)
    raw_lines: LineScore = field(default_factory=LineScore)
    line_details: list[tuple[str, int, int]] = field(default_factory=list)
    """(truth line, pipeline edits, raw edits)."""

    @property
    def type_right(self) -> bool:
        return self.truth_type == self.got_type


def same_value(truth: str, value: str | None) -> bool:
    return value is not None and canonical(truth) == canonical(value)


def score_file(entry: dict[str, Any], record: dict[str, Any], raw_text: str | None) -> FileScore:
    doc_type = record.get("document_type") or {}
    out = FileScore(
        entry["file"],
        entry["type"],
        str(doc_type.get("code")),
        float(doc_type.get("confidence") or 0.0),
    )
    got = record.get("fields") or {}
    for name, truth in (entry.get("fields") or {}).items():
        fv = got.get(name) or {}
        value = fv.get("value")
        if value is None:
            outcome = "missing"
        elif same_value(truth, value):
            outcome = "right"
        else:
            outcome = "wrong"
        out.fields[name] = {
            "truth": truth,
            "value": value,
            "needs_review": bool(fv.get("needs_review")),
            "reasons": list(fv.get("review_reasons") or []),
            "outcome": outcome,
        }
    text = searchable(record.get("text") or "")
    raw = searchable(raw_text) if raw_text is not None else None
    for line in entry.get("lines") or []:
        d = out.pipeline_lines.add(line, text)
        r = out.raw_lines.add(line, raw) if raw is not None else -1
        out.line_details.append((line, d, r))
    return out


@dataclass
class Totals:
    files: int = 0
    type_right: int = 0
    fields: int = 0
    right: int = 0
    read: int = 0
    wrong_unflagged: int = 0
    right_flagged: int = 0
    pipeline_lines: LineScore = field(default_factory=LineScore)
    raw_lines: LineScore = field(default_factory=LineScore)
    reasons_fired: Counter[str] = field(default_factory=Counter)
    reasons_wrong: Counter[str] = field(default_factory=Counter)
    files_worse_than_raw: list[str] = field(default_factory=list)
    files_type_wrong: list[str] = field(default_factory=list)

    def add(self, s: FileScore) -> None:
        self.files += 1
        self.type_right += s.type_right
        if not s.type_right:
            self.files_type_wrong.append(s.file)
        for f in s.fields.values():
            self.fields += 1
            self.right += f["outcome"] == "right"
            self.read += f["outcome"] != "missing"
            self.wrong_unflagged += f["outcome"] == "wrong" and not f["needs_review"]
            self.right_flagged += f["outcome"] == "right" and f["needs_review"]
            for code in set(f["reasons"]):
                self.reasons_fired[code] += 1
                self.reasons_wrong[code] += f["outcome"] == "wrong"
        self.pipeline_lines.merge(s.pipeline_lines)
        self.raw_lines.merge(s.raw_lines)
        if s.raw_lines.lines and s.pipeline_lines.edits > s.raw_lines.edits:
            self.files_worse_than_raw.append(s.file)

    def row(self) -> dict[str, Any]:
        pct = lambda a, b: round(100.0 * a / b, 1) if b else 0.0  # noqa: E731
        return {
            "files": self.files,
            "type_acc_pct": pct(self.type_right, self.files),
            "fields": self.fields,
            "field_exact_pct": pct(self.right, self.fields),
            "fields_read_pct": pct(self.read, self.fields),
            "wrong_unflagged_per_100": pct(self.wrong_unflagged, self.fields),
            "right_but_flagged_pct": pct(self.right_flagged, self.right),
            "lines": self.pipeline_lines.lines,
            "line_exact_pct": pct(self.pipeline_lines.exact, self.pipeline_lines.lines),
            "raw_line_exact_pct": pct(self.raw_lines.exact, self.raw_lines.lines),
            "cer": round(self.pipeline_lines.cer, 4),
            "raw_cer": round(self.raw_lines.cer, 4),
            "files_worse_than_raw": list(self.files_worse_than_raw),
            "files_type_wrong": list(self.files_type_wrong),
        }
