"""Rebuild VAB-CSS's shipped test split (maintainers): 165 tasks on generated pages.

    python scripts/make_css_test_split.py

Deterministic for a given Faker version and Chromium build: pages come from
``pagegen`` seeds 0, 1, 2, ...; corruptions from a fixed seed. Writes the pages to
``vab_gym/envs/css/data/sites/`` and the tasks to ``vab_gym/envs/css/data/test.jsonl``.
"""

from __future__ import annotations

import shutil

from rich import print

from vab_gym.core.tasks import write_jsonl
from vab_gym.envs.css import tasks
from vab_gym.envs.css.env import sites_root

COUNT = 165  # VAB-CSS's test set size
SITES = 75  # enough pages to find COUNT tasks at 3 per page


def main() -> None:
    root = sites_root()
    shutil.rmtree(root, ignore_errors=True)
    sites = tasks.generate_sites(range(SITES), root)
    report = tasks.build_tasks(sites, split="test", per_site=3, total=COUNT, seed=0)
    used = {t.setup["site"] for t in report.tasks}
    for name, folder in sites:
        if name not in used:
            shutil.rmtree(folder)
    write_jsonl(report.tasks, root.parent / "test.jsonl")
    print(f"{len(report.tasks)} tasks on {len(used)} pages; {report.rejected_close} "
          f"corruptions under the distance filter; unsolved: {report.unsolved or 'none'}")


if __name__ == "__main__":
    main()
