"""Minecraft 1.16 rules as data: items, recipes, tags, smelting, fuel, mining and loot.

Crafting and smelting follow VAB's skills (``assembly/scripts/craft_agent.py``,
``smelt_agent.py``, ``assembly/func_call.py``): only VAB's recipe files count
(``data/recipes.json`` holds VAB's ``assets/recipes/<name>.json``, one recipe per file name,
so ``craft("x")`` reads ``x.json`` and a tag reads its members' files); VAB's tag lists
(``data/tag_items.json``); tables and furnaces are carried, not placed; an ingredient's amount
is what *one inventory slot* holds (``find_in_inventory``: the first stack of an item, the
biggest stack of a tag's members); the feedback strings are VAB's. Items, blocks, hardness,
harvest tools and loot come from the ``minecraft-data`` package (``minecraft_data("1.16.1")``).

The inventory is a counter of items, not 36 slots. VAB's skills read one slot, so an item
stacked beyond one slot (or an unstackable one: the 3 milk buckets of a cake) cannot be used
in full: a VAB bug, fixed unless ``one_stack`` (the env's ``vab_quirks``), where a slot holds
``min(count, stack size)``, as stacks fill in the order Minecraft's pickup fills them. A tag
still counts one member only, as VAB's skills do.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from typing import Any

import numpy as np
import yaml

Inventory = Counter  # item name -> count
INVENTORY_SLOTS = 36
UNKNOWN_ERROR = (
    "Error: Unknown error occurred. Try moving, equipping something else, and "
    "then attempting the action again."
)  # minecraft_env.py: Env.step's except
NO_RECIPE = (
    "No recipe for this item. Maybe it is a raw item or you take the wrong name as "
    "an argument."
)  # func_call.py: look_up
# Vanilla burn times in items smelted (1600, 300 and 300 ticks at 200 ticks an item).
_BURN = {"coals": 8.0, "planks": 1.5, "logs": 1.5}


class RuleError(ValueError):
    """An action the rules refuse; the message is VAB's feedback."""


@dataclass(frozen=True)
class Recipe:
    """Make ``count`` of ``result`` from ``ingredients`` (item, or ``#tag``, -> amount), in
    the order VAB's recipe file lists them."""

    result: str
    count: int
    ingredients: tuple[tuple[str, int], ...]
    needs_table: bool = False
    smelting: bool = False


def normalize(name: str) -> str:
    """``"minecraft:Oak_Log "`` -> ``"oak_log"``."""
    return name.strip().lower().removeprefix("minecraft:")


def _data_file(name: str) -> Any:
    return (resources.files(__package__) / "data" / name).read_text("utf-8")


def _ingredient(entry: dict) -> tuple[str, str]:
    """A recipe file's ingredient: (name, "tag" | "item")."""
    if "item" in entry:
        return entry["item"].removeprefix("minecraft:"), "item"
    return entry["tag"].removeprefix("minecraft:"), "tag"


def _crafting_items(recipe: dict) -> dict[str, int] | None:
    """``craft_agent.crafting``'s ingredient counts of a crafting file, keyed ``#tag`` or
    item; None when VAB's code would fail on the file (a key missing from the pattern)."""
    items: dict[str, int] = {}
    if "pattern" in recipe:
        symbols = Counter("".join(recipe["pattern"]))
        for key, entry in recipe["key"].items():
            if key not in symbols:
                return None
            name, kind = _ingredient(entry)
            items["#" + name if kind == "tag" else name] = symbols[key]  # VAB overwrites
    else:
        for entry in recipe["ingredients"]:
            name, kind = _ingredient(entry)
            key = "#" + name if kind == "tag" else name
            items[key] = items.get(key, 0) + 1
    return items


def _needs_table(recipe: dict) -> bool:
    """``craft_agent.crafting_type``: a pattern over 2x2 (its first row's width), or more
    than 4 shapeless ingredients."""
    if "pattern" in recipe:
        return len(recipe["pattern"]) > 2 or len(recipe["pattern"][0]) > 2
    return len(recipe["ingredients"]) > 4


class Rules:
    """The rule book; one shared instance (:func:`rules`)."""

    def __init__(self) -> None:
        import minecraft_data

        self.md = minecraft_data("1.16.1")
        self.items: dict[str, dict] = {i["name"]: i for i in self.md.items_list}
        self.blocks: dict[str, dict] = {b["name"]: b for b in self.md.blocks_list}
        # VAB's tags, as its code reads them: every key is a tag, members as listed (some
        # name recipe files, e.g. red_dye_from_beetroot).
        self.tags: dict[str, tuple[str, ...]] = {
            normalize(tag): tuple(normalize(m) for m in members)
            for tag, members in json.loads(_data_file("tag_items.json")).items()
        }
        self.files: dict[str, dict] = json.loads(_data_file("recipes.json"))
        extra = yaml.safe_load(resources.files(__package__).joinpath("rules.yaml").read_text())
        self.drop_overrides = {k: [tuple(d) for d in v] for k, v in extra["drops"].items()}
        self.tool_speed = extra["tool_speed"]
        # By recipe file name: what ``craft(name)`` and ``smelt(name)`` can use.
        self.recipes: dict[str, list[Recipe]] = {}
        self.smelting: dict[str, list[Recipe]] = {}
        for name, recipe in self.files.items():
            kind = recipe["type"].removeprefix("minecraft:")
            if kind in ("crafting_shaped", "crafting_shapeless"):
                items = _crafting_items(recipe)
                if items is not None:
                    result = recipe["result"]
                    self.recipes[name] = [
                        Recipe(
                            normalize(result["item"]),
                            int(result.get("count") or 1),
                            tuple(items.items()),
                            _needs_table(recipe),
                        )
                    ]
            elif kind == "smelting":
                source, what = _ingredient(recipe["ingredient"])
                self.smelting[name] = [
                    Recipe(
                        normalize(recipe["result"]),
                        1,
                        (("#" + source if what == "tag" else source, 1),),
                        smelting=True,
                    )
                ]

    # -- names ----------------------------------------------------------------------------
    def is_tag(self, name: str) -> bool:
        return normalize(name).removeprefix("#") in self.tags

    def members(self, name: str) -> tuple[str, ...]:
        """The items a name stands for: a tag's members, or the item itself."""
        name = normalize(name).removeprefix("#")
        return self.tags.get(name, (name,))

    def known(self, name: str) -> bool:
        name = normalize(name)
        return name in self.items or name in self.tags

    def stack_size(self, item: str) -> int:
        return self.items.get(item, {}).get("stackSize", 64)

    # -- inventories ----------------------------------------------------------------------
    def count(self, inventory: Inventory, name: str) -> int:
        """How many of ``name`` the inventory holds; for a tag, all members together."""
        return sum(inventory.get(m, 0) for m in self.members(name))

    def judge_count(self, inventory: Inventory, name: str) -> int:
        """VAB's judge (``evaluate.monitor_function``): for a tag, the largest count of any
        single member."""
        return max((inventory.get(m, 0) for m in self.members(name)), default=0)

    def slot(
        self, inventory: Inventory, name: str, one_stack: bool = False
    ) -> tuple[str, int] | None:
        """``craft_agent.find_in_inventory``: where VAB's skills take ``name`` from, as
        (item, amount): an item, or a tag's member with the most (the first of equal ones, in
        the tag's order); with ``one_stack``, VAB's single slot (first stack, biggest stack);
        None when there is none."""
        best: tuple[str, int] | None = None
        for member in self.members(name):
            amount = inventory.get(member, 0)
            if one_stack:
                amount = min(amount, self.stack_size(member))
            if amount > 0 and (best is None or amount > best[1]):
                best = (member, amount)
        return best

    def slot_amount(self, inventory: Inventory, name: str, one_stack: bool = False) -> int:
        found = self.slot(inventory, name, one_stack)
        return found[1] if found else 0

    def slots_used(self, inventory: Inventory) -> int:
        return sum(math.ceil(n / self.stack_size(i)) for i, n in inventory.items() if n > 0)

    @staticmethod
    def _remove(inventory: Inventory, item: str, amount: int) -> None:
        inventory[item] -= amount
        if inventory[item] <= 0:
            del inventory[item]

    def _commit(self, inventory: Inventory, trial: Inventory, full: str) -> None:
        if self.slots_used(trial) > INVENTORY_SLOTS:
            raise RuleError(full)
        inventory.clear()
        inventory.update(trial)

    # -- what the inventory allows (grounding) --------------------------------------------
    def craftable(self, inventory: Inventory) -> list[str]:
        """The recipe files ``craft(name, 1)`` has the materials (and table) for, in the
        book's order: the env's grounded crafts."""
        count = cache(partial(self.count, inventory))  # ~600 recipes ask a few dozen names
        names, uses, always = self._first_uses("recipes")
        return [
            names[k]
            for k in self._candidates(inventory, uses, always)
            if any(
                all(count(i) >= n for i, n in r.ingredients)
                and (not r.needs_table or "crafting_table" in inventory)
                for r in self.recipes[names[k]]
            )
        ]

    def smeltable(self, inventory: Inventory) -> list[str]:
        """The smelting files whose ingredient the inventory holds, in the book's order (the
        furnace and fuel are ``smelt``'s to check)."""
        names, uses, always = self._first_uses("smelting")
        return [
            names[k]
            for k in self._candidates(inventory, uses, always)
            if any(self.count(inventory, r.ingredients[0][0]) for r in self.smelting[names[k]])
        ]

    @staticmethod
    def _candidates(inventory: Inventory, uses: dict[str, set[int]], always: set[int]) -> list[int]:
        """The recipes (by position) whose first ingredient names an item the inventory
        holds: only those can pass, and weighing them alone instead of all 639 recipes
        makes grounding about 10x faster."""
        found = set(always)
        for item, n in inventory.items():
            if n:
                found |= uses.get(item, set())
        return sorted(found)

    @cache  # noqa: B019 (one Rules per process: rules())
    def _first_uses(self, book: str) -> tuple[list[str], dict[str, set[int]], set[int]]:
        """For ``recipes`` or ``smelting``: the file names in order, each item -> the
        positions of the files whose first ingredient it can be, and the files with no
        ingredient (always candidates)."""
        files: dict[str, list[Recipe]] = getattr(self, book)
        names = list(files)
        uses: dict[str, set[int]] = {}
        always: set[int] = set()
        for k, name in enumerate(names):
            for recipe in files[name]:
                if not recipe.ingredients:
                    always.add(k)
                    continue
                for member in self.members(recipe.ingredients[0][0]):
                    uses.setdefault(member, set()).add(k)
        return names, uses, always

    # -- crafting and smelting ------------------------------------------------------------
    def craft_options(self, name: str) -> list[tuple[str, Recipe | None]]:
        """The recipe files ``craft(name)`` reads, in order (a tag: its members' files), each
        with its crafting recipe, or None where VAB's code fails on the file."""
        names = self.tags.get(name, (name,))
        return [(n, (self.recipes.get(n) or [None])[0]) for n in names if n in self.files]

    def craft(self, inventory: Inventory, item: str, num: int = 1, one_stack: bool = False) -> str:
        """``craft_agent.crafting``: craft ``num`` of ``item`` (or of a tag's member: the last
        one with enough materials); VAB's message."""
        options = self.craft_options(item)
        if not options:
            raise RuleError(f"Recipe not found for {item}.")
        chosen = None
        for _, recipe in options:
            if recipe is None:  # a smelting or special file: VAB's KeyError
                raise RuleError(UNKNOWN_ERROR)
            times = math.ceil(num / recipe.count)
            if all(
                self.slot_amount(inventory, i, one_stack) >= n * times
                for i, n in recipe.ingredients
            ):
                chosen = recipe
        if chosen is None:
            raise RuleError(f"Not enough materials for {num} {item}.")
        if chosen.needs_table and not self.slot(inventory, "crafting_table"):
            raise RuleError(
                "No crafting_table in your inventory. You cannot use the "
                "crafting_table even if it's right in front of you."
            )
        times = math.ceil(num / chosen.count)
        trial = inventory.copy()
        for ingredient, n in chosen.ingredients:
            member, _ = self.slot(trial, ingredient, one_stack)
            self._remove(trial, member, n * times)
        trial[chosen.result] += chosen.count * times
        self._commit(inventory, trial, "No space to place the product.")
        return f"Successfully crafted {num} {item}."

    def smelt(self, inventory: Inventory, item: str, num: int = 1, one_stack: bool = False) -> str:
        """``smelt_agent.smelting``: smelt with a carried furnace, in VAB's order of checks.

        A wooden_pickaxe (exactly) must be there to mine the furnace back. Fuel: one coal
        (or charcoal) for the whole call; else one plank or log per item from the biggest
        stack, which needs at least 2; with logs and planks but no coal, a charcoal is made
        first (from a log, with a plank) and burnt. The ingredient is taken from one slot.
        How many are made is what vanilla makes of what the skill put in the furnace (a coal
        smelts 8, a plank or log 1.5); what was not burnt comes back with the furnace.
        VAB reports ``num`` either way."""
        if not inventory.get("wooden_pickaxe", 0):
            raise RuleError("No wooden_pickaxe in your inventory to return the furnace at last.")
        if item not in self.files:
            raise RuleError(f"Recipe for {item} not found.")
        fuel = self.fuel_choice(inventory, one_stack)
        if fuel is None:
            raise RuleError("Not enough fuels. You need at least 1 coals or 2 logs or 2 planks.")
        if not inventory.get("furnace", 0):
            raise RuleError(
                "No furnace in your inventory. You cannot use the furnace even "
                "if it's right in front of you."
            )
        trial = inventory.copy()
        if fuel == "charcoal_first":
            log = self.slot(trial, "logs_that_burn", one_stack)
            if log is None:
                raise RuleError("Not enough logs_that_burn.")
            self._remove(trial, log[0], 1)
            self._remove(trial, self.slot(trial, "planks", one_stack)[0], 1)
            trial["charcoal"] += 1
            fuel = "coals"
        recipe = self.smelting.get(item, [None])[0]
        if recipe is None:  # not a furnace recipe: VAB's AttributeError
            raise RuleError(UNKNOWN_ERROR)
        source = recipe.ingredients[0][0]
        found = self.slot(trial, source, one_stack)
        if found is None:
            raise RuleError(f"Not enough {source.removeprefix('#')}.")
        fuel_item, fuel_stack = self.slot(trial, fuel, one_stack)
        pieces = 1 if fuel == "coals" else min(num, fuel_stack)
        made = min(num, found[1], math.floor(pieces * _BURN[fuel]))
        self._remove(trial, found[0], made)
        self._remove(trial, fuel_item, max(1, math.ceil(made / _BURN[fuel])))
        trial[recipe.result] += made
        self._commit(inventory, trial, "No space to place result.")
        return f"Successfully smelted {num} {item}."

    def fuel_choice(self, inventory: Inventory, one_stack: bool = False) -> str | None:
        """``smelt_agent.smelting``'s fuel: "coals", "planks", "logs", "charcoal_first"
        (logs and planks, no coal) or None."""
        if self.slot(inventory, "coals", one_stack):
            return "coals"
        logs = self.slot(inventory, "logs", one_stack)
        planks = self.slot(inventory, "planks", one_stack)
        if logs and planks:
            return "charcoal_first"
        if planks and planks[1] > 1:
            return "planks"
        if logs and logs[1] > 1:
            return "logs"
        return None

    def look_up(self, name: str) -> str:
        """``func_call.look_up``: VAB's text for an item's recipe file, or a tag's members."""
        if name in self.tags:
            members = self.tags[name]
            lines = [
                f"{name} is a tag. Following items belong to this tag: " + ", ".join(members) + "."
            ]
            lines += [
                f"{m}: "
                + (
                    self.describe(m)
                    if m in self.files
                    else "It is a raw item you can mine from the environment."
                )
                for m in members
            ]
            return "\n".join(lines)
        if name not in self.files:
            return NO_RECIPE
        return f"{name}: {self.describe(name)}"

    def describe(self, name: str) -> str:
        """``func_call.recipe_description`` of recipe file ``name``."""
        recipe = self.files[name]
        kind = recipe["type"].removeprefix("minecraft:")
        if kind in ("crafting_shaped", "crafting_shapeless"):
            items = _crafting_items(recipe)
            if items is None:
                return "Cannot obtain the object."
            result = normalize(recipe["result"]["item"])
            needs = ", ".join(
                f"{n} {i[1:]} (tag)" if i.startswith("#") else f"{n} {i}" for i, n in items.items()
            )
            count = recipe["result"].get("count") or 1
            return (
                f"Crafting {result} needs {needs}. Every time you craft {result} with the "
                f"ingredients above, you will get {count} {result}."
            )
        if kind == "smelting":
            fuels = ", ".join(self.tags["coals"])
            pieces = ", ".join(self.tags["planks"] + self.tags["logs"])
            source, what = _ingredient(recipe["ingredient"])
            return (
                f"Smelting 1 {normalize(recipe['result'])} needs 1 unit of fuel and 1 "
                f"ingredient. Fuel can be one of the following: {fuels}. Or you can use 2 "
                f"pieces of the following as a unit of fuel: {pieces}. Ingredient: "
                f"1 {source}{' (tag)' if what == 'tag' else ''}."
            )
        return "Cannot obtain the object."

    # -- mining and loot ------------------------------------------------------------------
    def harvest(self, block: str, tool: str | None) -> tuple[bool, int]:
        """(whether ``tool`` harvests ``block`` for drops, mining time in ticks)."""
        info = self.blocks.get(block)
        if info is None or not info.get("diggable", True) or info.get("hardness") is None:
            return False, 10**9
        hardness = float(info["hardness"])
        tool_id = str(self.items[tool]["id"]) if tool in self.items else None
        harvest_tools = info.get("harvestTools")
        can = harvest_tools is None or (tool_id is not None and tool_id in harvest_tools)
        speed = 1.0
        material = self.md.materials.get(info.get("material", ""), {})
        if tool_id is not None and tool_id in material:
            speed = float(material[tool_id])
        seconds = hardness * (1.5 if can else 5.0) / speed
        return can, max(1, math.ceil(seconds * 20))

    def block_drops(self, block: str, rng: np.random.Generator) -> list[tuple[str, int]]:
        """What breaking ``block`` (with a tool that can harvest it) drops."""
        if block in self.drop_overrides:
            return [
                (item, 1) for item, chance in self.drop_overrides[block] if rng.random() < chance
            ]
        loot = self.md.blockLoot.get(block)
        if not loot:
            return [(block, 1)] if block in self.items else []
        drops = []
        for entry in loot:
            if entry.get("silkTouch"):
                continue
            chance = 1.0 if entry.get("noSilkTouch") else float(entry.get("dropChance", 1))
            if rng.random() < chance:
                low, high = entry.get("stackSizeRange", [1, 1])
                drops.append((entry["item"], int(rng.integers(low or 1, (high or 1) + 1))))
        return drops

    def mob_drops(self, kind: str, rng: np.random.Generator) -> list[tuple[str, int]]:
        drops = []
        for entry in self.md.entityLoot.get(kind, []):
            if rng.random() < float(entry.get("dropChance", 1)):
                low, high = entry.get("stackSizeRange", [1, 1])
                count = int(rng.integers(low or 1, (high or 1) + 1))
                if count > 0:
                    drops.append((entry["item"], count))
        return drops


@cache
def rules() -> Rules:
    return Rules()
