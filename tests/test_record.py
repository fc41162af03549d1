"""The record model, its one writer and its JSON Schema, on records the pipeline really writes.

Records come from real runs (Tesseract, a local folder and an S3 server, Redis and RQ); the
schema is checked with ``jsonschema``, independently of the pydantic model that produced it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import jsonschema
import pytest
from pydantic import ValidationError
from rq.job import Job, JobStatus

import classifiers
from digitize.pipeline import process_document
from digitize.record import (
    Correction,
    ErrorInfo,
    FieldRecord,
    Record,
    RecordStatus,
    manifest_schema,
    record_schema,
    save_record,
    utc_now,
)
from digitize.settings import get_settings
from storage import Store, layout, read_manifest
from tests.conftest import TRUTH, schema_problems
from tests.pages import LINES, draw_page, encode
from workers import jobs, submit_document
from workers.worker import build_worker

DOSSIER = "000.00.12.H57-261122-0031"


def scan(text: str, *, dpi: int = 150) -> bytes:
    return encode(draw_page((*LINES[:4], text), dpi=dpi), "PNG", dpi=dpi)


def field(**changes) -> dict:
    base = {"value": "Nam", "confidence": 0.9, "needs_review": False, "review_reasons": []}
    return {**base, **changes}


def stored_record(store: Store, doc_id: str, code: str = DOSSIER) -> tuple[dict, bytes]:
    data = store.get_bytes(layout.record_key(code, doc_id))
    return json.loads(data), data


def entry_of(store: Store, doc_id: str, code: str = DOSSIER) -> dict:
    (entry,) = [d for d in read_manifest(store, code)["documents"] if d["doc_id"] == doc_id]
    return entry


def valid(schema: dict, instance: dict) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(instance)]


# --- records of real runs --------------------------------------------------------------------


def test_sample_records_round_trip_through_the_model_and_pass_the_schema(sample_run):
    store, records = sample_run
    assert records, "the sample dossier has documents"
    for name, rec in records.items():
        model = Record.from_stored(rec)
        assert model.to_json_dict() == rec, name
        stored, data = stored_record(store, rec["doc_id"], TRUTH["dossier_code"])
        assert stored == rec and data == model.to_json_bytes(), name
        assert schema_problems(data) == [], name
        assert entry_of(store, rec["doc_id"], TRUTH["dossier_code"]) == (
            model.manifest_entry().model_dump(mode="json")
        )
    manifest = read_manifest(store, TRUTH["dossier_code"])
    assert valid(manifest_schema(), manifest) == []


def test_sample_records_are_read_with_their_fields_and_review_reasons(sample_run):
    """Needs the classifiers to give every field its review reasons (see FieldRecord)."""
    _, records = sample_run
    done = [r for r in records.values() if r["status"] == "done"]
    assert len(done) == len(records), [r["error"] for r in records.values() if r["error"]]
    fields = [f for r in done for f in r["fields"].values()]
    assert fields, "the sample documents have fields"
    assert all(isinstance(f["review_reasons"], list) for f in fields)
    assert all(f["review_reasons"] for f in fields if f["needs_review"])


def test_a_run_record_has_links_and_a_matching_manifest_entry(store: Store, settings):
    data = scan("Số: 31/2024")
    out = process_document(
        data, source_name="scan.png", dossier_code=DOSSIER, store=store, settings=settings
    )
    rec = out.record
    key = lambda name: layout.document_key(DOSSIER, rec["doc_id"], name)  # noqa: E731
    assert rec["links"] == {
        "original": key("original.png"),
        "searchable_pdf": key("searchable.pdf") if rec["status"] == "done" else None,
        "text": key("text.txt") if rec["status"] == "done" else None,
        "record": key("record.json"),
    }
    assert rec["links_are"] == "keys"
    assert rec["created_at"].endswith("+00:00")
    stored, raw = stored_record(store, rec["doc_id"])
    assert stored == rec and schema_problems(raw) == []
    assert entry_of(store, rec["doc_id"]) == Record.from_stored(rec).manifest_entry().model_dump(
        mode="json"
    )


# --- the queue's failure paths ---------------------------------------------------------------


@pytest.fixture
def queue_env(monkeypatch, redis_url) -> Iterator[None]:
    monkeypatch.setenv("DIGITIZE_REDIS_URL", redis_url)
    monkeypatch.setenv("DIGITIZE_JOB_RETRY_INTERVALS_S", "[]")
    for k in ("DIGITIZE_WEBHOOK_URL", "DIGITIZE_WEBHOOK_SECRET"):
        monkeypatch.delenv(k, raising=False)
    get_settings.cache_clear()
    jobs._stores.clear()
    yield
    get_settings.cache_clear()
    jobs._stores.clear()


def submit(data: bytes, store: Store, conn, name: str):
    jobs.register_store(store)
    return submit_document(
        data,
        source_name=name,
        dossier_code=DOSSIER,
        store=store,
        conn=conn,
        settings=get_settings(),
    )


def work(conn) -> None:
    build_worker(conn, simple=True).work(burst=True, with_scheduler=True, logging_level="ERROR")


def test_a_queued_document_whose_original_is_gone_has_links_like_any_record(
    queue_env, store: Store, redis_conn, record_checks
):
    record_checks.take()
    sub = submit(scan("Số: 32/2024"), store, redis_conn, "gone.png")
    original = layout.original_key(DOSSIER, sub.doc_id, "png")
    store.delete(original)
    work(redis_conn)

    job = Job.fetch(sub.job_id, connection=redis_conn)
    assert job.get_status() == JobStatus.FINISHED
    assert job.return_value()["error_code"] == "not_found"
    rec, raw = stored_record(store, sub.doc_id)
    assert rec["status"] == "failed" and rec["error"]["code"] == "not_found"
    assert rec["sha256"] is None and rec["source_name"] == "gone.png"
    assert rec["links"] == {
        "original": None,  # not in the store: no link to nowhere
        "searchable_pdf": None,
        "text": None,
        "record": layout.record_key(DOSSIER, sub.doc_id),
    }
    assert rec["links_are"] == "keys"
    assert schema_problems(raw) == []
    assert entry_of(store, sub.doc_id) == Record.from_stored(rec).manifest_entry().model_dump(
        mode="json"
    )
    written = [c for c in record_checks.take() if c["key"].endswith(f"{sub.doc_id}/record.json")]
    assert written and written[0]["store"] == store.describe() and not written[0]["problems"]


def test_a_job_that_crashes_keeps_a_failed_record_with_its_original(
    monkeypatch, queue_env, local_store, redis_conn
):
    """RQ's failure callback writes the record (through the same writer) and links the original.

    ``process_document`` turns every exception into a failed record, so a job only escapes it
    through a worker-level fault (a killed work horse, a time limit outside the pipeline); that
    fault is simulated by a pipeline call that raises.
    """

    def crash(*args, **kwargs):
        raise RuntimeError("simulated worker fault")

    monkeypatch.setattr(jobs, "process_document", crash)
    sub = submit(scan("Số: 34/2024"), local_store, redis_conn, "crash.png")
    work(redis_conn)

    assert Job.fetch(sub.job_id, connection=redis_conn).get_status() == JobStatus.FAILED
    rec, raw = stored_record(local_store, sub.doc_id)
    assert rec["status"] == "failed" and rec["error"]["code"] == "job_failed"
    original = layout.original_key(DOSSIER, sub.doc_id, "png")
    assert rec["links"]["original"] == original and local_store.exists(original)
    assert rec["links"]["record"] == layout.record_key(DOSSIER, sub.doc_id)
    assert schema_problems(raw) == []
    assert entry_of(local_store, sub.doc_id)["links"] == rec["links"]


# --- the one writer ---------------------------------------------------------------------------

READINGS = 12
"""Readings of one document and clerks' corrections of it, made at the same time."""


def _read_again(doc_id: str, n: int) -> Record:
    """The record a new reading of the same document gives (no corrections of its own)."""
    record = Record.start(DOSSIER, "scan.png", doc_id=doc_id, sha256=doc_id * 4)
    record.status = RecordStatus.DONE
    record.fields = {"document_number": FieldRecord.model_validate(field(value=f"{n}/2024"))}
    return record


def _correct(store: Store, doc_id: str, n: int) -> None:
    """A clerk's correction, stored as the API's PATCH stores it."""

    def apply(current: dict | None) -> dict:
        rec = Record.from_stored(current)
        fix = Correction(
            field="sex", value=f"Nữ {n}", unit="000.00.12.H57", clerk="B", at=utc_now()
        )
        rec.corrections = [*(rec.corrections or []), fix]
        return rec.to_json_dict()

    store.update_json(
        layout.record_key(DOSSIER, doc_id),
        apply,
        metadata=lambda new: Record.from_stored(new).object_metadata(),
    )


def test_corrections_saved_while_the_document_is_read_again_are_all_kept(store: Store):
    doc_id = "cd" * 8
    save_record(store, _read_again(doc_id, 0), original_key=None)
    errors: list[BaseException] = []

    def repeat(action) -> None:
        try:
            for n in range(1, READINGS + 1):
                action(n)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    threads = [
        threading.Thread(target=repeat, args=(lambda n: _correct(store, doc_id, n),)),
        threading.Thread(
            target=repeat,
            args=(lambda n: save_record(store, _read_again(doc_id, n), original_key=None),),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    rec, raw = stored_record(store, doc_id)
    assert [c["value"] for c in rec["corrections"]] == [f"Nữ {n}" for n in range(1, READINGS + 1)]
    assert rec["fields"]["document_number"]["value"] == f"{READINGS}/2024"
    assert schema_problems(raw) == []
    meta = store.stat(layout.record_key(DOSSIER, doc_id)).metadata
    assert meta == {
        "dossier-code": DOSSIER,
        "doc-id": doc_id,
        "sha256": doc_id * 4,
        "pipeline-version": rec["pipeline_version"],
    }


def test_a_record_is_stored_with_its_metadata_and_corrections_survive_a_new_reading(
    store: Store,
):
    doc_id = "ce" * 8
    key = layout.record_key(DOSSIER, doc_id)
    first = save_record(store, _read_again(doc_id, 1), original_key=None)
    assert store.stat(key).metadata["sha256"] == doc_id * 4
    assert store.stat(key).metadata["pipeline-version"] == first["pipeline_version"]
    _correct(store, doc_id, 1)
    again = save_record(store, _read_again(doc_id, 2), original_key=None)
    assert [c["value"] for c in again["corrections"]] == ["Nữ 1"]
    stored, raw = stored_record(store, doc_id)
    assert stored == again and raw == Record.from_stored(again).to_json_bytes()
    info = store.stat(key)
    assert info.content_type == "application/json"
    assert info.metadata["doc-id"] == doc_id and info.metadata["dossier-code"] == DOSSIER
    assert entry_of(store, doc_id)["links"]["record"] == key


def test_a_record_breaking_a_rule_writes_nothing_and_an_unreadable_one_is_replaced(
    local_store: Store, record_checks
):
    doc_id = "cf" * 8
    key = layout.record_key(DOSSIER, doc_id)
    bad = _read_again(doc_id, 1)
    bad.error = ErrorInfo(code="ocr_failed", message="a done record with an error")
    with pytest.raises(ValidationError, match="done record"):
        save_record(local_store, bad, original_key=None)
    assert list(local_store.list(layout.dossier_prefix(DOSSIER))) == []

    # A record.json that is not JSON (edited by hand, a damaged disk) has nothing to keep:
    # the pipeline reads such a document again, and its new record replaces it.
    local_store.put_bytes(key, b"{not json", content_type="application/json")
    record_checks.take()  # put there on purpose
    stored = save_record(local_store, _read_again(doc_id, 2), original_key=None)
    assert stored_record(local_store, doc_id)[0] == stored and "corrections" not in stored
    assert local_store.stat(key).metadata["sha256"] == doc_id * 4


# --- the model's rules -----------------------------------------------------------------------


def test_a_field_flagged_for_review_must_say_why():
    with pytest.raises(ValidationError, match="at least one review reason"):
        FieldRecord.model_validate(field(needs_review=True))
    with pytest.raises(ValidationError, match="review_reasons"):
        FieldRecord.model_validate({"value": "Nam", "confidence": 0.9, "needs_review": False})
    with pytest.raises(ValidationError):
        FieldRecord.model_validate(field(review_reasons=["Low Confidence"]))
    ok = FieldRecord.model_validate(field(needs_review=True, review_reasons=["low_confidence"]))
    assert ok.review_reasons == ["low_confidence"]


def _stored(**changes) -> dict:
    record = Record.start(DOSSIER, "a.png", doc_id="ab" * 8, sha256="ab" * 32)
    record.status = RecordStatus.DONE
    record.link(None)
    return {**record.to_json_dict(), **changes}


def test_the_schema_says_what_the_model_says():
    schema = record_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] and schema["title"] == "digitize record.json"
    good = _stored(fields={"sex": field(needs_review=True, review_reasons=["check_failed"])})
    assert valid(schema, good) == []
    assert Record.from_stored(good).to_json_dict() == good

    bad = {
        "no reason": _stored(fields={"sex": field(needs_review=True)}),
        "no reasons key": _stored(
            fields={"sex": {"value": "Nam", "confidence": 1.0, "needs_review": False}}
        ),
        "confidence over 1": _stored(fields={"sex": field(confidence=1.5)}),
        "failed without error": _stored(status="failed"),
        "done with error": _stored(error={"code": "ocr_failed", "message": "x", "hint": None}),
        "time without offset": _stored(created_at="2026-11-30T09:00:00"),
        "unknown key": _stored(score=3),
        "no links": {k: v for k, v in _stored().items() if k != "links"},
        "bad status": _stored(status="queued"),
    }
    for why, record in bad.items():
        assert valid(schema, record), f"schema accepts a record with {why}"
        with pytest.raises(ValidationError):
            Record.from_stored(record)


def test_the_manifest_schema_is_published_too():
    schema = manifest_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] != record_schema()["$id"]
    entry = Record.from_stored(_stored()).manifest_entry().model_dump(mode="json")
    manifest = {
        "dossier_code": DOSSIER,
        "documents": [entry],
        "updated_at": "2026-11-30T09:00:00+00:00",
        "links_are": "keys",
    }
    assert valid(schema, manifest) == []
    assert valid(schema, {**manifest, "documents": [{**entry, "status": "lost"}]})


def test_a_classifier_breaking_the_record_rules_fails_only_that_document(
    monkeypatch, local_store, settings
):
    """A fault real pages cannot cause once the classifiers are right: a flag with no reason."""
    real = classifiers.classify

    def flag_without_reason(pages):
        found = real(pages)
        found.fields["sex"] = field(needs_review=True)
        return found

    monkeypatch.setattr(classifiers, "classify", flag_without_reason)
    out = process_document(
        scan("Số: 33/2024"),
        source_name="scan.png",
        dossier_code=DOSSIER,
        store=local_store,
        settings=settings,
    )
    rec = out.record
    assert rec["status"] == "failed" and rec["error"]["code"] == "internal_error"
    stored, raw = stored_record(local_store, rec["doc_id"])
    assert stored == rec and schema_problems(raw) == []
    assert entry_of(local_store, rec["doc_id"])["status"] == "failed"


def test_the_suite_catches_a_record_json_that_breaks_the_schema(local_store, record_checks):
    record_checks.take()
    key = layout.record_key(DOSSIER, "ab" * 8)
    local_store.put_bytes(key, json.dumps(_stored(status="failed")).encode(), content_type="a/b")
    (check,) = record_checks.take()  # taken here, so this test itself does not fail
    assert check["key"] == key and check["store"] == local_store.describe()
    assert any("error" in p for p in check["problems"])
    local_store.delete(key)  # nor does the look at its folder after it
