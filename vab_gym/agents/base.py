"""The agent interface, scripted (program) solvers, and the episode loop all of them share."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import gymnasium as gym

from vab_gym.core.env import vab_env
from vab_gym.core.registration import load_object
from vab_gym.core.tasks import Task


class Agent(Protocol):
    """Anything that picks actions: ``reset`` at an episode's start, then ``act`` per step."""

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None: ...

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str: ...


class ScriptedAgent:
    """A program solver: reads the task's privileged record at reset, then plays its plan
    through the public actions. ``plan`` maps a task to its steps: action texts, or
    ``(action, thought)`` pairs whose thought (the step's rationale) goes to
    :attr:`last_step`, as every solver's does."""

    def __init__(self, plan: Callable[[Task], list[str | tuple[str, str]]]) -> None:
        self._plan_for = plan
        self._plan: list[tuple[str, str]] = []
        self.last_step: dict[str, Any] = {}

    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        task = vab_env(env).task
        if task is None:
            raise RuntimeError("reset the env before the agent")
        self._plan = [
            (step, "") if isinstance(step, str) else step for step in self._plan_for(task)
        ]
        self.last_step = {}

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        action, thought = self._plan.pop(0) if self._plan else ("done()", "")
        self.last_step = {"thought": thought}
        return action


def make_solver(env: gym.Env) -> Agent:
    """The program solver of ``env``, named by its ``solver`` attribute: ``"module:name"`` of
    an :class:`Agent` class, or of a function giving a task's fixed plan."""
    solver = load_object(type(vab_env(env)).solver)
    return solver() if isinstance(solver, type) else ScriptedAgent(solver)


@dataclass
class StepRecord:
    """One step: the action sent, what the env answered, and (for agents that have one) the
    agent's own record of the turn (``agent.last_step``: reply, tokens, cost, retries...)."""

    action: str
    reward: float
    text: str
    info: dict[str, Any]
    agent: dict[str, Any] | None = None
    agent_seconds: float = 0.0  # inside agent.act
    env_seconds: float = 0.0  # inside env.step
    terminated: bool = False
    truncated: bool = False


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
    seed: int | None = None
    instruction: str = ""
    first_text: str = ""  # the text observation after reset
    first_progress: float = 0.0
    seconds: float = 0.0  # the whole episode, reset included
    reset_seconds: float = 0.0  # inside env.reset and agent.reset

    @property
    def progress(self) -> float:
        return (
            float(self.steps[-1].info.get("progress", 0.0)) if self.steps else self.first_progress
        )

    @property
    def invalid_actions(self) -> int:
        return sum(step.info.get("action_error") is not None for step in self.steps)

    def usage(self) -> dict[str, float]:
        """Tokens and cost summed over the agent's steps (zeros for agents without them)."""
        total = {"prompt_tokens": 0, "completion_tokens": 0, "cost": 0.0}
        for step in self.steps:
            for key in total:
                total[key] += (step.agent or {}).get(key) or 0
        return total


def run_episode(
    env: gym.Env,
    agent: Agent,
    *,
    task_id: str | None = None,
    seed: int | None = None,
    on_step: Callable[[int, str, dict[str, Any], float, dict[str, Any]], None] | None = None,
) -> EpisodeResult:
    """Play one episode; ``on_step(step, action, obs, reward, info)`` sees each step (step 0
    is the reset). An agent's ``last_step`` dict, when it has one, is kept with each step."""
    start = time.perf_counter()
    options = {"task_id": task_id} if task_id is not None else None
    obs, info = env.reset(seed=seed, options=options)
    agent.reset(env, obs, info)
    reset_seconds = time.perf_counter() - start
    result = EpisodeResult(
        task_id=info["task_id"],
        backend=info["backend"],
        fidelity=info.get("fidelity", {}),
        seed=seed,
        instruction=obs.get("instruction", ""),
        first_text=obs["text"],
        first_progress=float(info.get("progress", 0.0)),
        reset_seconds=reset_seconds,
    )
    if on_step:
        on_step(0, "", obs, 0.0, info)
    while True:
        before_act = time.perf_counter()
        action = agent.act(obs, info)
        before_step = time.perf_counter()
        obs, paid, terminated, truncated, info = env.step(action)
        after_step, reward = time.perf_counter(), float(paid)
        last = getattr(agent, "last_step", None)
        result.steps.append(
            StepRecord(
                action,
                reward,
                obs["text"],
                info,
                agent=dict(last) if last else None,
                agent_seconds=before_step - before_act,
                env_seconds=after_step - before_step,
                terminated=terminated,
                truncated=truncated,
            )
        )
        if on_step:
            on_step(info["step"], action, obs, reward, info)
        if terminated or truncated:
            result.success = bool(info.get("success"))
            result.judge = info.get("judge", {})
            result.truncated = truncated
            result.seconds = time.perf_counter() - start
            return result
