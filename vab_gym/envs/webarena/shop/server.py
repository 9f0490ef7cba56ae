"""Serve the local shop on 127.0.0.1 for as long as some env needs it.

``ShopServer.shared(seed)`` is the one server per seed of this process: envs ``acquire()`` it
(the first starts uvicorn on a background thread at a free port) and ``release()`` it (the
last stops it and removes its temporary database). ``reset()`` copies the pristine database
back over the live one with SQLite's backup API, which takes a few milliseconds
(:class:`~vab_gym.core.dbserver.DatabaseServer`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

from vab_gym.core.dbserver import DatabaseServer

from . import catalog
from .app import create_app


class ShopServer(DatabaseServer):
    """The shop's uvicorn server, reference-counted and restartable."""

    name = "shop"
    _shared: ClassVar[dict[int, ShopServer]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, seed: int = 0, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self.seed = seed
        self.credentials: dict[str, dict[str, str]] = {
            "customer": dict(catalog.CUSTOMER_LOGIN),
            "admin": dict(catalog.ADMIN_LOGIN),
        }

    @classmethod
    def shared(cls, seed: int = 0) -> ShopServer:
        """The process-wide server for ``seed`` (envs in one process share its database)."""
        with cls._shared_lock:
            if seed not in cls._shared:
                cls._shared[seed] = cls(seed)
            return cls._shared[seed]

    def build(self, path: Path) -> None:
        catalog.build(path, self.seed)

    def make_app(self, path: Path) -> Any:
        return create_app(path)
