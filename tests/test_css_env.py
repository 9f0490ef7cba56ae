"""VAB-CSS-v0 end to end: contract, actions, judge, safety, processes, vector envs."""

import io
import os
import signal
import subprocess
import sys
import textwrap
import time

import gymnasium as gym
import numpy as np
import psutil
import pytest
from PIL import Image

import vab_gym
from tests.conftest import processes_of
from vab_gym.core.env import EarlyStop
from vab_gym.envs.css.env import CssEnv


def chromium_children(pid: int | None = None) -> list[psutil.Process]:
    try:
        procs = psutil.Process(pid or os.getpid()).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in procs if "chrom" in p.name().lower()]


def test_gym_make_uses_the_shipped_test_split():
    env = gym.make("VAB-CSS-v0")
    assert len(env.unwrapped.tasks) == 165
    assert env.observation_space["image"].shape == (1024, 768, 3)
    assert env.observation_space["target"].shape == (1024, 768, 3)
    env.close()


def test_untouched_page_is_judged_a_success(env):
    obs, info = env.reset(options={"task_id": "untouched"})
    assert info["task_id"] == "untouched" and info["backend"] == "playwright"
    assert np.array_equal(obs["image"], obs["target"])
    assert "Here is the html content." in obs["text"] and 'class="cards"' in obs["text"]
    obs, reward, terminated, truncated, info = env.step("done()")
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert info["success"] and info["judge"]["details"]["distance"] < 1e-6


def test_corruption_fails_until_repaired(env):
    obs, info = env.reset(options={"task_id": "grid-gone"})
    assert not np.array_equal(obs["image"], obs["target"])
    obs, reward, terminated, _, info = env.step("done()")
    assert terminated and reward == 0.0 and not info["success"]
    assert info["judge"]["details"]["distance"] >= 0.1

    obs, _ = env.reset(options={"task_id": "grid-gone"})
    obs, reward, *_ = env.step("select_rule('.cards')")
    assert "'display': 'block'" in obs["text"] and reward == 0.0
    obs, *_ = env.step("edit_rule('.cards', 'display', 'grid')")
    assert "successfully edited" in obs["text"]
    assert np.array_equal(obs["image"], obs["target"])
    obs, reward, terminated, _, info = env.step("I have fixed the css style")
    assert terminated and reward == 1.0 and info["progress"] == 1.0
    assert info["judge"]["details"]["improved"]


def test_insert_and_revert(env):
    obs0, _ = env.reset(options={"task_id": "card-rule-gone"})
    obs, *_ = env.step(
        "insert_rule('.card', {'height': '240px', 'background-color': "
        "'#e63946', 'color': '#ffffff'})"
    )
    assert np.array_equal(obs["image"], obs["target"])
    obs, _, _, _, info = env.step("revert_last_edit()")
    assert info["action_error"] is None and np.array_equal(obs["image"], obs0["image"])
    obs, _, _, _, info = env.step("revert_last_edit()")
    assert info["action_error"] == "No edit to revert."


def test_selectors_by_html_elements(env):
    env.reset(options={"task_id": "untouched"})
    for query in (
        "get_selectors_by_html_elements('div', class_='card')",
        "get_selectors_by_html_elements(\"'div', {'id': 'first'}\")",
        "get_selectors_by_html_elements(id='first')",
    ):
        obs, _, _, _, info = env.step(query)
        assert info["action_error"] is None, info["action_error"]
        assert "'.card'" in obs["text"] and "'.site-footer'" not in obs["text"]
    obs, _, _, _, info = env.step("get_selectors_by_html_elements(\"'a'\")")
    assert "'.nav-links a'" in obs["text"]
    _, _, _, _, info = env.step("get_selectors_by_html_elements('table')")
    assert "No html elements found" in info["action_error"]


def test_step_limit_truncates_and_still_judges(tasks):
    env = CssEnv(tasks=tasks, image_size=(32, 32), max_steps=2)
    try:
        env.reset(options={"task_id": "untouched"})
        *_, truncated, info = env.step("select_rule('.card')")
        assert not truncated and "success" not in info
        _, reward, terminated, truncated, info = env.step("select_rule('.card')")
        assert truncated and not terminated and info["success"] and reward == 1.0
        with pytest.raises(gym.error.ResetNeeded):
            env.step("done()")
    finally:
        env.close()


def test_early_stop_on_repeated_invalid_actions(tasks):
    env = CssEnv(tasks=tasks, image_size=(32, 32), early_stop=EarlyStop(max_invalid=2))
    try:
        env.reset(options={"task_id": "grid-gone"})
        env.step("nonsense")
        _, reward, _, truncated, info = env.step("more nonsense")
        assert truncated and info["early_stop"] == "2 invalid actions in a row"
        assert reward == 0.0
    finally:
        env.close()


def test_valid_actions_include_the_repair(env):
    env.reset(options={"task_id": "grid-gone"})
    calls = env.valid_actions()
    assert "edit_rule('.cards', 'display', 'grid')" in calls
    assert "select_rule('.card')" in calls and calls[-1] == "done()"
    for call in calls[:20]:
        env.action_set.parse(call)


def test_pages_cannot_reach_the_network(tmp_path):
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="style.css"><img src="http://example.com/a.png">'
        '<img src="https://93.184.216.34/b.png"><script>fetch("http://10.1.2.3/x")</script>'
    )
    (tmp_path / "style.css").write_text("body { background: url(http://evil.test/c.png); }")
    from tests.conftest import make_task

    env = CssEnv(tasks=vab_gym.TaskSet([make_task("net", tmp_path, None)]), image_size=(32, 32))
    try:
        env.reset()
        blocked = env.blocked_requests
        for host in ("example.com", "93.184.216.34", "evil.test", "10.1.2.3"):
            assert any(host in url for url in blocked), (host, blocked)
    finally:
        env.close()


def test_state_survives_a_crashed_browser(tasks):
    env = CssEnv(tasks=tasks, image_size=(96, 128))
    try:
        _obs0, _ = env.reset(options={"task_id": "grid-gone"})
        env.step("edit_rule('.cards', 'display', 'grid')")
        for proc in chromium_children():
            proc.kill()
        time.sleep(0.5)
        _obs, _, _, _, info = env.step("select_rule('.card')")
        assert info["action_error"] is None
        _, reward, *_ = env.step("done()")
        assert reward == 1.0  # the edit made before the crash still counts
    finally:
        env.close()


def test_close_is_idempotent_and_ends_chromium(tasks):
    """A browser of the env's own (a shared one ends with its last holder, which
    tests/test_shared_browser.py checks): closing the env ends its driver and Chromium."""
    env = CssEnv(tasks=tasks, image_size=(32, 32), browser="own")
    env.reset()
    driver = env._chromium.driver_pid

    def ours() -> list[psutil.Process]:
        return processes_of(driver)

    assert len(ours()) > 1
    env.close()
    env.close()
    deadline = time.time() + 10
    while ours() and time.time() < deadline:
        time.sleep(0.2)
    assert not ours()


@pytest.mark.slow
def test_no_chromium_outlives_a_killed_parent(site):
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {os.getcwd()!r})
        from tests.conftest import make_task
        from vab_gym import TaskSet
        from vab_gym.envs.css.env import CssEnv
        env = CssEnv(tasks=TaskSet([make_task("t", __import__("pathlib").Path({str(site)!r}), None)]),
                     image_size=(32, 32))
        env.reset()
        print("ready", flush=True)
        time.sleep(600)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    browsers = chromium_children(child.pid)
    assert browsers
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    _gone, alive = psutil.wait_procs(browsers, timeout=15)
    assert not alive, [p.pid for p in alive]


def test_judged_screenshot_is_playwrights_full_page(tmp_path):
    """The judge sees exactly what VAB's `page.screenshot(full_page=True)` sees, including
    `vh` units and fixed elements (which a taller viewport would change)."""
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="style.css"><div class="hero">A</div>'
        '<div class="long">B</div><div class="badge"></div>'
    )
    (tmp_path / "style.css").write_text(
        "body { margin: 0; } .hero { height: 100vh; background: red; }"
        ".long { height: 1500px; background: linear-gradient(blue, green); }"
        ".badge { position: fixed; top: 0; right: 0; width: 50px; height: 50px; }"
    )
    from tests.conftest import make_task

    env = CssEnv(tasks=vab_gym.TaskSet([make_task("vh", tmp_path, None)]), image_size=(32, 32))
    try:
        env.reset()
        ours = env._renderer.full_page().array()
        theirs_png = env._chromium.run(
            lambda _browser: env._renderer._page.page.screenshot(full_page=True)
        )
        theirs = np.asarray(Image.open(io.BytesIO(theirs_png)).convert("RGB"))
        assert ours.shape == theirs.shape == (720 + 1500, 1280, 3)
        assert np.array_equal(ours, theirs)
    finally:
        env.close()


def test_hostile_css_is_refused_and_changes_nothing(env):
    """A value that would close its rule never reaches the stylesheet or the page."""
    env.reset(options={"task_id": "untouched"})
    css, png = env._sheet.css(), env.screenshot_png()
    obs, _, _, _, info = env.step("edit_rule('.card', 'color', 'red; } body { display: none')")
    assert obs["text"] == (
        "edit_rule(.card, color, red; } body { display: none) is not valid due to exception "
        "'red; } body { display: none' is not a single CSS value. You may make a mistake "
        "and need to fix it."
    )
    assert info["action_error"] == obs["text"]
    obs, _, _, _, info = env.step("insert_rule('} body', {'display': 'none'})")
    assert info["action_error"].startswith(
        "insert_rule('} body', {'display': 'none'}) is not valid due to exception "
    )
    assert env._sheet.css() == css and env.screenshot_png() == png
    assert np.array_equal(obs["image"], obs["target"])


def test_undo_stack_over_several_edits(env):
    """Each revert undoes the newest change still applied, back to the page as it began."""
    obs0, _ = env.reset(options={"task_id": "grid-gone"})
    begin = env._sheet.css()
    env.step("edit_rule('.cards', 'display', 'grid')")
    after_first = env._sheet.css()
    env.step("edit_rule('.card', 'height', '100px')")
    obs, *_ = env.step("edit_rule('.card', 'border', '1px solid black')")  # a new property
    assert env._sheet.find(".card").declarations == {
        "height": "100px",
        "background-color": "#e63946",
        "color": "#ffffff",
        "border": "1px solid black",
    }
    obs, *_ = env.step("revert_last_edit()")
    assert env._sheet.find(".card").declarations == {
        "height": "100px",
        "background-color": "#e63946",
        "color": "#ffffff",
    }
    env.step("revert_last_edit()")
    assert env._sheet.css() == after_first
    obs, *_ = env.step("revert_last_edit()")
    assert env._sheet.css() == begin and np.array_equal(obs["image"], obs0["image"])
    obs, _, _, _, info = env.step("revert_last_edit()")
    assert info["action_error"] == obs["text"] == "No edit to revert."
