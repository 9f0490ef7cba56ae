"""Two reference agents: uniform random actions, and the replay of a recorded episode."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import gymnasium as gym
import numpy as np

from vab_gym.core.actions import ActionSpec, format_call


class RandomAgent:
    """Uniform over the env's grounded actions (``valid_actions()``); for an env that does
    not ground its actions, a uniform action of its action set with random arguments
    (integers 0..99, words of the instruction, coin flips; defaults kept)."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._env: Any = None
        self._words: list[str] = []

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._env = env.unwrapped
        self._words = str(obs.get("instruction", "")).split() or ["a"]

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        try:
            actions = self._env.valid_actions()
        except NotImplementedError:
            specs = list(self._env.action_set)
            return self._sample(specs[int(self._rng.integers(len(specs)))])
        return actions[int(self._rng.integers(len(actions)))] if actions else ""

    def _sample(self, spec: ActionSpec) -> str:
        values: list[Any] = []
        for param in spec.params:
            if not param.required:
                values.append(param.default)
            elif param.type is int:
                values.append(int(self._rng.integers(100)))
            elif param.type is float:
                values.append(float(self._rng.random()))
            elif param.type is bool:
                values.append(bool(self._rng.integers(2)))
            elif param.type is str:
                values.append(self._words[int(self._rng.integers(len(self._words)))])
            else:
                values.append(param.type())
        return format_call(spec.name, values)

    def describe(self) -> dict[str, Any]:
        return {"class": type(self).__name__, "seed": self.seed}


class ReplayAgent:
    """Plays recorded actions back in order, to check that a result reproduces; asking for
    more than were recorded is an error (the episode did not end where it ended before)."""

    def __init__(self, actions: Iterable[str]) -> None:
        self.actions = list(actions)
        self._next = 0

    @classmethod
    def from_result(cls, result: Any) -> ReplayAgent:
        """The actions of an :class:`~vab_gym.agents.base.EpisodeResult`."""
        return cls(step.action for step in result.steps)

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._next = 0

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        if self._next >= len(self.actions):
            raise RuntimeError(f"replay exhausted after {len(self.actions)} actions")
        self._next += 1
        return self.actions[self._next - 1]

    def describe(self) -> dict[str, Any]:
        return {"class": type(self).__name__, "actions": len(self.actions)}
