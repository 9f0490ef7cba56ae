"""How the world looks: each object as a few coloured boxes that show its state.

Tables stand on legs, shelves and cabinets are hollow with boards, an openable thing has a
door (or a lid) that is shut or swung open, a toggleable thing has a lamp that lights up,
and cooked / frozen / hot / burning things change colour. Colours come from the category
name, so a category looks the same in every house.
"""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Iterator

import numpy as np

from vab_gym.envs.omnigibson.render import RenderBox
from vab_gym.envs.omnigibson.world import SLAB, Obj, World

PARTS_PER_OBJECT = 16
WALL_KEY_BASE = 1 << 20
WALL_RGBA = (0.86, 0.84, 0.80, 1.0)
FLOOR_RGBA = {
    "kitchen": (0.78, 0.74, 0.66),
    "bathroom": (0.80, 0.84, 0.86),
    "garden": (0.42, 0.62, 0.35),
    "corridor": (0.66, 0.60, 0.52),
    "garage": (0.55, 0.55, 0.55),
}
STATE_TINT = {  # state -> (colour, weight) blended over the category colour
    "cooked": ((0.45, 0.25, 0.08), 0.55),
    "frozen": ((0.80, 0.92, 1.0), 0.6),
    "hot": ((0.95, 0.25, 0.10), 0.35),
    "on_fire": ((1.0, 0.55, 0.0), 0.8),
}
Part = tuple[
    tuple[float, float, float], tuple[float, float, float], tuple[float, float, float, float]
]


def category_rgb(name: str, fixed: bool) -> tuple[float, float, float]:
    """A stable colour per category; furniture in muted tones, small things saturated."""
    digest = hashlib.sha256(name.encode()).digest()
    hue = digest[0] / 255
    saturation = 0.25 + 0.2 * digest[1] / 255 if fixed else 0.55 + 0.4 * digest[1] / 255
    value = 0.45 + 0.3 * digest[2] / 255 if fixed else 0.65 + 0.3 * digest[2] / 255
    return colorsys.hsv_to_rgb(hue, saturation, value)


def object_rgba(obj: Obj) -> tuple[float, float, float, float]:
    if obj.is_floor:
        room_type = (obj.room or "").rsplit("_", 1)[0]
        return (*FLOOR_RGBA.get(room_type, (0.72, 0.62, 0.48)), 1.0)
    rgb = np.array(category_rgb(obj.category.name, obj.category.fixed))
    for state, (tint, weight) in STATE_TINT.items():
        if obj.state(state):
            rgb = (1 - weight) * rgb + weight * np.array(tint)
    return (*map(float, rgb), 1.0)


def render_boxes(world: World, order: dict[str, int]) -> Iterator[RenderBox]:
    """The boxes of every wall and object; ``order`` gives each object a stable index."""
    for i, wall in enumerate(world.walls):
        yield RenderBox(WALL_KEY_BASE + i, wall.box.center, wall.box.half, WALL_RGBA)
    for obj in world.objects.values():
        base = (order[obj.name] + 1) * PARTS_PER_OBJECT
        for k, (center, half, rgba) in enumerate(object_parts(obj)[:PARTS_PER_OBJECT]):
            yield RenderBox(base + k, tuple(map(float, center)), tuple(map(float, half)), rgba)


def object_segmentation(seg: np.ndarray) -> np.ndarray:
    """Render keys -> 1 + the index of the object they belong to (0: walls, nothing)."""
    return np.where(seg < WALL_KEY_BASE, seg // PARTS_PER_OBJECT, 0).astype(np.int32)


def object_parts(obj: Obj) -> list[Part]:
    low, high = obj.box.low, obj.box.high
    rgba = object_rgba(obj)
    kind = obj.kind
    if kind == "legs":
        parts = [_part((low[0], low[1], high[2] - SLAB), high, rgba)]
        leg = 0.05
        for x in (low[0], high[0] - leg):
            for y in (low[1], high[1] - leg):
                parts.append(
                    _part((x, y, low[2]), (x + leg, y + leg, high[2] - SLAB), _shade(rgba))
                )
    elif kind in ("hollow", "container"):
        parts = _shell(obj, rgba)
    elif kind == "door":
        parts = [_door_panel(obj, rgba)]
    else:
        parts = [_part(low, high, rgba)]
    if obj.category.can("toggleable"):
        parts.append(_lamp(obj))
    return parts


def _part(low, high, rgba) -> Part:
    low, high = np.asarray(low, float), np.asarray(high, float)
    return tuple((low + high) / 2), tuple(np.maximum((high - low) / 2, 1e-3)), rgba


def _shade(rgba, factor: float = 0.7):
    return (rgba[0] * factor, rgba[1] * factor, rgba[2] * factor, rgba[3])


def _shell(obj: Obj, rgba) -> list[Part]:
    """A box open at the front (furniture) or the top (movable things), with boards in tall
    furniture and a door or lid when it can be opened."""
    low, high = obj.box.low.copy(), obj.box.high.copy()
    t = min(SLAB, 0.15 * float(min(obj.box.half)))
    inner = _shade(rgba, 0.8)
    parts = [_part(low, (high[0], high[1], low[2] + t), inner)]  # bottom
    front_axis = 0 if abs(obj.facing[0]) > 0.5 else 1
    front_sign = 1 if obj.facing[front_axis] > 0 else -1
    side_axis = 1 - front_axis
    for axis in (0, 1):
        for sign in (-1, 1):
            if obj.category.fixed and axis == front_axis and sign == front_sign:
                continue  # the open front of furniture
            lo, hi = low.copy(), high.copy()
            if sign < 0:
                hi[axis] = low[axis] + t
            else:
                lo[axis] = high[axis] - t
            parts.append(_part(lo, hi, rgba))
    if obj.category.fixed:
        parts.append(_part((low[0], low[1], high[2] - t), high, rgba))  # top
        z = low[2] + 0.4
        while z < high[2] - 0.2:  # boards
            parts.append(_part((low[0], low[1], z), (high[0], high[1], z + 0.02), inner))
            z += 0.4
    if obj.kind == "container":
        if not obj.category.fixed:  # a lid: on top when shut, leaning aside when open
            if not obj.state("open"):
                parts.append(_part((low[0], low[1], high[2] - t), high, _shade(rgba, 0.6)))
        else:
            parts.append(_front_door(obj, low, high, front_axis, front_sign, side_axis, t, rgba))
    return parts


def _front_door(obj, low, high, front_axis, front_sign, side_axis, t, rgba) -> Part:
    """Shut: a panel over the open front. Open: swung 90 degrees about one side."""
    door_rgba = _shade(rgba, 0.6)
    face = high[front_axis] if front_sign > 0 else low[front_axis]
    lo, hi = low.copy(), high.copy()
    if not obj.state("open"):
        lo[front_axis], hi[front_axis] = sorted((face, face + front_sign * t))
        return _part(lo, hi, door_rgba)
    width = high[side_axis] - low[side_axis]
    lo[side_axis], hi[side_axis] = high[side_axis] - t, high[side_axis]
    lo[front_axis], hi[front_axis] = sorted((face, face + front_sign * width))
    return _part(lo, hi, door_rgba)


def _door_panel(obj: Obj, rgba) -> Part:
    """A doorway's door: across the opening when shut, along its jamb when open."""
    low, high = obj.box.low.copy(), obj.box.high.copy()
    if not obj.state("open"):
        return _part(low, high, rgba)
    along = 0 if obj.box.half[0] > obj.box.half[1] else 1
    across = 1 - along
    width = high[along] - low[along]
    face = obj.box.center[across]
    sign = 1 if obj.facing[across] > 0 else -1
    lo, hi = low.copy(), high.copy()
    lo[along], hi[along] = high[along] - 0.05, high[along]
    lo[across], hi[across] = sorted((face, face + sign * width))
    return _part(lo, hi, rgba)


def _lamp(obj: Obj) -> Part:
    """A small lamp on top: lit when toggled on."""
    c, h = obj.box.center, obj.box.half
    size = min(0.06, float(min(h)))
    rgba = (0.2, 1.0, 0.3, 1.0) if obj.state("toggled_on") else (0.15, 0.15, 0.15, 1.0)
    top = obj.box.top
    return _part((c[0] - size, c[1] - size, top), (c[0] + size, c[1] + size, top + 2 * size), rgba)
