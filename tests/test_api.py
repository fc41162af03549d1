"""The HTTP API on the real queued path: a real Redis, a moto S3 server, burst workers.

An upload answers at once; a burst worker (in this process, as ``tests/test_workers.py``
does) reads the document; the API then serves its record, files, thumbnail and boxes, and
keeps a clerk's correction. Keys: every endpoint answers another unit's key exactly as a
missing dossier (404, same body) and no key with 401.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from digitize.api import create_app
from digitize.api.auth import create_key, unit_of
from digitize.settings import Settings, get_settings
from storage import Store, layout, open_store
from tests.fixtures_s3 import s3_env
from tests.pages import LINES, draw_page, encode
from workers import jobs
from workers.worker import build_worker

UNIT = "000.00.12.H57"
OTHER = "000.00.12.H58"
CODE = f"{UNIT}-261122-0001"
OTHER_CODE = f"{OTHER}-261122-0001"


def scan(i: int = 0) -> bytes:
    """A small one-page birth certificate (150 dpi keeps it well under a second to read)."""
    return encode(draw_page((*LINES, f"Số: {i}/2024"), dpi=150), "PNG", dpi=150)


@dataclass
class Api:
    client: TestClient
    store: Store
    settings: Settings
    key: str
    other_key: str

    def h(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key}"}

    def upload(self, code: str, files: list[tuple[str, bytes]], **form: str):
        return self.client.post(
            f"/v1/dossiers/{code}/documents",
            headers=self.h(),
            files=[("files", (n, d, "application/octet-stream")) for n, d in files],
            data=form,
        )

    def work(self) -> None:
        work_queue(self.client)


def work_queue(client: TestClient) -> None:
    """Run the app's queue to the end with a burst worker in this process."""
    conn = client.app.state.backends.conn
    build_worker(conn, simple=True).work(burst=True, logging_level="WARNING")


@contextmanager
def app_on_s3(
    monkeypatch: pytest.MonkeyPatch, redis_url: str, s3_settings: Settings, retries: str
) -> Iterator[tuple[TestClient, Store, Settings]]:
    """The app on an S3 store, configured from the environment as the workers are, so that a
    burst worker in this process finds the same Redis and store; ``retries`` is
    ``DIGITIZE_JOB_RETRY_INTERVALS_S``."""
    env = {
        "DIGITIZE_REDIS_URL": redis_url,
        "DIGITIZE_JOB_RETRY_INTERVALS_S": retries,
        **s3_env(s3_settings),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("DIGITIZE_WEBHOOK_URL", raising=False)
    get_settings.cache_clear()
    jobs._stores.clear()
    settings = get_settings()
    store = open_store(settings)
    try:
        with TestClient(create_app(settings, store=store)) as client:
            yield client, store, settings
    finally:
        get_settings.cache_clear()
        jobs._stores.clear()


@pytest.fixture
def api(monkeypatch, redis_url, s3_settings: Settings) -> Iterator[Api]:
    """The app on an S3 store, with the worker side configured from the environment."""
    with app_on_s3(monkeypatch, redis_url, s3_settings, "[1]") as (client, store, settings):
        yield Api(client, store, settings, create_key(store, UNIT), create_key(store, OTHER))


def test_dossier_units_are_read_off_the_code_not_by_prefix():
    assert unit_of("000.00.12.H57-231221-0001") == "000.00.12.H57"
    assert unit_of("A-B-231221-0001") == "A-B"  # not unit A's
    assert unit_of("HS-2024-001") is None  # no receipt date and sequence: nobody's


def test_upload_worker_record_files_and_correction(api: Api):
    # A birth registration's result: the certificate the agency issued.
    up = api.upload(CODE, [("giay_khai_sinh.png", scan())], role="result")
    assert up.status_code == 202
    (doc,) = up.json()["documents"]
    assert doc["source_name"] == "giay_khai_sinh.png" and doc["state"] == "queued"
    base = f"/v1/dossiers/{CODE}/documents/{doc['doc_id']}"

    # Answered at once, before any worker ran: the pipeline never runs in the request.
    waiting = api.client.get(base, headers=api.h())
    assert waiting.status_code == 202 and waiting.json() == {"status": "queued"}
    assert api.client.get(f"/v1/jobs/{doc['job_id']}", headers=api.h()).json()["status"] == (
        "queued"
    )
    # The original is already in the store, under the contract's key.
    assert api.client.get(f"{base}/original", headers=api.h()).content == scan()

    api.work()

    rec = api.client.get(base, headers=api.h())
    assert rec.status_code == 200
    record = rec.json()
    assert record["status"] == "done"
    assert record["document_type"]["code"] == "birth_certificate"
    assert record["fields"]["full_name"]["value"] == "Nguyễn Thị Hồng Nhung"
    job = api.client.get(f"/v1/jobs/{doc['job_id']}", headers=api.h()).json()
    assert job["status"] == "done" and job["error_code"] is None

    manifest = api.client.get(f"/v1/dossiers/{CODE}", headers=api.h()).json()
    assert [d["doc_id"] for d in manifest["documents"]] == [doc["doc_id"]]
    assert manifest["documents"][0]["api"]["record"] == base and manifest["pending"] == []

    pdf = api.client.get(f"{base}/searchable.pdf", headers=api.h())
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    redirect = api.client.get(
        f"{base}/searchable.pdf?redirect=true", headers=api.h(), follow_redirects=False
    )
    assert redirect.status_code == 307 and "X-Amz-Signature" in redirect.headers["location"]

    png = api.client.get(f"{base}/pages/1.png", headers=api.h())
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    thumb = Image.open(io.BytesIO(png.content))
    boxes = api.client.get(f"{base}/pages/1.json", headers=api.h()).json()
    assert thumb.height == boxes["height"] == 1000
    assert abs(thumb.width - boxes["width"]) <= 1
    name_boxes = boxes["fields"]["full_name"]["boxes"]
    assert len(name_boxes) == 1
    left, top, width, height = name_boxes[0]
    assert 0 <= left < left + width <= boxes["width"] and 0 <= top < top + height <= 1000
    # The name is on the fourth line of seven, so its box lies in the page's middle band.
    assert 0.3 < (top + height / 2) / 1000 < 0.75
    assert api.client.get(f"{base}/pages/2.png", headers=api.h()).status_code == 404

    fix = api.client.patch(
        f"{base}/fields/full_name",
        headers=api.h(),
        json={"value": "Nguyễn Thị Hồng Nhung", "clerk": "Trần Văn B"},
    )
    assert fix.status_code == 200
    body = fix.json()
    assert body["read_value"] == record["fields"]["full_name"]["value"]
    assert body["confidence"] == record["fields"]["full_name"]["confidence"]
    assert body["correction"]["unit"] == UNIT and body["correction"]["clerk"] == "Trần Văn B"
    assert body["correction"]["at"].endswith("+00:00")

    # Stored with the record; the read field is kept as it was read.
    stored = json.loads(api.store.get_bytes(layout.record_key(CODE, doc["doc_id"])))
    assert stored["fields"]["full_name"] == record["fields"]["full_name"]
    assert stored["corrections"][0]["value"] == "Nguyễn Thị Hồng Nhung"
    # ... and with the object metadata every object of the document is stored with.
    assert api.store.stat(layout.record_key(CODE, doc["doc_id"])).metadata == {
        "dossier-code": CODE,
        "doc-id": doc["doc_id"],
        "sha256": record["sha256"],
        "pipeline-version": record["pipeline_version"],
    }
    # NFC even when the page sends decomposed letters.
    api.client.patch(
        f"{base}/fields/sex", headers=api.h(), json={"value": "Nu\u0303", "clerk": "B"}
    )
    report = api.client.get("/v1/reports/corrections", headers=api.h()).json()["corrections"]
    assert [(c["field"], c["corrected_value"]) for c in report] == [
        ("full_name", "Nguyễn Thị Hồng Nhung"),
        ("sex", "Nũ"),
    ]
    assert report[0]["document_type"] == "birth_certificate" and report[0]["unit"] == UNIT
    assert report[1]["read_value"] == record["fields"]["sex"]["value"]

    row = api.client.get("/v1/reports/digitization", headers=api.h()).json()["rows"][0]
    assert (row["dossiers_received"], row["result_digitized"], row["components_digitized"]) == (
        1,
        1,
        0,
    )
    assert row["fields_corrected"] == 2

    again = api.upload(CODE, [("copy.png", scan())])
    assert again.json()["documents"][0]["state"] == "already_done"
    # Sent again with the default role, the document is still the dossier's result.
    row = api.client.get("/v1/reports/digitization", headers=api.h()).json()["rows"][0]
    assert (row["result_digitized"], row["components_digitized"]) == (1, 0)


def test_limits_answer_413_with_the_limit(api: Api):
    def client(**limits: object) -> TestClient:
        return TestClient(create_app(api.settings.with_overrides(**limits), store=api.store))

    big = client(api_max_upload_mb=0.01).post(
        f"/v1/dossiers/{CODE}/documents",
        headers=api.h(),
        files=[("files", ("big.png", b"\x89PNG\r\n\x1a\n" + bytes(20_000), "image/png"))],
    )
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "upload_too_large"
    assert "big.png" in big.json()["error"]["message"]
    assert "0.01 MB" in big.json()["error"]["message"]

    frames = [draw_page(("Trang",), dpi=50) for _ in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    many = client(api_max_pages=2).post(
        f"/v1/dossiers/{CODE}/documents",
        headers=api.h(),
        files=[("files", ("ok.png", scan(), "image/png")), ("files", ("3.tif", buf.getvalue()))],
    )
    assert many.status_code == 413
    message = many.json()["error"]["message"]
    assert "3.tif has 3 pages" in message and "limit is 2 pages" in message
    # Nothing of the refused upload was stored or queued, not even its good file.
    assert not list(api.store.list(layout.dossier_prefix(CODE)))


def test_a_document_whose_job_redis_lost_is_said_lost_and_read_when_sent_again(api: Api):
    """A job gone from Redis (expired, deleted, a restart without persistence) leaves its
    document waiting for no worker: the API says so, with what to do, and no longer answers
    "queued" for ever; uploading the file again gets it read."""
    from rq.job import Job

    up = api.upload(CODE, [("giay_khai_sinh.png", scan(7))])
    (doc,) = up.json()["documents"]
    Job.fetch(doc["job_id"], connection=api.client.app.state.backends.conn).delete()
    base = f"/v1/dossiers/{CODE}/documents/{doc['doc_id']}"

    waiting = api.client.get(base, headers=api.h())
    assert waiting.status_code == 202
    assert waiting.json()["status"] == "lost" and "Upload the file again" in waiting.json()["hint"]
    job = api.client.get(f"/v1/jobs/{doc['job_id']}", headers=api.h())
    assert job.status_code == 200 and job.json()["status"] == "lost"

    again = api.upload(CODE, [("giay_khai_sinh.png", scan(7))])
    assert again.json()["documents"][0]["doc_id"] == doc["doc_id"]
    api.work()
    assert api.client.get(base, headers=api.h()).json()["status"] == "done"
