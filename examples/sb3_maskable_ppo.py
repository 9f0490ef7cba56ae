"""Train sb3-contrib's MaskablePPO on VAB-CSS from pixels, over grounded actions.

    python examples/sb3_maskable_ppo.py --steps 2048

Each state's grounded calls (``env.unwrapped.valid_actions()``) become ``Discrete(N)`` with
an action mask. The policy sees the current page only: SB3 treats 1, 3 or 4 channels as an
image, so stacking the target (6 channels) would need a custom feature extractor.
"""

from __future__ import annotations

import argparse

import gymnasium as gym
from sb3_contrib import MaskablePPO
from stable_baselines3.common.vec_env import DummyVecEnv

import vab_gym  # noqa: F401  (registers the envs)
from vab_gym.wrappers import GroundedActions, ImageObservation


def make_env() -> gym.Env:
    env = gym.make("VAB-CSS-v0", image_size=(84, 84))
    return GroundedActions(ImageObservation(env, keys=("image",)), max_actions=256)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=2048)
    args = parser.parse_args()
    envs = DummyVecEnv([make_env])
    model = MaskablePPO("CnnPolicy", envs, n_steps=128, batch_size=64, verbose=1)
    model.learn(total_timesteps=args.steps)
    envs.close()


if __name__ == "__main__":
    main()
