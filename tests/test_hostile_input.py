"""Broken and hostile files in a dossier: each ends as a record with a stable code and a message
naming the file, while the dossier's other documents are processed.

The whole set goes through `digitize run` on a folder (a real process, real Tesseract), a part
of it through the queue (`digitize submit`, then a `digitize worker --burst` process on the real
Redis). The bombs run in child processes that report their own peak memory, with a time limit
that turns a hang into a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from digitize import intake
from digitize.errors import TooManyPages, UnsupportedFormat
from digitize.settings import Settings
from tests import hostile_files as hf

ROOT = Path(__file__).resolve().parents[1]
CHILD_LIMIT_S = 120
"""A child process still running after this is hung: the test fails instead of waiting."""
MEMORY_LIMIT_MB = 1024


def _env(**extra: str) -> dict[str, str]:
    """The environment of a child `digitize`: this one, without a developer's DIGITIZE_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    env.update(extra)
    return env


def _digitize(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digitize", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_LIMIT_S * 3,
    )


def _check_failed(record: dict, name: str, code: str) -> None:
    assert record["status"] == "failed", (name, record["error"])
    error = record["error"]
    assert error["code"] == code, (name, error)
    assert name in error["message"], error  # the message names the file
    assert error["hint"], error  # and says what to do


def _check_outcomes(by_name: dict[str, dict]) -> None:
    for name, (status, code) in hf.EXPECTED.items():
        if name not in by_name:
            continue
        record = by_name[name]
        if status == "done":
            assert record["status"] == "done", (name, record["error"])
            assert record["error"] is None
        else:
            _check_failed(record, name, code)


def test_a_hostile_folder_through_digitize_run(tmp_path):
    folder = tmp_path / "HS-14"
    hf.write_all(folder)
    store = tmp_path / "store"
    result = _digitize("run", str(folder), "--json", "--out", str(store), env=_env())
    assert result.returncode == 1, result.stderr  # some documents failed, the rest are stored
    assert "Traceback" not in result.stderr + result.stdout
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    by_name = {r["source_name"]: r for r in records}
    assert set(by_name) == set(hf.BUILDERS)  # every file has a record, none is skipped
    _check_outcomes(by_name)

    one_bad = by_name["three pages, one bad.pdf"]
    assert one_bad["pages"] == 2
    assert one_bad["quality"]["unreadable_pages"] == [2]
    assert "Trang 1" in one_bad["text"] and "Trang 3" in one_bad["text"]
    assert "Công" in by_name["good.png"]["text"] or "HÒA" in by_name["good.png"]["text"]

    manifest = json.loads((store / "dossiers" / "HS-14" / "manifest.json").read_text())
    assert len(manifest["documents"]) == len(hf.BUILDERS)
    # Nothing submitted is lost: a failed document's original is kept beside its record.
    for record in records:
        original = record["links"]["original"]
        if record["source_name"] != "empty.pdf":
            assert original and (store / original).is_file(), record["source_name"]


QUEUED = ["good.png", "empty.pdf", "notes.png", "cut.jpg", "locked.pdf", "huge.png", "bomb.pdf"]


def test_hostile_files_through_the_queue(tmp_path, redis_url):
    folder = tmp_path / "HS-Q"
    hf.write_all(folder, QUEUED)
    env = _env(DIGITIZE_REDIS_URL=redis_url, DIGITIZE_STORE=str(tmp_path / "store"))
    submitted = _digitize("submit", str(folder), "--dossier", "HS-Q", env=env)
    assert "Traceback" not in submitted.stderr
    worked = _digitize("-v", "worker", "--burst", env=env)
    assert worked.returncode == 0, worked.stderr
    assert "Traceback" not in worked.stderr + worked.stdout
    docs = tmp_path / "store" / "dossiers" / "HS-Q" / "documents"
    records = [json.loads(p.read_text()) for p in docs.glob("*/record.json")]
    by_name = {r["source_name"]: r for r in records}
    assert submitted.returncode == 0, submitted.stderr  # stored and queued, read later
    assert set(by_name) == set(QUEUED)  # every one has a record written by the worker
    _check_outcomes(by_name)


BOMB_CHILD = textwrap.dedent(
    """
    import json, re, sys
    from pathlib import Path
    from digitize.pipeline import process_document
    from digitize.settings import Settings
    from storage import LocalStore

    store = LocalStore(sys.argv[1])
    for arg in sys.argv[2:]:
        path = Path(arg)
        record = process_document(
            path, source_name=path.name, dossier_code="HS-BOMB", store=store,
            settings=Settings(store=sys.argv[1]),
        ).record
        # VmHWM: this process's own peak (ru_maxrss would carry over the forking parent's).
        status = open("/proc/self/status").read()
        peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024
        print(json.dumps({"name": path.name, "error": record["error"], "peak_mb": peak}))
    """
)


def _in_child(tmp_path: Path, files: dict[str, bytes]) -> list[dict]:
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    out = subprocess.run(
        [sys.executable, "-c", BOMB_CHILD, str(tmp_path / "store"), *paths],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=CHILD_LIMIT_S,  # a hang is a failure, not a wait
    )
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_a_png_declaring_40000_by_40000_pixels_is_refused_before_decoding(tmp_path):
    (result,) = _in_child(tmp_path, {"huge.png": hf.png_bomb()})
    assert result["error"]["code"] == "too_large"
    assert "40000 x 40000" in result["error"]["message"]
    # Decoded, the page alone would take 1.6 GB (grey) or 4.8 GB (colour).
    assert result["peak_mb"] < MEMORY_LIMIT_MB


def test_pdf_bombs_are_refused_in_bounded_time_and_memory(tmp_path):
    bombs = {
        "forms.pdf": hf.pdf_form_bomb(),
        "nested.pdf": hf.pdf_deeply_nested(),
        "tree.pdf": hf.pdf_deep_page_tree(),
        "objects.pdf": hf.pdf_huge_object_count(),
    }
    results = _in_child(tmp_path, bombs)
    assert [r["name"] for r in results] == list(bombs)
    for result in results:
        assert result["error"]["code"] == "pdf_too_complex", result
        assert result["name"] in result["error"]["message"]
        assert result["peak_mb"] < MEMORY_LIMIT_MB


def test_a_pdf_of_a_few_forms_is_not_taken_for_a_bomb(tmp_path):
    from digitize import screening

    small = hf.pdf_form_bomb(levels=3, fan=10)  # 111 drawings: an ordinary born-digital page
    screening.check_pdf_structure(small, "forms.pdf", max_pages=400)
    with pytest.raises(Exception) as info:
        screening.check_pdf_structure(hf.pdf_form_bomb(levels=6), "forms.pdf", max_pages=400)
    assert info.value.code == "pdf_too_complex"


def _open(name: str, data: bytes, settings: Settings) -> intake.Document:
    return intake.open_document(
        Path(name),
        data,
        max_pixels=settings.max_pixels,
        pdf_dpi=settings.pdf_render_dpi,
        max_pages=settings.max_pages,
    )


def test_the_page_limit_is_a_setting(monkeypatch):
    monkeypatch.setenv("DIGITIZE_MAX_PAGES", "3")
    settings = Settings()
    assert settings.max_pages == 3
    for name, data in (("four.tif", hf.tiff_pages(4)), ("four.pdf", hf.scanned_pdf(4))):
        with pytest.raises(TooManyPages, match=f"{name} has 4 pages, more than the 3"):
            next(_open(name, data, settings).pages())
    three = _open("three.tif", hf.tiff_pages(3), settings)
    assert len(list(three.pages())) == 3
    assert Settings(max_pages=4).max_pages == 4


def test_an_unreadable_pdf_page_is_skipped_and_listed():
    doc = _open("hs.pdf", hf.pdf_with_unreadable_page(), Settings())
    pages = list(doc.pages())
    assert [p.index for p in pages] == [0, 2]  # pages keep their own numbers
    assert doc.unreadable_pages == [2]


@pytest.mark.parametrize(
    ("name", "data", "what", "hint"),
    [
        ("photo.heic", hf.HEIC_HEAD, "HEIC", "JPEG"),
        ("letter.docx", hf.DOCX_HEAD, "office document", "PDF"),
        ("anim.gif", hf.gif(), "GIF", "PNG"),
        ("notes.png", "Ghi chú\n".encode(), "text file", "scan"),
        ("blob.bin", bytes(range(256)), "not a JPEG", "PDF"),
    ],
)
def test_unsupported_formats_are_named_with_how_to_convert_them(name, data, what, hint):
    with pytest.raises(UnsupportedFormat, match=name) as info:
        _open(name, data, Settings())
    assert what in info.value.message
    assert hint in info.value.hint


def test_a_folder_walk_picks_up_documents_it_cannot_read(tmp_path):
    for name in ("a.png", "b.heic", "c.docx", "d.gif", "notes.txt", "run.sh"):
        (tmp_path / name).write_bytes(b"x")
    found = [f.name for f, _ in intake.walk([tmp_path])]
    assert found == ["a.png", "b.heic", "c.docx", "d.gif"]
