"""Text observations as fixed-size numeric features, for policies that take arrays."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from vab_gym.core.spaces import UnicodeText


class TextFeatures(gym.ObservationWrapper):
    """Replace each text key (by default every ``UnicodeText`` key: ``text``,
    ``instruction``) with hashed word n-gram counts, ``Box(0, 1, (n_features,), float32)``
    and L2-normalised.

    Hashing (scikit-learn's ``HashingVectorizer``) needs no vocabulary fitted on data, so
    every process, vector-env worker and checkpoint maps a text to the same features. With
    the image keys left as they are, the result is a ``Dict`` of ``Box`` es that
    stable-baselines3's ``MultiInputPolicy`` takes.
    """

    def __init__(
        self,
        env: gym.Env,
        keys: tuple[str, ...] | None = None,
        n_features: int = 1024,
        ngram_range: tuple[int, int] = (1, 2),
    ) -> None:
        super().__init__(env)
        source = env.observation_space
        if not isinstance(source, gym.spaces.Dict):
            raise TypeError(f"TextFeatures needs a Dict observation space, got {source}")
        self.keys = (
            keys
            if keys is not None
            else tuple(k for k, space in source.spaces.items() if isinstance(space, UnicodeText))
        )
        missing = set(self.keys) - set(source.spaces)
        if missing:
            raise KeyError(f"no observation keys {sorted(missing)}; have {list(source.spaces)}")
        self.vectorizer = HashingVectorizer(
            n_features=n_features,
            ngram_range=ngram_range,
            alternate_sign=False,
            norm="l2",
            dtype=np.float32,
        )
        feature_space = gym.spaces.Box(0.0, 1.0, (n_features,), np.float32)
        self.observation_space = gym.spaces.Dict(
            {k: feature_space if k in self.keys else space for k, space in source.spaces.items()}
        )

    def observation(self, observation: dict[str, Any]) -> dict[str, Any]:
        texts = [observation[k] for k in self.keys]
        features = self.vectorizer.transform(texts).toarray() if texts else []
        out = dict(observation)
        for key, row in zip(self.keys, features, strict=True):
            out[key] = np.minimum(row, 1.0)  # float rounding can put a lone n-gram at 1+1e-7
        return out
