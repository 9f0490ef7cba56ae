"""VAB-Minecraft-v0 against VAB's code (commit 9055fc2 of THUDM/VisualAgentBench).

Paths are under src/server/tasks/minecraft/; ``mc/`` is vab_minecraft_src/jarvis/. Expected
values are VAB's strings, copied, or worked out by hand from VAB's code.
"""

import struct
from collections import Counter

import numpy as np
import pytest

from vab_gym.core.actions import ActionError
from vab_gym.core.tasks import Task, TaskSet
from vab_gym.envs.minecraft import controller
from vab_gym.envs.minecraft.actions import MINECRAFT_ACTIONS
from vab_gym.envs.minecraft.env import MinecraftEnv
from vab_gym.envs.minecraft.rules import Inventory, RuleError, rules
from vab_gym.envs.minecraft.world import Player, World, palette

UNKNOWN = (
    "Error: Unknown error occurred. Try moving, equipping something else, and then "
    "attempting the action again."
)
ATTEMPTED = (
    "The executor has attempted to execute the action according to your prompt. You "
    "should check whether your intention has been fulfilled."
)
MET = "Your subgoal has been successfully completed by the executor."
MISSED = (
    "The executor has reached the maximum number of steps for this turn without "
    "completing your subgoal."
)
TIP = (
    "Tip: If you're having difficulty finding certain mobs or plants, considering "
    "teleporting to your spawn point where these resources may be available."
)
COMPLEX = (
    "Error: No complex sentences allowed. Keep the prompt a simple **verb-object phrases**, like "
)
LONG = "Error: the prompt is too long. Keep the prompt a simple **verb-object phrases**, like "

# Replies in the styles VAB's prompt (prompt.py: SYSTEM_PROMPT) makes models write: its own
# docstring examples, its negative and positive execute examples, and the lenient forms
# minecraft_agent.py: Agent.step and minecraft_env.py: Env.step accept; each with the call
# VAB executes or VAB's message.
CORPUS = [
    ('craft("wooden_pickaxe")', "craft('wooden_pickaxe', 1)"),
    ('craft("bookshelf", 2)', "craft('bookshelf', 2)"),
    ('smelt("iron_ingot", 2)', "smelt('iron_ingot', 2)"),
    ('smelt("glass")', "smelt('glass', 1)"),
    ('equip("diamond_sword")', "equip('diamond_sword')"),
    ("teleport_to_spawn()", "teleport_to_spawn()"),
    ('look_up("stone_tool_materials")', "look_up('stone_tool_materials')"),
    (
        'execute("break iron_ore blocks", "iron_ore", 64)',
        "execute('break iron_ore blocks', 'iron_ore', 64)",
    ),
    (
        'execute("find and mine diamond", "diamond_ore", 1)',
        COMPLEX + "`mine diamond ore` or `find a river`.",
    ),
    ('execute("climb on a tree")', "execute('climb on a tree')"),
    ('execute("dig a hole and jump in")', COMPLEX + "`break a flower` or `dig down`."),
    (
        'execute("craft a wooden_axe", "wooden_axe", 1)',
        "Error: You cannot use `execute` to craft items. Use `craft` instead.",
    ),
    (
        'execute("place crafting_table")',
        "Error: You cannot use `execute` to craft items or place the crafting_table. Directly "
        "use `craft` instead. No need to place the crafting_table.",
    ),
    (
        'execute("hold down left button to punch the tree to collect wood", "logs", 1)',
        LONG + "`chop down the tree` or `collect seeds`.",
    ),
    ('execute("collect wood", "logs", 1)', "execute('collect wood', 'logs', 1)"),
    ('execute("dig a hole", "dirt", 4)', "execute('dig a hole', 'dirt', 4)"),
    ('execute("find a river")', "execute('find a river')"),
    # Lenient forms: bare words, numbers as strings, capitals, keywords (the docstring's obj=).
    ("craft(stick)", "craft('stick', 1)"),
    ('craft("stick","2")', "craft('stick', 2)"),
    ('Craft("Stick")', "craft('stick', 1)"),
    ("craft (stick, 3)", "craft('stick', 3)"),
    ('craft(obj="stick", num=2)', "craft('stick', 2)"),
    ("equip('minecraft:stone_pickaxe')", "equip('minecraft:stone_pickaxe')"),
    # The reply around the call: ACTION lines, backticks, fences, comments, trailing text.
    (
        'OBSERVATION: a forest.\nTHOUGHT: I need planks.\nACTION: craft("oak_planks", 4)',
        "craft('oak_planks', 4)",
    ),
    (
        'Thought: wood first.\nAction: `execute("chop down the tree", "oak_log", 3)`',
        "execute('chop down the tree', 'oak_log', 3)",
    ),
    ('ACTION:\n```python\nsmelt("iron_ingot", 3)\n```', "smelt('iron_ingot', 3)"),
    ('ACTION: equip("iron_pickaxe")  # mine diamonds next', "equip('iron_pickaxe')"),
    ('ACTION: look_up("furnace")\nACTION: craft("furnace")', "look_up('furnace')"),
    ('ACTION: I will now craft("stick", 4) to make a pickaxe', "craft('stick', 4)"),
    # VAB's refusals.
    (
        'execute("mine iron ore", "iron_ore")',
        "Error: the `execute` function takes 1 or 3 arguments. And the second argument must be "
        "a string.",
    ),
    (
        "execute(dig down)",
        "Error: the `prompt` and `goal_item` argument in `execute` function must be string.",
    ),
    (
        'execute("mine stone", "cobblestone", "many")',
        "Error: the third argument of `execute` function must be an integer.",
    ),
    (
        'craft("stick", 0)',
        "Error: the second argument of `craft` function must be an integer greater than 0.",
    ),
    ('smelt("glass", -1)', "Error: the second argument of `smelt` function must be an integer."),
    ('craft("stick", 1, 2)', "Error: `craft` function takes 1 or 2 arguments."),
    ("craft()", "Error: `craft` function takes at least one argument."),
    ('equip("a", "b")', "Error: `equip` function takes exactly 1 argument."),
    ("teleport_to_spawn(1)", "Error: `teleport_to_spawn` function takes no argument."),
    (
        'mine("iron_ore")',
        "Error: Invalid function. Please use one of the following functions: `craft`, `smelt`, "
        "`equip`, `teleport_to_spawn`, `look_up`, or `execute`.",
    ),
    (
        "I think I should look for trees.",
        "Error: Invalid action. Please use the format of python function: func(args).",
    ),
    (
        'execute("use the bucket on the cow")',
        "Error: the prompt should be a **verb-object phrases**. You may `equip` something first "
        "and then call the executor.",
    ),
    ('execute("terminate the task")', "execute('terminate')"),
]


def parsed(reply: str) -> str:
    try:
        return str(MINECRAFT_ACTIONS.parse(reply))
    except ActionError as exc:
        return str(exc)


@pytest.mark.parametrize("reply, expected", CORPUS)
def test_replies_parse_as_vab_parses_them(reply, expected):
    """minecraft_agent.py: Agent.step's extraction; minecraft_env.py: Env.step's argument
    reading and error strings; env/prompt_examiner.py: check_prompt (BLEU references)."""
    assert len(CORPUS) >= 30
    result = parsed(reply)
    if expected.startswith(("Error", "No ")):
        assert result == expected
    else:
        assert result.replace(", None, None", "") == expected


def task(item: str, inventory: dict, kits=(), weights=None, count: int = 1) -> Task:
    return Task(
        f"f-{item}",
        "VAB-Minecraft-v0",
        "test",
        f"Your task is to get a {item} in your inventory.",
        {"biome": "plains", "init_inventory": inventory, "kits": list(kits)},
        {"type": "inventory", "item": item, "count": count},
        {"step_rewards": weights or {}},
    )


def make_env(*tasks: Task, **kwargs) -> MinecraftEnv:
    return MinecraftEnv(tasks=TaskSet(list(tasks)), image_size=(16, 16), **kwargs)


def feedback(obs) -> str:
    return obs["text"].split("\nYour Inventory")[0].removeprefix("Feedback on the Action: ")


# -- feedback strings ---------------------------------------------------------------------
def test_feedback_quotes_the_extracted_action_and_vabs_messages():
    """minecraft_agent.py: Agent.step ('Your last action "..." has been executed.'), and
    minecraft_env.py: Env.step's success strings (the count as the agent wrote it)."""
    env = make_env(task("stick", {"oak_log": 2}))
    env.reset()
    obs, *_ = env.step("THOUGHT: planks\nACTION: craft(oak_planks, 8)")
    assert feedback(obs) == (
        'Your last action "craft(oak_planks, 8)" has been executed. '
        "Successfully crafted 8 oak_planks."
    )
    obs, *_ = env.step('equip("diamond_axe")')
    assert feedback(obs) == (
        'Your last action "equip("diamond_axe")" can not be executed. '
        "Can not find diamond_axe in inventory."
    )
    obs, *_ = env.step('look_up("iron_pickaxe")')
    assert feedback(obs) == (
        'Your last action "look_up("iron_pickaxe")" has been executed. iron_pickaxe: Crafting '
        "iron_pickaxe needs 2 stick, 3 iron_ingot. Every time you craft iron_pickaxe with the "
        "ingredients above, you will get 1 iron_pickaxe."
    )
    env.close()


def test_execute_says_one_fixed_sentence_unless_hints():
    """mc/env/minecraft_env.py: Env.step gives the executor's outcome as one of three fixed
    sentences; the reasons vab-gym can add are hints."""
    env = make_env(task("diamond", {}))
    env.reset()
    obs, *_ = env.step('execute("chop down the tree")')
    assert (
        feedback(obs) == f'Your last action "execute("chop down the tree")" has been '
        f"executed. {ATTEMPTED}"
    )
    obs, *_ = env.step('execute("mine diamond ore", "diamond", 1)')
    assert feedback(obs).endswith(f"executed. {MISSED}")
    env.close()
    hinted = make_env(task("diamond", {}), hints=True)
    hinted.reset()
    obs, *_ = hinted.step('execute("mine diamond ore", "diamond", 1)')
    assert MISSED in feedback(obs) and "Gained" in feedback(obs)
    assert hinted.fidelity()["hints"] is True
    hinted.close()


def _flat() -> World:
    pal = palette()
    blocks = np.zeros((48, 64, 48), np.uint8)
    blocks[:, 0] = pal.id("bedrock")
    blocks[:, 1:40] = pal.id("stone")
    blocks[:, 40] = pal.id("grass_block")
    return World(blocks=blocks, biome="plains", spawn=np.array([24.5, 41.0, 24.5]))


def _trunk(world: World, x: int, z: int, log: str) -> None:
    world.blocks[x, 41:46, z] = palette().id(log)


def test_goal_item_does_not_choose_what_the_executor_mines():
    """mc/env/minecraft_env.py: Env.step passes goal_item only to monitor_fn, the stop test:
    Steve-1 goes for the nearest tree the prompt names, a birch, even when oak is wanted."""
    for hints, gained in ((False, "birch_log"), (True, "oak_log")):
        world = _flat()
        _trunk(world, 26, 24, "birch_log")  # 2 blocks away
        _trunk(world, 32, 24, "oak_log")  # 8 blocks away
        body = Player(pos=np.array([24.5, 41.0, 24.5]), inventory=Counter())
        result = controller.execute(
            world, body, "chop down the tree", "oak_log", 1, np.random.default_rng(0), hints=hints
        )
        assert body.inventory[gained] >= 1
    assert result.ok


def test_goal_count_is_the_slot_plus_num_capped_at_64():
    """Env.step: count = min(64, num + quantity of the first slot) when the goal item is held,
    else num; the run stops there (monitor_function)."""
    world = _flat()
    for x in range(20, 29):
        _trunk(world, x, 26, "oak_log")
    body = Player(pos=np.array([24.5, 41.0, 24.5]), inventory=Counter(oak_log=62))
    result = controller.execute(
        world, body, "chop down the tree", "oak_log", 5, np.random.default_rng(0)
    )
    assert result.ok and body.inventory["oak_log"] == 64  # min(64, 5 + 62), not 67


# -- smelting, fuel, one slot -------------------------------------------------------------
@pytest.fixture(scope="module")
def book():
    return rules()


def refused(attempt) -> str:
    """The message a rule refuses with."""
    with pytest.raises(RuleError) as exc:
        attempt()
    return str(exc.value)


def test_smelting_needs_exactly_a_wooden_pickaxe(book):
    """mc/assembly/scripts/smelt_agent.py: smelting looks for 'wooden_pickaxe' first."""
    base = {"iron_ore": 1, "furnace": 1, "coal": 1}
    for pickaxe in ("stone_pickaxe", "iron_pickaxe", "diamond_pickaxe"):
        assert (
            refused(lambda p=pickaxe: book.smelt(Inventory({**base, p: 1}), "iron_ingot"))
            == "No wooden_pickaxe in your inventory to return the furnace at last."
        )
    assert refused(lambda: book.smelt(Inventory(), "xyzzy")).startswith(  # before the recipe
        "No wooden_pickaxe"
    )
    inv = Inventory({**base, "wooden_pickaxe": 1})
    assert book.smelt(inv, "iron_ingot") == "Successfully smelted 1 iron_ingot."


@pytest.mark.parametrize(
    "start, num, after",
    [
        # One coal for the whole call (smelt_agent.py: smelting_once, fuels == 'coals').
        ({"iron_ore": 5, "coal": 2}, 5, {"iron_ingot": 5, "coal": 1}),
        # One plank per item from a stack of at least 2: 3 items, 4 planks (vanilla burns 2).
        ({"iron_ore": 3, "oak_planks": 4}, 3, {"iron_ingot": 3, "oak_planks": 2}),
        # Logs alone, 2 of them.
        ({"iron_ore": 1, "oak_log": 2}, 1, {"iron_ingot": 1, "oak_log": 1}),
        # Logs and planks, no coal: a charcoal first (1 log, 1 plank), then burnt.
        ({"iron_ore": 2, "oak_log": 1, "oak_planks": 2}, 2, {"iron_ingot": 2, "oak_planks": 1}),
    ],
)
def test_vabs_fuel_rule(book, start, num, after):
    """smelt_agent.py: smelting's fuel choice (coals; else logs and planks -> charcoal first;
    else planks or logs with a stack over 1) and smelting_once's amounts."""
    inv = Inventory({**start, "furnace": 1, "wooden_pickaxe": 1})
    assert book.smelt(inv, "iron_ingot", num) == f"Successfully smelted {num} iron_ingot."
    assert inv == Inventory({**after, "furnace": 1, "wooden_pickaxe": 1})


@pytest.mark.parametrize(
    "start, item, message",
    [
        (
            {"iron_ore": 1, "oak_planks": 1},
            "iron_ingot",
            "Not enough fuels. You need at least 1 coals or 2 logs or 2 planks.",
        ),
        (
            {"iron_ore": 1, "oak_log": 1},
            "iron_ingot",
            "Not enough fuels. You need at least 1 coals or 2 logs or 2 planks.",
        ),
        # The charcoal made first takes the only log the target needed.
        ({"oak_log": 1, "oak_planks": 3}, "charcoal", "Not enough logs_that_burn."),
        ({"coal": 1}, "iron_ingot", "Not enough iron_ore."),
        ({"coal": 1}, "stick", UNKNOWN),  # stick.json is a crafting recipe
        ({"coal": 1}, "xyzzy", "Recipe for xyzzy not found."),
    ],
)
def test_vabs_smelting_refusals(book, start, item, message):
    """smelt_agent.py: smelting's checks in its order, and Env.step's catch-all."""
    inv = Inventory({**start, "furnace": 1, "wooden_pickaxe": 1})
    with pytest.raises(RuleError) as exc:
        book.smelt(inv, item)
    assert str(exc.value) == message
    assert inv == Inventory({**start, "furnace": 1, "wooden_pickaxe": 1})


def test_amounts_come_from_one_tag_member(book):
    """craft_agent.py: find_in_inventory takes a tag's biggest stack, one member only, so 2
    oak and 2 birch planks make no table; a tag target is crafted from its last member with
    enough materials (crafting's loop keeps the last)."""
    assert (
        refused(
            lambda: book.craft(Inventory({"oak_planks": 2, "birch_planks": 2}), "crafting_table")
        )
        == "Not enough materials for 1 crafting_table."
    )
    inv = Inventory({"oak_log": 1, "birch_log": 1})
    assert book.craft(inv, "planks", 4) == "Successfully crafted 4 planks."
    assert inv == Inventory({"oak_log": 1, "birch_planks": 4})  # birch comes after oak


def test_one_stack_is_vabs_bug_kept_only_with_quirks(book):
    """craft_agent.py: find_in_inventory reads one slot, so a cake's 3 milk buckets (stack 1)
    can never be used: with ``one_stack`` (vab_quirks) as VAB, else all of an item counts."""
    cake = {"milk_bucket": 3, "sugar": 2, "egg": 1, "wheat": 3, "crafting_table": 1}
    assert (
        refused(lambda: book.craft(Inventory(cake), "cake", one_stack=True))
        == "Not enough materials for 1 cake."
    )
    inv = Inventory(cake)
    assert book.craft(inv, "cake") == "Successfully crafted 1 cake." and inv["cake"] == 1
    assert (
        refused(
            lambda: book.craft(Inventory({"oak_planks": 70}), "crafting_table", 17, one_stack=True)
        )
        == "Not enough materials for 17 crafting_table."
    )


def test_the_env_reads_one_stack_only_with_vab_quirks():
    """The same rule through the env's craft action: vab_quirks=True reproduces VAB."""
    cake = {"crafting_table": 1, "milk_bucket": 3, "sugar": 2, "egg": 1, "wheat": 3}
    for quirks, message in (
        (False, "Successfully crafted 1 cake."),
        (True, "Not enough materials for 1 cake."),
    ):
        env = make_env(task("cake", cake), vab_quirks=quirks)
        env.reset()
        obs, *_ = env.step('craft("cake")')
        assert feedback(obs).endswith(message)
        env.close()


def test_only_vabs_recipe_files_count(book):
    """craft_agent.py: crafting reads assets/recipes/<name>.json; func_call.py: look_up."""
    assert (
        refused(lambda: book.craft(Inventory({"string": 4}), "white_wool"))
        == "Recipe not found for white_wool."
    )  # there is no white_wool.json
    with pytest.raises(RuleError) as exc:
        book.craft(Inventory({"iron_nugget": 9, "crafting_table": 1}), "iron_ingot")
    assert str(exc.value) == UNKNOWN  # iron_ingot.json is a smelting recipe: a KeyError
    assert (
        refused(lambda: book.craft(Inventory({"oak_planks": 2}), "minecraft:stick"))
        == "Recipe not found for minecraft:stick."
    )
    assert book.look_up("white_wool") == (
        "No recipe for this item. Maybe it is a raw item or you take the wrong name as an argument."
    )
    # prompt.py's own look_up examples, word for word.
    assert book.look_up("stone_tool_materials") == (
        "stone_tool_materials is a tag. Following items belong to this tag: cobblestone, "
        "blackstone.\ncobblestone: It is a raw item you can mine from the environment.\n"
        "blackstone: It is a raw item you can mine from the environment."
    )
    assert book.look_up("iron_pickaxe") == (
        "iron_pickaxe: Crafting iron_pickaxe needs 2 stick, 3 iron_ingot. Every time you "
        "craft iron_pickaxe with the ingredients above, you will get 1 iron_pickaxe."
    )
    assert "with a crafting_table" not in book.look_up("furnace")


# -- early stops --------------------------------------------------------------------------
def _run(env: MinecraftEnv, actions) -> tuple[int, dict]:
    env.reset()
    for n, action in enumerate(actions, 1):
        *_, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            return n, info
    return len(actions), info


def test_invalid_and_repeated_actions_stop_only_from_the_19th():
    """minecraft_agent.py: Agent.step: 15 failures, or 15 identical extracted actions, in a
    row, checked once result_history holds 20 entries (the first is the reset's)."""
    env = make_env(task("diamond", {}))
    steps, info = _run(env, ['craft("diamond_block")'] * 30)
    assert steps == 19 and info["early_stop"] == (
        "The agent has failed 15 times in a row. The task is terminated."
    )
    steps, info = _run(env, ['look_up("stick")'] * 30)
    assert steps == 19 and info["early_stop"] == (
        "The agent has taken the same action 15 times in a row. The task is terminated."
    )
    # Two spellings of one call are two actions to VAB: no repeat stop.
    steps, info = _run(env, ['look_up("stick")', "look_up('stick')"] * 15)
    assert steps == 30 and "early_stop" not in info
    env.close()


def test_the_stall_rule_needs_39_actions_and_a_29_action_window():
    """Agent.step: len(result_history) >= 40 and the last 30 rewards no higher than the first
    of them: with no reward, action 39; with a reward at action 15, action 44."""
    weights = {"oak_planks": 0.5}
    env = make_env(task("diamond", {"oak_log": 1}, weights=weights))
    looks = [f'look_up("item{i}")' for i in range(60)]
    steps, info = _run(env, looks)
    assert steps == 39 and info["early_stop"] == (
        "The agent has been stuck for 30 steps. The task is terminated."
    )
    steps, info = _run(env, [*looks[:14], 'craft("oak_planks")', *looks[14:]])
    assert steps == 44 and info["early_stop"].startswith("The agent has been stuck")
    env.close()
    off = make_env(task("diamond", {}), vab_early_stop=False)
    steps, info = _run(off, ['craft("diamond_block")'] * 100)
    assert steps == 100 and "early_stop" not in info
    assert off.fidelity()["vab_early_stop"] is False
    off.close()


# -- the episode around the actions ------------------------------------------------------
def test_terminate_ends_the_episode_as_failed():
    """minecraft_agent.py: Agent.step returns 'task failed' for an execute naming terminate or
    task_complete, before the env runs it."""
    env = make_env(task("stick", {"oak_log": 1}))
    for reply in ('ACTION: execute("terminate")', 'execute("task_complete", "stick", 1)'):
        env.reset()
        _, reward, terminated, truncated, info = env.step(reply)
        assert terminated and not truncated and reward == 0.0 and info["success"] is False
        assert info["step"] == 1
    env.close()


def test_the_100th_action_is_judged_unless_vab_quirks():
    """main.py: main checks `done` at the top of each of its 100 rounds, so what the 100th
    action achieves is never judged: VAB's off-by-one, reproduced only with vab_quirks."""
    actions = [f'look_up("item{i}")' for i in range(99)] + ['craft("oak_planks")']
    for quirks, success in ((False, True), (True, False)):
        env = make_env(task("oak_planks", {"oak_log": 1}), vab_quirks=quirks, vab_early_stop=False)
        steps, info = _run(env, actions)
        assert steps == 100 and info["success"] is success
        env.close()


def test_starting_inventory_keeps_vabs_slot_order():
    """mc/assembly/env.py: build_env_yaml puts init_inventory in slots 0, 1, ... in the task
    JSON's order; slot 0 is held (formated_tasks_v1.3.json: ender_chest lists oak_log,
    cobblestone, blaze_rod)."""
    env = MinecraftEnv(task_id="mc-test-ender_chest", image_size=(16, 16))
    obs, _ = env.reset()
    assert (
        "Your Inventory: Now your inventory has 64 oak_log, 64 cobblestone, 64 blaze_rod."
        in obs["text"]
    )
    assert "Equipped Item: Now you hold the oak_log in your hand." in obs["text"]
    env.close()


def test_step_reward_keys_as_vab_compares_them_with_quirks():
    """mc/assembly/env.py: recompute_item_reward drops a weight only when its 'minecraft:'
    key is in the task's inventory as written; obsidian's task writes 'iron_pickaxe' bare,
    so VAB keeps the iron_pickaxe weight, paid at once (evaluate.py: Reward)."""
    import json
    from importlib import resources

    table = json.loads(
        (resources.files("vab_gym.envs.minecraft") / "data" / "step_rewards.json").read_text()
    )["minecraft:obsidian"]
    # formated_tasks_v1.3.json's obsidian inventory, as written.
    raw_inventory = {"minecraft:oak_log": 64, "minecraft:cobblestone": 64, "iron_pickaxe": 2}
    held_at_reset = (
        "minecraft:iron_pickaxe",
        "minecraft:stone_tool_materials",
        "minecraft:stone_crafting_materials",
    )  # cobblestone is both tags

    def start_reward(dropped: set[str]) -> float:
        kept = {k: v for k, v in table.items() if k not in dropped}
        scale = sum(table.values()) / sum(kept.values())
        return sum(kept[k] * scale for k in held_at_reset if k in kept)

    fixed = start_reward({"minecraft:" + k.removeprefix("minecraft:") for k in raw_inventory})
    vab = start_reward(set(raw_inventory))
    assert vab > fixed > 0
    for quirks, start in ((False, fixed), (True, vab)):
        env = MinecraftEnv(task_id="mc-test-obsidian", image_size=(16, 16), vab_quirks=quirks)
        _, info = env.reset()
        assert info["progress"] == pytest.approx(start)
        env.close()


def test_the_tip_every_8_actions_from_the_20th_with_kits():
    """minecraft_agent.py: Agent.step adds the tip when num_steps % 8 == 4, num_steps >= 20
    and the task has an init_command."""
    env = make_env(task("diamond", {}, kits=["cow"]), vab_early_stop=False)
    env.reset()
    with_tip = []
    for n in range(1, 45):
        obs, *_ = env.step(f'look_up("item{n}")')
        if obs["text"].endswith("\n" + TIP):
            with_tip.append(n)
    assert with_tip == [20, 28, 36, 44]
    assert env.model_view().text.endswith(f"\n{TIP}\nVision Input: ")
    env.close()
    plain = make_env(task("diamond", {}), vab_early_stop=False)
    plain.reset()
    texts = [plain.step('look_up("x")')[0]["text"] for _ in range(20)]
    assert TIP not in texts[-1]
    plain.close()


def test_model_view_is_vabs_turn_text_and_640x360_image():
    """minecraft_agent.py: Agent.step's prompt ('...Location and Orientation: ...\\nVision
    Input: '), agent/server.py: the first turn starts with the task line."""
    env = make_env(task("stick", {"oak_log": 2}))
    obs, _ = env.reset()
    view = env.model_view()
    assert view.text == (
        "Your task is to get a stick in your inventory.\n" + obs["text"] + "\nVision Input: "
    )
    assert view.text.startswith(
        "Your task is to get a stick in your inventory.\nFeedback on "
        "the Action: No action before.\nYour Inventory: Now your "
        "inventory has 2 oak_log.\n"
    )
    (png,) = view.images
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (640, 360)
    env.step("look_up('stick')")
    assert env.model_view().text.startswith("Feedback on the Action: ")
    env.close()
