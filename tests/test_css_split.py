"""The shipped VAB-CSS test split: well formed, every corruption judged a failure, and the
program solver repairs every task of it through the public actions."""

from concurrent.futures import ProcessPoolExecutor

import pytest

from tests.splits import split_sample
from vab_gym.envs.css import corruptions
from vab_gym.envs.css.env import CssEnv, site_path
from vab_gym.envs.css.stylesheet import Stylesheet

TASKS = CssEnv.default_tasks("test")


def test_split_is_well_formed():
    assert len(TASKS) == 165  # VAB-CSS's count
    prototypes = set()
    for task in TASKS:
        folder = site_path(task.setup["site"])
        assert (folder / "index.html").is_file(), task.id
        sheet = Stylesheet.parse((folder / task.setup["css_file"]).read_text())
        broken = corruptions.apply(sheet, task.setup["corruption"])
        assert broken.css() != sheet.css()
        assert task.metadata["initial_distance"] >= 0.2
        prototypes.add(task.metadata["prototype"])
    assert len(prototypes) >= 8, prototypes


def _solve(task_ids: list[str]) -> list[tuple[str, bool, float, str]]:
    from vab_gym.agents import make_solver, run_episode

    env = CssEnv(image_size=(64, 64))
    solver = make_solver(env)
    out = []
    try:
        for task_id in task_ids:
            result = run_episode(env, solver, task_id=task_id)
            details = result.judge["details"]
            out.append(
                (task_id, result.success, details["initial_distance"], result.judge["reason"])
            )
    finally:
        env.close()
    return out


@pytest.mark.slow
def test_solver_repairs_the_split_and_every_corruption_fails_as_is(full_splits):
    ids = [t.id for t in split_sample(list(TASKS), full_splits, lambda t: t.metadata["prototype"])]
    with ProcessPoolExecutor(2) as pool:
        results = [r for part in pool.map(_solve, [ids[0::2], ids[1::2]]) for r in part]
    assert len(results) == len(ids)
    # The judge on the corrupted page as the episode began: a failure for every task.
    assert all(initial >= 0.1 for _, _, initial, _ in results), [r for r in results if r[2] < 0.1]
    failures = [r for r in results if not r[1]]
    assert failures == []  # the solver repairs every shipped task (165/165 in the README)
