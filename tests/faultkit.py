"""Services the fault tests and the fault benchmark can stop, kill and start again.

- :class:`RedisServer`: a private ``redis-server`` on a free port, in a folder of its own, with
  ``appendonly yes``: it can be restarted without disturbing anyone else's Redis (or anyone
  else's tests flushing a shared database), and what it held survives the restart.
- :class:`S3Server`: moto's S3 server in a thread, on a fixed port, that can be stopped and
  started again on the same port; moto keeps its buckets in the process, so they survive.
- :class:`WorkerPool`: ``digitize worker`` processes, each in its own process group so that a
  SIGKILL takes the worker, its horse and its scheduler at once (a machine lost), with their
  output in log files.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from digitize.settings import Settings, get_settings
from tests.fixtures_s3 import S3Endpoint, _MotoServer, s3_env

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str, poll: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(poll)


def descendants(pid: int) -> list[int]:
    """Every process under ``pid``, children first (from /proc)."""
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return out
    for task in tasks:
        with contextlib.suppress(FileNotFoundError):
            for child in (task / "children").read_text().split():
                out += [int(child), *descendants(int(child))]
    return out


class RedisServer:
    """A private, persistent redis-server that can be restarted on its port."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.folder),
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--save", "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.answers, 15, "redis-server to start", poll=0.05)

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except (redis.exceptions.RedisError, OSError):
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # redis-server finishes its append-only file on SIGTERM
            self.proc.wait(timeout=30)
        self.proc = None

    def restart(self, down_s: float = 0.0) -> None:
        self.stop()
        time.sleep(down_s)
        self.start()
        self.restarts += 1


class S3Server:
    """moto's S3 server on a fixed port, stoppable and startable again (buckets survive)."""

    access_key = "testing"
    secret_key = "testing"

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"127.0.0.1:{self.port}"
        self._server: _MotoServer | None = None

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        deadline = time.monotonic() + 15
        while True:
            try:
                self._server = _MotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
                self._server.start()
                return
            except OSError:  # the port is still held by the stopped server's socket
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        self._server = None

    def settings(self, bucket: str, **overrides: Any) -> Settings:
        """Settings for a store in ``bucket`` on this server (``overrides`` on top)."""
        endpoint = S3Endpoint(self.endpoint, self.access_key, self.secret_key)
        return endpoint.settings(bucket, **overrides)

    def env(self, bucket: str) -> dict[str, str]:
        """The same store for ``digitize`` processes, which read it from the environment."""
        return s3_env(self.settings(bucket))


class WorkerPool:
    """``digitize worker`` processes in their own process groups, logging to ``folder``."""

    def __init__(self, env: dict[str, str] | None, folder: Path, *, cwd: Path = ROOT) -> None:
        self.env = env  # None: this process's environment as it is when a worker starts
        self.folder = folder
        self.cwd = cwd
        self.procs: list[subprocess.Popen] = []
        self.kills = 0

    def start(self, *extra: str) -> subprocess.Popen:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "digitize", "worker", *extra],
            cwd=self.cwd,
            env=self.env if self.env is not None else dict(os.environ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.procs.append(proc)
        return proc

    def alive(self) -> list[subprocess.Popen]:
        return [p for p in self.procs if p.poll() is None]

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL to the worker and every process under it (the machine is lost).

        The horse is not in the worker's process group (RQ gives it a session of its own), so
        the processes are found by parenthood and all killed at once.
        """
        doomed = [proc.pid, *descendants(proc.pid)]
        for pid in doomed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
        self.kills += 1

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.folder.glob("*.log"))

    def stop(self) -> None:
        for p in self.alive():
            os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill(p)


# --- pytest fixtures (imported by the fault tests) -----------------------------------------


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory) -> Iterator[RedisServer]:
    """A redis-server of the fault tests' own; flushed by :func:`fault_env` for each test."""
    try:
        server = RedisServer(tmp_path_factory.mktemp("redis"))
    except RuntimeError as exc:
        pytest.skip(str(exc))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def private_s3() -> Iterator[S3Server]:
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fault_env(monkeypatch, private_redis, private_s3) -> Iterator[dict[str, str]]:
    """The environment of this test's workers (and of the test itself): private Redis, a
    fresh bucket, short liveness and reaping, one quick retry for passing errors."""
    if not private_redis.answers():
        private_redis.start()
    redis.Redis.from_url(private_redis.url).flushdb()
    values = {
        "DIGITIZE_REDIS_URL": private_redis.url,
        **private_s3.env(f"faults-{uuid.uuid4().hex[:12]}"),
        "DIGITIZE_JOB_RETRY_INTERVALS_S": "[1]",
        "DIGITIZE_WORKER_LOST_AFTER_S": "4",
        "DIGITIZE_WORKER_REAP_INTERVAL_S": "1",
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    for k in ("DIGITIZE_WEBHOOK_URL", "DIGITIZE_WEBHOOK_SECRET"):
        monkeypatch.delenv(k, raising=False)
    get_settings.cache_clear()
    yield values
    get_settings.cache_clear()


@pytest.fixture
def conn(fault_env) -> Iterator[redis.Redis]:
    """A client of the private Redis this test's workers use."""
    c = redis.Redis.from_url(fault_env["DIGITIZE_REDIS_URL"])
    yield c
    c.close()


@pytest.fixture
def pool(fault_env, tmp_path) -> Iterator[WorkerPool]:
    """Worker processes started by the test with the environment as it is when they start."""
    p = WorkerPool(None, tmp_path / "workers")
    yield p
    p.stop()
