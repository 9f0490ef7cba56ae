"""Chromium for the browser-backed envs: found once, started lazily, fenced to 127.0.0.1.

Each env owns one :class:`ChromiumProcess`. Playwright's sync API runs on a private
thread, so an env works the same from a script, a notebook with a running asyncio loop,
or a vector-env worker. Pages reach only what the env serves itself and 127.0.0.1: every
request is routed through the env, and anything else is aborted (and, as a second fence,
sent to a proxy that does not exist).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

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

T = TypeVar("T")


class BrowserUnavailable(RuntimeError):
    """No Chromium could be started; the message says how to install one."""


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

    ``run(fn)`` calls ``fn(browser)`` on that thread, starting Chromium first if needed.
    ``close()`` ends the browser and Playwright's driver; it is idempotent.
    """

    def __init__(self, bypass_hosts: tuple[str, ...] = ()) -> None:
        # Hosts (besides 127.0.0.1) that requests may reach, past the dead proxy: the
        # remote sites an env is configured to use. The env's own routing still fences them.
        self.bypass_hosts = tuple(bypass_hosts)
        self._executor: ThreadPoolExecutor | None = None
        self._playwright: Any = None
        self._browser: Any = None
        self._lock = threading.Lock()
        self.executable: str | None = None

    def run(self, fn: Callable[[Any], T]) -> T:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="vab-chromium")
            executor = self._executor
        return executor.submit(self._call, fn).result()

    def _call(self, fn: Callable[[Any], T]) -> T:
        if self._browser is None or not self._browser.is_connected():
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
        self._playwright = sync_playwright().start()
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
