"""The ``vab-gym`` command: list the environments, run agents on tasks, benchmark an agent,
build task sets."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.envs.registration import load_env_creator
from PIL import Image
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

import vab_gym
from vab_gym.agents import make_solver, run_episode
from vab_gym.core import registration
from vab_gym.core.errors import UsageError, VabError

console = Console()
error_console = Console(stderr=True)


# What a user's mistake raises (a bad id, flag, file, endpoint or backend): one line on
# stderr and exit status 2, not a traceback (VAB_GYM_DEBUG=1 shows it).
USER_ERRORS = (VabError, ValueError, FileNotFoundError, gym.error.Error)


def known_env(env_id: str) -> str:
    """``env_id`` if it is one of the suite's, else a UsageError naming the close ones."""
    if env_id in vab_gym.ENVIRONMENTS:
        return env_id
    near = difflib.get_close_matches(env_id, vab_gym.ENVIRONMENTS, n=2, cutoff=0.4)
    hint = f"did you mean {' or '.join(near)}?" if near else "`vab-gym list` shows the suite's envs"
    raise UsageError(f"unknown env {env_id!r}: {hint}")


def cmd_list(args: argparse.Namespace) -> int:
    table = Table("backends", "test tasks", "train tasks", "max steps", "image (HxW)")
    table.columns.insert(0, Column("id", no_wrap=True))  # ids whole, in any terminal
    for env_id in vab_gym.ENVIRONMENTS:
        env_cls = load_env_creator(gym.spec(env_id).entry_point)
        counts = [str(len(env_cls.default_tasks(split))) for split in ("test", "train")]
        height, width = env_cls.default_image_size
        table.add_row(
            env_id,
            ", ".join(env_cls.backends),
            *counts,
            str(env_cls.default_max_steps),
            f"{height}x{width}",
        )
    console.print(table)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    kwargs: dict[str, Any] = {"split": args.split}
    if args.backend:
        kwargs["backend"] = args.backend
    if args.tasks_file:
        kwargs["tasks"] = args.tasks_file
    if args.image_size:
        kwargs["image_size"] = tuple(args.image_size)
    env = gym.make(known_env(args.env), **kwargs)
    out = Path(args.out) if args.out else None
    try:
        task_ids = args.task or env.unwrapped.tasks.ids[: args.n]
        agent = make_solver(env)
        successes = 0
        for task_id in task_ids:
            console.rule(f"[bold]{args.env}[/] {task_id}")
            folder = out / task_id if out else None
            if folder:
                folder.mkdir(parents=True, exist_ok=True)

            def show(
                step: int,
                action: str,
                obs: dict,
                reward: float,
                info: dict,
                folder: Path | None = folder,
            ) -> None:
                if step == 0:
                    console.print(f"[bold]instruction:[/] {escape(obs['instruction'])}")
                else:
                    error = info["action_error"]
                    note = f" [red]({escape(error)})[/]" if error else ""
                    console.print(f"step {step}: [cyan]{escape(action)}[/]{note}")
                if folder:
                    for key, value in obs.items():
                        if isinstance(value, np.ndarray) and (key == "image" or step == 0):
                            Image.fromarray(value).save(folder / f"step{step:02d}-{key}.png")

            result = run_episode(env, agent, task_id=task_id, seed=args.seed, on_step=show)
            successes += result.success
            verdict = "[green]success[/]" if result.success else "[red]failure[/]"
            console.print(f"judge: {verdict}: {escape(str(result.judge.get('reason')))}")
            if folder:
                screenshot = getattr(env.unwrapped, "screenshot_png", None)
                if screenshot:
                    (folder / "final-full.png").write_bytes(screenshot())
                (folder / "result.json").write_text(
                    json.dumps(
                        {
                            "task_id": task_id,
                            "backend": result.backend,
                            "success": result.success,
                            "judge": result.judge,
                            "actions": [s.action for s in result.steps],
                        },
                        indent=2,
                    )
                )
        console.print(
            f"\n{successes}/{len(task_ids)} solved" + (f"; images in {out}/" if out else "")
        )
    finally:
        env.close()
    return 0


def _api_key(var: str | None) -> str | None:
    """``--api-key-env VAR`` names the variable holding the key (an error if unset); without
    it, ``OPENAI_API_KEY`` if set, else no key (local vLLM/SGLang servers need none)."""
    from vab_gym.bench import BenchError

    if var is None:
        return os.environ.get("OPENAI_API_KEY") or None
    if not os.environ.get(var):
        raise BenchError(f"--api-key-env {var}: the variable {var} is not set")
    return os.environ[var]


def _agent_spec(args: argparse.Namespace, kind: str) -> Any:
    """The AgentSpec the agent flags (_add_agent_flags) give."""
    from vab_gym.bench import AgentSpec
    from vab_gym.bench.jobs import parse_params

    return AgentSpec(
        kind=kind,
        model=args.model,
        base_url=args.base_url,
        api_key=_api_key(args.api_key_env) if kind == "lmm" else None,
        mode=args.mode,
        params=parse_params(args.param or []),
        seed=args.seed,
    )


def _add_agent_flags(parser: argparse.ArgumentParser) -> None:
    """The LMM agent's flags, shared by bench and collect."""
    parser.add_argument("--model", help="lmm: the model name the endpoint serves")
    parser.add_argument(
        "--base-url", help="lmm: an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1"
    )
    parser.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="lmm: the variable holding the key (default: OPENAI_API_KEY if set)",
    )
    parser.add_argument(
        "--mode",
        default="text",
        choices=["text", "tools"],
        help="lmm: VAB's reply format, or one tool call per turn",
    )
    parser.add_argument(
        "--param",
        action="append",
        metavar="KEY=VALUE",
        help="an agent keyword argument, e.g. temperature=0 (repeatable)",
    )


def cmd_collect(args: argparse.Namespace) -> int:
    from vab_gym.trajectories.collect import CollectOptions, run_collect

    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 140  # as bench: a log file gets the whole table
    options = CollectOptions(
        strategy=args.strategy,
        out=Path(args.out),
        count=args.count,
        envs=args.envs,
        split=args.split,
        agent=_agent_spec(args, "lmm") if args.strategy == "lmm" else None,
        attempts=args.attempts,
        temperatures=tuple(float(t) for t in args.temperatures.split(","))
        if args.temperatures
        else (),
        keep_failures=args.keep_failures,
        seed=args.seed,
        workers=args.workers,
        engine=args.engine,
        ray_address=args.ray_address,
        ray_cpus=args.ray_cpus,
        timeout=args.timeout,
        env_kwargs={"backend": args.backend} if args.backend else {},
    )
    run_collect(options, console)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from vab_gym.bench import BenchOptions, run_bench

    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 140  # a log file gets the whole table, not 80 columns of it
    options = BenchOptions(
        agent=_agent_spec(args, args.agent),
        out=Path(args.out),
        envs=args.envs,
        split=args.split,
        tasks=args.tasks,
        task_ids=args.task_ids.split(",") if args.task_ids else None,
        seed=args.seed,
        workers=args.workers,
        engine=args.engine,
        ray_address=args.ray_address,
        ray_cpus=args.ray_cpus,
        resume=args.resume,
        timeout=args.timeout,
        env_kwargs={"backend": args.backend} if args.backend else {},
        keep_images=not args.no_images,
    )
    run_bench(options, console)
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    from vab_gym.ui import serve

    console.print(f"vab-gym ui: http://{args.host}:{args.port}/ (store {escape(args.store)})")
    serve(
        args.store,
        host=args.host,
        port=args.port,
        idle_timeout=args.idle_timeout,
        annotator=args.annotator,
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from vab_gym.trajectories.export import ExportOptions, export

    split = None if args.split == "all" else args.split
    filters = {
        key: value
        for key, value in (
            ("env", args.env),
            ("strategy", args.strategy),
            ("model", args.model),
            ("split", split),
        )
        if value
    }
    options = ExportOptions(
        format=args.format,
        per=args.per,
        images=args.images,
        success_only=args.success_only,
        mode=args.mode,
        filters=filters,
    )
    manifest = export(args.store, args.out, options, push_to_hub=args.push_to_hub)
    console.print(
        f"{manifest['samples']} samples from {manifest['episodes']} episodes -> "
        f"{args.out} ({args.format}, per {args.per}, {args.mode})"
    )
    if not manifest["episodes"] and split == "train":
        console.print(
            "[yellow]no train-split episodes matched; bench runs are test-split: "
            "add --split test (or all) to export them[/]"
        )
    if manifest.get("train_with"):
        console.print(f"train with: {escape(json.dumps(manifest['train_with']))}")
    return 0


def add_export_parser(sub: Any) -> None:
    exp = sub.add_parser(
        "export",
        help="an episode store as SFT data (LLaMA-Factory, TRL, OpenAI fine-tuning, HF parquet)",
    )
    exp.add_argument("store", help="an episode store (e.g. a bench or collect --out)")
    exp.add_argument("--format", required=True, choices=["llamafactory", "trl", "openai", "hf"])
    exp.add_argument("--out", required=True, metavar="DIR")
    exp.add_argument("--per", default="step", choices=["step", "episode"])
    exp.add_argument("--images", help="last, all or N (default: last per step, all per episode)")
    exp.add_argument("--success-only", action="store_true", help="only judged successes")
    exp.add_argument(
        "--mode",
        default="text",
        choices=["text", "tools"],
        help="targets as the env's reply text, or as tool calls",
    )
    exp.add_argument("--env", help="only this env id")
    exp.add_argument("--strategy", help="only this strategy (solver, lmm, recovery, human, bench)")
    exp.add_argument("--model", help="only this model's episodes")
    exp.add_argument(
        "--split",
        default="train",
        help="only this split (default train: test tasks are for evaluation); all for every split",
    )
    exp.add_argument("--push-to-hub", metavar="REPO", help="hf: push to this Hub dataset repo")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vab-gym", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="the environments, their backends and task counts")

    run = sub.add_parser("run", help="run the program solver on tasks of an env")
    run.add_argument("env", help="e.g. VAB-CSS-v0")
    run.add_argument("--task", action="append", help="task id (repeatable)")
    run.add_argument("-n", type=int, default=1, help="without --task: the first N tasks")
    run.add_argument("--split", default="test")
    run.add_argument("--tasks-file", help="a JSONL task file instead of the shipped split")
    run.add_argument("--backend")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--image-size", type=int, nargs=2, metavar=("H", "W"))
    run.add_argument("--out", help="folder for screenshots and results")

    # Each env's own commands (css-build, minecraft-tasks, ...), in the envs' order: every
    # registered env's package may name a function adding them (COMMANDS).
    for package in registration.PACKAGES.values():
        if package.commands:
            registration.load_object(package.commands)(sub)

    bench = sub.add_parser("bench", help="benchmark an agent: VAB's leaderboard table")
    bench.add_argument(
        "--agent", default="solver", help="solver, random, lmm, or module:name of an agent factory"
    )
    _add_agent_flags(bench)
    bench.add_argument("--envs", default="all", help="all, or env ids separated by commas")
    bench.add_argument("--split", default="test")
    which = bench.add_mutually_exclusive_group()
    which.add_argument("--tasks", type=int, metavar="N", help="the first N tasks of each env")
    which.add_argument("--task-ids", metavar="ID[,ID...]", help="these tasks only")
    bench.add_argument("--seed", type=int, default=0, help="every reset's seed")
    bench.add_argument("--workers", type=int, default=1, metavar="K")
    bench.add_argument("--engine", default="local", choices=["local", "ray"])
    bench.add_argument("--ray-address", help="join this Ray cluster (default: a local Ray)")
    bench.add_argument("--ray-cpus", type=int, help="CPUs of the local Ray (default: all)")
    bench.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        help="seconds an episode may take before it is recorded as an error",
    )
    bench.add_argument("--backend", help="the envs' backend (default: each env's embedded one)")
    bench.add_argument(
        "--no-images", action="store_true", help="keep episodes without their images"
    )
    bench.add_argument("--out", required=True, metavar="DIR")
    bench.add_argument("--resume", action="store_true", help="finish the run in DIR")

    ui = sub.add_parser("ui", help="a local web app: browse a store, annotate episodes")
    ui.add_argument(
        "--store",
        required=True,
        metavar="DIR",
        help="the store to browse (and its sub-stores); annotations go here",
    )
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=8765)
    ui.add_argument("--annotator", help="a name recorded in annotated episodes' agent")
    ui.add_argument(
        "--idle-timeout",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help="end an annotation session (closing its env) after this idle time",
    )
    add_export_parser(sub)

    collect = sub.add_parser("collect", help="collect judge-verified training episodes")
    collect.add_argument("--strategy", required=True, choices=["solver", "lmm", "recovery"])
    collect.add_argument("--envs", default="all", help="all, or env ids separated by commas")
    collect.add_argument("--split", default="train")
    collect.add_argument(
        "--count",
        type=int,
        required=True,
        metavar="N",
        help="tasks per env (beyond the shipped train split: fresh ones)",
    )
    collect.add_argument("--out", required=True, metavar="STORE")
    collect.add_argument("--workers", type=int, default=1, metavar="K")
    collect.add_argument("--engine", default="local", choices=["local", "ray"])
    collect.add_argument("--ray-address", help="join this Ray cluster (default: a local Ray)")
    collect.add_argument("--ray-cpus", type=int, help="CPUs of the local Ray (default: all)")
    collect.add_argument(
        "--attempts",
        type=int,
        default=1,
        metavar="k",
        help="lmm: tries per task, until the first judged success",
    )
    collect.add_argument(
        "--temperatures",
        metavar="T[,T...]",
        help="lmm: attempt i's temperature (the last one repeats)",
    )
    collect.add_argument(
        "--keep-failures",
        action="store_true",
        help="keep failed episodes too, flagged kept_as: failure",
    )
    collect.add_argument("--seed", type=int, default=0, help="every reset's seed")
    collect.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        help="seconds an episode may take before it is recorded as an error",
    )
    collect.add_argument("--backend", help="the envs' backend (default: each env's embedded one)")
    _add_agent_flags(collect)

    args = parser.parse_args(argv)
    # An env's command brings its handler (set_defaults); the suite's are these.
    handler = (
        getattr(args, "handler", None)
        or {
            "list": cmd_list,
            "run": cmd_run,
            "bench": cmd_bench,
            "collect": cmd_collect,
            "ui": cmd_ui,
            "export": cmd_export,
        }[args.command]
    )
    try:
        return handler(args)
    except USER_ERRORS as exc:
        if os.environ.get("VAB_GYM_DEBUG"):
            raise
        message = str(exc).strip() or type(exc).__name__  # ours end with the fix
        error_console.print(f"vab-gym {args.command}: {escape(message)}", style="red")
        return 2


if __name__ == "__main__":
    sys.exit(main())
