"""A Redis address where something accepts connections but never answers.

`digitize check` (and every command reaching Redis through ``workers.connect``) gives up after
``DIGITIZE_REDIS_TIMEOUT_S`` with a typed error instead of waiting for ever; a worker's own
blocking waits on its queues are not cut short by that read timeout.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

GUARD_S = 60
"""Far above the 1 s timeout the tests set: reaching it means the command hung."""


def _commands(buf: bytes) -> tuple[list[list[bytes]], bytes]:
    """Whole RESP commands at the start of ``buf``, and what is left of it."""
    out = []
    while True:
        try:
            head, rest = buf.split(b"\r\n", 1)
            args = []
            for _ in range(int(head[1:])):
                size, rest = rest.split(b"\r\n", 1)
                n = int(size[1:])
                if len(rest) < n + 2:
                    raise ValueError
                args.append(rest[:n])
                rest = rest[n + 2 :]
        except ValueError:
            return out, buf
        out.append(args)
        buf = rest


def _serve(answer_handshake: bool) -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections and never answers a PING: silent
    throughout, or (``answer_handshake``) agreeing to the client's opening commands first, as a
    Redis that stalls once connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def talk(client: socket.socket) -> None:
        client.settimeout(0.2)
        buf = b""
        with client:
            while not stop.is_set():
                try:
                    data = client.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    return
                buf += data
                done, buf = _commands(buf)
                for args in done:
                    if answer_handshake and args[0].upper() != b"PING":
                        client.sendall(b"+OK\r\n")

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                client = server.accept()[0]
            except OSError:
                continue
            t = threading.Thread(target=talk, args=(client,), daemon=True)
            t.start()
            threads.append(t)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        for t in [acceptor, *threads]:
            t.join(timeout=5)
        server.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """Accepts connections, never says a word."""
    yield from _serve(answer_handshake=False)


@pytest.fixture
def stalled_port() -> Iterator[int]:
    """Accepts connections and the opening commands, then never answers."""
    yield from _serve(answer_handshake=True)


@pytest.mark.parametrize("port", ["silent_port", "stalled_port"])
def test_check_reports_a_redis_that_accepts_and_never_answers(tmp_path, port, request):
    port = request.getfixturevalue(port)
    url = f"redis://:pw-41d7@127.0.0.1:{port}/0"
    env = {
        **os.environ,
        "DIGITIZE_STORE": str(tmp_path / "s"),
        "DIGITIZE_REDIS_URL": url,
        "DIGITIZE_REDIS_TIMEOUT_S": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "digitize", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=GUARD_S,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr  # Redis is optional: a warning
    lines = proc.stdout.splitlines()
    i = next(n for n, ln in enumerate(lines) if "redis (queues)" in ln)
    assert lines[i].startswith("warning")
    assert f"127.0.0.1:{port}/0" in lines[i] and "did not answer within 1 s" in lines[i]
    assert "DIGITIZE_REDIS_TIMEOUT_S" in lines[i + 1]  # what to do
    assert "pw-41d7" not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("port", ["silent_port", "stalled_port"])
def test_connect_raises_a_typed_error_instead_of_hanging(port, request):
    port = request.getfixturevalue(port)
    from digitize.errors import QueueUnavailable
    from workers import connect

    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            connect(f"redis://127.0.0.1:{port}/0", timeout_s=1).close()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout=GUARD_S)
    assert outcome, "connect hung on a server that never answers"
    assert isinstance(outcome[0], QueueUnavailable)
    assert outcome[0].hint and "DIGITIZE_REDIS_TIMEOUT_S" in outcome[0].hint


def test_a_worker_waits_for_jobs_longer_than_the_read_timeout(redis_url):
    """One queue: the worker blocks on it for the whole reap interval (3 s), three times the
    read timeout; the wait ends as an empty queue, not as a Redis timeout."""
    from rq.exceptions import DequeueTimeout

    from digitize.settings import Settings
    from workers import DESK, connect
    from workers.worker import build_worker

    settings = Settings(redis_timeout_s=1, worker_reap_interval_s=3)
    conn = connect(redis_url, timeout_s=settings.redis_timeout_s)
    try:
        worker = build_worker(conn, [DESK], simple=True, settings=settings)
        with pytest.raises(DequeueTimeout):
            worker.queue_class.dequeue_any(
                worker.queues, settings.worker_reap_interval_s, connection=worker.connection
            )
        assert conn.ping()
    finally:
        conn.close()
