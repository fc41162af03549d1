"""Field values read next to their printed labels.

A label is found on a line by fuzzy matching of folded word keys; its value is the words after
it up to the next known label on the same line, or the next line when the label ends its line
(card layouts print the value below). Each value's confidence is the OCR confidence of its
words, lowered when its validator fails; ``needs_review`` is set whenever a clerk should look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifiers.catalogue import Catalogue, DocType, FieldSpec
from classifiers.lines import Line
from classifiers.validators import NORMALIZERS, document_number, id_agrees, parse_date, printed
from classifiers.vntext import best_window, fold
from digitize.models import Word

REVIEW_BELOW = 0.85
"""Field confidence under which a clerk is asked to check the value."""

FAILED_CHECK_FACTOR = 0.5
LABEL_MIN_SIMILARITY = 0.8
SHORT_LABEL = 3
"""Labels this short ("Số", "No") must match exactly and start the line."""


@dataclass
class FieldValue:
    value: str | None
    confidence: float
    needs_review: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "needs_review": self.needs_review,
        }


def _match_label(line: Line, labels: tuple[tuple[str, ...], ...]) -> tuple[float, int] | None:
    """The best label match on ``line`` as (similarity, index of the first value word)."""
    tokens = line.tokens
    best: tuple[float, int] | None = None
    for label in labels:
        joined = "".join(label)
        if not joined:
            continue
        if len(joined) <= SHORT_LABEL:
            # A short label must be the first word(s) of the line, exactly.
            acc = ""
            for i, tok in enumerate(tokens):
                acc += tok
                if acc == joined:
                    cand = (1.0, i + 1)
                    if best is None or cand[0] > best[0]:
                        best = cand
                    break
                if len(acc) >= len(joined):
                    break
            continue
        s, start, end = best_window(tokens, list(label))
        # Labels sit at the start of a line or after an earlier field's value.
        if s >= LABEL_MIN_SIMILARITY and (
            best is None or s > best[0] or (s == best[0] and end > best[1])
        ):
            best = (s, end)
    return best


def _value_words(lines: list[Line], i: int, start: int, stops: list[tuple[tuple[str, ...], ...]]):
    words = list(lines[i].words[start:])
    # Stop at the next label printed on the same line ("Giới tính: Nam   Dân tộc: Kinh").
    tokens = lines[i].tokens[start:]
    cut = len(words)
    for labels in stops:
        for label in labels:
            joined = "".join(label)
            if len(joined) <= SHORT_LABEL:
                continue
            for k in range(1, len(tokens)):
                if "".join(tokens[k : k + len(label)]) == joined:
                    cut = min(cut, k)
    words = words[:cut]
    text = " ".join(w.text for w in words).strip(" :.")
    if not re.search(r"\w", text) and i + 1 < len(lines) and lines[i + 1].page == lines[i].page:
        words = list(lines[i + 1].words)
    return words


def _confidence(words: list[Word]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0


def extract_fields(lines: list[Line], t: DocType) -> dict[str, FieldValue]:
    found: dict[str, FieldValue] = {}
    all_labels = [f.folded_labels for f in t.fields]
    for spec in t.fields:
        hit = _find(lines, spec, [lab for lab in all_labels if lab != spec.folded_labels])
        if hit is not None:
            found[spec.name] = hit
    _cross_check_id(found)
    return found


def _find(lines: list[Line], spec: FieldSpec, stops) -> FieldValue | None:
    best: tuple[float, FieldValue] | None = None
    for i, line in enumerate(lines):
        m = _match_label(line, spec.folded_labels)
        if m is None:
            continue
        similarity, start = m
        words = _value_words(lines, i, start, stops)
        raw = " ".join(w.text for w in words)
        value, ok = NORMALIZERS[spec.kind](raw)
        if value is None:
            continue
        conf = (
            _confidence(words) * (1.0 if ok else FAILED_CHECK_FACTOR) * min(1.0, similarity + 0.1)
        )
        fv = FieldValue(value, conf, conf < REVIEW_BELOW or not ok)
        if best is None or conf > best[0]:
            best = (conf, fv)
    return best[1] if best else None


def _cross_check_id(found: dict[str, FieldValue]) -> None:
    """A 12-digit ID whose birth year, century or sex disagrees with the page is flagged."""
    ident = found.get("id_number")
    if ident is None or ident.value is None:
        return
    dob = found.get("date_of_birth")
    sex = found.get("sex")
    agrees = id_agrees(ident.value, dob.value if dob else None, sex.value if sex else None)
    if agrees is False:
        ident.needs_review = True
        ident.confidence *= FAILED_CHECK_FACTOR
        if dob is not None:
            dob.needs_review = True


_PLACE_DATE = re.compile(r"ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}")


def administrative_metadata(lines: list[Line], catalogue: Catalogue) -> dict[str, FieldValue]:
    """Decree 30 metadata: number/notation, issue date, issuing organ, subject, signer."""
    first = [ln for ln in lines if ln.page == lines[0].page] if lines else []
    out: dict[str, FieldValue] = {}
    for i, ln in enumerate(first):
        key = ln.key
        if "document_number" not in out and re.match(r"^s[o0]\b", key) and "/" in ln.text:
            value, ok = document_number(ln.text)
            if value:
                conf = _confidence(list(ln.words))
                out["document_number"] = FieldValue(value, conf, conf < REVIEW_BELOW or not ok)
                organ = [
                    x
                    for x in first[max(0, i - 3) : i]
                    if x.x < 0.5 and x.key not in catalogue.ignore_lines
                ]
                if organ:
                    o = organ[-1]
                    v, ok2 = printed(o.text)
                    c = _confidence(list(o.words))
                    out["issuer"] = FieldValue(v, c, True)
        if "issue_date" not in out and _PLACE_DATE.search(key):
            value, ok = parse_date(ln.text)
            if value:
                conf = _confidence(list(ln.words))
                out["issue_date"] = FieldValue(value, conf, conf < REVIEW_BELOW or not ok)
        if "subject" not in out and re.match(r"^(v\s*/\s*v|ve viec)\b", key):
            v, ok = printed(ln.text)
            c = _confidence(list(ln.words))
            out["subject"] = FieldValue(v, c, c < REVIEW_BELOW or not ok)
    return out


__all__ = ["FieldValue", "administrative_metadata", "extract_fields", "fold"]
