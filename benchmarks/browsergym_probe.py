"""BrowserGym on a page of the local shop: reset, step (action + its observation), memory.

Run with a Python that has ``browsergym-core`` (it pins its own Playwright):
    python benchmarks/browsergym_probe.py URL [--steps 30]
Prints one JSON object. ``bench_webarena.py`` starts the shop and runs this in a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
from browsergym.core.env import BrowserEnv
from browsergym.core.task import OpenEndedTask
from common import pss_mib
from playwright.sync_api import BrowserType


def use_chromium(path: str) -> None:
    """BrowserGym also launches a second browser (its chat window) without passing our
    kwargs; make every launch default to the given Chromium."""
    launch = BrowserType.launch

    def launch_with(self, *args, **kwargs):
        kwargs.setdefault("executable_path", path)
        return launch(self, *args, **kwargs)

    BrowserType.launch = launch_with


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--chromium", default=os.environ.get("VAB_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    use_chromium(args.chromium)
    # pre_observation_delay=0: BrowserGym's default sleeps 0.5 s before each observation
    env = BrowserEnv(
        task_entrypoint=OpenEndedTask,
        task_kwargs={"start_url": args.url},
        headless=True,
        viewport={"width": 1280, "height": 720},
        pre_observation_delay=0.0,
    )
    resets, steps = [], []
    for _ in range(3):
        start = time.perf_counter()
        env.reset()
        resets.append(time.perf_counter() - start)
    actions = ["scroll(0, 720)", "scroll(0, -720)", "noop()"]
    for i in range(args.steps):
        start = time.perf_counter()
        env.step(actions[i % len(actions)])
        steps.append(time.perf_counter() - start)
    own, children = pss_mib(os.getpid())
    memory = own + children
    env.close()
    print(
        json.dumps(
            {
                "reset_median_ms": round(1000 * float(np.median(resets)), 1),
                "step_median_ms": round(1000 * float(np.median(steps)), 1),
                "step_p95_ms": round(1000 * float(np.percentile(steps, 95)), 1),
                "memory_pss_mib": round(memory, 1),
                "steps": len(steps),
            }
        )
    )


if __name__ == "__main__":
    main()
