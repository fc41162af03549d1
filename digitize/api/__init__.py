"""The HTTP API (``digitize serve``): uploads, records, jobs, corrections and reports.

It sits beside the command line at the top of the dependency direction: it uses the workers'
submission and the store, and never runs the pipeline itself.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
