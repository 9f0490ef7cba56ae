"""Rebuild a shipped VAB-CSS split (maintainers): tasks on generated pages.

    python scripts/make_css_split.py test    # 165 tasks (VAB's count), pages from seeds 0, 1, ...
    python scripts/make_css_split.py train   # 330 tasks, pages from seeds 1_000_000, ...

Deterministic for a given Faker version and Chromium build. Writes the split's pages to
``vab_gym/envs/css/data/sites/`` (replacing only that split's pages) and its tasks to
``vab_gym/envs/css/data/<split>.jsonl``. More train tasks: ``vab-gym css-build``.
"""

from __future__ import annotations

import shutil
import sys

from rich import print

from vab_gym.core.tasks import write_jsonl
from vab_gym.envs.css import tasks
from vab_gym.envs.css.env import sites_root

# split -> (task count, first page seed, pages to try, corruption seed)
SPLITS = {
    "test": (165, 0, 75, 0),
    "train": (330, tasks.TRAIN_SITE_SEED_BASE, 150, 1),
}


def main(split: str) -> None:
    count, first_seed, pages, seed = SPLITS[split]
    root = sites_root()
    seeds = range(first_seed, first_seed + pages)
    for name in (f"gen-{s:07d}" for s in seeds):
        shutil.rmtree(root / name, ignore_errors=True)
    sites = tasks.generate_sites(seeds, root)
    report = tasks.build_tasks(sites, split=split, per_site=3, total=count, seed=seed)
    used = {t.setup["site"] for t in report.tasks}
    for name, folder in sites:
        if name not in used:
            shutil.rmtree(folder)
    write_jsonl(report.tasks, root.parent / f"{split}.jsonl")
    print(
        f"{split}: {len(report.tasks)} tasks on {len(used)} pages; {report.rejected_close} "
        f"corruptions under the distance filter; unsolved: {report.unsolved or 'none'}"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "test")
