"""VAB-Minecraft's program solver: a planner over the recipe and loot graph.

Each step it plans afresh from the current inventory (so an executor call that fell short
is simply planned again): to have ``n`` of an item, gather it (``solver.yaml``: which
prompt, which tool to hold), or craft or smelt it after obtaining the ingredients, the
crafting table, the furnace, a pickaxe and fuel. It plays only through the public actions.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any

import gymnasium as gym
import yaml

from vab_gym.core.actions import format_call
from vab_gym.envs.minecraft.rules import Inventory, Rules, normalize, rules

MAX_DEPTH = 16


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load((resources.files(__package__) / "solver.yaml").read_text())


class _Unreachable(Exception):
    """No known way to obtain an item."""


class MinecraftSolver:
    """The scripted expert (an :class:`~vab_gym.agents.Agent`)."""

    def __init__(self) -> None:
        self.book: Rules = rules()
        self.data = _data()
        self.target = ""
        self.count = 1
        self._fails = 0
        self._last = ""

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        task = env.unwrapped.task
        self.env = env.unwrapped
        self.target, self.count = task.judge["item"], task.judge["count"]
        self._fails = 0
        self._last = ""

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        player = self.env.player
        if info.get("action_error") and self._last.startswith("execute"):
            self._fails += 1
        if self._fails >= 3:  # the area is exhausted: go back to the kits and try again
            self._fails = 0
            self._last = "teleport_to_spawn()"
            return self._last
        try:
            action = self.plan(player.inventory, player.equipped, self.target, self.count)
        except _Unreachable:
            action = None
        self._last = action or format_call("look_up", [self.target])
        return self._last

    # -- planning -------------------------------------------------------------------------
    def plan(self, inv: Inventory, held: str | None, item: str, n: int,
             depth: int = 0) -> str | None:
        """The next action towards ``n`` of ``item``; ``None`` when the inventory has them."""
        item = normalize(item)
        if self.book.judge_count(inv, item) >= n or (depth and self.book.count(inv, item) >= n):
            return None
        if depth > MAX_DEPTH:
            raise _Unreachable(item)
        if self.book.is_tag(item) and item not in self.book.items:
            member = self._member(inv, item)
            return self.plan(inv, held, member, n, depth + 1)
        gather = self.data["gather"].get(item)
        if gather:
            return self._gather(inv, held, item, n, gather, depth)
        if item in self.book.recipes:
            return self._craft(inv, held, item, n, depth)
        if item in self.book.smelting:
            return self._smelt(inv, held, item, n, depth)
        raise _Unreachable(item)

    def _member(self, inv: Inventory, tag: str) -> str:
        members = self.book.members(tag)
        held = max(members, key=lambda m: inv.get(m, 0))
        if inv.get(held, 0) > 0:
            return held
        return self.data["tag_members"].get(tag, members[0])

    def _gather(self, inv, held, item, n, gather, depth) -> str | None:
        tool = gather.get("tool")
        hold = gather.get("hold")
        if tool:
            pickaxes = self.data["pickaxes"]
            good = pickaxes[pickaxes.index(tool):]
            have = [p for p in good if inv.get(p, 0) > 0]
            if not have:
                return self.plan(inv, held, tool, 1, depth + 1)
            if held not in have:
                return format_call("equip", [have[-1]])
        if hold:
            if inv.get(hold, 0) <= 0:
                return self.plan(inv, held, hold, 1, depth + 1)
            if held != hold:
                return format_call("equip", [hold])
        missing = n - self.book.count(inv, item)
        return format_call("execute", [gather["prompt"], item, max(1, missing)])

    def _craft(self, inv, held, item, n, depth) -> str | None:
        recipes = self.book.recipes[item]
        recipe = max(recipes, key=lambda r: sum(min(self.book.count(inv, i), k)
                                                 for i, k in r.ingredients))
        times = math.ceil((n - self.book.count(inv, item)) / recipe.count)
        if recipe.needs_table and inv.get("crafting_table", 0) <= 0:
            return self.plan(inv, held, "crafting_table", 1, depth + 1)
        for ingredient, k in recipe.ingredients:
            step = self.plan(inv, held, ingredient, k * times, depth + 1)
            if step:
                return step
        return format_call("craft", [item, n - self.book.count(inv, item)])

    def _smelt(self, inv, held, item, n, depth) -> str | None:
        missing = n - self.book.count(inv, item)
        source = self.book.smelting[item][0].ingredients[0][0]
        for need, amount in (("furnace", 1), ("wooden_pickaxe", 1)):
            if need == "wooden_pickaxe" and self.book.count(inv, "#pickaxe"):
                continue
            step = self.plan(inv, held, need, amount, depth + 1)
            if step:
                return step
        if not self.book.fuel_plan(inv, missing):
            step = self.plan(inv, held, "coal" if missing > 4 else "planks",
                             1 if missing > 4 else 2 * missing, depth + 1)
            if step:
                return step
        step = self.plan(inv, held, source, missing, depth + 1)
        return step or format_call("smelt", [item, missing])
