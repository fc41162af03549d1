"""Keys per unit: another unit's dossier is a missing dossier, and no key is no answer.

Every ``/v1`` route of the app is listed from the app itself, so an endpoint added later
without a case here fails :func:`test_every_dossier_endpoint_hides_other_units`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from digitize.api import create_app
from digitize.api.auth import KEYS_PREFIX, create_key, key_hash
from digitize.cli.main import main
from digitize.pipeline import sha256_of
from digitize.record import Record, RecordStatus, save_record
from digitize.settings import Settings
from storage import LocalStore, layout
from tests.fixtures_redis import _free_port
from workers.queues import job_id_for

UNIT = "000.00.12.H57"
OTHER = "000.00.12.H58"
CODE = f"{UNIT}-261122-0001"
DATA = b"\x89PNG\r\n\x1a\n" + b"not really a picture"
DOC_ID = layout.doc_id_for(sha256_of(DATA))
BASE = f"/v1/dossiers/{CODE}/documents/{DOC_ID}"


@pytest.fixture
def app_parts(tmp_path, redis_url) -> Iterator[tuple[TestClient, LocalStore, str, str]]:
    store = LocalStore(tmp_path / "store")
    settings = Settings(store=str(tmp_path / "store"), redis_url=redis_url)
    with TestClient(create_app(settings, store=store)) as client:
        yield client, store, create_key(store, UNIT), create_key(store, OTHER)


def dossier_requests() -> list[tuple[str, str, dict]]:
    """One request per route that names a dossier or a job (method, path, keyword args)."""
    files = {"files": ("a.png", DATA, "image/png")}
    return [
        ("POST", f"/v1/dossiers/{CODE}/documents", {"files": files}),
        ("GET", f"/v1/dossiers/{CODE}", {}),
        ("GET", BASE, {}),
        ("GET", f"{BASE}/searchable.pdf", {}),
        ("GET", f"{BASE}/original", {}),
        ("GET", f"{BASE}/pages/1.png", {}),
        ("GET", f"{BASE}/pages/1.json", {}),
        ("PATCH", f"{BASE}/fields/full_name", {"json": {"value": "A", "clerk": "B"}}),
        ("GET", f"/v1/jobs/{job_id_for(CODE, DOC_ID)}", {}),
    ]


def operations(client: TestClient) -> set[tuple[str, str]]:
    """Every (METHOD, path template) the app publishes in its OpenAPI spec."""
    paths = client.app.openapi()["paths"]
    return {(m.upper(), path) for path, ops in paths.items() for m in ops}


def _template(path: str) -> str:
    """The route template a concrete path was made from."""
    return (
        path.replace(job_id_for(CODE, DOC_ID), "{job_id}")
        .replace(CODE, "{code}")
        .replace(DOC_ID, "{doc_id}")
        .replace("/pages/1.", "/pages/{n}.")
        .replace("/fields/full_name", "/fields/{name}")
    )


def _store_done_record(store: LocalStore) -> None:
    record = Record.start(CODE, "a.png", doc_id=DOC_ID, sha256=sha256_of(DATA))
    record.status = RecordStatus.DONE
    record.pages = 1
    save_record(store, record, original_key=None)


def test_every_dossier_endpoint_hides_other_units(app_parts):
    client, store, key, other = app_parts
    routes = {(m, p) for m, p in operations(client) if "{code}" in p or "{job_id}" in p}
    cases = dossier_requests()
    assert {(m, _template(p)) for m, p, _ in cases} == routes, "a route without a case"

    def ask(with_key: str) -> list[tuple[int, bytes]]:
        answers = []
        for method, path, kwargs in cases:
            r = client.request(
                method, path, headers={"Authorization": f"Bearer {with_key}"}, **kwargs
            )
            answers.append((r.status_code, r.content))
        return answers

    # Before the dossier exists, then once it holds a document with a record and a
    # correction: the other unit gets the very same answers, byte for byte.
    before = ask(other)
    assert all(status == 404 for status, _ in before), before
    _store_done_record(store)
    assert ask(key)[0][0] == 202  # the owner's upload goes through (and queues a job)
    fix = client.patch(
        f"{BASE}/fields/full_name",
        headers={"Authorization": f"Bearer {key}"},
        json={"value": "A", "clerk": "B"},
    )
    assert fix.status_code == 200
    assert ask(other) == before
    own = ask(key)
    assert own[1][0] == 200 and own[2][0] == 200  # the manifest and the record: there
    report = client.get("/v1/reports/corrections", headers={"Authorization": f"Bearer {other}"})
    assert report.status_code == 200 and report.json()["corrections"] == []
    digitization = client.get(
        "/v1/reports/digitization", headers={"Authorization": f"Bearer {other}"}
    )
    assert digitization.json()["rows"][0]["dossiers_received"] == 0
    mine = client.get("/v1/reports/digitization", headers={"Authorization": f"Bearer {key}"})
    assert mine.json()["rows"][0]["dossiers_received"] == 1


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer dzk_made-up", "Basic abc"])
def test_every_api_endpoint_needs_a_known_key(app_parts, header):
    client, *_ = app_parts
    routes = sorted((m, p) for m, p in operations(client) if p.startswith("/v1/"))
    assert len(routes) >= 11
    headers = {"Authorization": header} if header else {}
    for method, template in routes:
        path = template.format(
            code=CODE, doc_id=DOC_ID, job_id=job_id_for(CODE, DOC_ID), n=1, name="full_name"
        )
        r = client.request(method, path, headers=headers)
        assert r.status_code == 401, (method, template, r.status_code)
        assert r.json()["error"]["code"] == "unauthorized"
        assert r.headers["www-authenticate"] == "Bearer"


def test_keys_create_prints_the_key_last_and_stores_only_its_hash(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITIZE_STORE", str(tmp_path / "store"))
    from digitize.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["keys", "create", "--unit", UNIT])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("dzk_") and len(key) > 40
    stored = list((tmp_path / "store" / KEYS_PREFIX).iterdir())
    assert [p.name for p in stored] == [f"{key_hash(key)}.json"]
    body = json.loads(stored[0].read_text())
    assert body["unit"] == UNIT and key not in stored[0].read_text()
    store = LocalStore(tmp_path / "store")
    client = TestClient(create_app(Settings(store=str(tmp_path / "store")), store=store))
    answer = client.get(f"/v1/dossiers/{CODE}", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 404  # known key, nothing stored yet: not 401

    bad = CliRunner().invoke(main, ["keys", "create", "--unit", "../x"])
    assert bad.exit_code != 0 and "invalid unit code" in bad.output


def test_digitize_serve_answers_with_a_key_from_keys_create(tmp_path, redis_url):
    """A key made by `keys create` works on a `digitize serve` process on the same store."""
    env = {**os.environ, "DIGITIZE_STORE": str(tmp_path / "store"), "DIGITIZE_REDIS_URL": redis_url}
    from digitize.settings import get_settings

    get_settings.cache_clear()
    try:
        made = CliRunner().invoke(main, ["keys", "create", "--unit", UNIT], env=env)
    finally:
        get_settings.cache_clear()
    assert made.exit_code == 0, made.output
    key = made.output.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "digitize", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                spec = httpx.get(f"{url}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "digitize serve did not answer in 30 s"
                time.sleep(0.2)
        assert "/v1/dossiers/{code}/documents" in spec.json()["paths"]
        dossier = f"{url}/v1/dossiers/{CODE}"
        assert httpx.get(dossier).status_code == 401
        found = httpx.get(dossier, headers={"Authorization": f"Bearer {key}"})
        assert found.status_code == 404 and found.json()["error"]["code"] == "not_found"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_request_off_the_spec_is_told_what_is_wrong(app_parts):
    client, store, key, _ = app_parts
    r = client.post(
        f"/v1/dossiers/{CODE}/documents",
        headers={"Authorization": f"Bearer {key}"},
        files={"files": ("a.png", DATA, "image/png")},
        data={"role": "citizen"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"
    assert "role" in r.json()["error"]["message"] and "result" in r.json()["error"]["message"]
    assert not list(store.list(layout.dossier_prefix(CODE)))


def test_a_deleted_key_object_withdraws_the_key(app_parts, monkeypatch):
    client, store, key, _ = app_parts
    monkeypatch.setattr("digitize.api.auth.CACHE_S", 0.0)
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(f"/v1/dossiers/{CODE}", headers=headers).status_code == 404
    store.delete(f"{KEYS_PREFIX}/{key_hash(key)}.json")
    assert client.get(f"/v1/dossiers/{CODE}", headers=headers).status_code == 401
