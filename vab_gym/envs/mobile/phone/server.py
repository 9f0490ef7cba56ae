"""Serve the phone's apps on 127.0.0.1 for as long as some env needs them.

``PhoneServer.shared()`` is the one server of this process (as the WebArena shop's
``ShopServer``; both are :class:`~vab_gym.core.dbserver.DatabaseServer`\\ s): envs
``acquire()`` it and ``release()`` it. ``reset(variant)`` copies the pristine database of
that data variant (0: the seed of the test tasks; train tasks name others) back over the
live one with SQLite's backup API, which takes a few milliseconds; the few variants in use
are kept in memory, each built once.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, ClassVar

from vab_gym.core.dbserver import DatabaseServer
from vab_gym.envs.mobile.phone import seed
from vab_gym.envs.mobile.phone.app import create_app

CACHED_VARIANTS = 16  # pristine databases kept besides variant 0 (built in ~0.1 s each)


class PhoneServer(DatabaseServer):
    """The phone's uvicorn server, reference-counted and restartable."""

    name = "phone"
    _shared: ClassVar[PhoneServer | None] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        # variant -> its pristine database in memory (variant 0 is the base's _pristine)
        self._variants: OrderedDict[int, sqlite3.Connection] = OrderedDict()

    @classmethod
    def shared(cls) -> PhoneServer:
        """The process-wide server (envs in one process share its database)."""
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def build(self, path: Path) -> None:
        seed.build(path)

    def make_app(self, path: Path) -> Any:
        return create_app(path)

    def reset(self, variant: int = 0) -> float:
        """Restore the pristine database of data ``variant``; returns the seconds it took."""
        with self._lock:
            if self._pristine is None:
                raise RuntimeError("the phone server is not running; call acquire() first")
            began = time.perf_counter()
            self._restore(self._variant(variant))
            return time.perf_counter() - began

    def _variant(self, variant: int) -> sqlite3.Connection:
        """The pristine database of ``variant``, built on first use; the least recently used
        of more than CACHED_VARIANTS others is dropped."""
        assert self._pristine is not None
        if variant == 0:
            return self._pristine
        if variant in self._variants:
            self._variants.move_to_end(variant)
        else:
            conn = seed.connect(":memory:", check_same_thread=False)
            seed.populate(conn, variant)
            self._variants[variant] = conn
            if len(self._variants) > CACHED_VARIANTS:
                self._variants.popitem(last=False)[1].close()
        return self._variants[variant]

    def _close_databases(self) -> None:
        for conn in self._variants.values():
            conn.close()
        self._variants.clear()
        super()._close_databases()
