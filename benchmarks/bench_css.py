"""VAB-CSS latency and memory on this machine: reset, steps by action, the judge, RSS.

    python benchmarks/bench_css.py [--tasks 20] [--out benchmarks/results/css.json]

Reports medians and p95 in milliseconds, and the peak memory of one env (the Python
process's growth plus its Chromium processes, as PSS so shared pages are not counted twice).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import gymnasium as gym
from common import machine, pss_mib, summary, timed

import vab_gym  # noqa: F401
from vab_gym.envs.css.corruptions import repair_actions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--out", default="benchmarks/results/css.json")
    args = parser.parse_args()

    base, _ = pss_mib(os.getpid())
    env = gym.make("VAB-CSS-v0")
    task_ids = env.unwrapped.tasks.ids[: args.tasks]
    times: dict[str, list[float]] = {
        k: []
        for k in (
            "reset_first",
            "reset_again",
            "select_rule",
            "edit_rule",
            "insert_rule",
            "done_judge",
        )
    }
    peak = peak_python = peak_chromium = 0.0
    for task_id in task_ids:
        for kind in ("reset_first", "reset_again"):
            seconds, _ = timed(lambda task_id=task_id: env.reset(options={"task_id": task_id}))
            times[kind].append(seconds)
        for action in repair_actions(env.unwrapped.task.setup["corruption"]):
            kind = action.split("(")[0]
            kind = "done_judge" if kind == "done" else kind
            seconds, _ = timed(lambda action=action: env.step(action))
            times[kind].append(seconds)
        python_mib, chromium_mib = pss_mib(os.getpid())
        if python_mib - base + chromium_mib > peak:
            peak = python_mib - base + chromium_mib
            peak_python, peak_chromium = python_mib - base, chromium_mib
    env.close()

    result = {
        "machine": machine(),
        "image_size": "1024x768 (default)",
        "latency": {k: summary(v) for k, v in times.items() if v},
        "peak_env_mib": round(peak, 1),
        "of_which_python_mib": round(peak_python, 1),
        "of_which_chromium_mib": round(peak_chromium, 1),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    targets = {"edit_rule": 80, "reset_again": 400, "reset_first": 400}
    for key, limit in targets.items():
        median = result["latency"][key]["median_ms"]
        print(f"{key}: median {median} ms, target {limit} ms, ratio {median / limit:.2f}")
    print(f"one env: {result['peak_env_mib']} MiB, target 500 MiB")


if __name__ == "__main__":
    main()
