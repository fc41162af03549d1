"""The classifiers on real Vietnamese administrative documents (the development part of
``../shared/evaldata/vie-real``), scored against the set's own truth at run time.

Page readings come from the real-scan benchmark's cache (``bench/out/real/pages``) when it
holds them; otherwise only a few small single-page images are read here, once per session.
The held-out files named in ``bench.bench_real.HOLDOUT`` are never looked at. Skips cleanly
when the evaluation data is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "evaldata" / "vie-real"
FRESH_AT_MOST = 3
"""Files read here when the benchmark's cache is empty (small single-page images only)."""


def _fresh(path: Path) -> list[dict[str, Any]]:
    from bench.bench_real import page_to_json
    from digitize.intake import open_document
    from digitize.reading import complete_page, prepared_pages

    doc = open_document(path, None, max_pixels=120_000_000, pdf_dpi=300, name=path.name)
    ready = prepared_pages(doc.pages(), lang="vie", timeout=300, name=path.name)
    return [page_to_json(complete_page(r, lang="vie", timeout=300).result) for r in ready]


def _cached(path: Path) -> list[dict[str, Any]] | None:
    from bench.bench_real import CACHE, _sha

    found = sorted((CACHE / "pages").glob(f"{_sha(path)}-*.json"))
    preferred = [f for f in found if f.name.endswith("-base040.json")] or found
    if not preferred:
        return None
    return json.loads(preferred[0].read_text(encoding="utf-8"))["pages"]


@pytest.fixture(scope="session")
def readings() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(truth entry, page readings) of the development files that could be read."""
    truth = DATA / "truth.json"
    if not truth.exists():
        pytest.skip("the real evaluation documents are not on this machine")
    from bench.bench_real import HOLDOUT

    entries = [e for e in json.loads(truth.read_text(encoding="utf-8")) if e["file"] not in HOLDOUT]
    out, missing = [], []
    for entry in entries:
        pages = _cached(DATA / entry["file"])
        if pages is None:
            missing.append(entry)
        else:
            out.append((entry, pages))
    small = [
        e
        for e in missing
        if e.get("pages") == 1 and Path(e["file"]).suffix.lower() in (".png", ".jpg", ".jpeg")
    ]
    small.sort(key=lambda e: (DATA / e["file"]).stat().st_size)
    # One multi-page born-digital export too: its text layer reads in a moment, and its
    # signer stands on its last page.
    exported = [
        e
        for e in missing
        if (e.get("pages") or 1) > 1
        and "signer" in e["fields"]
        and "born-digital" in str(e.get("capture", "")).lower()
    ]
    for entry in small[:FRESH_AT_MOST] + exported[:1]:
        out.append((entry, _fresh(DATA / entry["file"])))
    if not out:
        pytest.skip("no development file could be read")
    return out


@pytest.fixture(scope="session")
def records(readings) -> list[tuple[dict[str, Any], int, dict[str, Any]]]:
    """(truth entry, page count, the record the pipeline writes) of each file read."""
    from bench.bench_real import record_for

    return [(e, len(p), record_for(p, e["file"])) for e, p in readings]


def _scores(records):
    from bench.realscore import Totals, score_file

    totals, files = Totals(), []
    for entry, _pages, record in records:
        s = score_file(entry, record, None)
        totals.add(s)
        files.append(s)
    return totals.row(), files


def test_document_types_of_real_documents(records):
    row, files = _scores(records)
    wrong = [(s.file, s.got_type) for s in files if not s.type_right]
    # One development file is a phone photo Tesseract reads as noise: nothing to classify.
    assert len(wrong) <= max(1, len(files) // 10), wrong


def test_fields_of_real_documents(records):
    row, files = _scores(records)
    if row["fields"] < 30:
        # A few freshly read pages: most values right, at most one wrong without a flag.
        assert row["field_exact_pct"] >= 50.0, row
        assert row["wrong_unflagged_per_100"] * row["fields"] <= 100.0, row
        return
    assert row["field_exact_pct"] >= 50.0, row
    assert row["wrong_unflagged_per_100"] <= 2.0, row


def test_every_flag_of_a_real_document_names_its_reason(records):
    for entry, _pages, record in records:
        for name, value in record["fields"].items():
            assert value["needs_review"] == bool(value.get("review_reasons")), (entry["file"], name)


def test_multi_page_documents_take_the_signer_from_their_last_signed_page(records):
    multi = [r for r in records if r[1] > 1 and "signer" in r[0]["fields"]]
    if not multi:
        pytest.skip("no multi-page development file was read")
    _, files = _scores(multi)
    right = sum(s.fields["signer"]["outcome"] == "right" for s in files)
    unflagged_wrong = [
        s.file
        for s in files
        if s.fields["signer"]["outcome"] == "wrong" and not s.fields["signer"]["needs_review"]
    ]
    assert right >= len(files) // 2, [s.fields["signer"] for s in files]
    assert not unflagged_wrong
