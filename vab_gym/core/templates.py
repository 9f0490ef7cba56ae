"""Prototype + instantiation: task templates with typed slots, filled from a world.

A :class:`Prototype` is a task template: an instruction with ``{slot}`` placeholders and a
judge spec whose strings may hold the same placeholders. An env grounds a prototype in
what its world actually contains (the ``candidates`` it offers for the slots); every
filling becomes a :class:`~vab_gym.core.tasks.Task` that carries its own judge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vab_gym.core.tasks import Task


@dataclass(frozen=True)
class Prototype:
    """A task template.

    ``slots`` maps each placeholder to its kind (a word the env's grounding understands,
    e.g. ``"selector"`` or ``"item"``); ``params`` are fixed values of this prototype the
    env's grounding reads (e.g. which CSS properties a corruption may touch).
    """

    id: str
    instruction: str
    slots: Mapping[str, str]
    judge: Mapping[str, Any]
    params: Mapping[str, Any] = field(default_factory=dict)

    def instantiate(
        self,
        filling: Mapping[str, Any],
        *,
        task_id: str,
        env: str,
        split: str,
        setup: dict[str, Any],
        metadata: dict[str, Any] | None = None,
    ) -> Task:
        """The task of one filling of the slots."""
        missing = set(self.slots) - set(filling)
        if missing:
            raise ValueError(f"prototype {self.id}: slots {sorted(missing)} are not filled")
        return Task(
            id=task_id,
            env=env,
            split=split,
            instruction=fill(self.instruction, filling),
            setup=setup,
            judge=fill(dict(self.judge), filling),
            metadata={"prototype": self.id, "filling": dict(filling), **(metadata or {})},
        )


def fill(template: Any, filling: Mapping[str, Any]) -> Any:
    """``template`` with every ``{slot}`` in its strings replaced, recursively."""
    if isinstance(template, str):
        return template.format_map(_Filling(filling))
    if isinstance(template, dict):
        return {k: fill(v, filling) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, filling) for v in template]
    return template


def place_values(template: Any, filling: Mapping[str, Any]) -> Any:
    """``template`` with every string that is exactly one ``"{slot}"`` replaced by that slot's
    value, whatever its type (a list, a number, a bool), recursively; :func:`fill` then writes
    the remaining placeholders as text."""
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return filling.get(template[1:-1], template)
    if isinstance(template, dict):
        return {k: place_values(v, filling) for k, v in template.items()}
    if isinstance(template, list):
        return [place_values(v, filling) for v in template]
    return template


class _Filling(dict):
    """Leaves unknown placeholders as they are, so literal braces survive."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def sample_instances(
    candidates: Iterable[Any],
    make: Callable[[Any], Task | None],
    count: int,
    rng: np.random.Generator,
) -> list[Task]:
    """Up to ``count`` tasks from shuffled candidates; ``make`` returns ``None`` to reject one.

    Rejection is where an env applies its filters (VAB-CSS keeps a corruption only if it
    moves the page far enough from its target).
    """
    pool = list(candidates)
    order = rng.permutation(len(pool))
    tasks: list[Task] = []
    for index in order:
        if len(tasks) >= count:
            break
        task = make(pool[int(index)])
        if task is not None:
            tasks.append(task)
    return tasks
