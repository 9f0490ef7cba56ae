"""VAB-WebArena-Lite speed and memory on the local shop, with BrowserGym in the same run.

    python benchmarks/bench_webarena.py [--browsergym-python /path/to/python] [--out ...]

Our env: reset (database restore + fresh context + log-in + first observation) and steps
(action + Set-of-Marks + screenshot) over a mix of scrolls, clicks, a search and going back,
and the memory of one env (Python + Chromium + Playwright's driver, PSS). BrowserGym
(``browsergym-core``, its own Playwright, run from another virtualenv because it pins one)
on the same shop page: reset, steps of scrolls and no-ops with its full observation (AXTree,
DOM snapshot, screenshot), and memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

from common import browser_env_report, machine, pss_mib, timed

from vab_gym.core.tasks import Task, TaskSet
from vab_gym.envs.webarena.env import WebArenaEnv
from vab_gym.envs.webarena.shop.server import ShopServer

TASK = Task(
    "bench",
    "VAB-WebArena-Lite-v0",
    "test",
    "browse",
    {"sites": ["shopping"], "start_url": "__SHOPPING__", "require_login": True},
    {"eval_types": ["string_match"], "reference_answers": {"exact_match": "x"}},
)


def bench_env(episodes: int) -> dict:
    env = WebArenaEnv(tasks=TaskSet([TASK]))
    resets, steps = [], []
    base_mib, _ = pss_mib(os.getpid())
    for _ in range(episodes):
        seconds, _ = timed(lambda: env.reset(options={"task_id": "bench"}))
        resets.append(seconds)
        for action in (
            "scroll [down]",
            "scroll [up]",
            "click [7]",
            "go_back",
            "type [4] [coffee] [1]",
            "scroll [down]",
            "go_back",
            "hover [5]",
        ):
            seconds, _ = timed(lambda a=action: env.step(a))
            steps.append(seconds)
    report = browser_env_report(resets, steps, base_mib)
    env.close()
    return report


def bench_browsergym(python: str, url: str) -> dict:
    probe = Path(__file__).with_name("browsergym_probe.py")
    out = subprocess.run([python, str(probe), url], capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=8)
    parser.add_argument("--browsergym-python", help="a Python with browsergym-core installed")
    parser.add_argument("--out", default="benchmarks/results/webarena.json")
    args = parser.parse_args()
    results = {"machine": machine(), "vab_gym": bench_env(args.episodes)}
    if args.browsergym_python:
        shop = ShopServer.shared(0)
        url = shop.acquire()
        try:
            results["browsergym"] = bench_browsergym(args.browsergym_python, url + "/")
        finally:
            shop.release()
    results["targets"] = {
        "step_<=_200ms": results["vab_gym"]["step"]["median_ms"] <= 200,
        "reset_<=_1000ms": results["vab_gym"]["reset"]["median_ms"] <= 1000,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
