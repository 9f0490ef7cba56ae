"""Train Ray RLlib's PPO (the new API stack) on a vab-gym env over grounded actions.

    python examples/rllib_ppo.py --iterations 5 --env-runners 1

The env is the stack stable-baselines3 sees (``vab_gym.wrappers.rl_env``, with every image the
env shows): ``GroundedActions`` numbers the state's grounded calls as ``Discrete(max_actions)``
and ``TextFeatures`` turns the text and the instruction into hashed n-gram ``Box`` es, so every
observation key is a ``Box``. RLlib's default encoders
(``Catalog``) take a 1-D ``Box`` (an MLP) or a 3-D one (a CNN) and refuse a ``Dict``, so the
env-to-module connectors ``FlattenObservations`` (image pixels and text features in one 1-D
vector) and ``MeanStdFilter`` (running normalisation: raw pixels are 0..255, hashed features
0..1, and the MLP's tanh layers saturate on the first) come first. An index past the live
grounded calls is an invalid action with feedback, as for any agent, so no action mask is
needed; RLlib's ``examples/rl_modules/action_masking_rl_module.py`` shows a masking RLModule.
"""

from __future__ import annotations

import argparse
from typing import Any

import gymnasium as gym
import ray
from ray.rllib.algorithms.ppo import PPOConfig
from ray.rllib.connectors.env_to_module import FlattenObservations, MeanStdFilter
from ray.rllib.core.rl_module.default_model_config import DefaultModelConfig
from ray.tune.registry import register_env

import vab_gym  # noqa: F401  (registers the envs, in every Ray worker that unpickles make_env)
from vab_gym.wrappers import rl_env

ENV_NAME = "vab-gym-grounded"


def make_env(env_config: dict[str, Any]) -> gym.Env:
    """RLlib's env creator: ``env_config`` holds ``env_id``, ``max_actions``, ``n_features``;
    every other key goes to ``gym.make`` (e.g. ``max_steps``, ``reward_mode``)."""
    kwargs = dict(env_config)  # an EnvContext: a dict that also carries the worker index
    env_id = kwargs.pop("env_id", "VAB-Minecraft-v0")
    max_actions = kwargs.pop("max_actions", 256)
    n_features = kwargs.pop("n_features", 1024)
    env = gym.make(env_id, **{"image_size": (64, 64), **kwargs})
    # every image the env shows (VAB-CSS's target too), beside the text features
    images = ("image", *env.unwrapped.extra_images)
    return rl_env(env, max_actions=max_actions, n_features=n_features, image_keys=images)


def observation_connectors(env: Any, spaces: Any, device: Any) -> list:
    """The env-to-module pipeline's pieces (a module-level function, so Ray can pickle it)."""
    return [FlattenObservations(), MeanStdFilter()]


def ppo_config(
    env_config: dict[str, Any] | None = None,
    *,
    env_runners: int = 0,
    train_batch_size: int = 512,
    minibatch_size: int = 128,
    epochs: int = 4,
    hiddens: tuple[int, ...] = (256, 256),
    seed: int = 0,
) -> PPOConfig:
    """PPO on ``ENV_NAME`` (register it with :func:`make_env` first); ``env_runners=0``
    samples in the driver process, ``n`` in ``n`` Ray actors."""
    return (
        PPOConfig()
        .environment(ENV_NAME, env_config=env_config or {})
        .env_runners(num_env_runners=env_runners, env_to_module_connector=observation_connectors)
        .training(
            train_batch_size_per_learner=train_batch_size,
            minibatch_size=minibatch_size,
            num_epochs=epochs,
        )
        .rl_module(model_config=DefaultModelConfig(fcnet_hiddens=list(hiddens)))
        .debugging(seed=seed)
    )


def episode_stats(result: dict[str, Any]) -> dict[str, float]:
    """What one ``algo.train()`` result says about sampling and episodes."""
    runners = result["env_runners"]
    return {
        key: float(runners.get(key, float("nan")))
        for key in (
            "num_env_steps_sampled_lifetime",
            "num_episodes",
            "episode_return_mean",
            "episode_return_min",
            "episode_return_max",
            "episode_len_mean",
        )
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--env", default="VAB-Minecraft-v0")
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--env-runners", type=int, default=1)
    parser.add_argument("--max-steps", type=int, default=30, help="episode step limit")
    parser.add_argument("--reward-mode", default="progress", choices=["sparse", "progress"])
    parser.add_argument("--train-batch-size", type=int, default=512)
    parser.add_argument("--num-cpus", type=int, default=2)
    args = parser.parse_args()

    register_env(ENV_NAME, make_env)
    ray.init(address="local", num_cpus=args.num_cpus, include_dashboard=False)
    try:
        algo = ppo_config(
            {"env_id": args.env, "max_steps": args.max_steps, "reward_mode": args.reward_mode},
            env_runners=args.env_runners,
            train_batch_size=args.train_batch_size,
        ).build_algo()
        for _ in range(args.iterations):
            result = algo.train()
            stats = episode_stats(result)
            print(
                f"iteration {result['training_iteration']}: "
                f"{stats['num_env_steps_sampled_lifetime']:.0f} env steps, "
                f"{stats['num_episodes']:.0f} episodes, return mean "
                f"{stats['episode_return_mean']:.3f} (min {stats['episode_return_min']:.3f}, "
                f"max {stats['episode_return_max']:.3f}), length mean "
                f"{stats['episode_len_mean']:.1f}"
            )
        algo.stop()
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
