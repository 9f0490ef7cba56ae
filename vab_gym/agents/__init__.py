"""Agents that act in the suite's envs: program solvers now; LMM and human agents later."""

from vab_gym.agents.base import Agent, EpisodeResult, ScriptedAgent, make_solver, run_episode

__all__ = ["Agent", "EpisodeResult", "ScriptedAgent", "make_solver", "run_episode"]
