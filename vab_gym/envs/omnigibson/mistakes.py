"""VAB-OmniGibson's mistake model: the wrong object, or the wrong place.

``propose`` reads the goal literal the program solver works on next and offers a plausible
slip, valid now and undone by one action:

- ``wrong_object`` (hand empty): grasp an object within reach that is not the one the literal
  wants: one of the same kind first (the 2.book for the 1.book), else a thing no goal literal
  names; undone by putting it back in or on what it came from.
- ``wrong_place`` (holding the literal's object): put it in or on a receptacle within reach
  other than the literal's, as big as the thing at least, of the target's kind first (the
  wrong shelf, the other box); undone by grasping it again.

Either way the solver then plans afresh from the world (``replan``). A slip never changes an
object's states (nothing is opened, cooked, toggled) and moves only a thing that carries
nothing and whose goal literals all fail now, so putting it back cannot undo any progress or
make a literal impossible. Both the slip and its undoing are tried first on the world (the
robot's random placement replayed with a copy of its generator), so each is carried out.
"""

from __future__ import annotations

import copy
from typing import Any

import gymnasium as gym
import numpy as np

from vab_gym.core.mistakes import Mistake
from vab_gym.envs.omnigibson.robot import MAX_MASS, PUT, PUT_TRIES, Robot
from vab_gym.envs.omnigibson.solver import RELATION_ACTION, OmniGibsonSolver, thoughts
from vab_gym.envs.omnigibson.world import Obj

PLACEMENTS = ("inside", "ontop")
RECEPTACLES = ("hollow", "container")  # what a thing can be put inside


def propose(
    env: gym.Env, obs: dict[str, Any], info: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    """A plausible slip towards the literal the solver works on next, or None."""
    env = env.unwrapped
    planner = OmniGibsonSolver()
    planner.reset(env, obs, info)
    literal = planner.next_literal()
    if literal is None:
        return None
    if env.robot.held is None:
        return _wrong_object(env, planner, literal, rng)
    return _wrong_place(env, planner, literal, rng)


def _wrong_object(
    env, planner: OmniGibsonSolver, literal: list[str], rng: np.random.Generator
) -> Mistake | None:
    robot, world = env.robot, env.house.world
    wanted = world.objects[literal[2] if literal[0] == "not" else literal[1]]
    named = _goal_names(env)
    options = []
    for obj in world.placed():
        if (
            obj is wanted
            or not obj.vab_id
            or not obj.movable
            or obj.category.mass > MAX_MASS
            or not robot.in_sight(obj)
            or not robot.within_reach(obj, footprint=True)
            or world.carried_by(obj)
            or not _unsatisfied(env, planner, obj.name)
        ):
            continue
        same_kind = obj.category.name == wanted.category.name
        if obj.name in named and not same_kind:
            continue
        back = _put_back(robot, obj)
        if back is not None:
            options.append((not same_kind, obj.vab_id, obj, back))
    if not options:
        return None
    best = [o for o in options if o[0] == min(o[0] for o in options)]
    _, _, obj, (relation, support) = sorted(best, key=lambda o: o[1])[int(rng.integers(len(best)))]
    words = thoughts()
    goal = planner.literal_text(literal)
    target = world.objects[literal[2]].label if len(literal) == 3 else ""
    step = "grasp_carry" if target else "grasp_hold"
    values = {"obj": obj.label, "target": target}
    back_action = f"{RELATION_ACTION[relation]}({obj.label}, {support.label})"
    return Mistake(
        action=f"grasp({obj.label})",  # VAB's syntax, as the solver writes it
        thought=f"{goal}. {words['step'][step].format(**values)}",
        kind="wrong_object",
        replan=True,
        recovery=(
            (
                back_action,
                f"I picked up the {obj.label} by mistake: {_lower(goal)}, and the "
                f"{obj.label} is not the {wanted.label}. I put it back "
                f"{words['relation'][relation]} the {support.label}.",
            ),
        ),
        details={"wanted": wanted.label, "wrong": obj.label, "from": support.label},
    )


def _wrong_place(
    env, planner: OmniGibsonSolver, literal: list[str], rng: np.random.Generator
) -> Mistake | None:
    robot, world = env.robot, env.house.world
    if literal[0] not in PLACEMENTS or literal[1] != robot.held:
        return None
    relation, held, target = literal[0], world.objects[literal[1]], world.objects[literal[2]]
    if not _unsatisfied(env, planner, held.name):
        return None
    options = []
    for other in world.placed():
        if (
            other is target
            or other is held
            or other in robot.carried
            or not other.vab_id
            or other.is_floor
            or not robot.in_sight(other)
            or not robot.within_reach(other)
            or (relation == "inside" and not _receptacle(other))
        ):
            continue
        if _footprint(other) < _footprint(held):
            continue  # a pen on a pencil: nobody would take that for the place
        if _would_place(robot, held, other, relation, in_hand=True):
            likeness = (other.kind != target.kind) + (other.movable != target.movable)
            options.append((likeness, other.vab_id, other))
    if not options:
        return None
    best = [o for o in options if o[0] == min(o[0] for o in options)]
    wrong = sorted(best, key=lambda o: o[1])[int(rng.integers(len(best)))][2]
    words = thoughts()
    goal = planner.literal_text(literal)
    where = words["relation"][relation]
    values = {"obj": held.label, "other": wrong.label, "relation": where}
    return Mistake(
        action=f"{RELATION_ACTION[relation]}({held.label}, {wrong.label})",
        thought=f"{goal}. {words['step']['put'].format(**values)}",
        kind="wrong_place",
        replan=True,
        recovery=(
            (
                f"grasp({held.label})",
                f"I put the {held.label} {where} the {wrong.label} by mistake: "
                f"{_lower(goal)}, not the {wrong.label}. I pick it up again.",
            ),
        ),
        details={"wanted": target.label, "wrong": wrong.label, "object": held.label},
    )


# -- checks on the world ----------------------------------------------------------------------
def _goal_names(env) -> set[str]:
    return {name for option in env.goal.options for lit in option for name in lit.terms[1:]}


def _unsatisfied(env, planner: OmniGibsonSolver, name: str) -> bool:
    """No goal literal naming ``name`` holds now: moving it and back undoes no progress."""
    return not any(
        name in lit.terms[1:] and planner.holds(list(lit.terms))
        for option in env.goal.options
        for lit in option
    )


def _footprint(obj: Obj) -> float:
    return 4 * obj.box.half[0] * obj.box.half[1]


def _receptacle(obj: Obj) -> bool:
    """Can a thing be put inside ``obj`` now (hollow, and open if it opens)?"""
    return obj.kind in RECEPTACLES and (obj.state("open") or not obj.category.can("openable"))


def _put_back(robot: Robot, obj: Obj) -> tuple[str, Obj] | None:
    """Where ``obj`` came from (what it is inside or on, labelled and within reach; the
    smallest such, so a thing on a tray in the fridge goes back onto the tray), if a grasp and
    a put there would both be carried out from here."""
    world = robot.world
    places = sorted(
        ((r, o) for r in PLACEMENTS for o in world.placed()),
        key=lambda place: np.prod(place[1].box.half),
    )
    for relation, support in places:
        if (
            support is obj
            or not support.vab_id
            or not world.relation_holds(obj, support, relation)
            or (relation == "inside" and not _receptacle(support))
            or not robot.in_sight(support)
            or not robot.within_reach(support)
        ):
            continue
        if _would_place(robot, obj, support, relation, in_hand=False):
            return relation, support
    return None


def _would_place(robot: Robot, obj: Obj, target: Obj, relation: str, *, in_hand: bool) -> bool:
    """Would putting ``obj`` (held, or grasped first) in ``relation`` to ``target`` succeed
    now, and leave it within reach to grasp again? Replays ``Robot.put``'s placement on a copy
    of the robot's generator (a grasp draws nothing), then restores the world."""
    world = robot.world
    carried = robot.carried if in_hand else []
    saved = {o.name: o.box for o in [obj, *carried]}
    in_hand_before = world.in_hand
    try:
        if not in_hand:  # the grasp: the thing goes to the hand
            world.move(obj, robot.hand_center(), [])
        world.in_hand = set()
        placed = world.place(obj, target, relation, copy.deepcopy(robot.rng), PUT_TRIES, carried)
        return placed and robot.within_reach(obj, footprint=True)
    finally:
        for o in [obj, *carried]:
            o.box = saved[o.name]
        world.in_hand = in_hand_before


def _lower(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


assert set(RELATION_ACTION.values()) <= set(PUT)
