"""Credentials that never show, presigned links that expire, and webhooks a receiver can trust.

Against the real services: a moto S3 server on loopback, the real Redis, real `digitize`
processes. moto does not check a presigned link's expiry, so the link test puts S3's own check
(the SigV4 query signature, recomputed with the secret, and its ``X-Amz-Expires`` window) in
front of a moto server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from minio import Minio

from digitize.settings import Settings
from storage import S3Store, layout, open_store
from tests.fixtures_s3 import _MotoServer
from tests.hostile_files import good_png
from tests.test_security import _digitize, _env
from workers import webhook

# --- credentials ----------------------------------------------------------------------------

ACCESS = "AKIA-ACCESS-SECRET-4242"
SECRET_KEY = "s3-secret-key-9f9f9f"
HOOK_SECRET = "webhook-secret-5151"
REDIS_PASSWORD = "redis-password-7373"
SECRETS = (ACCESS, SECRET_KEY, HOOK_SECRET, REDIS_PASSWORD)


def _no_secret_in(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} shown in {where}"


def test_credentials_never_show_in_output_logs_records_or_check(
    tmp_path, s3_endpoint, s3_bucket, redis_server_url
):
    if not s3_endpoint.is_moto:
        pytest.skip("the S3 credentials are made up here: moto accepts any")
    redis = redis_server_url.replace("redis://", f"redis://:{REDIS_PASSWORD}@", 1)
    env = _env(
        DIGITIZE_STORE="s3",
        DIGITIZE_S3_ENDPOINT=s3_endpoint.endpoint,
        DIGITIZE_S3_ACCESS_KEY=ACCESS,
        DIGITIZE_S3_SECRET_KEY=SECRET_KEY,
        DIGITIZE_S3_BUCKET=s3_bucket,
        DIGITIZE_WEBHOOK_URL="http://127.0.0.1:9/hook",
        DIGITIZE_WEBHOOK_SECRET=HOOK_SECRET,
        DIGITIZE_REDIS_URL=redis,
    )
    folder = tmp_path / "HS-SEC"
    folder.mkdir()
    (folder / "a.png").write_bytes(good_png())
    (folder / "empty.pdf").write_bytes(b"")
    outputs = {
        "check": _digitize("-vv", "check", env=env),
        "run": _digitize("-vv", "run", str(folder), "--json", env=env),
        "status": _digitize("-vv", "status", "HS-SEC", env=env),
        # Redis refuses the password (it has none): the error must not repeat it.
        "submit": _digitize("-vv", "submit", str(folder), "--dossier", "HS-SEC", env=env),
        # The store unreachable: the error names the endpoint, never the keys.
        "run, store down": _digitize(
            "-vv", "run", str(folder), env={**env, "DIGITIZE_S3_ENDPOINT": "127.0.0.1:9"}
        ),
    }
    # Redis down: the errors name where it was looked for, without the password.
    down = {**env, "DIGITIZE_REDIS_URL": f"redis://:{REDIS_PASSWORD}@127.0.0.1:9/0"}
    outputs["check, redis down"] = _digitize("-vv", "check", env=down)
    outputs["submit, redis down"] = _digitize(
        "-vv", "submit", str(folder), "--dossier", "HS-SEC", env=down
    )
    assert outputs["submit, redis down"][0] != 0
    assert "127.0.0.1:9" in outputs["check, redis down"][1]
    assert outputs["run"][0] == 1  # one document failed (the empty one), one done
    for what, (_code, out) in outputs.items():
        assert "Traceback" not in out, what
        _no_secret_in(out, what)
    assert "DEBUG" in outputs["run"][1]  # the logs were captured at their most detailed
    client = Minio(s3_endpoint.endpoint, access_key=ACCESS, secret_key=SECRET_KEY, secure=False)
    stored = list(client.list_objects(s3_bucket, recursive=True))
    assert any(o.object_name.endswith("record.json") for o in stored)
    for obj in stored:
        if obj.object_name.endswith(".json") or obj.object_name.endswith(".txt"):
            response = client.get_object(s3_bucket, obj.object_name)
            try:
                _no_secret_in(response.read().decode("utf-8", "replace"), obj.object_name)
            finally:
                response.close()
                response.release_conn()


def test_settings_and_stores_never_print_their_secrets(caplog):
    settings = Settings(
        s3_access_key=ACCESS,
        s3_secret_key=SECRET_KEY,
        webhook_secret=HOOK_SECRET,
        redis_url="redis://127.0.0.1:6379/0",
    )
    store = S3Store(
        endpoint="127.0.0.1:9", access_key=ACCESS, secret_key=SECRET_KEY, bucket="dossiers"
    )
    caplog.set_level(logging.DEBUG)
    logging.getLogger("digitize").debug(
        "settings %s %r; store %s %r", settings, settings, store, store
    )
    _no_secret_in(repr(settings) + str(settings) + repr(store) + store.describe(), "repr")
    _no_secret_in(caplog.text, "logs")
    assert (
        webhook.send(
            Settings(webhook_url="http://127.0.0.1:9/", webhook_secret=HOOK_SECRET),
            {"dossier_code": "HS-1"},
        )
        is False
    )
    _no_secret_in(caplog.text, "webhook logs")


# --- presigned links expire -----------------------------------------------------------------


class _S3LinkCheck:
    """WSGI middleware doing what S3 does with a presigned GET: recompute its SigV4 signature
    with the secret, and refuse it once ``X-Amz-Date + X-Amz-Expires`` is past."""

    def __init__(self, app: Any, secret_key: str) -> None:
        self.app, self.secret = app, secret_key

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if "X-Amz-Signature" not in query:
            return self.app(environ, start_response)
        problem = self._problem(environ, query)
        if problem:
            body = (
                f"<Error><Code>AccessDenied</Code><Message>{problem}</Message></Error>"
            ).encode()
            start_response("403 Forbidden", [("Content-Type", "application/xml")])
            return [body]
        return self.app(environ, start_response)

    def _problem(self, environ: dict[str, Any], query: dict[str, str]) -> str | None:
        signed_at = dt.datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
            tzinfo=dt.UTC
        )
        canonical_query = "&".join(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
            for k, v in sorted(query.items())
            if k != "X-Amz-Signature"
        )
        path = quote(environ.get("PATH_INFO", ""), safe="/-_.~")
        canonical = "\n".join(
            [environ["REQUEST_METHOD"], path, canonical_query]
            + [f"host:{environ['HTTP_HOST']}", "", "host", "UNSIGNED-PAYLOAD"]
        )
        scope = query["X-Amz-Credential"].split("/", 1)[1]
        to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256",
                query["X-Amz-Date"],
                scope,
                hashlib.sha256(canonical.encode()).hexdigest(),
            ]
        )
        key = ("AWS4" + self.secret).encode()
        for part in scope.split("/"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, query["X-Amz-Signature"]):
            return "SignatureDoesNotMatch"
        if dt.datetime.now(dt.UTC) > signed_at + dt.timedelta(seconds=int(query["X-Amz-Expires"])):
            return "Request has expired"
        return None


class _CheckingMoto(_MotoServer):
    """moto behind S3's own check of a presigned link's signature and expiry."""

    def wrap(self, app: Any) -> Any:
        return _S3LinkCheck(app, "link-secret")


@pytest.fixture(scope="module")
def checking_s3() -> Iterator[str]:
    server = _CheckingMoto(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"{host}:{port}"
    finally:
        server.stop()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


EXPIRY_S = 4
"""Long enough for the first request on a busy machine, short for the test."""


def test_a_presigned_link_works_until_its_configured_expiry_then_fails(checking_s3):
    settings = Settings(
        store="s3",
        s3_endpoint=checking_s3,
        s3_access_key="link-access",
        s3_secret_key="link-secret",
        s3_bucket="links-expire",
        link_expiry_s=EXPIRY_S,
    )
    store = open_store(settings)
    key = layout.document_key("HS-1", "0123456789abcdef", "text.txt")
    store.put_bytes(key, "Cộng hòa".encode(), content_type="text/plain; charset=utf-8")
    link = store.link(key)
    query = dict(parse_qsl(link.split("?", 1)[1]))
    assert query["X-Amz-Expires"] == str(EXPIRY_S)
    signed_at = dt.datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert _get(link) == (200, "Cộng hòa".encode())
    tampered = link.replace(f"X-Amz-Expires={EXPIRY_S}", "X-Amz-Expires=3600")
    assert _get(tampered)[0] == 403  # the expiry is signed: it cannot be stretched
    expired_at = signed_at + dt.timedelta(seconds=EXPIRY_S + 1)
    time.sleep(max(0.0, (expired_at - dt.datetime.now(dt.UTC)).total_seconds()))
    status, body = _get(link)
    assert status == 403 and b"expired" in body


# --- the webhook: a receiver verifies it and refuses replays --------------------------------


class _Receiver:
    """A dossier system's endpoint on 127.0.0.1, verifying each delivery with
    ``webhook.verify_delivery`` as the README tells receivers to."""

    def __init__(self, secret: str, tolerance_s: float) -> None:
        self.secret, self.tolerance_s = secret, tolerance_s
        self.seen: set[str] = set()
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                ok = webhook.verify_delivery(
                    body,
                    self.headers,
                    receiver.secret,
                    tolerance_s=receiver.tolerance_s,
                    seen=receiver.seen,
                )
                status = 204 if ok else 401
                receiver.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def replay(self, headers: dict[str, str], body: bytes) -> int:
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


TOLERANCE_S = 2.0
"""The receiver's tolerance here: the timestamp is in whole seconds, so a fresh delivery may
already be a second old when it is checked."""


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    r = _Receiver("hook-secret", tolerance_s=TOLERANCE_S)
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_a_receiver_accepts_a_fresh_delivery_and_refuses_replays_and_tampering(receiver):
    settings = Settings(webhook_url=receiver.url, webhook_secret="hook-secret")
    body = {"event": webhook.EVENT, "dossier_code": "HS-1", "documents": [], "counts": {}}
    assert webhook.send(settings, body) is True
    headers, raw, status = receiver.requests[0]
    assert status == 204
    assert webhook.TIMESTAMP_HEADER in headers and webhook.TIMED_SIGNATURE_HEADER in headers
    sent = {k: v for k, v in headers.items() if k.lower().startswith(("x-digitize", "content-t"))}

    assert receiver.replay(sent, raw) == 401  # the same delivery again, within the tolerance
    tampered = raw.replace(b'"HS-1"', b'"HS-2"')
    assert receiver.replay(sent, tampered) == 401  # the body changed
    receiver.seen.clear()  # a receiver that forgot the ids still has the time window
    restamped = {**sent, webhook.TIMESTAMP_HEADER: str(int(time.time()))}
    if restamped[webhook.TIMESTAMP_HEADER] != sent[webhook.TIMESTAMP_HEADER]:
        assert receiver.replay(restamped, raw) == 401  # a new time without a new signature
    stamped = int(sent[webhook.TIMESTAMP_HEADER])
    time.sleep(max(0.0, stamped + TOLERANCE_S + 1.1 - time.time()))
    assert receiver.replay(sent, raw) == 401  # older than the tolerance
    assert [s for _, _, s in receiver.requests] == [204] + [401] * (len(receiver.requests) - 1)
    # The body-only signature is still sent, for receivers written before the timed one.
    assert webhook.verify(raw, "hook-secret", sent[webhook.SIGNATURE_HEADER])


def test_verify_delivery_refuses_what_is_missing_or_wrong():
    body = b'{"dossier_code": "HS-1"}'
    now = 1_800_000_000
    good = {
        webhook.TIMESTAMP_HEADER: str(now),
        webhook.DELIVERY_HEADER: "d1",
        webhook.TIMED_SIGNATURE_HEADER: webhook.sign_timed(body, "s", now, "d1"),
    }
    assert webhook.verify_delivery(body, good, "s", now=now + 10)
    assert not webhook.verify_delivery(body, good, "other secret", now=now)
    assert not webhook.verify_delivery(body, good, "s", now=now + 301)
    assert not webhook.verify_delivery(body, good, "s", now=now - 301)  # from the future
    for missing in good:
        partial = {k: v for k, v in good.items() if k != missing}
        assert not webhook.verify_delivery(body, partial, "s", now=now)
    other_id = {**good, webhook.DELIVERY_HEADER: "d2"}
    assert not webhook.verify_delivery(body, other_id, "s", now=now)
    seen: set[str] = set()
    assert webhook.verify_delivery(body, good, "s", now=now, seen=seen)
    assert not webhook.verify_delivery(body, good, "s", now=now, seen=seen)


def test_settings_show_no_secret_in_json():
    dumped = json.dumps(Settings(s3_secret_key=SECRET_KEY).model_dump(mode="json"))
    assert SECRET_KEY not in dumped
