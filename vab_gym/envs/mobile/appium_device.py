"""Backend ``appium``: the phone env through an Appium server (appium-python-client).

One :class:`AppiumDevice`, two targets:

- ``"android"``: a real Android device or emulator through UiAutomator2. The task's app is
  launched by its package (AndroidLab's ``metadata.package``), the screen is read from
  UiAutomator2's page source (:func:`android_nodes` turns it into the same nodes, so the
  same SoM elements and compressed tree), and the gestures are AndroidLab's adb
  controller's (``utils_mobile/and_controller.py``) as W3C touch actions: a tap, a 1 s
  press, a 400 ms swipe, keycodes BACK (4) and HOME (3).
- ``"phone"``: the embedded phone in Chromium through Appium's Chromium driver with mobile
  emulation (Debian's ``chromedriver`` and ``chromium``), so this code path runs on any
  machine: the same W3C touch taps and swipes (in CSS px), real key typing, the screen read
  by the phone backend's ``screen.js``.

With no ``url`` a local Appium 3 (``scripts/setup.sh`` installs it in ``.appium/``) is
started on a free port and stopped, with everything it started, by :meth:`close`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from vab_gym.core.browser import CHROMIUM_ARGS, DEAD_PROXY, find_chromium
from vab_gym.core.tasks import Task
from vab_gym.envs.mobile.device import (
    DELETE_BEFORE_CURSOR,
    LONG_PRESS_MS,
    PIXEL_RATIO,
    SETTLE_TIMEOUT_S,
    SWIPE_MS,
    TYPE_DELETES,
    VIEWPORT,
    DeviceUnavailable,
    swipe_offset,
)
from vab_gym.envs.mobile.screen import Node, parse_nodes, script

TARGETS = ("phone", "android")
SERVER_START_TIMEOUT_S = 60.0
# and_controller.py back/home/enter: input keyevent
KEYCODE_BACK, KEYCODE_HOME, KEYCODE_ENTER = 4, 3, 66
INSTALL_HINT = (
    "run scripts/setup.sh (npm appium@3 and appium-chromium-driver into .appium/, "
    "apt chromium-driver), or set VAB_APPIUM_HOME to an APPIUM_HOME that has them"
)

# Page state after an action: whether the page is leaving, has loaded, and has drafts
# still being saved. Answered after two animation frames and a task (a
# tap's click is dispatched by then), as device.py's settle does.
_PAGE_STATE = """const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(
  [!!window.__leaving, document.readyState, window.__pending || 0]),
  0)));"""


# The local Appium runs under this guard, the leader of their process group: when the env's
# process closes the guard's stdin (stop()) or dies (even by SIGKILL, the pipe closes too),
# or Appium exits, the guard ends the whole group (Appium, chromedriver, Chromium).
_GUARD = """import os, signal, subprocess, sys, threading
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
gone = threading.Event()
threading.Thread(target=lambda: (sys.stdin.buffer.read(), gone.set()), daemon=True).start()
while child.poll() is None and not gone.wait(0.2):
    pass
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the group's TERM is for the others
os.killpg(0, signal.SIGTERM)
try:
    child.wait(5)
except subprocess.TimeoutExpired:
    pass
os.killpg(0, signal.SIGKILL)
"""
GUARD_STOP_TIMEOUT_S = 15.0


def appium_home() -> Path | None:
    """Where Appium and its Chromium driver are installed: ``$VAB_APPIUM_HOME``, else the
    project's ``.appium/`` (from scripts/setup.sh), else None (an ``appium`` on PATH)."""
    explicit = os.environ.get("VAB_APPIUM_HOME")
    if explicit:
        return Path(explicit)
    local = Path(__file__).resolve().parents[3] / ".appium"
    return local if (local / "node_modules" / "appium").is_dir() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppiumServer:
    """A local Appium server in its own process group (its drivers, chromedriver and the
    browsers it starts are in it too) under a guard, stopped with all of them by
    :meth:`stop` or when this process dies."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.url = ""
        self._log: Any = None

    def start(self) -> str:
        home = appium_home()
        if home is not None:
            command = ["node", str(home / "node_modules" / "appium" / "index.js")]
            env = {**os.environ, "APPIUM_HOME": str(home)}
        elif shutil.which("appium"):
            command, env = ["appium"], dict(os.environ)
        else:
            raise DeviceUnavailable(f"Appium is not installed: {INSTALL_HINT}.")
        if shutil.which("node") is None:
            raise DeviceUnavailable(f"Node.js is missing: {INSTALL_HINT}.")
        # The phone backend's browser context runs in this zone and language.
        env.update(TZ="Asia/Shanghai", LANG="en_US.UTF-8")
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (kept open: the server writes it)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _GUARD,
                *command,
                "--address",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "error",
            ],
            env=env,
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self._read_log()
                self.stop()
                raise DeviceUnavailable(f"Appium exited at start ({INSTALL_HINT}):\n{log}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/status", timeout=2) as reply,
            ):
                if reply.status == 200:
                    return self.url
            time.sleep(0.2)
        self.stop()
        raise DeviceUnavailable(
            f"Appium did not answer on {self.url} within {SERVER_START_TIMEOUT_S:.0f} s"
        )

    def _read_log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-2000:]

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()  # type: ignore[union-attr]  # the guard ends the group
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(GUARD_STOP_TIMEOUT_S)
            with contextlib.suppress(ProcessLookupError):  # a guard that did not finish
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            deadline = time.monotonic() + GUARD_STOP_TIMEOUT_S
            while time.monotonic() < deadline:  # return once the group's last process is gone
                try:
                    os.killpg(process.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        if self._log is not None:
            self._log.close()
            self._log = None


def _flag(element: ET.Element, name: str) -> bool:
    return element.get(name) == "true"


def _bounds(text: str) -> tuple[int, int, int, int]:
    """UiAutomator's ``"[x1,y1][x2,y2]"`` (``utils_mobile/utils.py traverse_tree``)."""
    (x1, y1), (x2, y2) = (tuple(int(v) for v in part.split(",")) for part in text[1:-1].split("]["))
    return x1, y1, x2, y2


def android_nodes(page_source: str) -> list[Node]:
    """UiAutomator2's page source as the phone's nodes: each displayed view that acts
    (clickable, focusable, long-clickable, scrollable, checkable) or shows text or a
    description, in document order, with the nearest such ancestor as parent; a clickable
    view's ``content`` is the text of its subtree (what ``screen.js`` takes from innerText).
    Views of neither kind are layout only: ``screen.js`` drops them too."""
    root = ET.fromstring(page_source.encode())
    raw: list[dict[str, Any]] = []

    def walk(element: ET.Element, parent: int) -> None:
        here = parent
        if "bounds" in element.attrib and element.get("displayed", "true") == "true":
            acts = any(
                _flag(element, f)
                for f in ("clickable", "focusable", "long-clickable", "scrollable", "checkable")
            )
            text, desc = element.get("text", ""), element.get("content-desc", "")
            if acts or text.strip() or desc.strip():
                cls = element.get("class", element.tag)
                content = " ".join(t for d in element.iter() if (t := d.get("text", "").strip()))
                raw.append(
                    {
                        "parent": parent,
                        "cls": cls.rsplit(".", 1)[-1],
                        "text": text,
                        "desc": desc,
                        "clickable": _flag(element, "clickable"),
                        "content": content[:200] if _flag(element, "clickable") else "",
                        "focusable": _flag(element, "focusable"),
                        "long_clickable": _flag(element, "long-clickable"),
                        "scrollable": _flag(element, "scrollable"),
                        "checkable": _flag(element, "checkable"),
                        "checked": _flag(element, "checked"),
                        "selected": _flag(element, "selected"),
                        "focused": _flag(element, "focused"),
                        "editable": cls.endswith("EditText"),
                        "bounds": _bounds(element.get("bounds", "[0,0][0,0]")),
                    }
                )
                here = len(raw) - 1
        for child in element:
            walk(child, here)

    walk(root, -1)
    return parse_nodes(raw)


def phone_capabilities(user_data_dir: str) -> dict[str, Any]:
    """Appium's Chromium driver on the local Chromium with the phone's mobile emulation,
    fenced as the phone backend's browser (the dead proxy for all but loopback)."""
    chromedriver = os.environ.get("VAB_CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromedriver:
        raise DeviceUnavailable(f"chromedriver is missing: {INSTALL_HINT}.")
    chromium = find_chromium()
    if not chromium:
        raise DeviceUnavailable(
            "Chromium is missing: apt-get install chromium (or set VAB_CHROMIUM)."
        )
    platform = {"darwin": "mac", "win32": "windows"}.get(sys.platform, "linux")
    return {
        "platformName": platform,
        "browserName": "chrome",
        "appium:automationName": "Chromium",
        "appium:executable": chromedriver,  # as given: the driver downloads nothing
        "appium:autodownloadEnabled": False,
        "pageLoadStrategy": "normal",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new",
                *CHROMIUM_ARGS,
                f"--user-data-dir={user_data_dir}",
                f"--proxy-server={DEAD_PROXY}",
                "--proxy-bypass-list=127.0.0.1;localhost;[::1]",
                "--lang=en-US",
            ],
            "mobileEmulation": {
                "deviceMetrics": {**VIEWPORT, "pixelRatio": PIXEL_RATIO, "touch": True}
            },
        },
    }


class AppiumDevice:
    """The phone (``target="phone"``) or an Android device (``target="android"``) through
    Appium. ``capabilities`` are added to (and override) the target's defaults;
    ``packages`` maps app keys to Android packages, over the tasks' ``metadata.package``."""

    def __init__(
        self,
        target: str = "phone",
        *,
        url: str | None = None,
        capabilities: dict[str, Any] | None = None,
        packages: dict[str, str] | None = None,
    ) -> None:
        if target not in TARGETS:
            raise ValueError(f"appium_device must be one of {TARGETS}, not {target!r}")
        self.target = target
        self.uses_phone_server = target == "phone"
        self.scales_screenshots = False  # WebDriver screenshots come at device resolution
        self.given_url = url
        self.capabilities = dict(capabilities or {})
        self.packages = dict(packages or {})
        self.server: AppiumServer | None = None
        self.driver: Any = None
        self.url = ""
        self.app = ""
        self.base_url = ""
        self._profile: str | None = None
        self._size = (0, 0)  # the screen in device px (the swipe unit is a tenth of its width)
        self._app_of_package: dict[str, str] = {}

    # -- session --------------------------------------------------------------------------
    def _connect(self) -> None:
        try:
            from appium import webdriver
            from appium.options.android import UiAutomator2Options
            from appium.options.common import AppiumOptions
        except ImportError as exc:
            raise DeviceUnavailable(
                "appium-python-client is missing: pip install 'vab-gym[appium]'"
            ) from exc
        if self.given_url is None and self.server is None:
            self.server = AppiumServer()
            self.server.start()
        url = self.given_url or self.server.url  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/status", timeout=5):
                pass
        except OSError as exc:
            raise DeviceUnavailable(
                f"No Appium server answers at {url} ({exc}): start one "
                "(`appium`), or leave appium_url unset to have the env "
                "start its own"
            ) from exc
        if self.target == "phone":
            self._profile = tempfile.mkdtemp(prefix="vab-appium-chromium-")
            options: Any = AppiumOptions()
            options.load_capabilities({**phone_capabilities(self._profile), **self.capabilities})
        else:
            options = UiAutomator2Options()  # automationName UiAutomator2, platformName Android
            options.load_capabilities({"appium:noReset": True, **self.capabilities})
        try:
            self.driver = webdriver.Remote(url, options=options)
        except Exception as exc:
            what = (
                "a Chromium session"
                if self.target == "phone"
                else "a UiAutomator2 session (is a device or emulator attached? `adb devices`; "
                "is the uiautomator2 driver installed? `appium driver install "
                "uiautomator2`)"
            )
            self.close()
            raise DeviceUnavailable(
                f"Appium at {url} could not start {what}: {str(exc).strip()[:1000]}"
            ) from exc
        if self.target == "android":
            size = self.driver.get_window_size()
            self._size = (int(size["width"]), int(size["height"]))
        else:
            self._size = (
                int(VIEWPORT["width"] * PIXEL_RATIO),
                int(VIEWPORT["height"] * PIXEL_RATIO),
            )
            self.driver.set_script_timeout(SETTLE_TIMEOUT_S)

    def open(self, task: Task, base_url: str | None) -> None:
        if self.driver is None:
            self._connect()
        if self.target == "phone":
            assert base_url is not None
            self.base_url = base_url.rstrip("/")
            # A new tab per episode would cost a second; history is not cleared (see docs).
            self.driver.get(self.base_url + task.setup.get("start", "/"))
            return
        app = task.setup.get("app", "")
        package = self.packages.get(app) or task.metadata.get("package")
        if not package:
            raise DeviceUnavailable(
                f"no Android package for app {app!r}: pass app_packages={{{app!r}: 'com.example'}}"
            )
        self._app_of_package[package] = app
        # AndroidLab launches the app (and_controller.py launch_app: monkey -p PACKAGE);
        # terminating it first starts the task on the app's first screen.
        with contextlib.suppress(Exception):  # not running
            self.driver.terminate_app(package)
        self.driver.activate_app(package)

    def close(self) -> None:
        driver, self.driver = self.driver, None
        if driver is not None:
            with contextlib.suppress(Exception):  # the server is already gone
                driver.quit()
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    # -- observation ----------------------------------------------------------------------
    def look(self, width: int | None = None) -> tuple[list[Node], bytes]:
        """Nodes and the screenshot at device resolution (WebDriver cannot scale it)."""
        if self.target == "phone":
            found = self.driver.execute_script(f"return ({script()})(arguments[0]);", PIXEL_RATIO)
            nodes = parse_nodes(found["nodes"])
            self.url, self.app = found["url"], found["app"]
        else:
            nodes = android_nodes(self.driver.page_source)
            package = self.driver.current_package
            self.url = f"{package}/{self.driver.current_activity}"
            self.app = self._app_of_package.get(package, package)
        return nodes, self.driver.get_screenshot_as_png()

    def screenshot(self, width: int | None = None) -> bytes:
        return self.driver.get_screenshot_as_png()

    # -- gestures -------------------------------------------------------------------------
    def _point(self, point: tuple[int, int]) -> tuple[int, int]:
        """W3C coordinates: device px on Android, CSS px in the browser."""
        if self.target == "android":
            return point
        return round(point[0] / PIXEL_RATIO), round(point[1] / PIXEL_RATIO)

    def _touch(
        self,
        start: tuple[int, int],
        end: tuple[int, int] | None = None,
        hold_ms: int = 0,
        move_ms: int = 0,
    ) -> None:
        """One finger: down at ``start``, held ``hold_ms``, moved to ``end`` over
        ``move_ms``, up (points in device px)."""
        from selenium.webdriver.common.actions import interaction
        from selenium.webdriver.common.actions.action_builder import ActionBuilder
        from selenium.webdriver.common.actions.pointer_input import PointerInput

        finger = PointerInput(interaction.POINTER_TOUCH, "finger")
        x, y = self._point(start)
        finger.create_pointer_move(duration=0, x=x, y=y)
        finger.create_pointer_down(button=0)
        if hold_ms:
            finger.create_pause(hold_ms / 1000)
        if end is not None:
            ex, ey = self._point(end)
            finger.create_pointer_move(duration=move_ms, x=ex, y=ey)
        finger.create_pointer_up(button=0)
        self._settled(lambda: ActionBuilder(self.driver, mouse=finger).perform())

    def _settled(self, action: Any) -> Any:
        """Run ``action()``; in the browser, then wait until a navigation it started has
        loaded and the page has saved its drafts (device.py's ``PhoneScreen.settled``).
        UiAutomator2 waits for the device to be idle before it reads the screen."""
        if self.target == "android":
            return action()
        result = action()
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while time.monotonic() < deadline:
            state = self._page_state()  # None while the old document unloads
            if state is not None and not state[0] and state[1] == "complete" and not state[2]:
                break
            time.sleep(0.01)
        return result

    def _page_state(self) -> list[Any] | None:
        try:
            return self.driver.execute_async_script(_PAGE_STATE)
        except Exception:  # the document was replaced while answering: it navigated
            return None

    def tap(self, point: tuple[int, int]) -> None:
        self._touch(point)  # and_controller.py tap: input tap x y

    def long_press(self, point: tuple[int, int]) -> bool:
        """AndroidLab's 1 s press (``input swipe x y x y 1000``). The embedded phone has no
        touch-hold handler: its page acts on the press (``phoneLongPress``) as the phone
        backend does, and a press nothing handles is a tap."""
        if self.target == "android":
            self._touch(point, hold_ms=LONG_PRESS_MS)
            return True
        x, y = point[0] / PIXEL_RATIO, point[1] / PIXEL_RATIO
        handled = self._settled(
            lambda: self.driver.execute_script(
                "return phoneLongPress(arguments[0], arguments[1]);", x, y
            )
        )
        if not handled:
            self.tap(point)
        return bool(handled)

    def swipe(self, point: tuple[int, int], direction: str, dist: str) -> bool:
        """AndroidLab's swipe from the element's centre over 400 ms; in the browser, True
        when something scrolled (on Android, always True: the device does not say)."""
        dx, dy = swipe_offset(self._size[0], direction, dist)
        # A drag past the edge stops at it (W3C actions reject points off the screen).
        end = (
            min(max(point[0] + dx, 0), self._size[0] - 1),
            min(max(point[1] + dy, 0), self._size[1] - 1),
        )
        if self.target == "android":
            self._touch(point, end, move_ms=SWIPE_MS)
            return True
        before = self._scroll_positions()
        self._touch(point, end, move_ms=SWIPE_MS)
        return self._scroll_positions() != before

    def _scroll_positions(self) -> list[list[float]]:
        return self.driver.execute_script(
            "return [...document.querySelectorAll('*')].filter((e) => e.scrollHeight > "
            "e.clientHeight || e.scrollWidth > e.clientWidth)"
            ".map((e) => [e.scrollLeft, e.scrollTop]);"
        )

    def type_text(self, text: str) -> bool:
        """AndroidLab's typing (``and_controller.py text``: 100 DEL key events, then the
        text through ADB Keyboard) into the focused field; False when none has the focus.
        On Android the field is cleared and the text set (UiAutomator2 ``send_keys``)."""
        if self.target == "android":
            with contextlib.suppress(Exception):  # no element has the focus
                from appium.webdriver.common.appiumby import AppiumBy

                field = self.driver.find_element(AppiumBy.XPATH, "//*[@focused='true']")
                if field.get_attribute("class").endswith("EditText"):
                    field.clear()
                    field.send_keys(text)
                    return True
            return False
        focused = self.driver.execute_script(
            f"return ({DELETE_BEFORE_CURSOR})(arguments[0]);", TYPE_DELETES
        )
        if focused:
            self._settled(lambda: self.driver.switch_to.active_element.send_keys(text))
        return bool(focused)

    def back(self) -> None:
        if self.target == "android":
            self.driver.press_keycode(KEYCODE_BACK)
        else:  # the phone's system Back (the Chromium driver has no key events)
            self._settled(lambda: self.driver.execute_script("phoneBack();"))

    def home(self) -> None:
        if self.target == "android":
            self.driver.press_keycode(KEYCODE_HOME)
        else:
            self._settled(lambda: self.driver.execute_script("phoneHome();"))

    def enter(self) -> None:
        if self.target == "android":
            self.driver.press_keycode(KEYCODE_ENTER)
        else:  # the Enter key to the page's focused element
            from selenium.webdriver.common.keys import Keys

            self._settled(lambda: self.driver.switch_to.active_element.send_keys(Keys.ENTER))
