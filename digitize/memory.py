"""Keeping a long run's memory flat.

Pages are large, short-lived buffers (a 300-dpi A4 page is 8-26 MB). glibc serves a freed
buffer of that size from its heap once its adaptive threshold has risen, and the heap then
fragments: a 200-page document ends up holding hundreds of megabytes it no longer uses. A
fixed threshold keeps every buffer over 1 MB in its own mapping, returned to the system as
soon as it is freed. The page-preparing helper thread would otherwise get an arena of its own
from glibc, which keeps its freed small blocks apart from the main thread's: two arenas suffice.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter number for the mmap threshold."""

M_ARENA_MAX = -8
"""glibc's mallopt parameter number for the most malloc arenas a process may create."""

MMAP_THRESHOLD_BYTES = 1 << 20

ARENAS = 2
"""The main thread's arena and one for the thread that prepares the next page."""


def keep_heap_flat() -> bool:
    """Fix glibc's mmap threshold for this process; ``False`` where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: nothing to tune
        return False
    ok = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    ok = bool(mallopt(M_ARENA_MAX, ARENAS)) and ok
    log.debug("mmap threshold %d bytes, at most %d arenas: %s", MMAP_THRESHOLD_BYTES, ARENAS, ok)
    return ok
