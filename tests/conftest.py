"""Shared fixtures. The S3 server fixtures live in tests/fixtures_s3.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures_s3", "tests.fixtures_redis"]

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
