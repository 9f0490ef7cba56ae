"""VAB-Mobile under hostile input and in vector envs: every reply is feedback, nothing leaves
the phone, and no process (phone server thread aside, Chromium and its driver) outlives its
env, a vector env or a killed parent."""

import os
import signal
import subprocess
import sys
import textwrap

import gymnasium as gym
import psutil
import pytest
from hypothesis import HealthCheck, given, settings

from tests.strategies import actions
from vab_gym.envs.mobile.env import MobileEnv

NAMES = ["tap", "text", "long_press", "swipe", "back", "home", "wait", "finish", "do"]


def browser_children(pid: int | None = None) -> list[psutil.Process]:
    try:
        procs = psutil.Process(pid or os.getpid()).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in procs if "chrom" in p.name().lower() or "node" in p.name().lower()]


@pytest.fixture(scope="module")
def env():
    env = MobileEnv(image_size=(120, 54))
    yield env
    env.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(action=actions(NAMES))
@pytest.mark.slow
def test_hostile_actions_give_feedback(env, action):
    env.reset(options={"task_id": "clock_1"})
    obs, reward, terminated, _truncated, info = env.step(action)
    assert env.observation_space.contains(obs)
    assert info["action_error"] is None or isinstance(info["action_error"], str)
    if not terminated:
        assert reward == 0.0
    assert env.screen.blocked == []  # the phone asked nothing of any other host


@pytest.mark.parametrize(
    "action",
    [
        "x" * 1_000_000,
        "tap(10**100)",
        "tap(-1)",
        "swipe(3, 'sideways', 'far')",
        "text('" + "é\u202e\u0000" * 200 + "')",
        "__import__('os').system('true')",
        'do(action="Tap", element=[1, 2, 3])',
        None,
        b"tap(1)",
        42,
    ],
)
def test_garbage_is_refused_in_words(env, action):
    env.reset(options={"task_id": "clock_1"})
    _obs, reward, terminated, _truncated, info = env.step(action)
    if isinstance(action, str) and action.startswith("text("):
        assert info["action_error"] is not None  # no field has the focus on the alarm list
    else:
        assert info["action_error"], action
    assert reward == 0.0 and not terminated
    assert env.screen.url.startswith("/clock")


@pytest.mark.slow
def test_async_vector_env_2_and_no_processes_left():
    """Every process the two workers started (the workers, their Chromium and its driver)
    is gone once the vector env is closed, orphans included: followed by pid rather than
    as "children of this test", which a process some earlier test left running (Ray's) or
    one reparented to init would fool."""

    def make():
        return MobileEnv(image_size=(120, 54))

    envs = gym.vector.AsyncVectorEnv([make] * 2, shared_memory=False)
    try:
        obs, _ = envs.reset(seed=[0, 1], options={"task_id": "clock_10"})
        workers = [psutil.Process(process.pid) for process in envs.processes]
        started = workers + [child for w in workers for child in w.children(recursive=True)]
        assert len(browser_children(workers[0].pid)) >= 2  # the driver and Chromium
        assert obs["image"].shape == (2, 120, 54, 3)
        _obs, rewards, terminated, _, _infos = envs.step(["back()", "finish('7:30 AM')"])
        assert terminated.tolist() == [False, True] and rewards.tolist() == [0.0, 1.0]
    finally:
        envs.close()
    _gone, alive = psutil.wait_procs(started, timeout=5)
    assert not alive, [(p.pid, p.name()) for p in alive]


@pytest.mark.slow
def test_no_process_outlives_a_killed_parent():
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {os.getcwd()!r})
        from vab_gym.envs.mobile.env import MobileEnv
        env = MobileEnv(image_size=(120, 54))
        env.reset(options={{"task_id": "clock_1"}})
        print("ready", flush=True)
        time.sleep(600)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    spawned = browser_children(child.pid)
    assert spawned
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    _gone, alive = psutil.wait_procs(spawned, timeout=15)
    assert not alive, [p.pid for p in alive]


def test_a_broken_judge_fails_the_task_in_words():
    from vab_gym.core.tasks import Task, TaskSet

    task = Task(
        "broken",
        MobileEnv.env_id,
        "test",
        "You should use clock to ...",
        {"app": "clock", "start": "/clock/alarm"},
        {"kind": "query", "answer": "x", "match": {"type": "amount", "value": "lots"}},
    )
    env = MobileEnv(tasks=TaskSet([task]), image_size=(120, 54))
    try:
        env.reset()
        _obs, reward, terminated, _truncated, info = env.step("finish('12 CNY')")
        assert terminated and reward == 0.0 and not info["success"]
        assert info["judge"]["reason"].startswith("judge error: ValueError")
    finally:
        env.close()


class RefusingCdp:
    """A CDP session that refuses the first ``refusals`` screenshots, as Chromium does while
    it has no frame to give; everything else goes to the real session."""

    def __init__(self, cdp, refusals: int) -> None:
        self.cdp, self.refusals, self.refused = cdp, refusals, 0

    def send(self, method, params=None):
        from playwright.sync_api import Error

        if method == "Page.captureScreenshot" and self.refused < self.refusals:
            self.refused += 1
            raise Error("Protocol error (Page.captureScreenshot): Unable to capture screenshot")
        return self.cdp.send(method, params)


def test_a_refused_screenshot_is_retried_and_a_persistent_refusal_raised(env):
    from vab_gym.envs.mobile.device import SCREENSHOT_RETRIES

    env.reset(options={"task_id": "clock_1"})
    screen = env.screen.screen
    real = screen._cdp
    try:
        screen._cdp = RefusingCdp(real, SCREENSHOT_RETRIES)  # the last try succeeds
        obs, *_ = env.step("wait()")
        assert screen._cdp.refused == SCREENSHOT_RETRIES and obs["image"].std() > 0
        screen._cdp = RefusingCdp(real, SCREENSHOT_RETRIES + 1)
        with pytest.raises(Exception, match="Unable to capture screenshot"):
            env.step("wait()")
    finally:
        screen._cdp = real
