"""Building VAB-CSS tasks from static sites: corrupt, measure, keep the visible ones.

For each site (a folder with ``index.html`` and a local stylesheet) the builder grounds the
prototypes of ``corruptions.yaml`` in the stylesheet's real rules, renders each corruption,
and keeps it only if its distance to the untouched page is at least 0.2 (VAB's filter).
Kept tasks are then played by the program solver through the env; a task it cannot
solve is dropped and reported, so every shipped task is known to be solvable.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from rich.progress import track

from vab_gym.core.browser import ChromiumProcess
from vab_gym.core.tasks import Task, TaskSet
from vab_gym.envs.css import corruptions, judge
from vab_gym.envs.css.pagegen import write_site
from vab_gym.envs.css.renderer import SiteRenderer
from vab_gym.envs.css.stylesheet import Rule, Stylesheet

ENV_ID = "VAB-CSS-v0"
TEST_SITE_SEEDS = range(0, 1000)  # generated pages of the test split; train uses others
TRAIN_SITE_SEED_BASE = 1_000_000
MIN_AREA = 0.01  # rules styling less of the page than this rarely pass the filter


@dataclass
class SiteReport:
    """What the builder did with one site. Every corruption it rendered and measured is
    counted once: ``asked == kept + rejected_close + rejected_unsolvable``."""

    name: str
    asked: int = 0  # corruptions rendered and measured
    kept: int = 0
    rejected_close: int = 0  # under the distance filter
    rejected_unsolvable: int = 0  # the program solver could not repair them
    blocked: list[str] = field(default_factory=list)  # URLs outside the site, refused
    reasons: list[str] = field(default_factory=list)  # why tasks are missing, in words
    seconds: float = 0.0  # opening, grounding, corrupting and measuring (not verifying)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class BuildReport:
    tasks: list[Task] = field(default_factory=list)
    sites: list[SiteReport] = field(default_factory=list)
    verify_seconds: float = 0.0  # playing the solver on every kept task

    @property
    def rejected_close(self) -> int:
        """Corruptions under the distance filter, all sites."""
        return sum(site.rejected_close for site in self.sites)

    @property
    def unsolved(self) -> list[str]:
        """Tasks dropped because the solver failed, with its reason."""
        return [r for site in self.sites for r in site.reasons if r.startswith("unsolvable ")]

    def to_dict(self) -> dict[str, Any]:
        return {
            "tasks": len(self.tasks),
            "verify_seconds": round(self.verify_seconds, 2),
            "sites": [site.to_dict() for site in self.sites],
        }


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
    media: str = "viewport",
    assets: Path | None = None,
    progress: bool = True,
) -> BuildReport:
    """Tasks from ``sites`` (name written into each task's setup, folder to read).

    ``media`` is the env's (:class:`~vab_gym.envs.css.env.CssEnv`): with "viewport" the
    rules of the ``@media`` blocks that apply at the viewport are corrupted too. ``assets``
    is passed to the renderer, which answers requests outside a site from it.
    """
    rng = np.random.default_rng(seed)
    report = BuildReport()
    chromium = ChromiumProcess.shared()
    renderer = SiteRenderer(chromium)
    try:
        for name, folder in track(
            sites, description=f"corrupting {len(sites)} sites", disable=not progress
        ):
            row = SiteReport(str(name))
            report.sites.append(row)
            wanted = per_site if total is None else min(per_site, total - len(report.tasks))
            if wanted <= 0:
                row.reasons.append("not tried: the total was reached")
                continue
            start = time.perf_counter()
            report.tasks += _site_tasks(
                name,
                folder,
                css_file,
                renderer,
                rng,
                wanted,
                attempts_per_task,
                split,
                row,
                media,
                assets,
            )
            row.seconds = round(time.perf_counter() - start, 2)
    finally:
        renderer.close()
        chromium.close()
    if verify:
        start = time.perf_counter()
        report.tasks = _solvable(report.tasks, report.sites, media, assets, progress)
        report.verify_seconds = time.perf_counter() - start
    report.tasks = [
        replace(t, id=f"{id_prefix}-{split}-{i:04d}") for i, t in enumerate(report.tasks)
    ]
    return report


def _site_tasks(
    name,
    folder,
    css_file,
    renderer,
    rng,
    wanted,
    attempts,
    split,
    row: SiteReport,
    media: str,
    assets: Path | None,
) -> list[Task]:
    path = folder / css_file
    if not path.is_file():
        row.reasons.append(f"no stylesheet {css_file!r} in the site")
        return []
    sheet = Stylesheet.parse(path.read_text("utf-8"))
    try:
        renderer.open(folder, css_file, sheet.css(), assets=assets)
    except RuntimeError as exc:  # the page does not load the stylesheet
        row.reasons.append(str(exc))
        return []
    row.blocked = renderer.blocked
    if row.blocked:
        row.reasons.append(
            f"{len(row.blocked)} requests outside the site were blocked "
            "(give local copies with --assets)"
        )
    sheet.applicable = renderer.applying(sheet.media_queries if media == "viewport" else [])
    target_png = renderer.full_page().png
    target = judge.quantize(judge.page_gray(renderer))
    by_prototype, area = grounded_candidates(sheet, renderer, rng)
    if not by_prototype:
        row.reasons.append(f"no rule styles rendered elements covering {MIN_AREA:.0%} of the page")
        return []
    kept: list[Task] = []
    for _ in range(wanted * attempts):
        if len(kept) >= wanted or not by_prototype:
            break
        ids = sorted(by_prototype)
        weights = np.array([by_prototype[i][0][0].weight for i in ids])
        pool = by_prototype[ids[int(rng.choice(len(ids), p=weights / weights.sum()))]]
        sizes = np.array([area[id(rule)] for _, _, rule in pool])
        proto, record, _ = pool.pop(int(rng.choice(len(pool), p=sizes / sizes.sum())))
        if not pool:
            del by_prototype[proto.prototype.id]
        row.asked += 1
        renderer.set_css(corruptions.apply(sheet, record).css())
        shot = renderer.full_page()
        # An unchanged screenshot is distance 0; the SSIM (about a second on a tall page)
        # is only computed for a page that changed.
        distance = (
            0.0 if shot.png == target_png else judge.distance(target, judge.gray(shot.array()))
        )
        if distance < judge.MIN_TASK_DISTANCE:
            row.rejected_close += 1
            continue
        row.kept += 1
        kept.append(
            proto.prototype.instantiate(
                corruptions.describe(proto, record),
                task_id=f"{name}-{len(kept)}",
                env=ENV_ID,
                split=split,
                setup={"site": str(name), "css_file": css_file, "corruption": record},
                metadata={"initial_distance": round(distance, 4), "source": str(name)},
            )
        )
    if row.rejected_close:
        row.reasons.append(
            f"{row.rejected_close} corruptions changed the page by less than "
            f"the distance filter ({judge.MIN_TASK_DISTANCE})"
        )
    if len(kept) < wanted:
        row.reasons.append(
            f"kept {len(kept)} of {wanted} wanted: "
            + (
                "the grounded corruptions ran out"
                if not by_prototype
                else f"{wanted * attempts} attempts used"
            )
        )
    return kept


def grounded_candidates(sheet: Stylesheet, renderer: SiteRenderer, rng: np.random.Generator):
    """The corruptions worth rendering, by prototype, and each rule's area.

    A corruption is grounded in a rule that visibly applies: the rule is the one
    ``select_rule`` finds for its selector (the first editable rule with that text, so the
    solver can reach it), and its selector matches rendered elements covering at least
    ``MIN_AREA`` of the page. Candidates are weighted by that area: rules styling much of
    the page are the ones whose corruption changes it enough.
    """
    first: dict[str, Rule] = {}
    for rule in sheet.rules:
        first.setdefault(rule.selector, rule)
    reachable = list(first.values())
    shares = renderer.areas([r.selector for r in reachable])
    area = {id(rule): share for rule, share in zip(reachable, shares, strict=True)}
    by_prototype: dict[str, list] = {}
    for proto, record, rule in corruptions.rule_candidates(sheet, rng):
        if area.get(id(rule), 0.0) >= MIN_AREA and first.get(rule.selector) is rule:
            by_prototype.setdefault(proto.prototype.id, []).append((proto, record, rule))
    return by_prototype, area


def _solvable(
    tasks: list[Task], rows: list[SiteReport], media: str, assets: Path | None, progress: bool
) -> list[Task]:
    """Play the program solver on every task; keep the solved ones, count the others in
    their site's row."""
    from vab_gym.agents.base import make_solver, run_episode
    from vab_gym.envs.css.env import CssEnv

    by_name = {row.name: row for row in rows}
    env = CssEnv(tasks=TaskSet(tasks), image_size=(64, 64), media=media, assets=assets)
    solver = make_solver(env)
    solved = []
    try:
        for task in track(tasks, description="verifying with the solver", disable=not progress):
            result = run_episode(env, solver, task_id=task.id)
            if result.success:
                solved.append(task)
                continue
            row = by_name[task.setup["site"]]
            row.kept -= 1
            row.rejected_unsolvable += 1
            row.reasons.append(f"unsolvable {task.id}: {result.judge.get('reason')}")
    finally:
        env.close()
    return solved


FRESH_SITES = 1_500_000  # the first seed of fresh tasks' pages (shipped train: 1_000_000..)


def fresh_train_tasks(count: int, shipped: TaskSet, folder: Path) -> list[Task]:
    """``count`` train tasks beyond ``shipped``: corruptions of newly generated pages
    (:func:`build_tasks`, as ``vab-gym css-build --generate``), unverified, since the judge
    of the collection that asks for them is the filter; the pages are written to
    ``folder / "css-sites"``. (``VabEnv.fresh_tasks``.)"""
    sites_needed = math.ceil(count / 2.5) + 2
    while True:
        seeds = range(FRESH_SITES, FRESH_SITES + sites_needed)
        sites = [(str(p.resolve()), p) for _, p in generate_sites(seeds, folder / "css-sites")]
        built = build_tasks(
            sites, split="train", total=count, seed=1, id_prefix="css-fresh", verify=False
        ).tasks
        if len(built) >= count or sites_needed > 4 * count:
            return built[:count]
        sites_needed *= 2
