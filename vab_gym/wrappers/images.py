"""The images of a ``Dict`` observation as one ``Box``, for CNN policies."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from vab_gym.core.spaces import dict_space


class ImageObservation(gym.ObservationWrapper):
    """Keep only image keys (e.g. ``("image", "target")``), stacked along channels.

    The result is ``Box(0, 255, (H, W, 3 * len(keys)), uint8)``, what stable-baselines3's
    ``CnnPolicy`` takes; text and instruction are dropped.
    """

    def __init__(self, env: gym.Env, keys: tuple[str, ...] = ("image",)) -> None:
        super().__init__(env)
        first = dict_space(env.observation_space)[keys[0]]
        if not isinstance(first, gym.spaces.Box):
            raise TypeError(f"{keys[0]!r} is not an image (a Box): {first}")
        height, width, _ = first.shape
        self.keys = keys
        self.observation_space = gym.spaces.Box(0, 255, (height, width, 3 * len(keys)), np.uint8)

    def observation(self, observation: dict[str, Any]) -> np.ndarray:
        return np.concatenate([observation[k] for k in self.keys], axis=-1)
