"""No name leaves its folder or prefix: dossier codes, document ids, keys and file names that
read as a path are refused before any I/O, quoting the bad value.

Against the real stores: a local folder and a moto S3 server on loopback. Credentials, links and
webhooks are in ``tests/test_security_secrets.py``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digitize.errors import InvalidName
from digitize.pipeline import process_document
from digitize.settings import Settings
from storage import LocalStore, layout, open_store
from tests.fixtures_s3 import s3_env
from tests.hostile_files import good_png

ROOT = Path(__file__).resolve().parents[1]

BAD_CODES = [
    "../HS-1",
    "/etc",
    "HS/../../x",
    "..",
    ".hidden",
    "HS\x00-1",
    "H" * 65,
    "HS\uff0f01",  # fullwidth solidus
    "\uff0e\uff0e",  # fullwidth full stops
    "\u2025",  # two dot leader
    "ＨＳ-01",  # fullwidth letters
    "HS-01\u202e",  # right-to-left override
]

BAD_KEYS = [
    "dossiers/../../escape.txt",
    "/etc/passwd",
    "dossiers/HS-1/\u2025/escape.txt",  # reads as '..'
    "dossiers/HS-1/\uff0e\uff0e/escape.txt",
    "dossiers/HS-1/a\uff0fb.txt",  # a slash look-alike
    "dossiers/HS-1/a\u2215b.txt",  # division slash
    "dossiers/HS-1/a\\..\\b.txt",
    "dossiers/HS-1/doc\x00.txt",
    "dossiers/HS-1/" + "a" * 300,
    "dossiers/HS-1/" + "ệ" * 100,  # 100 characters, 300 bytes
    "dossiers/HS-1/\u202etxt.exe",
    "dossiers/HS-1/\ud800.txt",  # not valid Unicode
    "dossiers//escape.txt",
]


@pytest.mark.parametrize("code", BAD_CODES)
def test_a_bad_dossier_code_is_refused_quoting_it(code):
    with pytest.raises(InvalidName) as info:
        layout.validate_dossier_code(code)
    assert repr(code)[:40] in info.value.message
    assert info.value.code == "invalid_name"


@pytest.mark.parametrize("doc_id", ["../x", "ABCDEF", "12 34", "a" * 65, "\uff10"])
def test_a_bad_document_id_is_refused(doc_id):
    with pytest.raises(InvalidName):
        layout.document_key("HS-1", doc_id, "record.json")


@pytest.mark.parametrize("key", BAD_KEYS)
def test_no_bad_key_reaches_the_local_folder(tmp_path, key):
    root = tmp_path / "store"
    store = LocalStore(root)
    with pytest.raises(InvalidName) as info:
        store.put_bytes(key, b"x", content_type="text/plain")
    assert "invalid key" in info.value.message
    assert not any(tmp_path.rglob("*.txt")) and not root.exists()  # no I/O at all
    with pytest.raises(InvalidName):
        store.get_bytes(key)


@pytest.mark.parametrize("key", BAD_KEYS)
def test_no_bad_key_reaches_the_bucket(s3_settings, s3_endpoint, s3_bucket, key):
    store = open_store(s3_settings)
    with pytest.raises(InvalidName):
        store.put_bytes(key, b"x", content_type="text/plain")
    with pytest.raises(InvalidName):
        list(store.list(key))
    # Refused before any request: the bucket was not even created.
    assert not s3_endpoint.client().bucket_exists(s3_bucket)


@pytest.mark.parametrize("code", ["../HS-1", "HS\uff0f01", "\u2025"])
def test_the_pipeline_refuses_a_bad_dossier_before_storing_anything(tmp_path, code):
    store = LocalStore(tmp_path / "store")
    with pytest.raises(InvalidName):
        process_document(
            good_png(), source_name="a.png", dossier_code=code, store=store, settings=Settings()
        )
    assert not (tmp_path / "store").exists()


def test_a_hostile_source_name_stays_a_name_in_the_record(tmp_path):
    store = LocalStore(tmp_path / "store")
    name = "../../\uff0fetc\u2215passwd\u202e.png"
    record = process_document(
        b"", source_name=name, dossier_code="HS-1", store=store, settings=Settings()
    ).record
    assert record["source_name"] == name  # kept as given, never used to build a path
    assert record["error"]["code"] == "empty_file"
    files = [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()]
    assert all(str(p).startswith("store/") for p in files)
    assert all(p.parts[1] in ("dossiers", ".digitize") for p in files)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    env.update(extra)
    return env


def _digitize(*args: str, env: dict[str, str], timeout: float = 120) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "digitize", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stdout + done.stderr


def test_the_command_line_refuses_a_bad_dossier_code_without_a_traceback(tmp_path):
    scan = tmp_path / "a.png"
    scan.write_bytes(good_png())
    code, out = _digitize(
        "run", str(scan), "--dossier", "../../etc", "--out", str(tmp_path / "s"), env=_env()
    )
    assert code == 2
    assert "'../../etc'" in out and "Traceback" not in out
    assert not (tmp_path / "s").exists()


def test_fetch_refuses_a_key_from_the_bucket_that_would_leave_its_folder(
    tmp_path, s3_settings, s3_endpoint, s3_bucket
):
    client = s3_endpoint.client()
    client.make_bucket(s3_bucket)
    for name in ("dossiers/HS-1/manifest.json", "dossiers/HS-1/x\\..\\..\\..\\escape.txt"):
        client.put_object(s3_bucket, name, io.BytesIO(b"{}"), 2)
    env = _env(**s3_env(s3_settings))
    dest = tmp_path / "down"
    code, out = _digitize("fetch", "HS-1", "--to", str(dest), env=env)
    assert code != 0 and "invalid key" in out and "Traceback" not in out
    assert not list(tmp_path.rglob("*escape*"))
