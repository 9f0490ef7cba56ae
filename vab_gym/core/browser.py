"""Chromium for the browser-backed envs: found once, started lazily, fenced to 127.0.0.1.

Each env owns one :class:`ChromiumProcess`. Playwright's sync API runs on a private
thread, so an env works the same from a script, a notebook with a running asyncio loop,
or a vector-env worker. Pages reach only what the env serves itself and 127.0.0.1: every
request is routed through the env, and anything else is aborted (and, as a second fence,
sent to a proxy that does not exist). A call that hangs (Chromium or its driver stops
answering) is cut off by a watchdog, which ends that browser so the next call starts afresh.
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

    ``run(fn)`` calls ``fn(browser)`` on that thread, starting Chromium first if needed;
    a call longer than ``hang_timeout_s`` raises :class:`BrowserHung`. ``close()`` ends the
    browser and Playwright's driver; it is idempotent.
    """

    def __init__(self, bypass_hosts: tuple[str, ...] = (), *,
                 hang_timeout_s: float = HANG_TIMEOUT_S) -> None:
        # Hosts (besides 127.0.0.1) that requests may reach, past the dead proxy: the
        # remote sites an env is configured to use. The env's own routing still fences them.
        self.bypass_hosts = tuple(bypass_hosts)
        self._executor: ThreadPoolExecutor | None = None
        self._playwright: Any = None
        self._browser: Any = None
        self._lock = threading.Lock()
        self._driver_pid: int | None = None
        self._ended = False  # killed after a hang: Playwright may not have noticed yet
        self.hang_timeout_s = hang_timeout_s
        self.executable: str | None = None

    def run(self, fn: Callable[[Any], T], timeout_s: float | None = None) -> T:
        """``fn(browser)`` on the Chromium thread; :class:`BrowserHung` after ``timeout_s``
        (default ``hang_timeout_s``)."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="vab-chromium")
            executor = self._executor
        future = executor.submit(self._call, fn)
        limit = self.hang_timeout_s if timeout_s is None else timeout_s
        try:
            return future.result(timeout=limit)
        except FutureTimeout:
            pass
        self._end_hung_call(future, executor)
        raise BrowserHung(f"Chromium did not answer within {limit:g} s; it was ended, and "
                          "the next call starts a new browser")

    def _end_hung_call(self, future: Any, executor: ThreadPoolExecutor) -> None:
        """Kill Chromium so the blocked call fails; if it still does not return, the driver
        too; if even that does not free the thread, give the thread up for a new one."""
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
        executor.shutdown(wait=False)
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

    def _call(self, fn: Callable[[Any], T]) -> T:
        if self._ended or self._browser is None or not self._browser.is_connected():
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
                proxy={"server": DEAD_PROXY,
                       "bypass": ",".join(("127.0.0.1", "localhost", "[::1]",
                                           *self.bypass_hosts))},
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

    def _shutdown_browser(self) -> None:
        for closer in (
            lambda: self._browser and self._browser.close(),
            lambda: self._playwright and self._playwright.stop(),
        ):
            with contextlib.suppress(Exception):  # already dead: nothing to release
                closer()
        self._browser = self._playwright = None
        self._driver_pid = None
        self._ended = False

    def restart(self) -> None:
        """Drop the current browser (e.g. after a crash); the next ``run`` starts a new one."""
        if self._executor is not None:
            self._executor.submit(self._shutdown_browser).result()

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.submit(self._shutdown_browser).result()
            executor.shutdown(wait=True)


def _child_pids() -> set[int]:
    """This process's direct children (Playwright's driver is one)."""
    import psutil

    return {child.pid for child in psutil.Process().children()}
