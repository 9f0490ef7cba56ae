"""VAB-Minecraft's ``vab-gym`` subcommand: ``minecraft-tasks``, train tasks from a seed.
``vab_gym.cli`` adds it through this package's ``COMMANDS``; the task builder is imported
when the command runs, so ``vab-gym --help`` stays quick."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

console = Console()


def add_commands(sub: Any) -> None:
    """Add ``minecraft-tasks`` to the ``vab-gym`` subparsers ``sub``."""
    mc = sub.add_parser("minecraft-tasks", help="make VAB-Minecraft train tasks from a seed")
    mc.add_argument("--count", type=int, default=100)
    mc.add_argument("--seed", type=int, default=0)
    mc.add_argument("--biome", default="plains", choices=["plains", "forest", "oak_forest"])
    mc.add_argument("--out", required=True)
    mc.set_defaults(handler=cmd_minecraft_tasks)


def cmd_minecraft_tasks(args: argparse.Namespace) -> int:
    from vab_gym.core.tasks import package_tasks, write_jsonl
    from vab_gym.envs.minecraft.tasks import train_tasks

    test = [t.judge["item"] for t in package_tasks("vab_gym.envs.minecraft", "test")]
    tasks = train_tasks(args.count, args.seed, biome=args.biome, exclude=test)
    write_jsonl(tasks, args.out)
    console.print(f"{len(tasks)} obtain-item tasks -> {args.out}")
    return 0
