"""The standard RL stack: what stable-baselines3's ``MultiInputPolicy`` (and most trainers
that take arrays) sees of a vab-gym env."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from gymnasium.wrappers import FilterObservation

from vab_gym.core.spaces import dict_space
from vab_gym.wrappers.grounded import GroundedActions
from vab_gym.wrappers.mask import ActionMaskObservation
from vab_gym.wrappers.text_features import TextFeatures


def rl_env(
    env_id_or_env: str | gym.Env,
    *,
    max_actions: int = 256,
    n_features: int = 1024,
    image_keys: tuple[str, ...] = ("image",),
    mask_in_obs: bool = False,
    **make_kwargs: Any,
) -> gym.Env:
    """An env id (made with ``gym.make(id, **make_kwargs)``) or an env, as
    ``Discrete(max_actions)`` grounded actions (:class:`GroundedActions`, with
    ``action_masks()`` for ``MaskablePPO``) and a ``Dict`` of ``Box`` es only: ``image_keys``,
    the text keys as hashed n-grams (:class:`TextFeatures`) and, with ``mask_in_obs``, the
    action mask (:class:`ActionMaskObservation`).

    Every key left is a ``Box``, so Gymnasium's ``AsyncVectorEnv`` can keep its shared
    memory. A vector-env factory: ``functools.partial(rl_env, "VAB-Minecraft-v0", ...)``
    pickles for ``SubprocVecEnv``; ``gym.make_vec(id, n, wrappers=[functools.partial(rl_env,
    ...)])`` applies it to each sub-env (an env as first argument takes no ``make_kwargs``).
    """
    if isinstance(env_id_or_env, str):
        env = gym.make(env_id_or_env, **make_kwargs)
    elif make_kwargs:
        raise TypeError(
            f"rl_env got an env and make arguments {sorted(make_kwargs)}: "
            "pass them to gym.make yourself, or pass an env id"
        )
    else:
        env = env_id_or_env
    have = list(dict_space(env.observation_space).spaces)
    missing = set(image_keys) - set(have)
    if missing:
        raise KeyError(f"no image keys {sorted(missing)}; the env has {have}")
    env = TextFeatures(GroundedActions(env, max_actions=max_actions), n_features=n_features)
    keep = [*image_keys, *env.keys]
    if mask_in_obs:
        env = ActionMaskObservation(env)
        keep.append("action_mask")
    return FilterObservation(env, keep)
