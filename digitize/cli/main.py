"""The `digitize` command group and the console script's entry point.

Exit codes (:class:`~digitize.cli.output.ExitCode`): 0 when every document was processed, 1
when any failed (the others are still stored) or the machine lacks something, 2 on bad usage,
130 when interrupted. With ``--json``, stdout carries only JSON records, one per line;
everything for people goes to stderr. No traceback reaches a user: errors are printed as what
went wrong and what to do (``-v`` shows more detail).

Building the command line imports click and the command modules only; each command imports
the pipeline, the settings, Redis or the S3 client when it runs, so ``--help`` and
``--version`` answer at once and `run` reads its first page without waiting for libraries it
does not use.
"""

from __future__ import annotations

import logging
import sys

import click

from digitize.cli.doctor import check
from digitize.cli.export import export
from digitize.cli.output import ExitCode, fail
from digitize.cli.queue import backlog, submit, worker
from digitize.cli.run import run
from digitize.cli.serve import keys, serve
from digitize.cli.store_commands import fetch, schema, status
from digitize.errors import DigitizeError

log = logging.getLogger("digitize")


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``; the installed version is looked up only when it is asked for."""
    if not value or ctx.resilient_parsing:
        return
    from digitize import PIPELINE_VERSION

    click.echo(f"digitize, version {PIPELINE_VERSION}")
    ctx.exit(ExitCode.OK)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debugging).")
def main(verbose: int) -> None:
    """Digitize scanned Vietnamese administrative dossiers: searchable PDFs, types and fields."""
    _setup_logging(verbose)


for _command in (run, submit, worker, backlog, status, fetch, check, schema, serve, keys, export):
    main.add_command(_command)


def entry() -> None:
    """The console script: the click group, with unexpected failures turned into a message."""
    from digitize.memory import keep_heap_flat

    keep_heap_flat()
    try:
        main(standalone_mode=True)
    except DigitizeError as exc:
        fail(exc)
    except Exception as exc:  # the last guard: a bug must not print a traceback at a desk
        log.debug("unexpected failure", exc_info=True)
        click.secho(
            f"error: unexpected {type(exc).__name__}: {exc}. This is a bug in digitize; run "
            "the command again with -vv to see the details, and report them.",
            fg="red",
            err=True,
        )
        sys.exit(ExitCode.FAILED)


if __name__ == "__main__":  # pragma: no cover
    entry()
