"""Registration of the suite's envs with Gymnasium, by string entry point.

String entry points keep ``import vab_gym`` light and let vector-env subprocesses import
an env's module themselves. No ``max_episode_steps``: each env counts its own steps,
because the judge must run when the step limit truncates an episode.
"""

from __future__ import annotations

import importlib
from typing import Any

import gymnasium as gym

# id -> entry point; only environments that exist are registered.
ENVIRONMENTS = {
    "VAB-CSS-v0": "vab_gym.envs.css.env:CssEnv",
    "VAB-Minecraft-v0": "vab_gym.envs.minecraft.env:MinecraftEnv",
    "VAB-OmniGibson-v0": "vab_gym.envs.omnigibson.env:OmniGibsonEnv",
    "VAB-WebArena-Lite-v0": "vab_gym.envs.webarena.env:WebArenaEnv",
    "VAB-Mobile-v0": "vab_gym.envs.mobile.env:MobileEnv",
}


def register_all() -> None:
    for env_id, entry_point in ENVIRONMENTS.items():
        if env_id not in gym.registry:
            gym.register(env_id, entry_point=entry_point, disable_env_checker=False)


def load_object(name: str) -> Any:
    """The object a ``"module:attribute"`` name points to (an env's ``solver`` or
    ``mistakes``, an agent kind, a worker's wrap), with a message naming what is wrong."""
    module, sep, attribute = name.partition(":")
    if not sep or not module or not attribute:
        raise ValueError(f"{name!r} is not of the form 'module:attribute'")
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot load {name!r}: {exc}") from exc
