"""The action mask as part of the observation, for policies that take it as input."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np


class ActionMaskObservation(gym.ObservationWrapper):
    """Add ``"action_mask"``, ``Box(0, 1, (max_actions,), int8)``, to the ``Dict``
    observation of an env wrapped in :class:`~vab_gym.wrappers.GroundedActions` (anywhere
    below this wrapper): 1 where the grounded action is live in the observed state.

    It is the same mask as ``action_masks()`` (sb3-contrib's ``MaskablePPO`` asks for that
    one) and ``info["action_mask"]``; in the observation it reaches policies and libraries
    that only see observations (RLlib's action-masking models, recurrent policies).
    """

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        try:
            self.max_actions = int(env.get_wrapper_attr("max_actions"))
        except AttributeError:
            raise TypeError(
                "ActionMaskObservation needs an env wrapped in GroundedActions"
            ) from None
        source = env.observation_space
        if not isinstance(source, gym.spaces.Dict):
            raise TypeError(f"ActionMaskObservation needs a Dict observation space, got {source}")
        self.observation_space = gym.spaces.Dict(
            {**source.spaces, "action_mask": gym.spaces.Box(0, 1, (self.max_actions,), np.int8)}
        )

    def observation(self, observation: dict[str, Any]) -> dict[str, Any]:
        mask = self.env.get_wrapper_attr("action_masks")()
        return {**observation, "action_mask": mask.astype(np.int8)}
