"""World generation and VAB's kit commands for the embedded Minecraft world."""

import json
import logging
from pathlib import Path

import numpy as np
import pytest

import vab_gym.envs.minecraft
from vab_gym.envs.minecraft.kit import apply_commands
from vab_gym.envs.minecraft.world import World, palette
from vab_gym.envs.minecraft.worldgen import generate

KITS = Path(vab_gym.envs.minecraft.__file__).parent / "data" / "ingredients.json"
PAL = palette()
SOLID = PAL.solid
ID = {name: i for i, name in enumerate(PAL.names)}


def tops(world: World) -> tuple[np.ndarray, np.ndarray]:
    """(X, Z) y of the highest solid block, and that block's id."""
    solid = SOLID[world.blocks]
    ny = world.blocks.shape[1]
    y = ny - 1 - np.argmax(solid[:, ::-1, :], axis=1)
    xs, zs = np.indices(y.shape)
    return y, world.blocks[xs, y, zs]


def spawn_dist(world: World) -> np.ndarray:
    """(X, Z) horizontal distance of each column's centre from the spawn."""
    nx, _, nz = world.blocks.shape
    xs = np.arange(nx)[:, None] + 0.5 - world.spawn[0]
    zs = np.arange(nz)[None, :] + 0.5 - world.spawn[2]
    return np.hypot(xs, zs)


def columns_with(world: World, names: list[str], radius: float) -> int:
    """How many columns within `radius` of the spawn hold any of `names`."""
    has = np.isin(world.blocks, [ID[n] for n in names]).any(axis=1)
    return int((has & (spawn_dist(world) <= radius)).sum())


@pytest.fixture(scope="module")
def plains() -> list[World]:
    return [generate(seed, "plains") for seed in range(6)]


def test_deterministic_per_seed():
    a, b, c = generate(11), generate(11), generate(12)
    assert np.array_equal(a.blocks, b.blocks)
    assert np.array_equal(a.spawn, b.spawn)
    assert [(m.kind, tuple(m.pos)) for m in a.mobs] == [(m.kind, tuple(m.pos)) for m in b.mobs]
    assert not np.array_equal(a.blocks, c.blocks)


def test_shape_and_layers(plains):
    for world in plains:
        assert world.blocks.shape == (128, 96, 128) and world.blocks.dtype == np.uint8
        assert (world.blocks[:, 0, :] == ID["bedrock"]).all()
        assert not (world.blocks[:, 4:, :] == ID["bedrock"]).any()
        y, top = tops(world)
        assert 60 <= np.median(y) <= 75 and y.max() < 96
        grass = top == ID["grass_block"]
        xs, zs = np.nonzero(grass)
        below = world.blocks[xs, y[grass] - 1, zs]  # grass sits on dirt (3-4 deep)
        assert np.mean(below == ID["dirt"]) > 0.95


@pytest.mark.parametrize(
    "biome",
    [
        "plains",
        "oak_forest",
        "forest",
        "birch_forest",
        "desert",
        "flower_forest",
        "hills",
        "normal",
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spawn_is_walkable(biome, seed):
    world = generate(seed, biome)
    x, y, z = np.floor(world.spawn).astype(int)
    assert world.spawn[0] % 1 == 0.5 and world.spawn[2] % 1 == 0.5 and world.spawn[1] == y
    nx, _, nz = world.blocks.shape
    assert abs(x - nx // 2) <= 8 and abs(z - nz // 2) <= 8
    assert SOLID[world.blocks[x, y - 1, z]]
    assert world.blocks[x, y - 1, z] not in (ID["oak_leaves"], ID["birch_leaves"], ID["cactus"])
    assert world.blocks[x, y, z] == 0 and world.blocks[x, y + 1, z] == 0
    assert world.biome == biome


# Vanilla Java 1.16 overworld ore heights (Minecraft Wiki, "Ore", 1.16 distribution), written
# here rather than read from worldgen.yaml, so a config that moves an ore fails.
VANILLA_ORE_Y = {
    "coal_ore": (0, 127),
    "iron_ore": (0, 63),
    "gold_ore": (0, 31),
    "redstone_ore": (0, 15),
    "lapis_ore": (0, 30),
    "diamond_ore": (0, 15),
    "emerald_ore": (4, 31),
}


def test_ores_in_their_ranges(plains):
    ranges = VANILLA_ORE_Y
    for world in plains:
        for name in (
            "coal_ore",
            "iron_ore",
            "gold_ore",
            "redstone_ore",
            "lapis_ore",
            "diamond_ore",
            "emerald_ore",
        ):
            ys = np.nonzero(world.blocks == ID[name])[1]
            lo, hi = ranges[name]
            assert ys.size == 0 or (ys.min() >= lo and ys.max() <= hi), name
        count = {n: int((world.blocks == ID[n]).sum()) for n in ranges}
        assert count["coal_ore"] > 1000 and count["iron_ore"] > 1000
        assert count["gold_ore"] > 50 and count["redstone_ore"] > 200
        assert 0 < count["diamond_ore"] < count["gold_ore"] < count["iron_ore"]


def test_ores_sit_inside_stone(plains):
    world = plains[0]
    y, _ = tops(world)
    ores = np.isin(world.blocks, [ID[n] for n in ("diamond_ore", "redstone_ore", "gold_ore")])
    xs, ys, zs = np.nonzero(ores)
    assert (ys < y[xs, zs]).all()  # buried, never floating above the surface


def test_forest_spawn_among_trees():
    for seed in range(4):
        world = generate(seed, "oak_forest")
        assert columns_with(world, ["oak_log"], 20) >= 20
        near = np.isin(world.blocks, [ID["oak_log"], ID["birch_log"]]).any(axis=1)
        assert np.mean(near[spawn_dist(world) <= 20]) > 0.02


def test_desert_spawn_on_sand():
    for seed in range(4):
        world = generate(seed, "desert")
        _, top = tops(world)
        near = spawn_dist(world) <= 20
        assert np.mean(top[near] == ID["sand"]) > 0.8
        assert not (top[near] == ID["grass_block"]).any()
        sand = np.nonzero(top == ID["sand"])
        assert (world.blocks == ID["sandstone"]).any() and len(sand[0])


def test_plains_has_trees_water_cane_and_stone_nearby(plains):
    for world in plains:
        _, top = tops(world)
        d = spawn_dist(world)
        assert np.mean(top[d <= 20] == ID["grass_block"]) > 0.6
        assert columns_with(world, ["oak_log", "birch_log"], 40) >= 10
        assert columns_with(world, ["water"], 40) >= 50
        assert columns_with(world, ["sugar_cane"], 40) >= 3
        assert ((top == ID["stone"]) & (d <= 30)).sum() >= 20  # "mine stone" without digging
        flowers = ["dandelion", "poppy", "azure_bluet", "oxeye_daisy"]
        assert columns_with(world, flowers, 64) > 0 and columns_with(world, ["grass"], 30) > 50


def test_sugar_cane_grows_beside_water(plains):
    for world in plains:
        xs, ys, zs = np.nonzero(world.blocks == ID["sugar_cane"])
        base = world.blocks[xs, ys - 1, zs]
        assert np.isin(base, [ID["sugar_cane"], ID["sand"], ID["grass_block"], ID["dirt"]]).all()
        roots = base != ID["sugar_cane"]
        rx, ry, rz = xs[roots], ys[roots] - 1, zs[roots]
        wet = np.zeros(rx.shape, bool)
        for ox, oz in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            wet |= (
                world.blocks[np.clip(rx + ox, 0, 127), ry, np.clip(rz + oz, 0, 127)] == ID["water"]
            )
        assert wet.all()


def test_mobs_stand_on_the_ground(plains):
    health = {
        "cow": 10,
        "pig": 10,
        "sheep": 8,
        "chicken": 4,
        "rabbit": 3,
        "zombie": 20,
        "skeleton": 20,
        "spider": 16,
        "creeper": 20,
    }
    for world in plains:
        assert 12 <= len(world.mobs) <= 35
        near_passive = 0
        for mob in world.mobs:
            assert mob.pos.dtype == np.float64 and mob.health == health[mob.kind]
            x, y, z = np.floor(mob.pos).astype(int)
            assert mob.pos[1] == y and SOLID[world.blocks[x, y - 1, z]]
            assert not SOLID[world.blocks[x, y, z]] and not SOLID[world.blocks[x, y + 1, z]]
            assert world.blocks[x, y, z] != ID["water"]
            d = np.hypot(*(mob.pos - world.spawn)[[0, 2]])
            if PAL.entities[mob.kind]["hostile"]:
                assert d > 24
            elif d <= 24:
                near_passive += 1
            assert not mob.still
        assert near_passive >= 3
        assert any(PAL.entities[m.kind]["hostile"] for m in world.mobs)


def test_other_sizes_and_biome_errors():
    small = generate(5, "plains", (64, 96, 48))
    assert small.blocks.shape == (64, 96, 48)
    x, y, z = np.floor(small.spawn).astype(int)
    assert SOLID[small.blocks[x, y - 1, z]] and small.blocks[x, y, z] == 0
    with pytest.raises(ValueError, match="unknown biome"):
        generate(0, "the_end")


# --- kit commands --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kits() -> dict:
    return json.loads(KITS.read_text())  # package data: always there


def test_clean_water_cane_cow_kits(kits):
    world = generate(3)
    origin = world.spawn.copy()
    commands = [c for kit in ("clean", "water", "sugar_cane", "cow") for c in kits[kit]]
    mobs_before = len(world.mobs)
    apply_commands(world, commands, origin)
    b = world.blocks
    sx, sy, sz = np.floor(origin).astype(int)

    def at(dx: int, dy: int, dz: int) -> str:
        return PAL.names[b[sx + dx, sy + dy, sz + dz]]

    # clean: an air box 61 x 18 x 81 over grass on 4 layers of dirt, 101 x 101 wide.
    box = b[sx - 30 : sx + 31, sy : sy + 18, sz - 30 : sz + 51].copy()
    box[:, :2, 39:42] = 0  # the water/cane kits' rows
    assert (box == 0).all()
    for dx, dz in ((0, 0), (-50, -50), (50, 50), (-40, 45), (25, -20)):
        assert at(dx, -1, dz) == "grass_block"
        assert [at(dx, dy, dz) for dy in (-2, -3, -4, -5)] == ["dirt"] * 4
    # water: a 31-long trough at z+10, two deep on sand, dirt rims.
    for dx in (-15, 0, 15):
        assert [at(dx, dy, 10) for dy in (-3, -2, -1)] == ["sand", "water", "water"]
        assert at(dx, -1, 9) == "dirt"
    assert at(-16, -1, 10) == "dirt" and at(16, -2, 10) == "dirt"
    # sugar_cane: sand at z+11 (over the water kit's dirt), cane on it; [age=15] dropped.
    for dx in (-15, 0, 15):
        assert at(dx, -1, 11) == "sand" and at(dx, 0, 11) == "sugar_cane"
    assert at(16, 0, 11) == "air"
    # cow: still cows at x-10 at the spawn's feet height.
    cows = world.mobs[mobs_before:]
    assert len(cows) == len([c for c in kits["cow"] if c.startswith("/summon")])
    assert all(m.kind == "cow" and m.still and m.health == 10 for m in cows)
    assert np.allclose(cows[0].pos, origin + np.array([-10, 0, 2]))
    for cow in cows:
        x, y, z = np.floor(cow.pos).astype(int)
        if z - sz not in (10, 11):  # VAB's cows at z+10/11 stand in the water/cane rows
            assert SOLID[b[x, y - 1, z]] and b[x, y, z] == 0


def test_egg_kit_drops_items(kits):
    world = generate(0)
    apply_commands(world, kits["egg"], world.spawn)
    assert len(world.items) == len(kits["egg"])
    pos, name, count = world.items[0]
    assert name == "egg" and count == 3 and np.allclose(pos, world.spawn + np.array([-8, 0, 2]))


def test_every_kit_applies(kits, caplog):
    world = generate(1)
    with caplog.at_level(logging.WARNING, logger="vab_gym.envs.minecraft.worldgen"):
        for kit in kits.values():
            apply_commands(world, kit, world.spawn)
    assert not caplog.records  # every kit line is understood (or deliberately ignored)


def test_command_forms():
    world = generate(2)
    o = world.spawn
    x, y, z = np.floor(o).astype(int)
    b = world.blocks
    glassless = b[x - 1 : x + 2, y + 5 : y + 8, z - 1 : z + 2].copy()
    apply_commands(
        world,
        [
            "/setblock ~2 ~ ~ minecraft:tall_grass[half=lower]",  # alias
            "setblock ~3 ~ ~ stone",  # no slash, no namespace
            f"/setblock {x + 4} {y} {z} minecraft:sand",  # absolute grid coordinates
            "/fill ~-1 ~5 ~-1 ~1 ~7 ~1 minecraft:glass",  # not in the palette: skipped
            "/fill ~-2 ~10 ~-2 ~2 ~12 ~2 minecraft:stone hollow",
            "/fill ~-2 ~10 ~-2 ~2 ~12 ~2 minecraft:dirt replace minecraft:stone",
            "/fill ~-1 ~11 ~-1 ~1 ~11 ~1 minecraft:sand keep",
            "/summon minecraft:zombie ~1.5 ~ ~-2",
            "/summon minecraft:pig",
        ],
        o,
    )
    assert b[x + 2, y, z] == ID["grass"] and b[x + 3, y, z] == ID["stone"]
    assert b[x + 4, y, z] == ID["sand"]
    assert np.array_equal(b[x - 1 : x + 2, y + 5 : y + 8, z - 1 : z + 2], glassless)
    assert b[x - 2, y + 11, z] == ID["dirt"] and b[x, y + 12, z] == ID["dirt"]
    assert (b[x - 1 : x + 2, y + 11, z - 1 : z + 2] == ID["sand"]).all()
    zombie, pig = world.mobs[-2:]
    assert zombie.kind == "zombie" and not zombie.still and zombie.health == 20
    assert np.allclose(zombie.pos, o + np.array([1.5, 0, -2])) and np.allclose(pig.pos, o)


def test_clipped_and_garbage_commands_never_raise(caplog):
    world = generate(4)
    before = world.blocks.copy()
    garbage = [
        "",
        "/",
        "garbage",
        "/fill ~ ~ ~",
        "/fill a b c d e f stone",
        "/setblock ^ ^ ^1 stone",
        "/summon",
        "/summon minecraft:armor_stand ~ ~ ~",
        "/summon item ~ ~ ~ {Item:{Count:2b}}",
        "/kill @e[type=cow]",
        "/setblock 1000 1000 1000 stone",
        "/fill 500 0 500 600 5 600 stone",
        "/forceload add ~-50 ~-30 ~50 ~50",
        "/effect give @a minecraft:speed 10 1",
        "/difficulty easy",
        "/give @p minecraft:diamond 3",
        "/gamerule doDaylightCycle false",
        "/fill ~1 ~1 ~1 ~2 ~2 ~2 minecraft:diamond_block",
        None,
        42,
        "/fill ~ ~ ~ ~ ~ ~ {}",
    ]
    with caplog.at_level(logging.WARNING, logger="vab_gym.envs.minecraft.worldgen"):
        apply_commands(world, garbage, world.spawn)
    assert np.array_equal(world.blocks, before)
    assert any("diamond_block" in r.getMessage() for r in caplog.records)
    assert not any("forceload" in r.getMessage() for r in caplog.records)
    # a fill reaching past the grid is clipped to it
    apply_commands(world, ["/fill -10 90 -10 10 200 10 minecraft:stone"], world.spawn)
    assert (world.blocks[:11, 90:, :11] == ID["stone"]).all()
