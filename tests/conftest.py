"""Shared fixtures. The S3 server fixtures live in tests/fixtures_s3.py."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures_s3", "tests.fixtures_redis", "tests.scans"]

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "000.00.12.H57-261122-0001"
TRUTH = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))


def _evaldata_dir() -> Path:
    return Path(os.environ.get("DIGITIZE_EVALDATA", ROOT.parent / "shared" / "evaldata"))


@pytest.fixture(scope="session")
def evaldata() -> Path:
    """The shared folder of real scans; tests that need it skip when it is absent."""
    path = _evaldata_dir()
    if not path.is_dir():
        pytest.skip(f"evaluation scans not present at {path}")
    return path


@pytest.fixture
def settings(tmp_path):
    from digitize.settings import Settings

    return Settings(store=str(tmp_path / "store"))


@pytest.fixture
def local_out(tmp_path) -> Path:
    return tmp_path / "store"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The sample dossier processed once for the session: (store, records by file name)."""
    from digitize.pipeline import process_document
    from digitize.settings import Settings
    from storage import LocalStore

    root = tmp_path_factory.mktemp("samples-store")
    store = LocalStore(root)
    settings = Settings(store=str(root))
    records = {}
    for name in TRUTH["files"]:
        records[name] = process_document(
            (SAMPLES / name).read_bytes(),
            source_name=name,
            dossier_code=TRUTH["dossier_code"],
            store=store,
            settings=settings,
        ).record
    return store, records


# --- every record.json a test writes is checked against the published schema ---------------

RAW_STORE_TESTS = frozenset({"test_storage.py"})
"""Test modules of the store itself: they put arbitrary bytes under record keys on purpose."""


def schema_problems(data: bytes) -> list[str]:
    """Why ``data`` is not a record that satisfies ``record_schema()`` (empty when it is)."""
    from digitize.record import record_schema

    try:
        record = json.loads(data)
    except ValueError as exc:
        return [f"not JSON: {exc}"]
    validator = _record_validator(json.dumps(record_schema(), sort_keys=True))
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in validator.iter_errors(record)
    ]


@functools.cache
def _record_validator(schema_json: str):
    import jsonschema

    schema = json.loads(schema_json)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


class RecordChecks:
    """What the schema said of each record.json written, kept in a file.

    A file, not a list, because forked work horses write records too: each process appends one
    JSON line per record (small appends to one file do not interleave), and the test process
    reads the lines after each test.
    """

    def __init__(self, log: Path) -> None:
        self.log = log
        self.log.touch()
        self.active = True
        self._offset = 0

    def check(self, store: str, key: str, data: bytes) -> None:
        if not self.active or key.rpartition("/")[2] != "record.json":
            return
        line = {"store": store, "key": key, "problems": schema_problems(data)}
        with self.log.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")

    def take(self) -> list[dict]:
        """The checks made since the last call, from every process."""
        with self.log.open(encoding="utf-8") as f:
            f.seek(self._offset)
            lines = f.read()
            self._offset = f.tell()
        return [json.loads(ln) for ln in lines.splitlines() if ln]


_record_checks: RecordChecks | None = None


@pytest.fixture(scope="session", autouse=True)
def _check_written_records(tmp_path_factory) -> Iterator[RecordChecks]:
    """Check every record.json put in a LocalStore or an S3Store, by any code, in this process
    or a forked one; records written by child processes (the CLI, `digitize worker`) are found
    afterwards in the test's folder and bucket (see ``pytest_runtest_call``)."""
    global _record_checks
    from storage import LocalStore
    from storage.s3 import S3Store

    checks = RecordChecks(tmp_path_factory.mktemp("record-checks") / "checks.jsonl")
    with pytest.MonkeyPatch.context() as mp:
        for cls in (LocalStore, S3Store):
            mp.setattr(cls, "put_bytes", _checking(cls.put_bytes, checks))
            mp.setattr(cls, "update_json", _checking_update(cls.update_json, checks))
        _record_checks = checks
        yield checks
        _record_checks = None


def _checking(put_bytes: Callable[..., None], checks: RecordChecks) -> Callable[..., None]:
    @functools.wraps(put_bytes)
    def put(self, key: str, data: bytes, **kwargs) -> None:
        checks.check(self.describe(), key, data)
        return put_bytes(self, key, data, **kwargs)

    return put


def _checking_update(update_json: Callable[..., dict], checks: RecordChecks) -> Callable[..., dict]:
    """Records are written by a read-modify-write too (``save_record``, a clerk's correction)."""

    @functools.wraps(update_json)
    def update(self, key: str, fn: Callable[..., dict], **kwargs) -> dict:
        new = update_json(self, key, fn, **kwargs)
        checks.check(self.describe(), key, json.dumps(new, ensure_ascii=False).encode("utf-8"))
        return new

    return update


@pytest.fixture
def record_checks() -> RecordChecks:
    assert _record_checks is not None
    return _record_checks


def _stored_records(item: pytest.Item) -> Iterator[tuple[str, str, bytes]]:
    """Every record.json now in the test's own folder and its own bucket."""
    tmp = item.funcargs.get("tmp_path")
    if isinstance(tmp, Path):
        for path in sorted(tmp.rglob("record.json")):
            yield str(tmp), str(path.relative_to(tmp)), path.read_bytes()
    bucket, endpoint = item.funcargs.get("s3_bucket"), item.funcargs.get("s3_endpoint")
    if isinstance(bucket, str) and endpoint is not None:
        client = endpoint.client()
        if client.bucket_exists(bucket):
            for obj in client.list_objects(bucket, recursive=True):
                name = obj.object_name or ""
                if name.endswith("/record.json"):
                    response = client.get_object(bucket, name)
                    try:
                        yield f"s3://{bucket}", name, response.read()
                    finally:
                        response.close()
                        response.release_conn()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Fail a test that wrote a record.json which breaks ``record_schema()``."""
    checks = _record_checks
    raw = item.path.name in RAW_STORE_TESTS
    if checks is not None:
        checks.active = not raw
    try:
        result = yield
    except BaseException:
        if checks is not None:
            checks.take()  # the test failed anyway: do not charge its records to the next one
        raise
    if checks is None or raw:
        return result
    for store, key, data in _stored_records(item):
        checks.check(store, key, data)
    bad = [c for c in checks.take() if c["problems"]]
    if bad:
        lines = [f"{c['store']} {c['key']}: {'; '.join(c['problems'])}" for c in bad]
        pytest.fail("record.json breaking record_schema():\n" + "\n".join(lines), pytrace=False)
    return result
