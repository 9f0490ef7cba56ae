"""stable-baselines3 trains on the standard stack: MaskablePPO with MultiInputPolicy (image +
hashed text) over two Minecraft envs in SubprocVecEnv updates its policy and acts only
within the action mask (that a policy learns a task is benchmarks/, not a test)."""

import functools

import numpy as np
import pytest
from sb3_contrib import MaskablePPO
from sb3_contrib.common.maskable.utils import get_action_masks
from stable_baselines3.common.vec_env import SubprocVecEnv

from vab_gym.wrappers import rl_env


@pytest.mark.slow
def test_maskable_ppo_multi_input_updates_over_subproc_envs_and_keeps_to_the_mask():
    factory = functools.partial(
        rl_env, "VAB-Minecraft-v0", max_actions=64, n_features=128, image_size=(48, 48), max_steps=8
    )
    vec = SubprocVecEnv([factory] * 2)
    try:
        model = MaskablePPO(
            "MultiInputPolicy",
            vec,
            n_steps=16,
            batch_size=16,
            n_epochs=1,
            seed=0,
            verbose=0,
            device="cpu",
        )
        before = [p.detach().clone() for p in model.policy.parameters()]
        model.learn(total_timesteps=32)
        assert model.num_timesteps == 32
        after = list(model.policy.parameters())
        assert any(
            not np.allclose(a.detach().numpy(), b.numpy())
            for a, b in zip(after, before, strict=True)
        )
        obs = vec.reset()
        masks = get_action_masks(vec)  # sb3-contrib's own: env_method("action_masks")
        assert masks.shape == (2, 64) and masks.any(axis=1).all() and not masks.all()
        actions, _ = model.predict(obs, action_masks=masks)
        assert all(masks[i, int(a)] for i, a in enumerate(actions))
    finally:
        vec.close()
