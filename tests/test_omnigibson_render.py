"""The OmniGibson box renderer: what the camera sees, sync, determinism and Set-of-Marks."""

import math

import numpy as np
import pytest

pytest.importorskip("pybullet")

from vab_gym.envs.omnigibson.render import (
    BoxRenderer,
    Camera,
    RenderBox,
    draw_marks,
    visible_keys,
)

RED, GREEN, BLUE = (0.9, 0.1, 0.1, 1.0), (0.1, 0.8, 0.1, 1.0), (0.1, 0.2, 0.9, 1.0)
AHEAD = Camera(eye=(0.0, 0.0, 0.0), yaw=0.0, pitch=0.0)  # looks along +x


def cube(key: int, center, half: float = 0.5, rgba=RED) -> RenderBox:
    return RenderBox(key, tuple(center), (half, half, half), rgba)


@pytest.fixture
def renderer():
    with BoxRenderer(width=96, height=54) as r:
        yield r


def centre(a: np.ndarray):
    return a[a.shape[0] // 2, a.shape[1] // 2]


def mean_x(seg: np.ndarray, key: int) -> float:
    return float(np.nonzero(seg == key)[1].mean())


def test_box_in_front_shows_its_key_and_colour(renderer):
    renderer.sync([cube(7, (3, 0, 0))])
    rgb, seg = renderer.render(AHEAD)
    assert rgb.shape == (54, 96, 3) and rgb.dtype == np.uint8
    assert seg.shape == (54, 96) and seg.dtype == np.int32
    assert set(np.unique(seg)) == {0, 7}
    r, g, b = (int(c) for c in centre(rgb))
    assert centre(seg) == 7 and r > 100 and r > 3 * g and r > 3 * b
    assert (rgb[seg == 0] == 255).all()  # nothing there: white background


@pytest.mark.parametrize(
    ("camera", "centre_of_box"),
    [
        (Camera((0.0, 0.0, 0.0), yaw=math.pi / 2, pitch=0.0), (0, 3, 0)),  # yaw pi/2: +y
        (Camera((0.0, 0.0, 0.0), yaw=0.0, pitch=math.pi / 4), (3, 0, -3)),  # pitch > 0: down
        (Camera((0.0, 0.0, 5.0), yaw=1.0, pitch=math.pi / 2), (0, 0, 0)),  # straight down
    ],
)
def test_camera_conventions(renderer, camera, centre_of_box):
    renderer.sync([cube(3, centre_of_box)])
    assert centre(renderer.render(camera)[1]) == 3


def test_box_behind_the_camera_is_not_seen(renderer):
    renderer.sync([cube(1, (-3, 0, 0))])
    rgb, seg = renderer.render(AHEAD)
    assert (seg == 0).all() and (rgb == 255).all()


@pytest.mark.parametrize("near_first", [True, False])
def test_nearer_box_hides_the_farther_one(renderer, near_first):
    near, far = cube(1, (2, 0, 0), 0.3, RED), cube(2, (5, 0, 0), 1.5, BLUE)
    renderer.sync([near, far] if near_first else [far, near])
    rgb, seg = renderer.render(AHEAD)
    assert centre(seg) == 1 and centre(rgb)[0] > centre(rgb)[2]
    assert (seg == 2).sum() > (seg == 1).sum() > 0  # the far one still shows around it


def test_sync_moves_recolours_removes_and_readds(renderer):
    left, right = cube(1, (4, 1.5, 0), 0.4), cube(2, (4, -1.5, 0), 0.4, GREEN)
    renderer.sync([left, right])
    rgb, seg = renderer.render(AHEAD)
    assert mean_x(seg, 1) < 48 < mean_x(seg, 2)  # +y is to the left when looking along +x
    renderer.sync([right])
    rgb, seg = renderer.render(AHEAD)
    assert set(np.unique(seg)) == {0, 2} and (rgb[seg == 0] == 255).all()  # gone, not just unnamed
    renderer.sync([RenderBox(2, (4, 1.5, 0), right.half, BLUE)])  # moved left, now blue
    rgb, seg = renderer.render(AHEAD)
    assert set(np.unique(seg)) == {0, 2} and mean_x(seg, 2) < 48
    assert rgb[seg == 2].mean(axis=0).argmax() == 2
    renderer.sync([cube(1, (4, -1.5, 0), 0.4, GREEN), cube(2, (4, 1.5, 0), 0.4, BLUE)])
    rgb, seg = renderer.render(AHEAD)  # key 1 back, on the right, in green
    assert mean_x(seg, 2) < 48 < mean_x(seg, 1)
    assert rgb[seg == 1].mean(axis=0).argmax() == 1


def test_resizing_keeps_the_key(renderer):
    renderer.sync([cube(5, (4, 0, 0), 0.2)])
    small = (renderer.render(AHEAD)[1] == 5).sum()
    renderer.sync([cube(5, (4, 0, 0), 0.6)])
    seg = renderer.render(AHEAD)[1]
    assert set(np.unique(seg)) == {0, 5} and (seg == 5).sum() > 4 * small
    for step in range(100):  # many sizes: old bodies are recycled or dropped, never shown
        renderer.sync([cube(5, (4, 0, 0), 0.1 + 0.005 * step)])
    seg = renderer.render(AHEAD)[1]
    assert set(np.unique(seg)) == {0, 5}


def test_sync_rejects_duplicate_keys_and_bad_boxes(renderer):
    with pytest.raises(ValueError, match="duplicate"):
        renderer.sync([cube(1, (3, 0, 0)), cube(1, (4, 0, 0))])
    with pytest.raises(ValueError):
        cube(0, (3, 0, 0))
    with pytest.raises(ValueError):
        RenderBox(1, (3, 0, 0), (0.5, 0.0, 0.5), RED)


def house() -> list[RenderBox]:
    """A small room: floor, four walls, furniture and things on it."""
    rng = np.random.default_rng(0)
    boxes = [RenderBox(1, (3, 3, -0.05), (3, 3, 0.05), (0.6, 0.5, 0.4, 1))]
    for key, (c, h) in enumerate(
        [((3, 0, 1), (3, 0.05, 1)), ((3, 6, 1), (3, 0.05, 1)),
         ((0, 3, 1), (0.05, 3, 1)), ((6, 3, 1), (0.05, 3, 1))], start=2,
    ):  # fmt: skip
        boxes.append(RenderBox(key, c, h, (0.9, 0.9, 0.8, 1)))
    for key in range(6, 40):
        x, y = rng.uniform(0.5, 5.5, 2)
        s = rng.uniform(0.05, 0.5)
        boxes.append(RenderBox(key, (x, y, s), (s, s, s), (*rng.uniform(0, 1, 3), 1.0)))
    return boxes


def test_two_renderers_render_identical_arrays():
    camera = Camera((1.0, 1.0, 1.5), yaw=0.7, pitch=0.4)
    boxes = house()
    with BoxRenderer(160, 90) as a, BoxRenderer(160, 90) as b:
        a.sync(boxes)
        b.sync(boxes[::-1])  # input order does not matter
        (rgb_a, seg_a), (rgb_b, seg_b) = a.render(camera), b.render(camera)
        assert len(visible_keys(seg_a)) > 5
        assert np.array_equal(rgb_a, rgb_b) and np.array_equal(seg_a, seg_b)
        assert np.array_equal(a.render(camera)[0], rgb_a)  # and again


def test_renderers_in_one_process_do_not_share_boxes():
    with BoxRenderer(64, 36) as a:
        b = BoxRenderer(64, 36)
        a.sync([cube(1, (3, 0, 0))])
        b.sync([cube(2, (3, 0, 0), rgba=BLUE)])
        assert set(np.unique(a.render(AHEAD)[1])) == {0, 1}
        assert set(np.unique(b.render(AHEAD)[1])) == {0, 2}
        b.close()
        assert set(np.unique(a.render(AHEAD)[1])) == {0, 1}


def test_close_is_idempotent_and_final():
    r = BoxRenderer(32, 18)
    r.close()
    r.close()
    with pytest.raises(RuntimeError, match="closed"):
        r.render(AHEAD)


def test_visible_keys_counts_pixels():
    seg = np.zeros((10, 10), dtype=np.int32)
    seg[:4, :4], seg[9, :5], seg[5, 5] = 3, 8, 9
    assert visible_keys(seg) == {3}
    assert visible_keys(seg, min_pixels=1) == {3, 8, 9}


def test_draw_marks_boxes_only_labelled_visible_keys(renderer):
    renderer.sync([
        cube(1, (4, 1.2, 0), 0.5, GREEN), cube(2, (4, -1.2, 0), 0.5, BLUE),
        cube(3, (-4, 0, 0)), cube(4, (6, 0, 0), 0.08),  # behind; a speck
    ])  # fmt: skip
    rgb, seg = renderer.render(AHEAD)
    assert 0 < (seg == 4).sum() < 12
    before = rgb.copy()
    labels = {1: "1.apple", 3: "3.bowl", 4: "4.crumb", 9: "9.absent"}
    marked, boxes = draw_marks(rgb, seg, labels)
    assert np.array_equal(rgb, before)  # input untouched
    assert list(boxes) == [1]
    ys, xs = np.nonzero(seg == 1)
    x0, y0, x1, y1 = boxes[1]
    assert (x0, y0, x1, y1) == (xs.min(), ys.min(), xs.max(), ys.max())
    changed = (marked != rgb).any(axis=2)
    assert changed[y0, x0:x1].all() and changed[y1, x0:x1].all()  # the outline
    assert changed[:y0, x0:].any()  # the label, above the box
    assert not changed[y0:, x1 + 1 :].any()  # keys 2 and 4 are visible but unmarked
    assert draw_marks(rgb, seg, {})[1] == {}


def test_draw_marks_label_goes_inside_at_the_top_edge():
    rgb = np.full((360, 640, 3), 200, dtype=np.uint8)
    seg = np.zeros((360, 640), dtype=np.int32)
    seg[0:100, 500:640] = 5
    marked, boxes = draw_marks(rgb, seg, {5: "5.fridge"})
    assert boxes == {5: (500, 0, 639, 99)}
    changed = (marked != rgb).any(axis=2)
    assert changed[5:20, 505:600].any() and not changed[100:, :].any()
