"""`digitize serve` (the HTTP API) and `digitize keys create` (a unit's API key).

The server is uvicorn running :func:`digitize.api.create_app` on the settings of the
environment: the same store and Redis as the workers, which do all the reading. Keys are made
here, on a machine that can write the store; the key is printed once, as the last line, and
only its hash is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from digitize.cli.output import fail, with_settings
from digitize.errors import DigitizeError

if TYPE_CHECKING:
    from digitize.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--out", help="Local folder or s3://bucket/prefix (default: DIGITIZE_STORE).")
@with_settings
def serve(settings: Settings, host: str, port: int, out: str | None) -> None:
    """Serve the HTTP API (docs at /docs, spec at /openapi.json); workers do the reading."""
    import uvicorn

    from digitize.api import create_app
    from storage import open_store

    try:
        app = create_app(settings, store=open_store(settings, out))
    except DigitizeError as exc:
        fail(exc)
    click.echo(f"digitize API on http://{host}:{port} (docs: /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@click.group()
def keys() -> None:
    """API keys of agency units."""


@keys.command("create")
@click.option("--unit", required=True, help="Unit code that begins its dossier codes.")
@click.option("--out", help="Local folder or s3://bucket/prefix (default: DIGITIZE_STORE).")
@with_settings
def create(settings: Settings, unit: str, out: str | None) -> None:
    """Make a key for UNIT; it reads and writes only that unit's dossiers.

    The key is the last line printed. Keep it: only its hash is stored, so it cannot be shown
    again.
    """
    from digitize.api.auth import create_key
    from storage import open_store

    try:
        key = create_key(open_store(settings, out), unit)
    except DigitizeError as exc:
        fail(exc)
    click.echo(
        f"Key for unit {unit} (shown once; send it as 'Authorization: Bearer KEY'):", err=True
    )
    click.echo(key)
