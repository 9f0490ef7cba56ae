"""VAB-OmniGibson's ``vab-gym`` subcommand: ``omnigibson-tasks``, train tasks from bddl's
activities. ``vab_gym.cli`` adds it through this package's ``COMMANDS``; the task builder
is imported when the command runs, so ``vab-gym --help`` stays quick."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

console = Console()


def add_commands(sub: Any) -> None:
    """Add ``omnigibson-tasks`` to the ``vab-gym`` subparsers ``sub``."""
    og = sub.add_parser(
        "omnigibson-tasks", help="make VAB-OmniGibson train tasks from bddl's activities"
    )
    og.add_argument("--count", type=int, default=100)
    og.add_argument("--seed", type=int, default=0)
    og.add_argument("--out", required=True)
    og.set_defaults(handler=cmd_omnigibson_tasks)


def cmd_omnigibson_tasks(args: argparse.Namespace) -> int:
    from vab_gym.core.tasks import package_tasks, write_jsonl
    from vab_gym.envs.omnigibson.tasks import survey, train_tasks

    supported = list(survey())
    test = {t.setup["activity"] for t in package_tasks("vab_gym.envs.omnigibson", "test")}
    tasks = train_tasks(args.count, args.seed, exclude=test, supported=supported)
    write_jsonl(tasks, args.out)
    runnable = sum(s.ok for s in supported)
    console.print(
        f"{runnable}/{len(supported)} bddl activities run in the simulator; "
        f"wrote {len(tasks)} tasks to {args.out}"
    )
    return 0
