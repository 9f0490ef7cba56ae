"""BDDL goals judged on the embedded world: the simulator as a ``bddl`` backend.

``bddl`` compiles a problem's ``:goal`` (quantifiers, ``forpairs``, ``or``...) and asks the
backend for one class per predicate; each class evaluates its literal on the current world.
The judge is then bddl's own ``evaluate_goal_conditions``, and progress is VAB's reward: the
best fraction of satisfied literals over bddl's grounded goal options.
"""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

from bddl.activity import (
    Conditions,
    evaluate_goal_conditions,
    get_goal_conditions,
    get_ground_goal_state_options,
    get_object_scope,
)
from bddl.backend_abc import BDDLBackend
from bddl.logic_base import BinaryAtomicFormula, UnaryAtomicFormula

from vab_gym.envs.omnigibson.world import UNARY_STATES, World

BINARY_PREDICATES = ("inside", "ontop", "under", "nextto")
GOAL_PREDICATES = frozenset(UNARY_STATES) | frozenset(BINARY_PREDICATES)
INIT_PREDICATES = GOAL_PREDICATES | {"inroom"}  # rooms are given by the house, not judged


class Entity:
    """A scope value: one BDDL instance, resolved against the live world.

    (bddl reads a ``str`` scope value as a quantifier alias, so instances are objects.)
    """

    def __init__(self, goal: Goal, name: str) -> None:
        self.goal, self.name = goal, name

    def obj(self):
        return self.goal.world.objects[self.name]


def _unary(state: str) -> type[UnaryAtomicFormula]:
    class Predicate(UnaryAtomicFormula):
        STATE_NAME = state

        def _evaluate(self, entity: Entity) -> bool:
            return entity.obj().state(state)

        def _sample(self, entity: Entity, binary_state: bool) -> bool:
            raise NotImplementedError("the house sampler places objects, not bddl")

    Predicate.__name__ = f"{state.title()}Predicate"
    return Predicate


def _binary(relation: str) -> type[BinaryAtomicFormula]:
    class Predicate(BinaryAtomicFormula):
        STATE_NAME = relation

        def _evaluate(self, a: Entity, b: Entity) -> bool:
            world = a.goal.world
            return world.relation_holds(a.obj(), b.obj(), relation)

        def _sample(self, a: Entity, b: Entity, binary_state: bool) -> bool:
            raise NotImplementedError("the house sampler places objects, not bddl")

    Predicate.__name__ = f"{relation.title()}Predicate"
    return Predicate


class HouseBackend(BDDLBackend):
    """The predicates the embedded simulator implements; others raise ``KeyError``, which
    bddl reports as ``UnsupportedPredicateError``."""

    _classes: ClassVar[dict[str, type]] = {
        **{s: _unary(s) for s in UNARY_STATES},
        **{r: _binary(r) for r in BINARY_PREDICATES},
    }

    def get_predicate_class(self, predicate_name: str) -> type:
        return self._classes[predicate_name]


@cache
def conditions(activity: str, problem: str) -> Conditions:
    """bddl's parse of one problem text (cached: parsing is the slow part)."""
    return Conditions(activity, 0, "omnigibson", predefined_problem=problem)


@cache
def goal_literals(activity: str, problem: str) -> tuple[int, frozenset[str]]:
    """The fewest grounded literals any of the goal's options asks for (the denominator of
    VAB's reward for that option), and the predicates the goal uses. Grounding needs no
    world: the entities are only looked up when a literal is evaluated."""
    conds = conditions(activity, problem)
    goal = Goal.__new__(Goal)  # unbound: nothing here evaluates a literal
    backend = HouseBackend()
    scope = {name: Entity(goal, name) for name in get_object_scope(conds)}
    top = get_goal_conditions(conds, backend, scope)
    options = get_ground_goal_state_options(conds, backend, scope, top)
    fewest = min((len(option) for option in options), default=len(top))
    return fewest, frozenset(_predicate_names(conds.parsed_goal_conditions))


def _predicate_names(terms: Any) -> set[str]:
    if not isinstance(terms, list) or not terms:
        return set()
    head = terms[0]
    names = {head} if isinstance(head, str) and head in GOAL_PREDICATES else set()
    for term in terms[1:] if isinstance(head, str) else terms:
        names |= _predicate_names(term)
    return names


class Goal:
    """A problem's goal bound to a world."""

    def __init__(self, conds: Conditions, world: World) -> None:
        self.world = world
        backend = HouseBackend()
        self.scope: dict[str, Any] = {name: Entity(self, name) for name in get_object_scope(conds)}
        self.conditions = get_goal_conditions(conds, backend, self.scope)
        self.options = get_ground_goal_state_options(conds, backend, self.scope, self.conditions)

    def satisfied(self) -> bool:
        return bool(evaluate_goal_conditions(self.conditions)[0])

    def progress(self) -> float:
        """VAB's reward: the best fraction of satisfied literals over the goal options."""
        best = 0.0
        for option in self.options:
            _, result = evaluate_goal_conditions(option)
            total = len(result["satisfied"]) + len(result["unsatisfied"])
            best = max(best, len(result["satisfied"]) / total if total else 1.0)
        return best

    def report(self) -> dict[str, list[str]]:
        """The top-level goal conditions, satisfied and not, as BDDL text."""
        _, result = evaluate_goal_conditions(self.conditions)
        text = [literal_text(c.terms) for c in self.conditions]
        return {
            "satisfied": [text[i] for i in result["satisfied"]],
            "unsatisfied": [text[i] for i in result["unsatisfied"]],
        }


def literal_text(terms: Any) -> str:
    """BDDL s-expression text of a parsed condition."""
    if isinstance(terms, list):
        return "(" + " ".join(literal_text(t) for t in terms) + ")"
    return str(terms)
