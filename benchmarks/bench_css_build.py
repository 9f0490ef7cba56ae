"""``css-build`` on framework-sized sites: seconds to build 3 verified tasks per site.

    python benchmarks/bench_css_build.py [--runs 3] [--out benchmarks/results/css_build.json]

The stylesheets are fetched from npm when the script runs (``npm pack bootstrap@5`` and
``npm pack admin-lte@3``, unpacked into ``--cache``, default ``~/.cache/vab-gym/bench-css``;
nothing is fetched when the cache has them). Sites: the Bootstrap 5 page of
``tests/data/css-frameworks/bootstrap`` under npm's ``bootstrap.min.css`` (~230 KB, the
issue's "240 KB site"), and AdminLTE 3's ``starter.html`` under its ``adminlte.min.css``
(1.4 MB; its CDN fonts are blocked and its plugin CSS is not in the npm package).
Each run builds one site from scratch (a new Chromium, the solver's verification
included); the figure is the median over runs, with the machine and its load average,
since other processes share the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import numpy as np
from common import machine

from vab_gym.envs.css.tasks import build_tasks

REPO = Path(__file__).resolve().parents[1]
PACKAGES = {"bootstrap": "bootstrap@5", "adminlte": "admin-lte@3"}


def fetch(cache: Path, name: str) -> Path:
    """The unpacked npm package ``name`` under ``cache`` (npm pack on first use)."""
    folder = cache / name
    if not folder.is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(
            ["npm", "pack", PACKAGES[name], "--silent"],
            cwd=cache,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        with tarfile.open(cache / out) as tar:
            tar.extractall(cache / f"{name}-tmp", filter="data")
        (cache / f"{name}-tmp" / "package").rename(folder)
        shutil.rmtree(cache / f"{name}-tmp")
    return folder


def sites(cache: Path) -> dict[str, tuple[Path, str]]:
    """Site folders (index.html + stylesheet) and the stylesheet's path in each."""
    root = cache / "sites"
    made = {}
    bootstrap = root / "bootstrap"
    (bootstrap / "css").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "tests/data/css-frameworks/bootstrap/index.html", bootstrap)
    shutil.copy(fetch(cache, "bootstrap") / "dist/css/bootstrap.min.css", bootstrap / "css")
    made["bootstrap-5"] = (bootstrap, "css/bootstrap.min.css")
    lte = fetch(cache, "adminlte")
    admin = root / "adminlte"
    (admin / "dist/css").mkdir(parents=True, exist_ok=True)
    shutil.copy(lte / "starter.html", admin / "index.html")
    shutil.copy(lte / "dist/css/adminlte.min.css", admin / "dist/css")
    made["adminlte-3"] = (admin, "dist/css/adminlte.min.css")
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-site", type=int, default=3)
    parser.add_argument("--site", action="append", choices=["bootstrap-5", "adminlte-3"])
    parser.add_argument("--cache", default=str(Path.home() / ".cache/vab-gym/bench-css"))
    parser.add_argument("--out", default="benchmarks/results/css_build.json")
    args = parser.parse_args()

    results = {}
    for name, (folder, css_file) in sites(Path(args.cache)).items():
        if args.site and name not in args.site:
            continue
        seconds, rows, loads = [], [], []
        for run in range(args.runs):
            start = time.perf_counter()
            report = build_tasks(
                [(str(folder.resolve()), folder)],
                split="train",
                per_site=args.per_site,
                seed=run,
                css_file=css_file,
                progress=False,
            )
            seconds.append(time.perf_counter() - start)
            rows.append(
                {**report.sites[0].to_dict(), "verify_seconds": round(report.verify_seconds, 1)}
            )
            loads.append(round(os.getloadavg()[0], 1))
            print(f"{name} run {run}: {seconds[-1]:.1f} s, {rows[-1]}", flush=True)
        results[name] = {
            "stylesheet_kb": round((folder / css_file).stat().st_size / 1024),
            "median_s": round(float(np.median(seconds)), 1),
            "runs_s": [round(s, 1) for s in seconds],
            "load_average_1min": loads,
            "rows": rows,
        }
    out = {"machine": machine(), "per_site": args.per_site, "sites": results}
    Path(args.out).write_text(json.dumps(out, indent=2))
    print(json.dumps({k: (v["stylesheet_kb"], v["median_s"]) for k, v in results.items()}))


if __name__ == "__main__":
    main()
