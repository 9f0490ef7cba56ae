"""The base env's contract (DESIGN.md), on a counter world written here, so that what is
checked is :class:`VabEnv` itself: task choice by seed, step accounting, early stops, the
judge on truncation and the fidelity record."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from vab_gym import EarlyStop
from vab_gym.core.actions import ActionError, ActionSet, ActionSpec, Param
from vab_gym.core.env import Outcome, VabEnv
from vab_gym.core.judge import Verdict
from vab_gym.core.tasks import Task, TaskSet

TASKS = TaskSet(
    Task(f"count-{i:02d}", "Count-v0", "test", f"Reach {i + 1}.", {"goal": i + 1}, {})
    for i in range(20)
)


class CounterEnv(VabEnv):
    """Add to a counter until it reaches the task's goal."""

    env_id = "Count-v0"
    action_set = ActionSet(
        ActionSpec("add", "Add n to the counter.", (Param("n", int, "how much"),)),
        ActionSpec("fail", "Always refused."),
        ActionSpec("done", "Finish."),
    )
    backends = ("toy",)
    default_image_size = (4, 4)
    default_max_steps = 8

    @classmethod
    def default_tasks(cls, split: str) -> TaskSet:
        return TASKS

    def _start(self, task: Task) -> str:
        self.count = 0
        return "start"

    def _do_add(self, n: int) -> str:
        self.count += n
        return f"count={self.count}"

    def _do_fail(self) -> str:
        raise ActionError("refused")

    def _do_done(self) -> Outcome:
        return Outcome("bye", finished=True)

    def _observe(self) -> dict[str, np.ndarray]:
        return {"image": np.zeros((4, 4, 3), np.uint8)}

    def _progress(self) -> float:
        return min(1.0, self.count / self.task.setup["goal"])

    def _judge(self, answer: str | None) -> Verdict:
        reached = self.count >= self.task.setup["goal"]
        return Verdict(reached, float(reached), "reached" if reached else "short")


def play(env: VabEnv, actions: list[str]) -> tuple[int, bool, dict]:
    """Play ``actions`` until the episode ends; return the steps taken, truncated, info."""
    for action in actions:
        _, _, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            return info["step"], truncated, info
    raise AssertionError("the episode did not end")


def test_seeds_pick_tasks_as_gymnasiums_generator_does():
    """reset(seed=s) draws the task index from Gymnasium's seeded generator
    (``np.random.default_rng(s)``), so the mapping is stable and covers the split."""
    env = CounterEnv()
    ids = TASKS.ids
    chosen = {}
    for seed in range(60):
        _, info = env.reset(seed=seed)
        expected = ids[int(np.random.default_rng(seed).integers(len(ids)))]
        assert info["task_id"] == expected
        chosen[seed] = info["task_id"]
    assert len(set(chosen.values())) >= 15  # 60 draws of 20: all but a few appear
    fresh = CounterEnv()
    assert [fresh.reset(seed=s)[1]["task_id"] for s in (3, 7, 11)] == [
        chosen[3],
        chosen[7],
        chosen[11],
    ]


def test_task_id_option_wins_over_the_seed():
    env = CounterEnv()
    _, info = env.reset(seed=5, options={"task_id": "count-13"})
    assert info["task_id"] == "count-13"
    with pytest.raises(ValueError, match="no task 'nope'"):
        env.reset(options={"task_id": "nope"})


@pytest.mark.parametrize(
    ("rules", "actions", "steps", "reason"),
    [
        (
            EarlyStop(max_invalid=3, max_repeats=None),
            ["fail()", "garbage", "add(x)", "add(1)"],
            3,
            "3 invalid actions in a row",
        ),
        (
            EarlyStop(max_invalid=None, max_repeats=3),
            ["add(0)", "Action: `add(0)`", "```\nadd(0)\n```", "add(1)"],
            3,
            "the same action 3 times in a row",
        ),
        (
            EarlyStop(max_invalid=None, max_repeats=None, no_progress=4),
            ["add(0)", "fail()", "add(0)", "add(-1)", "add(1)"],
            4,
            "no progress in 4 steps",
        ),
    ],
    ids=["max_invalid", "max_repeats", "no_progress"],
)
def test_each_early_stop_rule_truncates_with_its_reason(rules, actions, steps, reason):
    env = CounterEnv(early_stop=rules)
    env.reset(options={"task_id": "count-04"})
    step, truncated, info = play(env, actions)
    assert (step, truncated, info["early_stop"]) == (steps, True, reason)
    assert info["success"] is False and info["judge"]["reason"] == "short"


def test_streaks_reset_and_no_rule_fires_on_varied_progressing_actions():
    env = CounterEnv(early_stop=EarlyStop(max_invalid=2, max_repeats=2, no_progress=2))
    env.reset(options={"task_id": "count-19"})  # goal 20: never reached in 8 steps
    step, truncated, info = play(
        env, ["add(1)", "fail()", "add(2)", "fail()", "add(3)", "add(1)", "fail()", "add(2)"]
    )
    assert (step, truncated, "early_stop" in info) == (8, True, False)


def test_judge_runs_on_truncation_and_rewards_only_the_last_step():
    env = CounterEnv(max_steps=3)
    env.reset(options={"task_id": "count-01"})  # goal 2
    rewards = []
    for action in ("add(1)", "add(1)", "add(0)"):
        _, reward, terminated, truncated, info = env.step(action)
        rewards.append(reward)
    assert rewards == [0.0, 0.0, 1.0] and (terminated, truncated) == (False, True)
    assert info["success"] is True and info["judge"]["reason"] == "reached"
    with pytest.raises(gym.error.ResetNeeded):
        env.step("add(1)")


def test_fidelity_switches_are_recorded_in_info_and_verdict():
    env = CounterEnv(vab_quirks=True)
    _, info = env.reset(options={"task_id": "count-00"})
    recorded = {"vab_quirks": True, "hints": False, "reward_mode": "sparse"}
    assert info["fidelity"] == recorded
    _, _, terminated, _, info = env.step("done()")
    assert terminated and info["judge"]["fidelity"] == recorded
    assert CounterEnv(hints=True, reward_mode="progress").fidelity() == {
        "vab_quirks": False,
        "hints": True,
        "reward_mode": "progress",
    }


@pytest.mark.parametrize(
    ("goal_task", "actions", "expected"),
    [
        # goal 4: progress 0.25, 0.75, falls to 0.5, then 1.0 and a judged success
        (
            "count-03",
            ["add(1)", "add(2)", "add(-1)", "add(2)", "done()"],
            [0.25, 0.5, -0.25, 0.5, 0.0],
        ),
        # goal 4, truncated at 8 steps short of it: the return is the final progress, 0.5
        (
            "count-03",
            ["add(1)", "fail()", "add(1)", "fail()", "add(0)", "add(0)", "add(0)", "add(0)"],
            [0.25, 0.0, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0],
        ),
        # goal 2 reached, then 'done': the judge pays nothing more than progress did
        ("count-01", ["add(2)", "done()"], [1.0, 0.0]),
        # goal 10, done at 0.3: no success, so no top-up
        ("count-09", ["add(3)", "done()"], [0.3, 0.0]),
    ],
)
def test_progress_rewards_pay_each_change_and_sum_to_the_judged_result(
    goal_task, actions, expected
):
    env = CounterEnv(reward_mode="progress")
    env.reset(options={"task_id": goal_task})
    rewards = []
    for action in actions:
        _, reward, terminated, truncated, info = env.step(action)
        rewards.append(reward)
    assert terminated or truncated
    assert rewards == pytest.approx(expected)
    assert sum(rewards) == pytest.approx(1.0 if info["success"] else info["progress"])


def test_sparse_and_progress_modes_agree_on_success_and_unknown_modes_are_refused():
    for mode in ("sparse", "progress"):
        env = CounterEnv(reward_mode=mode)
        env.reset(options={"task_id": "count-02"})
        returns = sum(env.step(a)[1] for a in ("add(1)", "add(2)", "done()"))
        assert returns == pytest.approx(1.0)
    with pytest.raises(ValueError, match="reward_mode='dense'"):
        CounterEnv(reward_mode="dense")


def test_model_view_defaults_to_the_observation():
    env = CounterEnv()
    with pytest.raises(gym.error.ResetNeeded):
        env.model_view()
    env.reset(options={"task_id": "count-00"})
    env.step("add(1)")
    view = env.model_view()
    assert view.text == "count=1" and view.images[0][:8] == b"\x89PNG\r\n\x1a\n"
