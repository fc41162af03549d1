"""The archivist's endpoints and the pages' files, on the real queued path.

Real Redis, a moto S3 server and a burst worker in this process (as ``tests/test_api.py``):
documents are uploaded through the API, read by the worker, and the progress and quality
answers are checked against what the store and the queue hold, unit by unit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from digitize.api import archive
from digitize.api.auth import create_key
from digitize.record import Record, save_record
from digitize.settings import Settings
from storage import Store, read_manifest
from tests.pages import LINES, draw_page, encode
from tests.test_api import app_on_s3, work_queue
from workers.report import COLUMNS

UNIT = "000.00.12.H57"
CODE = f"{UNIT}-261130-0001"
CODE2 = f"{UNIT}-261130-0002"
# Unit "A" and unit "A-B": a listing by the prefix "A-" meets unit A-B's dossiers too.
UNIT_A, UNIT_AB = "A", "A-B"


def scan(i: int) -> bytes:
    """A one-page birth certificate at 150 dpi (read in well under a second)."""
    return encode(draw_page((*LINES, f"Số: {i}/2024"), dpi=150), "PNG", dpi=150)


@dataclass
class View:
    client: TestClient
    store: Store
    keys: dict[str, str]

    def get(self, path: str, unit: str = UNIT, **kw):
        return self.client.get(path, headers={"Authorization": f"Bearer {self.keys[unit]}"}, **kw)

    def upload(self, code: str, unit: str, files: list[tuple[str, bytes]]):
        answer = self.client.post(
            f"/v1/dossiers/{code}/documents",
            headers={"Authorization": f"Bearer {self.keys[unit]}"},
            files=[("files", (n, d, "application/octet-stream")) for n, d in files],
        )
        assert answer.status_code == 202, answer.text
        return answer.json()["documents"]

    def work(self) -> None:
        work_queue(self.client)


@pytest.fixture
def view(monkeypatch, redis_url, s3_settings: Settings) -> Iterator[View]:
    with app_on_s3(monkeypatch, redis_url, s3_settings, "[]") as (client, store, _):
        yield View(client, store, {u: create_key(store, u) for u in (UNIT, UNIT_A, UNIT_AB)})


def stored_counts(store: Store, codes: list[str]) -> dict[str, int]:
    """Done / failed documents and pages, counted straight from the manifests."""
    out = {"done": 0, "failed": 0, "pages": 0}
    for code in codes:
        for entry in (read_manifest(store, code) or {}).get("documents", []):
            out[entry["status"]] += 1
            out["pages"] += entry["pages"]
    return out


def test_progress_follows_the_queue_and_the_store_unit_by_unit(view: View):
    view.upload(CODE, UNIT, [("a.png", scan(1)), ("b.png", scan(2))])
    view.upload(CODE2, UNIT, [("hong.pdf", b"%PDF-1.4\n1 0 obj <<>>\nnot a pdf at all")])
    view.upload(f"{UNIT_AB}-261130-0001", UNIT_AB, [("c.png", scan(3))])

    before = view.get("/v1/backlog/progress").json()
    assert before["documents"] == {"total": 3, "done": 0, "failed": 0, "queued": 3, "started": 0}
    assert before["dossiers"] == 2 and before["pages_done"] == 0
    assert before["pages_per_minute"] == 0

    view.work()

    after = view.get("/v1/backlog/progress").json()
    stored = stored_counts(view.store, [CODE, CODE2])
    assert stored == {"done": 2, "failed": 1, "pages": 2}
    docs = after["documents"]
    assert (docs["done"], docs["failed"], docs["queued"], docs["started"]) == (2, 1, 0, 0)
    assert after["pages_done"] == stored["pages"]
    # Everything finished just now, so within the 10-minute window.
    assert after["pages_per_minute"] == pytest.approx(stored["pages"] / 10)
    assert datetime.fromisoformat(after["last_finished_at"]).tzinfo is not None
    assert after["unit"] == UNIT

    # Unit A's prefix "A-" also lists unit A-B's dossier: it must not be counted as A's.
    assert view.get("/v1/backlog/progress", UNIT_A).json()["documents"]["total"] == 0
    ab = view.get("/v1/backlog/progress", UNIT_AB).json()
    assert ab["documents"]["done"] == 1 and ab["dossiers"] == 1

    # An hour later nothing was read in the window; the totals stay.
    cache = archive.ProgressCache()
    conn = view.client.app.state.backends.conn
    later = archive.progress(
        view.store, conn, UNIT, cache=cache, now=datetime.now(UTC) + timedelta(hours=1)
    )
    assert later["pages_per_minute"] == 0 and later["pages_done"] == 2


def test_progress_lists_the_store_once_a_minute_and_meets_new_dossiers_in_the_queue(
    view: View, monkeypatch
):
    conn = view.client.app.state.backends.conn
    cache = archive.ProgressCache()
    assert archive.progress(view.store, conn, UNIT, cache=cache)["dossiers"] == 0
    # Queued through the API: met in the queue, so counted without a new listing.
    view.upload(CODE, UNIT, [("trong.png", b"")])
    assert archive.progress(view.store, conn, UNIT, cache=cache)["documents"]["queued"] == 1
    view.work()
    done = archive.progress(view.store, conn, UNIT, cache=cache)
    assert done["documents"]["failed"] == 1 and done["dossiers"] == 1
    # Stored behind the queue's back (as `digitize run --out` would): seen at the next listing.
    record = Record.start(CODE2, "x.png", doc_id="ab" * 8, sha256="ab" * 32)
    record.fail({"code": "corrupt_file", "message": "x.png is damaged."})
    save_record(view.store, record, original_key=None)
    assert archive.progress(view.store, conn, UNIT, cache=cache)["dossiers"] == 1
    monkeypatch.setattr(archive, "LIST_EVERY_S", 0.0)
    later = archive.progress(view.store, conn, UNIT, cache=cache)
    assert later["dossiers"] == 2 and later["documents"]["failed"] == 2


def test_quality_report_and_its_csv(view: View):
    docs = view.upload(CODE, UNIT, [("a.png", scan(1)), ("b.png", scan(2))])
    view.upload(CODE2, UNIT, [("trong.png", b"")])
    view.work()
    fix = view.client.patch(
        f"/v1/dossiers/{CODE}/documents/{docs[0]['doc_id']}/fields/full_name",
        headers={"Authorization": f"Bearer {view.keys[UNIT]}"},
        json={"value": "Nguyễn Thị Hồng Nhung Bé", "clerk": "Trần Văn An"},
    )
    assert fix.status_code == 200, fix.text

    q = view.get("/v1/backlog/quality").json()
    assert q["documents"]["total"] == 3
    assert q["documents"]["done"] == 2 and q["documents"]["failed"] == 1
    assert q["types"] == [{"code": "birth_certificate", "label": "Giấy khai sinh", "count": 2}]
    (failure,) = q["failures"]
    assert failure["count"] == 1 and failure["code"] == "empty_file"
    assert "Tệp rỗng" in failure["text"]
    by_name = {f["name"]: f for f in q["fields"]}
    assert by_name["full_name"]["corrected"] == 1
    assert by_name["full_name"]["label"] == "Họ và tên"
    assert sum(q["confidence"]["documents"]) == 2
    assert len(q["confidence"]["edges"]) == len(q["confidence"]["documents"]) + 1
    # Every read value is in the fields' histogram (the name was read in both documents).
    assert sum(q["confidence"]["fields"]) >= by_name["full_name"]["read"] == 2
    for reason in q["reasons"]:
        assert reason["text"] and reason["count"] >= 1

    answer = view.get("/v1/backlog/quality", params={"format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith("\ufeff".encode())  # BOM: Excel reads Vietnamese right
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    header = list(rows[0])
    assert header[: len(COLUMNS)] == COLUMNS  # the backlog report's columns, then ours
    assert header[len(COLUMNS) :] == [
        "flagged_fields",
        "review_reasons",
        "corrected_fields",
        "created_at",
    ]
    by_doc = {r["doc_id"]: r for r in rows}
    assert by_doc[docs[0]["doc_id"]]["corrected_fields"] == "full_name"
    assert by_doc[docs[1]["doc_id"]]["corrected_fields"] == ""
    assert by_doc[docs[0]["doc_id"]]["document_type"] == "birth_certificate"
    assert {r["status"] for r in rows} == {"done", "failed"}

    # Another unit's key sees none of it.
    other = view.get("/v1/backlog/quality", UNIT_AB).json()
    assert other["documents"]["total"] == 0 and other["types"] == []


def test_archive_endpoints_need_a_key(view: View):
    for path in ("/v1/backlog/progress", "/v1/backlog/quality", "/v1/desk/terms"):
        assert view.client.get(path).status_code == 401
        bad = view.client.get(path, headers={"Authorization": "Bearer dzk_wrong"})
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorized"
    assert view.get("/v1/backlog/quality", params={"format": "xml"}).status_code == 422


def test_pages_and_their_files_are_served_and_nothing_else(view: View):
    page = view.client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in page.text and "/static/desk.js" in page.text
    assert "webkitdirectory" in page.text  # a scanner's output folder can be picked
    assert "default-src 'self'" in page.headers["content-security-policy"]
    archive_page = view.client.get("/archive")
    assert archive_page.status_code == 200 and "/static/archive.js" in archive_page.text
    js = view.client.get("/static/desk.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    for bad in ("/static/app.py", "/static/..%2Fapp.py", "/static/desk.html"):
        assert view.client.get(bad).status_code == 404
    # Nothing the pages load comes from another server.
    for name in ("desk.html", "archive.html"):
        text = view.client.get("/" if name == "desk.html" else "/archive").text
        assert "http://" not in text and "https://" not in text


def test_terms_give_vietnamese_for_every_code(view: View):
    terms = view.get("/v1/desk/terms").json()
    assert terms["fields"]["full_name"] == "Họ và tên"
    assert terms["types"]["citizen_id"] == "Căn cước công dân"
    assert terms["reasons"]["ocr_unsure"].startswith("Phần mềm nhận dạng chữ")
    from classifiers.review import reasons

    assert set(terms["reasons"]) == set(reasons())
    assert "corrupt_file" in terms["errors"]
