"""A real Redis for the queue tests.

In order: ``DIGITIZE_TEST_REDIS_URL`` when set; else a Redis already answering on
127.0.0.1:6379; else a ``redis-server`` started for the session on a free port, with no
persistence, in a temporary folder, and stopped at the end. Tests use database 13 (unless the
URL given names another), flushed before and after each test: a developer's data in database 0
is never touched.

When the suite runs in several processes (``pytest -n``), the first uses that Redis and every
other one a ``redis-server`` of its own: each flushes its database between tests, so no two may
share one.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

TEST_DB = 13
"""Database number the tests flush; never 0, which is what a developer's own work uses."""


def _with_db(url: str) -> str:
    parts = urlsplit(url)
    if parts.path.strip("/"):
        return url
    return urlunsplit(parts._replace(path=f"/{TEST_DB}"))


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.exceptions.RedisError, OSError):
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _first_process() -> bool:
    """True unless this is a second or later process of a parallel run (``gw1``, ``gw2``...)."""
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0"


@pytest.fixture(scope="session")
def redis_server_url() -> Iterator[str]:
    """URL (with the test database) of a Redis that answers, for the whole session."""
    given = os.environ.get("DIGITIZE_TEST_REDIS_URL")
    local = f"redis://127.0.0.1:6379/{TEST_DB}"
    if given and _first_process():
        yield _with_db(given)
        return
    if not given and _first_process() and _answers(local):
        yield local
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no Redis: install redis-server or set DIGITIZE_TEST_REDIS_URL")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="digitize-redis-") as tmp:
        proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                tmp,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/{TEST_DB}"
        try:
            deadline = time.monotonic() + 10
            while not _answers(url):
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.skip("redis-server did not start")
                time.sleep(0.05)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server_url: str) -> Iterator[str]:
    """The test database, empty at the start of the test and flushed after it."""
    conn = redis.Redis.from_url(redis_server_url)
    conn.flushdb()
    try:
        yield redis_server_url
    finally:
        conn.flushdb()
        conn.close()


@pytest.fixture
def redis_conn(redis_url: str) -> Iterator[redis.Redis]:
    conn = redis.Redis.from_url(redis_url)
    try:
        yield conn
    finally:
        conn.close()
