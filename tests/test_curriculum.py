"""Curriculum: which tasks it draws, by tier and by recent success, on the counter world of
tests/test_contract.py (tasks with tiers given here, so the expected draws are known)."""

from __future__ import annotations

from collections import Counter

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from tests.test_contract import CounterEnv
from vab_gym.core.tasks import Task, TaskSet
from vab_gym.wrappers import Curriculum

# four tasks per tier 0, 1, 2; a task's goal is 1, so add(1) solves it and done() fails it
TASKS = TaskSet(
    Task(
        f"t{tier}-{i}",
        "Count-v0",
        "test",
        "Reach 1.",
        {"goal": 1},
        {},
        {"difficulty": {"tier": tier, "kind": "count"}},
    )
    for tier in (0, 1, 2)
    for i in range(4)
)


def make(**kwargs) -> Curriculum:
    return Curriculum(CounterEnv(tasks=TASKS), **kwargs)


def draws(env: Curriculum, n: int, seed: int | None = 0) -> list[str]:
    ids = [env.reset(seed=seed)[1]["task_id"]]
    ids += [env.reset()[1]["task_id"] for _ in range(n - 1)]
    return ids


def test_by_tier_draws_only_allowed_tiers_uniformly_and_advance_widens():
    env = make()
    assert env.tiers == {0}  # the lowest tier there is
    seen = Counter(draws(env, 400))
    assert set(seen) == {f"t0-{i}" for i in range(4)}
    assert min(seen.values()) > 70  # uniform: 100 each expected
    assert env.advance() and env.tiers == {0, 1}
    assert {t[:2] for t in draws(env, 100)} == {"t0", "t1"}
    env.allow([2])
    assert not env.advance()  # nothing above tier 2
    with pytest.raises(ValueError, match=r"no task has tier \[7\]"):
        env.allow([7])
    assert {t[:2] for t in draws(make(tiers={1, 2}), 100)} == {"t1", "t2"}


def test_a_seeded_reset_repeats_the_draws_and_task_id_wins():
    first, again, other = (
        draws(make(tiers={0, 1, 2}), 30),
        draws(make(tiers={0, 1, 2}), 30),
        draws(make(tiers={0, 1, 2}), 30, seed=1),
    )
    assert first == again and first != other
    env = make()
    assert env.reset(seed=0, options={"task_id": "t2-3"})[1]["task_id"] == "t2-3"


def test_by_success_weights_tasks_solved_sometimes_over_always_or_never():
    env = make(by="success", tiers={0}, window=4, explore=0.2)
    for round_ in range(4):  # in turns, so tier 0's last 4 episodes never reach 0.8
        env.record("t0-0", True)  # always solved
        env.record("t0-1", False)  # never solved
        env.record("t0-2", round_ % 2 == 0)  # half the time
    weights = dict(zip(env.candidates(), env.weights(), strict=True))
    # p(1-p): 0 for always and never solved, 0.25 for half and for t0-3 (not played, 0.5)
    # -> 0.8 * 0.25 / 0.5 + 0.2 / 4 = 0.45 each; the two extremes keep 0.2 / 4 = 0.05
    assert weights == pytest.approx({"t0-0": 0.05, "t0-1": 0.05, "t0-2": 0.45, "t0-3": 0.45})
    seen = Counter(draws(env, 400))
    assert seen["t0-2"] + seen["t0-3"] > 300
    assert env.tiers == {0}  # tier 0's recent success stayed under 0.8


def test_by_success_advances_a_tier_when_its_recent_success_passes_the_threshold():
    env = make(by="success", window=5, threshold=0.8)
    for success in [True, False, True, True, True]:  # 4 of 5: 0.8 reaches the threshold
        env.record("t0-1", success)
    assert env.tiers == {0, 1}
    for _ in range(5):
        env.record("t0-1", True)  # tier 0 is no longer the highest: no jump to tier 2
    assert env.tiers == {0, 1}
    tier_only = make(by="tier", window=1)
    tier_only.record("t0-0", True)
    assert tier_only.tiers == {0}  # by tier, only advance() widens


def test_episodes_record_the_judged_success_and_pass_check_env():
    env = make(by="success", tiers={0, 1, 2}, window=3)
    env.reset(seed=0, options={"task_id": "t1-0"})
    env.step("add(1)")
    assert env.outcomes == {}  # the episode goes on
    env.step("done()")  # the goal of 1 reached: judged a success
    env.reset(options={"task_id": "t1-1"})
    env.step("done()")  # finished short: a failure
    assert {k: list(v) for k, v in env.outcomes.items()} == {"t1-0": [True], "t1-1": [False]}
    check_env(make(tiers={0, 1}), skip_render_check=True)


def test_under_a_vector_env_each_sub_env_draws_reproducibly_from_its_own_seed():
    def run() -> list[list[str]]:
        envs = gym.vector.SyncVectorEnv([lambda: make(tiers={0, 1, 2})] * 2)
        try:
            ids = [list(envs.reset(seed=5)[1]["task_id"])]
            for _ in range(4):  # done() ends each episode: the next step resets
                envs.step(np.array(["done()", "done()"]))
                ids.append(list(envs.step(np.array(["done()", "done()"]))[4]["task_id"]))
            return ids
        finally:
            envs.close()

    first = run()
    assert first == run() and first[0][0] != first[0][1]
