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
from vab_gym.core.env import dispatch
from vab_gym.envs.webarena.sites import host_of
from vab_gym.envs.webarena.som import Mark, page_marks

VIEWPORT = {"width": 1280, "height": 720}
# The local shop answers in milliseconds; VAB's envs.py:ScriptBrowserEnv.reset gives the
# real sites 120 s (set_default_timeout and set_default_navigation_timeout).
LOCAL_TIMEOUTS_S = (5.0, 10.0)  # actions, page loads
VAB_TIMEOUT_S = 120.0
# The mouse and keyboard do not wait for the navigation they start (Playwright's locator
# actions would). Each document notes a navigation it starts (the Navigation API's
# "navigate" event fires inside the click or key press), so the session waits for the
# new document exactly when there is one.
NOTE_NAVIGATION = """
if (window.navigation) navigation.addEventListener('navigate', (e) => {
  if (!e.hashChange) window.__vabNavigating = true;
});
"""
NAVIGATING = """() => new Promise((done) => {
  const answer = () => done(window.__vabNavigating === true);
  requestAnimationFrame(() => setTimeout(answer, 0));
  setTimeout(answer, 1000);  // a page that draws no frame (hidden, stalled) still answers
})"""
POLL_MS = 20
# VAB's actions.py:create_key_press_action maps these names (browser_env/constants.py).
KEY_NAMES = {
    name.lower(): name
    for name in (
        "Backquote",
        "Minus",
        "Equal",
        "Backslash",
        "Backspace",
        "Meta",
        "Tab",
        "Delete",
        "Escape",
        "ArrowDown",
        "End",
        "Enter",
        "Home",
        "Insert",
        "PageDown",
        "PageUp",
        "ArrowRight",
        "ArrowUp",
        *(f"F{i}" for i in range(1, 13)),
    )
}


def vab_keys(keys: str) -> str:
    """VAB's key combination: each name mapped (``enter`` -> ``Enter``), others as given."""
    return "+".join(KEY_NAMES.get(key.lower(), key) for key in keys.split("+"))


class BrowserSession:
    """A browser context with the task's tabs, fenced to ``allowed_hosts``.

    ``timeouts_s`` are Playwright's limits for actions and page loads; ``sleep_after_s`` is
    VAB's pause after every action (run.py sets ``sleep_after_execution = 3.0``);
    ``storage_state`` the cookies it starts with (Playwright's form, VAB's log-ins).
    """

    def __init__(
        self,
        browser: Any,
        allowed_hosts: set[str],
        *,
        timeouts_s: tuple[float, float] = LOCAL_TIMEOUTS_S,
        sleep_after_s: float = 0.0,
        storage_state: dict[str, Any] | None = None,
    ) -> None:
        self.browser = browser  # the env notices a restarted browser by this
        self.allowed_hosts = allowed_hosts
        self.blocked: list[str] = []
        self.action_timeout_ms = int(timeouts_s[0] * 1000)
        self.load_timeout_ms = int(timeouts_s[1] * 1000)
        self.sleep_after_ms = int(sleep_after_s * 1000)
        self.context = browser.new_context(
            viewport=VIEWPORT,
            service_workers="block",
            device_scale_factor=1,
            storage_state=storage_state,
        )
        self.context.set_default_timeout(self.action_timeout_ms)
        self.context.set_default_navigation_timeout(self.load_timeout_ms)
        self.context.route("**/*", self._fence)
        self.context.add_init_script(NOTE_NAVIGATION)
        self.pages: list[Any] = []
        self.active = 0
        self.context.on("page", self._adopt)  # links opening a new tab
        self.marks: list[Mark] = []
        self.som_mode = "vab"
        self._cdp: dict[Any, Any] = {}
        self._documents: dict[Any, int] = {}  # documents each tab has had so far
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
            page.on("framenavigated", lambda frame: self._on_document(page, frame))

    def _on_document(self, page: Any, frame: Any) -> None:
        if frame == page.main_frame:
            self._documents[page] = self._documents.get(page, 0) + 1

    def _await_navigation(self, page: Any, documents_before: int) -> None:
        """If the last input started a navigation of ``page``, wait for its new document."""
        try:  # after the next frame, whose start handles any input still queued
            started = page.evaluate(NAVIGATING)
        except Exception:  # the old document is already gone
            started = True
        waited = 0
        while (
            started
            and self._documents.get(page, 0) == documents_before
            and waited < self.load_timeout_ms
            and not page.is_closed()
        ):
            page.wait_for_timeout(POLL_MS)
            waited += POLL_MS

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
        try:
            self.marks = page_marks(self.page, self.som_mode)
        except Exception:  # a navigation replaced the document under the script: once more
            self._settle()
            self.marks = page_marks(self.page, self.som_mode)
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
        """Wait for the page's "load" (its stylesheets too: VAB observes 3 s after acting)."""
        with contextlib.suppress(Exception):  # a page still loading is observed as it is
            self.page.wait_for_load_state("load", timeout=self.load_timeout_ms)

    # -- actions --------------------------------------------------------------------------
    def act(self, call: ActionCall) -> str:
        """Carry out one action by its handler here, ``_do_<name>`` (the env checks them
        against its declaration); an :class:`ActionError` says why it could not be."""
        page = self.page
        documents = self._documents.get(page, 0)
        try:
            message = dispatch(self, call)
            self._await_navigation(page, documents)
            return message
        except ActionError:
            raise
        except Exception as exc:  # Playwright's timeouts and refusals, in one line
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ActionError(f"{call.name} failed: {first[:300]}") from None

    def _mark(self, mark_id: int) -> Mark:
        """The numbered mark ``mark_id`` of the last observation (VAB's ``id2center``)."""
        mark = next((m for m in self.marks if m.id == mark_id and m.interactive), None)
        if mark is None:
            raise ActionError(
                f"There is no element [{mark_id}] on the page; use a number "
                "shown in the screenshot."
            )
        return mark

    def _pause(self) -> None:
        if self.sleep_after_ms:
            self.page.wait_for_timeout(self.sleep_after_ms)

    # As VAB's actions.py:execute_action: the mouse at the centre of the element's box.
    def _do_click(self, id: int) -> str:
        self.page.mouse.click(*self._mark(id).center)
        self._pause()
        return f"Clicked [{id}]."

    def _do_type(self, id: int, text: str, press_enter: bool) -> str:
        """VAB's TYPE: click the box centre, then type keystrokes; an Enter ends the text
        when asked. What the field held stays: the text is added to it."""
        self._click_box(id)
        self.page.keyboard.type(text + ("\n" if press_enter else ""))
        self._pause()
        return f"Typed into [{id}]."

    def _do_clear(self, id: int) -> str:
        """VAB's CLEAR: click the box centre, select all (Meta+A, Control+A off a Mac), and
        delete."""
        self._click_box(id)
        self._press("Meta+A")
        self._press("Backspace")
        self._pause()
        return f"Cleared [{id}]."

    def _click_box(self, id: int) -> None:
        """Click the centre of ``id``'s box before keys are sent to it; when the element is
        a link, wait for the document it opens. Keys sent while Chromium swaps documents
        can hang it (about one ``type`` in two into a link here): VAB sends them at once,
        where they land in one document or the other, in neither case in a field."""
        page = self.page
        documents = self._documents.get(page, 0)
        page.mouse.click(*self._mark(id).center)
        self._await_navigation(page, documents)

    def _do_hover(self, id: int) -> str:
        self.page.mouse.move(*self._mark(id).center)
        self._pause()
        return f"Hovered over [{id}]."

    def _press(self, keys: str) -> None:
        """VAB's execute_key_press: Meta means Control unless the browser runs on a Mac."""
        if "Meta" in keys and "Mac" not in self.page.evaluate("navigator.platform"):
            keys = keys.replace("Meta", "Control")
        self.page.keyboard.press(keys)

    def _do_press(self, keys: str) -> str:
        keys = vab_keys(keys)
        self._press(keys)
        self._pause()
        return f"Pressed {keys}."

    def _do_scroll(self, direction: str) -> str:
        direction = direction.strip().lower()
        if direction not in ("up", "down"):
            raise ActionError("scroll takes 'up' or 'down'.")
        # VAB's execute_scroll (from natbot): one window height on the scrolling element.
        self.page.evaluate(
            "(sign) => { const e = document.scrollingElement || document.body;"
            " e.scrollTop = e.scrollTop + sign * window.innerHeight; }",
            -1 if direction == "up" else 1,
        )
        self._pause()
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
        """VAB's PAGE_CLOSE: the last tab left becomes the current one (a new one if none)."""
        page = self.pages.pop(self.active)
        self._cdp.pop(page, None)
        page.close()
        if not self.pages:
            self.open_tab()
        self.active = len(self.pages) - 1
        self.page.bring_to_front()
        return "Closed the tab."

    def _do_goto(self, url: str) -> str:
        if not self.allowed(url):
            self.blocked.append(url)
            raise ActionError(f"{url[:200]} is outside this task's websites; navigation blocked.")
        self.page.goto(url)
        self._pause()
        return f"Opened {url[:200]}."

    def _do_go_back(self) -> str:
        self.page.go_back()
        self._pause()
        return "Went back."

    def _do_go_forward(self) -> str:
        self.page.go_forward()
        self._pause()
        return "Went forward."

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the browser may already be gone
            self.context.close()
