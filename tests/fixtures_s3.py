"""S3 endpoint fixtures (moto's server on loopback, or a real MinIO from the environment).

By default a moto server runs in a thread of the test process, on 127.0.0.1 and a free port,
for the whole session. To run the same tests against a real MinIO, set
``DIGITIZE_TEST_S3_ENDPOINT`` (``host:port``), ``DIGITIZE_TEST_S3_ACCESS_KEY``,
``DIGITIZE_TEST_S3_SECRET_KEY`` and optionally ``DIGITIZE_TEST_S3_SECURE=1``.

Every test gets its own bucket, so tests never see each other's objects.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from minio import Minio
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from pydantic import SecretStr
from werkzeug.serving import make_server

from digitize.settings import Settings
from storage import LocalStore, Store, open_store


@dataclass(frozen=True)
class S3Endpoint:
    """Where the test S3 server listens; ``is_moto`` tells tests which server they talk to."""

    endpoint: str
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    secure: bool = False
    is_moto: bool = True

    def client(self) -> Minio:
        """A raw SDK client, to check what the store wrote without going through it."""
        return Minio(
            self.endpoint,
            access_key=self.access_key,
            secret_key=self.secret_key,
            secure=self.secure,
        )

    def settings(self, bucket: str, **overrides: Any) -> Settings:
        """Settings pointing ``store=s3`` at this endpoint and ``bucket`` (``overrides`` on top)."""
        return Settings(
            store="s3",
            s3_endpoint=self.endpoint,
            s3_access_key=self.access_key,
            s3_secret_key=self.secret_key,
            s3_bucket=bucket,
            s3_secure=self.secure,
            s3_region=None,
            **overrides,
        )


def s3_env(settings: Settings) -> dict[str, str]:
    """The ``DIGITIZE_*`` variables that give ``settings``' S3 store to whatever reads the
    environment: a ``digitize`` process, or the app and workers configured as deployed."""
    return {
        "DIGITIZE_STORE": "s3",
        "DIGITIZE_S3_ENDPOINT": settings.s3_endpoint or "",
        "DIGITIZE_S3_ACCESS_KEY": _secret(settings.s3_access_key),
        "DIGITIZE_S3_SECRET_KEY": _secret(settings.s3_secret_key),
        "DIGITIZE_S3_BUCKET": settings.s3_bucket,
        "DIGITIZE_S3_SECURE": "1" if settings.s3_secure else "0",
    }


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


class _AtomicWrites:
    """WSGI middleware applying one write request at a time.

    moto evaluates ``If-Match`` / ``If-None-Match`` on PutObject by checking, then writing, in
    whichever request thread runs; two conditional writes racing in the server threads can
    therefore both pass (seen with a small ``sys.setswitchinterval``). S3 and MinIO apply each
    write atomically, and that is what ``Store.update_json`` relies on, so the test server
    serialises writes to behave the same. Reads stay concurrent.
    """

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self.app(environ, start_response)
        with self.lock:
            # Consume the response inside the lock: moto builds it eagerly, but be certain.
            return list(self.app(environ, start_response))


class _MotoServer(ThreadedMotoServer):
    """moto's threaded server with writes applied atomically (see :class:`_AtomicWrites`).

    A subclass puts its own checks in front of moto by overriding :meth:`wrap`.
    """

    def wrap(self, app: Callable[..., Any]) -> Callable[..., Any]:
        """The WSGI application served in front of moto's ``app``."""
        return _AtomicWrites(app)

    def _server_entry(self) -> None:
        app = self.wrap(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[S3Endpoint]:
    """A real MinIO from ``DIGITIZE_TEST_S3_*``, or a moto server for the test session."""
    endpoint = os.environ.get("DIGITIZE_TEST_S3_ENDPOINT")
    if endpoint:
        yield S3Endpoint(
            endpoint=endpoint,
            access_key=os.environ.get("DIGITIZE_TEST_S3_ACCESS_KEY", ""),
            secret_key=os.environ.get("DIGITIZE_TEST_S3_SECRET_KEY", ""),
            secure=os.environ.get("DIGITIZE_TEST_S3_SECURE", "0") == "1",
            is_moto=False,
        )
        return
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = _MotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Endpoint(endpoint=f"{host}:{port}", access_key="testing", secret_key="testing")
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: S3Endpoint) -> Iterator[str]:
    """A fresh bucket name (not created: stores create their bucket), removed afterwards."""
    name = f"test-{uuid.uuid4().hex[:16]}"
    yield name
    client = s3_endpoint.client()
    with contextlib.suppress(Exception):
        if client.bucket_exists(name):
            for obj in client.list_objects(name, recursive=True):
                client.remove_object(name, obj.object_name or "")
            client.remove_bucket(name)


@pytest.fixture
def s3_settings(s3_endpoint: S3Endpoint, s3_bucket: str) -> Settings:
    """Settings pointing ``store=s3`` at the test endpoint and this test's bucket."""
    return s3_endpoint.settings(s3_bucket, link_expiry_s=3600)


@pytest.fixture
def local_store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "store")


@pytest.fixture
def s3_store(s3_settings: Settings) -> Store:
    return open_store(s3_settings, connect_timeout_s=2.0, read_timeout_s=20.0, retries=2)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> Store:
    """The same test against both backends."""
    return request.getfixturevalue(f"{request.param}_store")
