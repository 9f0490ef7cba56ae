"""A mistake an env's mistake model proposes (``envs/<env>/mistakes.py``), for the
error-recovery trajectories of ``vab_gym.trajectories.recovery``.

It lives in ``core`` because the envs write mistakes and the trajectory layer above them
plays them: an env never imports from the layers above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np


@dataclass(frozen=True)
class Mistake:
    """One injected mistake and how to recover from it.

    ``action`` is valid in the env (it is carried out, not refused) but wrong for the task;
    ``thought`` is the plausible reasoning that would have led to it. ``recovery`` lists
    ``(action, thought)`` steps that undo it, each thought naming the mistake. After them the
    solver either plays the action it had planned (``replan=False``: the state is as before
    the mistake) or plans afresh from the state it finds (``replan=True``); with no recovery
    steps, ``notice`` (a sentence naming the mistake) opens the next step's thought.
    """

    action: str
    thought: str
    kind: str  # e.g. "wrong_value", "wrong_link", "wrong_item"
    recovery: tuple[tuple[str, str], ...] = ()
    replan: bool = False
    notice: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """The record kept with the injected step."""
        return {
            "kind": self.kind,
            "action": self.action,
            "replan": self.replan,
            "recovery": [action for action, _ in self.recovery],
            **self.details,
        }


MistakeModel = Callable[
    [gym.Env, dict[str, Any], dict[str, Any], np.random.Generator], "Mistake | None"
]


def misspell(text: str, rng: np.random.Generator) -> str | None:
    """``text`` with two neighbouring characters of a word swapped (a typist's slip, which
    the web and phone mistake models share), or None when no swap changes it."""
    spots = [
        i
        for i in range(len(text) - 1)
        if text[i] != text[i + 1] and not (text[i].isspace() or text[i + 1].isspace())
    ]
    if not spots:
        return None
    i = spots[int(rng.integers(len(spots)))]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
