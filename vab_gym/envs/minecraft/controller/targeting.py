"""The choice of the executor's next target: the cheapest reachable one among exposed
blocks, buried blocks (by a staircase estimate), mobs and dropped stacks, all within the
search radius. A concept of its own, apart from the run that walks to and acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from vab_gym.envs.minecraft.controller.kernels import _approach, _dig_estimate
from vab_gym.envs.minecraft.controller.pathing import MARGIN, _cells, _offsets
from vab_gym.envs.minecraft.controller.vocabulary import Mode
from vab_gym.envs.minecraft.rules import rules
from vab_gym.envs.minecraft.world import Mob

if TYPE_CHECKING:
    from vab_gym.envs.minecraft.controller.run import Run

MAX_EXPOSED = 4096  # nearest exposed targets weighed per step
MAX_BURIED = 24  # nearest buried targets weighed per step (each a staircase estimate)


class Kind(StrEnum):
    """What a choice goes for: an exposed block, a mob, a dropped stack, or a buried block
    reached by digging a staircase."""

    BLOCK = "block"
    MOB = "mob"
    ITEM = "item"
    DIG = "dig"


@dataclass
class Choice:
    cost: float
    kind: Kind
    cell: np.ndarray  # world cell of the target (a mob's or stack's feet cell)
    stand: int  # flat box index of the cell to walk to
    mob: Mob | None = None
    item: tuple | None = None  # the dropped stack itself (indices shift as stacks go)


def choose(run: Run, dist: np.ndarray) -> Choice | None:
    """The cheapest reachable target: exposed blocks, buried blocks (by a staircase
    estimate), mobs and dropped stacks, all within the search radius."""
    box, feet, best = run.box, run.feet(), None
    intent = run.intent
    target = intent.target
    if target and target.blocks:
        cells = box.exposed_cells
        if len(cells):
            cells = cells[box.target[cells[:, 0], cells[:, 1], cells[:, 2]]]
            box.exposed_cells = cells
            far = np.linalg.norm(cells + box.lo - feet, axis=1)
            ok = far <= run.radius
            cells, far = cells[ok], far[ok]
            if len(cells) > MAX_EXPOSED:
                keep = np.argpartition(far, MAX_EXPOSED)[:MAX_EXPOSED]
                cells, far = cells[keep], far[keep]
            if len(cells):
                cost, where = _approach(dist, cells.astype(np.int64), _offsets("block"))
                cost = cost + 1e-3 * far
                k = int(np.argmin(cost))
                if np.isfinite(cost[k]):
                    best = Choice(float(cost[k]), Kind.BLOCK, cells[k] + box.lo, int(where[k]))
        if target.special != "water":
            best = _buried(run, dist, best)
    if target and (target.mobs or intent.mode in (Mode.MILK, Mode.SHEAR, Mode.WOOL)):
        best = _nearest_mob(run, dist, best)
    best = _nearest_item(run, dist, best)
    return best


def _buried(run: Run, dist: np.ndarray, best: Choice | None) -> Choice | None:
    box, feet = run.box, run.feet()
    if not box.any_buried:  # e.g. flowers, sugar cane: never under anything
        return best
    local = box.local(feet)
    for half in (10, 24, run.radius + MARGIN):
        lo = np.maximum(0, local - half)
        hi = local + half + 1
        # target and not exposed, as one array (True > False) instead of three
        sub = np.greater(
            box.target[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]],
            box.exposed[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]],
        )
        cells = _cells(sub) + lo
        if len(cells):
            break
    if not len(cells):
        return best
    far = np.linalg.norm(cells + box.lo - feet, axis=1)
    ok = far <= run.radius
    cells, far = cells[ok], far[ok]
    if not len(cells):
        return best
    if len(cells) > MAX_BURIED:
        keep = np.argsort(far, kind="stable")[:MAX_BURIED]
        cells, far = cells[keep], far[keep]
    reach = run.reached
    costs = dist[reach[:, 0], reach[:, 1], reach[:, 2]]
    _, stone = rules().harvest("stone", run.held())
    per_step = run.ticks["walk"] + 2.5 * stone
    cost, where = _dig_estimate(
        reach.astype(np.int64), costs, cells.astype(np.int64), float(per_step)
    )
    cost = cost + 1e-3 * far
    k = int(np.argmin(cost))
    if np.isfinite(cost[k]) and (best is None or cost[k] < best.cost):
        stand = reach[where[k]]
        flat = int(np.ravel_multi_index(tuple(stand), dist.shape))
        return Choice(float(cost[k]), Kind.DIG, cells[k] + box.lo, flat)
    return best


def _nearest_mob(run: Run, dist: np.ndarray, best: Choice | None) -> Choice | None:
    box, feet = run.box, run.feet()
    kinds = set(run.intent.target.mobs)
    mobs = [
        m
        for m in run.world.mobs
        if m.kind in kinds and not (run.intent.mode == Mode.SHEAR and getattr(m, "sheared", False))
    ]
    if not mobs:
        return best
    cells = np.floor(np.array([m.pos for m in mobs])).astype(np.int64)
    far = np.linalg.norm(cells - feet, axis=1)
    cost, where = _approach(dist, cells - box.lo, _offsets("mob"))
    cost = np.where(far <= run.radius, cost + 1e-3 * far, np.inf)
    k = int(np.argmin(cost))
    if np.isfinite(cost[k]) and (best is None or cost[k] < best.cost):
        return Choice(float(cost[k]), Kind.MOB, cells[k], int(where[k]), mob=mobs[k])
    return best


def _nearest_item(run: Run, dist: np.ndarray, best: Choice | None) -> Choice | None:
    target, items = run.intent.target, run.world.items
    no_pickups = (Mode.MILK, Mode.SHEAR, Mode.FILL, Mode.FIND)
    if target is None or not items or run.intent.mode in no_pickups:
        return best
    wanted = set(target.items)
    pickups = run.data["pickups"]
    for kind in target.mobs:
        wanted.update(pickups.get(kind, ()))
    if run.goal and run.hints:
        wanted.update(rules().members(run.goal))
    index = [i for i, (_, name, _) in enumerate(items) if name in wanted]
    if not index:
        return best
    cells = np.floor(np.array([items[i][0] for i in index], float)).astype(np.int64)
    far = np.linalg.norm(cells - run.feet(), axis=1)
    cost, where = _approach(dist, cells - run.box.lo, _offsets("item"))
    cost = np.where(far <= run.radius, cost + 1e-3 * far, np.inf)
    k = int(np.argmin(cost))
    if np.isfinite(cost[k]) and (best is None or cost[k] < best.cost):
        return Choice(float(cost[k]), Kind.ITEM, cells[k], int(where[k]), item=items[index[k]])
    return best
