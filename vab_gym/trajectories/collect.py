"""``vab-gym collect``: training episodes from program solvers, LMM bootstrapping and error
recovery, judge-verified, into an episode store (docs/trajectories.md, "Collecting").

Collect is the bench's machinery with other jobs: the same engines, workers, episode store
and append-only results log (vab_gym/bench). What it adds: the train tasks (the shipped
split, then fresh ones made by each env's own generator), the strategies (``solver``,
``lmm`` with up to ``attempts`` tries per task, ``recovery`` with one injected mistake),
what is kept (judged successes; ``--keep-failures`` keeps the others flagged) and the
model view of every step. ``STORE/collect/<strategy>.jsonl`` has one line per finished
episode, kept or not; a run killed at any moment resumes from it (the same command again)
with each (task, attempt) played once.
"""

from __future__ import annotations

import json
import time
import zlib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.envs.registration import load_env_creator
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vab_gym.agents.base import Agent
from vab_gym.bench import report
from vab_gym.bench.jobs import AgentSpec, BenchError, Job, WorkerConfig
from vab_gym.bench.runner import (
    BenchOptions,
    ResultsLog,
    check_agent,
    execute,
    read_results,
    resolve_envs,
)
from vab_gym.bench.store import EpisodeStore
from vab_gym.core.registration import load_object
from vab_gym.core.tasks import Task, read_jsonl, write_jsonl
from vab_gym.trajectories.recovery import MistakeModel, RecoveryAgent, mistake_model

STRATEGIES = ("solver", "lmm", "recovery")
REASONS = ("judge", "no_mistake", "error")  # why an episode was not kept


@dataclass
class CollectOptions:
    strategy: str
    out: Path
    count: int  # tasks per env; each gives at most one kept success
    envs: str = "all"
    split: str = "train"
    agent: AgentSpec | None = None  # lmm: the LMM agent (bench's --agent lmm spec)
    attempts: int = 1  # lmm: tries per task, stopping at the first judged success
    temperatures: tuple[float, ...] = ()  # lmm: attempt a's temperature (the last repeats)
    keep_failures: bool = False
    seed: int = 0
    workers: int = 1
    engine: str = "local"
    ray_address: str | None = None
    ray_cpus: int | None = None
    timeout: float = 1800.0
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    mistakes: dict[str, str] = field(default_factory=dict)  # env id -> module:propose
    # recovery: the mistake step is drawn from 1..max_at (None: the env's mistake_window)
    max_at: int | None = None


# -- the tasks ----------------------------------------------------------------------------
def env_tasks(
    env_id: str, split: str, count: int, out: Path, console: Console
) -> tuple[tuple[Task, ...] | None, list[str]]:
    """The task ids to play for ``env_id`` (the split's first ``count``, then fresh train
    tasks), and the full task list the workers load when fresh ones are needed (None: the
    shipped split). Fresh tasks are kept in ``STORE/tasks/<env id>.jsonl`` and reused."""
    env_cls = load_env_creator(gym.spec(env_id).entry_point)
    shipped = env_cls.default_tasks(split)
    if count <= len(shipped):
        return None, shipped.ids[:count]
    if split != "train" or env_cls.fresh_tasks is None:
        console.print(
            f"[yellow]{env_id}: split {split!r} has {len(shipped)} tasks and no "
            f"generator here; collecting {len(shipped)}, not {count}[/]"
        )
        return None, shipped.ids
    need = count - len(shipped)
    cache = out / "tasks" / f"{env_id}.jsonl"
    fresh = read_jsonl(cache) if cache.exists() else []
    if len(fresh) < need:
        console.print(
            f"{env_id}: making {need} fresh train tasks beyond the shipped {len(shipped)}"
        )
        fresh = load_object(env_cls.fresh_tasks)(need, shipped, out / "tasks")
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f".{cache.name}.tmp")  # a kill leaves no torn task file
        write_jsonl(fresh, partial)
        partial.replace(cache)
    fresh = fresh[:need]
    if len(fresh) < need:
        console.print(
            f"[yellow]{env_id}: its generator gives only {len(fresh)} fresh tasks; "
            f"collecting {len(shipped) + len(fresh)}, not {count}[/]"
        )
    tasks = (*(shipped[i] for i in shipped.ids), *fresh)
    return tasks, [t.id for t in tasks]


# -- recovery -----------------------------------------------------------------------------
def _propose(env: gym.Env, mistakes: dict[str, str]) -> MistakeModel:
    name = mistakes.get(env.unwrapped.env_id)
    if name is None:
        return mistake_model(env)
    return load_object(name)


def recovery_agent(
    env: gym.Env, solver: Agent, job: Job, *, mistakes: dict[str, str], max_at: int | None
) -> RecoveryAgent:
    """The worker's wrap for ``--strategy recovery``: the env's solver with its mistake
    model, drawing from a generator seeded by (seed, task) so a replay draws the same."""
    rng = np.random.default_rng([job.seed, zlib.crc32(job.task_id.encode())])
    return RecoveryAgent(solver, _propose(env, mistakes), rng, max_at=max_at)


def _check_mistakes(env_ids: list[str], mistakes: dict[str, str]) -> None:
    missing = [
        e
        for e in env_ids
        if e not in mistakes
        and not getattr(load_env_creator(gym.spec(e).entry_point), "mistakes", None)
    ]
    if missing:
        raise BenchError(
            f"--strategy recovery: no mistake model for {', '.join(missing)} "
            "(the env class's `mistakes` attribute)"
        )


# -- the run ------------------------------------------------------------------------------
def _config_record(options: CollectOptions) -> dict[str, Any]:
    """What must match for a second collect into the same store to continue the first, as
    it reads back from JSON (tuples become lists), so a record compares with a stored one."""
    agent = asdict(options.agent) if options.agent else None
    if agent:
        agent.pop("api_key")
    record = {
        "strategy": options.strategy,
        "split": options.split,
        "seed": options.seed,
        "agent": agent,
        "attempts": options.attempts,
        "temperatures": list(options.temperatures),
        "keep_failures": options.keep_failures,
        "env_kwargs": options.env_kwargs,
        "mistakes": options.mistakes,
        "max_at": options.max_at,
    }
    return json.loads(json.dumps(record, default=str))


def _agent_spec(options: CollectOptions) -> AgentSpec:
    if options.strategy == "lmm":
        if options.agent is None:
            raise BenchError("--strategy lmm needs an LMM agent (--model, --base-url)")
        return options.agent
    return AgentSpec("solver")


def _attempt_params(options: CollectOptions, spec: AgentSpec) -> tuple[dict[str, Any], ...]:
    """The LMM's keyword arguments per attempt: its own seed (--seed + attempt - 1) and
    the attempt's temperature where given."""
    if spec.kind != "lmm":
        return ()
    temps = options.temperatures
    return tuple(
        {
            "seed": options.seed + a,
            **({"temperature": temps[min(a, len(temps) - 1)]} if temps else {}),
        }
        for a in range(options.attempts)
    )


class _Bars:
    """Rich bars per env and overall: tasks done of planned, episodes kept, rejected, and
    kept episodes per minute in this run."""

    def __init__(self, console: Console, totals: dict[str, int]) -> None:
        self.bars = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("kept {task.fields[kept]}"),
            TextColumn("rejected {task.fields[rejected]}"),
            TextColumn("{task.fields[rate]:.1f}/min"),
            TimeElapsedColumn(),
            console=console,
        )
        self.start = time.monotonic()
        self.new = dict.fromkeys(["overall", *totals], 0)
        self.ids = {
            key: self.bars.add_task(key, total=total, kept=0, rejected=0, rate=0.0)
            for key, total in {"overall": sum(totals.values()), **totals}.items()
        }

    def add(self, env_id: str, kept: bool, task_done: bool, resumed: bool = False) -> None:
        minutes = max(time.monotonic() - self.start, 1e-9) / 60
        for key in ("overall", env_id):
            fields = self.bars.tasks[self.ids[key]].fields
            self.new[key] += kept and not resumed
            self.bars.update(
                self.ids[key],
                advance=int(task_done),
                kept=fields["kept"] + kept,
                rejected=fields["rejected"] + (not kept),
                rate=self.new[key] / minutes,
            )


def _status(
    row: dict[str, Any], episode: dict[str, Any] | None, strategy: str, keep_failures: bool
) -> tuple[str | None, str | None]:
    """``(kept_as, rejected)``: kept as ``success`` (a judged success; for recovery, one
    with an injected mistake) or ``failure`` (``--keep-failures``), else why not kept."""
    if row.get("error") or episode is None:
        return None, "error"
    if strategy == "recovery" and not any(s.get("injected") for s in episode["steps"]):
        return None, "no_mistake"
    if row["success"]:
        return "success", None
    return ("failure", "judge") if keep_failures else (None, "judge")


def run_collect(options: CollectOptions, console: Console | None = None) -> dict[str, Any]:
    """Check everything, then collect; returns the summary (also in
    ``STORE/collect/<strategy>-summary.json``)."""
    console = console or Console()
    if options.strategy not in STRATEGIES:
        raise BenchError(f"unknown strategy {options.strategy!r}: {', '.join(STRATEGIES)}")
    if options.count < 1 or options.attempts < 1 or options.workers < 1:
        raise BenchError("--count, --attempts and --workers must be at least 1")
    if options.attempts > 1 and options.strategy != "lmm":
        raise BenchError("--attempts is for --strategy lmm (solvers are deterministic)")
    if options.engine not in ("local", "ray"):
        raise BenchError(f"unknown engine {options.engine!r}: local or ray")
    env_ids = resolve_envs(options.envs)
    spec = _agent_spec(options)
    if spec.kind == "lmm":
        check_agent(spec)
    if options.strategy == "recovery":
        _check_mistakes(env_ids, options.mistakes)
    folder = options.out / "collect"
    config_file = folder / f"{options.strategy}.json"
    if config_file.exists():
        before = json.loads(config_file.read_text())["config"]
        if before != _config_record(options):
            raise BenchError(
                f"{options.out} holds a {options.strategy} collect with other "
                f"settings ({before}); use the same flags, or another --out"
            )
    folder.mkdir(parents=True, exist_ok=True)
    planned: dict[str, list[str]] = {}
    tasks: dict[str, tuple[Task, ...]] = {}
    for env_id in env_ids:
        full, planned[env_id] = env_tasks(
            env_id, options.split, options.count, options.out, console
        )
        if full is not None:
            tasks[env_id] = full
    config_file.write_text(
        json.dumps(
            {
                "config": _config_record(options),
                "planned": {e: len(i) for e, i in planned.items()},
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                **report.environment_record(),
            },
            indent=2,
            default=str,
        )
    )

    log_path = folder / f"{options.strategy}.jsonl"
    done_rows = read_results(log_path)
    by_task: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in done_rows:
        by_task.setdefault((row["env_id"], row["task_id"]), []).append(row)
    bars = _Bars(console, {e: len(ids) for e, ids in planned.items()})
    jobs = []
    for env_id, ids in planned.items():
        for task_id in ids:
            rows = by_task.get((env_id, task_id), [])
            for row in rows:
                bars.add(
                    env_id,
                    row.get("kept_as") is not None,
                    task_done=row is rows[-1] and _task_done(row, options),
                    resumed=True,
                )
            if not rows or not _task_done(rows[-1], options):
                attempt = rows[-1]["attempt"] + 1 if rows else 1
                jobs.append(Job(env_id, task_id, options.seed, options.strategy, attempt))

    store = EpisodeStore(options.out)
    log = ResultsLog(log_path)
    all_rows = list(done_rows)
    new_rows: list[dict[str, Any]] = []

    def on_row(
        job: Job, row: dict[str, Any], episode: dict[str, Any] | None, images: dict[str, bytes]
    ) -> list[Job]:
        kept_as, rejected = _status(row, episode, options.strategy, options.keep_failures)
        row.update(
            strategy=job.strategy,
            attempt=job.attempt,
            kept_as=kept_as,
            rejected=rejected,
            episode=None,
        )
        if kept_as is not None and episode is not None:
            episode.update(attempt=job.attempt, kept_as=kept_as)
            row["episode"] = store.write(episode, images)
        else:  # a run killed after writing this job's episode but before its line kept it
            store.remove(job.env_id, job.episode_id)
        row["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        log.append(row)  # the commit point: a job without its line runs again
        all_rows.append(row)
        new_rows.append(row)
        task_done = _task_done(row, options)
        bars.add(job.env_id, kept_as is not None, task_done)
        return [] if task_done else [replace(job, attempt=job.attempt + 1)]

    bench = BenchOptions(
        agent=spec,
        out=options.out,
        split=options.split,
        workers=options.workers,
        engine=options.engine,
        ray_address=options.ray_address,
        ray_cpus=options.ray_cpus,
        timeout=options.timeout,
        env_kwargs=options.env_kwargs,
    )
    worker = WorkerConfig(
        agent=spec,
        split=options.split,
        env_kwargs=options.env_kwargs,
        env_tasks=tasks,
        record_views=True,
        attempt_params=_attempt_params(options, spec),
        wrap="vab_gym.trajectories.collect:recovery_agent"
        if options.strategy == "recovery"
        else None,
        wrap_params={"mistakes": options.mistakes, "max_at": options.max_at},
    )
    try:
        if jobs:
            with bars.bars:
                execute(bench, jobs, on_row, worker)
    finally:
        log.close()
    summary = summarize(all_rows, planned, new_rows, time.monotonic() - bars.start)
    (folder / f"{options.strategy}-summary.json").write_text(json.dumps(summary, indent=2))
    console.print(summary_table(summary, options.strategy))
    return summary


def _task_done(row: dict[str, Any], options: CollectOptions) -> bool:
    """A task is done at its first judged success, an error, or its last attempt."""
    return (
        row.get("kept_as") == "success"
        or row.get("rejected") == "error"
        or row["attempt"] >= options.attempts
    )


def summarize(
    rows: list[dict[str, Any]],
    planned: dict[str, list[str]],
    new_rows: list[dict[str, Any]],
    seconds: float,
) -> dict[str, Any]:
    """Per env: tasks planned, episodes played, kept (successes, failures), rejected by
    reason; and this run's episodes and kept successes per minute of its wall time."""
    envs: dict[str, Any] = {}
    for env_id, ids in planned.items():
        wanted = set(ids)
        mine = [r for r in rows if r["env_id"] == env_id and r["task_id"] in wanted]
        envs[env_id] = {
            "tasks": len(ids),
            "episodes": len(mine),
            "kept": sum(r.get("kept_as") == "success" for r in mine),
            "kept_failures": sum(r.get("kept_as") == "failure" for r in mine),
            "rejected": {
                reason: sum(r.get("rejected") == reason and r.get("kept_as") is None for r in mine)
                for reason in REASONS
            },
            "steps": sum(r.get("steps", 0) for r in mine if r.get("kept_as") == "success"),
        }
    new_kept = sum(r.get("kept_as") == "success" for r in new_rows)
    return {
        "envs": envs,
        "kept": sum(e["kept"] for e in envs.values()),
        "this_run": {
            "episodes": len(new_rows),
            "kept": new_kept,
            "seconds": round(seconds, 1),
            "kept_per_minute": round(new_kept / (seconds / 60), 2) if new_rows else None,
        },
    }


def summary_table(summary: dict[str, Any], strategy: str) -> Table:
    table = Table(
        "env",
        "tasks",
        "episodes",
        "kept",
        "kept failures",
        *REASONS,
        title=f"collect --strategy {strategy}",
    )
    for env_id, env in summary["envs"].items():
        table.add_row(
            env_id,
            str(env["tasks"]),
            str(env["episodes"]),
            str(env["kept"]),
            str(env["kept_failures"]),
            *(str(env["rejected"][r]) for r in REASONS),
        )
    return table
