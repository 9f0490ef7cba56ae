"""Minecraft 1.16 rules: VAB's recipe files with tags, VAB's crafting and smelting semantics,
mining and loot from minecraft-data, and the converted VAB task set."""

import numpy as np
import pytest

from vab_gym.core.tasks import package_tasks
from vab_gym.envs.minecraft.rules import Inventory, RuleError, rules
from vab_gym.envs.minecraft.tasks import reachable, step_weights, train_tasks


@pytest.fixture(scope="module")
def book():
    return rules()


def test_recipes_are_vabs_files_with_their_tags(book):
    """VAB's assets/recipes/crafting_table.json, stone_pickaxe.json, oak_planks.json,
    white_bed.json, read as craft_agent.crafting counts them."""
    assert book.recipes["crafting_table"][0].ingredients == (("#planks", 4),)
    assert not book.recipes["crafting_table"][0].needs_table
    pickaxe = book.recipes["stone_pickaxe"][0]
    assert pickaxe.ingredients == (("stick", 2), ("#stone_tool_materials", 3))
    assert pickaxe.needs_table
    assert book.recipes["oak_planks"][0].ingredients == (("#oak_logs", 1),)
    assert ("white_wool", 3) in book.recipes["white_bed"][0].ingredients  # colour stays


def test_the_wooden_tool_chain(book):
    inv = Inventory({"oak_log": 3})
    assert book.craft(inv, "planks", 12) == "Successfully crafted 12 planks."
    book.craft(inv, "crafting_table")
    book.craft(inv, "stick", 4)
    book.craft(inv, "wooden_pickaxe")
    assert inv == Inventory({"crafting_table": 1, "wooden_pickaxe": 1, "stick": 2, "oak_planks": 3})


def test_crafting_refusals_use_vab_messages(book):
    with pytest.raises(RuleError, match="No crafting_table in your inventory"):
        book.craft(Inventory({"oak_planks": 3, "stick": 2}), "wooden_pickaxe")
    with pytest.raises(RuleError, match="Not enough materials for 1 wooden_pickaxe"):
        book.craft(Inventory({"crafting_table": 1, "stick": 2}), "wooden_pickaxe")
    with pytest.raises(RuleError, match="Recipe not found for dragon_egg"):
        book.craft(Inventory(), "dragon_egg")
    full = Inventory({f"item{i}": 1 for i in range(35)} | {"oak_log": 2})
    with pytest.raises(RuleError, match="No space"):
        book.craft(full, "oak_planks", 4)
    assert full["oak_log"] == 2  # a refused craft changes nothing


def test_smelting_needs_furnace_pickaxe_and_fuel(book):
    inv = Inventory({"iron_ore": 2, "furnace": 1, "wooden_pickaxe": 1, "coal": 1})
    assert book.smelt(inv, "iron_ingot", 2) == "Successfully smelted 2 iron_ingot."
    assert inv["iron_ingot"] == 2 and "coal" not in inv
    inv = Inventory({"iron_ore": 1, "furnace": 1, "wooden_pickaxe": 1, "oak_planks": 2})
    book.smelt(inv, "iron_ingot")
    assert inv["iron_ingot"] == 1 and inv["oak_planks"] == 1  # one plank burnt
    with pytest.raises(RuleError, match="Not enough fuels"):
        book.smelt(Inventory({"iron_ore": 1, "furnace": 1, "wooden_pickaxe": 1}), "iron_ingot")
    with pytest.raises(RuleError, match="No furnace in your inventory"):
        book.smelt(Inventory({"iron_ore": 1, "coal": 1, "wooden_pickaxe": 1}), "iron_ingot")
    with pytest.raises(RuleError, match="No wooden_pickaxe"):
        book.smelt(Inventory({"iron_ore": 1, "coal": 1, "furnace": 1}), "iron_ingot")


def test_look_up(book):
    assert "needs 2 stick, 3 stone_tool_materials (tag)." in book.look_up("stone_pickaxe")
    assert book.look_up("iron_ingot").startswith("iron_ingot: Smelting 1 iron_ingot")
    assert book.look_up("planks").startswith("planks is a tag.")
    assert book.look_up("diamond_ore").startswith("No recipe for this item.")
    assert book.look_up("xyzzy").startswith("No recipe for this item.")


def test_mining_respects_harvest_tools_and_hardness(book):
    assert book.harvest("stone", "wooden_pickaxe") == (True, 23)  # 1.5 * 1.5 / 2 s
    assert book.harvest("stone", None)[0] is False
    assert book.harvest("iron_ore", "wooden_pickaxe")[0] is False
    assert book.harvest("iron_ore", "stone_pickaxe")[0] is True
    assert book.harvest("diamond_ore", "stone_pickaxe")[0] is False
    assert book.harvest("diamond_ore", "iron_pickaxe")[0] is True
    assert book.harvest("oak_log", "stone_axe")[1] < book.harvest("oak_log", None)[1]
    rng = np.random.default_rng(0)
    assert book.block_drops("stone", rng) == [("cobblestone", 1)]
    assert book.block_drops("coal_ore", rng) == [("coal", 1)]
    assert {item for item, _ in book.mob_drops("cow", rng)} == {"beef", "leather"}


# Vanilla 1.16 breaking times in seconds (Minecraft Wiki, "Breaking": hardness x 1.5 / tool
# speed with the right tool, x 5 without one that can harvest, rounded up to whole ticks),
# written here, not read from minecraft-data: (block, held item, can harvest, seconds).
VANILLA_BREAKING = [
    ("stone", None, False, 7.5),
    ("stone", "wooden_pickaxe", True, 1.15),
    ("stone", "stone_pickaxe", True, 0.6),
    ("stone", "iron_pickaxe", True, 0.4),
    ("stone", "diamond_pickaxe", True, 0.3),
    ("stone", "golden_pickaxe", True, 0.2),
    ("iron_ore", None, False, 15.0),
    ("iron_ore", "wooden_pickaxe", False, 7.5),
    ("iron_ore", "stone_pickaxe", True, 1.15),
    ("iron_ore", "iron_pickaxe", True, 0.75),
    ("iron_ore", "golden_pickaxe", False, 1.25),
    ("diamond_ore", "stone_pickaxe", False, 3.75),
    ("diamond_ore", "iron_pickaxe", True, 0.75),
    ("diamond_ore", "diamond_pickaxe", True, 0.6),
    ("obsidian", "iron_pickaxe", False, 41.7),
    ("obsidian", "diamond_pickaxe", True, 9.4),
    ("oak_log", None, True, 3.0),
    ("oak_log", "wooden_axe", True, 1.5),
    ("oak_log", "stone_axe", True, 0.75),
    ("dirt", None, True, 0.75),
    ("dirt", "wooden_shovel", True, 0.4),
    ("sand", None, True, 0.75),
]


@pytest.mark.parametrize("block, tool, can, seconds", VANILLA_BREAKING)
def test_mining_times_are_vanillas(book, block, tool, can, seconds):
    """Includes the wrong-tool penalty: iron ore with a wooden pickaxe takes 7.5 s, not the
    2.25 s a harvesting pickaxe of that speed would."""
    assert book.harvest(block, tool) == (can, round(seconds * 20))


def test_tag_counts_for_recipes_and_for_the_judge(book):
    inv = Inventory({"oak_planks": 2, "birch_planks": 3})
    assert book.count(inv, "planks") == 5
    assert book.judge_count(inv, "planks") == 3  # VAB: the largest single member


def test_vab_test_split_converted():
    tasks = package_tasks("vab_gym.envs.minecraft", "test")
    assert len(tasks) == 116
    cake = tasks["mc-test-cake"]
    assert cake.instruction == "Your task is to get a cake in your inventory."
    assert list(cake.setup["init_inventory"].items()) == [("oak_log", 64), ("bucket", 3)]
    assert "bucket" not in cake.metadata["step_rewards"]  # VAB drops what one starts with
    assert sum(cake.metadata["step_rewards"].values()) == pytest.approx(
        sum(step_weights("cake", {}).values())
    )
    book = rules()
    for task in tasks:
        assert book.known(task.judge["item"]), task.id


def test_train_tasks_are_reachable_and_seeded():
    depth = reachable(["oak_log", "cobblestone"])
    assert depth["oak_planks"] == 1 and depth["crafting_table"] == 2
    assert depth["stone_pickaxe"] > depth["wooden_pickaxe"] - 1
    first = train_tasks(20, seed=3, exclude=["stick"])
    again = train_tasks(20, seed=3, exclude=["stick"])
    assert [t.id for t in first] == [t.id for t in again] and len(first) == 20
    assert all(t.judge["item"] != "stick" and t.split == "train" for t in first)


def test_craftable_and_smeltable_are_every_recipe_the_inventory_allows(book):
    """Grounding weighs only the recipes whose first ingredient is held: on random
    inventories (tags' members, tables, furnaces, zero and negative counts) it must list
    what testing every recipe lists, in the book's order."""
    rng = np.random.default_rng(0)
    names = sorted(
        {
            m
            for recipes in (*book.recipes.values(), *book.smelting.values())
            for r in recipes
            for i, _ in r.ingredients
            for m in book.members(i)
        }
        | {"crafting_table", "furnace"}
    )
    shown = set()
    for _ in range(400):
        inv = Inventory(
            {
                str(name): int(rng.integers(-1, 70))
                for name in rng.choice(names, int(rng.integers(0, 12)), replace=False)
            }
        )
        crafts = [
            item
            for item, recipes in book.recipes.items()
            if any(
                all(book.count(inv, i) >= n for i, n in r.ingredients)
                and (not r.needs_table or "crafting_table" in inv)
                for r in recipes
            )
        ]
        smelts = [
            item
            for item, recipes in book.smelting.items()
            if any(book.count(inv, r.ingredients[0][0]) for r in recipes)
        ]
        assert book.craftable(inv) == crafts and book.smeltable(inv) == smelts
        shown.update(crafts + smelts)
    assert len(shown) > 100
