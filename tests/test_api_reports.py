"""The Index 766 report against a hand count, and the API spec exercised by schemathesis.

The dossiers below are written as records straight into a store (no OCR: the report reads
records, however they were made). The expected figures are counted by hand in the comments.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from digitize.api import create_app
from digitize.api.auth import create_key
from digitize.api.uploads import write_submission
from digitize.record import (
    Correction,
    DocumentType,
    FieldRecord,
    Record,
    RecordStatus,
    save_record,
)
from digitize.settings import Settings
from storage import LocalStore, Store, layout

U = "000.00.12.H57"


def sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def field(value: str) -> FieldRecord:
    return FieldRecord(value=value, confidence=0.9, needs_review=False, review_reasons=[])


def put(
    store: Store,
    code: str,
    label: str,
    *,
    role: str | None,
    day: date,
    done: bool = True,
    kind: str = "citizen_id",
    id_number: str | None = None,
    corrections: tuple[tuple[str, str], ...] = (),
) -> None:
    """One stored document: ``label`` names its bytes (same label, same bytes)."""
    record = Record.start(
        code, f"{label}.png", doc_id=layout.doc_id_for(sha(label)), sha256=sha(label)
    )
    record.created_at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    record.pages = 1
    if done:
        record.status = RecordStatus.DONE
        record.document_type = DocumentType(code=kind, label=kind, confidence=0.9)
        if kind == "citizen_id":
            record.fields = {
                "full_name": field("Nguyễn Văn A"),
                "id_number": field(id_number or "0"),
            }
        else:
            record.fields = {"document_number": field("12/QĐ-UBND")}
    else:
        record.fail({"code": "corrupt_file", "message": f"{label}.png is damaged."})
    record.corrections = [
        Correction(field=f, value=v, unit=U, clerk="Lê Thị C", at=record.created_at)
        for f, v in corrections
    ] or None
    save_record(store, record, original_key=None)
    if role is not None:
        write_submission(store, code, record.doc_id, role=role, unit=U, source_name=label)


def build(store: Store) -> None:
    nov = lambda d: date(2026, 11, d)  # noqa: E731
    # D6, October (outside the period): its component F is what D7 reuses later.
    put(store, f"{U}-261020-0001", "F", role="component", day=date(2026, 10, 20))
    # D1: component A done, result done -> components, result, both. A corrected once.
    put(
        store,
        f"{U}-261102-0001",
        "A",
        role="component",
        day=nov(2),
        id_number="001",
        corrections=(("date_of_birth", "1990-01-02"),),
    )
    put(store, f"{U}-261102-0001", "R1", role="result", day=nov(2), kind="decision")
    # D2: component C failed -> components not all digitized; result done.
    put(store, f"{U}-261105-0001", "B", role="component", day=nov(5), id_number="777")
    put(store, f"{U}-261105-0001", "C", role="component", day=nov(5), done=False)
    put(store, f"{U}-261105-0001", "R2", role="result", day=nov(5), kind="decision")
    # D3: the same bytes as D1's A -> reuse; no result.
    put(store, f"{U}-261110-0001", "A", role="component", day=nov(10), id_number="001")
    # D4: other bytes, same type and ID number as A once corrected (read 002) -> reuse;
    # result done -> both. Corrections: full_name twice (one field) and id_number.
    put(
        store,
        f"{U}-261115-0001",
        "E",
        role="component",
        day=nov(15),
        id_number="002",
        corrections=(("full_name", "X"), ("full_name", "Y"), ("id_number", "001")),
    )
    put(store, f"{U}-261115-0001", "R4", role="result", day=nov(15), kind="decision")
    # D5: a result only -> no components, so not 'components digitized'.
    put(store, f"{U}-261120-0001", "R5", role="result", day=nov(20), kind="decision")
    # D7: reuses F (October); its result failed.
    put(store, f"{U}-261125-0001", "F", role="component", day=nov(25), id_number="555")
    put(store, f"{U}-261125-0001", "R7", role="result", day=nov(25), done=False)
    # D8: unit 000.00.12.H57-X (its code starts with ours): never counted for U.
    put(store, f"{U}-X-261110-0001", "X", role="component", day=nov(10), id_number="999")
    put(store, f"{U}-X-261110-0001", "RX", role="result", day=nov(10), kind="decision")
    # D9: submitted without a role (a component); the same bytes as D8's, another unit's:
    # not reuse.
    put(store, f"{U}-261112-0001", "X", role=None, day=nov(12), id_number="999")
    # December: outside the period.
    put(store, f"{U}-261201-0001", "Z", role="component", day=date(2026, 12, 1))


HAND_COUNT = {
    "unit": U,
    "from": "2026-11-01",
    "to": "2026-11-30",
    "dossiers_received": 7,  # D1 D2 D3 D4 D5 D7 D9
    "components_digitized": 5,  # D1 D3 D4 D7 D9
    "share_components_digitized": 0.7143,
    "result_digitized": 4,  # D1 D2 D4 D5
    "share_result_digitized": 0.5714,
    "digitized": 2,  # D1 D4
    "share_digitized": 0.2857,
    "full_points": False,
    "reusing": 3,  # D3 (bytes) D4 (type and ID) D7 (bytes, from October)
    "share_reusing": 0.4286,
    "fields_read": 16,  # 2 per done citizen_id (8), 1 per done decision (4)... see below
    "fields_corrected": 3,  # A: date_of_birth; E: full_name, id_number
}
# fields_read: done citizen_ids in the period are A, B, A, E, F, X = 6 x 2 = 12; done
# decisions R1, R2, R4, R5 = 4 x 1 = 4; 12 + 4 = 16.


@pytest.fixture
def reported(tmp_path, redis_url) -> Iterator[tuple[TestClient, str]]:
    store = LocalStore(tmp_path / "store")
    build(store)
    app = create_app(Settings(store=str(tmp_path / "store"), redis_url=redis_url), store=store)
    with TestClient(app) as client:
        yield client, create_key(store, U)


def test_digitization_report_matches_the_hand_count(reported):
    client, key = reported
    h = {"Authorization": f"Bearer {key}"}
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    answer = client.get("/v1/reports/digitization", params=period, headers=h)
    assert answer.status_code == 200
    assert answer.json()["rows"] == [HAND_COUNT]

    as_csv = client.get("/v1/reports/digitization", params={**period, "format": "csv"}, headers=h)
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text.lstrip("\ufeff"))))
    assert rows == [{k: str(v) for k, v in HAND_COUNT.items()}]

    monthly = client.get(
        "/v1/reports/digitization",
        params={"from": "2026-10-15", "to": "2026-12-31", "by": "month"},
        headers=h,
    ).json()["rows"]
    assert [(r["from"], r["to"]) for r in monthly] == [
        ("2026-10-15", "2026-10-31"),
        ("2026-11-01", "2026-11-30"),
        ("2026-12-01", "2026-12-31"),
    ]
    assert monthly[1] == HAND_COUNT
    # October: D6 alone (a component, no result); December: one dossier, a component.
    assert [
        (r["dossiers_received"], r["components_digitized"], r["result_digitized"])
        for r in (monthly[0], monthly[2])
    ] == [(1, 1, 0), (1, 1, 0)]
    weeks = client.get(
        "/v1/reports/digitization", params={**period, "by": "week"}, headers=h
    ).json()["rows"]
    # 2026-11-01 is a Sunday: its week is cut to that day; then four Monday weeks and Nov 30.
    assert weeks[0]["from"] == weeks[0]["to"] == "2026-11-01"
    assert weeks[1]["from"] == "2026-11-02" and weeks[-1]["to"] == "2026-11-30"
    assert sum(w["dossiers_received"] for w in weeks) == HAND_COUNT["dossiers_received"]

    backwards = client.get(
        "/v1/reports/digitization", params={"from": "2026-12-01", "to": "2026-11-01"}, headers=h
    )
    assert backwards.status_code == 400 and backwards.json()["error"]["code"] == "bad_period"
    too_long = client.get(
        "/v1/reports/digitization", params={"from": "1990-01-01", "by": "week"}, headers=h
    )
    assert too_long.status_code == 400 and "at most 400" in too_long.json()["error"]["message"]


def test_corrections_report_lists_each_correction(reported):
    client, key = reported
    rows = client.get("/v1/reports/corrections", headers={"Authorization": f"Bearer {key}"})
    found = [
        (r["dossier_code"][-11:], r["field"], r["corrected_value"])
        for r in rows.json()["corrections"]
    ]
    assert found == [
        ("261102-0001", "date_of_birth", "1990-01-02"),
        ("261115-0001", "full_name", "X"),
        ("261115-0001", "full_name", "Y"),
        ("261115-0001", "id_number", "001"),
    ]
    assert {r["clerk"] for r in rows.json()["corrections"]} == {"Lê Thị C"}


# --- the spec, exercised ---------------------------------------------------------------------


EXAMPLES = 8
"""Generated requests per operation: enough to reach every parameter, small enough for CI."""


def test_api_conforms_to_its_spec(reported):
    """Generated requests (schemathesis, from /openapi.json) never crash the server, and every
    answer matches the spec: status codes, content types, bodies, authentication enforced."""
    client, key = reported
    # A period that runs backwards is valid for the schema and refused with 400 (documented):
    # the one answer besides the defaults that valid data may get.
    config = SchemathesisConfig.from_str(
        "[checks.positive_data_acceptance]\n"
        'expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]\n'
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    headers = {"Authorization": f"Bearer {key}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            case.call_and_validate(headers=headers)

        check()


def test_corrections_outlive_a_new_reading_of_the_document(reported):
    """A failed document a clerk typed fields for, then resubmitted and read: the clerk's
    values stay with the new record."""
    client, key = reported
    store = client.app.state.backends.store
    code = f"{U}-261130-0001"
    put(store, code, "W", role="component", day=date(2026, 11, 30), done=False)
    doc_id = layout.doc_id_for(sha("W"))
    fixed = client.patch(
        f"/v1/dossiers/{code}/documents/{doc_id}/fields/id_number",
        headers={"Authorization": f"Bearer {key}"},
        json={"value": "079123456789", "clerk": "Lê Thị C"},
    )
    assert fixed.status_code == 200 and fixed.json()["read_value"] is None
    put(store, code, "W", role="component", day=date(2026, 11, 30), id_number="079123456780")
    record = client.get(
        f"/v1/dossiers/{code}/documents/{doc_id}", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert record["status"] == "done"
    assert record["fields"]["id_number"]["value"] == "079123456780"
    assert [(c["field"], c["value"]) for c in record["corrections"]] == [
        ("id_number", "079123456789")
    ]
