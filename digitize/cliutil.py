"""What every `digitize` command shares: how errors reach the user, and the program's entry.

No traceback reaches a user: a :class:`DigitizeError` is printed as what went wrong and what to
do; anything unexpected as one line naming it, with the traceback only under ``-vv``.
"""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import click

from digitize.errors import DigitizeError

EXIT_INTERRUPTED = 130


def fail(exc: DigitizeError, code: int = 1) -> NoReturn:
    click.secho(f"error: {exc.message}", fg="red", err=True)
    if exc.hint:
        click.echo(f"  what to do: {exc.hint}", err=True)
    sys.exit(code)


def entry() -> None:
    """The console script: the click group, with unexpected failures turned into a message."""
    from digitize.cli import main
    from digitize.memory import keep_heap_flat

    keep_heap_flat()
    try:
        main(standalone_mode=True)
    except DigitizeError as exc:
        fail(exc)
    except Exception as exc:  # the last guard: a bug must not print a traceback at a desk
        logging.getLogger("digitize").debug("unexpected failure", exc_info=True)
        click.secho(
            f"error: unexpected {type(exc).__name__}: {exc}. This is a bug in digitize; run "
            "the command again with -vv to see the details, and report them.",
            fg="red",
            err=True,
        )
        sys.exit(1)
