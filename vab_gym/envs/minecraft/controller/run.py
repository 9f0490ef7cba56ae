"""A run of the executor: one ``execute`` call's walk, digging, breaking and fighting under
a tick budget, with its bookkeeping (ticks used, gains, losses, the reason lines).

The target is chosen in ``targeting.py``; the masks, work arrays and search box it walks in
are ``pathing.py``'s.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

import numpy as np

from vab_gym.envs.minecraft.controller.kernels import _dijkstra
from vab_gym.envs.minecraft.controller.pathing import (
    MARGIN,
    Box,
    _cells,
    block_tables,
    clear_masks,
    paths_of,
)
from vab_gym.envs.minecraft.controller.targeting import Kind, choose
from vab_gym.envs.minecraft.controller.vocabulary import (
    Intent,
    Mode,
    Target,
    may_give,
    vocabulary,
)
from vab_gym.envs.minecraft.rules import INVENTORY_SLOTS, rules
from vab_gym.envs.minecraft.world import Mob, Player, World, palette

NEAR_TICKS = 64.0  # walking ticks of the first, cheap search around the player
TIERS = ("wooden", "stone", "iron", "diamond", "netherite", "golden")


class Status(StrEnum):
    """How breaking a block or digging toward one ended."""

    OK = "ok"
    BLOCKED = "blocked"  # water, an unbreakable block, or no staircase found
    BUDGET = "budget"  # the turn's ticks ran out
    FULL = "full"  # the inventory filled up


@dataclass
class Run:
    world: World
    player: Player
    rng: np.random.Generator
    budget: int
    intent: Intent
    goal: str | None
    want: int
    hints: bool = False
    used: float = 0.0
    notes: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)
    lost: Counter = field(default_factory=Counter)
    got: Counter = field(default_factory=Counter)
    full: bool = False
    box: Box | None = None
    arrived: bool = False
    skip: list = field(default_factory=list)  # buried targets a staircase could not reach
    search: tuple | None = None  # (box, start) of the last search, while it can be resumed

    def __post_init__(self) -> None:
        data = vocabulary().data
        self.data = data
        self.ticks = data["ticks"]
        self.radius = data["radius"]
        pal = palette()
        lut = np.zeros(len(pal.names), bool)
        target = self.intent.target
        if target and self.goal and self.intent.mode == Mode.COLLECT and self.hints:
            # "chop down trees" for oak_log: go for the oaks (of what the prompt names).
            blocks = tuple(b for b in target.blocks if may_give(Target(b, blocks=(b,)), self.goal))
            mobs = tuple(m for m in target.mobs if may_give(Target(m, mobs=(m,)), self.goal))
            if blocks or mobs:
                target = Target(target.name, blocks, mobs, target.items, target.special)
                self.intent = Intent(self.intent.mode, target)
        for name in target.blocks if target else ():
            lut[pal.id(name)] = True
        self.lut = lut
        self.origin = self.player.pos.copy()

    # -- bookkeeping ----------------------------------------------------------------------
    @property
    def remaining(self) -> float:
        return self.budget - self.used

    def note(self, line: str, soft: bool = False) -> None:
        """A reason line; ``soft`` ones (the turn simply ended) only matter on a shortfall."""
        lines = self.soft if soft else self.notes
        if line not in lines:
            lines.append(line)

    def goal_done(self) -> bool:
        inv = self.player.inventory
        return self.goal is not None and rules().judge_count(inv, self.goal) >= self.want

    def gain(self, item: str, n: int) -> None:
        """Put ``n`` of ``item`` in the inventory; what does not fit is lost."""
        if n <= 0:
            return
        inv, book = self.player.inventory, rules()
        stack = book.stack_size(item)
        have = inv.get(item, 0)
        room = (-have) % stack + (INVENTORY_SLOTS - book.slots_used(inv)) * stack
        keep = max(0, min(n, room))
        if keep:
            inv[item] += keep
            self.got[item] += keep
        if keep < n:
            self.lost[item] += n - keep
            self.full = True

    def feet(self) -> np.ndarray:
        return np.floor(self.player.pos).astype(np.int64)

    def face(self, point: np.ndarray) -> None:
        d = np.asarray(point, float) - self.player.pos
        if abs(d[0]) + abs(d[2]) > 1e-9:
            self.player.yaw = float(math.degrees(math.atan2(-d[0], d[2])))

    def held(self) -> str | None:
        return self.player.equipped

    # -- the box and walking --------------------------------------------------------------
    def ensure_box(self) -> Box:
        feet = self.feet()
        if self.box is None or np.abs(feet - self.box.center).max() > MARGIN:
            self.box = Box(self.world, feet, self.radius, self.lut)
            for cell in self.skip:
                if self.box.inside(cell):
                    self.box.target[tuple(self.box.local(cell))] = False
        return self.box

    def field(
        self, limit: float | None = None, wider: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Walking ticks from the player to every cell of the box (within ``limit``: exact
        there, above ``limit`` or inf beyond), and each cell's predecessor: views of the
        world's work arrays, good until the next search. ``wider``: the last search, from
        here in this box with no block changed since, goes on to the wider ``limit``
        (the same result as a new search, without settling its cells again)."""
        box = self.ensure_box()
        t = self.ticks
        start = np.clip(box.local(self.feet()), 0, np.array(box.solid.shape) - 1)
        shape, size = box.solid.shape, box.solid.size
        paths = paths_of(self.world, size)
        key = (id(box), tuple(int(c) for c in start))
        resume = wider and self.search == key
        paths.count, paths.heap_d, paths.heap_i, paths.size = _dijkstra(
            box.solid,
            box.water,
            box.stand,
            start.astype(np.int64),
            float(self.remaining if limit is None else limit),
            float(t["walk"]),
            float(t["jump"]),
            float(t["water"]),
            float(t["fall"]),
            paths.dist,
            paths.prev,
            paths.done,
            paths.count,
            paths.heap_d,
            paths.heap_i,
            paths.size,
            resume,
        )
        self.search = key
        self.reached = np.stack(np.unravel_index(paths.done[: paths.count], shape), -1)
        return paths.dist[:size].reshape(shape), paths.prev[:size]

    def within_reach(self) -> np.ndarray | None:
        """An exposed target block the player can mine without moving, nearest first."""
        box = self.ensure_box()
        feet = box.local(self.feet())
        lo = np.maximum(0, feet - 6)
        hi = feet + 7
        sub = box.exposed[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]]
        if not sub.any():
            return None
        cells = _cells(sub) + lo
        far = np.linalg.norm(cells + 0.5 - (feet + np.array([0.5, 1.62, 0.5])), axis=1)
        k = int(np.argmin(far))
        if far[k] > self.data["reach"]:
            return None
        return cells[k] + box.lo

    def walk(self, dist: np.ndarray, prev: np.ndarray, goal: int) -> bool:
        """Walk the shortest path to flat box cell ``goal`` as far as the budget allows,
        picking up stacks on the way; whether the goal was reached."""
        box = self.box
        path = []
        i = goal
        while i >= 0:
            path.append(i)
            i = prev[i]
        path.reverse()
        flat = dist.reshape(-1)
        reached = len(path)
        for k, i in enumerate(path):
            if flat[i] > self.remaining:
                reached = k
                break
        if reached == 0:
            return False
        cells = np.stack(np.unravel_index(np.array(path[:reached]), dist.shape), -1) + box.lo
        self.used += float(flat[path[reached - 1]])
        self.player.pos = cells[-1] + np.array([0.5, 0.0, 0.5])
        if len(cells) > 1:
            self.face(self.player.pos + (cells[-1] - cells[-2]))
        self.pick_up_along(cells)
        return reached == len(path)

    def pick_up_along(self, cells: np.ndarray) -> None:
        items = self.world.items
        if not items:
            return
        spots = np.floor(np.array([p for p, _, _ in items], float)).astype(np.int64)
        near = np.zeros(len(items), bool)
        for chunk in np.array_split(cells, max(1, len(cells) // 256)):
            gap = np.abs(spots[:, None, :] - chunk[None, :, :])
            near |= ((gap[..., 0] <= 1) & (gap[..., 2] <= 1) & (gap[..., 1] <= 1)).any(axis=1)
        if near.any():
            self.take_items(np.nonzero(near)[0])

    def take_items(self, indices: np.ndarray) -> None:
        drop = set(int(i) for i in indices)
        kept = []
        for i, (pos, name, count) in enumerate(self.world.items):
            if i in drop and not self.full:
                self.gain(name, count)
            else:
                kept.append((pos, name, count))
        self.world.items[:] = kept

    # -- breaking -------------------------------------------------------------------------
    def break_block(self, cell: np.ndarray, target: bool = False) -> Status:
        """Mine the block at world ``cell`` with the held item: ok, blocked or out of budget."""
        pal, book, world = palette(), rules(), self.world
        if not world.inside(*cell):
            return Status.BLOCKED
        name = pal.names[world.blocks[tuple(cell)]]
        if target and pal.shape[world.blocks[tuple(cell)]] == "plant":
            while (
                cell[1] > 0
                and world.blocks[cell[0], cell[1] - 1, cell[2]] == world.blocks[tuple(cell)]
            ):
                cell = cell - np.array([0, 1, 0])  # a stalk's base: the whole stalk drops
        if name == "air":
            return Status.OK
        if name == "water":
            self.note(f"Digging toward the target was blocked by water at {_xyz(cell)}.")
            return Status.BLOCKED
        can, ticks = book.harvest(name, self.held())
        if ticks >= 10**6:
            self.note(f"The executor cannot break {name}: it blocked the way.")
            return Status.BLOCKED
        if ticks > self.remaining:
            self.used = float(self.budget)
            if target:
                self.note(
                    f"Breaking {name} takes {ticks} ticks with "
                    f"{self.held() or 'your hand'}: the turn ended before it broke.",
                    soft=True,
                )
            return Status.BUDGET
        self.used += ticks
        self.face(cell + 0.5)
        self.set_air(cell)
        if can and target and self.intent.mode == Mode.STRIP and name.endswith(("_log", "_wood")):
            self.gain(f"stripped_{name}", 1)  # stripped with the axe, then mined
        elif can:
            for item, n in book.block_drops(name, self.rng):
                self.gain(item, n)
        else:
            self.note(self.cannot_harvest(name))
        above = cell + np.array([0, 1, 0])
        while world.inside(*above) and pal.shape[world.blocks[tuple(above)]] == "plant":
            plant = pal.names[world.blocks[tuple(above)]]  # sugar cane, flowers on top pop
            self.set_air(above)
            for item, n in book.block_drops(plant, self.rng):
                self.gain(item, n)
            above = above + np.array([0, 1, 0])
        return Status.OK

    def set_air(self, cell: np.ndarray) -> None:
        self.world.blocks[tuple(cell)] = 0
        self.search = None  # a search made before this change cannot be resumed
        if self.box is not None:
            clear_masks(self.box.masks, cell)
            self.box.cleared(np.asarray(cell))

    def cannot_harvest(self, block: str) -> str:
        tool = _weakest_tool(block)
        better = f" Equip a {tool} or better." if tool else ""
        held = self.held()
        who = f"Your equipped {held} cannot" if held else "With nothing equipped you cannot"
        return f"{who} harvest {block}: it broke without dropping anything.{better}"

    # -- digging a staircase --------------------------------------------------------------
    def dig_to(self, target: np.ndarray) -> Status:
        """Dig from the player's feet toward buried ``target`` until it can be mined:
        ok, blocked, out of budget or a full inventory."""
        up = np.array([0, 1, 0])
        for _ in range(512):
            cur = self.feet()
            if self.touches(cur, target):
                return Status.OK
            gap = target - cur
            if gap[0] or gap[2]:
                axis = 0 if abs(gap[0]) >= abs(gap[2]) else 2
                step = np.zeros(3, np.int64)
                step[axis] = np.sign(gap[axis])
                dy = -1 if target[1] < cur[1] else (1 if target[1] > cur[1] + 1 else 0)
                new = cur + step + dy * up
                clear = (
                    [new, new + up]
                    + ([new + 2 * up] if dy < 0 else [])
                    + ([cur + 2 * up] if dy > 0 else [])
                )
            elif target[1] < cur[1]:
                new = cur - up
                clear = [new]
            else:  # straight above: clear up to it
                clear = [cur + k * up for k in range(2, int(target[1] - cur[1]))]
                new = cur
            for cell in clear:
                if np.array_equal(cell, target):
                    return Status.OK
                status = self.break_block(cell)
                if status != Status.OK:
                    return status
            if self.full:
                return Status.FULL
            if np.array_equal(new, cur):
                return Status.OK
            if self.ticks["walk"] > self.remaining:
                self.used = float(self.budget)
                return Status.BUDGET
            self.used += self.ticks["walk"]
            self.player.pos = new + np.array([0.5, 0.0, 0.5])
            self.settle()
        return Status.BLOCKED

    def touches(self, cur: np.ndarray, target: np.ndarray) -> bool:
        """Whether the player at feet ``cur`` can mine ``target`` (open face, in reach)."""
        eye = cur + np.array([0.5, 1.62, 0.5])
        if np.linalg.norm(target + 0.5 - eye) > self.data["reach"]:
            return False
        solid, _ = block_tables()
        for d in ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)):
            n = target + np.array(d)
            if self.world.inside(*n) and not solid[self.world.blocks[tuple(n)]]:
                return True
        return False

    def settle(self) -> None:
        """Fall until something solid (or water) is underfoot."""
        solid, water = block_tables()
        feet = self.feet()
        while feet[1] > 0:
            below = self.world.blocks[feet[0], feet[1] - 1, feet[2]]
            if solid[below] or below == water:
                break
            feet[1] -= 1
        self.player.pos = feet + np.array([0.5, 0.0, 0.5])

    # -- acting on a mob ------------------------------------------------------------------
    def fight(self, mob: Mob) -> bool:
        """Hit ``mob`` with the held item until it dies (or the budget ends)."""
        dmg = float(self.data["damage"].get(self.held(), 1))
        hostile = palette().entities.get(mob.kind, {}).get("hostile", False)
        per_hit = self.ticks["attack"] + (self.ticks["hostile"] if hostile else 0)
        hits = max(1, math.ceil(mob.health / dmg))
        affordable = int(self.remaining // per_hit)
        self.face(mob.pos + np.array([0.0, 0.5, 0.0]))
        if affordable < hits:
            mob.health -= affordable * dmg
            self.used += affordable * per_hit
            return False
        self.used += hits * per_hit
        self.world.mobs[:] = [m for m in self.world.mobs if m is not mob]  # Mob's == is per field
        drops = rules().mob_drops(mob.kind, self.rng)
        for item, n in self.data["extra_mob_drops"].get(mob.kind, []):
            if not (item.endswith("wool") and getattr(mob, "sheared", False)):
                drops.append((item, n))
        for item, n in drops:
            self.gain(item, n)
        return True

    def use_bucket(self, full: str) -> bool:
        """Turn one held empty bucket into ``full``."""
        inv = self.player.inventory
        if self.ticks["pickup"] > self.remaining:
            self.used = float(self.budget)
            return False
        self.used += self.ticks["pickup"]
        inv["bucket"] -= 1
        if inv["bucket"] <= 0:
            del inv["bucket"]
            self.player.equipped = full
        self.gain(full, 1)
        return True

    # -- the modes ------------------------------------------------------------------------
    def needs(self) -> str | None:
        """What the act needs held, when it is missing: the reason line."""
        mode, held, inv = self.intent.mode, self.held(), self.player.inventory
        if mode == Mode.MILK and (held != "bucket" or inv.get("bucket", 0) <= 0):
            return "You need to hold a bucket to milk a cow: equip it first."
        if mode == Mode.FILL and (held != "bucket" or inv.get("bucket", 0) <= 0):
            return "You need to hold an empty bucket to collect water: equip it first."
        if mode == Mode.SHEAR and held != "shears":
            return "You need to hold shears to shear a sheep: equip them first."
        if mode == Mode.STRIP and not (held or "").endswith("_axe"):
            return "You need to hold an axe to strip logs: equip it first."
        return None

    def run(self) -> None:
        if self.intent.mode == Mode.WOOL:
            shears = self.held() == "shears"
            self.intent = Intent(Mode.SHEAR if shears else Mode.COLLECT, self.intent.target)
        missing = self.needs()
        if missing:
            self.note(missing)
            return
        if self.goal_done():
            return
        if self.intent.mode == Mode.DIG_DOWN:
            self.dig_down()
        elif self.intent.mode == Mode.EXPLORE:
            self.explore()
        else:
            self.collect()

    def collect(self) -> None:
        mode, name = self.intent.mode, _target_name(self.intent.target)
        found = False
        for _ in range(2000):
            if self.remaining < 1 or self.goal_done() or self.full:
                return
            if mode in (Mode.MILK, Mode.FILL) and self.needs():
                self.note("You have no empty bucket left.")
                return
            if mode in (Mode.COLLECT, Mode.STRIP) and self.intent.target.blocks:
                cell = self.within_reach()
                if cell is not None:  # next block of a tree or a vein: no path needed
                    found = True
                    if self.break_block(cell, target=True) == Status.BUDGET:
                        return
                    continue
            # Near first (a small field is cheap), then the whole turn, then beyond it.
            # Each wider limit resumes the last search (nothing changed in between).
            for k, limit in enumerate((min(NEAR_TICKS, self.remaining), self.remaining, np.inf)):
                dist, prev = self.field(limit, wider=k > 0)
                choice = choose(self, dist)
                if choice is not None and choice.cost <= limit:
                    break
            if choice is None:
                self.no_target(name, found)
                return
            found = True
            far = np.linalg.norm(choice.cell - self.player.pos)
            if not self.walk(dist, prev, choice.stand):
                self.used = float(self.budget)
                self.note(
                    f"The nearest {name} was {far:.0f} blocks away: the turn ended on "
                    "the way there.",
                    soft=True,
                )
                return
            if choice.kind == Kind.DIG:
                status = self.dig_to(choice.cell)
                if status == Status.BLOCKED:
                    self.skip.append(choice.cell)
                    if self.box.inside(choice.cell):
                        self.box.target[tuple(self.box.local(choice.cell))] = False
                    continue
                if status != Status.OK:
                    return
            if mode == Mode.FIND:
                self.face(choice.cell + 0.5)
                self.arrived = True
                walked = np.hypot(*(self.player.pos - self.origin)[[0, 2]])
                self.note(f"Reached {name} after walking {walked:.0f} blocks.")
                return
            if choice.kind in (Kind.BLOCK, Kind.DIG):
                if mode == Mode.FILL:
                    self.face(choice.cell + 0.5)
                    if not self.use_bucket("water_bucket"):
                        return
                elif self.break_block(choice.cell, target=True) == Status.BUDGET:
                    return
            elif choice.kind == Kind.MOB:
                if not self.act_on_mob(choice.mob):
                    return
            else:
                still = [i for i, it in enumerate(self.world.items) if it is choice.item]
                if still:  # not already picked up on the way
                    if self.ticks["pickup"] > self.remaining:
                        self.used = float(self.budget)
                        return
                    self.used += self.ticks["pickup"]
                    self.take_items(np.array(still))
                    continue

    def act_on_mob(self, mob: Mob) -> bool:
        mode = self.intent.mode
        if mode == Mode.MILK:
            self.face(mob.pos)
            return self.use_bucket("milk_bucket")
        if mode == Mode.SHEAR:
            if self.ticks["pickup"] > self.remaining:
                self.used = float(self.budget)
                return False
            self.used += self.ticks["pickup"]
            self.face(mob.pos)
            mob.sheared = True  # a Mob attribute only the controller reads
            low, high = self.data["shear_wool"]
            self.gain("white_wool", int(self.rng.integers(low, high + 1)))
            return True
        return self.fight(mob)

    def no_target(self, name: str, found: bool) -> None:
        more = "more " if found else ""
        self.note(f"No {more}reachable {name} within {self.radius} blocks.")

    def dig_down(self) -> None:
        pal = palette()
        while self.remaining > 0 and not self.goal_done() and not self.full:
            self.settle()
            feet = self.feet()
            below = feet - np.array([0, 1, 0])
            if below[1] < 0:
                self.note("There is nothing left to dig under you.")
                return
            name = pal.names[self.world.blocks[tuple(below)]]
            status = self.break_block(below, target=True)
            if status != Status.OK:
                if status == Status.BLOCKED and name == "bedrock":
                    self.note("You reached bedrock: there is nothing more to dig down.")
                return
        self.settle()

    def explore(self) -> None:
        box = self.ensure_box()
        dist, prev = self.field()
        reach = self.reached
        if len(reach) <= 1:
            self.note("There is no way to walk from here.")
            return
        spots = reach + box.lo
        flat_d = np.hypot(spots[:, 0] - self.origin[0], spots[:, 2] - self.origin[2])
        score = flat_d + self.rng.random(len(reach))
        k = int(np.argmax(score))
        self.walk(dist, prev, int(np.ravel_multi_index(tuple(reach[k]), dist.shape)))
        moved = float(np.hypot(*(self.player.pos - self.origin)[[0, 2]]))
        self.arrived = moved >= self.data["explore_distance"]
        if self.arrived:
            self.note(f"Walked {moved:.0f} blocks away from where you were.")
        else:
            self.note(f"The executor could only get {moved:.0f} blocks away from where you were.")


def _xyz(cell: np.ndarray) -> str:
    return f"({int(cell[0])}, {int(cell[1])}, {int(cell[2])})"


def _target_name(target: Target | None) -> str:
    if target is None:
        return "target"
    names = list(target.blocks) or list(target.mobs) or list(target.items)
    if len(names) > 3:
        return target.name
    return " or ".join(names) if names else target.name


@cache
def _weakest_tool(block: str) -> str | None:
    """The least tool that harvests ``block`` (golden tools last: they wear out fast)."""
    book = rules()
    ids = book.blocks.get(block, {}).get("harvestTools")
    if not ids:
        return None
    names = {i["id"]: i["name"] for i in book.md.items_list}
    tools = [names[int(i)] for i in ids if int(i) in names]

    def tier(name: str) -> int:
        return next((k for k, t in enumerate(TIERS) if name.startswith(t)), len(TIERS))

    return min(tools, key=tier) if tools else None


def gained_line(gained: Counter, order: Counter) -> str:
    plus = [(k, gained[k]) for k in order if gained.get(k, 0) > 0]
    plus += [(k, n) for k, n in gained.items() if n > 0 and k not in order]
    if not plus:
        return "Gained nothing."
    return "Gained: " + ", ".join(f"{n} {k}" for k, n in plus) + "."
