"""``Discrete(N)`` actions over an env's grounded calls, with an action mask."""

from __future__ import annotations

from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np

from vab_gym.core.env import vab_env


class GroundedActions(gym.Wrapper):
    """Number the env's ``valid_actions()`` each step and act by index.

    The action space is ``Discrete(max_actions)``; the first ``max_actions`` grounded calls
    of the current state are actions ``0..k-1``. ``info["action_mask"]`` (and
    :meth:`action_masks`, which sb3-contrib's ``MaskablePPO`` calls) marks which indices
    are live; ``info["action_texts"]`` lists their calls. An index beyond the live ones is
    sent to the env as an invalid action, so it costs a step and gets feedback like any
    other mistake.
    """

    def __init__(self, env: gym.Env, max_actions: int = 256) -> None:
        super().__init__(env)
        self.max_actions = max_actions
        self.action_space = gym.spaces.Discrete(max_actions)
        self._calls: list[str] = []

    def reset(self, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        obs, info = self.env.reset(**kwargs)
        return obs, self._ground(info)

    def step(self, action: int) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        index = int(action)
        text = (
            self._calls[index] if 0 <= index < len(self._calls) else f"no_grounded_action({index})"
        )
        obs, reward, terminated, truncated, info = self.env.step(text)
        info["action_text"] = text
        if not (terminated or truncated):
            info = self._ground(info)
        return obs, reward, terminated, truncated, info

    def action_masks(self) -> np.ndarray:
        mask = np.zeros(self.max_actions, dtype=bool)
        mask[: len(self._calls)] = True
        return mask

    def _ground(self, info: dict[str, Any]) -> dict[str, Any]:
        self._calls = vab_env(self.env).valid_actions()[: self.max_actions]
        info["action_mask"] = self.action_masks()
        info["action_texts"] = list(self._calls)
        return info
