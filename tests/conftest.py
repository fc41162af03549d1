"""Shared fixtures. The S3 server fixtures live in tests/fixtures_s3.py."""

pytest_plugins = ["tests.fixtures_s3"]
