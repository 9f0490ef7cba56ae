"""Chromium for the browser-backed envs: found once, started lazily, fenced to 127.0.0.1.

Envs share this process's Chromium by default (:meth:`ChromiumProcess.shared`, a browser
context each: contexts share no pages, cookies, storage or routes), or own one
(``browser="own"``). Playwright's sync API runs on a private thread, so an env works the
same from a script, a notebook with a running asyncio loop, or a vector-env worker; the
thread serializes the calls of every env on that browser. Pages reach only what the env
serves itself and 127.0.0.1: every request is routed through the env, and anything else
is aborted (and, as a second fence, sent to a proxy that does not exist). A call that
hangs (Chromium or its driver stops answering) is cut off by a watchdog, which ends that
browser (every env on it recovers at its next call, on a new one).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar
from urllib.parse import urlsplit

from vab_gym.core.errors import BackendUnavailable

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--font-render-hinting=none",
)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
# Nothing listens here; requests that escape routing fail instead of leaving the machine.
DEAD_PROXY = "http://127.0.0.1:9"

# A call longer than this is a hang: local pages answer in milliseconds, and Playwright's own
# action and load timeouts (seconds) end a slow call well before it.
HANG_TIMEOUT_S = 60.0
# How long a killed browser's blocked call gets to fail before its thread is given up on.
KILL_GRACE_S = 10.0
T = TypeVar("T")
# Launches are serialized so each driver is told apart from the other child processes.
_LAUNCH_LOCK = threading.Lock()
BROWSER_MODES = ("shared", "own")
# How often a call queued behind another env's checks that the thread was not given up.
TURN_POLL_S = 0.5


class BrowserUnavailable(BackendUnavailable):
    """No Chromium could be started; the message says how to install one."""


class BrowserHung(BackendUnavailable):
    """A browser call outlived its deadline; that browser was ended, and the next call
    starts a new one (pages and contexts of the old one are gone)."""


def find_chromium() -> str | None:
    """The Chromium to use: ``$VAB_CHROMIUM``, else a system ``chromium``, else ``None``
    (Playwright's own browser, from ``playwright install chromium``)."""
    explicit = os.environ.get("VAB_CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def is_local(url: str) -> bool:
    """Whether ``url`` points at this machine's loopback (or is inline data)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


class ChromiumProcess:
    """One headless Chromium, driven from a dedicated thread.

    ``run(fn)`` calls ``fn(browser)`` on that thread, starting Chromium first if needed (or
    again, if it died); a call that runs longer than ``hang_timeout_s`` raises
    :class:`BrowserHung`. ``close()`` ends the browser and Playwright's driver; it is
    idempotent. :meth:`shared` hands out holds on the process-wide instance instead.
    """

    def __init__(
        self, bypass_hosts: tuple[str, ...] = (), *, hang_timeout_s: float = HANG_TIMEOUT_S
    ) -> None:
        # Hosts (besides 127.0.0.1) that requests may reach, past the dead proxy: the
        # remote sites an env is configured to use. The env's own routing still fences them.
        self.bypass_hosts = tuple(bypass_hosts)
        self.hang_timeout_s = hang_timeout_s
        self.executable: str | None = None
        self._forget_state()

    def _forget_state(self) -> None:
        """No thread, browser or driver: a new instance's state, or a forked child's (the
        parent's thread does not exist there and its browser is the parent's)."""
        self._pid = os.getpid()
        self._executor: ThreadPoolExecutor | None = None
        self._playwright: Any = None
        self._browser: Any = None
        self._lock = threading.Lock()
        self._driver_pid: int | None = None
        self._browser_pids: set[int] = set()  # Chromium's main process(es), the driver's children
        self._ended = False  # killed after a hang: Playwright may not have noticed yet

    @classmethod
    def shared(
        cls, bypass_hosts: tuple[str, ...] = (), *, hang_timeout_s: float = HANG_TIMEOUT_S
    ) -> SharedChromium:
        """A hold on this process's shared Chromium (started at its first call, ended when
        the last hold closes). Envs that let requests past the dead proxy to the same
        ``bypass_hosts`` share one browser (with none, as every local env: all of them);
        ``hang_timeout_s`` is this holder's deadline per call."""
        return SharedChromium(tuple(bypass_hosts), hang_timeout_s)

    @property
    def driver_pid(self) -> int | None:
        """Playwright's driver process (Chromium runs under it), while a browser is up."""
        return self._driver_pid

    def run(self, fn: Callable[[Any], T], timeout_s: float | None = None) -> T:
        """``fn(browser)`` on the Chromium thread; :class:`BrowserHung` when it runs longer
        than ``timeout_s`` (default ``hang_timeout_s``). A call waiting behind another
        caller's is not timed until it starts: that call has its own deadline."""
        if self._pid != os.getpid():
            self._forget_state()
        limit = self.hang_timeout_s if timeout_s is None else timeout_s
        executor, future = self._start(fn)
        try:
            return future.result(timeout=limit)
        except FutureTimeout:
            pass
        self._end_hung_call(future, executor)
        raise BrowserHung(
            f"Chromium did not answer within {limit:g} s; it was ended, and "
            "the next call starts a new browser"
        )

    def _start(self, fn: Callable[[Any], T]) -> tuple[ThreadPoolExecutor, Any]:
        """Queue ``fn`` on the Chromium thread and return once it runs (or ran). If the
        thread is given up meanwhile (a call before this one hung), queue it on the next."""
        while True:
            with self._lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(1, thread_name_prefix="vab-chromium")
                executor = self._executor
            started = threading.Event()
            try:
                future = executor.submit(self._call, fn, started)
            except RuntimeError:  # shut down between the lookup and the submit
                continue
            while not started.wait(TURN_POLL_S) and not future.done():
                pass
            if not future.cancelled():
                return executor, future

    def _end_hung_call(self, future: Any, executor: ThreadPoolExecutor) -> None:
        """Kill Chromium so the blocked call fails; if it still does not return, the driver
        too; if even that does not free the thread, give the thread up for a new one (calls
        queued on it are cancelled, and their callers queue them again on the new one)."""
        self._ended = True
        for kill in (self._kill_chromium, self._kill_driver):
            kill()
            with contextlib.suppress(Exception):  # the call fails now: that is the point
                future.result(timeout=KILL_GRACE_S)
            if future.done():
                return
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)
        self._browser = self._playwright = None

    def _driver(self) -> Any:
        import psutil

        if self._driver_pid is None:
            return None
        with contextlib.suppress(psutil.NoSuchProcess):
            return psutil.Process(self._driver_pid)
        return None

    def _kill_chromium(self) -> None:
        import psutil

        driver = self._driver()
        if driver is None:
            return
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in driver.children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()

    def _kill_driver(self) -> None:
        import psutil

        driver = self._driver()
        if driver is not None:
            with contextlib.suppress(psutil.NoSuchProcess):
                driver.kill()

    def _chromium_alive(self) -> bool:
        """Whether Chromium's main process still runs. Playwright learns of a killed browser
        only while a call runs; asking the OS first lets the call after a crash start on a
        new browser instead of failing on the dead one."""
        import psutil

        for pid in self._browser_pids:
            with contextlib.suppress(psutil.NoSuchProcess):
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    return True
        return not self._browser_pids  # not known (no driver found): trust Playwright

    def _call(self, fn: Callable[[Any], T], started: threading.Event | None = None) -> T:
        if started is not None:
            started.set()
        if (
            self._ended
            or self._browser is None
            or not self._browser.is_connected()
            or not self._chromium_alive()
        ):
            self._launch()
        return fn(self._browser)

    def _launch(self) -> None:
        self._shutdown_browser()
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise BrowserUnavailable(
                "Playwright is missing: pip install 'vab-gym[browser]'"
            ) from exc
        self.executable = find_chromium()
        with _LAUNCH_LOCK:
            before = _child_pids()
            self._playwright = sync_playwright().start()
            started = _child_pids() - before
        self._driver_pid = next(iter(started)) if len(started) == 1 else None
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable,
                args=list(CHROMIUM_ARGS),
                proxy={
                    "server": DEAD_PROXY,
                    "bypass": ",".join(("127.0.0.1", "localhost", "[::1]", *self.bypass_hosts)),
                },
                handle_sigint=False,
            )
        except Exception as exc:
            self._shutdown_browser()
            where = self.executable or "Playwright's bundled Chromium"
            raise BrowserUnavailable(
                f"Cannot start Chromium ({where}): {exc}\n"
                "Install one: `apt-get install chromium` (Debian/Ubuntu), or "
                "`playwright install chromium`, or point VAB_CHROMIUM at a Chromium binary."
            ) from exc
        driver = self._driver()
        if driver is not None:
            import psutil

            with contextlib.suppress(psutil.NoSuchProcess):
                self._browser_pids = {child.pid for child in driver.children()}

    def _shutdown_browser(self) -> None:
        for closer in (
            lambda: self._browser and self._browser.close(),
            lambda: self._playwright and self._playwright.stop(),
        ):
            with contextlib.suppress(Exception):  # already dead: nothing to release
                closer()
        self._browser = self._playwright = None
        self._driver_pid = None
        self._browser_pids = set()
        self._ended = False

    def restart(self) -> None:
        """Drop the current browser (e.g. after a crash); the next ``run`` starts a new one."""
        if self._executor is not None and self._pid == os.getpid():
            self._executor.submit(self._shutdown_browser).result()

    def close(self) -> None:
        if self._pid != os.getpid():  # a forked child's copy: the parent's browser is not ours
            self._forget_state()
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.submit(self._shutdown_browser).result()
            executor.shutdown(wait=True)


class SharedChromium:
    """One holder's hold on its process's shared :class:`ChromiumProcess`
    (from :meth:`ChromiumProcess.shared`), with the same ``run`` / ``restart`` / ``close``.

    The browser is counted by its holds: ``close()`` releases this one (twice is once), and
    the last release ends Chromium and the driver. Holds are per process, found by
    ``os.getpid()``: a forked child (a vector env's worker) never uses its parent's
    browser; a hold it inherited takes one on the child's own browser at its next call.
    """

    def __init__(self, bypass_hosts: tuple[str, ...], hang_timeout_s: float) -> None:
        self.bypass_hosts = bypass_hosts
        self.hang_timeout_s = hang_timeout_s
        self.process: ChromiumProcess | None = None
        self._pid = -1
        self._acquire()

    def _acquire(self) -> None:
        key = (os.getpid(), self.bypass_hosts)
        with _SHARED_LOCK:
            process = _SHARED.get(key)
            if process is None:
                process = _SHARED[key] = ChromiumProcess(self.bypass_hosts)
                _HOLDS[key] = 0
            _HOLDS[key] += 1
        self.process, self._pid = process, os.getpid()

    def _process(self) -> ChromiumProcess:
        if self.process is None:
            raise RuntimeError("this shared browser hold was closed")
        if self._pid != os.getpid():  # inherited through a fork: hold the child's browser
            self._acquire()
        assert self.process is not None
        return self.process

    @property
    def driver_pid(self) -> int | None:
        return self.process.driver_pid if self.process is not None else None

    @property
    def holders(self) -> int:
        """How many holds (envs, builders) this browser has now."""
        with _SHARED_LOCK:
            return _HOLDS.get((self._pid, self.bypass_hosts), 0) if self.process else 0

    def run(self, fn: Callable[[Any], T], timeout_s: float | None = None) -> T:
        """``fn(browser)`` on the shared browser's thread, with this holder's deadline."""
        return self._process().run(fn, self.hang_timeout_s if timeout_s is None else timeout_s)

    def restart(self) -> None:
        """Restart the browser only if nobody else holds it: the others' contexts are fine.
        (A crashed browser needs no restart: the next call starts a new one.)"""
        process = self._process()
        if self.holders == 1:
            process.restart()

    def close(self) -> None:
        process, self.process = self.process, None
        if process is None or self._pid != os.getpid():
            return
        key = (self._pid, self.bypass_hosts)
        with _SHARED_LOCK:
            _HOLDS[key] -= 1
            last = _HOLDS[key] == 0
            if last:
                del _HOLDS[key], _SHARED[key]
        if last:
            process.close()


def browser_replaced(chromium: ChromiumProcess | SharedChromium, browser: Any) -> bool:
    """Whether ``browser`` is no longer ``chromium``'s. Playwright learns that a killed
    browser is gone only when a call fails on it; this call, asking again, starts the new
    one, so a caller whose call failed on the old browser can run it once more there."""
    return chromium.run(lambda current: current is not browser)


def open_chromium(
    browser: str, bypass_hosts: tuple[str, ...] = (), *, hang_timeout_s: float = HANG_TIMEOUT_S
) -> ChromiumProcess | SharedChromium:
    """An env's Chromium for its ``browser`` argument: ``"shared"`` (a hold on this
    process's browser) or ``"own"`` (a browser of its own)."""
    if browser == "shared":
        return ChromiumProcess.shared(bypass_hosts, hang_timeout_s=hang_timeout_s)
    if browser == "own":
        return ChromiumProcess(bypass_hosts, hang_timeout_s=hang_timeout_s)
    raise ValueError(f"browser={browser!r}: choose one of {', '.join(BROWSER_MODES)}")


# The shared browsers, by (process id, bypass hosts), and how many holds each has.
_SHARED: dict[tuple[int, tuple[str, ...]], ChromiumProcess] = {}
_HOLDS: dict[tuple[int, tuple[str, ...]], int] = {}
_SHARED_LOCK = threading.Lock()


def _new_locks_in_child() -> None:
    """A fork copies locks as they are: one another thread held would never be released
    in the child."""
    global _LAUNCH_LOCK, _SHARED_LOCK
    _LAUNCH_LOCK, _SHARED_LOCK = threading.Lock(), threading.Lock()


os.register_at_fork(after_in_child=_new_locks_in_child)


def _child_pids() -> set[int]:
    """This process's direct children (Playwright's driver is one)."""
    import psutil

    return {child.pid for child in psutil.Process().children()}
