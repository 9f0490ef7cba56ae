"""Task choice at each reset by difficulty tier, or by recent success within the tiers."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np

from vab_gym.core.env import vab_env

BY = ("tier", "success")


class Curriculum(gym.Wrapper):
    """Choose the task of each episode (``reset(options={"task_id": ...})``) among the
    env's tasks whose ``metadata["difficulty"]["tier"]`` is in ``tiers`` (default: the
    lowest tier there is). A ``task_id`` given to ``reset`` wins over the curriculum.

    ``by="tier"``: uniformly among the allowed tasks; widen with :meth:`advance` (the next
    tier) or :meth:`allow`. ``by="success"``: each allowed task is drawn with weight
    ``p * (1 - p)``, ``p`` its success rate over its last ``window`` episodes (a task not
    yet played counts as ``p = 0.5``), mixed with ``explore`` of uniform choice so no task
    is starved. That is the proximal-curriculum score of ProCuRL (Tzannetos et al.,
    "Proximal Curriculum for Reinforcement Learning Agents", TMLR 2023) with the expert's
    success taken as 1: it favours tasks the agent solves sometimes, neither always nor
    never. When the highest allowed tier's last ``window`` episodes reach ``threshold``
    success, the next tier is allowed.

    Success is read from ``info["success"]`` at the episode's end. The random choice is
    seeded by ``reset(seed=...)`` (else once from the env's ``np_random``), so a seeded run
    repeats; under a vector env each sub-env keeps its own curriculum state.
    """

    def __init__(
        self,
        env: gym.Env,
        tiers: Iterable[int] | None = None,
        by: str = "tier",
        *,
        window: int = 20,
        threshold: float = 0.8,
        explore: float = 0.1,
    ) -> None:
        super().__init__(env)
        if by not in BY:
            raise ValueError(f"by={by!r}: choose one of {BY}")
        if window < 1 or not 0.0 < threshold <= 1.0 or not 0.0 <= explore <= 1.0:
            raise ValueError("need window >= 1, 0 < threshold <= 1 and 0 <= explore <= 1")
        tasks = vab_env(env).tasks
        self.tier_of = {t.id: int(t.metadata["difficulty"]["tier"]) for t in tasks}
        if not self.tier_of:
            raise ValueError("Curriculum needs an env with tasks")
        self.all_tiers = sorted(set(self.tier_of.values()))
        self.tiers: set[int] = set()
        self.allow(tiers if tiers is not None else self.all_tiers[:1])
        self.by, self.window, self.threshold, self.explore = by, window, threshold, explore
        self.outcomes: dict[str, deque[bool]] = {}
        self.tier_outcomes: dict[int, deque[bool]] = {}
        self._rng: np.random.Generator | None = None
        self._task_id: str | None = None

    # -- tiers ----------------------------------------------------------------------------
    def allow(self, tiers: Iterable[int]) -> None:
        """Allow these tiers as well (tiers no task has are refused)."""
        tiers = {int(t) for t in tiers}
        unknown = tiers - set(self.all_tiers)
        if unknown:
            raise ValueError(f"no task has tier {sorted(unknown)}; tiers are {self.all_tiers}")
        self.tiers |= tiers

    def advance(self) -> bool:
        """Allow the next tier above the highest allowed one; False if there is none."""
        above = [t for t in self.all_tiers if t > max(self.tiers)]
        if above:
            self.tiers.add(above[0])
        return bool(above)

    # -- choice ---------------------------------------------------------------------------
    def candidates(self) -> list[str]:
        return [task_id for task_id, tier in self.tier_of.items() if tier in self.tiers]

    def weights(self) -> np.ndarray:
        """The probability of each of :meth:`candidates` being drawn next."""
        ids = self.candidates()
        uniform = np.full(len(ids), 1.0 / len(ids))
        if self.by == "tier":
            return uniform
        rates = np.array([np.mean(self.outcomes[i]) if self.outcomes.get(i) else 0.5 for i in ids])
        score = rates * (1.0 - rates)
        if score.sum() == 0:
            return uniform
        return (1.0 - self.explore) * score / score.sum() + self.explore * uniform

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, Any]]:
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        elif self._rng is None:
            self._rng = np.random.default_rng(self.env.unwrapped.np_random.integers(2**63))
        options = dict(options or {})
        if "task_id" not in options:
            ids = self.candidates()
            options["task_id"] = ids[int(self._rng.choice(len(ids), p=self.weights()))]
        self._task_id = options["task_id"]
        return self.env.reset(seed=seed, options=options)

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        if (terminated or truncated) and self._task_id is not None:
            self.record(self._task_id, bool(info.get("success", False)))
            self._task_id = None
        return obs, reward, terminated, truncated, info

    def record(self, task_id: str, success: bool) -> None:
        """Note an episode's outcome (``step`` does it; call it to replay a history)."""
        self.outcomes.setdefault(task_id, deque(maxlen=self.window)).append(success)
        tier = self.tier_of[task_id]
        recent = self.tier_outcomes.setdefault(tier, deque(maxlen=self.window))
        recent.append(success)
        if (
            self.by == "success"
            and tier == max(self.tiers)
            and len(recent) == self.window
            and np.mean(recent) >= self.threshold
        ):
            self.advance()
