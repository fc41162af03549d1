"""How results and errors reach people: exit codes, error messages, per-document summaries.

Every way out of a command goes through here, so the exit code is chosen in one place: an
error carries its code by its type (bad usage or configuration: :attr:`ExitCode.USAGE`,
anything else: :attr:`ExitCode.FAILED`), and a run's outcome by what happened to its
documents. No traceback reaches a user: a :class:`DigitizeError` is printed as what went wrong
and what to do. Machine-readable output goes to stdout, everything for people to stderr.

This module is imported by every command, including ``--help``: it imports only click and the
error types, never the pipeline or the settings.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from digitize.errors import ConfigError, DigitizeError, InvalidName

if TYPE_CHECKING:
    from digitize.settings import Settings

R = TypeVar("R")


class ExitCode(IntEnum):
    """The exit status of `digitize`; scripts and dossier systems act on these numbers."""

    OK = 0
    """Everything asked for was done."""
    FAILED = 1
    """Something failed (the rest is still done and stored) or the machine lacks something."""
    USAGE = 2
    """Bad usage: an option, a dossier code, a DIGITIZE_* variable or a store name is wrong."""
    INTERRUPTED = 130
    """Stopped by Ctrl-C; what finished is stored, and the same command continues."""


USAGE_ERRORS: tuple[type[DigitizeError], ...] = (InvalidName, ConfigError)
"""Errors that mean the command was asked something impossible, not that the work failed."""


def exit_code_for(exc: DigitizeError) -> ExitCode:
    """The exit code an error carries: bad usage or configuration, or a failure."""
    return ExitCode.USAGE if isinstance(exc, USAGE_ERRORS) else ExitCode.FAILED


def fail(exc: DigitizeError) -> NoReturn:
    """Print what went wrong and what to do, then exit with the code the error carries."""
    click.secho(f"error: {exc.message}", fg="red", err=True)
    if exc.hint:
        click.echo(f"  what to do: {exc.hint}", err=True)
    sys.exit(exit_code_for(exc))


def stop(message: str, code: ExitCode) -> NoReturn:
    """End a command with a plain message for people (not an error of the project's own)."""
    click.echo(message, err=True)
    sys.exit(code)


def finish(failed: int) -> NoReturn:
    """End a command that worked through several documents: 1 when any of them failed."""
    sys.exit(ExitCode.FAILED if failed else ExitCode.OK)


def interrupted(message: str) -> NoReturn:
    """End after Ctrl-C: what finished is kept, and the same command goes on from there."""
    click.echo(message, err=True)
    sys.exit(ExitCode.INTERRUPTED)


def load_settings() -> Settings:
    """The process's settings, read from the environment when a command first needs them.

    Loaded on demand, not by the command group: ``--help``, ``--version`` and ``schema`` then
    never pay for the settings library. An invalid DIGITIZE_* variable is bad usage.
    """
    from digitize.settings import get_settings

    try:
        return get_settings()
    except Exception as exc:  # pydantic's validation error names the variable
        fail(ConfigError(f"a DIGITIZE_* environment variable is invalid: {exc}"))


def with_settings(command: Callable[..., R]) -> Callable[..., R]:
    """Give a command the settings as its first argument (see :func:`load_settings`)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        return command(load_settings(), *args, **kwargs)

    return wrapper


def no_documents() -> NoReturn:
    stop("No documents found (JPEG, PNG, TIFF, BMP, WebP or PDF).", ExitCode.FAILED)


def file_error(file: Path | str, exc: DigitizeError) -> None:
    """One document that could not be taken; the command goes on with the others."""
    click.secho(f"error: {file}: {exc.message}", fg="red", err=True)
    click.echo(f"  what to do: {exc.hint}", err=True)


def print_record(rec: dict[str, Any]) -> None:
    """A record on stdout, one JSON object per line (``--json``)."""
    click.echo(json.dumps(rec, ensure_ascii=False))


def summary_line(rec: dict[str, Any], skipped: bool) -> str:
    """What a person needs of a record: state, type, fields found and fields to check."""
    status = "skipped (already done)" if skipped else rec["status"]
    colour = {"done": "green", "failed": "red"}.get(rec["status"], "yellow")
    head = click.style(f"{status:<8}", fg=colour)
    doc_type = rec.get("document_type") or {}
    parts = [f"{head} {rec['dossier_code']}/{rec['source_name']}"]
    if rec["status"] == "done":
        parts.append(
            f"  {rec['pages']} page(s), type {doc_type.get('code')} "
            f"({doc_type.get('confidence', 0):.2f}), "
            f"mean word confidence {rec['quality'].get('mean_word_confidence') or 0:.2f}"
        )
        review = [k for k, v in rec.get("fields", {}).items() if v.get("needs_review")]
        filled = [k for k in rec.get("fields", {}) if k not in review]
        if filled:
            parts.append(f"  fields: {', '.join(filled)}")
        if review:
            # Each field with the codes of why (README, "Review reasons").
            fields = rec["fields"]
            why = [f"{k} ({', '.join(fields[k].get('review_reasons') or [])})" for k in review]
            parts.append(click.style(f"  check by hand: {'; '.join(why)}", fg="yellow"))
    else:
        err = rec.get("error") or {}
        parts.append(click.style(f"  {err.get('code')}: {err.get('message')}", fg="red"))
        if err.get("hint"):
            parts.append(f"  what to do: {err['hint']}")
    return "\n".join(parts)
