"""Archivist mode: resumable runs over a folder of dossier folders, and their report."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from digitize.cli.main import main
from digitize.settings import get_settings
from storage import LocalStore, layout
from tests.pages import LINES, draw_page, encode
from workers import backlog as backlog_module
from workers.worker import build_worker

A = "000.00.12.H57-261122-0101"
B = "000.00.12.H57-261122-0102"


def scan(i: int) -> bytes:
    return encode(draw_page((*LINES[:3], f"Số: {i}/2024"), dpi=150), "PNG", dpi=150)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two dossiers (3 + 2 documents), a folder with an invalid name and a stray file."""
    root = tmp_path / "backlog"
    for code, n, first in ((A, 3, 0), (B, 2, 10)):
        (root / code).mkdir(parents=True)
        for i in range(n):
            (root / code / f"page_{i}.png").write_bytes(scan(first + i))
    (root / "hồ sơ cũ!").mkdir()
    (root / "hồ sơ cũ!" / "x.png").write_bytes(scan(99))
    (root / "lost.png").write_bytes(scan(98))
    return root


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def created(store: LocalStore) -> dict[str, str]:
    return {
        k: json.loads(store.get_bytes(k))["created_at"]
        for k in store.list("dossiers/")
        if k.endswith("record.json")
    }


def invoke(*args: str):
    get_settings.cache_clear()
    return CliRunner().invoke(main, ["backlog", *args])


def test_interrupted_by_limit_then_resumed_without_redoing(folder, tmp_path):
    out = tmp_path / "store"
    store = LocalStore(out)
    first = invoke(
        str(folder), "--out", str(out), "--report", str(tmp_path / "r1.csv"), "--limit", "2"
    )
    assert first.exit_code == 1, first.output  # the invalid folder and the stray file
    rows = read_csv(tmp_path / "r1.csv")
    assert [r["status"] for r in rows if r["dossier_code"]] == ["done", "done"]
    refused = {r["source_name"]: r["error_code"] for r in rows if not r["dossier_code"]}
    assert refused == {"x.png": "invalid_name", "lost.png": "not_in_dossier_folder"}
    assert "hồ sơ cũ!" in first.stderr and "--limit reached" in first.stderr
    before = created(store)
    assert len(before) == 2

    second = invoke(str(folder), "--out", str(out), "--report", str(tmp_path / "r2.csv"), "--json")
    assert second.exit_code == 1
    rows = [r for r in read_csv(tmp_path / "r2.csv") if r["dossier_code"]]
    assert [(r["dossier_code"], r["source_name"], r["status"]) for r in rows] == [
        (A, "page_0.png", "skipped"),
        (A, "page_1.png", "skipped"),
        (A, "page_2.png", "done"),
        (B, "page_0.png", "done"),
        (B, "page_1.png", "done"),
    ]
    after = created(store)
    assert len(after) == 5
    assert {k: after[k] for k in before} == before, "finished documents must not be redone"
    for r in rows:
        assert r["doc_id"] and r["document_type"] and r["pages"] == "1"
        assert 0 < float(r["mean_word_confidence"]) <= 1 and r["error_code"] == ""
    report = json.loads((tmp_path / "r2.json").read_text(encoding="utf-8"))
    assert report["summary"]["done"] == 3 and report["summary"]["skipped"] == 4
    assert len(json.loads(store.get_bytes(layout.manifest_key(B)))["documents"]) == 2


def test_ctrl_c_writes_the_report_and_a_later_run_resumes(folder, tmp_path, monkeypatch):
    out = tmp_path / "store"
    real = backlog_module.process_document
    calls = {"n": 0}

    def interrupted_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(backlog_module, "process_document", interrupted_on_second)
    res = invoke(str(folder), "--out", str(out), "--report", str(tmp_path / "r.csv"))
    assert res.exit_code == 130, res.output
    assert "run the same command again" in res.stderr
    assert [r["status"] for r in read_csv(tmp_path / "r.csv") if r["dossier_code"]] == ["done"]

    monkeypatch.setattr(backlog_module, "process_document", real)
    again = invoke(str(folder), "--out", str(out), "--report", str(tmp_path / "r2.csv"))
    statuses = [r["status"] for r in read_csv(tmp_path / "r2.csv") if r["dossier_code"]]
    assert statuses == ["skipped", "done", "done", "done", "done"], again.output


def test_queued_mode_enqueues_on_backlog_and_waits(folder, tmp_path, redis_url, redis_conn):
    out = tmp_path / "store"
    (folder / "hồ sơ cũ!" / "x.png").unlink()
    (folder / "hồ sơ cũ!").rmdir()
    (folder / "lost.png").unlink()
    res = invoke(
        str(folder), "--out", str(out), "--redis", redis_url, "--report", str(tmp_path / "q.csv")
    )
    assert res.exit_code == 0, res.output
    rows = read_csv(tmp_path / "q.csv")
    assert {r["status"] for r in rows} == {"queued"} and all(r["job_id"] for r in rows)
    from rq import Queue

    assert Queue("backlog", connection=redis_conn).count == 5
    get_settings.cache_clear()
    build_worker(redis_conn, simple=True).work(burst=True, logging_level="WARNING")

    res = invoke(
        str(folder),
        "--out",
        str(out),
        "--redis",
        redis_url,
        "--wait",
        "--report",
        str(tmp_path / "q2.csv"),
    )
    assert res.exit_code == 0, res.output
    assert {r["status"] for r in read_csv(tmp_path / "q2.csv")} == {"skipped"}


def test_modes_are_explicit(folder, tmp_path):
    res = invoke(str(folder), "--in-process", "--redis", "redis://127.0.0.1:1/0")
    assert res.exit_code == 2 and "choose one mode" in res.stderr
    res = invoke(str(folder), "--wait")
    assert res.exit_code == 2 and "--redis" in res.stderr
