"""stable-baselines3 runs on a vab-gym env: MaskablePPO over grounded actions and pixels
updates its policy and acts only within the action mask (that it learns a task is issue 14)."""

import numpy as np
from sb3_contrib import MaskablePPO
from stable_baselines3.common.vec_env import DummyVecEnv

from vab_gym.envs.css.env import CssEnv
from vab_gym.wrappers import GroundedActions, ImageObservation


def test_maskable_ppo_updates_its_policy_and_picks_only_masked_in_actions(tasks):
    def make():
        env = CssEnv(tasks=tasks, image_size=(64, 64), max_steps=4)
        return GroundedActions(ImageObservation(env, keys=("image",)), max_actions=128)

    vec = DummyVecEnv([make])
    try:
        model = MaskablePPO("CnnPolicy", vec, n_steps=16, batch_size=16, n_epochs=1, seed=0,
                            verbose=0, device="cpu")
        before = [p.detach().clone() for p in model.policy.parameters()]
        model.learn(total_timesteps=32)
        after = list(model.policy.parameters())
        assert any(not np.allclose(a.detach().numpy(), b.numpy()) for a, b in zip(after, before, strict=True))
        obs = vec.reset()
        masks = np.stack(vec.env_method("action_masks"))
        action, _ = model.predict(obs, action_masks=masks)
        assert masks[0, int(action[0])]  # the policy only picks live grounded actions
    finally:
        vec.close()
