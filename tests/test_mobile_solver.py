"""The program solver of the phone's tasks, through the public actions only."""

import pytest

from tests.splits import split_sample
from vab_gym.agents.base import make_solver, run_episode
from vab_gym.envs.mobile.env import MobileEnv


@pytest.fixture(scope="module")
def env():
    env = MobileEnv(image_size=(240, 108))
    yield env
    env.close()


@pytest.mark.parametrize("task_id", ["clock_6", "clock_17", "contacts_3", "contacts_13"])
def test_the_solver_solves_a_sample(env, task_id):
    result = run_episode(env, make_solver(env), task_id=task_id)
    assert result.success, result.judge
    assert all(step.info["action_error"] is None for step in result.steps)


@pytest.mark.slow
def test_the_solver_solves_the_test_split(env, full_splits):
    solver = make_solver(env)
    ids = split_sample(env.tasks.ids, full_splits, lambda task_id: task_id.rsplit("_", 1)[0])
    failed = [t for t in ids if not run_episode(env, solver, task_id=t).success]
    assert failed == []
