"""The voxel ray caster: sky, faces, ore speckles, mobs, transparency and the yaw convention."""

import numpy as np
import pytest

from vab_gym.envs.minecraft.render import SKY_HORIZON, SKY_ZENITH, Renderer, _occupancy
from vab_gym.envs.minecraft.world import Mob, World, palette

ID = palette().id


def make_world(shape=(16, 16, 16), **fills) -> World:
    """A world of air with the given slices filled: fills maps block name -> list of slices."""
    blocks = np.zeros(shape, dtype=np.uint8)
    for name, where in fills.items():
        for sl in where:
            blocks[sl] = ID(name)
    return World(blocks=blocks, biome="plains", spawn=np.array([8.0, 8.0, 8.0]))


@pytest.fixture(scope="module")
def small() -> Renderer:
    return Renderer(height=72, width=128)


def tan_pixels(img: np.ndarray) -> int:
    """Pixels in iron's warm tan, which grey stone never shows."""
    r, g, b = (img[..., k].astype(int) for k in range(3))
    return int(((r - b > 30) & (r > 110) & (g > 90)).sum())


def test_sky_above_shows_sky_colours(small):
    img = small.render(make_world(), np.array([8.0, 8.0, 8.0]), 0.0, -80.0)
    lo = np.minimum(SKY_HORIZON, SKY_ZENITH) - 1
    hi = np.maximum(SKY_HORIZON, SKY_ZENITH) + 1
    assert ((img >= lo) & (img <= hi)).all()
    assert (img[..., 2] > img[..., 0]).all()  # blue, not grey
    # Deeper blue straight up than near the horizon.
    horizon = small.render(make_world(), np.array([8.0, 8.0, 8.0]), 0.0, 0.0)
    assert img[..., 0].mean() < horizon[:10, ..., 0].mean()


def test_looking_down_at_grass_is_green(small):
    world = make_world(grass_block=[np.s_[:, :5, :]])
    img = small.render(world, np.array([8.3, 6.62, 8.4]), 0.0, 90.0).astype(int)
    assert img[..., 1].mean() > img[..., 0].mean() + 30
    assert img[..., 1].mean() > img[..., 2].mean() + 50


def test_iron_ore_shows_tan_speckles_stone_does_not(small):
    eye = np.array([8.5, 8.5, 4.5])
    iron = small.render(make_world(iron_ore=[np.s_[:, :, 8]]), eye, 0.0, 0.0)
    stone = small.render(make_world(stone=[np.s_[:, :, 8]]), eye, 0.0, 0.0)
    assert tan_pixels(iron) > 0.05 * iron.shape[0] * iron.shape[1]
    assert tan_pixels(stone) == 0
    assert np.ptp(stone.astype(int).mean(axis=2)) > 0  # stone is textured, not flat


def test_cow_changes_the_image_where_it_stands(small):
    world = make_world(shape=(32, 8, 32), stone=[np.s_[:, :4, :]])
    eye = np.array([16.0, 5.62, 8.0])
    empty = small.render(world, eye, 0.0, 10.0)
    # Facing south (+z), east (+x) is on the left of the picture.
    world.mobs.append(Mob("cow", np.array([19.0, 4.0, 14.0])))
    with_cow = small.render(world, eye, 0.0, 10.0)
    changed = (empty != with_cow).any(axis=2)
    half = small.width // 2
    assert changed[:, :half].sum() > 50
    assert changed[:, half:].sum() == 0
    # The cow is dark brown with white patches: both show.
    cow = with_cow[changed].astype(int)
    assert (cow.max(axis=1) < 90).sum() > 10 and (cow.min(axis=1) > 150).sum() > 3


def test_non_default_size_shape_and_dtype():
    img = Renderer(height=48, width=80, fov_deg=90.0, view_distance=16).render(
        make_world(stone=[np.s_[:, :4, :]]), np.array([8.0, 6.0, 8.0]), 45.0, 20.0
    )
    assert img.shape == (48, 80, 3) and img.dtype == np.uint8


def test_renders_are_deterministic(small):
    world = make_world(
        stone=[np.s_[:, :4, :]],
        oak_leaves=[np.s_[4:8, 4:8, 10:14]],
        water=[np.s_[8:12, 4, 8:12]],
        grass=[np.s_[2:6, 4, 6:9]],
    )
    world.mobs.append(Mob("sheep", np.array([10.0, 4.0, 12.0])))
    eye = np.array([8.0, 6.62, 2.0])
    first = small.render(world, eye, 10.0, 15.0)
    assert first.tobytes() == small.render(world, eye, 10.0, 15.0).tobytes()
    assert (
        first.tobytes() == Renderer(height=72, width=128).render(world, eye, 10.0, 15.0).tobytes()
    )


def test_yaw_convention(small):
    eye = np.array([8.5, 8.5, 8.5])
    sky_only = small.render(make_world(), eye, 0.0, 0.0)
    south = make_world(stone=[np.s_[8, 8, 12]])  # +z of the eye
    assert not np.array_equal(small.render(south, eye, 0.0, 0.0), sky_only)
    assert np.array_equal(small.render(south, eye, 180.0, 0.0), sky_only)
    west = make_world(stone=[np.s_[4, 8, 8]])  # -x: yaw 90 faces west
    centre = small.render(west, eye, 90.0, 0.0)[36, 64]
    assert not np.array_equal(centre, sky_only[36, 64])
    assert np.array_equal(
        small.render(west, eye, 270.0, 0.0), small.render(make_world(), eye, 270.0, 0.0)
    )


def test_water_tints_what_lies_below(small):
    eye = np.array([8.3, 8.62, 8.4])
    dry = small.render(make_world(sand=[np.s_[:, :4, :]]), eye, 0.0, 90.0).astype(int)
    wet = small.render(
        make_world(sand=[np.s_[:, :4, :]], water=[np.s_[:, 4:6, :]]), eye, 0.0, 90.0
    ).astype(int)
    assert dry[..., 0].mean() > dry[..., 2].mean()  # sand is yellowish
    assert wet[..., 2].mean() > wet[..., 0].mean() + 40  # through water it is blue


def test_plants_and_leaves_let_the_sky_through(small):
    eye = np.array([8.5, 4.5, 2.5])
    sky_only = small.render(make_world(), eye, 0.0, 0.0)
    for name in ("grass", "oak_leaves"):
        img = small.render(make_world(**{name: [np.s_[:, :, 6]]}), eye, 0.0, 0.0)
        through = (img == sky_only).all(axis=2).mean()
        assert 0.02 < through < 0.9, (name, through)
    stone = small.render(make_world(stone=[np.s_[:, :, 6]]), eye, 0.0, 0.0)
    assert (stone == sky_only).all(axis=2).mean() < 0.01


def test_outside_the_grid_sky_sideways_bedrock_below(small):
    world = make_world(shape=(8, 8, 8))
    eye = np.array([4.0, 4.0, 4.0])
    down = small.render(world, eye, 0.0, 90.0).astype(int)
    bedrock = palette().color[ID("bedrock")].astype(int)
    assert np.abs(down[20:52, 40:88].mean(axis=(0, 1)) - bedrock).max() < 10
    assert (down[:, 0, 2] > 200).all()  # beyond the grid's edge: sky
    level = small.render(world, eye, 0.0, -40.0)
    assert (level[..., 2] > 200).all()


def test_odd_sized_grid_renders_like_the_padded_one(small):
    odd = make_world(shape=(13, 11, 13), stone=[np.s_[:, :3, :]], oak_log=[np.s_[6, 3:7, 9]])
    padded = np.zeros((16, 16, 16), dtype=np.uint8)
    padded[:13, :11, :13] = odd.blocks
    even = World(blocks=padded, biome="plains", spawn=odd.spawn)
    eye = np.array([6.5, 4.62, 2.5])
    for yaw, pitch in [(0.0, 10.0), (60.0, 30.0), (-30.0, -5.0)]:
        assert np.array_equal(
            small.render(odd, eye, yaw, pitch), small.render(even, eye, yaw, pitch)
        )


@pytest.mark.parametrize("shape", [(16, 24, 16), (13, 11, 21), (40, 33, 8)])
def test_the_empty_space_rays_skip_is_numpys(shape):
    """The kernel jumps over all-air bricks and the air above each brick column's highest
    block: both must be exactly what a plain scan of the grid says, on grids with floating
    blocks, overhangs and empty columns, in whole words or (odd depth) cell by cell."""
    rng = np.random.default_rng(sum(shape))
    blocks, sz = np.zeros(shape, np.uint8), shape[2]
    blocks[:, : shape[1] // 3] = ID("stone")
    blocks[rng.random(shape) < 0.003] = ID("oak_leaves")  # about one a brick: alone in it
    blocks[rng.random(shape) < 0.2] = 0
    blocks[: shape[0] // 2, :, : shape[2] // 2] = 0  # empty columns
    half = shape[0] // 2
    blocks[half:, shape[1] // 3 :] = 0  # a cave under a roof, a few blocks floating in it
    blocks[half:, -1] = ID("stone")
    blocks[tuple(rng.integers((half, shape[1] // 3, 0), shape, (5, 3)).T)] = 1
    if sz % 8 == 0:
        got = _occupancy(blocks.view(np.uint64), 0, sz >> 3)
    else:
        got = _occupancy(blocks, 3, ((sz - 1) >> 3) + 1)
    pad = [(0, -n % 8) for n in shape]
    cells = np.pad(blocks != 0, pad).reshape(
        (shape[0] + pad[0][1]) // 8, 8, (shape[1] + pad[1][1]) // 8, 8, -1, 8
    )
    bricks = cells.any(axis=(1, 3, 5))
    ys = np.arange(cells.shape[2] * 8).reshape(-1, 1, 8, 1) + 1  # y + 1 per cell
    top = np.where(cells.transpose(0, 1, 4, 5, 2, 3), ys.reshape(1, 1, 1, 1, -1, 8), 0)
    tile_top = top.max(axis=(1, 3, 4, 5))
    np.testing.assert_array_equal(got[0], bricks)
    np.testing.assert_array_equal(got[1], tile_top)
    assert got[2] == tile_top.max() > 0


def test_a_renderer_that_keeps_its_last_frame_draws_every_change():
    """A renderer reuses the grid's occupancy, the mobs' boxes and its last frame while
    they still hold: after each change below (a block mined in place, a mob killed, moved
    or added, the eye moved or turned, nothing at all) its frame must be a fresh one's."""
    world = make_world(
        shape=(32, 16, 32),
        stone=[np.s_[:, :4, :]],
        oak_log=[np.s_[16, 4:9, 14]],
        iron_ore=[np.s_[12:20, 3, 10:14]],
    )
    world.mobs.append(Mob("cow", np.array([19.0, 4.0, 14.0])))
    eye, view = np.array([16.0, 5.62, 8.0]), [0.0, 10.0]
    kept = Renderer(height=36, width=64)

    def check():
        frame = kept.render(world, eye, *view)
        fresh = Renderer(height=36, width=64).render(world, eye, *view)
        assert frame.tobytes() == fresh.tobytes()
        frame[:] = 0  # the caller's copy: the kept frame stays as it was
        return fresh

    first = check()
    assert check().tobytes() == first.tobytes()  # nothing changed
    changes = [
        lambda: world.blocks.__setitem__((16, 6, 14), 0),  # a log mined, in place
        lambda: world.blocks.__setitem__(np.s_[12:20, 3, 10:12], 0),
        lambda: world.mobs.pop(),
        lambda: world.mobs.append(Mob("pig", np.array([14.0, 4.0, 13.0]))),
        lambda: world.mobs[0].pos.__setitem__(0, 15.0),  # moved in place
        lambda: eye.__setitem__(1, 6.0),
        lambda: view.__setitem__(0, 20.0),
    ]
    shown = {first.tobytes()}
    for change in changes:
        change()
        shown.add(check().tobytes())
    assert len(shown) == len(changes) + 1  # every change showed
