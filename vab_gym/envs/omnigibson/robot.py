"""The robot and VAB's 20 actions: preconditions, effects and VAB's exact feedback.

VAB's actions are themselves teleports and state setters (``utils/actions.py`` in
VAB-OmniGibson), so they are reproduced here on the box world: ``move`` teleports next to
an object, ``grasp`` lifts an object and whatever rests on or in it, ``put_*`` samples a
free pose that makes the relation true, ``cook``/``freeze``/... set the state directly.
Every refusal raises :class:`ActionError` with VAB's words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from vab_gym.core.actions import ActionError
from vab_gym.envs.omnigibson.world import Obj, World

REACH = 1.2  # VAB's delta
SEE_NEAR = 2.4  # objects this close (xy) count as visible
FRIDGE_REACH = 2.7
MAX_MASS = 128.0
CAMERA_HEIGHTS = (0.55, 1.05, 1.55)
MOVE_DISTANCES = (0.5, 0.7, 0.9, 1.15)  # from the object's box, nearest first
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
        """An object id as written by the agent: ``5.candle``, ``5_candle`` or ``5``."""
        text = arg.strip()
        if len(text) > MAX_ID_CHARS:
            raise ActionError(
                f"Object {text[:MAX_ID_CHARS]}... not found in the scene! You "
                "should use the digital object identifier shown in the image."
            )
        number, _, name = (
            text.replace("_", ".", 1).partition(".") if text[:1].isdigit() else ("", "", text)
        )
        if not number.isdigit():
            raise ActionError(
                f"Object {arg} not found in the scene! You should use the digital "
                "object identifier shown in the image."
            )
        obj = next((o for o in self.world.objects.values() if o.vab_id == int(number)), None)
        if obj is None:
            raise ActionError(
                f"Invalid object id {number}! The corresponding object does not exist."
            )
        if name and name not in (obj.label, obj.category.label, obj.category.name):
            raise ActionError(
                f"ID {number} doesn't match object '{name}'. Maybe you take the wrong object id."
            )
        return obj

    def in_sight(self, obj: Obj) -> bool:
        """VAB's visibility: in the last image, in hand, or within 2.4 m (xy)."""
        return (obj.name in self.visible or obj.name == self.held
                or obj.box.distance_xy(self.position) <= SEE_NEAR)

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
        obj = self.resolve(arg)
        if obj.name not in self.seen:
            raise ActionError(f"Can not move to the object! Object {arg} hasn't seen by the robot.")
        here = self.room()
        there = self.world.room_of(obj)
        if obj.name not in self.visible and here is not None and there != here:
            raise ActionError(
                f"Can not move to the object! Object {arg} isn't in the same room with the robot."
            )
        if obj.is_floor:  # a floor is its whole room: go anywhere on it
            return self.move_to_room(obj.room or "")
        spot = self._spot_near(obj)
        if spot is None:
            raise ActionError(f"Can not move to the object! There is no free space around {arg}.")
        (self.x, self.y), self.heading = spot
        self._update_hand()
        return "Moved successfully!"

    def move_to_room(self, room_name: str) -> str:
        room = self.world.room(room_name.strip()[:MAX_ID_CHARS])
        if room is None:
            raise ActionError("Invalid room name!")
        point = self.world.random_spot(room, self.rng)
        if point is None:
            raise ActionError(f"Can not move to the room! {room.name} has no free space.")
        self.x, self.y = point
        self._update_hand()
        return "Moved successfully!"

    def grasp(self, arg: str) -> str:
        obj = self.resolve(arg)
        self.check_visible(obj, arg)
        if not obj.movable:
            raise ActionError(f"Can not grasp! Object {obj.vab_id} is not moveable!")
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
        obj, target = self.resolve(arg1), self.resolve(arg2)
        self.check_visible(obj, arg1)
        self.check_visible(target, arg2)
        held = "doesn't hold" if action == "put_next_to" else "does not hold"
        if obj.name != self.held:
            raise ActionError(f"Cannot {verb}! Robot {held} the object!")
        if obj.category.mass > MAX_MASS:
            raise ActionError(f"Cannot {verb}! Object is too heavy!")
        if target is obj or target in self.carried:
            raise ActionError(
                f"Cannot {verb}! The {target_word} is the object itself or rests on it."
            )
        if relation == "inside" and target.category.can("openable") and not target.state("open"):
            raise ActionError("Cannot put inside! The container is closed!")
        if not self.within_reach(target):
            raise ActionError(f"Cannot {verb}! The {target_word} is not within reach of the robot!")
        in_hand, self.world.in_hand = self.world.in_hand, set()  # leaves the hand to be placed
        if not self.world.place(obj, target, relation, self.rng, PUT_TRIES, self.carried):
            self.world.in_hand = in_hand
            if relation == "nextto":
                raise ActionError("Cannot put next to! The space around the object is occupied!")
            raise ActionError(f"Cannot {verb}! The {target_word} is full!")
        self.held, self.carried = None, []
        return f"{verb.capitalize()} successfully!"

    def set_state(self, action: str, arg: str) -> str:
        ability, changes, past, adjective = STATE_ACTIONS[action]
        obj = self.resolve(arg)
        self.check_visible(obj, arg)
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
        for (x, y), direction in self.world.spots_near(obj, MOVE_DISTANCES):
            heading = round(math.atan2(-direction[1], -direction[0]) / (math.pi / 2)) % 4
            return (x, y), heading
        return None

    def hand_center(self) -> tuple[float, float, float]:
        obj = self.held_obj()
        half_z = obj.box.half[2] if obj else 0.0
        dx, dy = self.direction
        return (self.x + 0.35 * dx, self.y + 0.35 * dy, 0.45 + half_z)

    def _update_hand(self) -> None:
        """The held object (and what rests on it) stays in front of the robot."""
        obj = self.held_obj()
        if obj is not None:
            self.world.move(obj, self.hand_center(), self.carried)


def camera_yaw(heading: int) -> float:
    return heading * math.pi / 2
