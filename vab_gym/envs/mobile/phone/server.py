"""Serve the phone's apps on 127.0.0.1 for as long as some env needs them.

``PhoneServer.shared()`` is the one server of this process (as the WebArena shop's
``ShopServer``): envs ``acquire()`` it (the first starts uvicorn on a background thread at a
free port) and ``release()`` it (the last stops it and removes its temporary database).
``reset(variant)`` copies the pristine database of that data variant (0: the seed of the
test tasks; train tasks name others) back over the live one with SQLite's backup API, which
takes a few milliseconds; the few variants in use are kept in memory, each built once.
"""

from __future__ import annotations

import atexit
import shutil
import socket
import sqlite3
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import Any, ClassVar

import uvicorn

from vab_gym.envs.mobile.phone import seed
from vab_gym.envs.mobile.phone.app import create_app

START_TIMEOUT = 20.0
CACHED_VARIANTS = 16  # pristine databases kept besides variant 0 (built in ~0.1 s each)


class PhoneServer:
    """The phone's uvicorn server, reference-counted and restartable."""

    _shared: ClassVar[PhoneServer | None] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()
    _live: ClassVar[weakref.WeakSet[PhoneServer]] = weakref.WeakSet()

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port: int | None = None
        self._lock = threading.RLock()
        self._refs = 0
        self._dir: Path | None = None
        # variant -> its pristine database in memory; variant 0 first and never evicted
        self._pristine: OrderedDict[int, sqlite3.Connection] = OrderedDict()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def shared(cls) -> PhoneServer:
        """The process-wide server (envs in one process share its database)."""
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def refs(self) -> int:
        return self._refs

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the phone server is not running; call acquire() first")
        return f"http://{self.host}:{self.port}"

    @property
    def db_path(self) -> Path:
        if self._dir is None:
            raise RuntimeError("the phone server is not running; call acquire() first")
        return self._dir / "phone.sqlite3"

    def acquire(self) -> str:
        """Count one more user, starting the server if it is the first; the base URL."""
        with self._lock:
            if self._refs == 0:
                self._start()
            self._refs += 1
            return self.base_url

    def release(self) -> None:
        """Count one user less; the last one stops the server (extra calls are ignored)."""
        with self._lock:
            if self._refs == 0:
                return
            self._refs -= 1
            if self._refs == 0:
                self._stop()

    def reset(self, variant: int = 0) -> float:
        """Restore the pristine database of data ``variant``; returns the seconds it took."""
        with self._lock:
            if not self._pristine:
                raise RuntimeError("the phone server is not running; call acquire() first")
            began = time.perf_counter()
            pristine = self._variant(variant)
            live = sqlite3.connect(self.db_path, timeout=10)
            try:
                pristine.backup(live)
            finally:
                live.close()
            return time.perf_counter() - began

    def _variant(self, variant: int) -> sqlite3.Connection:
        """The pristine database of ``variant``, built on first use; the least recently used
        of more than CACHED_VARIANTS others is dropped."""
        if variant in self._pristine:
            self._pristine.move_to_end(variant)
        else:
            conn = seed.connect(":memory:", check_same_thread=False)
            seed.populate(conn, variant)
            self._pristine[variant] = conn
            others = [v for v in self._pristine if v != 0]
            if len(others) > CACHED_VARIANTS:
                self._pristine.pop(others[0]).close()
        return self._pristine[variant]

    def sql(self, query: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        """Rows of a read-only query on the live database (judges, tests, solvers)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in conn.execute(query, params)]
        finally:
            conn.close()

    def execute(self, query: str, params: tuple | dict = ()) -> None:
        """Change the live database (tests make states that pass or fail a judge)."""
        conn = seed.connect(self.db_path)
        try:
            with conn:
                conn.execute(query, params)
        finally:
            conn.close()

    def close(self) -> None:
        """Stop now, whatever the count (interpreter exit, tests)."""
        with self._lock:
            self._refs = 0
            self._stop()

    def _start(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="vab-phone-"))
        sock: socket.socket | None = None
        try:
            seed.build(self.db_path)
            self._pristine[0] = sqlite3.connect(":memory:", check_same_thread=False)
            disk = sqlite3.connect(self.db_path)
            try:
                disk.backup(self._pristine[0])
            finally:
                disk.close()
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, 0))
            self.port = sock.getsockname()[1]
            config = uvicorn.Config(create_app(self.db_path), log_level="warning",
                                    access_log=False, lifespan="off", ws="none",
                                    timeout_graceful_shutdown=2)
            self._server = uvicorn.Server(config)
            self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                            name=f"vab-phone-{self.port}", daemon=True)
            self._thread.start()
            deadline = time.monotonic() + START_TIMEOUT
            while not self._server.started:
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("the phone server did not start")
                time.sleep(0.01)
        except BaseException:
            if sock is not None and self._thread is None:
                sock.close()  # uvicorn closes it once it owns it
            self._stop()
            raise
        PhoneServer._live.add(self)

    def _stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        for conn in self._pristine.values():
            conn.close()
        self._pristine.clear()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        self._server = self._thread = self._dir = None
        self.port = None
        PhoneServer._live.discard(self)


@atexit.register
def _stop_all() -> None:
    for server in list(PhoneServer._live):
        server.close()
