"""The Chromium watchdog: a call that hangs is cut off, the browser ended, the next call
served by a new one, and nothing is left running."""

import os
import signal
import time

import psutil
import pytest

from vab_gym.core import browser as browser_module
from vab_gym.core.browser import BrowserHung, ChromiumProcess

# The whole module is slow: each test starts browsers, servers or processes of its own.
pytestmark = pytest.mark.slow


def descendants() -> list[psutil.Process]:
    return psutil.Process().children(recursive=True)


def open_page(browser):
    page = browser.new_context().new_page()
    page.set_content("<p>ready</p>")
    return page


HANG_S = 3  # the hanging calls' deadline; the others keep the default (a loaded machine is slow)


@pytest.fixture
def chromium():
    chromium = ChromiumProcess()
    yield chromium
    chromium.close()


def test_a_page_in_an_endless_loop_is_cut_off_and_the_next_call_works(chromium):
    page = chromium.run(open_page)
    started = time.monotonic()
    with pytest.raises(BrowserHung, match="did not answer within 3 s"):
        chromium.run(lambda _browser: page.evaluate("() => { while (true) {} }"), HANG_S)
    assert time.monotonic() - started < HANG_S + 2 * browser_module.KILL_GRACE_S
    fresh = chromium.run(open_page)
    assert chromium.run(lambda _browser: fresh.inner_text("p")) == "ready"


def test_a_frozen_driver_is_ended_too(chromium, monkeypatch):
    monkeypatch.setattr(browser_module, "KILL_GRACE_S", 1.0)
    chromium.run(open_page)
    driver = psutil.Process(chromium.driver_pid)  # not another env's, in this process
    os.kill(
        driver.pid, signal.SIGSTOP
    )  # the driver stops answering: killing Chromium is not enough
    with pytest.raises(BrowserHung):
        chromium.run(lambda browser: browser.new_context(), HANG_S)
    assert not driver.is_running() or driver.status() == psutil.STATUS_ZOMBIE
    assert chromium.run(lambda browser: browser.new_context().new_page().evaluate("6 * 7")) == 42


def test_close_ends_every_process_after_a_hang(chromium):
    others = {p.pid for p in descendants()}  # another test's processes, if any
    page = chromium.run(open_page)
    with pytest.raises(BrowserHung):
        chromium.run(lambda _browser: page.evaluate("() => { while (true) {} }"), HANG_S)
    chromium.run(open_page)
    chromium.close()
    chromium.close()
    deadline = time.monotonic() + 5

    def ours() -> list[str]:
        return [
            p.name()
            for p in descendants()
            if p.pid not in others and p.status() != psutil.STATUS_ZOMBIE
        ]

    while ours() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ours() == []
