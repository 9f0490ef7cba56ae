"""A fingerprint of VAB-Minecraft's behaviour: seeded random grounded episodes, hashed.

    python benchmarks/hash_minecraft_episodes.py [--episodes 30] [--steps 40]

A refactor or a speed-up of the controller must not change what the env does. Each episode
resets on a seed (cycling through the test split's tasks) and plays seeded random picks of
``valid_actions()`` at 64x64; every step's observation, reward, flags, text and info (and
the offered actions) go into one SHA-256, printed with a digest per episode, so two runs
(before and after a change) agree exactly or name the first episode that differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from typing import Any

import numpy as np

from vab_gym.envs.minecraft.env import MinecraftEnv


def feed(digest: Any, value: Any) -> None:
    """Hash ``value``: arrays by dtype, shape and bytes, the rest as canonical JSON."""
    if isinstance(value, np.ndarray):
        digest.update(f"{value.dtype}{value.shape}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            digest.update(str(key).encode())
            feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(f"[{len(value)}".encode())
        for item in value:
            feed(digest, item)
    else:
        digest.update(json.dumps(value, default=repr, sort_keys=True).encode())


def episode_digest(env: MinecraftEnv, seed: int, steps: int) -> str:
    ids = env.tasks.ids
    digest = hashlib.sha256()
    obs, info = env.reset(seed=seed, options={"task_id": ids[seed % len(ids)]})
    feed(digest, [obs, info])
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        actions = env.unwrapped.valid_actions()
        action = actions[int(rng.integers(len(actions)))]
        obs, reward, terminated, truncated, info = env.step(action)
        feed(digest, [actions, action, obs, float(reward), terminated, truncated, info])
        if terminated or truncated:
            break
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=30)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    env = MinecraftEnv(image_size=(64, 64))
    total = hashlib.sha256()
    for seed in range(args.episodes):
        one = episode_digest(env, seed, args.steps)
        total.update(one.encode())
        print(seed, one[:16])
    env.close()
    print("all", total.hexdigest())


if __name__ == "__main__":
    main()
