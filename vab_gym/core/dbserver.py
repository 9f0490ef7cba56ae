"""A local web app over a SQLite database, served for as long as some env needs it.

The WebArena shop and the Mobile phone are both Starlette apps whose whole state is one
SQLite file. :class:`DatabaseServer` serves such an app with uvicorn on a background thread
at a free port of 127.0.0.1: envs ``acquire()`` it (the first starts it and builds the
database in a temporary folder) and ``release()`` it (the last stops it and removes the
folder). ``reset()`` copies the pristine database, kept in memory, back over the live one
with SQLite's backup API, which takes milliseconds.
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
from pathlib import Path
from typing import Any, ClassVar

import uvicorn

START_TIMEOUT = 20.0


class DatabaseServer:
    """A reference-counted, restartable uvicorn server of one app and its database.

    Subclasses name the server (``name``: thread, folder and file names, messages), write
    the pristine database (``build``) and make the ASGI app that serves it (``make_app``).
    """

    name: ClassVar[str] = "app"
    _live: ClassVar[weakref.WeakSet[DatabaseServer]] = weakref.WeakSet()

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port: int | None = None
        self.starts = 0  # how many times it was started: what a client caches for it expires
        self._lock = threading.RLock()
        self._refs = 0
        self._dir: Path | None = None
        self._pristine: sqlite3.Connection | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- what a subclass provides ---------------------------------------------------------
    def build(self, path: Path) -> None:
        """Write the pristine database to ``path``."""
        raise NotImplementedError

    def make_app(self, path: Path) -> Any:
        """The ASGI app serving the database at ``path``."""
        raise NotImplementedError

    # -- state ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def refs(self) -> int:
        return self._refs

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError(f"the {self.name} server is not running; call acquire() first")
        return f"http://{self.host}:{self.port}"

    @property
    def db_path(self) -> Path:
        if self._dir is None:
            raise RuntimeError(f"the {self.name} server is not running; call acquire() first")
        return self._dir / f"{self.name}.sqlite3"

    # -- lifecycle ------------------------------------------------------------------------
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

    def close(self) -> None:
        """Stop now, whatever the count (interpreter exit, tests)."""
        with self._lock:
            self._refs = 0
            self._stop()

    # -- the database ---------------------------------------------------------------------
    def reset(self) -> float:
        """Restore the pristine database; returns the seconds it took."""
        with self._lock:
            if self._pristine is None:
                raise RuntimeError(f"the {self.name} server is not running; call acquire() first")
            began = time.perf_counter()
            self._restore(self._pristine)
            return time.perf_counter() - began

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
        conn = sqlite3.connect(self.db_path, timeout=10)
        try:
            with conn:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(query, params)
        finally:
            conn.close()

    def _restore(self, source: sqlite3.Connection) -> None:
        live = sqlite3.connect(self.db_path, timeout=10)
        try:
            source.backup(live)
        finally:
            live.close()

    @staticmethod
    def _in_memory(path: Path) -> sqlite3.Connection:
        """A copy of the database at ``path`` in memory (usable from any thread)."""
        memory = sqlite3.connect(":memory:", check_same_thread=False)
        disk = sqlite3.connect(path)
        try:
            disk.backup(memory)
        finally:
            disk.close()
        return memory

    # -- internals ------------------------------------------------------------------------
    def _start(self) -> None:
        self.starts += 1
        self._dir = Path(tempfile.mkdtemp(prefix=f"vab-{self.name}-"))
        sock: socket.socket | None = None
        try:
            self.build(self.db_path)
            self._pristine = self._in_memory(self.db_path)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind((self.host, 0))
            self.port = sock.getsockname()[1]
            config = uvicorn.Config(
                self.make_app(self.db_path),
                log_level="warning",
                access_log=False,
                lifespan="off",
                ws="none",
                timeout_graceful_shutdown=2,
            )
            self._server = uvicorn.Server(config)
            self._thread = threading.Thread(
                target=self._server.run,
                kwargs={"sockets": [sock]},
                name=f"vab-{self.name}-{self.port}",
                daemon=True,
            )
            self._thread.start()
            deadline = time.monotonic() + START_TIMEOUT
            while not self._server.started:
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"the {self.name} server did not start")
                time.sleep(0.01)
        except BaseException:
            if sock is not None and self._thread is None:
                sock.close()  # uvicorn closes it once it owns it
            self._stop()
            raise
        DatabaseServer._live.add(self)

    def _stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._close_databases()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        self._server = self._thread = self._dir = None
        self.port = None
        DatabaseServer._live.discard(self)

    def _close_databases(self) -> None:
        if self._pristine is not None:
            self._pristine.close()
        self._pristine = None


@atexit.register
def _stop_all() -> None:
    for server in list(DatabaseServer._live):
        server.close()
