"""The low-tier task set RL trains on (``tier_tasks``): VAB's step rewards, so that
``reward_mode="progress"`` pays for the first ingredient."""

import pytest

from vab_gym.core.tasks import TaskSet
from vab_gym.envs.minecraft.env import MinecraftEnv
from vab_gym.envs.minecraft.tasks import tier_tasks


def test_every_item_in_every_world_with_vab_step_rewards():
    tasks = tier_tasks(["oak_planks", "crafting_table"], [3, 7], split="test")
    assert [t.id for t in tasks] == [
        "mc-test-w3-oak_planks",
        "mc-test-w3-crafting_table",
        "mc-test-w7-oak_planks",
        "mc-test-w7-crafting_table",
    ]
    assert [t.setup["world_seed"] for t in tasks] == [3, 3, 7, 7]
    # step_rewards.json, "minecraft:oak_planks": {"minecraft:oak_logs": 1/3}; no table entry
    # for crafting_table
    assert tasks[0].metadata["step_rewards"] == pytest.approx({"oak_logs": 1 / 3})
    assert tasks[1].metadata["step_rewards"] == {}
    assert tasks[0].metadata["recipe_steps"] == 1


def test_progress_pays_for_the_log_then_the_rest_on_success():
    env = MinecraftEnv(
        tasks=TaskSet(tier_tasks(["oak_planks"], [3])), image_size=(32, 32), reward_mode="progress"
    )
    env.reset(seed=0)
    _, reward, terminated, _, _ = env.step("execute('chop down trees', 'oak_log', 1)")
    assert (reward, terminated) == (pytest.approx(1 / 3), False)
    _, reward, terminated, _, info = env.step("craft('oak_planks', 1)")
    assert (reward, terminated, info["success"]) == (pytest.approx(2 / 3), True, True)
    env.close()
