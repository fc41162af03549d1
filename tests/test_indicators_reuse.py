"""Index 766 'reusing digitized data' (4.3): the look-up index gives the answers of the plain
rule (a pass over every earlier document), and a unit with thousands of documents is counted."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from digitize.api.indicators import Doc, ReuseIndex, digitization_row

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def reuses_by_rule(doc: Doc, docs: list[Doc]) -> bool:
    """The rule as written: another dossier's done document, created strictly before, with the
    same original bytes, or the same known type and ID number."""
    for e in docs:
        if e.dossier_code == doc.dossier_code or not e.done or e.created_at >= doc.created_at:
            continue
        if doc.sha256 and e.sha256 == doc.sha256:
            return True
        same_type = doc.doc_type != "unknown" and e.doc_type == doc.doc_type
        if same_type and doc.id_number and e.id_number == doc.id_number:
            return True
    return False


def _doc(n: int, dossier: int, *, sha, doc_type, ident, minute: int, done=True, role="component"):
    return Doc(
        dossier_code=f"000.00.12.H57-261102-{dossier:04d}",
        doc_id=f"{n:016x}",
        received=date(2026, 11, 2),
        role=role,
        done=done,
        sha256=sha,
        doc_type=doc_type,
        id_number=ident,
        created_at=T0 + timedelta(minutes=minute),
    )


def _random_docs(rng: random.Random, n: int) -> list[Doc]:
    """Few dossiers, hashes, types, numbers and minutes: many collisions and ties."""
    return [
        _doc(
            i,
            rng.randrange(4),
            sha=rng.choice([None, "", "a", "b", "c"]),
            doc_type=rng.choice(["unknown", "citizen_id", "birth_certificate"]),
            ident=rng.choice([None, "", "001", "002"]),
            minute=rng.randrange(6),
            done=rng.random() < 0.7,
        )
        for i in range(n)
    ]


def test_the_index_answers_as_the_rule_on_many_small_sets():
    rng = random.Random(766)
    answers = {True: 0, False: 0}
    for _ in range(400):
        docs = _random_docs(rng, rng.randrange(1, 25))
        index = ReuseIndex(docs)
        for d in docs:
            expected = reuses_by_rule(d, docs)
            assert index.reuses(d) == expected, (d, docs)
            answers[expected] += 1
    assert answers[True] > 100 and answers[False] > 100  # both answers were put to the test


def test_the_rows_count_as_the_rule_on_a_small_set():
    rng = random.Random(43)
    docs = _random_docs(rng, 60)
    by_dossier: dict[str, list[Doc]] = {}
    for d in docs:
        by_dossier.setdefault(d.dossier_code, []).append(d)
    expected = sum(
        any(reuses_by_rule(d, docs) for d in ds if d.role == "component")
        for ds in by_dossier.values()
    )
    assert digitization_row("000.00.12.H57", docs, None, None)["reusing"] == expected


def test_thousands_of_documents_are_counted():
    """4000 dossiers of two documents: every second dossier brings a citizen ID first digitized
    in the dossier before it (same number, another scan), and a result."""
    docs = []
    for i in range(4000):
        docs.append(
            _doc(
                2 * i,
                i,
                sha=f"scan-{i}",
                doc_type="citizen_id",
                ident=f"{i // 2:012d}",
                minute=i,
            )
        )
        docs.append(
            _doc(
                2 * i + 1,
                i,
                sha=f"result-{i}",
                doc_type="decision",
                ident=None,
                minute=i,
                role="result",
            )
        )
    row = digitization_row("000.00.12.H57", docs, None, None)
    assert row["dossiers_received"] == 4000 and row["digitized"] == 4000
    assert row["reusing"] == 2000
    # A sample checked against the rule itself.
    sample = docs[::397]
    index = ReuseIndex(docs)
    assert [index.reuses(d) for d in sample] == [reuses_by_rule(d, docs) for d in sample]
