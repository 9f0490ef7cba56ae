"""Difficulty as task metadata: every shipped task of every env has a tier, filled at load,
and the tiers agree with facts about the tasks checked here by other means."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from tests.test_contract import CounterEnv
from vab_gym.core.registration import ENVIRONMENTS, load_object
from vab_gym.core.tasks import Task, TaskSet, read_jsonl


def rated(env_id: str, split: str) -> TaskSet:
    cls = load_object(ENVIRONMENTS[env_id])
    return cls.with_difficulty(cls.default_tasks(split))


def tier(tasks: TaskSet, task_id: str) -> int:
    return tasks[task_id].metadata["difficulty"]["tier"]


@pytest.mark.parametrize("env_id", sorted(ENVIRONMENTS))
def test_every_shipped_task_has_a_tier_among_a_few_and_a_kind(env_id):
    for split in ("test", "train"):
        tasks = rated(env_id, split)
        assert len(tasks) > 100
        tiers = set()
        for task in tasks:
            difficulty = task.metadata["difficulty"]
            assert type(difficulty["tier"]) is int and 0 <= difficulty["tier"] <= 4, task.id
            assert isinstance(difficulty["kind"], str) and difficulty["kind"], task.id
            tiers.add(difficulty["tier"])
        assert len(tiers) >= 3, (env_id, split, tiers)  # a curriculum has steps to climb


def test_minecraft_tiers_follow_the_wooden_tool_chain_and_charge_for_tools():
    tasks = rated("VAB-Minecraft-v0", "test")
    # logs are punched, planks are made from logs, sticks from planks, a pickaxe from both
    # on a crafting table: one more recipe each
    chain = ["mc-test-oak_logs", "mc-test-planks", "mc-test-stick", "mc-test-wooden_pickaxe"]
    assert [tier(tasks, t) for t in chain] == [0, 1, 2, 3]
    assert tasks["mc-test-wooden_pickaxe"].metadata["difficulty"]["steps"] == 3
    # sand is picked up by hand; a diamond needs an iron pickaxe first
    assert tier(tasks, "mc-test-sand") == 0 and tier(tasks, "mc-test-diamond") == 4
    # the same item is easier when the task starts with the tool: diamond_pickaxe's task
    # gives an iron pickaxe, so it is diamonds (1), sticks (2) then the pickaxe (3)
    assert tasks["mc-test-diamond_pickaxe"].metadata["difficulty"]["steps"] == 3


def test_css_tiers_order_corruption_kinds():
    tasks = rated("VAB-CSS-v0", "test")
    by_operation: dict[str, set[int]] = {}
    for task in tasks:
        corruption = task.setup["corruption"]
        by_operation.setdefault(corruption["operation"], set()).add(tier(tasks, task.id))
    assert by_operation["delete_rule"] == {3} and by_operation["delete_property"] == {2}
    assert by_operation["change_value"] == {0, 1}
    display = next(t for t in tasks if t.setup["corruption"].get("property") == "display")
    assert tier(tasks, display.id) == 0  # display: block for grid, a keyword of a short list
    size = next(t for t in tasks if t.metadata["prototype"] == "change-size")
    assert tier(tasks, size.id) == 1  # a length to find again


def test_omnigibson_literals_match_a_hand_count_of_quantifier_free_goals():
    from vab_gym.envs.omnigibson.tasks import problem_text

    tasks = rated("VAB-OmniGibson-v0", "test")
    checked = 0
    for task in tasks:
        goal = problem_text(task.setup).split("(:goal", 1)[1]
        if re.search(r"\((forall|exists|forn|forpairs|fornpairs|or|not|imply)\b", goal):
            continue
        literals = len(re.findall(r"\((inside|ontop|under|nextto|\w+) \?", goal))
        assert task.metadata["difficulty"]["literals"] == literals, task.id
        checked += 1
    assert checked > 50
    baskets = tasks["og-test-assembling_gift_baskets-Beechwood_0_int"].metadata["difficulty"]
    assert baskets == {**baskets, "literals": 8, "tier": 2, "kind": "rearrange"}


def test_webarena_tiers_come_from_what_the_judge_checks_on_local_and_real_tasks():
    local = rated("VAB-WebArena-Lite-v0", "test")
    for task in local:
        checks = task.judge["eval_types"]
        assert task.metadata["difficulty"]["kind"] == task.metadata["kind"]
        expected = {("url_match",): 0, ("string_match",): 1, ("program_html",): 2}[tuple(checks)]
        assert tier(local, task.id) == expected + (len(task.setup["sites"]) > 1), task.id
    from vab_gym.envs.webarena.env import WebArenaEnv

    path = resources.files("vab_gym.envs.webarena") / "data" / "webarena_lite.jsonl"
    real = WebArenaEnv.with_difficulty(TaskSet(read_jsonl(str(path))))
    assert len(real) == 165
    nav = next(
        t for t in real if t.judge["eval_types"] == ["url_match"] and len(t.setup["sites"]) == 1
    )
    both = next(t for t in real if t.judge["eval_types"] == ["url_match", "program_html"])
    assert tier(real, nav.id) == 0 and tier(real, both.id) == 3


def test_mobile_tiers_count_the_judges_sub_goals():
    tasks = rated("VAB-Mobile-v0", "test")
    # "an alarm for 3PM labelled meeting": the alarm, its label, and that it is on
    clock = tasks["clock_1"].metadata["difficulty"]
    assert clock == {
        **clock,
        "app": "clock",
        "kind": "clock",
        "subgoals": 3,
        "tier": 2,
        "reference_steps": 8,
    }
    query = next(t for t in tasks if t.judge["kind"] == "query")
    assert tier(tasks, query.id) == 0  # one answer to give
    assert tasks["contacts_3"].metadata["difficulty"]["subgoals"] == 3  # Xu + two phones


def test_user_tasks_get_the_hook_at_load_and_keep_their_own_difficulty():
    plain = Task("plain", "Count-v0", "test", "Reach 1.", {"goal": 1}, {})
    own = Task(
        "own",
        "Count-v0",
        "test",
        "Reach 2.",
        {"goal": 2},
        {},
        {"difficulty": {"tier": 2, "kind": "mine"}},
    )
    env = CounterEnv(tasks=TaskSet([plain, own]))
    assert env.tasks["plain"].metadata["difficulty"] == {"tier": 0, "kind": "task"}
    assert env.tasks["own"].metadata["difficulty"] == {"tier": 2, "kind": "mine"}
    assert "difficulty" not in plain.metadata  # the caller's task is left as it was
    bad = Task(
        "bad",
        "Count-v0",
        "test",
        "Reach 3.",
        {"goal": 3},
        {},
        {"difficulty": {"tier": -1, "kind": "x"}},
    )
    with pytest.raises(ValueError, match="task 'bad': difficulty tier must be an int >= 0"):
        CounterEnv(tasks=TaskSet([bad]))
