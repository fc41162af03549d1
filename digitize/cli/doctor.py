"""`digitize check`: what this machine has, what it lacks, and how to install it.

A clerk or an administrator runs it first when something does not work, so every line names
the piece, says whether it is there, and gives the command that installs it. Exit 0 when every
required piece is there (Redis and the object store are optional: only some commands need
them), 1 otherwise; 2 when a setting is wrong rather than something missing (the unit's
signing key: the same key stops `run` and `worker` at start, so `check` says so first).
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from digitize.cli.output import ExitCode, with_settings
from digitize.errors import ConfigError, DigitizeError

if TYPE_CHECKING:
    from digitize.settings import Settings


@dataclass(frozen=True)
class Check:
    """One line of the report; only ``required`` pieces decide the exit code."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True
    misconfigured: bool = False
    """A DIGITIZE_* setting is wrong (not something missing): `check` exits 2, as `run`."""


def _tesseract() -> list[Check]:
    from digitize import tesseract

    try:
        info = tesseract.info()
    except DigitizeError as exc:
        return [Check("tesseract", False, exc.message, exc.hint)]
    out = [Check("tesseract", True, f"{info.version_text} at {info.path}")]
    for lang, why in (("vie", "Vietnamese OCR"), ("osd", "page orientation detection")):
        present = lang in info.languages
        out.append(
            Check(
                f"tesseract language '{lang}'",
                present,
                f"{why}: {'installed' if present else 'missing'}"
                + (f" in {info.tessdata}" if info.tessdata else ""),
                f"sudo apt-get install tesseract-ocr-{lang}",
            )
        )
    return out


def _libraries() -> list[Check]:
    out = []
    for module, package in (
        ("cv2", "opencv-python-headless"),
        ("pypdfium2", "pypdfium2"),
        ("pdfplumber", "pdfplumber"),
        ("PIL", "pillow"),
        ("minio", "minio"),
        ("rq", "rq"),
    ):
        try:
            mod = __import__(module)
            version = getattr(mod, "__version__", None) or getattr(mod, "V_PYPDFIUM2", "")
            out.append(Check(f"python package {package}", True, str(version or "installed")))
        except ImportError as exc:
            out.append(
                Check(f"python package {package}", False, str(exc), f"pip install {package}")
            )
    return out


def _redis(settings: Settings) -> Check:
    """Redis reached as every queue command reaches it (:func:`workers.connect`): the same URL
    handling and timeouts, so `check` cannot pass where `submit` or `worker` then fails."""
    from workers import connect
    from workers.queues import RedisNotAnswering

    try:
        connect(settings.redis_url, timeout_s=settings.redis_timeout_s).close()
        return Check(
            "redis (queues)", True, f"answers at {_safe_url(settings.redis_url)}", required=False
        )
    except DigitizeError as exc:
        bad = isinstance(exc, ConfigError)  # not a Redis URL at all
        fix = exc.hint if bad else _REDIS_FIX
        if isinstance(exc, RedisNotAnswering):
            fix = exc.hint  # something is there: installing Redis is not the answer
        return Check("redis (queues)", False, exc.message, fix, required=False, misconfigured=bad)


_REDIS_FIX = (
    "only `submit`, `worker` and queued `backlog` need it: sudo apt-get install redis-server, "
    "or set DIGITIZE_REDIS_URL"
)


def _store(settings: Settings) -> Check:
    from storage import open_store

    try:
        store = open_store(settings)
        next(iter(store.list("dossiers/")), None)
        return Check("object store", True, f"reachable: {store.describe()}", required=False)
    except DigitizeError as exc:
        # A wrong DIGITIZE_STORE / DIGITIZE_S3_* is bad configuration, as in every command.
        bad = isinstance(exc, ConfigError)
        return Check(
            "object store", False, exc.message, exc.hint, required=False, misconfigured=bad
        )


def _safe_url(url: str) -> str:
    """A Redis URL without its password."""
    if "@" in url:
        scheme, rest = url.split("://", 1) if "://" in url else ("", url)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def run_checks(settings: Settings) -> list[Check]:
    py = Check(
        "python",
        sys.version_info >= (3, 11),
        platform.python_version(),
        "install Python 3.11 or newer",
    )
    checks = [py, *_tesseract(), *_libraries(), _store(settings), _redis(settings)]
    return [*checks, _signature(settings)]


def _signature(settings: Settings) -> Check:
    """The unit's signing key: who signs the PDFs and until when the certificate is valid."""
    from digitize.signing import SigningKeyError, unit_key

    name = "signature (DIGITIZE_SIGN_P12)"
    try:
        key = unit_key(settings)
    except SigningKeyError as exc:
        return Check(name, False, exc.message, exc.hint, misconfigured=True)
    if key is None:
        return Check(name, True, "not configured: searchable PDFs are stored unsigned")
    days = (key.not_after - datetime.now(UTC)).days
    return Check(
        name,
        True,
        f"PDFs signed by {key.name}; certificate valid until "
        f"{key.not_after.isoformat()} ({days} days left)",
    )


@click.command()
@with_settings
def check(settings: Settings) -> None:
    """Verify Tesseract, its language data, Redis and the object store."""
    checks = run_checks(settings)
    for c in checks:
        mark = (
            click.style("ok     ", fg="green")
            if c.ok
            else click.style(
                "MISSING" if c.required else "warning", fg="red" if c.required else "yellow"
            )
        )
        click.echo(f"{mark} {c.name}: {c.detail}")
        if not c.ok and c.fix:
            click.echo(f"        install or fix: {c.fix}")
    if any(c.misconfigured and not c.ok for c in checks):
        sys.exit(ExitCode.USAGE)
    sys.exit(ExitCode.OK if all(c.ok for c in checks if c.required) else ExitCode.FAILED)
