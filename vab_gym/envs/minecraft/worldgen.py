"""Seeded terrain for the embedded Minecraft world (VAB's kit commands that edit it are
:mod:`kit`'s).

The rules (biomes, ores, trees, mobs) are data in ``worldgen.yaml``, as in Crafter's
``data.yaml``; this module is the small, vectorised engine. A world is a disc of the requested
biome around the spawn, ringed by other biomes with soft, wandering borders, so every spawn
has a forest, a river, bare stone and grazing animals within a short walk, as VAB's agents
expect of a MineRL plains spawn.
"""

from __future__ import annotations

import logging
import math
from functools import cache
from importlib import resources

import numpy as np
import yaml

from vab_gym.envs.minecraft.world import Mob, World, palette

log = logging.getLogger(__name__)

_DIRS = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]])


@cache
def config() -> dict:
    """worldgen.yaml with each biome's ``like:`` parent folded in."""
    text = resources.files(__package__).joinpath("worldgen.yaml").read_text()
    data = yaml.safe_load(text)
    raw = data["biomes"]
    data["biomes"] = {
        name: {**raw.get(b.get("like"), {}), **{k: v for k, v in b.items() if k != "like"}}
        for name, b in raw.items()
    }
    return data


def canonical_biome(name: str) -> str:
    """The worldgen biome a VAB biome name (``oak_forest``, ``normal``...) stands for."""
    cfg = config()
    key = name.removeprefix("minecraft:").lower()
    key = cfg["aliases"].get(key, key)
    if key not in cfg["biomes"]:
        known = sorted([*cfg["biomes"], *cfg["aliases"]])
        raise ValueError(f"unknown biome {name!r}; known: {', '.join(known)}")
    return key


# --- noise -------------------------------------------------------------------------------


def _fade(t: np.ndarray) -> np.ndarray:
    return t * t * t * (t * (t * 6 - 15) + 10)


def _perlin(rng: np.random.Generator, shape: tuple[int, int], scale: float) -> np.ndarray:
    """2-D gradient noise, roughly in [-1, 1], with features ~`scale` blocks wide."""
    nx, nz = shape
    angle = rng.uniform(0, 2 * np.pi, (int(nx / scale) + 3, int(nz / scale) + 3))
    gx, gz = np.cos(angle), np.sin(angle)
    x = np.arange(nx) / scale + rng.uniform(0, 1)
    z = np.arange(nz) / scale + rng.uniform(0, 1)
    i, j = x.astype(int)[:, None], z.astype(int)[None, :]
    fx, fz = (x % 1)[:, None], (z % 1)[None, :]

    def corner(di: int, dj: int) -> np.ndarray:
        return gx[i + di, j + dj] * (fx - di) + gz[i + di, j + dj] * (fz - dj)

    u, v = _fade(fx), _fade(fz)
    c00, c10, c01, c11 = corner(0, 0), corner(1, 0), corner(0, 1), corner(1, 1)
    a = c00 + u * (c10 - c00)
    b = c01 + u * (c11 - c01)
    return (a + v * (b - a)) * 1.5


def _fbm(
    rng: np.random.Generator, shape: tuple[int, int], scale: float, octaves: int = 4
) -> np.ndarray:
    """Fractal noise: octaves of `_perlin`, each half the size and weight of the last."""
    total = np.zeros(shape)
    for k in range(octaves):
        total += 0.5**k * _perlin(rng, shape, scale / 2**k)
    return total / (2 - 0.5 ** (octaves - 1))


def _noise1(rng: np.random.Generator, t: np.ndarray, scale: float) -> np.ndarray:
    """Smooth 1-D value noise in [-1, 1] at (any real) coordinates `t`."""
    s = t / scale
    lo = math.floor(float(s.min()))
    values = rng.uniform(-1, 1, math.floor(float(s.max())) - lo + 2)
    i = np.floor(s).astype(int) - lo
    f = _fade(s % 1)
    return values[i] + f * (values[i + 1] - values[i])


def _smoothstep(lo: float, hi: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - lo) / (hi - lo), 0, 1)
    return t * t * (3 - 2 * t)


# --- terrain ------------------------------------------------------------------------------


def _biome_weights(
    rng: np.random.Generator, names: list[str], home: str, dx: np.ndarray, dz: np.ndarray
) -> np.ndarray:
    """(B, X, Z) soft biome weights: `home` in a disc round the spawn, a ring of others."""
    cfg = config()
    lay = cfg["layout"]
    shape = (dx.shape[0], dz.shape[1])
    wx = dx + lay["warp"] * _fbm(rng, shape, 48, 3)
    wz = dz + lay["warp"] * _fbm(rng, shape, 48, 3)
    core = 1 - _smoothstep(*lay["core"], np.hypot(wx, wz))

    required = [b for b in cfg["biomes"][home]["neighbours"] if b != home]
    pool = list(lay["ring_pool"])
    odds = np.array([lay["ring_pool"][b] for b in pool], dtype=float)
    ring = required + list(rng.choice(pool, lay["ring"] - len(required), p=odds / odds.sum()))
    ring = [str(b) for b in rng.permutation(ring)]
    start = rng.uniform(0, 2 * np.pi)
    points = []
    for k, biome in enumerate(ring):
        a = start + 2 * np.pi * k / len(ring) + rng.uniform(-0.25, 0.25)
        r = rng.uniform(*lay["ring_radius"])
        points.append((biome, r * math.cos(a), r * math.sin(a)))
    dist = np.stack([np.hypot(wx - px, wz - pz) for _, px, pz in points])
    soft = np.exp(-(dist - dist.min(0)) / lay["blend"])
    soft /= soft.sum(0)

    weights = np.zeros((len(names), *shape))
    weights[names.index(home)] += core
    for (biome, _, _), w in zip(points, soft, strict=True):
        weights[names.index(biome)] += (1 - core) * w
    return weights


def _blur(field: np.ndarray, radius: int) -> np.ndarray:
    """Box-filtered `field` (edges repeated): blended biome heights ease into one another
    instead of stepping at the borders."""
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (radius + 1, radius)
        c = np.cumsum(np.pad(field, pad, mode="edge"), axis=axis)
        n = field.shape[axis]
        hi = np.take(c, np.arange(2 * radius + 1, 2 * radius + 1 + n), axis=axis)
        lo = np.take(c, np.arange(n), axis=axis)
        field = (hi - lo) / (2 * radius + 1)
    return field


def _carve(
    h: np.ndarray, beyond: np.ndarray, inside: np.ndarray, depth: float, bank: float, sea: int
) -> np.ndarray:
    """Sink water into `h`: `beyond` = blocks past the water's edge (< 0 in the water),
    `inside` in 0..1 grows toward its middle; shores flatten to a beach at sea level and
    rise no steeper than ~1 in 1.5, so high ground meets water in slopes, not walls."""
    bed = sea - 1 - depth * inside
    bank = np.maximum(bank, 1.5 * (h - sea))
    shore = sea + _smoothstep(1.5, 1.5 + bank, beyond) * (h - sea)
    return np.where(beyond < 0, np.minimum(h, bed), np.where(beyond < 1.5 + bank, shore, h))


def generate(
    seed: int, biome: str = "plains", size: tuple[int, int, int] = (128, 96, 128)
) -> World:
    """A seeded world centred on the spawn, with `biome` around the spawn."""
    cfg = config()
    pal = palette()
    ids = {n: i for i, n in enumerate(pal.names)}
    home = canonical_biome(biome)
    nx, ny, nz = size
    if ny < 80 or nx < 16 or nz < 16:
        raise ValueError(f"world size {size} too small: need y >= 80 and x, z >= 16")
    rng = np.random.default_rng(seed)
    sea = int(cfg["sea_level"])
    names = list(cfg["biomes"])
    params = cfg["biomes"]
    cx, cz = nx // 2, nz // 2
    dx = (np.arange(nx) - cx)[:, None].astype(float)
    dz = (np.arange(nz) - cz)[None, :].astype(float)
    shape = (nx, nz)

    weights = _biome_weights(rng, names, home, dx, dz)

    def blend(key: str) -> np.ndarray:
        return np.tensordot([float(params[b][key]) for b in names], weights, 1)

    dither = 0.12 * _perlin(rng, shape, 3)
    column_biome = np.argmax(weights + dither * (weights > 0.2), axis=0)

    # Height: blended biome base and relief over shared fractal noise.
    h = _blur(blend("height"), 8) + _blur(blend("relief"), 6) * _fbm(rng, shape, 48, 4) * 1.6

    # A river passing 14-26 blocks from the spawn, and maybe a lake further out.
    rv = cfg["river"]
    theta = rng.uniform(0, 2 * np.pi)
    tx, tz = math.cos(theta), math.sin(theta)
    side = rng.choice([-1, 1]) * rng.uniform(*rv["offset"])
    along = dx * tx + dz * tz
    across = -dx * tz + dz * tx - side - rv["meander"] * _noise1(rng, along, 24)
    width = rng.uniform(*rv["width"]) + 0.7 * _noise1(rng, along, 16)
    river = np.abs(across)
    h = _carve(h, river - width, np.clip(1 - river / width, 0, 1), 3, rv["bank"], sea)
    away = math.atan2(-side * tx, side * tz)  # direction away from the river

    oc = cfg["outcrop"]
    a = away + rng.uniform(-1.0, 1.0)
    r = rng.uniform(*oc["distance"])
    ox, oz = r * math.cos(a), r * math.sin(a)
    od = np.hypot(dx - ox, dz - oz) / rng.uniform(*oc["radius"])
    od *= 1 + 0.35 * _perlin(rng, shape, 3)
    bump = rng.uniform(*oc["height"]) * np.exp(-(od**2)) * (1 + 0.25 * _perlin(rng, shape, 4))
    h += bump

    lk = cfg["lake"]
    if rng.random() < lk["chance"]:
        a = away + math.pi + rng.uniform(-1.2, 1.2)
        r = rng.uniform(*lk["distance"])
        radius = rng.uniform(*lk["radius"])
        d = np.hypot(dx - r * math.cos(a), dz - r * math.sin(a)) / radius
        d *= 1 + 0.2 * _perlin(rng, shape, 6)
        h = _carve(h, (d - 1) * radius, np.clip(1 - d * d, 0, 1), lk["depth"], 4, sea)

    height = np.clip(np.rint(h), sea - 6, ny - 14).astype(np.int64)

    # Column materials.
    wet = height < sea
    pad = np.pad(height, 1, mode="edge")
    slope = np.max(
        np.abs(np.stack([pad[2:, 1:-1], pad[:-2, 1:-1], pad[1:-1, 2:], pad[1:-1, :-2]]) - height),
        axis=0,
    )
    bare = ~wet & (
        (slope >= cfg["steep"])
        | (bump > 1.3)
        | (height + 2 * _perlin(rng, shape, 5) >= cfg["stone_above"])
    )
    top = np.array([ids[params[b]["top"]] for b in names])[column_biome]
    soil = np.array([ids[params[b]["soil"]] for b in names])[column_biome]
    under = np.array([ids[params[b]["under"]] for b in names])[column_biome]
    beach = ~wet & (river - width < 1.5) & (height <= sea)
    top = np.where(beach & (_perlin(rng, shape, 5) > -0.2), ids["sand"], top)
    bed_noise = _perlin(rng, shape, 6)
    bed = np.select([bed_noise > 0.3, bed_noise < -0.35], [ids["clay"], ids["gravel"]], ids["sand"])
    top = np.where(wet, bed, np.where(bare, ids["stone"], top))
    soil = np.where(wet & (soil == ids["dirt"]), ids["sand"], soil)
    depth = np.where(bare, 0, 3 + rng.integers(0, 2, shape))
    udepth = 3 + rng.integers(0, 2, shape)

    y = np.arange(ny)[None, :, None]
    hc, dc = height[:, None, :], depth[:, None, :]
    blocks = np.where(y <= hc, np.uint8(ids["stone"]), np.uint8(0))
    blocks = np.where((y < hc) & (y >= hc - dc), soil[:, None, :].astype(np.uint8), blocks)
    blocks = np.where(
        (y < hc - dc) & (y >= hc - dc - udepth[:, None, :]),
        under[:, None, :].astype(np.uint8),
        blocks,
    )
    blocks = np.where(y == hc, top[:, None, :].astype(np.uint8), blocks)
    blocks = np.where((y > hc) & (y <= sea), np.uint8(ids["water"]), blocks)
    chance = np.asarray(cfg["bedrock"], dtype=float)[None, :, None]
    layer = blocks[:, : len(cfg["bedrock"]), :]
    layer[rng.random(layer.shape) < chance] = ids["bedrock"]

    _ores(rng, blocks, column_biome, names, ids)
    trees = _trees(rng, blocks, height, top, wet, weights, names, ids, dx, dz)
    _surface_plants(rng, blocks, height, top, wet, weights, column_biome, names, ids)

    spawn = _spawn(rng, blocks, height, dx, dz)
    world = World(blocks=blocks, biome=biome, spawn=spawn)
    world.mobs = _mobs(rng, blocks, height, column_biome, names, ids, spawn)
    log.debug("world seed=%d biome=%s: %d trees, %d mobs", seed, biome, trees, len(world.mobs))
    return world


def _ores(
    rng: np.random.Generator,
    blocks: np.ndarray,
    column_biome: np.ndarray,
    names: list[str],
    ids: dict[str, int],
) -> None:
    """Random-walk veins replacing stone, each kept strictly within its ore's y range."""
    nx, ny, nz = blocks.shape
    chunks = nx * nz / 256
    stone = ids["stone"]
    for ore in config()["ores"]:
        lo, hi = ore["y"][0], min(ore["y"][1], ny - 1)
        n = rng.poisson(ore["veins"] * chunks)
        smin, smax = ore["size"]
        start = np.stack(
            [rng.integers(0, nx, n), rng.integers(lo, hi + 1, n), rng.integers(0, nz, n)], axis=1
        )
        steps = _DIRS[rng.integers(0, 6, (n, smax))]
        steps[:, 0] = 0
        pos = start[:, None, :] + np.cumsum(steps, axis=1)
        pos = pos[np.arange(smax)[None, :] < rng.integers(smin, smax + 1, n)[:, None]]
        x, y, z = pos.T
        ok = (x >= 0) & (x < nx) & (z >= 0) & (z < nz) & (y >= lo) & (y <= hi)
        x, y, z = x[ok], y[ok], z[ok]
        if "biome" in ore:
            keep = column_biome[x, z] == names.index(ore["biome"])
            x, y, z = x[keep], y[keep], z[keep]
        keep = blocks[x, y, z] == stone
        blocks[x[keep], y[keep], z[keep]] = ids[ore["block"]]


def _leaf_offsets() -> tuple[np.ndarray, np.ndarray]:
    """A Minecraft oak canopy around the top log: offsets (dx, dy, dz) and, for corner
    leaves that each tree keeps or drops at random, which corner (-1: always kept)."""
    offsets, corner = [], []
    for dy, radius, corners in ((-2, 2, 0), (-1, 2, 4), (0, 1, 8), (1, 1, None)):
        cells = [(i, j) for i in range(-radius, radius + 1) for j in range(-radius, radius + 1)]
        for i, j in cells:
            is_corner = abs(i) == radius and abs(j) == radius
            if is_corner and corners is None:
                continue
            offsets.append((i, dy, j))
            corner.append(corners + (i > 0) + 2 * (j > 0) if is_corner else -1)
    return np.array(offsets), np.array(corner)


def _trees(
    rng: np.random.Generator,
    blocks: np.ndarray,
    height: np.ndarray,
    top: np.ndarray,
    wet: np.ndarray,
    weights: np.ndarray,
    names: list[str],
    ids: dict[str, int],
    dx: np.ndarray,
    dz: np.ndarray,
) -> int:
    """Oak and birch trees (one per 4x4 cell at most), and desert cacti; returns the count."""
    cfg = config()
    nx, ny, nz = blocks.shape
    params = cfg["biomes"]
    density = np.tensordot([params[b]["trees"] for b in names], weights, 1)
    birch = np.tensordot([params[b]["birch"] for b in names], weights, 1)
    near_water = np.zeros_like(wet)
    near_water[1:-1, 1:-1] = (
        wet[:-2, 1:-1] | wet[2:, 1:-1] | wet[1:-1, :-2] | wet[1:-1, 2:] | wet[1:-1, 1:-1]
    )
    clear = np.hypot(dx, dz) < cfg["layout"]["clearing"]

    def cells(step: int, jitter: int) -> tuple[np.ndarray, np.ndarray]:
        gx, gz = np.meshgrid(
            np.arange(0, nx - step + 1, step), np.arange(0, nz - step + 1, step), indexing="ij"
        )
        x = (gx + rng.integers(0, jitter, gx.shape)).ravel()
        z = (gz + rng.integers(0, jitter, gz.shape)).ravel()
        return x, z

    x, z = cells(4, 3)
    ok = (
        (x >= 2)
        & (x < nx - 2)
        & (z >= 2)
        & (z < nz - 2)
        & (top[x, z] == ids["grass_block"])
        & ~near_water[x, z]
        & ~clear[x, z]
        & (rng.random(x.size) < density[x, z])
    )
    x, z = x[ok], z[ok]
    is_birch = rng.random(x.size) < birch[x, z]
    kinds = cfg["trees"]
    tall = np.where(
        is_birch,
        rng.integers(kinds["birch"]["height"][0], kinds["birch"]["height"][1] + 1, x.size),
        rng.integers(kinds["oak"]["height"][0], kinds["oak"]["height"][1] + 1, x.size),
    )
    base = height[x, z] + 1
    tall = np.minimum(tall, ny - 2 - base)
    crown = base + tall - 1  # the top log
    offsets, corner = _leaf_offsets()
    keep = np.concatenate([rng.random((x.size, 12)) < 0.5, np.ones((x.size, 1), bool)], axis=1)
    kept = keep[:, corner]  # (trees, offsets)
    lx = (x[:, None] + offsets[:, 0])[kept]
    ly = (crown[:, None] + offsets[:, 1])[kept]
    lz = (z[:, None] + offsets[:, 2])[kept]
    leaf = np.where(is_birch, ids[kinds["birch"]["leaves"]], ids[kinds["oak"]["leaves"]])
    leaf = np.broadcast_to(leaf[:, None], kept.shape)[kept]
    inside = ly < ny
    lx, ly, lz, leaf = lx[inside], ly[inside], lz[inside], leaf[inside]
    free = ~palette().solid[blocks[lx, ly, lz]]
    blocks[lx[free], ly[free], lz[free]] = leaf[free]
    log_id = np.where(is_birch, ids[kinds["birch"]["log"]], ids[kinds["oak"]["log"]])
    for k in range(int(tall.max(initial=0))):
        grow = k < tall
        blocks[x[grow], base[grow] + k, z[grow]] = log_id[grow]
    blocks[x, base - 1, z] = ids["dirt"]

    # Cacti: sparse columns on desert sand, never touching one another.
    cactus = np.tensordot([params[b]["cactus"] for b in names], weights, 1)
    x, z = cells(5, 4)
    ok = (
        (top[x, z] == ids["sand"])
        & ~near_water[x, z]
        & ~clear[x, z]
        & (rng.random(x.size) < cactus[x, z] * 25)
    )
    x, z = x[ok], z[ok]
    tall = rng.integers(1, 4, x.size)
    for k in range(3):
        grow = k < tall
        blocks[x[grow], height[x[grow], z[grow]] + 1 + k, z[grow]] = ids["cactus"]
    return int(crown.size)


def _surface_plants(
    rng: np.random.Generator,
    blocks: np.ndarray,
    height: np.ndarray,
    top: np.ndarray,
    wet: np.ndarray,
    weights: np.ndarray,
    column_biome: np.ndarray,
    names: list[str],
    ids: dict[str, int],
) -> None:
    """Sugar cane by the water, then grass, flower patches and rare pumpkins on grass."""
    cfg = config()
    nx, ny, nz = blocks.shape
    sea = cfg["sea_level"]
    params = cfg["biomes"]
    shape = height.shape
    xs, zs = np.meshgrid(np.arange(nx), np.arange(nz), indexing="ij")
    above = blocks[xs, np.minimum(height + 1, ny - 1), zs]
    open_air = (above == 0) & (height + 1 < ny - 4)

    pad = np.pad(wet, 1)
    by_water = pad[2:, 1:-1] | pad[:-2, 1:-1] | pad[1:-1, 2:] | pad[1:-1, :-2]
    cane = cfg["sugar_cane"]
    ground = np.isin(top, [ids["sand"], ids["grass_block"], ids["dirt"]])
    ok = (
        open_air & ground & ~wet & by_water & (height == sea) & (rng.random(shape) < cane["chance"])
    )
    tall = rng.integers(cane["height"][0], cane["height"][1] + 1, shape)
    for k in range(cane["height"][1]):
        grow = ok & (k < tall)
        blocks[xs[grow], height[grow] + 1 + k, zs[grow]] = ids["sugar_cane"]
    open_air &= ~ok

    grassy = open_air & (top == ids["grass_block"])
    flowers = np.tensordot([params[b]["flowers"] for b in names], weights, 1)
    patch = _perlin(rng, shape, 7) > 0.25
    bloom = grassy & patch & (rng.random(shape) < flowers * 4)
    pick = (_perlin(rng, shape, 9) + 1) / 2
    for b, name in enumerate(names):
        kinds = params[name]["flower_kinds"]
        here = bloom & (column_biome == b)
        if not kinds or not here.any():
            continue
        kind = np.clip((pick[here] * len(kinds)).astype(int), 0, len(kinds) - 1)
        blocks[xs[here], height[here] + 1, zs[here]] = np.array([ids[k] for k in kinds])[kind]
    grass = np.tensordot([params[b]["grass"] for b in names], weights, 1)
    tuft = grassy & ~bloom & (rng.random(shape) < grass)
    blocks[xs[tuft], height[tuft] + 1, zs[tuft]] = ids["grass"]

    pk = cfg["pumpkins"]
    spots = np.argwhere(grassy & ~bloom & ~tuft)
    for _ in range(rng.poisson(pk["patches"]) if len(spots) else 0):
        px, pz = spots[rng.integers(len(spots))]
        d = np.abs(spots - (px, pz)).max(1)
        near = spots[d <= 2]
        n = min(len(near), int(rng.integers(pk["size"][0], pk["size"][1] + 1)))
        for qx, qz in near[rng.choice(len(near), n, replace=False)]:
            blocks[qx, height[qx, qz] + 1, qz] = ids["pumpkin"]


def _standable(blocks: np.ndarray, height: np.ndarray) -> np.ndarray:
    """(X, Z) bool: the terrain top is solid, and feet and head above it are free and dry."""
    nx, ny, nz = blocks.shape
    pal = palette()
    xs, zs = np.meshgrid(np.arange(nx), np.arange(nz), indexing="ij")
    free = np.array([s in ("none", "plant") for s in pal.shape])
    feet = blocks[xs, np.minimum(height + 1, ny - 1), zs]
    head = blocks[xs, np.minimum(height + 2, ny - 1), zs]
    return pal.solid[blocks[xs, height, zs]] & free[feet] & free[head] & (height + 3 < ny)


def _spawn(
    rng: np.random.Generator, blocks: np.ndarray, height: np.ndarray, dx: np.ndarray, dz: np.ndarray
) -> np.ndarray:
    """The dry, open-sky column nearest the centre; feet and head are cleared of plants."""
    nx, ny, nz = blocks.shape
    solid = palette().solid
    ok = _standable(blocks, height)
    covered = np.zeros_like(ok)
    for k in range(1, 12):  # leaves or logs overhead
        covered |= solid[
            blocks[np.arange(nx)[:, None], np.minimum(height + k, ny - 1), np.arange(nz)[None, :]]
        ] & (height + k < ny)
    score = np.hypot(dx, dz) + 20 * covered + 1000 * ~ok + rng.uniform(0, 0.1, ok.shape)
    x, z = np.unravel_index(np.argmin(score), score.shape)
    y = int(height[x, z]) + 1
    blocks[x, y : y + 2, z] = 0
    return np.array([x + 0.5, y, z + 0.5])


def _mobs(
    rng: np.random.Generator,
    blocks: np.ndarray,
    height: np.ndarray,
    column_biome: np.ndarray,
    names: list[str],
    ids: dict[str, int],
    spawn: np.ndarray,
) -> list[Mob]:
    """Herds of animals round the spawn and beyond, and a few hostile mobs further out."""
    cfg = config()["mobs"]
    params = config()["biomes"]
    nx, _, nz = blocks.shape
    ok = _standable(blocks, height)
    xs, zs = np.meshgrid(np.arange(nx), np.arange(nz), indexing="ij")
    ok &= (np.abs(xs + 0.5 - spawn[0]) + np.abs(zs + 0.5 - spawn[2])) > 1.5  # not on the player
    ground = blocks[xs, height, zs]
    dist = np.hypot(xs + 0.5 - spawn[0], zs + 0.5 - spawn[2])
    grass = ok & (ground == ids["grass_block"])
    sandy = ok & (ground == ids["sand"])
    health = cfg["health"]
    mobs: list[Mob] = []
    taken = np.zeros_like(ok)

    def place(kind: str, x: int, z: int) -> None:
        jitter = rng.uniform(-0.2, 0.2, 2)
        pos = np.array([x + 0.5 + jitter[0], height[x, z] + 1.0, z + 0.5 + jitter[1]])
        mobs.append(Mob(kind, pos, float(health[kind])))
        taken[x, z] = True

    def herd(where: np.ndarray) -> None:
        grazing = where & (grass | sandy)
        cells = np.argwhere(grazing)
        if not len(cells):
            return
        hx, hz = cells[rng.integers(len(cells))]
        kinds = params[names[column_biome[hx, hz]]]["animals"] or ["rabbit"]
        kind = str(rng.choice(kinds))
        pasture = (sandy | grass) if kind == "rabbit" else grass
        spots = np.argwhere(pasture & ~taken & (np.abs(xs - hx) <= 3) & (np.abs(zs - hz) <= 3))
        if not len(spots):
            return
        n = min(len(spots), int(rng.integers(cfg["herd_size"][0], cfg["herd_size"][1] + 1)))
        for x, z in spots[rng.choice(len(spots), n, replace=False)]:
            place(kind, int(x), int(z))

    lo, hi = cfg["near"]
    for _ in range(cfg["herds_near"]):
        herd((dist >= lo) & (dist <= hi))
    for _ in range(int(rng.integers(cfg["herds_far"][0], cfg["herds_far"][1] + 1))):
        herd(dist > hi)
    lo, hi = cfg["hostile_distance"]
    cells = np.argwhere(ok & (dist >= lo) & (dist <= hi))
    count = int(rng.integers(cfg["hostiles"][0], cfg["hostiles"][1] + 1))
    if len(cells):
        for x, z in cells[rng.choice(len(cells), min(count, len(cells)), replace=False)]:
            place(str(rng.choice(cfg["hostile"])), int(x), int(z))
    return mobs
