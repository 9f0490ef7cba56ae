"""The agent interface, scripted (program) solvers, and the episode loop all of them share."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import gymnasium as gym

from vab_gym.core.tasks import Task


class Agent(Protocol):
    """Anything that picks actions: ``reset`` at an episode's start, then ``act`` per step."""

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None: ...

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str: ...


class ScriptedAgent:
    """A program solver: reads the task's privileged record at reset, then plays its plan
    through the public actions. ``plan`` maps a task to its action texts."""

    def __init__(self, plan: Callable[[Task], list[str]]) -> None:
        self._plan_for = plan
        self._plan: list[str] = []

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._plan = list(self._plan_for(env.unwrapped.task))

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        return self._plan.pop(0) if self._plan else "done()"


def make_solver(env: gym.Env) -> Agent:
    """The program solver of ``env``, named by its ``solver`` attribute: ``"module:name"`` of
    an :class:`Agent` class, or of a function giving a task's fixed plan."""
    module, name = type(env.unwrapped).solver.split(":")
    solver = getattr(importlib.import_module(module), name)
    return solver() if isinstance(solver, type) else ScriptedAgent(solver)


@dataclass
class StepRecord:
    action: str
    reward: float
    text: str
    info: dict[str, Any]


@dataclass
class EpisodeResult:
    """One episode: the task, every step, and the judge's verdict."""

    task_id: str
    backend: str
    steps: list[StepRecord] = field(default_factory=list)
    success: bool = False
    judge: dict[str, Any] = field(default_factory=dict)
    truncated: bool = False
    fidelity: dict[str, Any] = field(default_factory=dict)  # the env's departures from VAB


def run_episode(
    env: gym.Env,
    agent: Agent,
    *,
    task_id: str | None = None,
    seed: int | None = None,
    on_step: Callable[[int, str, dict[str, Any], float, dict[str, Any]], None] | None = None,
) -> EpisodeResult:
    """Play one episode; ``on_step(step, action, obs, reward, info)`` sees each step."""
    options = {"task_id": task_id} if task_id is not None else None
    obs, info = env.reset(seed=seed, options=options)
    agent.reset(env, obs, info)
    result = EpisodeResult(task_id=info["task_id"], backend=info["backend"],
                           fidelity=info.get("fidelity", {}))
    if on_step:
        on_step(0, "", obs, 0.0, info)
    while True:
        action = agent.act(obs, info)
        obs, reward, terminated, truncated, info = env.step(action)
        result.steps.append(StepRecord(action, reward, obs["text"], info))
        if on_step:
            on_step(info["step"], action, obs, reward, info)
        if terminated or truncated:
            result.success = bool(info.get("success"))
            result.judge = info.get("judge", {})
            result.truncated = truncated
            return result
