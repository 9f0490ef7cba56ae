"""The household world: rooms, objects as boxes, and where things can be put.

Everything is an axis-aligned box (see ``geometry``). Placement is "relation first": to put
``a`` on ``b`` the world proposes poses that make ``ontop(a, b)`` true and keeps the first
that collides with nothing, as VAB's actions try a handful of sampled poses and report the
surface full when all fail.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from vab_gym.envs.omnigibson import geometry
from vab_gym.envs.omnigibson.catalog import Category
from vab_gym.envs.omnigibson.geometry import Box

SLAB = 0.05  # thickness of table tops, shelf boards and container walls
WALL_HEIGHT = 2.6
ROBOT_RADIUS = 0.25
UNARY_STATES = ("open", "cooked", "frozen", "hot", "on_fire", "toggled_on")


@dataclass
class Obj:
    """One object: a task object (``name`` is its BDDL instance) or scene furniture."""

    name: str
    category: Category
    box: Box
    room: str | None = None
    facing: tuple[float, float] = (1.0, 0.0)  # the side its front (door, opening) faces
    vab_id: int | None = None  # task objects are labelled "{vab_id}.{label}"
    states: dict[str, bool] = field(default_factory=dict)
    is_floor: bool = False

    @property
    def label(self) -> str:
        return f"{self.vab_id}.{self.category.label}" if self.vab_id else self.category.label

    @property
    def movable(self) -> bool:
        return not (self.category.fixed or self.is_floor)

    @property
    def kind(self) -> str:
        return self.category.kind

    def state(self, name: str) -> bool:
        return self.states.get(name, False)

    def interior(self) -> Box:
        """The space inside a hollow object (its box less the walls)."""
        wall = min(SLAB, 0.15 * min(self.box.half))
        return Box(self.box.center, tuple(max(h - wall, 1e-3) for h in self.box.half))

    def underside(self) -> Box | None:
        """The space under a table top, for objects on legs."""
        if self.kind != "legs":
            return None
        low, high = self.box.low, self.box.high
        return Box.from_bounds(low, (high[0], high[1], max(high[2] - SLAB, low[2] + 1e-3)))

    def blocking_boxes(self) -> list[Box]:
        """The parts other objects may not overlap (what goes inside a hollow thing is placed
        with that thing ignored)."""
        if self.kind == "legs":
            low, high = self.box.low, self.box.high
            return [Box.from_bounds((low[0], low[1], high[2] - SLAB), high)]
        if self.is_floor or self.kind == "door":
            return []
        return [self.box]


@dataclass(frozen=True)
class Room:
    """A room instance such as ``kitchen_0``: a rectangle of floor."""

    name: str
    low: tuple[float, float]
    high: tuple[float, float]

    @property
    def type(self) -> str:
        return self.name.rsplit("_", 1)[0]

    def contains(self, point) -> bool:
        return self.low[0] <= point[0] <= self.high[0] and self.low[1] <= point[1] <= self.high[1]


@dataclass
class Wall:
    box: Box


class World:
    """Rooms, walls and objects, with the predicates and the placement rules."""

    def __init__(self, rooms: list[Room], walls: list[Wall]) -> None:
        self.rooms = rooms
        self.walls = walls
        self.objects: dict[str, Obj] = {}
        self.in_hand: set[str] = set()  # the held object and what rests on or in it

    # -- lookup ---------------------------------------------------------------------------
    def add(self, obj: Obj) -> Obj:
        self.objects[obj.name] = obj
        return obj

    def room(self, name: str) -> Room | None:
        return next((r for r in self.rooms if r.name == name), None)

    def room_at(self, point) -> Room | None:
        return next((r for r in self.rooms if r.contains(point)), None)

    def labelled(self) -> dict[int, Obj]:
        """The task objects by VAB id (the number in ``5.candle``)."""
        return {o.vab_id: o for o in self.objects.values() if o.vab_id is not None}

    def floor_of(self, room: str) -> Obj | None:
        return next((o for o in self.objects.values() if o.is_floor and o.room == room), None)

    def placed(self) -> Iterator[Obj]:
        """Objects standing in the world (not those in the robot's hand)."""
        return (o for o in self.objects.values() if o.name not in self.in_hand)

    # -- predicates -----------------------------------------------------------------------
    def inside(self, a: Obj, b: Obj) -> bool:
        return a is not b and not b.is_floor and geometry.inside(a.box, b.box)

    def ontop(self, a: Obj, b: Obj) -> bool:
        if a is b:
            return False
        if b.is_floor:  # a floor is its room's whole area at height 0
            return (
                b.room == self.room_name_at(a.box.center)
                and a.box.bottom >= -geometry.EPS
                and a.box.center[2] <= 2 * a.box.half[2] + geometry.EPS
            )
        return geometry.ontop(a.box, b.box)

    def under(self, a: Obj, b: Obj) -> bool:
        if a is b or b.is_floor:
            return False
        space = b.underside()
        if (
            space is not None
            and space.contains_xy(a.box.center)
            and a.box.top <= space.top + geometry.EPS
        ):
            return True  # OmniGibson's adjacency: b's top is directly above a
        return geometry.under(a.box, b.box)

    def nextto(self, a: Obj, b: Obj) -> bool:
        return a is not b and not b.is_floor and geometry.nextto(a.box, b.box)

    def inroom(self, a: Obj, room_type: str) -> bool:
        room = self.room_of(a)
        return room is not None and room.rsplit("_", 1)[0] == room_type

    def room_of(self, obj: Obj) -> str | None:
        """The room ``obj`` is in: its own for furniture and floors, where it stands else."""
        return self.room_name_at(obj.box.center) if obj.movable else obj.room

    def room_name_at(self, point) -> str | None:
        room = self.room_at(point)
        return room.name if room else None

    # -- what rests on what ---------------------------------------------------------------
    def carried_by(self, obj: Obj) -> list[Obj]:
        """Objects that move with ``obj``: those on top of it or inside it, recursively."""
        found: list[Obj] = []
        frontier = [obj]
        while frontier:
            base = frontier.pop()
            for other in self.placed():
                if other is obj or other in found or not other.movable:
                    continue
                if self.ontop(other, base) or (base.kind != "solid" and self.inside(other, base)):
                    found.append(other)
                    frontier.append(other)
        return found

    def move(self, obj: Obj, center, carried: list[Obj] | None = None) -> None:
        """Move ``obj`` (and what it carries) so its box is centred at ``center``."""
        delta = np.subtract(center, obj.box.center)
        for thing in [obj, *(carried if carried is not None else self.carried_by(obj))]:
            thing.box = thing.box.moved(delta)

    # -- placement ------------------------------------------------------------------------
    def collides(self, box: Box, ignore: set[str]) -> bool:
        """Would ``box`` overlap a wall or an object not in ``ignore``?"""
        if any(box.overlaps(w.box) for w in self.walls):
            return True
        return any(
            box.overlaps(part)
            for other in self.placed()
            if other.name not in ignore
            for part in other.blocking_boxes()
        )

    def hosts(self, obj: Obj) -> set[str]:
        """``obj`` and the hollow things it is inside: what is put in, on or by it may
        overlap their walls."""
        return {obj.name} | {
            o.name
            for o in self.placed()
            if o.kind in ("hollow", "container") and self.inside(obj, o)
        }

    def candidate_poses(
        self, a: Obj, b: Obj, relation: str, count: int, rng: np.random.Generator
    ) -> list[np.ndarray]:
        """Centres for ``a`` that put it in ``relation`` to ``b``, best first."""
        half = np.array(a.box.half)
        if relation == "ontop":
            if b.is_floor:
                room = self.room(b.room or "")
                if room is None:
                    return []
                margin = np.array([half[0] + 0.05, half[1] + 0.05, 0.0])
                low = np.array([*room.low, 0.0]) + margin
                high = np.array([*room.high, 0.0]) - margin
                z = half[2]
            else:  # fully supported poses first, then overhanging ones (VAB tests the centre)
                z = b.box.top + half[2]
                low, high = _shrink(b.box.low, b.box.high, half)
                overhang = _shrink(b.box.low, b.box.high, 0.5 * np.minimum(half, b.box.half))
                return [
                    np.array([x, y, z])
                    for x, y in _grid(low, high, count, rng) + _grid(*overhang, count, rng)
                ]
            return [np.array([x, y, z]) for x, y in _grid(low, high, count, rng)]
        if relation == "inside":
            space = b.interior() if b.kind in ("hollow", "container") else b.box
            low, high = _shrink(space.low, space.high, half)
            levels = _levels(space, half[2])
            return [
                np.array([x, y, z])
                for z in levels
                for x, y in _grid(low, high, max(1, count // len(levels)), rng)
            ]
        if relation == "under":
            space = b.underside() or b.box
            if b.underside() is None:  # below a solid box: only if it stands off the floor
                return []
            low, high = _shrink(space.low, space.high, half)
            return [np.array([x, y, half[2]]) for x, y in _grid(low, high, count, rng)]
        if relation == "nextto":  # beside b, on b's own level (the floor for furniture)
            bc, bh = np.array(b.box.center), np.array(b.box.half)
            z = (b.box.bottom if b.movable else 0.0) + half[2]
            poses = []
            for gap in (0.05, 0.2, 0.4):
                for axis, sign in itertools.product((0, 1), (1, -1)):
                    for slide in (0.0, -0.5, 0.5):
                        center = bc.copy()
                        center[axis] += sign * (bh[axis] + half[axis] + gap)
                        center[1 - axis] += slide * bh[1 - axis]
                        center[2] = z
                        poses.append(center)
            return poses[: max(count, 4)]
        raise ValueError(relation)

    def place(
        self,
        a: Obj,
        b: Obj,
        relation: str,
        rng: np.random.Generator,
        tries: int,
        carried: list[Obj] | None = None,
    ) -> bool:
        """Put ``a`` in ``relation`` to ``b`` at the first free candidate pose; False if none.
        A long thing carrying nothing may also be turned a quarter."""
        carried = self.carried_by(a) if carried is None else carried
        movers = {a.name, *(c.name for c in carried)}
        ignore = movers | self.hosts(b)
        start = a.box
        turns = [start.half]
        if not carried and start.half[0] != start.half[1]:
            turns.append((start.half[1], start.half[0], start.half[2]))
        for half in turns:
            a.box = Box(start.center, half)
            for center in self.candidate_poses(a, b, relation, tries, rng):
                box = a.box.at(center)
                if self.collides(box, ignore) or not self.supported(box, movers):
                    continue
                if relation != "under" and self._below_a_top(box, ignore):
                    continue  # tucked under a table or bed: out of sight and reach
                self.move(a, center, carried)
                if self.relation_holds(a, b, relation) and self._fits_room(a, b):
                    return True
                self.move(a, start.center, carried)
        a.box = start
        return False

    def _below_a_top(self, box: Box, ignore: set[str]) -> bool:
        return any(
            o.kind == "legs"
            and o.box.contains_xy(box.center, 0.0)
            and box.top <= o.box.top
            and o.name not in ignore
            for o in self.placed()
        )

    def relation_holds(self, a: Obj, b: Obj, relation: str) -> bool:
        return bool(getattr(self, relation)(a, b))

    def _fits_room(self, a: Obj, b: Obj) -> bool:
        """Placed things stay in the room of what they were put in, on or by."""
        target = self.room_of(b)
        return target is None or self.room_name_at(a.box.center) == target

    def supported(self, box: Box, movers: set[str]) -> bool:
        """Does ``box`` rest on the floor or on something (inside things rest on boards)?"""
        if box.bottom <= geometry.EPS:
            return True
        return any(
            geometry.ontop(box, o.box) or geometry.inside(box, o.box)
            for o in self.placed()
            if o.name not in movers
        )

    # -- free floor -----------------------------------------------------------------------
    def spots_near(
        self, obj: Obj, distances
    ) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
        """Free robot spots at each distance from the object's box (nearest first), in the
        object's room, spots in front of it first: ((x, y), direction from the object)."""
        box = obj.box
        room = self.room_of(obj)
        front = math.atan2(obj.facing[1], obj.facing[0])
        angles = sorted(
            np.linspace(-math.pi, math.pi, 36, endpoint=False),
            key=lambda a: abs(math.remainder(a - front, 2 * math.pi)),
        )
        for distance in distances:
            for angle in angles:
                direction = (math.cos(angle), math.sin(angle))
                x, y = _ray_to_distance(box, direction, distance)
                if room and self.room_name_at((x, y)) != room:
                    continue
                if self.free_spot((x, y)):
                    yield (x, y), direction

    def random_spot(
        self, room: Room, rng: np.random.Generator, tries: int = 200
    ) -> tuple[float, float] | None:
        """A random free spot for the robot in ``room``, or None."""
        for _ in range(tries):
            point = (
                float(rng.uniform(room.low[0] + 0.4, room.high[0] - 0.4)),
                float(rng.uniform(room.low[1] + 0.4, room.high[1] - 0.4)),
            )
            if self.free_spot(point):
                return point
        return None

    def free_spot(self, point) -> bool:
        """Can the robot stand at ``point`` (x, y)?"""
        if self.room_at(point) is None:
            return False
        body = Box((point[0], point[1], 0.6), (ROBOT_RADIUS, ROBOT_RADIUS, 0.55))
        return not self.collides(body, ignore=set())


def _ray_to_distance(box: Box, direction, distance: float) -> tuple[float, float]:
    """The point along ``direction`` from the box's centre at ``distance`` from its footprint
    (bisection: the distance grows with the ray's length)."""
    dx, dy = abs(direction[0]), abs(direction[1])
    hx, hy = box.half[0], box.half[1]

    def gap(t: float) -> float:
        return math.hypot(max(dx * t - hx, 0.0), max(dy * t - hy, 0.0))

    low, high = 0.0, hx + hy + distance + 1.0
    for _ in range(30):
        mid = (low + high) / 2
        low, high = (mid, high) if gap(mid) < distance else (low, mid)
    return box.center[0] + direction[0] * high, box.center[1] + direction[1] * high


def _shrink(low, high, half) -> tuple[np.ndarray, np.ndarray]:
    """The range of centres that keep a box of ``half`` inside [low, high] (or the middle)."""
    low, high = np.array(low, float), np.array(high, float)
    lo, hi = low + half, high - half
    mid = (low + high) / 2
    lo = np.where(lo <= hi, lo, mid)
    hi = np.where(lo <= hi, hi, mid)
    return lo, hi


def _grid(low, high, count: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """``count`` xy points spread over [low, high], in random order."""
    side = max(2, int(np.ceil(np.sqrt(count))))
    xs = np.linspace(low[0], high[0], side)
    ys = np.linspace(low[1], high[1], side)
    points = [(float(x), float(y)) for x in xs for y in ys]
    rng.shuffle(points)
    return points[: max(count, 1)]


def _levels(space: Box, half_z: float) -> list[float]:
    """Heights inside a container: boards every 0.4 m in furniture, stacked in small ones."""
    bottom, top = space.bottom, space.top
    step = 0.4 if top - bottom > 1.0 else 2 * half_z + 0.005
    levels = []
    z = bottom + half_z
    while z <= top + 1e-6 or not levels:
        levels.append(z)
        z += step
    return levels
