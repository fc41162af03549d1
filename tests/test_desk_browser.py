"""The desk page and the archivist's view in a real browser, against a real server.

``digitize serve`` and ``digitize worker`` run as the commands a desk would start, in
subprocesses, on a real Redis and a moto S3 server; headless Chromium (Debian's, driven by
Playwright with its executable path set: no browser is downloaded) opens the pages. A clerk
makes a key's way in, scans a dossier code as a barcode scanner types it, uploads a scan,
sees its type and fields appear, corrects a field, and the correction is found in the stored
record. The archivist's numbers are checked against the store, and its CSV is downloaded.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from digitize.settings import Settings
from storage import Store, layout, open_store, read_manifest
from tests.fixtures_s3 import s3_env
from tests.pages import LINES, draw_page, encode

CHROMIUM = Path(os.environ.get("DIGITIZE_TEST_CHROMIUM", "/usr/bin/chromium"))
UNIT = "000.00.12.H57"
CODE = f"{UNIT}-261130-0007"
CLERK = "Trần Thị Mai"
READ_TIMEOUT_MS = 60_000
"""How long the page may take to show a read document (a worker on a busy two-core machine)."""

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium", allow_module_level=True)
expect = sync_api.expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Desk:
    url: str
    key: str
    store: Store
    settings: Settings
    files: Path
    redis_url: str = ""

    def call(self, path: str, *, data: bytes | None = None, headers: dict | None = None):
        """A plain HTTP call with the unit's key: ``(status, body bytes)``."""
        req = urllib.request.Request(
            self.url + path,
            data=data,
            headers={"Authorization": f"Bearer {self.key}", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


def _wait_http(url: str, proc: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server stopped: {log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
            return
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer in {seconds} s")


def _stop(proc: subprocess.Popen, grace_s: float) -> None:
    """Ask a process to stop, and end it after ``grace_s`` (an idle worker may not listen)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="module")
def desk(redis_server_url, s3_endpoint, tmp_path_factory) -> Iterator[Desk]:
    """``digitize serve`` and a ``digitize worker`` on real Redis and S3, and a unit's key."""
    tmp = tmp_path_factory.mktemp("desk")
    settings = s3_endpoint.settings(f"desk-{uuid.uuid4().hex[:12]}")
    env = {
        **os.environ,
        **s3_env(settings),
        "DIGITIZE_REDIS_URL": redis_server_url,
        "DIGITIZE_JOB_RETRY_INTERVALS_S": "[]",
        "DIGITIZE_API_MAX_PAGES": "1",
    }
    for name in ("DIGITIZE_WEBHOOK_URL", "DIGITIZE_SIGN_P12", "DIGITIZE_CATALOGUE"):
        env.pop(name, None)
    conn = redis.Redis.from_url(redis_server_url)
    conn.flushdb()
    digitize = [sys.executable, "-m", "digitize"]
    port = _free_port()
    server_log, worker_log = tmp / "serve.log", tmp / "worker.log"
    with server_log.open("wb") as slog, worker_log.open("wb") as wlog:
        server = subprocess.Popen(
            [*digitize, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=slog,
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [*digitize, "worker"], env=env, stdout=wlog, stderr=subprocess.STDOUT
        )
    try:
        # The key is made as an administrator makes it, while the server and worker start.
        made = subprocess.run(
            [*digitize, "keys", "create", "--unit", UNIT], env=env, capture_output=True, text=True
        )
        assert made.returncode == 0, made.stderr
        key = made.stdout.strip().splitlines()[-1]
        url = f"http://127.0.0.1:{port}"
        _wait_http(url + "/", server, server_log)
        files = tmp / "scans"
        files.mkdir()
        (files / "giay_khai_sinh.png").write_bytes(
            encode(draw_page(LINES, dpi=150), "PNG", dpi=150)
        )
        page = draw_page(LINES, dpi=150)
        page.save(files / "hai_trang.tif", save_all=True, append_images=[page], dpi=(150, 150))
        store = open_store(settings)
        yield Desk(url, key, store, settings, files, redis_server_url)
    finally:
        _stop(server, 10)
        _stop(worker, 3)
        conn.flushdb()
        conn.close()


@pytest.fixture(scope="module")
def browser(desk) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield b
        finally:
            b.close()


def _page_with_key(browser, desk: Desk, key: str | None = None):
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    context.add_init_script(
        f"localStorage.setItem('digitize.key', {json.dumps(key or desk.key)});"
        f"localStorage.setItem('digitize.clerk', {json.dumps(CLERK)});"
    )
    return context, context.new_page()


def test_clerk_scans_a_code_uploads_sees_type_and_fields_and_corrects_one(browser, desk: Desk):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(desk.url + "/")
    # The key is asked once; the keyboard alone gets through.
    expect(page.locator("#key-section")).to_be_visible()
    expect(page.locator("#key-input")).to_be_focused()
    page.keyboard.type(desk.key)
    page.keyboard.press("Tab")
    page.keyboard.type(CLERK)
    page.keyboard.press("Enter")
    expect(page.locator("#desk")).to_be_visible()
    expect(page.locator("#dossier-input")).to_be_focused()
    assert page.evaluate("localStorage.getItem('digitize.key')") == desk.key

    # A barcode scanner types the code and Enter wherever the focus is.
    page.evaluate("document.activeElement.blur()")
    page.keyboard.type(CODE, delay=5)
    page.keyboard.press("Enter")
    expect(page.locator("#dossier-code")).to_have_text(CODE)
    expect(page.locator("#status")).to_contain_text("chưa có tài liệu")

    # Two files at once: the two-page TIFF is over the page limit (1), the scan goes through.
    page.set_input_files(
        "#file-input", [desk.files / "hai_trang.tif", desk.files / "giay_khai_sinh.png"]
    )
    refused = page.locator("li.doc", has_text="hai_trang.tif")
    expect(refused).to_have_attribute("data-state", "failed")
    expect(refused.locator(".error")).to_contain_text("vượt giới hạn")
    expect(refused.locator(".error")).to_contain_text("1")  # the limit itself is said
    expect(refused.locator(".picture")).to_be_hidden()  # no page to show: no empty column

    card = page.locator("li.doc", has_text="giay_khai_sinh.png")
    expect(card).to_have_attribute("data-state", "done", timeout=READ_TIMEOUT_MS)
    expect(card.locator(".type")).to_contain_text("Giấy khai sinh")
    expect(card.locator(".state")).to_have_text("Xong")
    name = card.locator('input[data-field="full_name"]')
    expect(name).to_have_value("Nguyễn Thị Hồng Nhung")
    expect(card.locator("label", has_text="Họ và tên")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("xong")
    # The page picture is there, with a box where the name was read.
    expect(card.locator(".thumb img")).to_be_visible()
    assert card.locator(".thumb img").evaluate("img => img.naturalHeight") == 1000
    expect(card.locator('.thumb rect[data-field="full_name"]')).to_have_count(1)

    # Correct the name in place; Enter saves it.
    name.click()
    expect(card.locator('.thumb rect[data-field="full_name"]')).to_have_class("active")
    name.fill("Nguyễn Thị Hồng Nhung Anh")
    name.press("Enter")
    expect(card.locator("tr[data-field=full_name] .saved")).to_contain_text(f"Đã sửa bởi {CLERK}")

    doc_id = card.get_attribute("data-doc")
    stored = json.loads(desk.store.get_bytes(layout.record_key(CODE, doc_id)))
    (fix,) = stored["corrections"]
    assert fix["field"] == "full_name" and fix["value"] == "Nguyễn Thị Hồng Nhung Anh"
    assert fix["clerk"] == CLERK and fix["unit"] == UNIT
    assert fix["read_value"] == "Nguyễn Thị Hồng Nhung"
    assert stored["fields"]["full_name"]["value"] == "Nguyễn Thị Hồng Nhung"  # kept as read

    # Reopened later (the code stays in the address), the correction is what is shown.
    page.reload()
    card = page.locator("li.doc", has_text="giay_khai_sinh.png")
    expect(card).to_have_attribute("data-state", "done")
    expect(card.locator('input[data-field="full_name"]')).to_have_value("Nguyễn Thị Hồng Nhung Anh")
    # Every text box, file picker and radio button has a label a screen reader reads.
    unlabelled = page.locator("input").evaluate_all(
        "els => els.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))"
        ".map(e => e.id || e.outerHTML)"
    )
    assert unlabelled == []
    assert page.locator("#status").get_attribute("aria-live") == "polite"
    # Focus is visible on the page's buttons.
    button = card.locator("button", has_text="PDF")
    button.focus()
    assert button.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"
    context.close()


def test_wrong_key_and_no_network_are_told_in_vietnamese(browser, desk: Desk):
    context, page = _page_with_key(browser, desk, key="dzk_not-a-key")
    page.goto(desk.url + "/")
    expect(page.locator("#alert")).to_contain_text("Mã khóa không đúng")
    expect(page.locator("#key-section")).to_be_visible()
    context.close()

    context, page = _page_with_key(browser, desk)
    page.goto(desk.url + "/")
    expect(page.locator("#desk")).to_be_visible()
    page.fill("#dossier-input", "000.00.12.H58-261130-0001")  # another unit's
    page.press("#dossier-input", "Enter")
    expect(page.locator("#status")).to_contain_text("chưa có tài liệu")
    page.set_input_files("#file-input", [desk.files / "giay_khai_sinh.png"])
    expect(page.locator("#alert")).to_contain_text("Không tìm thấy")
    context.set_offline(True)
    page.fill("#dossier-input", CODE)
    page.press("#dossier-input", "Enter")
    expect(page.locator("#alert")).to_contain_text("Mất kết nối tới máy chủ")
    context.close()


def test_a_document_whose_job_was_lost_says_so_and_what_to_do(browser, desk: Desk):
    """A document waits for a job Redis no longer has (expired, or gone with a restart):
    its card says it will not be read and to send the file again, instead of waiting."""
    from workers import tracking

    code = f"{UNIT}-261130-0099"
    conn = redis.Redis.from_url(desk.redis_url)
    try:
        conn.sadd(tracking.pending_key(code), "0123456789abcdef")
        context, page = _page_with_key(browser, desk)
        page.goto(desk.url + "/")
        page.fill("#dossier-input", code)
        page.press("#dossier-input", "Enter")
        card = page.locator('[data-doc="0123456789abcdef"]')
        expect(card.locator(".state")).to_have_text("Mất khỏi hàng đợi")
        expect(card.locator(".error")).to_contain_text("hãy gửi lại tệp")
        # No picture will come: the message spans the card instead of standing beside an
        # empty picture column.
        picture = card.locator(".picture")
        expect(picture).to_have_count(1)
        expect(picture).to_be_hidden()
        inner = card.evaluate(
            "c => c.clientWidth - parseFloat(getComputedStyle(c).paddingLeft)"
            " - parseFloat(getComputedStyle(c).paddingRight)"
        )
        assert card.locator(".error").bounding_box()["width"] >= 0.95 * inner
        context.close()
    finally:
        conn.delete(tracking.pending_key(code))
        conn.close()


def _unit_counts(store: Store) -> dict[str, int]:
    """Done / failed documents and their pages in the unit's dossiers, from the manifests."""
    out = {"done": 0, "failed": 0, "pages": 0}
    for key in store.list(f"{layout.DOSSIERS}/{UNIT}-"):
        if key.endswith("/" + layout.MANIFEST):
            code = key.split("/")[1]
            for entry in (read_manifest(store, code) or {}).get("documents", []):
                out[entry["status"]] += 1
                out["pages"] += entry["pages"]
    return out


def test_archivist_view_matches_the_store_and_gives_the_csv(browser, desk: Desk, tmp_path):
    # An empty file fails at once: the failures chart has something to show.
    boundary = "dzboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="trong.jpg"'
        f"\r\nContent-Type: image/jpeg\r\n\r\n\r\n--{boundary}--\r\n"
    ).encode()
    status, _ = desk.call(
        f"/v1/dossiers/{UNIT}-261130-0008/documents",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 202
    deadline = time.monotonic() + READ_TIMEOUT_MS / 1000
    while True:
        progress = json.loads(desk.call("/v1/backlog/progress")[1])
        if progress["documents"]["queued"] + progress["documents"]["started"] == 0:
            break
        assert time.monotonic() < deadline, progress
        time.sleep(0.5)
    expected = _unit_counts(desk.store)
    assert expected["failed"] >= 1
    assert progress["documents"]["done"] == expected["done"]
    assert progress["documents"]["failed"] == expected["failed"]
    assert progress["pages_done"] == expected["pages"]

    context, page = _page_with_key(browser, desk)
    page.goto(desk.url + "/archive")
    expect(page.locator("#unit")).to_have_text(UNIT)
    expect(page.locator("#n-done")).to_have_text(str(expected["done"]))
    expect(page.locator("#n-failed")).to_have_text(str(expected["failed"]))
    expect(page.locator("#n-pages")).to_have_text(str(expected["pages"]))
    expect(page.locator("#n-queued")).to_have_text("0")
    done = expected["done"] + expected["failed"]
    assert page.locator("#progress-bar").evaluate("p => p.value") == done
    failures = page.locator("#chart-failures")
    expect(failures.locator("svg rect")).to_have_count(1)
    expect(failures.locator("table")).to_contain_text("empty_file")
    expect(failures.locator("table")).to_contain_text("Tệp rỗng")  # and what to do, in words
    if expected["done"]:
        expect(page.locator("#chart-types table")).to_contain_text("Giấy khai sinh")
    confidence = page.locator("#chart-confidence svg[role=img]")
    expect(confidence).to_have_attribute("aria-labelledby", "chart-confidence-t")

    with page.expect_download() as download:
        page.click("#csv")
    path = tmp_path / "report.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == done
    assert {r["status"] for r in rows} <= {"done", "failed"}
    assert sum(r["status"] == "failed" for r in rows) == expected["failed"]
    assert sum(int(r["pages"]) for r in rows) == expected["pages"]
    context.close()


def test_the_pages_load_nothing_from_elsewhere(browser, desk: Desk):
    context, page = _page_with_key(browser, desk)
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    for path in ("/", "/archive"):
        page.goto(desk.url + path)
        page.wait_for_load_state("networkidle")
    assert seen and all(u.startswith(desk.url) or u.startswith("blob:") for u in seen), seen
    context.close()
