"""The robot and VAB's 20 actions: preconditions, effects and VAB's exact feedback.

VAB's actions are themselves teleports and state setters (``utils/actions.py`` in
VAB-OmniGibson), so they are reproduced here on the box world: ``move`` teleports to where
VAB's rule lands (``env.py:Env.calc_move_to_pos``), ``grasp`` lifts an object and whatever
rests on or in it to the robot's position, ``put_*`` samples a free pose that makes the
relation true, ``cook``/``freeze``/... set the state directly. Every refusal raises
:class:`ActionError` with VAB's words.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from vab_gym.core.actions import ActionError
from vab_gym.envs.omnigibson.geometry import Box
from vab_gym.envs.omnigibson.world import Obj, World

REACH = 1.2  # VAB's delta
SEE_NEAR = 2.4  # objects this close (xy) count as visible
FRIDGE_REACH = 2.7
MAX_MASS = 128.0
CAMERA_HEIGHTS = (0.55, 1.05, 1.55)
FREE_MOVE_DISTANCES = (0.5, 0.7, 0.9, 1.15)  # move="free": from the object's box, nearest first
# VAB's move rule (env.py:Env.calc_move_to_pos): footprint and centre distances, metres
VAB_LAND_FOOTPRINT = 1.1  # step 0.3 of the way towards the object until this close
VAB_LAND_CENTRE = 0.7  # then back off until at least this far from its centre
FULL_VIEW = 900 * 720 / (1280 * 720)  # VAB's headings ignore an object filling the view
HELD_HEIGHT = 0.35  # VAB: the robot's position raised by its box centre (~0.55 m) - 0.2
MAX_RULE_STEPS = 200  # VAB's loops have no bound; a degenerate geometry would never end
PUT_TRIES = 20
MAX_ID_CHARS = 60
HEADINGS = ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))  # turning left adds one

# (ability, state changes, past tense, adjective) of the state-setting actions
STATE_ACTIONS = {
    "cook": ("cookable", {"cooked": True}, "Cooked", "cookable"),
    "burn": ("flammable", {"on_fire": True, "hot": True, "frozen": False}, "Burnt", "burnable"),
    "freeze": (
        "freezable",
        {"frozen": True, "hot": False, "on_fire": False},
        "Frozen",
        "freezable",
    ),
    "heat": ("heatable", {"hot": True, "frozen": False}, "Heated", "heatable"),
    "open": ("openable", {"open": True}, "Opened", "openable"),
    "close": ("openable", {"open": False}, "Closed", "openable"),
    "toggle_on": ("toggleable", {"toggled_on": True}, "Toggled on", "toggleable"),
    "toggle_off": ("toggleable", {"toggled_on": False}, "Toggled off", "toggleable"),
}
PUT = {  # action -> (relation, VAB's verb, what obj2 is called in VAB's messages)
    "put_inside": ("inside", "put inside", "container"),
    "put_on_top": ("ontop", "put on top", "surface"),
    "put_under": ("under", "put under", "surface"),
    "put_next_to": ("nextto", "put next to", "object"),
}


@dataclass
class Robot:
    """A Fetch-like robot reduced to what VAB's actions use: base position, one of four
    camera headings, a camera height, one object in hand, and what it has seen."""

    world: World
    x: float
    y: float
    heading: int = 0
    camera_height: float = CAMERA_HEIGHTS[1]
    held: str | None = None
    carried: list[Obj] = field(default_factory=list)
    visible: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    fridge_view: str | None = None  # the fridge whose inside the next image shows
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))
    move_rule: str = "vab"  # "vab": VAB's landing point; "free": a free spot 0.5 m away
    hints: bool = False  # explain refusals VAB words as a failed placement
    # The object's share of the image from each of the four headings, from where the robot
    # stands (the env renders it); without it the object is taken to be in view ahead.
    scan: Callable[[Obj], Sequence[float]] | None = None

    # -- state ----------------------------------------------------------------------------
    @property
    def position(self) -> tuple[float, float]:
        return (self.x, self.y)

    @property
    def direction(self) -> tuple[float, float]:
        return HEADINGS[self.heading]

    def room(self) -> str | None:
        return self.world.room_name_at(self.position)

    def held_obj(self) -> Obj | None:
        return self.world.objects[self.held] if self.held else None

    def see(self, names: set[str]) -> None:
        """Record what the last image showed."""
        self.visible = set(names)
        self.seen |= self.visible

    # -- argument resolution (VAB's rules) ------------------------------------------------
    def resolve(self, arg: str) -> Obj:
        """An object id as VAB's ``env.py:Env.step`` reads it: ``5.candle``, ``5_candle`` or
        ``5``; the name part, if any, must be the label or its category."""
        shown = arg if len(arg) <= MAX_ID_CHARS else arg[:MAX_ID_CHARS] + "..."
        separator = "." if "." in arg else "_" if "_" in arg else None
        number, name = (
            (arg.split(separator)[0], arg.split(separator)[-1]) if separator else (arg, arg)
        )
        vab_id = _vab_int(number)
        if vab_id is None:
            raise ActionError(
                f"Object {shown} not found in the scene! You should use the digital "
                "object identifier shown in the image."
            )
        obj = self.world.labelled().get(vab_id)
        if obj is None:
            raise ActionError(
                f"Invalid object id {vab_id}! The corresponding object does not exist."
            )
        if number != arg and arg != obj.label and name != obj.label.split(".")[-1]:
            raise ActionError(
                f"ID {vab_id} doesn't match object '{name[:MAX_ID_CHARS]}'. Maybe you take "
                "the wrong object id."
            )
        return obj

    def argument(self, action: str, arg: str) -> Obj:
        """VAB's checks of one object argument, in its order: the id, then sight (``move``:
        seen before, and in the robot's room unless in view)."""
        obj = self.resolve(arg)
        in_view = obj.name in self.visible or obj.name == self.held
        if action != "move":
            self.check_visible(obj, arg)
        elif not in_view and obj.name not in self.seen:
            raise ActionError(f"Can not move to the object! Object {arg} hasn't seen by the robot.")
        elif not in_view and (here := self.room()) is not None and self.world.room_of(obj) != here:
            raise ActionError(
                f"Can not move to the object! Object {arg} isn't in the same room with the robot."
            )
        return obj

    def in_sight(self, obj: Obj) -> bool:
        """VAB's visibility: in the last image, in hand, or within 2.4 m (xy)."""
        return (
            obj.name in self.visible
            or obj.name == self.held
            or obj.box.distance_xy(self.position) <= SEE_NEAR
        )

    def check_visible(self, obj: Obj, arg: str) -> None:
        if not self.in_sight(obj):
            raise ActionError(
                f"Can not execute the action! Object {arg} is not visible to the robot."
            )

    def within_reach(self, obj: Obj, footprint: bool = False) -> bool:
        """VAB: grasp measures to the box's footprint, other actions from the base (z=0)."""
        if footprint:
            return obj.box.distance_xy(self.position) <= REACH
        return obj.box.distance((self.x, self.y, 0.0)) <= REACH

    # -- actions --------------------------------------------------------------------------
    def turn(self, left: bool) -> str:
        self.heading = (self.heading + (1 if left else 3)) % 4
        self._update_hand()
        return "Turned left successfully!" if left else "Turned right successfully!"

    def raise_camera(self) -> str:
        if self.camera_height > 1.1:
            raise ActionError("Camera height is already at the highest level!")
        self.camera_height += 0.5
        return "Raise camera successfully!"

    def lower_camera(self) -> str:
        if self.camera_height < 0.8:
            raise ActionError("Camera height is already at the lowest level!")
        self.camera_height -= 0.5
        return "Lower camera successfully!"

    def move(self, arg: str) -> str:
        obj = self.argument("move", arg)
        if self.move_rule == "free":
            return self._move_free(obj, arg)
        if obj.is_floor:  # VAB: the floor's own position
            target = np.array(obj.box.center[:2])
        else:
            # in the last image: in view from here (VAB's heading is then chosen again after
            # the move, which overrides this one whenever the object shows from there)
            heading = self.heading if obj.name in self.visible else self._best_heading(obj)
            if heading is not None:
                self.heading = heading
                target = vab_step_towards(self.position, obj.box, self.rng)
            else:  # not in view from here: VAB starts from the two walls nearest to it
                target = vab_land_from_walls(obj.box, [w.box for w in self.world.walls], self.rng)
        self.x, self.y = float(target[0]), float(target[1])
        self._update_hand()
        heading = self._best_heading(obj)  # VAB turns to where the object shows most
        if heading is not None:
            self.heading = heading
        return "Moved successfully!"

    def _move_free(self, obj: Obj, arg: str) -> str:
        """The suite's own landing: a free spot near the object's box, facing it."""
        if obj.is_floor:
            return self.move_to_room(obj.room or "")
        spot = self._spot_near(obj)
        if spot is None:
            raise ActionError(f"Can not move to the object! There is no free space around {arg}.")
        (self.x, self.y), self.heading = spot
        self._update_hand()
        return "Moved successfully!"

    def _best_heading(self, obj: Obj) -> int | None:
        """VAB's choice of heading: the first where the object covers the most pixels, short
        of filling the view; None when it shows in none."""
        shares = (
            self.scan(obj) if self.scan else [1.0 if h == self.heading else 0.0 for h in range(4)]
        )
        best, best_share = None, 0.0
        for heading, share in enumerate(shares):
            if best_share < share < FULL_VIEW:
                best, best_share = heading, share
        return best

    def move_to_room(self, room_name: str) -> str:
        room = self.world.room(room_name[:MAX_ID_CHARS])
        if room is None:
            raise ActionError("Invalid room name!")
        point = self.world.random_spot(room, self.rng)
        if point is None:  # VAB picks any point of the room: so does a full one here
            point = (
                float(self.rng.uniform(room.low[0], room.high[0])),
                float(self.rng.uniform(room.low[1], room.high[1])),
            )
        self.x, self.y = point
        self._update_hand()
        return "Moved successfully!"

    def grasp(self, arg: str) -> str:
        obj = self.argument("grasp", arg)
        if not obj.movable:
            raise ActionError(f"Can not grasp! Object {obj.label} is not moveable!")
        if self.held is not None:
            raise ActionError("Cannot grasp! Robot already holds something!")
        if obj.category.mass > MAX_MASS:
            raise ActionError("Cannot grasp! Object is too heavy!")
        if not self.within_reach(obj, footprint=True):
            raise ActionError("Cannot grasp! The object is not within reach of the robot!")
        self.carried = self.world.carried_by(obj)
        self.held = obj.name
        self.world.in_hand = {obj.name, *(c.name for c in self.carried)}
        self._update_hand()
        return "Grasped successfully!"

    def put(self, action: str, arg1: str, arg2: str) -> str:
        relation, verb, target_word = PUT[action]
        obj, target = self.argument(action, arg1), self.argument(action, arg2)
        held = "doesn't hold" if action == "put_next_to" else "does not hold"
        if obj.name != self.held:
            raise ActionError(f"Cannot {verb}! Robot {held} the object!")
        if obj.category.mass > MAX_MASS:
            raise ActionError(f"Cannot {verb}! Object is too heavy!")
        if relation == "inside" and target.category.can("openable") and not target.state("open"):
            raise ActionError("Cannot put inside! The container is closed!")
        if not self.within_reach(target):
            raise ActionError(f"Cannot {verb}! The {target_word} is not within reach of the robot!")
        failed = (
            "Cannot put next to! The space around the object is occupied!"
            if relation == "nextto"
            else f"Cannot {verb}! The {target_word} is full!"
        )
        if target is obj or target in self.carried:
            # VAB samples its poses and reports the failure in these words; a box world
            # cannot put a thing on itself, so it refuses at once, and hints say why.
            raise ActionError(
                f"Cannot {verb}! The {target_word} is the object itself or rests on it."
                if self.hints
                else failed
            )
        in_hand, self.world.in_hand = self.world.in_hand, set()  # leaves the hand to be placed
        if not self.world.place(obj, target, relation, self.rng, PUT_TRIES, self.carried):
            self.world.in_hand = in_hand
            raise ActionError(failed)
        self.held, self.carried = None, []
        return f"{verb.capitalize()} successfully!"

    def set_state(self, action: str, arg: str) -> str:
        ability, changes, past, adjective = STATE_ACTIONS[action]
        obj = self.argument(action, arg)
        words = action.replace("_", " ")
        if not obj.category.can(ability):
            raise ActionError(f"Cannot {words}! Object is not {adjective}!")
        if not self.within_reach(obj):
            raise ActionError(f"Cannot {words}! The object is not within reach of the robot!")
        obj.states.update(changes)
        return f"{past} successfully!"

    def get_fridge_view(self) -> str:
        fridge = next(
            (
                o
                for o in self.world.objects.values()
                if o.vab_id and o.category.label in ("refrigerator", "fridge")
            ),
            None,
        )
        if fridge is None:
            raise ActionError("No fridge in the scene!")
        if fridge.box.distance((self.x, self.y, 0.0)) > FRIDGE_REACH:
            raise ActionError("Fridge is too far away!")
        if not fridge.state("open"):
            raise ActionError("Fridge is not open!")
        self.fridge_view = fridge.name
        return "Get fridge view successfully!"

    # -- internals ------------------------------------------------------------------------
    def _spot_near(self, obj: Obj) -> tuple[tuple[float, float], int] | None:
        """A free spot 0.5-1.15 m from the object's box, in its room, facing it."""
        for (x, y), direction in self.world.spots_near(obj, FREE_MOVE_DISTANCES):
            heading = round(math.atan2(-direction[1], -direction[0]) / (math.pi / 2)) % 4
            return (x, y), heading
        return None

    def hand_center(self) -> tuple[float, float, float]:
        """VAB's ``update_obj``: the held object's position is the robot's, raised."""
        return (self.x, self.y, HELD_HEIGHT)

    def _update_hand(self) -> None:
        """The held object (and what rests on it) goes where the robot goes."""
        obj = self.held_obj()
        if obj is not None:
            self.world.move(obj, self.hand_center(), self.carried)


def vab_step_towards(start, box: Box, rng: np.random.Generator) -> np.ndarray:
    """VAB's landing point for an object in view (``env.py:Env.calc_move_to_pos``): from
    ``start``, go 0.3 of the way to the object's position until within 1.1 m of its
    footprint, then push out by 1.2-1.5 times until at least 0.7 m from its position and
    off its footprint. Nothing is checked for collisions."""
    centre = np.array(box.center[:2], float)
    pos = np.array(start[:2], float)
    for _ in range(MAX_RULE_STEPS):
        if box.distance_xy(pos) <= VAB_LAND_FOOTPRINT:
            break
        pos = 0.7 * pos + 0.3 * centre
    return _push_out(pos, centre, box, rng)


def vab_land_from_walls(box: Box, walls: list[Box], rng: np.random.Generator) -> np.ndarray:
    """VAB's landing point for an object not in view from any heading: midway between the
    nearest points of the two walls nearest to it, mirrored through it when that is within
    1 m of its footprint, then scaled from it into 1-1.2 m, then at least 0.7 m."""
    centre = np.array(box.center, float)
    nearest = sorted(walls, key=lambda w: w.distance(centre))[:2]
    if not nearest:
        return _push_out(centre[:2] + np.array([VAB_LAND_FOOTPRINT, 0.0]), centre[:2], box, rng)
    pos = np.mean([np.clip(centre, w.low, w.high) for w in nearest], axis=0)[:2]
    middle = centre[:2]
    if box.distance_xy(pos) < 1:
        pos = middle - rng.uniform(1.4, 1.7) * (pos - middle)
    for _ in range(MAX_RULE_STEPS):
        if box.distance_xy(pos) >= 1:
            break
        pos = middle + rng.uniform(1.4, 1.6) * (pos - middle)
    for _ in range(MAX_RULE_STEPS):
        if box.distance_xy(pos) <= 1.2:
            break
        pos = middle + rng.uniform(0.85, 0.9) * (pos - middle)
    for _ in range(MAX_RULE_STEPS):
        if box.distance_xy(pos) >= 0.7:
            break
        pos = middle + rng.uniform(1.2, 1.5) * (pos - middle)
    return pos


def _push_out(
    pos: np.ndarray, centre: np.ndarray, box: Box, rng: np.random.Generator
) -> np.ndarray:
    for _ in range(MAX_RULE_STEPS):
        if np.linalg.norm(pos - centre) >= VAB_LAND_CENTRE and not box.contains_xy(pos, 0.0):
            break
        pos = centre + rng.uniform(1.2, 1.5) * (pos - centre)
    return pos


def _vab_int(text: str) -> int | None:
    """VAB's ``is_digit``: what ``int()`` accepts (spaces and a sign too)."""
    try:
        return int(text)
    except ValueError:
        return None


def camera_yaw(heading: int) -> float:
    return heading * math.pi / 2
