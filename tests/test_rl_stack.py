"""The standard RL stack (rl_env) on every env: SB3's own env checker passes, every key is a
Box, and the mask in the observation is the one MaskablePPO asks for."""

from __future__ import annotations

import functools
import pickle

import gymnasium as gym
import numpy as np
import pytest
from stable_baselines3.common.env_checker import check_env

from tests.params import env_ids
from vab_gym.core.registration import ENVIRONMENTS
from vab_gym.wrappers import rl_env


@pytest.mark.parametrize("env_id", env_ids(sorted(ENVIRONMENTS)))
def test_the_stack_passes_sb3_check_env_and_shows_the_mask_it_acts_on(env_id):
    env = rl_env(env_id, max_actions=64, n_features=128, mask_in_obs=True, image_size=(48, 48))
    try:
        spaces = env.observation_space.spaces
        assert sorted(spaces) == ["action_mask", "image", "instruction", "text"]
        assert all(isinstance(s, gym.spaces.Box) for s in spaces.values())
        assert env.action_space == gym.spaces.Discrete(64)
        check_env(env, warn=True)
        obs, info = env.reset(seed=0)
        for _ in range(3):
            mask = env.get_wrapper_attr("action_masks")()
            assert obs["action_mask"].dtype == np.int8
            assert np.array_equal(obs["action_mask"], mask) and mask.any()
            assert np.array_equal(info["action_mask"], mask)
            live = np.flatnonzero(mask)
            obs, _, terminated, truncated, info = env.step(int(live[len(live) // 2]))
            if terminated or truncated:
                break
    finally:
        env.close()


def test_the_factory_pickles_and_refuses_make_arguments_beside_an_env(minecraft):
    factory = functools.partial(rl_env, "VAB-Minecraft-v0", max_actions=32)
    assert pickle.loads(pickle.dumps(factory)).keywords == {"max_actions": 32}
    with pytest.raises(TypeError, match=r"make arguments \['image_size'\]"):
        rl_env(minecraft, image_size=(8, 8))
    with pytest.raises(KeyError, match=r"no image keys \['target'\]"):
        rl_env(minecraft, image_keys=("image", "target"))
    plain = rl_env(minecraft, n_features=64)
    assert sorted(plain.observation_space.spaces) == ["image", "instruction", "text"]
