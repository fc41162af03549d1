# ruff: noqa: F811  (the fixtures of tests.faultkit are imported by name and requested)
"""One exit-code table for every command: the same bad configuration exits 2 everywhere.

The table (README, "What happens when things go wrong"): 0 done, 1 something failed (the rest is
done and stored) or something is missing, 2 bad usage or configuration, 130 interrupted. Each
command reads the configuration it needs; whichever it is, a wrong value exits 2 with a message
and what to do, never a traceback. Queue commands are pointed at a private Redis: a worker
started here must never take anyone's jobs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from digitize.cli.main import main
from digitize.cli.output import ExitCode
from digitize.settings import get_settings
from tests.faultkit import private_redis  # noqa: F401
from tests.pages import draw_page, encode

DOSSIER = "000.00.12.H57-261130-0414"

BAD_SETTINGS = {
    "a value that is not a number": {"DIGITIZE_OCR_TIMEOUT_S": "two minutes"},
    "s3 without an endpoint": {"DIGITIZE_STORE": "s3", "DIGITIZE_S3_ENDPOINT": ""},
    "an invalid bucket name": {"DIGITIZE_STORE": "s3://Not_A_Bucket"},
}


@pytest.fixture
def files(tmp_path) -> Path:
    folder = tmp_path / "backlog" / DOSSIER
    folder.mkdir(parents=True)
    (folder / "scan.png").write_bytes(encode(draw_page(("Giới tính: Nữ",), dpi=100), "PNG"))
    return tmp_path


def commands(files: Path, redis_url: str) -> dict[str, list[str]]:
    scan = str(files / "backlog" / DOSSIER / "scan.png")
    return {
        "run": ["run", scan, "--dossier", DOSSIER],
        "submit": ["submit", scan, "--dossier", DOSSIER, "--redis", redis_url],
        "worker": ["worker", "--burst", "--redis", redis_url],
        "backlog": ["backlog", str(files / "backlog"), "--report", str(files / "r.csv")],
        "backlog --redis": [
            "backlog", str(files / "backlog"), "--redis", redis_url,
            "--report", str(files / "q.csv"),
        ],
        "status": ["status", DOSSIER, "--redis", redis_url],
        "fetch": ["fetch", DOSSIER, "--to", str(files / "out")],
        "check": ["check"],
    }  # fmt: skip


def invoke(monkeypatch, env: dict[str, str], args: list[str]):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(main, args)
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("bad", list(BAD_SETTINGS))
def test_a_bad_setting_exits_2_from_every_command_that_reads_it(
    monkeypatch, files, private_redis, bad
):
    monkeypatch.chdir(files)
    for name, args in commands(files, private_redis.url).items():
        res = invoke(monkeypatch, BAD_SETTINGS[bad], args)
        assert res.exit_code == ExitCode.USAGE, f"{name} with {bad}: {res.output[-1500:]}"
        if name != "check":  # check reports on stdout, one line per piece, with its fix
            assert "error:" in res.stderr and "what to do" in res.stderr, f"{name}: {res.stderr}"
        assert res.exc_info is None or res.exc_info[0] is SystemExit, f"{name}: {res.exc_info}"


def test_a_job_time_limit_below_the_page_limit_exits_2_from_every_queue_command(
    monkeypatch, files, private_redis
):
    monkeypatch.chdir(files)
    env = {"DIGITIZE_JOB_TIMEOUT_S": "10", "DIGITIZE_OCR_TIMEOUT_S": "120"}
    every = commands(files, private_redis.url)
    for name in ("submit", "worker", "backlog --redis"):
        res = invoke(monkeypatch, env, every[name])
        assert res.exit_code == ExitCode.USAGE, f"{name}: {res.output[-1500:]}"
        assert "DIGITIZE_JOB_TIMEOUT_S" in res.stderr
