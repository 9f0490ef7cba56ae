"""The scripted executor behind VAB-Minecraft's `execute`: VAB's prompt rules, the prompt
vocabulary, and what walking, digging, mining and fighting with the held item yield and cost.
Worlds are built by hand (flat layers, a few trees, ores, water, mobs), not by worldgen."""

import time
from collections import Counter

import numpy as np
import pytest

from vab_gym.envs.minecraft.controller import (
    check_prompt,
    execute,
    parse_prompt,
    vocabulary,
    warm_up,
)
from vab_gym.envs.minecraft.rules import rules
from vab_gym.envs.minecraft.world import Mob, Player, World, palette

P = palette()
GROUND = 40  # grass at y=40, feet at y=41
FEET = GROUND + 1
# VAB appends the two reference prompts closest by BLEU (prompt_examiner.pick_similar_reference).
FIND_TREE = "like `find a river` or `chop down the tree`."
WALK_OVER = "like `chop down the tree` or `move out of the cave`."
CHOP_KILL = "like `chop down the tree` or `kill sheep`."


def flat(size=(48, 64, 48)) -> World:
    blocks = np.zeros(size, np.uint8)
    blocks[:, 0] = P.id("bedrock")
    blocks[:, 1 : GROUND - 3] = P.id("stone")
    blocks[:, GROUND - 3 : GROUND] = P.id("dirt")
    blocks[:, GROUND] = P.id("grass_block")
    return World(blocks=blocks, biome="plains", spawn=np.array([24.5, FEET, 24.5]))


def tree(world: World, x: int, z: int, height: int = 5) -> None:
    y = FEET
    world.blocks[x - 2 : x + 3, y + height - 2 : y + height, z - 2 : z + 3] = P.id("oak_leaves")
    world.blocks[x - 1 : x + 2, y + height, z - 1 : z + 2] = P.id("oak_leaves")
    world.blocks[x, y : y + height, z] = P.id("oak_log")


def player(item: str | None = None, **inventory) -> Player:
    inv = Counter(inventory)
    if item:
        inv[item] += 1
    return Player(pos=np.array([24.5, FEET, 24.5]), inventory=inv, equipped=item)


def run(world, body, prompt, goal=None, num=None, seed=0, budget=800, hints=True):
    """The executor with its reasons (``hints``), which these tests read; VAB's plain
    sentences are pinned in test_minecraft_fidelity.py."""
    return execute(world, body, prompt, goal, num, np.random.default_rng(seed), budget, hints=hints)


@pytest.fixture(scope="module", autouse=True)
def compiled():
    warm_up()
    rules()


# -- VAB's prompt rules -------------------------------------------------------------------
@pytest.mark.parametrize(
    "prompt, error",
    [
        (
            "craft a wooden_axe",
            "Error: You cannot use `execute` to craft items. Use `craft` instead.",
        ),
        ("Craft planks", "Error: You cannot use `execute` to craft items. Use `craft` instead."),
        ("smelt iron", "Error: You cannot use `execute` to smelt items. Use `smelt` instead."),
        ("equip the sword", "Error: You cannot use `execute` to equip items. Use `equip` instead."),
        (
            "place crafting_table",
            "Error: You cannot use `execute` to craft items or place the crafting_table. Directly use `craft` instead. No need to place the crafting_table.",
        ),
        (
            "place the crafting table",
            "Error: You cannot use `execute` to craft items or place the crafting_table. Directly use `craft` instead. No need to place the crafting_table.",
        ),
        (
            "place furnace",
            "Error: You cannot use `execute` to smelt items or place the furnace. Directly use `smelt` instead.",
        ),
        (
            "use the bucket on the cow",
            "Error: the prompt should be a **verb-object phrases**. You may `equip` something first and then call the executor.",
        ),
        (
            "Use the axe to chop",
            "Error: the prompt should be a **verb-object phrases**. You may `equip` something first and then call the executor.",
        ),
        (
            "find a tree and punch it",
            "Error: No complex sentences allowed. Keep the prompt a simple **verb-object phrases**, "
            + FIND_TREE,
        ),
        (
            "walk over to the big oak tree now",
            "Error: the prompt is too long. Keep the prompt a simple **verb-object phrases**, "
            + WALK_OVER,
        ),
        (
            "chop the tree and then kill the sheep",
            "Error: the prompt is too long. Keep the prompt a simple **verb-object phrases**, "
            + CHOP_KILL,
        ),
    ],
)
def test_prompt_rules_give_vabs_exact_errors(prompt, error):
    assert check_prompt(prompt) == error
    world, body = flat(), player()
    result = run(world, body, prompt, "oak_log", 1)
    assert result == type(result)(False, error, 0, Counter())
    assert world.tick == 0


@pytest.mark.parametrize(
    "prompt", ["dig down", "use shears", "chop down the tree", "mine iron ore with a pickaxe"]
)
def test_acceptable_prompts_pass(prompt):
    assert check_prompt(prompt) is None


def test_vabs_reference_prompts_and_common_phrasings_parse():
    for prompt in vocabulary().data["reference_prompts"]:
        assert parse_prompt(prompt) is not None, prompt
    cases = {
        "chop down the trees": ("collect", ("oak_log", "birch_log")),
        "break gold_ore blocks": ("collect", ("gold_ore",)),
        "break stone, obtain iron ore": ("collect", ("iron_ore",)),
        "mine diamonds": ("collect", ("diamond_ore",)),
        "collect seeds": ("collect", ("grass",)),
        "pick lilies of the valley": ("collect", ("lily_of_the_valley",)),
        "cut some sugarcane": ("collect", ("sugar_cane",)),
        "gather reeds": ("collect", ("sugar_cane",)),
        "get apples": ("collect", ("oak_leaves", "birch_leaves")),
        "collect the oxeye daisies": ("collect", ("oxeye_daisy",)),
        "collect water": ("fill", ("water",)),
        "find a river": ("find", ("water",)),
    }
    for prompt, (mode, blocks) in cases.items():
        intent = parse_prompt(prompt)
        assert (intent.mode, intent.target.blocks) == (mode, blocks), prompt
    assert parse_prompt("hunt cows").target.mobs == ("cow",)
    assert parse_prompt("combat spider").target.mobs == ("spider",)
    assert parse_prompt("collect eggs").target.items == ("egg",)
    assert parse_prompt("milk the cow").mode == "milk"
    assert parse_prompt("get milk").mode == "milk"
    assert parse_prompt("shear sheep").mode == "shear"
    assert parse_prompt("dig down").mode == "dig_down"
    assert parse_prompt("move out of the cave").mode == "explore"
    assert parse_prompt("xyzzy the plugh") is None


def test_an_unknown_object_says_what_the_executor_understands():
    result = run(flat(), player(), "polish the moon")
    assert not result.ok and result.ticks == 0
    assert "could not understand what to do with `polish the moon`" in result.message
    assert "`mine iron ore`" in result.message


# -- collecting blocks --------------------------------------------------------------------
def test_chopping_a_tree_next_to_the_player_stops_at_the_goal():
    world, body = flat(), player()
    tree(world, 26, 24)
    result = run(world, body, "chop down the tree", "oak_log", 2)
    assert result.ok
    assert result.message.startswith("Your subgoal has been successfully completed")
    assert result.gained == Counter(oak_log=2) and body.inventory["oak_log"] == 2
    assert (world.blocks[26, FEET : FEET + 5, 24] == P.id("oak_log")).sum() == 3  # stopped early
    assert 0 < result.ticks <= 2 * 60 + 10  # a log takes 60 ticks by hand
    assert world.tick == result.ticks
    assert body.yaw == pytest.approx(-90.0)  # facing the trunk, east (+x)


def test_without_a_goal_the_executor_keeps_collecting():
    world, body = flat(), player("wooden_axe")
    tree(world, 26, 24)
    tree(world, 31, 30)
    result = run(world, body, "chop down the tree")
    assert result.ok and result.gained["oak_log"] == 10
    assert result.message.startswith("The executor has attempted to execute the action")
    assert "No more reachable oak_log or birch_log within 48 blocks." in result.message
    assert "Gained: 10 oak_log." in result.message
    assert not (world.blocks == P.id("oak_log")).any()


def test_a_goal_item_narrows_what_the_prompt_names():
    world, body = flat(), player()
    tree(world, 26, 24)
    world.blocks[world.blocks == P.id("oak_log")] = P.id("birch_log")
    tree(world, 32, 24)
    result = run(world, body, "chop down the tree", "oak_log", 1)
    assert result.ok and result.gained == Counter(oak_log=1)


def test_iron_needs_a_stone_pickaxe():
    def mine(item):
        world, body = flat(), player(item)
        world.blocks[26, GROUND, 24] = P.id("iron_ore")  # in the ground, its top open
        return run(world, body, "mine iron ore", "iron_ore", 1), world

    result, world = mine("wooden_pickaxe")
    assert not result.ok and result.gained["iron_ore"] == 0
    assert world.blocks[26, GROUND, 24] == 0  # it broke, without a drop
    assert (
        "Your equipped wooden_pickaxe cannot harvest iron_ore: it broke without dropping "
        "anything. Equip a stone_pickaxe or better."
    ) in result.message
    assert "No more reachable iron_ore within 48 blocks." in result.message
    result, _ = mine("stone_pickaxe")
    assert result.ok and result.gained == Counter(iron_ore=1)
    assert result.ticks == rules().harvest("iron_ore", "stone_pickaxe")[1]


def test_buried_iron_is_reached_by_a_staircase_that_collects_what_it_breaks():
    world, body = flat(), player("stone_pickaxe")
    world.blocks[28, GROUND - 8, 26] = P.id("iron_ore")
    result = run(world, body, "mine iron ore", "iron_ore", 1)
    assert result.ok and result.gained["iron_ore"] == 1
    assert result.gained["cobblestone"] > 0 and result.gained["dirt"] > 0
    assert body.pos[1] < FEET  # underground now
    assert world.blocks[28, GROUND - 8, 26] == 0


def test_stone_by_hand_drops_nothing_but_a_pickaxe_gets_cobblestone():
    def mine(item):
        world, body = flat(), player(item)
        world.blocks[27, FEET, 24] = P.id("stone")  # a boulder on the grass
        return run(world, body, "mine stone", "cobblestone", 1), world

    result, world = mine(None)
    assert not result.ok and result.gained["cobblestone"] == 0
    assert world.blocks[27, FEET, 24] == 0
    assert (
        "With nothing equipped you cannot harvest stone: it broke without dropping "
        "anything. Equip a wooden_pickaxe or better."
    ) in result.message
    result, _ = mine("wooden_pickaxe")
    assert result.ok and result.gained == Counter(cobblestone=1)


def test_breaking_sugar_cane_takes_the_whole_stalk():
    world, body = flat(), player()
    world.blocks[26, FEET : FEET + 3, 24] = P.id("sugar_cane")
    result = run(world, body, "cut sugar cane", "sugar_cane", 1)
    assert result.ok and result.gained == Counter(sugar_cane=3)
    assert not (world.blocks == P.id("sugar_cane")).any()


def test_a_target_ten_blocks_away_costs_walking_ticks():
    world, body = flat(), player()
    world.blocks[34, FEET, 24] = P.id("poppy")
    result = run(world, body, "pick a poppy", "poppy", 1)
    assert result.ok and result.gained == Counter(poppy=1)
    walk = vocabulary().data["ticks"]["walk"]
    # Within reach (5 blocks from the eye) of a poppy 10 blocks east: about 5-6 blocks walked.
    assert 4 * walk <= result.ticks <= 8 * walk
    assert 29 <= body.pos[0] <= 34 and body.pos[1] == FEET


def test_dig_down_digs_the_column_under_the_player():
    world, body = flat(), player("wooden_pickaxe")
    result = run(world, body, "dig down", "cobblestone", 3)
    assert result.ok and result.gained["cobblestone"] == 3 and result.gained["dirt"] == 4
    assert body.pos[1] == GROUND - 6
    assert (world.blocks[24, GROUND - 6 : GROUND + 1, 24] == 0).all()


def test_digging_down_stops_at_bedrock():
    world, body = flat(), player("diamond_pickaxe")
    result = run(world, body, "dig down", budget=10_000)
    assert result.ticks < 10_000 and body.pos[1] == 1
    assert "You reached bedrock" in result.message


# -- mobs and items -----------------------------------------------------------------------
def test_killing_a_cow_gives_beef_and_removes_it():
    world, body = flat(), player()
    world.mobs = [Mob("cow", np.array([29.5, FEET, 26.5]))]
    result = run(world, body, "kill a cow", "beef", 1)
    assert result.ok and result.gained["beef"] >= 1
    assert set(result.gained) <= {"beef", "leather"}
    assert world.mobs == []
    assert result.ticks >= 10 * 10  # 10 health, 1 damage a hit by hand, a hit per 10 ticks


def test_a_sword_kills_faster_and_hostile_mobs_cost_extra():
    def kill(kind, item):
        world, body = flat(), player(item)
        world.mobs = [Mob(kind, np.array([26.5, FEET, 24.5]), health=20.0)]
        return run(world, body, f"kill the {kind}")

    by_hand, with_sword = kill("zombie", None), kill("zombie", "iron_sword")
    assert with_sword.ok and with_sword.gained["rotten_flesh"] >= 0
    assert with_sword.ticks < by_hand.ticks
    assert kill("cow", "iron_sword").ticks < with_sword.ticks


def test_milking_needs_a_bucket_held():
    world, body = flat(), player(bucket=1)
    world.mobs = [Mob("cow", np.array([27.5, FEET, 24.5]))]
    result = run(world, body, "milk cow", "milk_bucket", 1)
    assert not result.ok and result.ticks == 0 and result.gained == Counter()
    assert "You need to hold a bucket to milk a cow: equip it first." in result.message
    body.equipped = "bucket"
    result = run(world, body, "milk cow", "milk_bucket", 1)
    assert result.ok and result.gained == Counter(milk_bucket=1, bucket=-1)
    assert body.equipped == "milk_bucket" and len(world.mobs) == 1


def test_shearing_keeps_the_sheep_and_killing_it_drops_wool():
    world, body = flat(), player("shears")
    world.mobs = [Mob("sheep", np.array([27.5, FEET, 24.5]), health=8.0)]
    result = run(world, body, "shear the sheep", "white_wool", 1)
    assert result.ok and 1 <= result.gained["white_wool"] <= 3 and len(world.mobs) == 1
    world, body = flat(), player("iron_sword")
    world.mobs = [Mob("sheep", np.array([27.5, FEET, 24.5]), health=8.0)]
    result = run(world, body, "get wool", "white_wool", 1)
    assert result.ok and result.gained["white_wool"] == 1 and world.mobs == []


def test_eggs_on_the_ground_are_picked_up():
    world, body = flat(), player()
    world.items = [(np.array([30.5, FEET, 27.5]), "egg", 3), (np.array([5.5, FEET, 5.5]), "egg", 2)]
    result = run(world, body, "collect eggs", "egg", 3)
    assert result.ok and result.gained == Counter(egg=3) and len(world.items) == 1


def test_a_bucket_fills_with_water_and_a_river_can_be_found():
    world, body = flat(), player("bucket")
    world.blocks[36:40, GROUND - 1 : GROUND + 1, :] = P.id("water")
    result = run(world, body, "collect water", "water_bucket", 1)
    assert result.ok and result.gained == Counter(water_bucket=1, bucket=-1)
    body = player()
    result = run(world, body, "find a river")
    assert result.ok and body.pos[0] >= 30
    assert result.message.startswith("The executor has attempted")


def test_find_walks_to_the_target_and_explore_walks_away():
    world, body = flat(), player()
    world.mobs = [Mob("cow", np.array([36.5, FEET, 30.5]))]
    result = run(world, body, "find a cow")
    assert result.ok and result.gained == Counter() and len(world.mobs) == 1
    assert np.hypot(body.pos[0] - 36.5, body.pos[2] - 30.5) <= 2.6
    assert "Reached cow after walking" in result.message
    body = player()
    result = run(world, body, "explore the area")
    assert result.ok and 0 < result.ticks <= 800
    assert np.hypot(body.pos[0] - 24.5, body.pos[2] - 24.5) >= 16


# -- limits and feedback --------------------------------------------------------------------
def test_nothing_in_range_is_said_clearly():
    world, body = flat(), player("iron_pickaxe")
    result = run(world, body, "mine diamond ore", "diamond", 1)
    assert not result.ok and result.ticks == 0
    assert result.message.splitlines() == [
        "The executor has reached the maximum number of steps for this turn without "
        "completing your subgoal.",
        "No reachable diamond_ore within 48 blocks.",
        "Gained nothing.",
    ]


def test_it_is_always_day_so_night_never_shortens_the_search():
    """VAB's jarvis.yaml: doDaylightCycle false, time set 0."""
    world, body = flat(), player()
    tree(world, 44, 24)  # 20 blocks away
    world.tick = 14_000  # what would be night in vanilla
    assert run(world, body, "chop down the tree", "oak_log", 1).ok


def test_budget_is_respected_and_a_goal_stops_early():
    world = flat()
    for x, z in [(26, 24), (31, 30), (20, 33), (14, 18), (36, 12), (30, 40)]:
        tree(world, x, z)
    body = player()
    result = run(world, body, "chop down the tree")
    assert result.ticks <= 800 and result.ticks > 700
    assert result.gained["oak_log"] <= 800 // 60
    short = run(world, player(), "chop down the tree", budget=150)
    assert short.ticks <= 150 and short.gained["oak_log"] <= 2
    early = run(world, player(), "chop down the tree", "oak_log", 1)
    assert early.ok and early.ticks < 150


def test_a_far_target_runs_out_of_ticks_on_the_way():
    world, body = flat((96, 64, 48)), player()
    world.blocks[70, FEET, 24] = P.id("dandelion")  # 46 blocks away: ~210 ticks
    result = run(world, body, "pick a dandelion", "dandelion", 1, budget=100)
    assert not result.ok and result.ticks == 100
    assert (
        "The nearest dandelion was 46 blocks away: the turn ended on the way there."
        in result.message
    )
    assert 40 < body.pos[0] < 50


def test_a_full_inventory_loses_the_drop():
    names = [n for n in rules().items if n not in ("oak_log", "air")][:36]
    world, body = flat(), player(**{n: 1 for n in names})
    tree(world, 26, 24)
    result = run(world, body, "chop down the tree", "oak_log", 3)
    assert not result.ok and body.inventory["oak_log"] == 0
    assert "Your inventory is full: 1 oak_log was lost." in result.message
    assert result.ticks == 60  # it stopped after the first lost log


def test_the_executor_is_deterministic_given_the_rng():
    def episode():
        world = flat()
        for x, z in [(26, 24), (31, 30), (20, 33)]:
            tree(world, x, z)
        world.blocks[30, GROUND, 20] = P.id("gravel")
        world.mobs = [Mob("chicken", np.array([22.5, FEET, 30.5]), health=4.0)]
        body = player("stone_axe")
        results = [
            run(world, body, p, seed=7)
            for p in ("chop down the tree", "kill chicken", "break leaves", "mine gravel")
        ]
        return results, world, body

    (a, wa, pa), (b, wb, pb) = episode(), episode()
    assert a == b
    assert (wa.blocks == wb.blocks).all() and (pa.pos == pb.pos).all()
    assert pa.inventory == pb.inventory


def test_fetching_a_tree_or_a_cow_within_16_blocks_succeeds():
    rng = np.random.default_rng(3)
    world = flat((128, 96, 128))
    for _ in range(40):
        x, z = rng.integers(8, 120, 2)
        if max(abs(x - 64), abs(z - 64)) > 3:
            tree(world, int(x), int(z))
    tree(world, 76, 69)
    world.mobs = [Mob("cow", np.array([70.5, FEET, 58.5]))]
    times = []
    for prompt, goal in [("chop down the tree", "oak_log"), ("kill cow", "beef")] * 3:
        body = Player(pos=np.array([64.5, FEET, 64.5]))
        start = time.perf_counter()
        result = run(world, body, prompt, goal, 1)
        times.append(time.perf_counter() - start)
        assert result.ok
        world.mobs = [Mob("cow", np.array([70.5, FEET, 58.5]))]
    print(
        f"\nexecute within 16 blocks on 128x96x128: "
        f"median {1000 * np.median(times):.1f} ms, max {1000 * max(times):.1f} ms"
    )


def test_stripping_logs_needs_an_axe_held():
    world, body = flat(), player()
    tree(world, 26, 24)
    result = run(world, body, "strip oak logs", "stripped_oak_log", 1)
    assert not result.ok and "hold an axe" in result.message and not result.gained
    body = player("wooden_axe")
    result = run(world, body, "strip oak logs", "stripped_oak_log", 2)
    assert result.ok and result.gained == Counter(stripped_oak_log=2)


def _field_run(world):
    from vab_gym.envs.minecraft.controller import Intent
    from vab_gym.envs.minecraft.controller.run import Run

    return Run(world, player(), np.random.default_rng(0), 800, Intent("collect", None), None, 1)


def test_a_resumed_search_equals_a_new_search_to_the_wider_limit():
    """collect() widens a search's limit (near, the turn, beyond) by resuming it: the
    distances, predecessors and settle order must be those of a fresh search."""
    world = flat()
    world.blocks[20:30, FEET, 30] = P.id("stone")  # a wall and a step, so paths bend
    world.blocks[22, FEET, 20] = P.id("stone")
    widened = _field_run(world)
    near, _ = widened.field(30.0)
    assert np.isfinite(near).sum() > 0 and np.nanmax(near[near <= 30.0]) <= 30.0
    small = len(widened.reached)
    dist, prev = widened.field(np.inf, wider=True)
    got = (dist.copy(), prev.copy(), widened.reached.copy())
    fresh = _field_run(world)
    dist, prev = fresh.field(np.inf)
    finite = np.isfinite(dist).reshape(-1)
    assert len(fresh.reached) > small
    np.testing.assert_array_equal(got[0], dist)
    np.testing.assert_array_equal(got[1][finite], prev[finite])
    np.testing.assert_array_equal(got[2], fresh.reached)


def _numpy_box(world, box, lut):
    """The box's targets, exposed targets and whether one is buried, the numpy way."""
    blocks = world.blocks[tuple(slice(a, b) for a, b in zip(box.lo, box.hi, strict=True))]
    target = lut[blocks]
    free = ~box.solid
    opened = np.zeros_like(target)
    for axis in range(3):
        lo, hi = [slice(None)] * 3, [slice(None)] * 3
        lo[axis], hi[axis] = slice(1, None), slice(None, -1)
        opened[tuple(lo)] |= free[tuple(hi)]
        opened[tuple(hi)] |= free[tuple(lo)]
    return target, target & opened, bool((target & ~opened).any())


def _assert_box_is_numpys(world, box, lut):
    target, exposed, buried = _numpy_box(world, box, lut)
    np.testing.assert_array_equal(box.target, target)
    np.testing.assert_array_equal(box.exposed, exposed)
    np.testing.assert_array_equal(box.exposed_cells, np.argwhere(exposed))
    assert box.any_buried == buried


def test_the_box_finds_the_exposed_targets_numpy_finds():
    from vab_gym.envs.minecraft.controller.pathing import Box

    rng = np.random.default_rng(1)
    world = flat()
    world.blocks[rng.random(world.blocks.shape) < 0.1] = 0  # caves: exposed stone inside
    lut = np.zeros(len(P.names), bool)
    lut[P.id("stone")] = lut[P.id("dirt")] = True
    box = Box(world, np.array([24, FEET, 24]), 12, lut)
    _assert_box_is_numpys(world, box, lut)
    assert box.any_buried


def test_the_box_finds_rare_targets_mined_and_placed_ones_alike():
    """The box reads only the 8x8x8 bricks that held a target when the world's masks were
    made: ores mined since, ores placed since (outside the executor) and a box that does
    not start on a brick edge must still give what numpy gives."""
    from vab_gym.envs.minecraft.controller.pathing import Box

    rng = np.random.default_rng(2)
    world = flat()
    world.blocks[rng.random(world.blocks.shape) < 0.05] = 0
    spots = rng.integers((0, 1, 0), (48, GROUND + 1, 48), (150, 3))
    world.blocks[tuple(spots.T)] = P.id("iron_ore")
    lut = np.zeros(len(P.names), bool)
    lut[P.id("iron_ore")] = True
    feet = np.array([21, FEET, 27])  # the box starts at 21 - 12 - 8 = 1 on x
    box = Box(world, feet, 12, lut)
    assert box.lo[0] % 8 and len(box.exposed_cells) > 3
    _assert_box_is_numpys(world, box, lut)
    run_ = _field_run(world)
    run_.box = box
    for cell in box.exposed_cells[:3] + box.lo:  # mined by the executor
        run_.set_air(cell)
    _assert_box_is_numpys(world, Box(world, feet, 12, lut), lut)
    ore = world.blocks == P.id("iron_ore")
    empty = next(
        8 * np.array(c)
        for c in np.ndindex(6, 5, 6)  # a brick with no ore in it
        if box.inside(8 * np.array(c) + 3)
        and not ore[8 * c[0] : 8 * c[0] + 8, 8 * c[1] : 8 * c[1] + 8, 8 * c[2] : 8 * c[2] + 8].any()
    )
    world.blocks[tuple(empty + 3)] = P.id("iron_ore")  # placed outside the executor
    box = Box(world, feet, 12, lut)
    _assert_box_is_numpys(world, box, lut)
    assert box.target[tuple(empty + 3 - box.lo)]
