"""The suite's contract (docs/DESIGN.md) as a reusable test class, after dm_env's
``EnvironmentTestMixin``: subclass it in a pytest file, say which env to make, and every
check runs on that env. The five envs run it (tests/test_suite_contract.py); an env of
your own can too::

    from vab_gym.testing import EnvContract

    class TestMyEnv(EnvContract):
        env_id = "My-Env-v0"
        make_kwargs = {"image_size": (64, 64)}
        solvable_task = "my-test-0001"   # the program solver must solve it

The checks: Gymnasium's ``check_env``, seeding (same seed, same task and first
observation), invalid and hostile actions as feedback in words, truncation at
``max_steps`` with the judge run, ``ResetNeeded`` after the end, an idempotent ``close``
that ends every process the env started, a vector env in subprocesses, and the program
solver on one task through the public ``step``. The two that start processes (the close
and the vector env checks) are marked ``slow``, so ``pytest -m "not slow"`` skips them;
register the marker in your pytest configuration.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

# Text an agent may send; none of it may raise, all of it is refused or played in words.
HOSTILE_ACTIONS: tuple[Any, ...] = (
    "",
    "   ",
    "garbage",
    "x" * 100_000,
    "é\u202e\u200b\U0001f600" * 50,
    "\x00\x1b[2J",
    "__import__('os').system('true')",
    "open('/etc/passwd').read()",
    "no_such_action()",
    "no_such_action(1, 2, key='value')",
    "done(" * 200,
    "[" * 5_000,
    None,
    b"done()",
    42,
    ["done()"],
    {"name": "done"},
)


def _descendants() -> set[int]:
    import psutil

    return {
        p.pid
        for p in psutil.Process().children(recursive=True)
        if p.status() != psutil.STATUS_ZOMBIE
    }


class EnvContract:
    """Subclass with ``env_id`` (a registered id) and optionally ``make_kwargs`` and
    ``solvable_task``; override :meth:`make_env` to build the env another way."""

    env_id: ClassVar[str]
    make_kwargs: ClassVar[dict[str, Any]] = {}
    solvable_task: ClassVar[str | None] = None  # a task the program solver solves
    vector_envs: ClassVar[int] = 2  # 0 skips the subprocess vector env check

    def make_env(self, **overrides: Any) -> gym.Env:
        return gym.make(self.env_id, **{**self.make_kwargs, **overrides})

    @contextlib.contextmanager
    def env(self, **overrides: Any) -> Iterator[gym.Env]:
        env = self.make_env(**overrides)
        try:
            yield env
        finally:
            env.close()

    # -- spaces and Gymnasium's own checks -----------------------------------------------
    def test_check_env(self) -> None:
        with self.env() as env:
            check_env(env.unwrapped, skip_render_check=True)

    def test_observations_are_in_their_space(self) -> None:
        with self.env() as env:
            obs, info = env.reset(seed=0)
            assert env.observation_space.contains(obs)
            assert {"image", "text", "instruction"} <= set(obs)
            assert {"task_id", "backend", "step", "progress", "action_error"} <= set(info)
            assert info["step"] == 0 and info["action_error"] is None

    # -- seeding -------------------------------------------------------------------------
    def test_the_same_seed_gives_the_same_task_and_first_observation(self) -> None:
        firsts = []
        for _ in range(2):  # one env after the other: two fresh instances, one at a time
            with self.env() as env:
                firsts.append(env.reset(seed=7))
        (obs_a, info_a), (obs_b, info_b) = firsts
        assert info_a["task_id"] == info_b["task_id"]
        assert obs_a["instruction"] == obs_b["instruction"]
        assert obs_a["text"] == obs_b["text"]
        for key, value in obs_a.items():  # the image and any extra image (CSS's target)
            if isinstance(value, np.ndarray):
                assert np.array_equal(value, obs_b[key]), key

    # -- actions -------------------------------------------------------------------------
    def test_hostile_actions_are_feedback_in_words(self) -> None:
        with self.env() as env:
            obs, info = env.reset(seed=0)
            task = info["task_id"]
            for action in HOSTILE_ACTIONS:
                obs, reward, terminated, truncated, info = env.step(action)
                assert env.observation_space.contains(obs), repr(action)[:80]
                if terminated or truncated:  # an early stop: the judge ran, start again
                    assert "success" in info
                    obs, info = env.reset(options={"task_id": task})
                    continue
                assert isinstance(info["action_error"], str) and info["action_error"], (
                    f"{repr(action)[:80]} was not refused in words"
                )
                assert reward == 0.0

    def test_the_step_limit_truncates_and_the_judge_runs(self) -> None:
        with self.env(max_steps=2, early_stop=None) as env:
            env.reset(seed=0)
            *_, terminated, truncated, info = env.step("no_such_action()")
            assert not terminated and not truncated and "success" not in info
            _, reward, terminated, truncated, info = env.step("no_such_action()")
            assert truncated and not terminated
            assert isinstance(info["success"], bool) and "reason" in info["judge"]
            assert reward == float(info["success"])
            try:
                env.step("no_such_action()")
            except gym.error.ResetNeeded:
                pass
            else:
                raise AssertionError("a step after the end must raise ResetNeeded")

    # -- processes -----------------------------------------------------------------------
    @pytest.mark.slow
    def test_close_is_idempotent_and_ends_what_the_env_started(self) -> None:
        """The processes that appeared while the env ran are gone soon after ``close()``,
        followed by pid: those it orphaned count, one another test starts meanwhile not."""
        import psutil

        before = _descendants()
        env = self.make_env()
        env.reset(seed=0)
        env.step("no_such_action()")
        started = []
        for pid in _descendants() - before:
            with contextlib.suppress(psutil.NoSuchProcess):  # one that ended already
                started.append(psutil.Process(pid))
        env.close()
        env.close()
        _gone, alive = psutil.wait_procs(started, timeout=10)
        left = []
        for process in alive:
            with contextlib.suppress(psutil.NoSuchProcess):  # one that ended just now
                if process.status() != psutil.STATUS_ZOMBIE:
                    left.append((process.pid, process.name()))
        assert not left, f"processes outlived close(): {left}"

    @pytest.mark.slow
    def test_a_vector_env_in_subprocesses(self) -> None:
        """Sub-envs reset with their seeds; a grounded action plays and an invalid one is
        refused in each (shared_memory=False: text spaces cannot live in shared memory)."""
        if not self.vector_envs:
            return
        count = self.vector_envs
        envs = gym.vector.AsyncVectorEnv([self.make_env] * count, shared_memory=False)
        try:
            obs, infos = envs.reset(seed=list(range(count)))
            assert len(obs["image"]) == count and len(obs["text"]) == count
            grounded = [actions[0] for actions in envs.call("valid_actions")]
            _, _, _, _, infos = envs.step(grounded)
            assert list(infos["action_error"]) == [None] * count, grounded
            _, rewards, _, _, infos = envs.step(["no_such_action()"] * count)
            assert all(isinstance(e, str) for e in infos["action_error"])
            assert list(rewards) == [0.0] * count
        finally:
            envs.close()

    # -- the solver ----------------------------------------------------------------------
    def test_the_program_solver_solves_a_task(self) -> None:
        if self.solvable_task is None:
            return
        from vab_gym.agents import make_solver, run_episode

        with self.env() as env:
            result = run_episode(env, make_solver(env), task_id=self.solvable_task)
            assert result.success, result.judge.get("reason")
