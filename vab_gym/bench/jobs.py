"""What a benchmark run is made of: the agent to build, the (env, task) jobs, and the worker
that plays them, keeping one env per env id alive across its jobs.

The worker is the same object in every engine: a local worker process holds one, a Ray actor
wraps one. It returns each finished job as a results row plus the episode (JSON and PNG
bytes), and the driver alone writes files, so a Ray cluster needs no shared folder.
"""

from __future__ import annotations

import ast
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import gymnasium as gym

from vab_gym.agents.base import Agent, EpisodeResult, make_solver, run_episode
from vab_gym.bench.store import FORMAT, ImageRecorder
from vab_gym.core.errors import VabError
from vab_gym.core.registration import load_object
from vab_gym.core.tasks import TaskSet


class BenchError(VabError):
    """A run that cannot start: bad ids, endpoints, flags. Raised before any job runs."""


@dataclass(frozen=True)
class AgentSpec:
    """How a worker builds its agent: ``kind`` is ``solver``, ``random``, ``lmm`` or
    ``module:name`` of a callable ``(env, **params) -> Agent`` (tests, your own agents)."""

    kind: str
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)  # never written to any file
    mode: str = "text"
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0

    @property
    def label(self) -> str:
        """The leaderboard's Model column."""
        return self.model or self.kind

    def build(self, env: gym.Env) -> Agent:
        if self.kind == "solver":
            return make_solver(env)
        if self.kind == "lmm":  # vab_gym.agents imports the LMM agent (openai) on first use
            from vab_gym import agents

            return agents.LMMAgent(
                self.model, self.base_url, api_key=self.api_key, mode=self.mode, **self.params
            )
        if self.kind == "random":
            from vab_gym import agents

            return agents.RandomAgent(self.seed)
        if ":" not in self.kind:
            raise BenchError(f"unknown agent {self.kind!r}: solver, random, lmm or module:name")
        try:
            agent_class = load_object(self.kind)
        except ValueError as exc:
            raise BenchError(str(exc)) from exc
        return agent_class(env, **self.params)

    def describe(self, agent: Agent | None = None) -> dict[str, Any]:
        """What run.json records about the agent: ``agent.describe()`` where it has one."""
        record: dict[str, Any] = {"kind": self.kind, "seed": self.seed}
        if self.kind == "lmm":
            record.update(model=self.model, base_url=self.base_url, mode=self.mode)
        if self.params:
            record["params"] = self.params
        describe = getattr(agent, "describe", None)
        if callable(describe):
            record.update(describe())
        return record


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` flags to keyword arguments; values are Python literals or strings."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise BenchError(f"--param wants KEY=VALUE, got {pair!r}")
        try:
            params[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            params[key] = text
    return params


@dataclass(frozen=True)
class Job:
    """One episode to play. ``vab-gym collect`` (vab_gym/trajectories/collect.py) sets its
    ``strategy`` and, counting from 1, the ``attempt`` at the task."""

    env_id: str
    task_id: str
    seed: int
    strategy: str = "bench"
    attempt: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.env_id, self.task_id)

    @property
    def episode_id(self) -> str:
        """Unique per (task, strategy, attempt) within an env's folder of the store."""
        if self.strategy == "bench":
            return f"{self.task_id}.seed{self.seed}"
        return f"{self.task_id}.{self.strategy}.{self.attempt}"


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker slot shares. Collect's extras: ``env_tasks`` (an env id's task
    list, e.g. fresh train tasks beyond the shipped split, instead of its split),
    ``record_views`` (store each step's ``env.model_view()``), ``attempt_params`` (agent
    keyword arguments per attempt, e.g. the LMM's seed and temperature) and ``wrap``
    (``module:name`` of ``(env, agent, job, **wrap_params) -> Agent``: collect's recovery
    agent)."""

    agent: AgentSpec
    split: str = "test"
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    keep_images: bool = True
    env_tasks: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    record_views: bool = False
    attempt_params: tuple[dict[str, Any], ...] = ()
    wrap: str | None = None
    wrap_params: dict[str, Any] = field(default_factory=dict)


# Each env's partial metrics as VAB computes them, from one episode (see report.py).
ENV_NAMES = {
    "VAB-OmniGibson-v0": "OmniGibson",
    "VAB-Minecraft-v0": "Minecraft",
    "VAB-Mobile-v0": "Mobile",
    "VAB-WebArena-Lite-v0": "WebArena-Lite",
    "VAB-CSS-v0": "CSS",
}


def env_metrics(env_id: str, result: EpisodeResult, env: gym.Env) -> dict[str, Any]:
    """The numbers behind VAB's per-env partial metrics, for one episode."""
    details = result.judge.get("details", {})
    if env_id == "VAB-OmniGibson-v0":  # VAB's average_reward term (the env's judge has it)
        return {"reward": details.get("vab_reward", 0.0)}
    if env_id == "VAB-Minecraft-v0":  # max(0, final step reward); a success counts 1
        return {"reward": 1.0 if result.success else max(0.0, details.get("step_reward", 0.0))}
    if env_id == "VAB-CSS-v0":
        return {"improved": bool(details.get("improved")), "distance": details.get("distance")}
    if env_id == "VAB-WebArena-Lite-v0":
        task = env.unwrapped.task
        return {"site": "+".join(task.setup.get("sites", [])) if task else ""}
    if env_id == "VAB-Mobile-v0":  # the env's verdict has AndroidLab's three (mobile/metrics.py)
        return {key: details.get(key) for key in ("sub_sr", "rrr", "ror")}
    return {}


def _step_record(step: Any, images: dict[str, str]) -> dict[str, Any]:
    agent = step.agent or {}
    return {
        "step": step.info.get("step"),
        "action": step.action,
        "reply": agent.get("reply"),
        "thought": agent.get("thought"),
        "tool_call": agent.get("tool_call"),
        "text": step.text,
        "action_error": step.info.get("action_error"),
        "reward": step.reward,
        "progress": step.info.get("progress"),
        "terminated": step.terminated,
        "truncated": step.truncated,
        "images": images,
        "usage": {
            k: agent.get(k)
            for k in ("prompt_tokens", "completion_tokens", "cost", "retries", "error")
            if k in agent
        },
        "seconds": {"agent": round(step.agent_seconds, 4), "env": round(step.env_seconds, 4)},
        # recovery episodes (vab_gym.trajectories.recovery): the mistake and its undo
        **{key: agent[key] for key in ("injected", "mistake", "recovery") if key in agent},
    }


def episode_document(
    env: gym.Env,
    result: EpisodeResult,
    *,
    episode_id: str,
    split: str,
    strategy: str,
    agent: dict[str, Any],
    metrics: dict[str, Any],
    refs: list[dict[str, str]],
    views: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The stored episode (docs/episode-store.md) of ``result``, played on ``env``;
    ``refs`` are the image paths of the reset and of each step (empty dicts without images);
    ``views``, where recorded, the model view (``{"text", "images"}``) after the reset and
    after each step, kept as ``reset.view`` and ``steps[i].view``.
    Every writer of the store (bench, collect, the UI) builds its episodes here."""
    task = env.unwrapped.task
    document = {
        "format": FORMAT,
        "id": episode_id,
        "env_id": env.unwrapped.env_id,
        "task_id": result.task_id,
        "split": split,
        "seed": result.seed,
        "backend": result.backend,
        "fidelity": result.fidelity,
        "strategy": strategy,
        "agent": agent,
        "instruction": result.instruction,
        "task_metadata": task.metadata if task is not None else {},
        "success": result.success,
        "truncated": result.truncated,
        "judge": result.judge,
        "progress": result.progress,
        "metrics": metrics,
        "usage": {**result.usage(), "steps": len(result.steps)},
        "seconds": round(result.seconds, 3),
        "reset": {
            "text": result.first_text,
            "progress": result.first_progress,
            "images": refs[0] if refs else {},
        },
        "steps": [
            _step_record(step, images)
            for step, images in zip(result.steps, refs[1:] or [{}] * len(result.steps), strict=True)
        ],
    }
    if views:
        document["reset"]["view"] = views[0]
        for record, view in zip(document["steps"], views[1:], strict=True):
            record["view"] = view
    return document


class Worker:
    """Plays jobs; keeps one env (and its agent) per env id alive between jobs."""

    def __init__(self, config: WorkerConfig) -> None:
        import vab_gym  # noqa: F401  (registers the envs in this process)

        self.config = config
        self.envs: dict[str, tuple[gym.Env, Agent]] = {}
        self.recorder = ImageRecorder(keep_png=config.keep_images)

    def ready(self) -> bool:
        return True

    def _env(self, env_id: str) -> tuple[gym.Env, Agent]:
        if env_id not in self.envs:
            kwargs = dict(self.config.env_kwargs)
            if env_id in self.config.env_tasks:
                kwargs["tasks"] = TaskSet(self.config.env_tasks[env_id])
            env = gym.make(env_id, split=self.config.split, **kwargs)
            try:
                self.envs[env_id] = (env, self.config.agent.build(env))
            except BaseException:
                env.close()
                raise
        return self.envs[env_id]

    def _agent_for(self, job: Job, env: gym.Env, agent: Agent) -> Agent:
        """The env's agent, or for a collect attempt with its own parameters (another seed
        or temperature) a fresh one; wrapped by ``config.wrap`` where set."""
        params = self.config.attempt_params
        if job.attempt and params:
            spec = self.config.agent
            overrides = params[min(job.attempt, len(params)) - 1]
            agent = replace(spec, params={**spec.params, **overrides}).build(env)
        if self.config.wrap:
            agent = load_object(self.config.wrap)(env, agent, job, **self.config.wrap_params)
        return agent

    def _record(self, env: gym.Env, step: int, obs: dict[str, Any]) -> None:
        self.recorder.add(step, obs)
        if self.config.record_views:
            view = env.unwrapped.model_view()
            self.recorder.add_view(view.text, view.images)

    def drop(self, env_id: str) -> None:
        """Close an env that failed, so the next job of its id gets a fresh one."""
        env, _ = self.envs.pop(env_id, (None, None))
        if env is not None:
            # a crashed env may fail to close; it is gone either way
            with contextlib.suppress(Exception):
                env.close()

    def run(
        self,
        job: Job,
        on_start: Callable[[], None] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, bytes]]:
        """One job: ``(row, episode, images)``. An exception (the env or agent crashed) is
        retried once on a fresh env, then returned as an error row, never raised.
        ``on_start()`` is called once the env is up, as the episode begins."""
        errors: list[str] = []
        for attempt in (1, 2):
            try:
                env, agent = self._env(job.env_id)
                if on_start is not None:
                    on_start()
                agent = self._agent_for(job, env, agent)
                self.recorder.start()
                result = run_episode(
                    env,
                    agent,
                    task_id=job.task_id,
                    seed=job.seed,
                    on_step=lambda step, _a, obs, _r, _i, env=env: self._record(env, step, obs),
                )
                ended = time.perf_counter()
                refs, blobs = self.recorder.finish()
                waited = time.perf_counter() - ended
                output = self._finished(job, env, agent, result, refs, blobs, attempt, errors)
                output[0]["time"].update(
                    # the runner's own share: the loop's bookkeeping and the records
                    runner=result.seconds
                    - result.reset_seconds
                    - output[0]["time"]["agent"]
                    - output[0]["time"]["env"]
                    + time.perf_counter()
                    - ended
                    - waited,
                    images=self.recorder.encode_seconds,  # on the store's thread
                    images_waited=waited,
                )  # what of it was left when the episode ended
                return output
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}".strip()[:2000])
                self.drop(job.env_id)
        return error_row(job, "; then ".join(errors), attempts=2), None, {}

    def _finished(
        self,
        job: Job,
        env: gym.Env,
        agent: Agent,
        result: EpisodeResult,
        refs: list[dict[str, str]],
        blobs: dict[str, bytes],
        attempt: int,
        errors: list[str],
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, bytes]]:
        usage = result.usage()
        step_errors = [s.agent["error"] for s in result.steps if s.agent and s.agent.get("error")]
        row = {
            "env_id": job.env_id,
            "task_id": job.task_id,
            "seed": job.seed,
            "success": result.success,
            "steps": len(result.steps),
            "progress": result.progress,
            "judge": result.judge,
            "invalid_actions": result.invalid_actions,
            "tokens": {
                "prompt": int(usage["prompt_tokens"]),
                "completion": int(usage["completion_tokens"]),
            },
            "cost": usage["cost"],
            "seconds": round(result.seconds, 3),
            "time": {
                "reset": result.reset_seconds,  # where the episode's seconds went
                "agent": sum(s.agent_seconds for s in result.steps),
                "env": sum(s.env_seconds for s in result.steps),
            },
            "error": None,
            "attempts": attempt,
            "earlier_errors": errors,
            "agent_errors": len(step_errors),
            "backend": result.backend,
            "truncated": result.truncated,
            "metrics": env_metrics(job.env_id, result, env),
        }
        if not self.config.keep_images:
            refs, blobs = [{} for _ in refs], {}
        episode = episode_document(
            env,
            result,
            episode_id=job.episode_id,
            split=self.config.split,
            strategy=job.strategy,
            agent=self.config.agent.describe(agent),
            metrics=row["metrics"],
            refs=refs,
            views=self.recorder.views,
        )
        return row, episode, blobs

    def close(self) -> None:
        for env_id in list(self.envs):
            self.drop(env_id)
        self.recorder.close()


def error_row(job: Job, error: str, *, attempts: int) -> dict[str, Any]:
    """The results row of a job that produced no episode; it counts as a failure."""
    return {
        "env_id": job.env_id,
        "task_id": job.task_id,
        "seed": job.seed,
        "success": False,
        "steps": 0,
        "progress": 0.0,
        "judge": {},
        "invalid_actions": 0,
        "tokens": {"prompt": 0, "completion": 0},
        "cost": 0.0,
        "seconds": 0.0,
        "error": error,
        "attempts": attempts,
        "metrics": {},
    }


def row_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A row without what differs between two runs of the same jobs (times)."""
    return {k: v for k, v in row.items() if k not in ("seconds", "time", "finished_at", "episode")}
