"""The phone devices the env drives, and the embedded phone's screen in Chromium.

:class:`PhoneDevice` is what the env needs of a device, whichever backend: open a task's
app, read the screen (nodes and a PNG at device resolution) and AndroidLab's gestures at
device-pixel points (tap, long press, swipe, typing, Back, Home). Backend ``phone`` is
:class:`ChromiumPhone` (Playwright; :class:`PhoneScreen` is its page, whose methods run on
the Chromium thread); backend ``appium`` is ``appium_device.AppiumDevice``.
"""

from __future__ import annotations

import base64
import contextlib
import time
from typing import Any, Protocol
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError

from vab_gym.core.browser import BrowserHung, browser_replaced, open_chromium
from vab_gym.core.errors import BackendUnavailable
from vab_gym.core.tasks import Task
from vab_gym.envs.mobile.screen import Node, parse_nodes, script

# A Pixel-class phone: 412x915 CSS px at 2.625 device px each (about 1080x2400).
VIEWPORT = {"width": 412, "height": 915}
PIXEL_RATIO = 2.625
DEVICE_WIDTH = 1082  # px of a full-resolution screenshot: 412 CSS px x 2.625, rounded up
DEVICE_HEIGHT = 2402  # 915 CSS px x 2.625, rounded up
ACTION_TIMEOUT_MS = 5000
SETTLE_TIMEOUT_S = 5.0
SCREENSHOT_RETRIES = 4  # CDP refusals retried a frame later before one is raised
# and_controller.py swipe: unit = width / 10 device px; short 1, medium 2, long 10 units;
# up/down move twice the distance.
SWIPE_UNITS = {"short": 1, "medium": 2, "long": 10}
LONG_PRESS_MS = 1000  # and_controller.py long_press: input swipe x y x y 1000
TYPE_DELETES = 100  # and_controller.py text: 100 DEL key events before the text
SWIPE_MS = 400  # and_controller.py swipe: input swipe ... 400 (not quick)

# AndroidLab's 100 deletes before the cursor, in the focused field of the phone's page;
# false when no text field has the focus. A selection is deleted by the first DEL.
DELETE_BEFORE_CURSOR = """(deletes) => {
  const el = document.activeElement;
  if (!el || !(el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')) return false;
  const selected = el.selectionEnd > el.selectionStart;
  const end = el.selectionEnd ?? el.value.length;
  const before = selected ? deletes - 1 : deletes;
  const start = Math.max(0, (el.selectionStart ?? end) - before);
  el.value = el.value.slice(0, start) + el.value.slice(end);
  el.setSelectionRange(start, start);
  return true;
}"""


def swipe_offset(width: int, direction: str, dist: str) -> tuple[int, int]:
    """The finger's move in device px for AndroidLab's swipe (``and_controller.py swipe``):
    a unit of width/10, 1, 2 or 10 units by ``dist``; up and down move twice as far."""
    unit = int(width / 10) * SWIPE_UNITS.get(dist, 1)
    return {"up": (0, -2 * unit), "down": (0, 2 * unit), "left": (-unit, 0), "right": (unit, 0)}[
        direction
    ]


class DeviceUnavailable(BackendUnavailable):
    """The device (or the Appium server driving it) cannot be reached; the message says
    what to start or install."""


class PhoneDevice(Protocol):
    """What the env drives. Points are device pixels; ``url`` and ``app`` name the screen
    shown (``app`` is a phone app key, "launcher" on the home screen)."""

    url: str
    app: str
    uses_phone_server: bool  # the embedded phone's apps (and judges) are served here
    scales_screenshots: bool  # look(width) renders at that width (else device resolution)

    def open(self, task: Task, base_url: str | None) -> None:
        """Start the episode in the task's app (``base_url``: the phone server's, if used)."""

    def look(self, width: int | None = None) -> tuple[list[Node], bytes]:
        """The screen's nodes and its screenshot (PNG), ``width`` px wide if the device can
        scale it (the observation needs less than the device's resolution), else at device
        resolution."""

    def screenshot(self, width: int | None = None) -> bytes:
        """The screenshot alone (PNG), as :meth:`look` takes it."""

    def tap(self, point: tuple[int, int]) -> None: ...

    def long_press(self, point: tuple[int, int]) -> bool: ...

    def swipe(self, point: tuple[int, int], direction: str, dist: str) -> bool: ...

    def type_text(self, text: str) -> bool: ...

    def back(self) -> None: ...

    def home(self) -> None: ...

    def enter(self) -> None: ...

    def close(self) -> None: ...


# Resolves after two animation frames and a task: whether the page has begun to unload.
_LEAVING = """() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(
  () => setTimeout(() => resolve(!!window.__leaving), 0))))"""


class PhoneScreen:
    """One episode's browser context and page on the phone server at ``base_url``."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc
        self.blocked: list[str] = []
        self.context = browser.new_context(
            viewport=VIEWPORT,
            device_scale_factor=PIXEL_RATIO,
            is_mobile=True,
            has_touch=True,
            service_workers="block",
            locale="en-US",
            timezone_id="Asia/Shanghai",
        )
        self.context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.context.route("**/*", self._fence)
        self.page = self.context.new_page()
        self._navigations = 0
        self._loads = 0
        self.page.on("request", self._on_request)
        self.page.on("load", self._on_load)
        self._cdp = self.context.new_cdp_session(self.page)
        self.crashed = False  # the page's renderer crashed: the phone opens a new screen
        self.page.on("crash", self._on_crash)
        self.nodes: list[Node] = []
        self.url = ""
        self.app = ""

    # -- the fence: only the phone server ------------------------------------------------
    def _fence(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == self.host:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _on_request(self, request: Any) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self._navigations += 1

    def _on_load(self, _page: Any) -> None:
        self._loads += 1

    def _on_crash(self, _page: Any) -> None:
        """Close the context now: a crashed page's DevTools session never answers."""
        self.crashed = True
        self.close()

    # -- navigation and settling ----------------------------------------------------------
    def open(self, path: str) -> None:
        """Start an episode at ``path`` with no history (the context is reused: creating
        one per episode costs most of a reset)."""
        self.page.goto(self.base_url + path)
        self._cdp.send("Page.resetNavigationHistory")
        self.blocked = []

    def settled(self, action: Any) -> Any:
        """Run ``action()``, then wait until any navigation it started has loaded and any
        draft it typed has been saved. Whether a navigation started is asked of the page
        after two frames (a tap's click is dispatched by then; ``beforeunload`` marks the
        page as leaving), so a loaded machine does not make the env read a stale screen."""
        navigations, loads = self._navigations, self._loads
        result = action()
        try:
            leaving = self.page.evaluate(_LEAVING)
        except Exception:  # the page was replaced while answering: it navigated
            leaving = True
        if leaving or self._navigations != navigations:
            deadline = time.monotonic() + SETTLE_TIMEOUT_S
            while self._loads == loads and time.monotonic() < deadline:
                self.page.wait_for_timeout(10)
        with contextlib.suppress(Exception):  # a page that is still loading is observed as is
            self.page.wait_for_load_state("load", timeout=SETTLE_TIMEOUT_S * 1000)
            self.page.wait_for_function("() => !window.__pending", timeout=SETTLE_TIMEOUT_S * 1000)
        return result

    # -- observation ----------------------------------------------------------------------
    def read(self) -> list[Node]:
        """The screen's nodes (and its URL and app), read from the live page."""
        found = self.page.evaluate(script(), PIXEL_RATIO)
        self.nodes = parse_nodes(found["nodes"])
        self.url, self.app = found["url"], found["app"]
        return self.nodes

    def screenshot(self, width: int | None = None) -> bytes:
        """The screen as PNG through CDP's fast encoder, ``width`` px wide (default: device
        resolution). Chromium renders at that scale, much cheaper than a full-size picture
        scaled down afterwards."""
        scale = PIXEL_RATIO if width is None else min(PIXEL_RATIO, width / VIEWPORT["width"])
        clip = {"x": 0, "y": 0, **VIEWPORT, "scale": scale}  # else CDP gives CSS px
        request = {"format": "png", "optimizeForSpeed": True, "clip": clip}
        for _ in range(SCREENSHOT_RETRIES):
            try:
                return base64.b64decode(self._cdp.send("Page.captureScreenshot", request)["data"])
            except PlaywrightError:
                # Chromium refuses ("Unable to capture screenshot") while it has no frame to
                # give, e.g. between a navigation's commit and its first paint: wait a frame.
                with contextlib.suppress(PlaywrightError):  # the page may be mid-navigation
                    self.page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
        return base64.b64decode(self._cdp.send("Page.captureScreenshot", request)["data"])

    # -- gestures (device pixels in, CSS pixels to the page) ------------------------------
    @staticmethod
    def _css(point: tuple[int, int]) -> tuple[float, float]:
        return point[0] / PIXEL_RATIO, point[1] / PIXEL_RATIO

    def tap(self, point: tuple[int, int]) -> None:
        x, y = self._css(point)
        self.settled(lambda: self.page.touchscreen.tap(x, y))

    def long_press(self, point: tuple[int, int]) -> bool:
        """A 1 s press: what the element does when held, or (on Android, a press nobody
        handles as long ends as a click) a tap. True when a long-press action ran."""
        x, y = self._css(point)
        handled = self.settled(
            lambda: self.page.evaluate("([x, y]) => phoneLongPress(x, y)", [x, y])
        )
        if not handled:
            self.tap(point)
        return bool(handled)

    def swipe(self, point: tuple[int, int], direction: str, dist: str) -> bool:
        """Scroll what is under ``point`` as AndroidLab's swipe would; True if it moved."""
        fx, fy = swipe_offset(int(VIEWPORT["width"] * PIXEL_RATIO), direction, dist)
        dx, dy = -fx, -fy  # content moves against the finger
        x, y = self._css(point)
        return bool(
            self.page.evaluate(
                """([x, y, dx, dy]) => {
                 let el = document.elementFromPoint(x, y);
                 for (; el; el = el.parentElement) {
                   const s = getComputedStyle(el);
                   const canY = dy && /(auto|scroll)/.test(s.overflowY)
                     && el.scrollHeight > el.clientHeight;
                   const canX = dx && /(auto|scroll)/.test(s.overflowX)
                     && el.scrollWidth > el.clientWidth;
                   if (canY || canX) {
                     const before = [el.scrollLeft, el.scrollTop];
                     el.scrollBy(dx, dy);
                     return before[0] !== el.scrollLeft || before[1] !== el.scrollTop;
                   }
                 }
                 return false;
               }""",
                [x, y, dx / PIXEL_RATIO, dy / PIXEL_RATIO],
            )
        )

    def type_text(self, text: str) -> bool:
        """AndroidLab's typing: 100 deletes before the cursor, then the text, into the
        focused field; False when no field has the focus."""
        focused = self.page.evaluate(DELETE_BEFORE_CURSOR, TYPE_DELETES)
        if focused:
            self.settled(lambda: self.page.keyboard.insert_text(text))
        return bool(focused)

    def back(self) -> None:
        self.settled(lambda: self.page.evaluate("phoneBack()"))

    def home(self) -> None:
        self.settled(lambda: self.page.evaluate("phoneHome()"))

    def enter(self) -> None:
        """The Enter key (``and_controller.py enter``: KEYCODE_ENTER) to the focused field:
        the phone's one-line fields move on to the next, as Android's IME "Next" does."""
        self.settled(lambda: self.page.keyboard.press("Enter"))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the browser may already be gone
            self.context.close()


class ChromiumPhone:
    """Backend ``phone``: the embedded phone in Chromium (Playwright): in a context of its
    own in this process's shared browser (``browser="shared"``), or in a browser of its own
    (``"own"``)."""

    uses_phone_server = True
    scales_screenshots = True

    def __init__(self, browser: str = "shared") -> None:
        self.chromium = open_chromium(browser)
        self.screen: PhoneScreen | None = None

    @property
    def url(self) -> str:
        return self.screen.url if self.screen is not None else ""

    @property
    def app(self) -> str:
        return self.screen.app if self.screen is not None else ""

    @property
    def blocked(self) -> list[str]:
        """The URLs this episode's pages asked for outside the phone server (aborted)."""
        return list(self.screen.blocked) if self.screen is not None else []

    def _on_screen(self, action: Any) -> Any:
        """``action(screen)`` on the Chromium thread. If the browser is a new one (the old
        one crashed or hung) or the page's renderer crashed, the screen is opened again, in
        a new context, at its last URL: the apps keep their state on the phone server (its
        database, and message drafts saved as typed), so the screen is the one left; what
        lived only in the page (a field typed but not saved, scroll positions, Back's
        browser history) is lost. An action that failed because the page or the browser
        crashed meanwhile runs once more, on the new screen."""
        assert self.screen is not None, "open() first"

        def call(browser: Any) -> Any:
            assert self.screen is not None
            if self.screen.context.browser is not browser or self.screen.crashed:
                self._reopen(browser)
            return action(self.screen)

        try:
            return self.chromium.run(call)
        except BrowserHung:
            raise
        except Exception:
            if not (
                self.screen.crashed or browser_replaced(self.chromium, self.screen.context.browser)
            ):
                raise
            return self.chromium.run(call)

    def _reopen(self, browser: Any) -> None:
        old = self.screen
        assert old is not None
        last = urlsplit(old.page.url)  # known without asking the dead page
        if old.context.browser is browser:
            old.close()  # the live browser's context (its page crashed): release it
        path = last.path + (f"?{last.query}" if last.query else "")
        self.screen = PhoneScreen(browser, old.base_url)
        self.screen.open(path if last.netloc == old.host else "/")

    def open(self, task: Task, base_url: str | None) -> None:
        assert base_url is not None
        base = base_url.rstrip("/")

        def open_episode(browser: Any) -> None:
            if self.screen is not None and (
                self.screen.context.browser is not browser or self.screen.crashed
            ):
                self.screen = None  # a dead browser's or a crashed page's: start afresh
            if self.screen is None or self.screen.base_url != base:
                if self.screen is not None:
                    self.screen.close()
                self.screen = PhoneScreen(browser, base)
            self.screen.open(task.setup.get("start", "/"))

        self.chromium.run(open_episode)

    def look(self, width: int | None = None) -> tuple[list[Node], bytes]:
        return self._on_screen(lambda s: (s.read(), s.screenshot(width)))

    def screenshot(self, width: int | None = None) -> bytes:
        return self._on_screen(lambda s: s.screenshot(width))

    def tap(self, point: tuple[int, int]) -> None:
        self._on_screen(lambda s: s.tap(point))

    def long_press(self, point: tuple[int, int]) -> bool:
        return self._on_screen(lambda s: s.long_press(point))

    def swipe(self, point: tuple[int, int], direction: str, dist: str) -> bool:
        return self._on_screen(lambda s: s.swipe(point, direction, dist))

    def type_text(self, text: str) -> bool:
        return self._on_screen(lambda s: s.type_text(text))

    def back(self) -> None:
        self._on_screen(lambda s: s.back())

    def home(self) -> None:
        self._on_screen(lambda s: s.home())

    def enter(self) -> None:
        self._on_screen(lambda s: s.enter())

    def close(self) -> None:
        if self.screen is not None:
            screen, self.screen = self.screen, None
            with contextlib.suppress(Exception):  # the browser is already gone
                self.chromium.run(lambda _browser: screen.close())
        self.chromium.close()
