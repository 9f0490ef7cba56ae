"""The program solver: a symbolic planner from BDDL goal literals to VAB actions.

It reads the grounded goal option closest to done, takes its unsatisfied literals in order
(states to set, then things to place, then things to close) and turns each into VAB
actions: find the object (go to its room, look around, open what encloses it), go to it,
grasp it, go to the target, put it. It plays through the public actions only, written in
VAB's syntax (``grasp(3.apple)``); it reads the world to know where things are, as a
solver that "knows the task" may. Each step's rationale (``last_step["thought"]``) names the
goal literal being worked on and why this action, from ``solver.yaml``'s templates: each
macro marks what it is for while its plan runs (:func:`_purpose`).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

import gymnasium as gym
import numpy as np
import yaml

from vab_gym.envs.omnigibson.robot import (
    CAMERA_HEIGHTS,
    FULL_VIEW,
    PUT,
    STATE_ACTIONS,
    VAB_LAND_FOOTPRINT,
)
from vab_gym.envs.omnigibson.world import Obj

RELATION_ACTION = {relation: action for action, (relation, *_rest) in PUT.items()}
STATE_ACTION = {
    "cooked": "cook",
    "frozen": "freeze",
    "hot": "heat",
    "on_fire": "burn",
    "toggled_on": "toggle_on",
    "open": "open",
}
UNDO_ACTION = {"open": "close", "toggled_on": "toggle_off"}
TRIES_PER_LITERAL = 3
SEARCHES = 5  # places in a room to look for a thing from
REACHABLE_BOTTOM = 1.0  # VAB measures reach from the robot's base: higher things are too far
LANDING = VAB_LAND_FOOTPRINT  # VAB's move stops stepping this close to a footprint
LOW_ENOUGH = 0.45  # a bottom this high is in reach from anywhere VAB's move lands (1.1 m)
RAISED = 0.8  # a target this high is mostly out of reach from VAB's landing: lower it first
Plan = Iterator[str]


@functools.cache
def thoughts() -> dict[str, Any]:
    return yaml.safe_load((resources.files(__package__) / "solver.yaml").read_text())


def _purpose(kind: str) -> Callable[[Callable[..., Plan]], Callable[..., Plan]]:
    """Mark a macro: while its plan runs, ``(kind, args)`` is on the solver's purposes, so a
    step's rationale can say what the action is for."""

    def wrap(macro: Callable[..., Plan]) -> Callable[..., Plan]:
        @functools.wraps(macro)
        def run(self: OmniGibsonSolver, *args: Any, **kwargs: Any) -> Plan:
            stack = self._purposes  # this plan's own: a plan dropped at a reset pops its own
            stack.append((kind, args))
            try:
                yield from macro(self, *args, **kwargs)
            finally:
                stack.pop()

        return run

    return wrap


class OmniGibsonSolver:
    """The scripted expert (an :class:`~vab_gym.agents.Agent`)."""

    def __init__(self) -> None:
        self.last_step: dict[str, Any] = {}

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self.env = env.unwrapped
        self._tries: Counter[str] = Counter()
        self._neighbours: dict[str, set[str]] = {}
        self._relocating: set[str] = set()
        self._purposes: list[tuple[str, tuple[Any, ...]]] = []
        self._literal: list[str] | None = None
        self.last_step = {}
        self._plan = self._play()

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        action = next(self._plan, "done()")
        self.last_step = {"thought": self.thought(action)}
        return action

    # -- rationales -----------------------------------------------------------------------
    def thought(self, action: str) -> str:
        """Why ``action``: the goal literal worked on, then the step (``solver.yaml``)."""
        step = self._step_text(action)
        if action == "done()" or self._literal is None:
            return step
        return f"{self.literal_text(self._literal)}. {step}"

    def literal_text(self, literal: list[str]) -> str:
        """A goal literal in words: "The 3.apple must be inside the 7.fridge"."""
        data = thoughts()
        negated = literal[0] == "not"
        head, *names = literal[1:] if negated else literal
        labels = [self.world.objects[n].label if n in self.world.objects else n for n in names]
        values = {
            "a": labels[0],
            "b": labels[-1],
            "state": head.replace("_", " "),
            "relation": data["relation"].get(head, head),
        }
        if negated:
            key = "not_relation" if len(names) == 2 else f"not_{head}"
            return data["literal"].get(key, data["literal"]["not_state"]).format(**values)
        return data["literal"][head].format(**values)

    def _step_text(self, action: str) -> str:
        templates = thoughts()["step"]
        name, _, rest = action.partition("(")
        args = [a.strip() for a in rest.rstrip(")").split(",") if a.strip()]
        purposes = self._purposes

        def innermost(*kinds: str) -> tuple[str | None, tuple[Any, ...]]:
            return next(((k, a) for k, a in reversed(purposes) if k in kinds), (None, ()))

        sought_kind, sought = innermost("find", "look_at", "approach")
        seek = sought[0].label if sought else "thing I need"
        held = self.robot.held_obj()
        values: dict[str, Any] = {
            "seek": seek,
            "held": held.label if held else "thing",
            "obj": args[0] if args else "",
            "room": args[0] if args else "",
            "other": args[-1] if args else "",
        }
        if name in PUT:
            values["relation"] = thoughts()["relation"][PUT[name][0]]
        if name == "done":
            return templates["done"]
        if name == "move_to_room":
            return templates[
                "move_to_floor" if sought and sought[0].is_floor else "move_to_room"
            ].format(**values)
        if name == "move":
            return templates["move" if args[0] == seek else "move_near"].format(**values)
        if name in ("turn_left", "turn_right"):
            return templates["turn_to" if sought_kind == "look_at" else "turn"].format(**values)
        if name in ("raise_camera", "lower_camera"):
            return templates["camera"].format(verb=name.split("_")[0], **values)
        if name == "open":
            kind, what = innermost("find", "place", "set_state")
            if kind == "set_state":  # opening the container a held thing goes into
                at = max(i for i, (k, _) in enumerate(purposes) if k == "set_state")
                if at > 0 and purposes[at - 1][0] == "place":
                    kind, what = purposes[at - 1]
            if kind == "find":
                return templates["open_host"].format(**{**values, "seek": what[0].label})
            if kind == "place":
                return templates["open_target"].format(**{**values, "held": what[0].label})
        if name == "grasp":
            takes = [i for i, (k, _) in enumerate(purposes) if k == "take"]
            above = purposes[takes[-1] - 1] if takes and takes[-1] > 0 else (None, ())
            key = {"place": "grasp_carry", "lower": "grasp_lower", "set_state": "grasp_hold"}.get(
                above[0], "grasp_away"
            )
            target = above[1][1].label if above[0] == "place" else ""
            return templates[key].format(target=target, **values)
        if name in PUT:
            kind, _ = innermost("put_down", "lower", "place")
            if kind == "put_down":
                downs = [i for i, (k, _) in enumerate(purposes) if k == "put_down"]
                above = purposes[downs[-1] - 1] if downs[-1] > 0 else (None, ())
                if above[0] == "take":
                    return templates["put_down"].format(next=above[1][0].label, **values)
                return templates["set_down"].format(**values)
            return templates["put_lower" if kind == "lower" else "put"].format(**values)
        return templates["state"].format(verb=name.replace("_", " "), **values)

    def next_literal(self) -> list[str] | None:
        """The goal literal the plan would work on next from the present state."""
        return self._next_literal(self._option())

    # -- the goal -------------------------------------------------------------------------
    @property
    def robot(self):
        return self.env.robot

    @property
    def world(self):
        return self.env.house.world

    def _option(self) -> list[list[str]]:
        """The grounded goal option with the most literals already true, made consistent.

        bddl keeps at most 20 options, and for ``forn`` goals ("3 books inside, 3 on top")
        they may all name one book in both places; such a literal gets an unused object of
        the same kind instead."""
        options = [
            self._consistent([lit.terms for lit in option]) for option in self.env.goal.options
        ]

        def score(terms: list[list[str]]) -> tuple[bool, float]:
            possible = not any(len(t) == 3 and t[1] == t[2] for t in terms)  # "a on a"
            return possible, sum(map(self.holds, terms)) / max(1, len(terms))

        return max(options, key=score)

    def _consistent(self, literals: list[list[str]]) -> list[list[str]]:
        placed: dict[str, str] = {}
        named = {name for t in literals for name in t[1:] if name in self.world.objects}
        fixed = []
        for t in literals:
            t = list(t)
            if len(t) == 3 and t[0] in RELATION_ACTION and placed.get(t[1], t[0]) != t[0]:
                kind = t[1].rsplit("_", 1)[0]
                spare = next(
                    (
                        n
                        for n in self.world.objects
                        if n.rsplit("_", 1)[0] == kind and n not in named
                    ),
                    None,
                )
                if spare is not None:
                    t[1] = spare
                    named.add(spare)
            if len(t) == 3 and t[0] in RELATION_ACTION:
                placed.setdefault(t[1], t[0])
            fixed.append(t)
        return fixed

    def holds(self, literal: list[str]) -> bool:
        if literal[0] == "not":
            return not self.holds(literal[1:])
        objects = self.world.objects
        if len(literal) == 2:
            return objects[literal[1]].state(literal[0])
        relation, a, b = literal
        return self.world.relation_holds(objects[a], objects[b], relation)

    def _next_literal(self, option: list[list[str]]) -> list[str] | None:
        literals = [
            t for t in option if not self.holds(t) and self._tries[str(t)] < TRIES_PER_LITERAL
        ]
        # states first (cook before packing), then placements, then closing things; a
        # container is filled where it stands before it is moved (into a fridge, onto a
        # counter), where VAB's reach from its landing point may not get at it
        hosts = {t[2] for t in literals if len(t) == 3 and t[0] in ("inside", "ontop")}

        def order(t: list[str]) -> float:
            if t[0] == "not":
                return 2
            if len(t) == 3:
                return 1.5 if t[1] in hosts else 1
            return 0

        literals.sort(key=order)
        return literals[0] if literals else None

    def _play(self) -> Plan:
        self._literals = self._option()
        while True:
            literal = self._next_literal(self._literals)
            if literal is None:
                self._literals = self._option()
                literal = self._next_literal(self._literals)
                if literal is None:
                    return
            self._tries[str(literal)] += 1
            self._literal = literal
            yield from self._achieve(literal)

    def _achieve(self, literal: list[str]) -> Plan:
        objects = self.world.objects
        if literal[0] == "not":
            if len(literal) == 3 and literal[1] in UNDO_ACTION:
                yield from self._set_state(objects[literal[2]], UNDO_ACTION[literal[1]])
            elif len(literal) == 4 and objects[literal[2]].movable:  # take it away from there
                yield from self._take(objects[literal[2]])
                yield from self._put_down()
            return
        if len(literal) == 2:
            state, name = literal
            if state in STATE_ACTION:
                yield from self._set_state(objects[name], STATE_ACTION[state])
            return
        relation, a, b = literal
        obj, target = objects[a], objects[b]
        if relation == "nextto" and not obj.movable and target.movable:
            obj, target = target, obj
        yield from self._place(obj, target, RELATION_ACTION[relation])

    # -- macros ---------------------------------------------------------------------------
    @_purpose("set_state")
    def _set_state(self, obj: Obj, action: str) -> Plan:
        if obj.movable and obj.box.bottom > REACHABLE_BOTTOM and self.robot.held != obj.name:
            yield from self._take(obj)  # too high to reach from the floor: hold it instead
        yield from self._approach(obj)
        if obj.movable and self.robot.held != obj.name and not self._usable(obj, False):
            # VAB's move lands up to 1.1 m off: what is raised may still be out of reach,
            # but grasping measures the floor plan only, and what is held is at hand
            yield from self._take(obj)
        yield f"{action}({obj.label})"

    @_purpose("take")
    def _take(self, obj: Obj) -> Plan:
        robot = self.robot
        if robot.held and robot.held != obj.name:
            yield from self._put_down()
        if robot.held != obj.name:
            yield from self._approach(obj, footprint=True)
            yield f"grasp({obj.label})"

    @_purpose("place")
    def _place(self, obj: Obj, target: Obj, action: str) -> Plan:
        robot = self.robot
        if target.movable and target.box.bottom > RAISED and target.name not in self._relocating:
            self._relocating.add(target.name)  # the target is out of reach: move it first
            yield from self._lower(target, LOW_ENOUGH)  # its own place comes later, filled
            self._relocating.discard(target.name)
        yield from self._take(obj)
        if robot.held != obj.name:
            return
        if action == "put_inside" and target.category.can("openable") and not target.state("open"):
            yield from self._set_state(target, "open")
        yield from self._approach(target)
        if (
            not self._usable(target, False)
            and target.movable
            and target.name not in self._relocating
        ):
            # VAB's move lands up to 1.1 m off, so a raised target can stay out of reach
            # (measured from the robot's base): set it down low, then put on or in it there
            self._relocating.add(target.name)
            yield from self._put_down()
            yield from self._lower(target, LOW_ENOUGH)
            self._relocating.discard(target.name)
            yield from self._take(obj)
            if robot.held != obj.name:
                return
            yield from self._approach(target)
        yield f"{action}({obj.label}, {target.label})"

    @_purpose("lower")
    def _lower(self, obj: Obj, max_top: float = REACHABLE_BOTTOM) -> Plan:
        """Bring a thing that is too high to act on down onto a low surface, or the floor."""
        yield from self._take(obj)
        if self.robot.held != obj.name:
            return
        here = self.robot.room()
        low = [
            o
            for o in self.world.placed()
            if o.vab_id
            and not o.movable
            and not o.is_floor
            and o.box.top <= max_top
            and self.world.room_of(o) == here
        ]
        for surface in low[:2]:
            yield from self._approach(surface)
            yield f"put_on_top({obj.label}, {surface.label})"
            if self.robot.held is None:
                return
        yield from self._put_down()

    @_purpose("put_down")
    def _put_down(self) -> Plan:
        """Free the hand: put what it holds on the floor here, or next to something near."""
        held = self.robot.held_obj()
        if held is None:
            return
        floor = self.world.floor_of(self.robot.room() or "")
        if floor is not None and floor.vab_id:
            yield f"put_on_top({held.label}, {floor.label})"
            if self.robot.held is None:
                return
        position = self.robot.position
        near = sorted(
            (
                o
                for o in self.world.placed()
                if o.vab_id
                and not o.is_floor
                and o.name in self.robot.visible
                and self.robot.within_reach(o)
            ),
            key=lambda o: (o.movable, o.box.distance_xy(position)),
        )
        for other in near[:3]:
            yield f"put_next_to({held.label}, {other.label})"
            if self.robot.held is None:
                return

    @_purpose("approach")
    def _approach(self, obj: Obj, footprint: bool = False) -> Plan:
        """Come within reach of ``obj`` and in sight of it (as VAB's checks need)."""
        robot = self.robot
        for _ in range(4):
            if obj.name == robot.held or self._usable(obj, footprint):
                return
            if obj.is_floor:
                yield f"move_to_room({obj.room})"
                continue
            if obj.name not in robot.seen:
                yield from self._find(obj)
                if obj.name not in robot.seen:
                    neighbour = self._nearest_seen(obj)
                    if neighbour is not None:  # near enough, VAB lets one act on it unseen
                        yield f"move({neighbour.label})"
                    continue
            room = self.world.room_of(obj)
            if obj.name not in robot.visible and room and robot.room() != room:
                yield f"move_to_room({room})"
            elif robot.in_sight(obj) and obj.box.distance_xy(robot.position) <= LANDING:
                return  # VAB's move would not step closer: too high to reach from here
            yield f"move({obj.label})"

    def _usable(self, obj: Obj, footprint: bool) -> bool:
        robot = self.robot
        return robot.in_sight(obj) and robot.within_reach(obj, footprint=footprint)

    @_purpose("find")
    def _find(self, obj: Obj) -> Plan:
        """Get ``obj`` into the robot's sight: open what shuts it in, or go and look."""
        robot = self.robot
        host = self._closed_host(obj)
        if host is not None:
            yield from self._approach(host)
            yield f"open({host.label})"
            if obj.name in robot.seen:
                return
        room = self.world.room_of(obj)
        if room and robot.room() != room:
            yield f"move_to_room({room})"
        yield from self._look_at(obj)
        if obj.name in robot.seen:
            return
        height = obj.box.center[2]
        if height > 1.3 and robot.camera_height < 1.1:
            yield "raise_camera()"
        elif height < 0.3 and robot.camera_height > 0.8:
            yield "lower_camera()"
        support = self._support(obj)
        for attempt in range(SEARCHES):  # look around here, then from elsewhere in the room
            # past the first place, turning where the scan shows nothing wastes the steps
            # VAB's reward stops leave: go elsewhere instead
            for _ in range(3 if attempt == 0 else 0):
                if obj.name in robot.seen:
                    return
                yield "turn_left()"
            if obj.name in robot.seen:
                return
            if (
                attempt == 0
                and support is not None
                and support.vab_id
                and support.name in robot.seen
            ):
                yield f"move({support.label})"
                if support.kind != "solid" and robot.camera_height < 1.1:
                    yield "raise_camera()"  # look down into it
            elif attempt % 2 and (near := self._nearest_seen(obj)) is not None:
                yield f"move({near.label})"  # VAB stops a 4th move_to_room in a row
            elif room:
                yield f"move_to_room({room})"
            yield from self._look_at(obj)

    @_purpose("look_at")
    def _look_at(self, obj: Obj) -> Plan:
        """Turn and tilt straight to a view that shows ``obj`` from here, if one does: the
        solver knows where things are, and VAB's reward stops leave no steps for a blind
        look around (the robot's scan is what VAB's move uses to choose a heading)."""
        robot = self.robot
        view = self._view_of(obj)
        if view is None:
            return
        height, heading = view
        while robot.camera_height < height - 0.1:
            yield "raise_camera()"
        while robot.camera_height > height + 0.1:
            yield "lower_camera()"
        turns = (heading - robot.heading) % 4
        yield from (["turn_left()"] * turns if turns <= 2 else ["turn_right()"])

    def _view_of(self, obj: Obj) -> tuple[float, int] | None:
        """The camera height and heading (nearest the present ones) where ``obj`` covers
        the most of the image from where the robot stands; None if it shows in none."""
        robot = self.robot
        if robot.scan is None:
            return None
        here = robot.camera_height
        views = []
        for height in CAMERA_HEIGHTS:
            robot.camera_height = height
            try:
                shares = robot.scan(obj)
            finally:
                robot.camera_height = here
            views += [
                (share, -abs(height - here), height, heading)
                for heading, share in enumerate(shares)
                if 0 < share < FULL_VIEW
            ]
        if not views:
            return None
        _, _, height, heading = max(views)
        return height, heading

    # -- what the solver knows ------------------------------------------------------------
    def _nearest_seen(self, obj: Obj) -> Obj | None:
        """The closest labelled thing already seen and not yet tried as a place to stand."""
        tried = self._neighbours.setdefault(obj.name, set())
        seen = [self.world.objects[n] for n in self.robot.seen if n != obj.name and n not in tried]
        seen = [o for o in seen if o.vab_id and not o.is_floor and o.kind != "flat"]
        centre = np.array(obj.box.center[:2])
        best = min(
            seen, key=lambda o: np.linalg.norm(np.array(o.box.center[:2]) - centre), default=None
        )
        if best is not None:
            tried.add(best.name)
        return best

    def _closed_host(self, obj: Obj) -> Obj | None:
        for other in self.world.placed():
            if (
                other is not obj
                and other.vab_id
                and other.category.can("openable")
                and not other.state("open")
                and self.world.inside(obj, other)
            ):
                return other
        return None

    def _support(self, obj: Obj) -> Obj | None:
        """What ``obj`` is in (first) or on."""
        others = [o for o in self.world.placed() if o is not obj and not o.is_floor]
        return next(
            (o for o in others if self.world.inside(obj, o) and o.kind != "solid"),
            next((o for o in others if self.world.ontop(obj, o)), None),
        )


assert set(STATE_ACTION.values()) <= set(STATE_ACTIONS)
