"""What a running API server holds: its settings, its store and its Redis connection.

Opened once per server process and shared by every request (the store and the Redis client
are thread-safe); Redis is connected on first use, so an API that only reads records keeps
answering while Redis restarts.
"""

from __future__ import annotations

import threading

import redis
from fastapi import Request

from digitize.settings import Settings
from storage import Store, open_store
from workers.queues import connect


class Backends:
    """The store and the Redis connection of one API server."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store if store is not None else open_store(settings)
        self._conn: redis.Redis | None = None
        self._lock = threading.Lock()

    @property
    def conn(self) -> redis.Redis:
        with self._lock:
            if self._conn is None:
                self._conn = connect(self.settings.redis_url)
            return self._conn


def backends(request: Request) -> Backends:
    return request.app.state.backends
