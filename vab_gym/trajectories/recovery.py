"""Error-recovery episodes without an LMM: a program solver that makes one plausible mistake
and then recovers from it.

:class:`RecoveryAgent` wraps an env's solver. At a chosen step it asks the env's mistake
model (``propose``, named by the env class's ``mistakes`` attribute, ``"module:function"``)
for a wrong but valid action, plays it, lets the env answer, then plays the mistake's
recovery (revert, undo, go back) with thoughts that name the mistake, and goes on: with the
action its solver had planned (the recovery restored the state), or with a fresh plan from
the new state (``replan``). The injected step is marked (``last_step["injected"]``) so
exports can leave it out of the loss; only episodes the judge calls a success are kept
(``vab-gym collect --strategy recovery``).
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from vab_gym.agents.base import Agent
from vab_gym.core.mistakes import Mistake, MistakeModel
from vab_gym.core.registration import load_object


def mistake_model(env: gym.Env) -> MistakeModel:
    """The mistake model of ``env``, named by its class's ``mistakes`` attribute."""
    name = getattr(type(env.unwrapped), "mistakes", None)
    if not name:
        raise ValueError(f"{type(env.unwrapped).__name__} has no mistake model")
    return load_object(name)


class RecoveryAgent:
    """A solver with one injected mistake and its recovery (an :class:`Agent`).

    The mistake goes in at step ``at`` (1-based; drawn from ``1..max_at`` per episode when
    None), or at the first later step where the mistake model has one to offer that is not
    the solver's own next action. ``max_at`` defaults to the env class's ``mistake_window``
    (4 where it has none): envs whose solvers finish in two or three steps set it lower. After each
    :meth:`act`, :attr:`last_step` holds the step's ``thought`` and, on the mistake,
    ``injected`` and ``mistake``; on its undo steps, ``recovery``.
    """

    def __init__(
        self,
        solver: Agent,
        propose: MistakeModel,
        rng: np.random.Generator,
        at: int | None = None,
        max_at: int | None = None,
    ) -> None:
        self.solver, self.propose, self.rng = solver, propose, rng
        self.at, self.max_at = at, max_at
        self.last_step: dict[str, Any] = {}
        self.mistake: Mistake | None = None

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self.env = env
        self.solver.reset(env, obs, info)
        env_class = type(getattr(env, "unwrapped", env))
        max_at = self.max_at or getattr(env_class, "mistake_window", 4)
        drawn = int(self.rng.integers(1, max_at + 1))
        self.inject_at = self.at if self.at is not None else drawn
        self.steps = 0
        self.mistake = None
        self._queue: list[tuple[str, dict[str, Any]]] = []
        self._replan = False
        self._notice = ""
        self.last_step = {}

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        self.steps += 1
        if self._queue:
            action, self.last_step = self._queue.pop(0)
            return action
        if self._replan:
            self._replan = False
            self.solver.reset(self.env, obs, info)
        action = self.solver.act(obs, info)
        thought = self._solver_thought()
        if self.mistake is None and self.steps >= self.inject_at:
            mistake = self.propose(self.env, obs, info, self.rng)
            # a "wrong" action that is the planned one is no mistake: try again next step
            if mistake is not None and mistake.action != action:
                return self._inject(mistake, action, thought)
        if self._notice:
            thought, self._notice = f"{self._notice} {thought}".strip(), ""
        self.last_step = {"thought": thought}
        return action

    def _inject(self, mistake: Mistake, planned: str, planned_thought: str) -> str:
        self.mistake = mistake
        self._queue = [
            (action, {"thought": thought, "recovery": True}) for action, thought in mistake.recovery
        ]
        notice = "" if mistake.recovery else mistake.notice
        if mistake.replan:
            self._replan, self._notice = True, notice
        else:  # the recovery restored the state the solver planned this action for
            self._queue.append((planned, {"thought": f"{notice} {planned_thought}".strip()}))
        self.last_step = {
            "thought": mistake.thought,
            "injected": True,
            "mistake": mistake.describe(),
        }
        return mistake.action

    def _solver_thought(self) -> str:
        last = getattr(self.solver, "last_step", None) or {}
        return str(last.get("thought") or "")

    def describe(self) -> dict[str, Any]:
        return {
            "class": type(self).__name__,
            "solver": type(self.solver).__name__,
            "inject_at": getattr(self, "inject_at", self.at),
            "max_at": self.max_at,
        }
