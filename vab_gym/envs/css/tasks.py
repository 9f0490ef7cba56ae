"""Building VAB-CSS tasks from static sites: corrupt, measure, keep the visible ones.

For each site (a folder with ``index.html`` and a local stylesheet) the builder grounds the
prototypes of ``corruptions.yaml`` in the stylesheet's real rules, renders each corruption,
and keeps it only if its distance to the untouched page is at least 0.2 (VAB's filter).
Kept tasks are then played by the program solver through the env; a task it cannot
solve is dropped and reported, so every shipped task is known to be solvable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from rich.progress import track

from vab_gym.core.browser import ChromiumProcess
from vab_gym.core.tasks import Task, TaskSet
from vab_gym.envs.css import corruptions, judge
from vab_gym.envs.css.pagegen import write_site
from vab_gym.envs.css.renderer import SiteRenderer
from vab_gym.envs.css.stylesheet import Stylesheet

ENV_ID = "VAB-CSS-v0"
TEST_SITE_SEEDS = range(0, 1000)  # generated pages of the test split; train uses others
TRAIN_SITE_SEED_BASE = 1_000_000
MIN_AREA = 0.01  # rules styling less of the page than this rarely pass the filter


@dataclass
class BuildReport:
    tasks: list[Task] = field(default_factory=list)
    rejected_close: int = 0  # corruptions under the distance filter
    unsolved: list[str] = field(default_factory=list)  # dropped: the solver failed


def generate_sites(seeds: Iterable[int], root: Path) -> list[tuple[str, Path]]:
    """Write generated pages ``gen-<seed>`` under ``root``; return (name, folder) pairs."""
    return [(f"gen-{s:07d}", write_site(s, root / f"gen-{s:07d}")) for s in seeds]


def build_tasks(
    sites: Sequence[tuple[str, Path]],
    *,
    split: str,
    per_site: int = 3,
    total: int | None = None,
    seed: int = 0,
    css_file: str = "style.css",
    id_prefix: str = "css",
    verify: bool = True,
    attempts_per_task: int = 8,
) -> BuildReport:
    """Tasks from ``sites`` (name written into each task's setup, folder to read)."""
    rng = np.random.default_rng(seed)
    report = BuildReport()
    chromium = ChromiumProcess.shared()
    renderer = SiteRenderer(chromium)
    try:
        for name, folder in track(sites, description=f"corrupting {len(sites)} sites"):
            if total is not None and len(report.tasks) >= total:
                break
            report.tasks += _site_tasks(name, folder, css_file, renderer, rng, per_site,
                                        attempts_per_task, split, report)
    finally:
        renderer.close()
        chromium.close()
    if total is not None:
        report.tasks = report.tasks[:total]
    if verify:
        report.tasks, report.unsolved = _solvable(report.tasks)
    report.tasks = [replace(t, id=f"{id_prefix}-{split}-{i:04d}")
                    for i, t in enumerate(report.tasks)]
    return report


def _site_tasks(name, folder, css_file, renderer, rng, per_site, attempts, split, report):
    sheet = Stylesheet.parse((folder / css_file).read_text("utf-8"))
    renderer.open(folder, css_file, sheet.css())
    target = judge.quantize(judge.page_gray(renderer))
    # Corruptions of rules that cover much of the page are the ones that can change it
    # enough; weight candidates by the area their selector's elements cover.
    area = dict(zip((r.selector for r in sheet.rules),
                    renderer.areas([r.selector for r in sheet.rules]), strict=True))
    by_prototype: dict[str, list] = {}
    for proto, record in corruptions.candidates(sheet, rng):
        if area.get(record["selector"], 0.0) >= MIN_AREA:
            by_prototype.setdefault(proto.prototype.id, []).append((proto, record))
    kept: list[Task] = []
    for _ in range(per_site * attempts):
        if len(kept) >= per_site or not by_prototype:
            break
        ids = sorted(by_prototype)
        weights = np.array([by_prototype[i][0][0].weight for i in ids])
        pool = by_prototype[ids[int(rng.choice(len(ids), p=weights / weights.sum()))]]
        sizes = np.array([area[record["selector"]] for _, record in pool])
        proto, record = pool.pop(int(rng.choice(len(pool), p=sizes / sizes.sum())))
        if not pool:
            del by_prototype[proto.prototype.id]
        renderer.set_css(corruptions.apply(sheet, record).css())
        distance = judge.distance(target, judge.page_gray(renderer))
        if distance < judge.MIN_TASK_DISTANCE:
            report.rejected_close += 1
            continue
        kept.append(proto.prototype.instantiate(
            corruptions.describe(proto, record),
            task_id=f"{name}-{len(kept)}",
            env=ENV_ID,
            split=split,
            setup={"site": str(name), "css_file": css_file, "corruption": record},
            metadata={"initial_distance": round(distance, 4), "source": str(name)},
        ))
    return kept


def _solvable(tasks: list[Task]) -> tuple[list[Task], list[str]]:
    """Play the program solver on every task; split into solved tasks and failures."""
    from vab_gym.agents.base import make_solver, run_episode
    from vab_gym.envs.css.env import CssEnv

    env = CssEnv(tasks=TaskSet(tasks), image_size=(64, 64))
    solver = make_solver(env)
    solved, failed = [], []
    try:
        for task in track(tasks, description="verifying with the solver"):
            result = run_episode(env, solver, task_id=task.id)
            if result.success:
                solved.append(task)
            else:
                failed.append(f"{task.id}: {result.judge.get('reason')}")
    finally:
        env.close()
    return solved, failed
