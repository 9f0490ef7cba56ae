"""Train sb3-contrib's MaskablePPO on any vab-gym env through the standard stack.

    python examples/sb3_maskable_ppo.py --env VAB-Minecraft-v0 --envs 2 --steps 2048
    python examples/sb3_maskable_ppo.py --curriculum success --split test

``rl_env`` gives ``Discrete`` grounded actions with ``action_masks()`` and a ``Dict`` of
``Box`` es (the image and hashed text features) that ``MultiInputPolicy`` takes; rewards
are ``reward_mode="progress"`` (not VAB's, see docs/rl.md). ``--curriculum`` picks tasks by
difficulty tier, or by recent success within the tiers.
"""

from __future__ import annotations

import argparse

import gymnasium as gym
from sb3_contrib import MaskablePPO
from stable_baselines3.common.vec_env import SubprocVecEnv

from vab_gym.wrappers import Curriculum, rl_env


def make_env(env_id: str, split: str, curriculum: str | None) -> gym.Env:
    env = rl_env(env_id, max_actions=64, image_size=(64, 64), reward_mode="progress", split=split)
    return Curriculum(env, by=curriculum) if curriculum else env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--env", default="VAB-Minecraft-v0")
    parser.add_argument("--envs", type=int, default=2)
    parser.add_argument("--steps", type=int, default=2048)
    parser.add_argument("--split", default="train")
    parser.add_argument("--curriculum", choices=("tier", "success"))
    args = parser.parse_args()
    envs = SubprocVecEnv([lambda: make_env(args.env, args.split, args.curriculum)] * args.envs)
    model = MaskablePPO(
        "MultiInputPolicy", envs, n_steps=32, batch_size=64, verbose=1, device="cpu"
    )
    model.learn(total_timesteps=args.steps)
    envs.close()


if __name__ == "__main__":
    main()
