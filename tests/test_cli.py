"""The `digitize` command as a user runs it: the real console script in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pages import draw_page, encode

DIGITIZE = [sys.executable, "-m", "digitize"]


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*DIGITIZE, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=300
    )


@pytest.fixture(scope="module")
def dossier_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in") / "000.00.12.H57-261122-0007"
    folder.mkdir()
    (folder / "khai_sinh.jpg").write_bytes(encode(draw_page(dpi=300), "JPEG", dpi=300, quality=92))
    (folder / "hong.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (folder / "ghi_chu.txt").write_text("not a document")
    return folder


def test_run_json_prints_one_record_per_document_and_nothing_else(dossier_dir, tmp_path):
    out = tmp_path / "store"
    proc = cli("run", str(dossier_dir), "--out", str(out), "--json")
    assert proc.returncode == 1, proc.stderr  # one document failed
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    by_name = {r["source_name"]: r for r in records}
    assert set(by_name) == {"khai_sinh.jpg", "hong.png"}  # the .txt in a folder is not a document
    good, bad = by_name["khai_sinh.jpg"], by_name["hong.png"]
    assert good["status"] == "done" and good["dossier_code"] == dossier_dir.name
    assert bad["status"] == "failed" and bad["error"]["code"] == "corrupt_file"
    assert "Traceback" not in proc.stderr
    manifest = out / "dossiers" / dossier_dir.name / "manifest.json"
    assert len(json.loads(manifest.read_text())["documents"]) == 2

    # Run again: the finished document is not redone, the failed one is tried again.
    again = cli("run", str(dossier_dir), "--out", str(out))
    assert "skipped (already done)" in again.stderr
    assert again.returncode == 1


def test_run_without_json_prints_a_readable_summary(dossier_dir, tmp_path):
    proc = cli("run", str(dossier_dir / "khai_sinh.jpg"), "--out", str(tmp_path / "s"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "done" in proc.stderr and "birth_certificate" in proc.stderr
    assert "UNASSIGNED" in proc.stderr  # a file named on its own has no dossier folder
    assert str(tmp_path / "s") in proc.stderr


def test_bad_usage_exits_2(tmp_path):
    assert cli("run", str(tmp_path / "missing.jpg")).returncode == 2
    proc = cli("run", str(tmp_path), "--dossier", "../../etc", "--out", str(tmp_path / "s"))
    assert proc.returncode == 2
    assert "../../etc" in proc.stderr and "Traceback" not in proc.stderr


def test_status_and_fetch_a_dossier(dossier_dir, tmp_path):
    out = tmp_path / "store"
    cli("run", str(dossier_dir / "khai_sinh.jpg"), "--out", str(out), "--dossier", "HS-1")
    status = cli("status", "HS-1", "--out", str(out))
    assert status.returncode == 0, status.stderr
    assert "khai_sinh.jpg" in status.stdout and "done" in status.stdout
    fetched = cli("fetch", "HS-1", "--out", str(out), "--to", str(tmp_path / "got"))
    assert fetched.returncode == 0, fetched.stderr
    pdfs = list((tmp_path / "got").rglob("searchable.pdf"))
    assert len(pdfs) == 1 and pdfs[0].stat().st_size > 1000
    missing = cli("status", "NO-SUCH", "--out", str(out))
    assert missing.returncode == 1 and "NO-SUCH" in missing.stderr


def test_check_passes_here_and_names_what_is_missing_elsewhere(tmp_path):
    ok = cli("check", env={"DIGITIZE_STORE": str(tmp_path / "s")})
    assert ok.returncode == 0, ok.stdout
    assert "tesseract language 'vie'" in ok.stdout

    # A machine without Tesseract: only Python on PATH.
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python3").symlink_to(sys.executable)
    missing = cli("check", env={"PATH": str(bare), "DIGITIZE_STORE": str(tmp_path / "s")})
    assert missing.returncode == 1
    assert "MISSING" in missing.stdout
    assert "apt-get install tesseract-ocr" in missing.stdout


def test_check_reaches_redis_as_the_queue_commands_do(tmp_path):
    """One connection path: `check` says of a Redis what `submit` and `worker` say (they use
    ``workers.connect``), password hidden; a URL that is not Redis's is bad usage."""
    from digitize.errors import QueueUnavailable
    from workers import connect

    url = "redis://:pw-9c1f@127.0.0.1:1/0"
    with pytest.raises(QueueUnavailable) as refused:
        connect(url)
    env = {"DIGITIZE_STORE": str(tmp_path / "s"), "DIGITIZE_REDIS_URL": url}
    check = cli("check", env=env)
    assert check.returncode == 0, check.stdout  # Redis is optional: a warning
    (line,) = [ln for ln in check.stdout.splitlines() if "redis (queues)" in ln]
    assert line == f"warning redis (queues): {refused.value.message}"
    assert "127.0.0.1:1/0" in line and "pw-9c1f" not in check.stdout + check.stderr

    bad = cli("check", env={**env, "DIGITIZE_REDIS_URL": "http://127.0.0.1:1/0"})
    assert bad.returncode == 2 and "invalid Redis URL" in bad.stdout
    assert "redis://host:port/db" in bad.stdout  # what to write instead


def test_status_says_lost_for_a_waiting_document_whose_job_is_gone(
    dossier_dir, tmp_path, redis_url, redis_conn
):
    from rq.job import Job

    out = str(tmp_path / "store")
    args = ("--dossier", "HS-1", "--redis", redis_url, "--out", out)
    submitted = cli("submit", str(dossier_dir / "khai_sinh.jpg"), *args)
    assert submitted.returncode == 0, submitted.stderr
    (job_id,) = submitted.stdout.split()
    # The job's data expires (or Redis loses it): the document still waits, but nothing will
    # ever read it. Status says so, and what to do (tests/test_workers.py does it).
    redis_conn.delete(Job.key_for(job_id))
    status = cli("status", "HS-1", "--redis", redis_url, "--out", out)
    assert status.returncode == 0, status.stderr
    assert status.stdout.split()[-2:] == ["lost", job_id.split("_")[1]], status.stdout
    assert "queued" not in status.stdout
    assert "submit them again" in status.stderr and "--dossier HS-1" in status.stderr
    as_json = cli("status", "HS-1", "--redis", redis_url, "--out", out, "--json")
    assert [q["state"] for q in json.loads(as_json.stdout)["in_queue"]] == ["lost"]
    assert "submit them again" in as_json.stderr


def test_check_names_a_missing_language(tmp_path):
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    real = Path(shutil.which("tesseract")).resolve()
    src = Path("/usr/share/tesseract-ocr/5/tessdata/eng.traineddata")
    if not src.exists():
        pytest.skip("needs the system eng language data to build a partial tessdata folder")
    (tessdata / "eng.traineddata").symlink_to(src)
    proc = cli("check", env={"TESSDATA_PREFIX": str(tessdata), "DIGITIZE_STORE": str(tmp_path)})
    assert proc.returncode == 1, (real, proc.stdout)
    assert "tesseract-ocr-vie" in proc.stdout


def test_ctrl_c_stops_cleanly_and_a_second_run_continues(tmp_path):
    import signal
    import time

    folder = tmp_path / "HS-9"
    folder.mkdir()
    for i in range(4):
        page = draw_page((f"Trang số {i}", "Ủy ban nhân dân"), dpi=300)
        (folder / f"p{i}.png").write_bytes(encode(page, "PNG", dpi=300))
    out = tmp_path / "store"
    # As from a terminal: a suite started in the background ignores Ctrl-C, which a child
    # inherits.
    proc = subprocess.Popen(
        [*DIGITIZE, "run", str(folder), "--out", str(out)],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    manifest = out / "dossiers" / "HS-9" / "manifest.json"
    deadline = time.monotonic() + 120
    while not manifest.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "run the same command again" in err and "Traceback" not in err
    again = cli("run", str(folder), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "skipped (already done)" in again.stderr
    assert len(json.loads(manifest.read_text())["documents"]) == 4


def test_an_unexpected_failure_prints_one_line_not_a_traceback(tmp_path):
    # A store path that is a file, not a folder, fails deep inside the store on first write.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    page = tmp_path / "a.png"
    page.write_bytes(encode(draw_page(), "PNG"))
    proc = cli("run", str(page), "--out", str(blocker / "sub"))
    assert proc.returncode in (1, 2)
    assert "Traceback" not in proc.stderr
    assert "error" in proc.stderr.lower()


def test_run_reads_a_pdf_from_disk_and_stores_it_unchanged(tmp_path):
    import hashlib

    from tests.pages import LINES

    pages = [draw_page((*LINES[:3], f"Trang {i + 1}"), dpi=150) for i in range(2)]
    pdf = tmp_path / "hồ sơ.pdf"
    pages[0].save(pdf, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    out = tmp_path / "store"
    proc = cli("run", str(pdf), "--out", str(out), "--json", "--dossier", "HS-0042")
    assert proc.returncode == 0, proc.stderr
    (rec,) = [json.loads(line) for line in proc.stdout.splitlines()]
    data = pdf.read_bytes()
    assert rec["pages"] == 2 and rec["source_name"] == "hồ sơ.pdf"
    assert rec["sha256"] == hashlib.sha256(data).hexdigest()
    assert rec["doc_id"] == rec["sha256"][:16]
    assert (out / rec["links"]["original"]).read_bytes() == data


def test_schema_prints_the_record_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    proc = cli("schema", env={"DIGITIZE_LINK_EXPIRY_S": "not a number"})  # needs no settings
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert {"fields", "document_type", "status", "doc_id"} <= set(schema["properties"])
    assert "doc_id" in schema["required"]
    assert list(jsonschema.Draft202012Validator(schema).iter_errors({"status": "done"}))

    manifest = json.loads(cli("schema", "--manifest").stdout)
    jsonschema.Draft202012Validator.check_schema(manifest)
    assert "documents" in manifest["properties"] and manifest != schema


def test_exit_codes_come_from_one_enum_and_errors_carry_theirs(tmp_path):
    from digitize.cli.output import ExitCode

    assert [int(c) for c in ExitCode] == [0, 1, 2, 130]
    # A store name that cannot be is bad usage, whichever command meets it.
    for args in (("run", str(tmp_path)), ("status", "HS-1")):
        proc = cli(*args, "--out", "s3://Bad_Bucket/x")
        assert proc.returncode == ExitCode.USAGE, proc.stderr
        assert "Bad_Bucket" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("status", "HS-1", env={"DIGITIZE_LINK_EXPIRY_S": "soon"})
    assert proc.returncode == ExitCode.USAGE and "DIGITIZE_" in proc.stderr


def test_help_and_version_start_without_the_pipeline_libraries():
    probe = (
        "import sys\n"
        "from digitize.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'numpy', 'cv2', 'pdfplumber', 'minio', 'rq', 'redis', 'pydantic'}\n"
        "print(sorted((heavy | {'classifiers'}) & set(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Commands:" in proc.stdout and proc.stdout.strip().endswith("[]")
    version = cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("digitize, version ")


def test_run_on_a_local_folder_does_not_load_the_s3_client_or_the_pdf_libraries(tmp_path):
    page = tmp_path / "a.png"
    page.write_bytes(encode(draw_page(), "PNG"))
    probe = (
        "import sys\n"
        "from digitize.cli.main import main\n"
        "try:\n"
        f"    main(['run', {str(page)!r}, '--out', {str(tmp_path / 's')!r}])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "print(code, sorted({'minio', 'pdfplumber', 'pypdfium2', 'rq'} & set(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    code, loaded = proc.stdout.strip().splitlines()[-1].split(" ", 1)
    assert loaded == "[]"
    assert code == "0", proc.stderr


def test_the_summary_says_why_a_field_needs_a_look():
    from digitize.cli.output import summary_line

    rec = {
        "status": "done",
        "dossier_code": "HS-1",
        "source_name": "a.png",
        "pages": 1,
        "document_type": {"code": "decision", "confidence": 0.9},
        "quality": {"mean_word_confidence": 0.9},
        "fields": {
            "issuer": {"value": "SỞ TƯ PHÁP", "needs_review": False, "review_reasons": []},
            "document_number": {
                "value": "47/QĐ-UBND",
                "needs_review": True,
                "review_reasons": ["number_handwritten", "ocr_unsure"],
            },
        },
    }
    text = summary_line(rec, skipped=False)
    assert "fields: issuer" in text
    assert "check by hand: document_number (number_handwritten, ocr_unsure)" in text
