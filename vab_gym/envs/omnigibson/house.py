"""The house sampler: a seeded house for a BDDL problem in one of OmniGibson's scenes.

Rooms and the furniture each room holds come from the scene's real inventory (bddl's
``combined_room_object_list.json``: ``Rs_int`` has a kitchen, a living room, a bedroom...).
Rooms are packed into rows with doors between neighbours; furniture stands against the
walls facing into the room; then the problem's objects are placed to make its ``:init``
true, and the init is checked with the same predicates the judge uses.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml
from bddl.activity import Conditions

from vab_gym.envs.omnigibson.catalog import (
    category,
    category_of_scene_object,
    skipped_scene_categories,
)
from vab_gym.envs.omnigibson.geometry import Box
from vab_gym.envs.omnigibson.robot import FREE_MOVE_DISTANCES, REACH
from vab_gym.envs.omnigibson.world import UNARY_STATES, WALL_HEIGHT, Obj, Room, Wall, World

WALL_THICKNESS = 0.1
Door = tuple[int, float, float, float]  # (axis its wall runs along, wall coordinate, from, to)
PLACEMENT_TRIES = 40
REACH_RETRIES = 6


class SamplingError(RuntimeError):
    """The problem's initial state cannot be built in this house."""


@cache
def layout_rules() -> dict[str, Any]:
    return yaml.safe_load((resources.files(__package__) / "data" / "house.yaml").read_text())


@cache
def scene_inventory() -> dict[str, dict[str, dict[str, int]]]:
    """OmniGibson's scenes: scene -> room instance -> {object model: count}."""
    path = resources.files("bddl") / "generated_data" / "combined_room_object_list.json"
    return json.loads(path.read_text())["scenes"]


@dataclass
class House:
    """A sampled house: the world, the robot's start, and the problem's ids."""

    world: World
    start: tuple[float, float]
    start_heading: int
    task_objects: list[str]  # BDDL instances in VAB id order (id = index + 1)


def problem_rooms(conds: Conditions) -> set[str]:
    return {lit[2] for lit in conds.parsed_initial_conditions if lit[0] == "inroom"}


def build_house(conds: Conditions, scene: str, seed: int, attempts: int = 3) -> House:
    """A house for ``conds`` in ``scene``; deterministic in ``seed``. Rooms grow by a
    quarter on each retry when the furniture or the objects do not fit."""
    error = SamplingError("no attempt")
    for attempt in range(attempts):
        try:
            return _build(conds, scene, np.random.default_rng([seed, attempt]), 1 + 0.25 * attempt)
        except SamplingError as exc:
            error = exc
    raise error


def _build(conds: Conditions, scene: str, rng: np.random.Generator, scale: float) -> House:
    rooms_wanted = _choose_rooms(scene, problem_rooms(conds), rng)
    fixed, floors, movable = _task_objects(conds)
    room_of = _assign_rooms(conds, rooms_wanted, scene)
    furniture = _room_furniture(scene, rooms_wanted, fixed, room_of)
    rooms, walls, doors = _floor_plan(rooms_wanted, furniture, rng, scale)
    world = World(rooms, walls)

    for room in rooms:
        world.add(
            Obj(
                f"floor:{room.name}",
                category("floor.n.01"),
                Box.from_bounds((*room.low, -0.02), (*room.high, 0.0)),
                room=room.name,
                is_floor=True,
            )
        )
    for name in floors:  # the problem's floors are its rooms' floors
        floor = world.objects.pop(f"floor:{room_of[name]}")
        floor.name = name
        world.add(floor)
    for room in rooms:
        _furnish(world, room, furniture[room.name], rng, _doorways(room, doors))

    _place_movables(world, conds, movable, rng)
    for pred, *args in conds.parsed_initial_conditions:
        if pred in UNARY_STATES:
            world.objects[args[0]].states[pred] = True
    _check_init(world, conds)

    ids = _vab_ids(conds)
    for i, name in enumerate(ids, 1):
        world.objects[name].vab_id = i
    agent_room = _agent_room(conds, room_of) or rooms[0].name
    room = world.room(agent_room)
    start = world.random_spot(room, rng) if room else None
    if start is None:
        raise SamplingError(f"no room for the robot in {agent_room}")
    return House(world, start, int(rng.integers(4)), ids)


# -- problem objects ----------------------------------------------------------------------
def _task_objects(conds: Conditions) -> tuple[list[str], list[str], list[str]]:
    """The problem's instances split into fixed furniture, floors and movable things."""
    fixed, floors, movable = [], [], []
    for synset, names in conds.parsed_objects.items():
        if synset.startswith("agent."):
            continue
        for name in names:
            if synset.startswith("floor."):
                floors.append(name)
            elif category(synset).fixed:
                fixed.append(name)
            else:
                movable.append(name)
    return fixed, floors, movable


def _synset(name: str) -> str:
    return name.rsplit("_", 1)[0]


def _vab_ids(conds: Conditions) -> list[str]:
    """VAB's numbering: ``:objects`` order, without the agent, and without floors unless the
    goal mentions a floor."""
    goal_has_floor = "floor.n.01" in json.dumps(conds.parsed_goal_conditions)
    names = [n for names in conds.parsed_objects.values() for n in names]
    return [
        n
        for n in names
        if not n.startswith("agent.") and (goal_has_floor or not n.startswith("floor."))
    ]


def _agent_room(conds: Conditions, room_of: dict[str, str]) -> str | None:
    for pred, *args in conds.parsed_initial_conditions:
        if pred == "ontop" and args[0].startswith("agent.") and args[1] in room_of:
            return room_of[args[1]]
    return None


# -- rooms --------------------------------------------------------------------------------
def _choose_rooms(scene: str, needed_types: set[str], rng: np.random.Generator) -> list[str]:
    """The scene's room instances: every type the problem needs, then others up to a cap."""
    rooms = list(scene_inventory().get(scene, {}))
    chosen = [r for r in rooms if _room_type(r) in needed_types]
    for room_type in sorted(needed_types - {_room_type(r) for r in chosen}):
        chosen.append(f"{room_type}_0")  # a scene without it (train houses) gets one
    others = [r for r in rooms if r not in chosen]
    rng.shuffle(others)
    cap = max(layout_rules()["max_rooms"], len(chosen))
    return chosen + others[: cap - len(chosen)]


def _room_type(room: str) -> str:
    return room.rsplit("_", 1)[0]


def _assign_rooms(conds: Conditions, rooms: list[str], scene: str) -> dict[str, str]:
    """Room instance of each ``inroom`` object: one whose real inventory has that kind of
    furniture when the scene has several rooms of the type."""
    inventory = scene_inventory().get(scene, {})
    room_of = {}
    for pred, *args in conds.parsed_initial_conditions:
        if pred != "inroom":
            continue
        name, room_type = args
        candidates = [r for r in rooms if _room_type(r) == room_type]
        label = category(_synset(name)).name
        stocked = [
            r
            for r in candidates
            if any(m.split("-")[0] in (label, label.split("_")[-1]) for m in inventory.get(r, {}))
        ]
        room_of[name] = (stocked or candidates)[0]
    return room_of


def _room_furniture(
    scene: str, rooms: list[str], fixed: list[str], room_of: dict[str, str]
) -> dict[str, list[tuple[str, Any]]]:
    """Per room: (object name, category) of the task's furniture, then the scene's own."""
    inventory = scene_inventory().get(scene, {})
    skipped = skipped_scene_categories()
    per_room = layout_rules()["scene_furniture_per_room"]
    furniture: dict[str, list[tuple[str, Any]]] = {r: [] for r in rooms}
    for name in fixed:
        if name not in room_of:
            raise SamplingError(f"{name} has no inroom condition")
        furniture[room_of[name]].append((name, category(_synset(name))))
    for room in rooms:
        taken = {c.name for _, c in furniture[room]}
        extra = 0
        for model, count in inventory.get(room, {}).items():
            kind = model.split("-")[0]
            cat = None if kind in skipped else category_of_scene_object(kind)
            if cat is None or not cat.fixed or cat.name in taken:
                continue
            for k in range(min(count, 2)):
                if extra >= per_room:
                    break
                furniture[room].append((f"{kind}:{room}:{k}", cat))
                extra += 1
    return furniture


def _floor_plan(
    rooms: list[str],
    furniture: dict[str, list[tuple[str, Any]]],
    rng: np.random.Generator,
    scale: float,
) -> tuple[list[Room], list[Wall], list[Door]]:
    """Pack the rooms into rows; walls around each room with a door to each neighbour."""
    rules = layout_rules()
    sizes = {}
    for name in rooms:
        w, d = rules["room_size"].get(_room_type(name), rules["room_size"]["default"])
        w, d = w * scale * rng.uniform(0.95, 1.15), d * scale * rng.uniform(0.95, 1.15)
        wall_length = sum(c.size[0] + 0.3 for _, c in furniture[name])
        while 2 * (w + d) - 4 < wall_length:  # grow until the furniture fits along the walls
            w, d = w * 1.15, d * 1.15
        sizes[name] = (round(w, 2), round(d, 2))
    placed: list[Room] = []
    x = y = row_depth = 0.0
    for name in rooms:
        w, d = sizes[name]
        if x > 0 and x + w > rules["row_width"]:
            x, y, row_depth = 0.0, y + row_depth, 0.0
        placed.append(Room(name, (x, y), (x + w, y + d)))
        x, row_depth = x + w, max(row_depth, d)
    doors = _doors(placed, rules["door_width"])
    walls = [w for room in placed for w in _room_walls(room, doors)]
    return placed, walls, doors


def _doors(rooms: list[Room], width: float) -> list[Door]:
    """Door gaps on shared walls: (axis the wall runs along, fixed coordinate, from, to)."""
    doors = []
    for i, a in enumerate(rooms):
        for b in rooms[i + 1 :]:
            for axis in (0, 1):  # a wall running along x (axis 0) sits at a fixed y
                other = 1 - axis
                if (
                    abs(a.high[other] - b.low[other]) < 1e-6
                    or abs(b.high[other] - a.low[other]) < 1e-6
                ):
                    at = a.high[other] if abs(a.high[other] - b.low[other]) < 1e-6 else a.low[other]
                    lo, hi = max(a.low[axis], b.low[axis]), min(a.high[axis], b.high[axis])
                    if hi - lo >= width + 0.4:
                        mid = (lo + hi) / 2
                        doors.append((axis, at, mid - width / 2, mid + width / 2))
    return doors


def _edges(room: Room) -> Iterator[tuple[int, int, float]]:
    """The room's four edges: (axis the edge runs along, the other axis, its coordinate)."""
    for axis in (0, 1):
        other = 1 - axis
        for at in (room.low[other], room.high[other]):
            yield axis, other, at


def _edge_doors(room: Room, doors: list[Door], axis: int, at: float) -> list[tuple[float, float]]:
    """The spans of the doors on one edge of ``room``, in order along it."""
    return sorted(
        (lo, hi)
        for ax, pos, lo, hi in doors
        if ax == axis and abs(pos - at) < 1e-6 and room.low[axis] <= lo and hi <= room.high[axis]
    )


def _room_walls(room: Room, doors: list[Door]) -> list[Wall]:
    walls = []
    for axis, other, at in _edges(room):
        start = room.low[axis]
        for lo, hi in [*_edge_doors(room, doors, axis, at), (room.high[axis], room.high[axis])]:
            if lo - start > 1e-3:
                low, high = [0.0, 0.0, 0.0], [0.0, 0.0, WALL_HEIGHT]
                low[axis], high[axis] = start, lo
                low[other], high[other] = at - WALL_THICKNESS / 2, at + WALL_THICKNESS / 2
                walls.append(Wall(Box.from_bounds(low, high)))
            start = hi
    return walls


def _doorways(room: Room, doors: list[Door]) -> list[Box]:
    """Boxes 1 m deep on both sides of each door of ``room``, kept clear of furniture."""
    boxes = []
    for axis, other, at in _edges(room):
        for lo, hi in _edge_doors(room, doors, axis, at):
            low, high = [0.0, 0.0, 0.0], [0.0, 0.0, WALL_HEIGHT]
            low[axis], high[axis] = lo, hi
            low[other], high[other] = at - 1.0, at + 1.0
            boxes.append(Box.from_bounds(low, high))
    return boxes


# -- furniture ----------------------------------------------------------------------------
def _furnish(
    world: World,
    room: Room,
    pieces: list[tuple[str, Any]],
    rng: np.random.Generator,
    keep_clear: list[Box],
) -> None:
    """Stand each piece against a wall, facing into the room (clear of ``keep_clear``, the
    doorways); task furniture first, a door in each free doorway."""
    doorways = list(keep_clear)
    for name, cat in pieces:
        task_piece = ":" not in name
        if cat.kind == "door":
            _hang_door(world, room, name, cat, doorways)
            continue
        if cat.kind == "flat":
            if not _stand_in_middle(world, room, name, cat, keep_clear, rng):
                raise SamplingError(f"no space for {name} in {room.name}")
            continue
        placed = _stand_against_wall(world, room, name, cat, keep_clear, rng)
        if (
            not placed
            and task_piece
            and not _stand_in_middle(world, room, name, cat, keep_clear, rng)
        ):
            raise SamplingError(f"no space for {name} in {room.name}")


def _hang_door(world: World, room: Room, name: str, cat, doorways: list[Box]) -> None:
    """A door fills one of the room's free doorways, facing into the room."""
    if not doorways:
        raise SamplingError(f"no doorway for {name} in {room.name}")
    gap = doorways.pop(0)
    along = 0 if gap.half[0] < gap.half[1] else 1  # the doorway box is deep across the wall
    half = [0.04, 0.04, cat.size[2] / 2]
    half[along] = gap.half[along]
    center = (gap.center[0], gap.center[1], cat.size[2] / 2)
    inward = [0.0, 0.0]
    room_mid = ((room.low[0] + room.high[0]) / 2, (room.low[1] + room.high[1]) / 2)
    inward[1 - along] = 1.0 if room_mid[1 - along] > center[1 - along] else -1.0
    world.add(Obj(name, cat, Box(center, tuple(half)), room=room.name, facing=tuple(inward)))


def _wall_slots(room: Room, size, step: float = 0.25):
    """(center, half, facing) for a piece of ``size`` against each wall of the room."""
    w, d, h = size
    margin = WALL_THICKNESS / 2 + 0.02
    for facing in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        along = 0 if facing[0] == 0 else 1
        half = (w / 2, d / 2, h / 2) if along == 0 else (d / 2, w / 2, h / 2)
        lo, hi = room.low[along] + half[along] + margin, room.high[along] - half[along] - margin
        if hi < lo:
            continue
        across = 1 - along
        base = room.low[across] if facing[across] > 0 else room.high[across]
        offset = facing[across] * (margin + half[across])
        for t in np.arange(lo, hi + 1e-9, step):
            center = [0.0, 0.0, h / 2]
            center[along], center[across] = float(t), base + offset
            yield center, half, facing


def _stand_against_wall(world, room, name, cat, keep_clear, rng) -> bool:
    slots = list(_wall_slots(room, cat.size))
    order = rng.permutation(len(slots))
    for i in order:
        center, half, facing = slots[i]
        box = Box(tuple(center), half)
        if _free_for_furniture(world, box, keep_clear):
            world.add(Obj(name, cat, box, room=room.name, facing=facing))
            return True
    return False


def _stand_in_middle(world, room, name, cat, keep_clear, rng) -> bool:
    w, d, h = cat.size
    for _ in range(60):
        x = rng.uniform(
            room.low[0] + w / 2 + 0.1, max(room.low[0] + w / 2 + 0.1, room.high[0] - w / 2 - 0.1)
        )
        y = rng.uniform(
            room.low[1] + d / 2 + 0.1, max(room.low[1] + d / 2 + 0.1, room.high[1] - d / 2 - 0.1)
        )
        box = Box((x, y, h / 2), (w / 2, d / 2, h / 2))
        if _free_for_furniture(world, box, keep_clear):
            world.add(Obj(name, cat, box, room=room.name, facing=(0.0, -1.0)))
            return True
    return False


def _free_for_furniture(world: World, box: Box, keep_clear: list[Box]) -> bool:
    """No overlap with walls, furniture or door ways, and a robot's width of floor in front."""
    padded = Box(box.center, (box.half[0] + 0.35, box.half[1] + 0.35, box.half[2]))
    if any(padded.overlaps(k) for k in keep_clear) or any(box.overlaps(w.box) for w in world.walls):
        return False
    return not any(padded.overlaps(o.box) for o in world.objects.values() if not o.is_floor)


# -- movable objects ----------------------------------------------------------------------
def _place_movables(
    world: World, conds: Conditions, movable: list[str], rng: np.random.Generator
) -> None:
    """Place movable objects so their ``:init`` relation holds, supports first."""
    relation = {}
    for pred, *args in conds.parsed_initial_conditions:
        if pred in ("ontop", "inside", "under", "nextto") and args[0] in movable:
            relation.setdefault(args[0], (pred, args[1]))
        elif pred == "inroom" and args[0] in movable:
            relation.setdefault(args[0], ("ontop", f"floor:{args[1]}"))
    pending = list(movable)
    for name in pending:
        if name not in relation:
            raise SamplingError(f"{name} has no placement in :init")
        world.add(Obj(name, category(_synset(name)), Box((0.0, 0.0, -50.0), _half(name))))
    progress = True
    while pending and progress:
        progress = False
        for name in list(pending):
            pred, target = relation[name]
            if target.startswith("floor:"):
                target = _floor_of_type(world, target.split(":", 1)[1])
            if target in pending:
                continue
            if target not in world.objects:
                raise SamplingError(f"{name} is {pred} {target}, which is not in the house")
            if not _place_reachable(world, world.objects[name], world.objects[target], pred, rng):
                raise SamplingError(f"cannot put {name} {pred} {target} within the robot's reach")
            pending.remove(name)
            progress = True
    if pending:
        raise SamplingError(f"circular placement among {pending}")


def _place_reachable(
    world: World, obj: Obj, target: Obj, relation: str, rng: np.random.Generator
) -> bool:
    """Place ``obj`` where the robot can reach it: a free spot near enough to grasp it and,
    unless it is too high anyway, to act on it (VAB measures from the robot's base)."""
    for _ in range(REACH_RETRIES):
        if not world.place(obj, target, relation, rng, PLACEMENT_TRIES, carried=[]):
            return False
        bottom = max(obj.box.bottom, 0.0)
        limit = math.sqrt(REACH**2 - bottom**2) - 0.05 if bottom < 1.0 else REACH - 0.05
        distances = [d for d in FREE_MOVE_DISTANCES if d <= limit]
        if distances and next(world.spots_near(obj, distances), None) is not None:
            return True
    return False


def _half(name: str) -> tuple[float, float, float]:
    w, d, h = category(_synset(name)).size
    return (w / 2, d / 2, h / 2)


def _floor_of_type(world: World, room_type: str) -> str:
    for obj in world.objects.values():
        if obj.is_floor and obj.room and _room_type(obj.room) == room_type:
            return obj.name
    raise SamplingError(f"no {room_type} in the house")


def _check_init(world: World, conds: Conditions) -> None:
    """Every sampled ``:init`` relation must hold under the judge's predicates."""
    for pred, *args in conds.parsed_initial_conditions:
        if pred in ("ontop", "inside", "under", "nextto") and not args[0].startswith("agent."):
            a, b = world.objects[args[0]], world.objects[args[1]]
            if not world.relation_holds(a, b, pred):
                raise SamplingError(f"init ({pred} {args[0]} {args[1]}) does not hold")
