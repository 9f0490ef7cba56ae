"""Minecraft 1.16 rules as data: items, recipes, tags, smelting, fuel, mining and loot.

Recipes, items, blocks, hardness, harvest tools and loot come from the ``minecraft-data``
package (``minecraft_data("1.16.1")``), which lists one recipe per tag member (a crafting
table from oak planks, another from birch planks...); those variants are folded back into
tag ingredients (``#planks``) with VAB's tag lists (``data/tag_items.json``). Smelting and a
few drop tables that minecraft-data lacks are in ``rules.yaml``. Crafting and smelting
follow VAB's skills: tables and furnaces are carried, not placed, and the feedback strings
are VAB's.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

Inventory = Counter  # item name -> count
INVENTORY_SLOTS = 36
# Tags a recipe ingredient may be folded into, most specific first.
_FOLDABLE_TAGS = (
    "planks", "stone_crafting_materials", "coals", "wool", "wooden_slabs", "sand",
    "oak_logs", "birch_logs", "spruce_logs", "jungle_logs", "acacia_logs", "dark_oak_logs",
    "crimson_stems", "warped_stems", "logs_that_burn", "logs", "gold_ores",
)
_TOOLS = ("_pickaxe", "_axe", "_shovel", "_hoe", "_sword")


class RuleError(ValueError):
    """An action the rules refuse; the message is VAB's feedback."""


@dataclass(frozen=True)
class Recipe:
    """Make ``count`` of ``result`` from ``ingredients`` (item, or ``#tag``, -> amount)."""

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


class Rules:
    """The rule book; one shared instance (:func:`rules`)."""

    def __init__(self) -> None:
        import minecraft_data

        self.md = minecraft_data("1.16.1")
        self.items: dict[str, dict] = {i["name"]: i for i in self.md.items_list}
        self.blocks: dict[str, dict] = {b["name"]: b for b in self.md.blocks_list}
        raw_tags = json.loads(_data_file("tag_items.json"))
        # VAB's "pseudo-tags" list recipe-file names (red_dye_from_beetroot); keep items only.
        self.tags: dict[str, tuple[str, ...]] = {}
        for tag, members in raw_tags.items():
            items = tuple(m for m in map(normalize, members) if m in self.items)
            if items and not (len(items) == 1 and items[0] == normalize(tag)):
                self.tags[normalize(tag)] = items
        extra = yaml.safe_load(resources.files(__package__).joinpath("rules.yaml").read_text())
        self.fuel = extra["fuel"]
        self.drop_overrides = {k: [tuple(d) for d in v] for k, v in extra["drops"].items()}
        self.tool_speed = extra["tool_speed"]
        self.recipes: dict[str, list[Recipe]] = self._crafting_recipes()
        self.smelting: dict[str, list[Recipe]] = {
            result: [Recipe(result, 1, ((src, 1),), smelting=True) for src in sources]
            for result, sources in extra["smelting"].items()
        }

    # -- names ----------------------------------------------------------------------------
    def is_tag(self, name: str) -> bool:
        return normalize(name).removeprefix("#") in self.tags

    def members(self, name: str) -> tuple[str, ...]:
        """The items a name stands for: a tag's members, or the item itself."""
        name = normalize(name)
        if name.startswith("#") or (name in self.tags and name not in self.items):
            return self.tags.get(name.removeprefix("#"), ())
        if name in self.tags and name in self.items:  # e.g. sand: the item and its tag
            return self.tags[name]
        return (name,)

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
        """VAB's judge: for a tag, the largest count of any single member."""
        return max((inventory.get(m, 0) for m in self.members(name)), default=0)

    def slots_used(self, inventory: Inventory) -> int:
        return sum(math.ceil(n / self.stack_size(i)) for i, n in inventory.items() if n > 0)

    def take(self, inventory: Inventory, name: str, amount: int) -> None:
        """Remove ``amount`` of an item or tag, a tag's members in the tag's order (the
        common one first: cobblestone before blackstone, oak before birch)."""
        for member in self.members(name):
            used = min(amount, inventory.get(member, 0))
            inventory[member] -= used
            amount -= used
            if inventory[member] <= 0:
                del inventory[member]
            if amount == 0:
                return
        raise RuleError(f"Not enough {normalize(name).removeprefix('#')}.")

    # -- crafting and smelting ------------------------------------------------------------
    def craft(self, inventory: Inventory, item: str, num: int = 1) -> str:
        """Craft ``num`` of ``item`` (or of a tag's member) into ``inventory``; VAB's message."""
        item = normalize(item)
        candidates = [r for m in self.members(item) for r in self.recipes.get(m, [])]
        if not candidates:
            raise RuleError(f"Recipe not found for {item}.")
        if not any(r.needs_table for r in candidates) or "crafting_table" in inventory:
            usable = candidates
        else:
            usable = [r for r in candidates if not r.needs_table]
            if not usable:
                raise RuleError("No crafting_table in your inventory. You cannot use the "
                                "crafting_table even if it's right in front of you.")
        for recipe in usable:
            times = math.ceil(num / recipe.count)
            if all(self.count(inventory, ing) >= n * times for ing, n in recipe.ingredients):
                trial = inventory.copy()
                for ing, n in recipe.ingredients:
                    self.take(trial, ing, n * times)
                trial[recipe.result] += recipe.count * times
                if self.slots_used(trial) > INVENTORY_SLOTS:
                    raise RuleError("No space to place the product.")
                inventory.clear()
                inventory.update(trial)
                return f"Successfully crafted {num} {item}."
        raise RuleError(f"Not enough materials for {num} {item}.")

    def smelt(self, inventory: Inventory, item: str, num: int = 1) -> str:
        """Smelt ``num`` of ``item`` with a carried furnace; VAB's message."""
        item = normalize(item)
        if not any(self.count(inventory, p) for p in ("#pickaxe",)):
            raise RuleError("No wooden_pickaxe in your inventory to return the furnace at last.")
        recipes = [r for m in self.members(item) for r in self.smelting.get(m, [])]
        if not recipes:
            raise RuleError(f"Recipe for {item} not found.")
        fuel = self.fuel_plan(inventory, num)
        if fuel is None:
            raise RuleError("Not enough fuels. You need at least 1 coals or 2 logs or 2 planks.")
        if "furnace" not in inventory:
            raise RuleError("No furnace in your inventory. You cannot use the furnace even "
                            "if it's right in front of you.")
        recipe = next((r for r in recipes
                       if self.count(inventory, r.ingredients[0][0]) >= num), None)
        if recipe is None:
            raise RuleError(f"Not enough {recipes[0].ingredients[0][0].removeprefix('#')}.")
        trial = inventory.copy()
        self.take(trial, recipe.ingredients[0][0], num)
        self.take(trial, *fuel)
        trial[recipe.result] += num
        if self.slots_used(trial) > INVENTORY_SLOTS:
            raise RuleError("No space to place result.")
        inventory.clear()
        inventory.update(trial)
        return f"Successfully smelted {num} {item}."

    def fuel_plan(self, inventory: Inventory, num: int) -> tuple[str, int] | None:
        """(fuel, amount) for ``num`` items: coal first, else planks or logs."""
        for fuel in self.fuel["unit"]:
            need = math.ceil(num / self.fuel["unit_items"])
            if self.count(inventory, fuel) >= need:
                return fuel, need
        for fuel in self.fuel["pieces_of"]:
            need = self.fuel["pieces"] * num
            if self.count(inventory, fuel) >= need:
                return fuel, need
        return None

    def look_up(self, name: str) -> str:
        """VAB's recipe knowledge for an item or a tag."""
        name = normalize(name)
        if name in self.tags and (name not in self.items or name not in self.recipes):
            members = self.tags[name]
            lines = [f"{name} is a tag. Following items belong to this tag: "
                     + ", ".join(members) + "."]
            lines += [f"{m}: {self._recipe_text(m)}" for m in members]
            return "\n".join(lines)
        if not self.known(name):
            return ("No recipe for this item. Maybe it is a raw item or you take the wrong "
                    "name as an argument.")
        return f"{name}: {self._recipe_text(name)}"

    def _recipe_text(self, item: str) -> str:
        if item in self.recipes and item not in self.smelting:
            recipe = self.recipes[item][0]
            needs = ", ".join(f"{n} {self._ingredient_text(i)}" for i, n in recipe.ingredients)
            table = " with a crafting_table" if recipe.needs_table else ""
            return (f"Crafting {item} needs {needs}{table}. Every time you craft {item} with "
                    f"the ingredients above, you will get {recipe.count} {item}.")
        if item in self.smelting:
            sources = " or ".join(self._ingredient_text(r.ingredients[0][0])
                                  for r in self.smelting[item])
            fuels = ", ".join(m for f in self.fuel["unit"] for m in self.members(f))
            pieces = ", ".join(m for f in self.fuel["pieces_of"] for m in self.members(f))
            return (f"Smelting 1 {item} needs 1 unit of fuel and 1 ingredient. Fuel can be "
                    f"one of the following: {fuels}. Or you can use {self.fuel['pieces']} "
                    f"pieces of the following as a unit of fuel: {pieces}. "
                    f"Ingredient: 1 {sources}.")
        return "It is a raw item you can mine from the environment."

    @staticmethod
    def _ingredient_text(name: str) -> str:
        return f"{name[1:]} (tag)" if name.startswith("#") else name

    def _crafting_recipes(self) -> dict[str, list[Recipe]]:
        """minecraft-data's recipes, with per-member variants folded into tag ingredients."""
        names = {i["id"]: i["name"] for i in self.md.items_list}
        folded: dict[str, list[Recipe]] = {}
        for result_id, variants in self.md.recipes.items():
            result = names[int(result_id)]
            groups: dict[tuple, list[Counter]] = {}
            for v in variants:
                if "inShape" in v:
                    cells = [c for row in v["inShape"] for c in row if c is not None]
                    rows = len(v["inShape"])
                    cols = max(len(row) for row in v["inShape"])
                    needs_table = rows > 2 or cols > 2
                else:
                    cells = list(v.get("ingredients", []))
                    needs_table = len(cells) > 4
                counts = Counter(names[c] for c in cells)
                folded_counts: Counter = Counter()
                for item, n in counts.items():
                    folded_counts[self._fold_key(item, result)] += n
                key = (tuple(sorted(folded_counts.items())), v["result"]["count"], needs_table)
                groups.setdefault(key, []).append(counts)
            for (folded_counts, count, needs_table), group in groups.items():
                # A tag stands in a slot only where the variants used several of its members.
                seen: dict[str, set[str]] = {}
                for counts in group:
                    for item in counts:
                        seen.setdefault(self._fold_key(item, result), set()).add(item)
                ingredients = tuple(sorted(
                    (key if len(seen[key]) > 1 else next(iter(seen[key])), n)
                    for key, n in folded_counts))
                folded.setdefault(result, []).append(
                    Recipe(result, count, ingredients, needs_table))
        return folded

    def _fold_key(self, item: str, result: str) -> str:
        """The tag an ingredient would fold into (or itself), to group a recipe's variants.
        Tools take ``stone_tool_materials``, everything else ``stone_crafting_materials``
        (vanilla's two tags with the same members)."""
        tag = next((t for t in _FOLDABLE_TAGS if item in self.tags.get(t, ())), None)
        if tag == "stone_crafting_materials" and result.endswith(_TOOLS):
            tag = "stone_tool_materials"
        return f"#{tag}" if tag else item

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
            return [(item, 1) for item, chance in self.drop_overrides[block]
                    if rng.random() < chance]
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
