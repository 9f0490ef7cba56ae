"""VAB-CSS's ``vab-gym`` subcommand: ``css-build``, tasks from static sites or generated
pages. ``vab_gym.cli`` adds it through this package's ``COMMANDS``; the builder is imported
when the command runs, so ``vab-gym --help`` stays quick."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vab_gym.core.errors import UsageError

console = Console()


def add_commands(sub: Any) -> None:
    """Add ``css-build`` to the ``vab-gym`` subparsers ``sub``."""
    build = sub.add_parser("css-build", help="build VAB-CSS tasks from static sites")
    build.add_argument("--sites", help="folder of sites (each: index.html + local CSS)")
    build.add_argument("--generate", type=int, help="generate N new pages instead")
    build.add_argument("--site-dir", help="where generated pages go (default: next to --out)")
    build.add_argument("--out", required=True, help="JSONL file to write")
    build.add_argument("--split", default="train")
    build.add_argument("--per-site", type=int, default=3)
    build.add_argument("--count", type=int, help="stop after this many tasks")
    build.add_argument("--seed", type=int, default=0)
    build.add_argument("--css-file", default="style.css")
    build.add_argument(
        "--media",
        default="viewport",
        choices=["viewport", "none"],
        help="corrupt rules of @media blocks that apply at the viewport "
        "(viewport) or top-level rules only, as VAB (none)",
    )
    build.add_argument(
        "--assets",
        help="folder of local copies of outside requests (ASSETS/HOST/PATH for https://HOST/PATH)",
    )
    build.set_defaults(handler=cmd_css_build)


def cmd_css_build(args: argparse.Namespace) -> int:
    from vab_gym.core.tasks import write_jsonl
    from vab_gym.envs.css import tasks as css_tasks

    if args.generate:
        root = Path(args.site_dir or Path(args.out).with_suffix("")).resolve()
        seeds = range(
            css_tasks.TRAIN_SITE_SEED_BASE + args.seed * 100_000,
            css_tasks.TRAIN_SITE_SEED_BASE + args.seed * 100_000 + args.generate,
        )
        sites = css_tasks.generate_sites(seeds, root)
    elif args.sites:
        root = Path(args.sites).resolve()
        sites = [(p.name, p) for p in sorted(root.iterdir()) if (p / "index.html").is_file()]
    else:
        raise UsageError("give --sites DIR or --generate N")
    sites = [(str(folder.resolve()), folder) for _, folder in sites]
    assets = Path(args.assets).resolve() if args.assets else None
    if assets is not None and not assets.is_dir():
        console.print(f"[red]--assets {escape(args.assets)} is not a folder[/]")
        return 2
    report = css_tasks.build_tasks(
        sites,
        split=args.split,
        per_site=args.per_site,
        total=args.count,
        seed=args.seed,
        css_file=args.css_file,
        media=args.media,
        assets=assets,
    )
    write_jsonl(report.tasks, args.out)
    report_path = Path(args.out).with_suffix(".report.json")
    report_path.write_text(json.dumps(report.to_dict(), indent=2))
    console.print(build_table(report))
    console.print(f"{len(report.tasks)} tasks -> {args.out}; report -> {report_path}")
    return 0


def build_table(report: Any) -> Table:
    """One row per site of a css-build report: what was asked, kept and rejected, and why."""
    table = Table(
        "site", "asked", "kept", "too close", "unsolvable", "blocked", "reasons", title="css-build"
    )
    for site in report.sites:
        table.add_row(
            escape(Path(site.name).name or site.name),
            str(site.asked),
            str(site.kept),
            str(site.rejected_close),
            str(site.rejected_unsolvable),
            str(len(site.blocked)),
            escape("; ".join(site.reasons)),
        )
    return table
