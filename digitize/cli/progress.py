"""Progress output of the long commands: `run` names each document as it starts, `backlog`
shows a bar (or plain lines in a log file) with pages per minute and the time left.

Progress is for people at a terminal: it goes to stderr only, never mixes with ``--json`` on
stdout, and `run` prints it only when stderr is a terminal (a cron mail gets the summaries).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from workers.report import Progress


class RunProgress:
    """``[n/N] name ...`` before each document of `digitize run`, when someone is watching.

    The document's own summary follows it when it is done, so a slow document is seen to be
    the one being read, not a hang.
    """

    def __init__(self, total: int, *, as_json: bool) -> None:
        self.total = total
        self.enabled = not as_json and sys.stderr.isatty()

    def starting(self, n: int, file: Path) -> None:
        """Document ``n`` (from 1) is about to be read."""
        if self.enabled:
            click.echo(f"[{n}/{self.total}] {file.name} ...", err=True)


@contextmanager
def backlog_progress(total: int) -> Iterator[Progress]:
    """The backlog's progress display for ``total`` documents, closed however the run ends.

    The bar itself is the workers' (a queued run follows the workers' pace with the same
    display), so only the moment it is opened and closed is decided here.
    """
    from workers.report import Progress

    progress = Progress(total)
    try:
        yield progress
    finally:
        progress.close()
