"""One episode's browser: its tabs, the fence around the task's sites, and VAB's actions.

Every method runs on the Chromium thread (inside ``ChromiumProcess.run``). Requests to a
host that is not one of the task's sites are aborted and remembered, so the env can report
them; the browser's dead proxy is the second fence.
"""

from __future__ import annotations

import base64
import contextlib
from typing import Any
from urllib.parse import urlsplit

from vab_gym.core.actions import ActionCall, ActionError
from vab_gym.envs.webarena.sites import host_of
from vab_gym.envs.webarena.som import Mark, page_marks

VIEWPORT = {"width": 1280, "height": 720}
ACTION_TIMEOUT_MS = 5000
LOAD_TIMEOUT_MS = 10000


class BrowserSession:
    """A browser context with the task's tabs, fenced to ``allowed_hosts``."""

    def __init__(self, browser: Any, allowed_hosts: set[str]) -> None:
        self.allowed_hosts = allowed_hosts
        self.blocked: list[str] = []
        self.context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        self.context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.context.route("**/*", self._fence)
        self.pages: list[Any] = []
        self.active = 0
        self.context.on("page", self._adopt)  # links opening a new tab
        self.marks: list[Mark] = []
        self._cdp: dict[Any, Any] = {}
        self.open_tab()

    # -- tabs -----------------------------------------------------------------------------
    @property
    def page(self) -> Any:
        return self.pages[self.active]

    def open_tab(self) -> Any:
        page = self.context.new_page()
        self._adopt(page)
        self.active = self.pages.index(page)
        return page

    def _adopt(self, page: Any) -> None:
        if page not in self.pages:
            self.pages.append(page)
            self.active = len(self.pages) - 1

    def tabs(self) -> list[tuple[str, str]]:
        return [(p.title() if not p.is_closed() else "", p.url) for p in self.pages]

    # -- the fence ------------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        scheme = urlsplit(url).scheme
        return scheme in ("about", "data", "blob") or host_of(url) in self.allowed_hosts

    def _fence(self, route: Any) -> None:
        url = route.request.url
        if self.allowed(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    # -- observation ----------------------------------------------------------------------
    def observe(self) -> tuple[bytes, list[Mark]]:
        """The viewport screenshot and its marks (numbered ``data-som-id`` attributes)."""
        self._settle()
        self.marks = page_marks(self.page)
        return self._screenshot(), self.marks

    def _screenshot(self) -> bytes:
        """The viewport as PNG, through CDP with Chromium's fast encoder (Playwright's own
        screenshot takes ~20 ms more for the same pixels)."""
        page = self.page
        cdp = self._cdp.get(page)
        if cdp is None:
            cdp = self._cdp[page] = self.context.new_cdp_session(page)
        shot = cdp.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})
        return base64.b64decode(shot["data"])

    def _settle(self) -> None:
        with contextlib.suppress(Exception):  # a page still loading is observed as it is
            self.page.wait_for_load_state("domcontentloaded", timeout=LOAD_TIMEOUT_MS)

    # -- actions --------------------------------------------------------------------------
    def act(self, call: ActionCall) -> str:
        """Carry out one action; an :class:`ActionError` says why it could not be."""
        try:
            return getattr(self, f"_do_{call.name}")(**call.args)
        except ActionError:
            raise
        except Exception as exc:  # Playwright's timeouts and refusals, in one line
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ActionError(f"{call.name} failed: {first[:300]}") from None

    def _element(self, mark_id: int) -> Any:
        if not any(m.id == mark_id and m.interactive for m in self.marks):
            raise ActionError(f"There is no element [{mark_id}] on the page; use a number "
                              "shown in the screenshot.")
        return self.page.locator(f'[data-som-id="{mark_id}"]').first

    def _do_click(self, id: int) -> str:
        self._element(id).click()
        return f"Clicked [{id}]."

    def _do_type(self, id: int, text: str, press_enter: bool) -> str:
        element = self._element(id)
        try:
            element.fill(text)
        except Exception:  # not a form field: type as keystrokes instead
            element.click()
            self.page.keyboard.press("Control+a")
            self.page.keyboard.type(text)
        if press_enter:
            element.press("Enter")
        return f"Typed into [{id}]."

    def _do_hover(self, id: int) -> str:
        self._element(id).hover()
        return f"Hovered over [{id}]."

    def _do_press(self, keys: str) -> str:
        self.page.keyboard.press(keys)
        return f"Pressed {keys}."

    def _do_scroll(self, direction: str) -> str:
        sign = {"up": -1, "down": 1}.get(direction.strip().lower())
        if sign is None:
            raise ActionError("scroll takes 'up' or 'down'.")
        self.page.evaluate("(sign) => window.scrollBy(0, sign * window.innerHeight)", sign)
        return f"Scrolled {direction}."

    def _do_new_tab(self) -> str:
        self.open_tab()
        return "Opened a new tab."

    def _do_tab_focus(self, index: int) -> str:
        if not 0 <= index < len(self.pages):
            raise ActionError(f"There is no tab {index}; tabs are 0 to {len(self.pages) - 1}.")
        self.active = index
        self.page.bring_to_front()
        return f"Switched to tab {index}."

    def _do_close_tab(self) -> str:
        page = self.pages.pop(self.active)
        self._cdp.pop(page, None)
        page.close()
        if not self.pages:
            self.open_tab()
        self.active = min(self.active, len(self.pages) - 1)
        return "Closed the tab."

    def _do_goto(self, url: str) -> str:
        if not self.allowed(url):
            self.blocked.append(url)
            raise ActionError(f"{url[:200]} is outside this task's websites; navigation "
                              "blocked.")
        self.page.goto(url, timeout=LOAD_TIMEOUT_MS)
        return f"Opened {url[:200]}."

    def _do_go_back(self) -> str:
        self.page.go_back()
        return "Went back."

    def _do_go_forward(self) -> str:
        self.page.go_forward()
        return "Went forward."

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the browser may already be gone
            self.context.close()
