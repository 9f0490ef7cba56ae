"""VAB-Minecraft's program solver: a planner over the recipe and loot graph.

Each step it plans afresh from the current inventory, so an executor call that fell short
is simply planned again (VAB's executor says only one fixed sentence: a turn that fell
short shows in the inventory). To have ``n`` of an item it gathers it (``solver.yaml``:
which prompt, which tool to hold), or crafts or smelts it after obtaining the ingredients,
the crafting table, the furnace, a wooden_pickaxe and fuel. It plays only through the
public actions. Each step's rationale (``last_step["thought"]``) is filled from
``solver.yaml``'s templates with the plan's values: why the item is wanted (its role for the
item above it) and what the action does about it.
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
from vab_gym.envs.minecraft.tasks import reachable, start_items

MAX_DEPTH = 16
DEEP_ORES = ("diamond", "redstone", "gold", "lapis")
DEEP_ENOUGH = 30  # feet y below which deep ores are within the executor's search


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
        self._stack: list[tuple[str, int, str]] = []  # (item, count, role) being planned
        self._why: dict[str, Any] = {}  # the plan step behind the action planned last
        self.last_step: dict[str, Any] = {}

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        task = env.unwrapped.task
        self.env = env.unwrapped
        self.target, self.count = task.judge["item"], task.judge["count"]
        self._fails = 0
        self._last = ""
        self._exhausted: set[str] = set()  # items whose gathering failed even at the spawn
        self._teleported = False
        self._gathering = ""
        self._explored = False
        self._before: dict[str, int] = {}  # the inventory before the last execute
        self.depth = reachable(start_items(task), self.book)
        self.last_step = {}

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        player = self.env.player
        if self._last.startswith("execute("):
            stuck = all(player.inventory.get(k, 0) <= n for k, n in self._before.items()) and set(
                player.inventory
            ) <= set(self._before)  # nothing gained at all
            self._fails = self._fails + 1 if stuck else 0
            if not stuck:  # a fresh search may go back to the spawn and explore again
                self._teleported = self._explored = False
        action = self.next_step()[0] or format_call("look_up", [self.target])
        if self._fails and action == self._last:
            if any(ore in action for ore in DEEP_ORES) and player.pos[1] > DEEP_ENOUGH:
                action = format_call("execute", ["dig down"])  # deep ores are out of sight
                self._why["kind"] = "dig_down"
            elif self._fails >= 2 and not self._teleported:  # back to the spawn and its kits
                action, self._fails, self._teleported = "teleport_to_spawn()", 0, True
                self._why = {"kind": "teleport", "item": self._gathering}
            elif self._fails >= 2 and not self._explored:  # beyond the executor's search
                action, self._fails, self._explored = (
                    format_call("execute", ["explore the area"]),
                    0,
                    True,
                )
                self._why = {"kind": "explore", "item": self._gathering}
            elif self._fails >= 2:  # nothing left even there: find another way to it
                self._exhausted.add(self._gathering)
                self._fails, self._teleported, self._explored = 0, False, False
                return self.act(obs, info)
        self._last = action
        self._before = dict(player.inventory)
        self.last_step = {"thought": self.thought()}
        return action

    def next_step(self) -> tuple[str | None, dict[str, Any]]:
        """The action the plan takes from the current inventory (None when there is none),
        and the plan step behind it: the rationale's values (``kind``, ``item``, ``need``...)."""
        player = self.env.player
        self._why = {"kind": "look_up", "item": self.target}
        try:
            action = self.plan(
                player.inventory, player.equipped, self.target, self.count, role="goal"
            )
        except _Unreachable:
            action = None
        return action, self.why()

    # -- rationales -----------------------------------------------------------------------
    def why(self) -> dict[str, Any]:
        """The values of the plan step behind the action planned last, ``need`` filled in."""
        why = dict(self._why)
        if "role" in why:
            why["need"] = self.data["thoughts"]["need"][why["role"]].format(**why)
        return why

    def thought(self) -> str:
        """The rationale of the action planned last, from ``solver.yaml``'s templates."""
        why = self.why()
        return self.data["thoughts"]["step"][why["kind"]].format(**why)

    def _note(self, kind: str, item: str, **values: Any) -> None:
        """Remember the plan step behind the action being returned: the item, its role for
        the item above it in the plan (a tag and its member are one item here) and the
        template's values."""
        stack = self._stack
        frames = [
            f
            for f, below in zip(stack, [*stack[1:], None], strict=True)
            if below is None or below[0] not in self.book.tags.get(f[0], ())
        ]
        _, n, role = frames[-1]
        parent = frames[-2][0] if len(frames) > 1 else ""
        self._why = {"kind": kind, "item": item, "n": n, "role": role, "parent": parent, **values}

    def _have(self, inv: Inventory, ingredients) -> str:
        """What of the ingredients the inventory holds, in the slots crafting takes them from:
        "2 oak_log and a crafting_table"."""
        parts = []
        for ingredient, _ in ingredients:
            found = self.book.slot(inv, ingredient)
            parts.append(f"{found[1]} {found[0]}" if found else f"no {ingredient.lstrip('#')}")
        return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)

    # -- planning -------------------------------------------------------------------------
    def plan(
        self,
        inv: Inventory,
        held: str | None,
        item: str,
        n: int,
        visiting: frozenset[str] = frozenset(),
        role: str = "ingredient",
    ) -> str | None:
        """The next action towards ``n`` of ``item``; ``None`` when the inventory has them.
        Ways to get an item are tried cheapest first; one that dead-ends (a cycle, an item
        nothing yields) gives way to the next. ``role`` is what the item is for (the
        rationale's ``need`` template)."""
        self._stack.append((normalize(item), n, role))
        try:
            return self._plan(inv, held, normalize(item), n, visiting)
        finally:
            self._stack.pop()

    def _plan(
        self, inv: Inventory, held: str | None, item: str, n: int, visiting: frozenset[str]
    ) -> str | None:
        if self.book.judge_count(inv, item) >= n or (
            visiting and self.book.slot_amount(inv, item) >= n
        ):
            return None
        if item in visiting or len(visiting) > MAX_DEPTH:
            raise _Unreachable(item)
        visiting = visiting | {item}
        options = []
        if self.book.is_tag(item) and item not in self.book.items:
            role = self._stack[-1][2]
            options = [
                lambda m=m: self.plan(inv, held, m, n, visiting, role)
                for m in self._members_by_cost(inv, item)
            ]
        gather = self.data["gather"].get(item)
        if gather and item not in self._exhausted:
            options.append(lambda: self._gather(inv, held, item, n, gather, visiting))
        ways = sorted(self.book.recipes.get(item, []), key=lambda r: self._cost(inv, r))
        options += [lambda r=r: self._craft(inv, held, item, n, r, visiting) for r in ways]
        if item in self.book.smelting:
            smelt = (
                self._cost(inv, self.book.smelting[item][0]),
                lambda: self._smelt(inv, held, item, n, visiting),
            )
            cheaper = [i for i, r in enumerate(ways) if self._cost(inv, r) > smelt[0]]
            at = len(options) - len(ways) + (cheaper[0] if cheaper else len(ways))
            options.insert(at, smelt[1])
        for option in options:
            try:
                return option()
            except _Unreachable:
                continue
        raise _Unreachable(item)

    def _cost(self, inv: Inventory, recipe) -> float:
        """How far a recipe's missing ingredients are from what the world offers."""
        cost = 0.0
        for ingredient, k in recipe.ingredients:
            if self.book.slot_amount(inv, ingredient) >= k:
                continue
            depths = [self.depth[m] for m in self.book.members(ingredient) if m in self.depth]
            cost += 1 + (min(depths) if depths else 100)
        return cost

    def _members_by_cost(self, inv: Inventory, tag: str) -> list[str]:
        members = list(self.book.members(tag))
        preferred = self.data["tag_members"].get(tag)
        return sorted(
            members, key=lambda m: (-inv.get(m, 0), m != preferred, self.depth.get(m, 100))
        )

    def _member(self, inv: Inventory, tag: str) -> str:
        members = self.book.members(tag)
        held = max(members, key=lambda m: inv.get(m, 0))
        if inv.get(held, 0) > 0:
            return held
        return self.data["tag_members"].get(tag, members[0])

    def _gather(self, inv, held, item, n, gather, visiting) -> str | None:
        tool = gather.get("tool")
        hold = gather.get("hold")
        if tool:
            tiers = self.data["tool_tiers"][tool.rsplit("_", 1)[1]]
            good = tiers[tiers.index(tool) :]
            have = [p for p in good if inv.get(p, 0) > 0]
            if not have:
                return self.plan(inv, held, tool, 1, visiting, "tool")
            if held not in have:
                self._note("equip", item, prompt=gather["prompt"], tool=tool, held=have[-1])
                return format_call("equip", [have[-1]])
        if hold:
            if inv.get(hold, 0) <= 0:
                return self.plan(inv, held, hold, 1, visiting, "hold")
            if held != hold:
                self._note("equip", item, prompt=gather["prompt"], tool=hold, held=hold)
                return format_call("equip", [hold])
        missing = n - self.book.count(inv, item)
        self._gathering = item
        self._note(
            "gather",
            item,
            prompt=gather["prompt"],
            num=max(1, missing),
            have=self.book.count(inv, item) or "none",
        )
        return format_call("execute", [gather["prompt"], item, max(1, missing)])

    def _craft(self, inv, held, item, n, recipe, visiting) -> str | None:
        times = math.ceil((n - self.book.count(inv, item)) / recipe.count)
        if recipe.needs_table and inv.get("crafting_table", 0) <= 0:
            return self.plan(inv, held, "crafting_table", 1, visiting, "table")
        for ingredient, k in recipe.ingredients:
            # Make a tag's usual member, so rarer members the task needs are not used up.
            ingredient = self.data["tag_members"].get(ingredient.removeprefix("#"), ingredient)
            step = self.plan(inv, held, ingredient, k * times, visiting)
            if step:
                return step
        table = (("crafting_table", 1),) if recipe.needs_table else ()
        self._note(
            "craft",
            item,
            num=n - self.book.count(inv, item),
            have=self._have(inv, recipe.ingredients + table),
        )
        return format_call("craft", [item, n - self.book.count(inv, item)])

    def _smelt(self, inv, held, item, n, visiting) -> str | None:
        missing = n - self.book.count(inv, item)
        source = self.book.smelting[item][0].ingredients[0][0]
        for need in ("furnace", "wooden_pickaxe"):  # VAB's skill wants exactly these
            step = self.plan(inv, held, need, 1, visiting, "smelter")
            if step:
                return step
        if self.book.fuel_choice(inv) is None:
            step = (
                self.plan(inv, held, "coal", math.ceil(missing / 8), visiting, "fuel")
                if missing > 4
                else self.plan(inv, held, "planks", 2 * missing, visiting, "fuel")
            )
            if step:
                return step
        # With logs and planks but no coal, VAB's skill first burns a log into charcoal.
        logs = set(self.book.members("logs_that_burn"))
        extra = self.book.fuel_choice(inv) == "charcoal_first" and bool(
            logs & set(self.book.members(source))
        )
        step = self.plan(inv, held, source, missing + extra, visiting, "source")
        if step:
            return step
        self._note("smelt", item, num=missing, have=self._have(inv, ((source, 1),)))
        return format_call("smelt", [item, missing])
