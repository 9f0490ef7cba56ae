"""Agents that act in the suite's envs: program solvers, the LMM agent, random and replay."""

from typing import Any

from vab_gym.agents.base import Agent, EpisodeResult, ScriptedAgent, make_solver, run_episode
from vab_gym.agents.baselines import RandomAgent, ReplayAgent

__all__ = [
    "Agent",
    "EpisodeResult",
    "LMMAgent",
    "LMMError",
    "RandomAgent",
    "ReplayAgent",
    "ScriptedAgent",
    "make_solver",
    "run_episode",
]


def __getattr__(name: str) -> Any:
    # The LMM agent needs the ``openai`` package (extra ``lmm``): imported on first use.
    if name in ("LMMAgent", "LMMError"):
        from vab_gym.agents import lmm

        return getattr(lmm, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
