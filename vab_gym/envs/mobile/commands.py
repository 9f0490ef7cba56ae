"""VAB-Mobile's ``vab-gym`` subcommand: ``mobile-tasks``, train tasks from the apps'
prototypes. ``vab_gym.cli`` adds it through this package's ``COMMANDS``; the task builder
is imported when the command runs, so ``vab-gym --help`` stays quick."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

console = Console()


def add_commands(sub: Any) -> None:
    """Add ``mobile-tasks`` to the ``vab-gym`` subparsers ``sub``."""
    mobile = sub.add_parser(
        "mobile-tasks", help="make VAB-Mobile train tasks from the apps' prototypes"
    )
    mobile.add_argument("--count", type=int, help="how many (default: the shipped split's 360)")
    mobile.add_argument("--seed", type=int, default=0)
    mobile.add_argument("--out", required=True)
    mobile.set_defaults(handler=cmd_mobile_tasks)


def cmd_mobile_tasks(args: argparse.Namespace) -> int:
    from vab_gym.core.tasks import write_jsonl
    from vab_gym.envs.mobile.train import TRAIN_COUNT, build_tasks, train_apps

    tasks = build_tasks(args.count or TRAIN_COUNT, args.seed)
    write_jsonl(tasks, args.out)
    prototypes = sum(len(app.prototypes) for app in train_apps())
    console.print(f"{len(tasks)} phone tasks from {prototypes} prototypes -> {args.out}")
    return 0
