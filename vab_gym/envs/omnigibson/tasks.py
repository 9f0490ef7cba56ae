"""VAB-OmniGibson's tasks: VAB's 181 (activity, scene) pairs, and BEHAVIOR train tasks.

A task's ``setup`` names a BDDL problem and a house: ``activity``, ``scene`` (an OmniGibson
scene whose rooms and furniture the house copies) and ``seed``; ``definition`` says where
the problem text comes from (``"vab"``: the package's rewrite of VAB's goal, ``"bddl"``:
the ``bddl`` package's own ``problem0``), or ``problem`` holds a BDDL text of one's own.
The judge is that problem's ``:goal``.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from bddl.activity import get_all_activities

from vab_gym.core.tasks import Task, TaskSet, package_tasks, tasks_by_seed
from vab_gym.core.templates import Prototype, sample_instances
from vab_gym.envs.omnigibson.catalog import category
from vab_gym.envs.omnigibson.house import (
    SamplingError,
    build_house,
    problem_rooms,
    scene_inventory,
)
from vab_gym.envs.omnigibson.judge import GOAL_PREDICATES, INIT_PREDICATES, Goal, conditions

ENV_ID = "VAB-OmniGibson-v0"
JUDGE = {"type": "bddl_goal"}
ACTIVITY = Prototype(
    id="behavior-activity",
    instruction="{goal_text}",
    slots={
        "activity": "bddl-activity-the-simulator-supports",
        "scene": "scene-with-the-activity's-rooms",
        "goal_text": "goal-in-words",
    },
    judge=JUDGE,
)
CONNECTIVES = {"and", "or", "not", "imply", "forall", "exists", "forn", "forpairs", "fornpairs"}


@cache
def bddl_problem(activity: str) -> str:
    """bddl's own ``problem0.bddl`` of an activity."""
    path = resources.files("bddl") / "activity_definitions" / activity / "problem0.bddl"
    return path.read_text()


def problem_text(setup: dict[str, Any]) -> str:
    """The BDDL problem a task's setup names."""
    if setup.get("problem"):
        return setup["problem"]
    if setup.get("definition") == "bddl":
        return bddl_problem(setup["activity"])
    path = resources.files(__package__) / "data" / "problems" / f"{setup['activity']}.bddl"
    return path.read_text()


# -- VAB's test split ---------------------------------------------------------------------
def vab_test_tasks(vab_dir: str | Path) -> list[Task]:
    """VAB's 181 tasks from its ``tasks.txt`` and ``task_goal.json``, in VAB's order."""
    vab_dir = Path(vab_dir)
    pairs = ast.literal_eval((vab_dir / "tasks.txt").read_text())
    goals = json.loads((vab_dir / "task_goal.json").read_text())
    return [
        Task(
            id=f"og-test-{activity}-{scene}",
            env=ENV_ID,
            split="test",
            instruction=goals[activity],
            setup={"activity": activity, "scene": scene, "seed": 0, "definition": "vab"},
            judge=dict(JUDGE),
            metadata={"source": "VAB tasks.txt + task_goal.json"},
        )
        for activity, scene in pairs
    ]


# -- which bddl activities the simulator runs ---------------------------------------------
@dataclass(frozen=True)
class Support:
    activity: str
    ok: bool
    reason: str = ""
    scenes: tuple[str, ...] = ()


def survey(activities: Iterable[str] | None = None) -> Iterator[Support]:
    """For each bddl activity: can the simulator run it (problem parses, every predicate is
    implemented, every synset known, some scene has its rooms)?"""
    preselected = _preselected_scenes()
    for activity in activities or sorted(get_all_activities()):
        try:
            conds = conditions(activity, bddl_problem(activity))
        except Exception as exc:  # bddl's parser raises plain Exceptions
            yield Support(activity, False, f"does not parse: {type(exc).__name__}")
            continue
        unsupported = (_predicates(conds.parsed_initial_conditions) - INIT_PREDICATES) | (
            _predicates(conds.parsed_goal_conditions) - GOAL_PREDICATES
        )
        if unsupported:
            yield Support(activity, False, "predicates " + ", ".join(sorted(unsupported)))
            continue
        try:
            for synset in conds.parsed_objects:
                category(synset)
        except KeyError as exc:
            yield Support(activity, False, f"synset {exc}")
            continue
        rooms = problem_rooms(conds)
        scenes = tuple(
            s
            for s in preselected.get(activity, sorted(scene_inventory()))
            if rooms <= {r.rsplit("_", 1)[0] for r in scene_inventory().get(s, {})}
        )
        if not scenes:
            yield Support(activity, False, "no scene has rooms " + ", ".join(sorted(rooms)))
            continue
        yield Support(activity, True, scenes=scenes)


def _predicates(tree: Any) -> set[str]:
    """Predicate names in a parsed condition tree."""
    if not isinstance(tree, list) or not tree:
        return set()
    head = tree[0]
    found = set()
    if (
        isinstance(head, str)
        and not head.startswith("?")
        and head not in CONNECTIVES
        and all(isinstance(t, str) for t in tree[1:])
        and len(tree) in (2, 3)
        and not head[0].isdigit()
    ):
        found.add(head)
    for item in tree:
        found |= _predicates(item)
    return found


@cache
def _preselected_scenes() -> dict[str, list[str]]:
    path = resources.files("bddl") / "activity_to_preselected_scenes.json"
    return json.loads(path.read_text())


# -- the train split ----------------------------------------------------------------------
def train_tasks(
    count: int,
    seed: int,
    exclude: Iterable[str] = (),
    supported: Iterable[Support] | None = None,
    houses: int = 3,
) -> list[Task]:
    """``count`` tasks of bddl activities the simulator supports (``exclude``: the test
    activities), up to ``houses`` per activity, each in a seeded house of one of the
    activity's scenes. An instance is kept only if its house builds and its goal does not
    already hold."""
    banned = set(exclude)
    candidates = [
        s
        for s in (supported or survey())
        if s.ok and s.activity not in banned
        for _ in range(houses)
    ]
    rng = np.random.default_rng(seed)

    def make(support: Support) -> Task | None:
        scene = support.scenes[int(rng.integers(len(support.scenes)))]
        house_seed = int(rng.integers(2**31))
        conds = conditions(support.activity, bddl_problem(support.activity))
        try:
            house = build_house(conds, scene, house_seed)
        except SamplingError:
            return None
        goal = Goal(conds, house.world)
        if goal.satisfied():
            return None
        return ACTIVITY.instantiate(
            {
                "activity": support.activity,
                "scene": scene,
                "goal_text": goal_in_words(conds.parsed_goal_conditions, house.task_objects),
            },
            task_id=f"og-train-{seed}-{support.activity}-{scene}-{house_seed}",
            env=ENV_ID,
            split="train",
            setup={
                "activity": support.activity,
                "scene": scene,
                "seed": house_seed,
                "definition": "bddl",
            },
            metadata={"source": "bddl 3.6.0 problem0"},
        )

    return sample_instances(candidates, make, count, rng)


# -- goals in words -----------------------------------------------------------------------
RELATION_WORDS = {"inside": "inside", "ontop": "on top of", "under": "under", "nextto": "next to"}
STATE_WORDS = {
    "cooked": "cooked",
    "frozen": "frozen",
    "hot": "hot",
    "on_fire": "on fire",
    "toggled_on": "switched on",
    "open": "open",
}
NEGATED_WORDS = {"open": "closed", "toggled_on": "switched off"}


def goal_in_words(goal: list, ids: list[str]) -> str:
    """A BDDL goal as an instruction, naming objects by their VAB ids (``3.apple``)."""
    labels = {
        name: f"{i}.{category(name.rsplit('_', 1)[0]).label}" for i, name in enumerate(ids, 1)
    }
    parts = [_words(term, labels) for term in goal]
    return "Make all of these true: " + "; ".join(parts) + "."


def _words(term: list, labels: dict[str, str]) -> str:
    head = term[0]

    def name(token: str) -> str:
        token = token.lstrip("?")
        if token in labels:
            return labels[token]
        kind = category(token).label if "." in token and token.count(".") == 2 else token
        return f"the {kind}"

    if head == "and":
        return ", and ".join(_words(t, labels) for t in term[1:])
    if head == "or":
        return "either " + " or ".join(f"({_words(t, labels)})" for t in term[1:])
    if head == "not":
        inner = term[1]
        if len(inner) == 2 and inner[0] in NEGATED_WORDS:
            return f"{name(inner[1])} is {NEGATED_WORDS[inner[0]]}"
        return f"not ({_words(inner, labels)})"
    if head in ("forall", "exists"):
        kind = category(term[1][2]).label
        scope = "every" if head == "forall" else "some"
        return f"{scope} {kind}: {_words(term[2], labels)}".replace(f"the {kind}", "it", 1)
    if head in ("forn", "fornpairs"):
        return f"{term[1][0]} of them: {_words(term[-1], labels)}"
    if head == "forpairs":
        first, second = category(term[1][2]).label, category(term[2][2]).label
        return f"pair each {first} with its own {second}: {_words(term[3], labels)}"
    if head == "imply":
        return f"if {_words(term[1], labels)} then {_words(term[2], labels)}"
    if len(term) == 3:
        return f"{name(term[1])} is {RELATION_WORDS.get(head, head)} {name(term[2])}"
    return f"{name(term[1])} is {STATE_WORDS.get(head, head)}"


def fresh_train_tasks(count: int, shipped: TaskSet, folder: Path) -> list[Task]:
    """``count`` train tasks beyond ``shipped``: bddl activities (none of the test split's)
    in new houses, :func:`train_tasks` with seeds 1, 2, ... (``VabEnv.fresh_tasks``)."""
    supported = list(survey())
    test = {t.setup["activity"] for t in package_tasks(__package__, "test")}
    return tasks_by_seed(
        lambda n, seed: train_tasks(n, seed, exclude=test, supported=supported), count, shipped
    )
