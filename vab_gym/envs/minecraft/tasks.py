"""VAB-Minecraft's tasks: VAB's 116 test tasks converted, and "obtain {item}" train tasks.

A task's ``setup`` holds the world (biome, seed), the initial inventory and VAB's kits (the
``init_command`` names of ``data/ingredients.json``: mobs, crops, water... placed around the
spawn); its ``judge`` is ``{"type": "inventory", "item": ..., "count": ...}`` and its
``metadata["step_rewards"]`` VAB's partial-score weights.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from vab_gym.core.tasks import Task, TaskSet, package_tasks, tasks_by_seed
from vab_gym.core.templates import Prototype, sample_instances
from vab_gym.envs.minecraft.rules import Rules, normalize, rules

ENV_ID = "VAB-Minecraft-v0"
INSTRUCTION = "Your task is to get a {item} in your inventory."  # VAB's wording
OBTAIN = Prototype(
    id="obtain",
    instruction=INSTRUCTION,
    slots={"item": "item-reachable-from-biome"},
    judge={"type": "inventory", "item": "{item}", "count": 1},
)

# What each biome offers without tools beyond what can be crafted from it: the blocks and
# mobs the embedded world generates there (worldgen.py), by item name.
BIOME_RESOURCES = {
    "plains": [
        "oak_log",
        "birch_log",
        "dirt",
        "sand",
        "gravel",
        "clay_ball",
        "cobblestone",
        "coal",
        "iron_ore",
        "gold_ore",
        "redstone",
        "lapis_lazuli",
        "diamond",
        "sugar_cane",
        "wheat_seeds",
        "dandelion",
        "poppy",
        "azure_bluet",
        "oxeye_daisy",
        "beef",
        "leather",
        "porkchop",
        "mutton",
        "white_wool",
        "chicken",
        "feather",
        "egg",
        "rabbit",
        "rabbit_hide",
        "water_bucket",
        "apple",
        "flint",
        "rotten_flesh",
        "bone",
        "string",
        "spider_eye",
        "gunpowder",
        "arrow",
    ],
}
BIOME_RESOURCES["forest"] = BIOME_RESOURCES["plains"]
BIOME_RESOURCES["oak_forest"] = BIOME_RESOURCES["plains"]


def step_weights(
    task: str, init_inventory: dict[str, int], *, vab_keys: bool = False
) -> dict[str, float]:
    """VAB's partial-score weights for ``task``: ``step_rewards.json`` without the items the
    agent starts with, rescaled to the same total (``assembly/env.py``:
    ``recompute_item_reward``). VAB compares its ``minecraft:`` keys with the task's
    inventory keys as written, so an unprefixed starting item keeps its weight: that is
    ``vab_keys=True`` (4 test tasks differ)."""
    table = json.loads(
        (resources.files(__package__) / "data" / "step_rewards.json").read_text("utf-8")
    )
    raw = {k: float(v) for k, v in table.get(f"minecraft:{normalize(task)}", {}).items()}
    if vab_keys:
        kept = {k: v for k, v in raw.items() if k not in init_inventory}
    else:
        start = {normalize(k) for k in init_inventory}
        kept = {k: v for k, v in raw.items() if normalize(k) not in start}
    total, kept_total = sum(raw.values()), sum(kept.values())
    if not kept or kept_total == 0:
        return {}
    return {normalize(k): v * total / kept_total for k, v in kept.items()}


def convert_vab_tasks(path: str | Path, split: str = "test") -> list[Task]:
    """VAB's ``formated_tasks_v1.3.json`` (or ``training_tasks.json``) as package tasks."""
    tasks = []
    for entry in json.loads(Path(path).read_text("utf-8")):
        ((target, count),) = entry["task_obj"].items()
        item = normalize(target)
        raw_inventory = entry["env"]["init_inventory"]
        # In VAB's order: it is the slot order (build_env_yaml), slot 0 held.
        init_inventory = {normalize(k): int(v) for k, v in raw_inventory.items()}
        weights = step_weights(item, init_inventory)
        vab_weights = step_weights(item, raw_inventory, vab_keys=True)
        quirk = {"step_rewards_vab": vab_weights} if vab_weights != weights else {}
        tasks.append(
            Task(
                id=f"mc-{split}-{item}",
                env=ENV_ID,
                split=split,
                instruction=INSTRUCTION.format(item=item),
                setup={
                    "biome": entry["env"]["biome"],
                    "init_inventory": init_inventory,
                    "kits": list(entry["init_command"]),
                    "mobs": list(entry["env"]["mobs"]),
                },
                judge={"type": "inventory", "item": item, "count": int(count)},
                metadata={
                    "group": entry["group"],
                    "source": "VAB formated_tasks_v1.3.json",
                    "step_rewards": weights,
                    **quirk,
                },
            )
        )
    return tasks


def reachable(base: Iterable[str], book: Rules | None = None) -> dict[str, int]:
    """Items obtainable from ``base`` items by crafting and smelting, with the number of
    recipe steps the cheapest way takes (0 for the base items). Tools, tables, furnaces
    and fuel are assumed obtainable when they are themselves reachable."""
    book = book or rules()
    depth = dict.fromkeys(base, 0)
    recipes = [r for rs in book.recipes.values() for r in rs]
    recipes += [r for rs in book.smelting.values() for r in rs]
    changed = True
    while changed:
        changed = False
        for recipe in recipes:
            if recipe.result in depth:
                continue
            needs = [
                max((depth[m] for m in book.members(i) if m in depth), default=None)
                for i, _ in recipe.ingredients
            ]
            if recipe.needs_table:
                needs.append(depth.get("crafting_table"))
            if recipe.smelting:
                needs.append(depth.get("furnace"))
            if all(n is not None for n in needs):
                depth[recipe.result] = 1 + max(needs, default=0)
                changed = True
    return depth


@cache
def _solver_data() -> dict[str, Any]:
    """``solver.yaml``: how raw items are gathered and what VAB's kits make available."""
    return yaml.safe_load((resources.files(__package__) / "solver.yaml").read_text("utf-8"))


def start_items(task: Task) -> frozenset[str]:
    """The items a task's world offers from the start: its biome's resources, its starting
    inventory and what its kits place around the spawn."""
    base = set(BIOME_RESOURCES.get(task.setup.get("biome", "plains"), BIOME_RESOURCES["plains"]))
    base |= set(task.setup.get("init_inventory", {}))
    for kit in task.setup.get("kits", []):
        base |= set(_solver_data()["kit_items"].get(kit, []))
    return frozenset(base)


@cache
def _recipes_by_result() -> dict[str, list[Any]]:
    book = rules()
    found: dict[str, list[Any]] = {}
    for recipe in [r for rs in book.recipes.values() for r in rs] + [
        r for rs in book.smelting.values() for r in rs
    ]:
        found.setdefault(recipe.result, []).append(recipe)
    return found


def obtain_steps(task: Task) -> int | None:
    """How many steps the cheapest chain to the task's item takes, for difficulty tiers:
    each recipe (crafting or smelting) is a step after its ingredients, its crafting table
    and its furnace; an item the world offers (:func:`start_items`) is free unless it needs
    a tool or a held item (``solver.yaml``'s ``gather``: stone needs a wooden pickaxe, so
    cobblestone is one step after it); a starting-inventory item is free. A tag counts by
    its cheapest member. ``None``: no chain known. Unlike :func:`reachable` it charges for
    tools, so a diamond (behind an iron pickaxe) is not as easy as a log; it searches depth
    first without revisiting an item, so it is the cheapest chain it finds."""
    book, gather, recipes = rules(), _solver_data()["gather"], _recipes_by_result()
    world, held = start_items(task), {normalize(k) for k in task.setup.get("init_inventory", {})}
    known: dict[str, float] = {}

    def steps(name: str, visiting: frozenset[str]) -> float:
        options = [cost(m, visiting) for m in dict.fromkeys((name, *book.members(name)))]
        return min(options, default=math.inf)

    def cost(item: str, visiting: frozenset[str]) -> float:
        if item in known:
            return known[item]
        if item in held:
            return 0
        if item in visiting:
            return math.inf
        visiting = visiting | {item}
        best = math.inf
        if item in world:
            how = gather.get(item, {})
            need = how.get("tool") or how.get("hold")
            best = 0 if need is None else 1 + steps(need, visiting)
        for recipe in recipes.get(item, []) if best > 0 else []:
            needs = [steps(normalize(i).removeprefix("#"), visiting) for i, _ in recipe.ingredients]
            if recipe.needs_table:
                needs.append(steps("crafting_table", visiting))
            if recipe.smelting:
                needs.append(steps("furnace", visiting))
            best = min(best, 1 + max(needs, default=0))
        if best < math.inf:
            known[item] = best
        return best

    found = steps(normalize(task.judge["item"]), frozenset())
    return None if found == math.inf else int(found)


def obtain_task(
    item: str,
    world_seed: int,
    *,
    task_id: str,
    split: str = "train",
    biome: str = "plains",
    depth: dict[str, int] | None = None,
) -> Task:
    """One "obtain {item}" task from an empty inventory in world ``world_seed``, with VAB's
    step rewards for ``item`` (``step_weights``, as the test tasks get theirs), so
    ``reward_mode="progress"`` pays for the ingredients on the way."""
    depth = depth if depth is not None else reachable(BIOME_RESOURCES[biome])
    return OBTAIN.instantiate(
        {"item": item},
        task_id=task_id,
        env=ENV_ID,
        split=split,
        setup={
            "biome": biome,
            "init_inventory": {},
            "kits": [],
            "mobs": [],
            "world_seed": int(world_seed),
        },
        metadata={"recipe_steps": depth[item], "step_rewards": step_weights(item, {})},
    )


def train_tasks(
    count: int, seed: int, biome: str = "plains", exclude: Iterable[str] = ()
) -> list[Task]:
    """``count`` "obtain {item}" tasks for items reachable from ``biome``'s resources, each
    with its own world seed; ``exclude`` (e.g. the test targets) is left out."""
    depth = reachable(BIOME_RESOURCES[biome])
    banned = set(exclude)
    items = sorted(i for i, d in depth.items() if 0 < d <= 6 and i not in banned)
    rng = np.random.default_rng(seed)

    def make(item: str) -> Task:
        return obtain_task(
            item,
            int(rng.integers(2**31)),
            task_id=f"mc-train-{seed}-{item}",
            biome=biome,
            depth=depth,
        )

    return sample_instances(items, make, count, rng)


def tier_tasks(
    items: Iterable[str], world_seeds: Iterable[int], *, split: str = "train", biome: str = "plains"
) -> list[Task]:
    """Every item in every world: a fixed task set for training on a few low tiers and
    evaluating on held-out worlds (``benchmarks/train_rl.py``)."""
    depth = reachable(BIOME_RESOURCES[biome])
    return [
        obtain_task(
            item, seed, task_id=f"mc-{split}-w{seed}-{item}", split=split, biome=biome, depth=depth
        )
        for seed in world_seeds
        for item in items
    ]


def fresh_train_tasks(count: int, shipped: TaskSet, folder: Path) -> list[Task]:
    """``count`` "obtain {item}" train tasks beyond ``shipped``, in new worlds:
    :func:`train_tasks` with seeds 1, 2, ... (the shipped split is seed 0's), each seed
    giving every reachable item once; no test item. (``VabEnv.fresh_tasks``.)"""
    test = [t.judge["item"] for t in package_tasks(__package__, "test")]
    return tasks_by_seed(lambda n, seed: train_tasks(n, seed, exclude=test), count, shipped)
