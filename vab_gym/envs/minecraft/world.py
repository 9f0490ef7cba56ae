"""The embedded Minecraft world's state: a voxel grid, its mobs, and the block palette.

Coordinates are Minecraft's: ``x`` east, ``y`` up, ``z`` south; ``blocks[x, y, z]`` holds a
palette index (``blocks.yaml``; 0 is air). Yaw 0 faces +z (south) and grows clockwise seen
from above (90 faces -x, west), pitch > 0 looks down, as in Minecraft.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import yaml
from numba import njit


@dataclass(frozen=True)
class Palette:
    """Block names and how they look, indexed by the ids stored in the grid."""

    names: tuple[str, ...]
    shape: tuple[str, ...]  # cube | liquid | plant | leaves | none
    color: np.ndarray  # (P, 3) uint8 base colour (top/side variants in `top`, `side`)
    top: np.ndarray  # (P, 3) uint8 colour of top faces
    side: np.ndarray  # (P, 3) uint8 colour of side faces
    speckle: np.ndarray  # (P, 3) uint8 spot colour
    has_speckle: np.ndarray  # (P,) bool
    entities: dict  # mob kind -> {size, color, speckle?, hostile}

    def id(self, name: str) -> int:
        return self.names.index(name.removeprefix("minecraft:"))

    @property
    def solid(self) -> np.ndarray:
        """(P,) bool: blocks one stands on and cannot walk through."""
        return np.array([s in ("cube", "leaves") for s in self.shape])

    @property
    def opaque(self) -> np.ndarray:
        """(P,) bool: blocks a ray stops at without seeing through."""
        return np.array([s == "cube" for s in self.shape])


@cache
def palette() -> Palette:
    data = yaml.safe_load(resources.files(__package__).joinpath("blocks.yaml").read_text())
    blocks = data["blocks"]

    def colors(key: str, fallback: str = "color") -> np.ndarray:
        return np.array([b.get(key, b[fallback]) for b in blocks], dtype=np.uint8)

    return Palette(
        names=tuple(b["name"] for b in blocks),
        shape=tuple(b["shape"] for b in blocks),
        color=colors("color"),
        top=colors("top", "color"),
        side=colors("side", "color"),
        speckle=colors("speckle", "color"),
        has_speckle=np.array(["speckle" in b for b in blocks]),
        entities=data["entities"],
    )


@njit(cache=True)
def _same(a, b):
    """Whether two flat arrays are equal, stopping at the first difference."""
    if a.shape[0] != b.shape[0]:
        return False
    for i in range(a.shape[0]):  # noqa: SIM110 (numba compiles the loop, not a generator)
        if a[i] != b[i]:
            return False
    return True


def _words(grid: np.ndarray) -> np.ndarray:
    """A C-contiguous grid's bytes as one flat array, 8 to a word where they divide."""
    flat = grid.reshape(-1)
    return flat.view(np.uint64) if flat.nbytes % 8 == 0 else flat.view(np.uint8)


def same_grid(copy: np.ndarray, blocks: np.ndarray) -> bool:
    """Whether ``blocks`` still equals ``copy`` (C-contiguous, made from it earlier): how
    the executor's masks and the renderer's occupancy notice edits made by anyone, in a
    tenth of a millisecond for a 1.5 MB grid (numpy's ``array_equal`` builds a grid-sized
    array first)."""
    return (
        copy.shape == blocks.shape
        and copy.dtype == blocks.dtype
        and blocks.flags.c_contiguous
        and _same(_words(copy), _words(blocks))
    )


@dataclass
class Mob:
    """A mob: kind (``blocks.yaml`` entities), feet position, health; ``still`` mobs
    (VAB's kits summon them with NoAI) never move."""

    kind: str
    pos: np.ndarray  # float64 (3,)
    health: float = 10.0
    still: bool = False


@dataclass
class World:
    """Everything that changes in an episode, apart from the player's inventory."""

    blocks: np.ndarray  # uint8 (X, Y, Z) palette ids
    biome: str
    spawn: np.ndarray  # float64 (3,) the player's spawn (feet)
    mobs: list[Mob] = field(default_factory=list)
    items: list[tuple[np.ndarray, str, int]] = field(default_factory=list)  # dropped stacks
    tick: int = 0

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.blocks.shape

    def inside(self, x: int, y: int, z: int) -> bool:
        sx, sy, sz = self.blocks.shape
        return 0 <= x < sx and 0 <= y < sy and 0 <= z < sz

    def surface(self, x: int, z: int) -> int:
        """The y of the highest solid block in column (x, z), -1 if none."""
        solid = palette().solid[self.blocks[x, :, z]]
        ys = np.nonzero(solid)[0]
        return int(ys[-1]) if len(ys) else -1


@dataclass
class Player:
    """The agent's body: feet position, view direction, inventory and held item."""

    pos: np.ndarray  # float64 (3,) feet
    yaw: float = 0.0
    pitch: float = 0.0
    inventory: Counter = field(default_factory=Counter)
    equipped: str | None = None

    @property
    def eye(self) -> np.ndarray:
        return self.pos + np.array([0.0, 1.62, 0.0])
