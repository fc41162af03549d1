"""Shared fixtures. The S3 server fixtures live in tests/fixtures_s3.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures_s3"]

ROOT = Path(__file__).resolve().parents[1]


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
