"""The benchmark driver behind ``vab-gym bench``: checks everything, then runs the jobs.

Every (env, task) is a job reset with one seed. The driver gives each worker slot one job
at a time, preferring jobs whose env the slot already has open, and is the only writer of
the run folder: a finished job's episode goes to the store first, then its line is appended
to ``results.jsonl`` with one ``write`` (the commit point). ``resume`` re-reads that file
and skips the jobs it lists, so a run killed at any moment ends with each job exactly once.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
from gymnasium.envs.registration import load_env_creator
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from vab_gym.bench import report
from vab_gym.bench.engines import LocalEngine, RayEngine
from vab_gym.bench.jobs import AgentSpec, BenchError, Job, WorkerConfig, error_row
from vab_gym.bench.store import EpisodeStore

RESULTS = "results.jsonl"


@dataclass
class BenchOptions:
    agent: AgentSpec
    out: Path
    envs: str = "all"
    split: str = "test"
    tasks: int | None = None
    task_ids: list[str] | None = None
    seed: int = 0
    workers: int = 1
    engine: str = "local"
    ray_address: str | None = None
    ray_cpus: int | None = None
    resume: bool = False
    timeout: float = 1800.0  # per episode, seconds
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    keep_images: bool = True


# -- checks before any job -----------------------------------------------------------------
def resolve_envs(spec: str) -> list[str]:
    """``all`` (every registered VAB env) or a comma list; an unknown id is named."""
    import vab_gym

    if spec == "all":
        return list(vab_gym.ENVIRONMENTS)
    env_ids = [part.strip() for part in spec.split(",") if part.strip()]
    for env_id in env_ids:
        try:
            gym.spec(env_id)
        except gym.error.Error as exc:
            raise BenchError(
                f"unknown env id {env_id!r}; the suite has: {', '.join(vab_gym.ENVIRONMENTS)}"
            ) from exc
    return env_ids


def plan_jobs(
    env_ids: list[str], split: str, tasks: int | None, task_ids: list[str] | None, seed: int
) -> list[Job]:
    """The jobs, env by env in split order; every ``task_ids`` entry must name a task of one
    of the envs."""
    jobs: list[Job] = []
    wanted = set(task_ids or [])
    found: set[str] = set()
    for env_id in env_ids:
        env_cls = load_env_creator(gym.spec(env_id).entry_point)
        ids = env_cls.default_tasks(split).ids
        if not ids:
            raise BenchError(f"{env_id} has no tasks in split {split!r}")
        if task_ids:
            ids = [t for t in ids if t in wanted]
            found.update(ids)
        elif tasks is not None:
            ids = ids[:tasks]
        jobs += [Job(env_id, task_id, seed) for task_id in ids]
    missing = [t for t in (task_ids or []) if t not in found]
    if missing:
        raise BenchError(
            f"unknown task id(s) in split {split!r} of {', '.join(env_ids)}: {', '.join(missing)}"
        )
    return jobs


def check_agent(spec: AgentSpec) -> None:
    """``--agent lmm``: the agent's own :meth:`~vab_gym.agents.LMMAgent.check` (the endpoint
    answers ``GET /models``, takes the key and serves the model), as a BenchError."""
    if not spec.model or not spec.base_url:
        raise BenchError("--agent lmm needs --model and --base-url")
    try:
        from vab_gym.agents import LMMError
    except ImportError as exc:  # openai, the lmm extra
        raise BenchError(
            f"--agent lmm needs the lmm extra (pip install 'vab-gym[lmm]'): {exc}"
        ) from exc
    try:
        spec.build(None).check()  # type: ignore[arg-type]  (built without an env)
    except (LMMError, ValueError) as exc:
        raise BenchError(str(exc)) from exc
    except TypeError as exc:  # a --param the agent does not take
        raise BenchError(f"--agent lmm: {exc}") from exc


# -- the results file ---------------------------------------------------------------------
def read_results(path: Path) -> list[dict[str, Any]]:
    """The rows of a results file. A line cut short by a kill (no newline, or not JSON) is
    the job in flight: it is dropped from the file, and the job runs again."""
    if not path.exists():
        return []
    data = path.read_bytes()
    rows, good = [], 0
    for line in data.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            break
        try:
            rows.append(json.loads(line))
        except ValueError:
            break
        good += len(line)
    if good < len(data):
        with open(path, "r+b") as handle:
            handle.truncate(good)
    return rows


class ResultsLog:
    """Appends one JSON line per finished job with a single ``write`` on an O_APPEND file,
    then ``fsync``: a reader sees whole lines only (and read_results drops a torn one)."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def append(self, row: dict[str, Any]) -> None:
        line = (json.dumps(row, default=str) + "\n").encode()
        os.write(self._fd, line)
        os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


# -- the run --------------------------------------------------------------------------------
def _config_record(options: BenchOptions, jobs: list[Job]) -> dict[str, Any]:
    """What must match for ``resume`` to continue a run rather than mix two."""
    agent = asdict(options.agent)
    agent.pop("api_key")
    return {
        "agent": agent,
        "split": options.split,
        "seed": options.seed,
        "env_kwargs": options.env_kwargs,
    }


def prepare(options: BenchOptions) -> tuple[list[Job], list[dict[str, Any]]]:
    """Every check, before any job: ids, endpoint, the run folder. Returns the jobs still to
    run and the rows already finished (resume)."""
    if options.workers < 1:
        raise BenchError("--workers must be at least 1")
    if options.engine not in ("local", "ray"):
        raise BenchError(f"unknown engine {options.engine!r}: local or ray")
    env_ids = resolve_envs(options.envs)
    jobs = plan_jobs(env_ids, options.split, options.tasks, options.task_ids, options.seed)
    if options.agent.kind == "lmm":
        check_agent(options.agent)
    results = options.out / RESULTS
    run_file = options.out / "run.json"
    if results.exists() and not options.resume:
        raise BenchError(
            f"{options.out} already holds a run; add --resume to finish it, or choose another --out"
        )
    finished: list[dict[str, Any]] = []
    if options.resume and run_file.exists():
        before = json.loads(run_file.read_text()).get("config")
        now = _config_record(options, jobs)
        if before is not None and before != now:
            raise BenchError(
                f"{options.out} holds a run with other settings ({before}); "
                "resume it with the same flags, or choose another --out"
            )
    if options.resume:
        planned = {job.key for job in jobs}
        finished = [
            row for row in read_results(results) if (row["env_id"], row["task_id"]) in planned
        ]
    done = {(row["env_id"], row["task_id"]) for row in finished}
    return [job for job in jobs if job.key not in done], finished


def _describe_agent(options: BenchOptions) -> dict[str, Any]:
    agent = None
    if options.agent.kind in ("lmm", "random"):  # built without an env
        try:
            agent = options.agent.build(None)  # type: ignore[arg-type]
        except (ImportError, AttributeError):  # the LMM agent's extra is not installed
            agent = None
    return options.agent.describe(agent)


def write_run_record(
    options: BenchOptions, jobs: list[Job], pending: int, extra: dict[str, Any] | None = None
) -> None:
    envs: dict[str, Any] = {}
    for job in jobs:
        env_cls = load_env_creator(gym.spec(job.env_id).entry_point)
        entry = envs.setdefault(
            job.env_id,
            {
                "backend": options.env_kwargs.get("backend", env_cls.backends[0]),
                "max_steps": env_cls.default_max_steps,
                "tasks": 0,
            },
        )
        entry["tasks"] += 1
    record = {
        "config": _config_record(options, jobs),
        "agent": _describe_agent(options),
        "engine": options.engine,
        "workers": options.workers,
        "ray_address": options.ray_address,
        "timeout": options.timeout,
        "seeds": {"reset": options.seed, "agent": options.agent.seed},
        "envs": envs,
        "jobs": len(jobs),
        "pending_at_start": pending,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **report.environment_record(),
        **(extra or {}),
    }
    (options.out / "run.json").write_text(json.dumps(record, indent=2, default=str))


class _Progress:
    """Rich bars per env and overall: done/total, successes, ETA, tokens and cost."""

    def __init__(self, console: Console, jobs: list[Job], finished: list[dict[str, Any]]):
        self.bars = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("ok {task.fields[ok]}"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[tokens]:,} tok"),
            TextColumn("${task.fields[cost]:.4f}"),
            console=console,
            transient=False,
        )
        totals: dict[str, int] = {}
        for key in [*(r["env_id"] for r in finished), *(j.env_id for j in jobs)]:
            totals[key] = totals.get(key, 0) + 1
        self.ids = {
            "overall": self.bars.add_task(
                "overall", total=sum(totals.values()), ok=0, tokens=0, cost=0.0
            )
        }
        for env_id, total in totals.items():
            self.ids[env_id] = self.bars.add_task(env_id, total=total, ok=0, tokens=0, cost=0.0)
        for row in finished:
            self.add(row)

    def add(self, row: dict[str, Any]) -> None:
        for key in ("overall", row["env_id"]):
            task = self.bars.tasks[self.ids[key]]
            self.bars.update(
                self.ids[key],
                advance=1,
                ok=task.fields["ok"] + bool(row["success"]),
                tokens=task.fields["tokens"] + sum(row["tokens"].values()),
                cost=task.fields["cost"] + row["cost"],
            )


def _next_job(pending: list[Job], open_envs: set[str], others_open: set[str]) -> Job:
    """Prefer a job whose env this slot has open, then one of an env no slot has open."""
    for job in pending:
        if job.env_id in open_envs:
            return job
    for job in pending:
        if job.env_id not in others_open:
            return job
    return pending[0]


def execute(
    options: BenchOptions, jobs: list[Job], on_row: Any, config: WorkerConfig | None = None
) -> None:
    """Run ``jobs`` on the engine; ``on_row(job, row, episode, images)`` for each finished
    one may return follow-up jobs (collect's next attempt at a task), which are run too.
    ``config``: the workers' (default: the bench's, from ``options``)."""
    config = config or WorkerConfig(
        agent=options.agent,
        split=options.split,
        env_kwargs=options.env_kwargs,
        keep_images=options.keep_images,
    )
    workers = min(options.workers, len(jobs))
    engine = (
        RayEngine(config, workers, address=options.ray_address, num_cpus=options.ray_cpus)
        if options.engine == "ray"
        else LocalEngine(config, workers)
    )
    pending = list(jobs)
    running: dict[int, tuple[Job, float, int]] = {}  # slot -> (job, started, attempt)
    open_envs: dict[int, set[str]] = {slot: set() for slot in range(workers)}
    retry: dict[Job, int] = {}

    def finished(
        job: Job, row: dict[str, Any], episode: dict[str, Any] | None, images: dict[str, bytes]
    ) -> None:
        pending.extend(on_row(job, row, episode, images) or [])

    try:
        while pending or running:
            for slot in range(workers):
                if slot not in running and pending:
                    others = set().union(*(e for s, e in open_envs.items() if s != slot))
                    job = _next_job(pending, open_envs[slot], others)
                    pending.remove(job)
                    engine.submit(slot, job)
                    open_envs[slot].add(job.env_id)
                    running[slot] = (job, time.monotonic(), retry.get(job, 1))
            for slot, kind, output in engine.poll(0.25):
                if kind == "started":  # the env is up: the episode's clock starts now
                    job, _, attempt = running[slot]
                    running[slot] = (job, time.monotonic(), attempt)
                    continue
                job, _, attempt = running.pop(slot)
                if kind == "done":
                    row, episode, images = output
                    if attempt > 1:  # the first attempt's worker died
                        row["attempts"] = max(row.get("attempts", 1), attempt)
                        row["earlier_errors"] = [
                            "the worker process died",
                            *row.get("earlier_errors", []),
                        ]
                    finished(job, row, episode, images)
                    continue
                open_envs[slot] = set()  # the worker died: its replacement has no envs
                if attempt == 1:  # a crashed env: once more, on a fresh worker
                    retry[job] = 2
                    pending.insert(0, job)
                else:
                    finished(
                        job,
                        error_row(job, "the worker died twice while playing this job", attempts=2),
                        None,
                        {},
                    )
            now = time.monotonic()
            for slot, (job, started, attempt) in list(running.items()):
                if now - started > options.timeout:
                    running.pop(slot)
                    engine.kill(slot)
                    open_envs[slot] = set()
                    finished(
                        job,
                        error_row(
                            job,
                            f"timeout: the episode ran over {options.timeout:g} s",
                            attempts=attempt,
                        ),
                        None,
                        {},
                    )
    except BaseException:  # Ctrl-C or a failure of the driver: end the workers now
        engine.close(force=True)
        raise
    engine.close()


def run_bench(options: BenchOptions, console: Console | None = None) -> dict[str, Any]:
    """Check, run, and write the run folder; returns the summary."""
    console = console or Console()
    jobs, finished = prepare(options)
    options.out.mkdir(parents=True, exist_ok=True)
    all_jobs = [*jobs, *(Job(r["env_id"], r["task_id"], r["seed"]) for r in finished)]
    write_run_record(options, all_jobs, len(jobs))
    store = EpisodeStore(options.out)
    log = ResultsLog(options.out / RESULTS)
    rows = list(finished)
    progress = _Progress(console, jobs, finished)

    def on_row(
        job: Job, row: dict[str, Any], episode: dict[str, Any] | None, images: dict[str, bytes]
    ) -> None:
        if episode is not None:
            row["episode"] = store.write(episode, images)
        row["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        log.append(row)
        rows.append(row)
        progress.add(row)

    try:
        if jobs:
            with progress.bars:
                execute(options, jobs, on_row)
    finally:
        log.close()
    return finish(options, rows, console)


def finish(options: BenchOptions, rows: list[dict[str, Any]], console: Console) -> dict[str, Any]:
    summary = report.summarize(rows, options.agent.label)
    (options.out / "summary.json").write_text(json.dumps(summary, indent=2))
    (options.out / "leaderboard.md").write_text(report.leaderboard_markdown(summary))
    report.plot(summary, options.out / "results.png")
    for table in report.leaderboard_tables(summary):
        console.print(table)
    console.print(
        f"results in {options.out}/ (results.jsonl, summary.json, leaderboard.md, "
        "results.png, run.json, episodes/)"
    )
    return summary
