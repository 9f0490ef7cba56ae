"""Envs sharing one Chromium: a context each, nothing seen across them, counted holds (the
last close ends every process), crashes recovered by each env at its next call, and a
browser of one's own still available."""

import contextlib
import multiprocessing
import threading
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import CSS, HTML, make_task, processes_of
from vab_gym.core import browser as browser_module
from vab_gym.core.browser import ChromiumProcess
from vab_gym.core.tasks import TaskSet
from vab_gym.envs.css.env import CssEnv

# The whole module is slow: each test starts browsers, servers or processes of its own.
pytestmark = pytest.mark.slow

# An edit that leaves the page as it is, but re-renders it (a call on the browser).
SAME_COLOUR = "edit_rule('.card', 'color', '#ffffff')"
GRID_GONE = {
    "operation": "change_value",
    "selector": ".cards",
    "property": "display",
    "old_value": "grid",
    "new_value": "block",
}


@pytest.fixture(autouse=True)
def own_registry(monkeypatch):
    """A registry of shared browsers for this test alone: envs other modules keep open
    (the session's fixtures) hold the process's usual shared browser, not this one."""
    monkeypatch.setattr(browser_module, "_SHARED", {})
    monkeypatch.setattr(browser_module, "_HOLDS", {})


def write_site(folder: Path, heading: str, extra: dict[str, str] | None = None) -> Path:
    folder.mkdir()
    (folder / "index.html").write_text(HTML.replace("<main", f"<h1>{heading}</h1><main"))
    (folder / "style.css").write_text(CSS)
    for name, text in (extra or {}).items():
        (folder / name).write_text(text)
    return folder


def css_env(site: Path, corruption: dict | None = None, **kwargs) -> CssEnv:
    env = CssEnv(tasks=TaskSet([make_task("t", site, corruption)]), image_size=(48, 64), **kwargs)
    env.reset()
    return env


def in_page(env: CssEnv, script: str):
    return env._renderer._call(lambda p: p.page.evaluate(script))


def kill_chromium(driver_pid: int) -> None:
    for proc in psutil.Process(driver_pid).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()


def crash_renderer(chromium, page) -> None:
    """Crash the renderer of ``page`` (Chromium's debug URL; the browser lives on)."""
    with contextlib.suppress(Exception):  # the navigation is aborted by the crash
        chromium.run(lambda _browser: page.goto("chrome://crash"))


def test_two_envs_on_one_browser_see_nothing_of_each_other(tmp_path):
    a = css_env(write_site(tmp_path / "a", "Site A", {"only-a.txt": "from A"}))
    b = css_env(write_site(tmp_path / "b", "Site B"))
    try:
        assert a._chromium.process is b._chromium.process  # one browser
        assert a._chromium.driver_pid == b._chromium.driver_pid is not None
        # Both pages are at the same address; each context is served from its own folder.
        assert in_page(a, "location.href") == in_page(b, "location.href")
        assert in_page(a, "document.querySelector('h1').textContent") == "Site A"
        assert in_page(b, "document.querySelector('h1').textContent") == "Site B"
        fetch = "fetch('/only-a.txt').then(r => r.status)"
        assert in_page(a, fetch) == 200 and in_page(b, fetch) == 404
        # Storage and cookies set in one are absent in the other, on the same origin.
        in_page(a, "localStorage.setItem('k', 'a'); document.cookie = 'who=a'")
        assert in_page(a, "[localStorage.getItem('k'), document.cookie]") == ["a", "who=a"]
        assert in_page(b, "[localStorage.getItem('k'), document.cookie]") == [None, ""]
        # A request one page makes past the fence is blocked and listed for that env alone.
        in_page(a, "fetch('http://evil.test/leak').catch(() => 0)")
        assert any("evil.test" in url for url in a.blocked_requests)
        assert not any("evil.test" in url for url in b.blocked_requests)
    finally:
        a.close()
        b.close()


def test_the_last_close_ends_chromium_and_the_driver(tmp_path):
    site = write_site(tmp_path / "s", "S")
    a, b = css_env(site), css_env(site)
    driver = a._chromium.driver_pid
    assert a._chromium.holders == 2 and len(processes_of(driver)) > 1
    a.close()
    a.close()
    a._chromium.close()  # a hold released twice counts once: b still holds the browser
    assert b._chromium.holders == 1
    _, _, _, _, info = b.step(SAME_COLOUR)
    assert info["action_error"] is None and b._chromium.driver_pid == driver
    b.close()
    b.close()
    deadline = time.monotonic() + 10
    while processes_of(driver) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_of(driver) == []
    assert browser_module._SHARED == {} and browser_module._HOLDS == {}


def test_a_killed_browser_is_recovered_by_both_envs(tmp_path):
    site = write_site(tmp_path / "s", "S")
    a, b = css_env(site, GRID_GONE), css_env(site, GRID_GONE)
    try:
        a.step("edit_rule('.cards', 'display', 'grid')")
        before = {env: env.step(SAME_COLOUR)[0]["image"] for env in (a, b)}
        driver = a._chromium.driver_pid
        kill_chromium(driver)
        for env in (a, b):
            obs, _, _, _, info = env.step(SAME_COLOUR)
            assert info["action_error"] is None
            assert (obs["image"] == before[env]).all()  # the same page, in a new browser
        assert a._chromium.driver_pid != driver  # a new browser, still shared
        assert a._chromium.process is b._chromium.process
        _, reward_a, *_ = a.step("done()")
        _, reward_b, *_ = b.step("done()")
        assert (reward_a, reward_b) == (1.0, 0.0)  # a's edit before the crash still counts
    finally:
        a.close()
        b.close()


def test_a_renderer_crash_reopens_that_envs_context_only(tmp_path):
    site = write_site(tmp_path / "s", "S")
    a, b = css_env(site, GRID_GONE), css_env(site, GRID_GONE)
    try:
        a.step("edit_rule('.cards', 'display', 'grid')")
        browser, b_page = a._chromium.process._browser, b._renderer._page
        crash_renderer(a._chromium, a._renderer._page.page)
        with pytest.raises(Exception, match="crashed"):  # it did crash
            a._chromium.run(lambda _browser: a._renderer._page.page.evaluate("1"))
        _, _, _, _, info = a.step(SAME_COLOUR)
        assert info["action_error"] is None
        assert a._chromium.process._browser is browser  # the browser was not restarted
        _, _, _, _, info = b.step(SAME_COLOUR)
        assert info["action_error"] is None
        assert b._renderer._page is b_page  # b's page was never reopened
        _, reward, *_ = a.step("done()")
        assert reward == 1.0
    finally:
        a.close()
        b.close()


def test_a_browser_of_its_own_still_works(tmp_path):
    site = write_site(tmp_path / "s", "S")
    shared = css_env(site)
    own = css_env(site, GRID_GONE, browser="own")
    try:
        assert isinstance(own._chromium, ChromiumProcess)
        assert own._chromium.driver_pid not in (None, shared._chromium.driver_pid)
        assert shared._chromium.holders == 1
        own.step("edit_rule('.cards', 'display', 'grid')")
        _, reward, *_ = own.step("done()")
        assert reward == 1.0
        driver = own._chromium.driver_pid
        own.close()
        deadline = time.monotonic() + 10
        while processes_of(driver) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes_of(driver) == []
        _, _, _, _, info = shared.step(SAME_COLOUR)  # the shared one lives on
        assert info["action_error"] is None
    finally:
        own.close()
        shared.close()
    with pytest.raises(ValueError, match="browser='mine': choose one of shared, own"):
        CssEnv(browser="mine")


def test_each_calls_deadline_starts_when_it_runs():
    """Two holders call from two threads: the second waits for the first (1.5 s), and its
    own 1 s deadline is not spent waiting."""
    slow, quick = ChromiumProcess.shared(), ChromiumProcess.shared()
    try:
        page = slow.run(lambda browser: browser.new_context().new_page())
        done = []
        first = threading.Thread(
            target=lambda: done.append(slow.run(lambda _b: page.wait_for_timeout(1500) or "slow"))
        )
        first.start()
        time.sleep(0.3)
        assert quick.run(lambda _b: page.evaluate("'quick'"), timeout_s=1.0) == "quick"
        first.join()
        assert done == ["slow"]
    finally:
        slow.close()
        quick.close()


def _child_runs_its_own(queue) -> None:
    hold = ChromiumProcess.shared()
    try:
        queue.put(
            (
                hold.run(
                    lambda browser: browser.new_context().new_page().evaluate("6 * 7"), timeout_s=20
                ),
                hold.driver_pid,
            )
        )
    finally:
        hold.close()


def test_a_forked_child_starts_its_own_shared_browser():
    hold = ChromiumProcess.shared()
    try:
        hold.run(lambda browser: browser.version)  # the parent's browser is up
        fork = multiprocessing.get_context("fork")
        queue = fork.Queue()
        child = fork.Process(target=_child_runs_its_own, args=(queue,))
        child.start()
        answer, child_driver = queue.get(timeout=40)
        child.join(10)
        assert answer == 42 and child_driver != hold.driver_pid
        assert hold.run(lambda browser: browser.is_connected())  # the parent's still works
    finally:
        hold.close()


def test_webarena_keeps_its_fence_and_its_tabs_beside_a_css_env(tmp_path):
    from tests.test_webarena_env import TASKS
    from vab_gym.envs.webarena.env import WebArenaEnv

    css = css_env(write_site(tmp_path / "s", "S"))
    web = WebArenaEnv(tasks=TaskSet([TASKS["cart"]]), image_size=(90, 160))
    try:
        web.reset(options={"task_id": "cart"})
        assert web.chromium.process is css._chromium.process
        cart = web.urls["shopping"] + "/checkout/cart/"
        web.step(f"goto [{cart}]")
        # The CSS env's route answers its site's address in its own context only.
        fetch = (
            "fetch('http://site.vab-css.invalid/index.html').then(r => r.status, () => 'blocked')"
        )
        assert in_page(css, fetch) == 200
        assert web.in_session(lambda s: s.page.evaluate(fetch)) == "blocked"
        css_page = css._renderer._page
        crash_renderer(web.chromium, web.session.page)
        _, _, terminated, _, info = web.step("scroll [down]")
        assert not terminated and info["action_error"] is None
        assert web.browser_restarts == 1 and web.session.page.url == cart
        _, _, _, _, info = css.step(SAME_COLOUR)
        assert info["action_error"] is None and css._renderer._page is css_page
        _, reward, terminated, _, _ = web.step("stop [done]")
        assert terminated and reward == 1.0  # judged on the URL the crashed tab had
    finally:
        web.close()
        css.close()


def test_the_phone_comes_back_on_its_screen_after_either_crash(tmp_path):
    from vab_gym.envs.mobile.env import MobileEnv

    css = css_env(write_site(tmp_path / "s", "S"))
    phone = MobileEnv(image_size=(400, 180))
    try:
        phone.reset(options={"task_id": "clock_1"})
        phone.step("Action: tap(15)")  # "Add alarm": a dialog the URL names
        dialog = "/clock/alarm?dialog=new"
        assert phone.screen.url == dialog
        device = phone.screen
        assert device.chromium.process is css._chromium.process
        css_page = css._renderer._page
        crash_renderer(device.chromium, device.screen.page)
        _, _, _, _, info = phone.step("Action: wait(0)")
        assert info["action_error"] is None and phone.screen.url == dialog
        assert css._renderer._page is css_page and css.step(SAME_COLOUR)[4]["action_error"] is None
        driver = device.chromium.driver_pid
        kill_chromium(driver)
        _, _, _, _, info = phone.step("Action: wait(0)")
        assert info["action_error"] is None and phone.screen.url == dialog
        assert device.chromium.driver_pid != driver
    finally:
        phone.close()
        css.close()
