"""Backend "appium" of VAB-Mobile: a real Appium 3 server with its Chromium driver driving
the embedded phone (scripts/setup.sh installs them), and UiAutomator2's page source read
into the phone's nodes. What needs a real Android device is not tested (docs/mobile-appium.md).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from vab_gym.agents.base import make_solver, run_episode
from vab_gym.envs.mobile.appium_device import android_nodes
from vab_gym.envs.mobile.device import DeviceUnavailable
from vab_gym.envs.mobile.env import MobileEnv
from vab_gym.envs.mobile.screen import compressed_xml, som_elements

# The whole module is slow: each test starts browsers, servers or processes of its own.
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def appium_env():
    """One env on a local Appium server the env starts itself (no appium_url)."""
    env = MobileEnv(backend="appium", obs_mode="xml", image_size=(240, 108))
    yield env
    env.close()


# A UiAutomator2 page source as Appium returns it (tags are class names; a layout with no
# action and no text, a hidden view).
PAGE_SOURCE = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<hierarchy index="0" class="hierarchy" rotation="0" width="1080" height="2400">
  <android.widget.FrameLayout index="0" package="com.google.android.deskclock" class="android.widget.FrameLayout" text="" content-desc="" checkable="false" checked="false" clickable="false" enabled="true" focusable="false" focused="false" long-clickable="false" password="false" scrollable="false" selected="false" bounds="[0,0][1080,2400]" displayed="true">
    <android.widget.TextView index="0" class="android.widget.TextView" text="Alarm" content-desc="" checkable="false" checked="false" clickable="false" focusable="false" focused="false" long-clickable="false" scrollable="false" selected="true" bounds="[42,150][300,250]" displayed="true" />
    <android.widget.ImageButton index="1" class="android.widget.ImageButton" text="" content-desc="Add alarm" checkable="false" checked="false" clickable="true" focusable="true" focused="false" long-clickable="false" scrollable="false" selected="false" bounds="[400,2000][680,2200]" displayed="true" />
    <android.widget.LinearLayout index="2" class="android.widget.LinearLayout" text="" content-desc="" checkable="false" checked="false" clickable="true" focusable="true" focused="false" long-clickable="true" scrollable="false" selected="false" bounds="[0,400][1080,600]" displayed="true">
      <android.widget.TextView index="0" class="android.widget.TextView" text="7:30 AM" content-desc="" checkable="false" checked="false" clickable="false" focusable="false" focused="false" long-clickable="false" scrollable="false" selected="false" bounds="[42,420][400,520]" displayed="true" />
      <android.widget.Switch index="1" class="android.widget.Switch" text="" content-desc="" checkable="true" checked="true" clickable="true" focusable="true" focused="false" long-clickable="false" scrollable="false" selected="false" bounds="[900,450][1040,550]" displayed="true" />
    </android.widget.LinearLayout>
    <android.widget.EditText index="3" class="android.widget.EditText" text="Wake up" content-desc="" checkable="false" checked="false" clickable="true" focusable="true" focused="true" long-clickable="false" scrollable="false" selected="false" bounds="[0,700][1080,800]" displayed="true" />
    <android.widget.TextView index="4" class="android.widget.TextView" text="Hidden" content-desc="" checkable="false" checked="false" clickable="true" focusable="false" focused="false" long-clickable="false" scrollable="false" selected="false" bounds="[0,900][1080,1000]" displayed="false" />
  </android.widget.FrameLayout>
</hierarchy>"""


def test_uiautomator2_page_source_gives_the_phones_nodes_elements_and_tree():
    nodes = android_nodes(PAGE_SOURCE)
    # The bare FrameLayout and the hidden view are dropped; parents are the nearest kept.
    assert [(n.cls, n.text, n.desc, n.parent) for n in nodes] == [
        ("TextView", "Alarm", "", -1),
        ("ImageButton", "", "Add alarm", -1),
        ("LinearLayout", "", "", -1),
        ("TextView", "7:30 AM", "", 2),
        ("Switch", "", "", 2),
        ("EditText", "Wake up", "", -1),
    ]
    row, switch, field = nodes[2], nodes[4], nodes[5]
    assert row.clickable and row.long_clickable and row.content == "7:30 AM"
    assert switch.checkable and switch.checked and switch.bounds == (900, 450, 1040, 550)
    assert field.editable and field.focused and nodes[0].selected
    # set_elem_list: every clickable or texted node, centres (171,200) (540,2100) (540,500)
    # (221,470) (970,500) (540,750) all more than 5 px apart.
    assert [e.center for e in som_elements(nodes)] == [
        (171, 200),
        (540, 2100),
        (540, 500),
        (221, 470),
        (970, 500),
        (540, 750),
    ]
    tree = compressed_xml(nodes).splitlines()
    # The row takes its TextView's words (mid_order_merge); the switch is its child line.
    assert "[n0002] ;click long-click ; ;; 7:30 AM: " in tree
    assert "    [n0004] Switch ;click check ; checked ;;: " in tree
    assert "        bounds: [900,450][1040,550]" in tree


def test_a_missing_appium_server_is_a_clear_error_at_reset():
    url = f"http://127.0.0.1:{_free_port()}"
    env = MobileEnv(backend="appium", appium_url=url)  # nothing happens before reset
    try:
        with pytest.raises(DeviceUnavailable, match=f"No Appium server answers at {url}"):
            env.reset(options={"task_id": "clock_1"})
    finally:
        env.close()


def test_the_appium_backend_shows_the_same_tree_and_elements_as_the_phone(appium_env):
    phone = MobileEnv(obs_mode="xml", image_size=(240, 108))
    try:
        for env in (phone, appium_env):
            env.reset(options={"task_id": "clock_1"})
        assert appium_env.fidelity()["device"] == "phone"
        assert appium_env.elements == phone.elements and len(phone.elements) > 10
        assert appium_env.xml == phone.xml
        add = next(i for i, e in enumerate(phone.elements, 1) if e.desc == "Add alarm")
        observations = [env.step(f"tap({add})")[0] for env in (phone, appium_env)]
        assert appium_env.screen.url == phone.screen.url == "/clock/alarm?dialog=new"
        assert observations[1]["text"] == observations[0]["text"]
        assert appium_env.elements == phone.elements
        hour = next(i for i, e in enumerate(phone.elements, 1) if e.editable)
        for action in (f"tap({hour})", 'text("3")'):  # a touch on the field, then typing
            observations = [env.step(action)[0] for env in (phone, appium_env)]
            assert observations[1]["text"] == observations[0]["text"]
        assert phone.elements[hour - 1].text == "3" and phone.elements[hour - 1].focused
        assert appium_env.elements == phone.elements
        assert appium_env.screenshot_png()[16:24] == phone.screenshot_png()[16:24]  # PNG size
    finally:
        phone.close()


def test_the_solver_reaches_success_through_appium(appium_env):
    result = run_episode(appium_env, make_solver(appium_env), task_id="contacts_10")
    assert result.success, result.judge
    assert all(step.info["action_error"] is None for step in result.steps)
    assert appium_env.screen.url.startswith("/contacts/")  # the in-call screen of ABC


# A scrolling list laid over the screen: 300 CSS px tall, 3000 px of content.
SCROLLER = (
    "document.body.insertAdjacentHTML('beforeend', '<div id=\"list\" style=\"position:"
    'fixed;top:200px;left:0;width:412px;height:300px;overflow-y:auto;z-index:99">'
    '<div style="height:3000px"></div></div>\');'
)


def test_swipes_are_touch_drags_that_scroll_as_androidlabs(appium_env):
    appium_env.reset(options={"task_id": "clock_1"})
    device = appium_env.screen
    device.driver.execute_script(SCROLLER)
    top = "return document.getElementById('list').scrollTop;"
    centre = (540, round(350 * 2.625))  # device px, inside the list
    # "up" moves the finger up 2 units of 108 px (and_controller.py swipe): the list's
    # content follows the finger, by at most the drag (432 device px = 164.6 CSS px).
    assert device.swipe(centre, "up", "medium") is True
    after_up = device.driver.execute_script(top)
    assert 0 < after_up <= 165
    assert device.swipe(centre, "down", "medium") is True
    assert device.driver.execute_script(top) < after_up
    assert device.swipe((540, 100), "up", "medium") is False  # the app bar does not scroll


def test_a_given_appium_url_is_used_as_is_and_a_missing_device_is_a_clear_error(appium_env):
    if appium_env.screen.driver is None:
        appium_env.reset(options={"task_id": "clock_25"})
    url = appium_env.screen.server.url  # the module env's server: running, no Android driver
    android = MobileEnv(backend="appium", appium_url=url, appium_device="android")
    try:
        with pytest.raises(
            DeviceUnavailable, match=f"Appium at {url} could not start a UiAutomator2 session"
        ):
            android.reset(options={"task_id": "clock_1"})
        assert android.screen.server is None
    finally:
        android.close()
    with urllib.request.urlopen(url + "/status", timeout=5) as reply:  # left running
        assert reply.status == 200


@pytest.mark.slow
@pytest.mark.parametrize("task_id", ["clock_1", "clock_17", "contacts_9"])
def test_the_solver_solves_typing_long_press_and_draft_tasks_through_appium(appium_env, task_id):
    result = run_episode(appium_env, make_solver(appium_env), task_id=task_id)
    assert result.success, result.judge


def test_close_leaves_no_appium_chromedriver_or_chromium(appium_env):
    if appium_env.screen.driver is None:
        appium_env.reset(options={"task_id": "clock_25"})
    # Only the local Appium's tree: on a shared test worker other envs' Chromiums may live on.
    guard = psutil.Process(appium_env.screen.server.process.pid)
    tree = [guard, *guard.children(recursive=True)]
    names = {p.name() for p in tree}
    assert {"node", "chromedriver", "chromium"} <= names
    appium_env.close()
    _gone, alive = psutil.wait_procs(tree, timeout=15)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []


# A process that starts an env on a local Appium, prints what runs, and is killed outright.
KILLED_PARENT = """
import json, os, signal, psutil
from vab_gym.envs.mobile.env import MobileEnv
env = MobileEnv(backend="appium", image_size=(240, 108))
env.reset(options={"task_id": "clock_25"})
print(json.dumps([[p.pid, p.name()] for p in psutil.Process().children(recursive=True)]),
      flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.slow
def test_a_killed_parent_leaves_no_appium_chromedriver_or_chromium():
    child = subprocess.run(
        [sys.executable, "-c", KILLED_PARENT],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=300,
    )
    assert child.returncode == -9, child.stderr[-2000:]
    running = {pid: name for pid, name in json.loads(child.stdout.splitlines()[-1])}
    assert {"node", "chromedriver", "chromium"} <= set(running.values())
    deadline = time.monotonic() + 30  # the guard gives Appium 5 s to end its session
    while time.monotonic() < deadline and any(map(psutil.pid_exists, running)):
        time.sleep(0.5)
    left = [
        pid
        for pid in running
        if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    ]
    assert left == []
