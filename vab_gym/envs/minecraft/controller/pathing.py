"""What the executor walks on: a world's solidity, water and standability masks (kept true
as blocks are broken), the reusable Dijkstra work arrays, and the search box around the
player (a crop of the masks plus the prompt's targets in it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

from vab_gym.envs.minecraft.controller.kernels import (
    BRICK,
    _approach,
    _box_targets,
    _brick_kinds,
    _dig_estimate,
    _dijkstra,
)
from vab_gym.envs.minecraft.controller.vocabulary import vocabulary
from vab_gym.envs.minecraft.world import World, palette, same_grid

MARGIN = 8  # blocks the search box extends beyond the search radius (reach, walking)


def _cells(mask: np.ndarray) -> np.ndarray:
    """``np.argwhere(mask)`` (the same cells, in the same order), through the flat indices:
    ``argwhere`` of a big, mostly False 3-D mask costs ~15x more."""
    return np.stack(np.unravel_index(np.flatnonzero(mask), mask.shape), -1)


def _stand_mask(solid: np.ndarray, water: np.ndarray) -> np.ndarray:
    """Cells one can stand in: feet and head free, solid (or a water surface) below."""
    stand = np.zeros_like(solid)
    stand[:, 1:-1] = (
        ~solid[:, 1:-1] & ~solid[:, 2:] & (solid[:, :-2] | (water[:, :-2] & ~water[:, 1:-1]))
    )
    return stand


@cache
def _offsets(kind: str) -> np.ndarray:
    """Feet offsets from a target cell from which the player acts on it, nearest first."""
    data = vocabulary().data
    r = 6
    grid = np.stack(np.meshgrid(*[np.arange(-r, r + 1)] * 3, indexing="ij"), -1).reshape(-1, 3)
    if kind == "block":  # eye (feet + 1.62) to block centre
        d = np.linalg.norm(grid + np.array([0.0, 1.12, 0.0]), axis=1)
        keep = d <= data["reach"]
    elif kind == "mob":
        d = np.hypot(grid[:, 0], grid[:, 2]) + 0.1 * np.abs(grid[:, 1])
        keep = (np.hypot(grid[:, 0], grid[:, 2]) <= data["mob_reach"]) & (np.abs(grid[:, 1]) <= 2)
    else:  # a dropped stack: walk onto it
        d = np.abs(grid).sum(axis=1).astype(float)
        keep = (np.abs(grid[:, 0]) <= 1) & (np.abs(grid[:, 2]) <= 1) & (np.abs(grid[:, 1]) <= 1)
    order = np.argsort(d[keep], kind="stable")
    return np.ascontiguousarray(grid[keep][order].astype(np.int64))


@dataclass
class _Masks:
    """Solidity, water and standability of a whole world, the block ids in each brick of
    it, and the grid they were made from (so that edits made outside the executor are
    noticed and the masks remade)."""

    blocks: np.ndarray
    solid: np.ndarray
    water: np.ndarray
    stand: np.ndarray
    kinds: np.ndarray  # kernels._brick_kinds: (bricks x, y, z, block id) -> may occur


def _world_masks(world: World) -> _Masks:
    masks = world.__dict__.get("_masks")
    if masks is None or not same_grid(masks.blocks, world.blocks):
        solid_lut, water_id = block_tables()
        solid = np.take(solid_lut, world.blocks)
        water = world.blocks == water_id
        blocks = np.ascontiguousarray(world.blocks).copy()
        kinds = _brick_kinds(blocks, max(len(solid_lut), int(blocks.max(initial=0)) + 1))
        masks = _Masks(blocks, solid, water, _stand_mask(solid, water), kinds)
        world.__dict__["_masks"] = masks
    return masks


def clear_masks(masks: _Masks, cell: np.ndarray) -> None:
    """Keep a world's masks true after the block at ``cell`` became air."""
    x, y, z = (int(c) for c in cell)
    masks.blocks[x, y, z] = 0
    masks.kinds[x >> BRICK, y >> BRICK, z >> BRICK, 0] = True  # the old id may stay listed
    masks.solid[x, y, z] = masks.water[x, y, z] = False
    solid, water, height = masks.solid, masks.water, masks.solid.shape[1]
    for yy in range(max(1, y - 1), min(height - 1, y + 2)):
        below = solid[x, yy - 1, z] or (water[x, yy - 1, z] and not water[x, yy, z])
        masks.stand[x, yy, z] = not solid[x, yy, z] and not solid[x, yy + 1, z] and below


@dataclass
class _Paths:
    """One world's Dijkstra work arrays (flat, world-sized), reused by every search in it:
    filling a fresh box-sized ``dist`` took longer than a short search itself. A search's
    ``dist`` and ``prev`` hold until the next search in the same world."""

    dist: np.ndarray  # float64, inf except at done[:count] and heap_i[:size]
    prev: np.ndarray  # int64
    done: np.ndarray  # int64
    count: int = 0  # the cells the last search settled
    heap_d: np.ndarray = field(default_factory=lambda: np.empty(4096))
    heap_i: np.ndarray = field(default_factory=lambda: np.empty(4096, np.int64))
    size: int = 0  # the entries the last search left in its heap (beyond its limit)


def paths_of(world: World, size: int) -> _Paths:
    paths = world.__dict__.get("_paths")
    if paths is None or paths.dist.shape[0] < size:
        n = max(size, world.blocks.size)
        paths = _Paths(np.full(n, np.inf), np.empty(n, np.int64), np.empty(n, np.int64))
        world.__dict__["_paths"] = paths
    return paths


@cache
def block_tables() -> tuple[np.ndarray, int]:
    pal = palette()
    return pal.solid, pal.id("water")


def warm_up() -> None:
    """Compile the numba kernels (cached on disk), so the first ``execute`` is fast."""
    solid = np.zeros((3, 4, 3), bool)
    solid[:, 0] = True
    stand = _stand_mask(solid, np.zeros_like(solid))
    paths = _Paths(
        np.full(stand.size, np.inf), np.empty(stand.size, np.int64), np.empty(stand.size, np.int64)
    )
    _dijkstra(
        solid,
        np.zeros_like(solid),
        stand,
        np.array([1, 1, 1]),
        100.0,
        4.6,
        2.0,
        2.0,
        0.5,
        paths.dist,
        paths.prev,
        paths.done,
        0,
        paths.heap_d,
        paths.heap_i,
        0,
        False,
    )
    dist = paths.dist
    dist = dist.reshape(stand.shape)
    _approach(dist, np.zeros((1, 3), np.int64), _offsets("block"))
    _dig_estimate(np.zeros((1, 3), np.int64), np.zeros(1), np.zeros((1, 3), np.int64), 1.0)
    crop = (slice(1, None),) * 3  # the box is a crop of the world: strided views, as here
    grid = np.zeros((4, 4, 4), np.uint8)
    _box_targets(
        grid[crop],
        np.zeros((4, 4, 4), bool)[crop],
        np.ones(1, bool),
        _brick_kinds(grid, 1),
        np.ones(3, np.int64),
    )
    same_grid(grid, grid)


# -- the search box -----------------------------------------------------------------------
class Box:
    """A crop of the world around the player: solidity, water, standability and, for the
    prompt's blocks, which of them are targets and which are exposed (an open face)."""

    def __init__(self, world: World, feet: np.ndarray, radius: int, lut: np.ndarray) -> None:
        size = np.array(world.shape)
        below = np.array([radius + MARGIN, radius + 4, radius + MARGIN])
        above = np.array([radius + MARGIN + 1, radius + 8, radius + MARGIN + 1])
        lo, hi = np.maximum(0, feet - below), np.minimum(size, feet + above)
        self.lo, self.hi, self.center = lo, hi, feet.copy()
        crop = (slice(lo[0], hi[0]), slice(lo[1], hi[1]), slice(lo[2], hi[2]))
        blocks = world.blocks[crop]
        # Views of the world's masks: what `cleared` changes here stays true for the world.
        self.masks = _world_masks(world)
        self.solid = self.masks.solid[crop]
        self.water = self.masks.water[crop]
        self.stand = self.masks.stand[crop]
        if not lut.any():
            self.target = np.zeros(blocks.shape, bool)
            self.exposed = np.zeros_like(self.target)
            self.exposed_cells = np.zeros((0, 3), np.int64)
            self.any_buried = False
            return
        self.target, self.exposed, self.exposed_cells, any_buried = _box_targets(
            blocks, self.solid, lut, self.masks.kinds, lo.astype(np.int64)
        )
        self.any_buried = bool(any_buried)

    def local(self, cell: np.ndarray) -> np.ndarray:
        return np.asarray(cell) - self.lo

    def inside(self, cell: np.ndarray) -> bool:
        return bool(np.all(cell >= self.lo) and np.all(cell < self.hi))

    def cleared(self, cell: np.ndarray) -> None:
        """A block at world ``cell`` became air (the world's masks, which this box views,
        are already updated): update the targets and what is exposed around it."""
        if not self.inside(cell):
            return
        x, y, z = self.local(cell)
        self.target[x, y, z] = self.exposed[x, y, z] = False
        new = []
        for d in ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)):
            n = (x + d[0], y + d[1], z + d[2])
            if (
                all(0 <= n[i] < self.solid.shape[i] for i in range(3))
                and self.target[n]
                and not self.exposed[n]
            ):
                self.exposed[n] = True
                new.append(n)
        if new:
            self.exposed_cells = np.concatenate([self.exposed_cells, np.array(new)])
