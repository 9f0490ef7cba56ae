"""VAB-Mobile speed and memory on the embedded phone.

    python benchmarks/bench_mobile.py [--episodes 6] [--out benchmarks/results/mobile.json]

Reset (database restore + history reset + the app's start screen + first observation) and
steps (action + settle + screenshot + element tree + labels) over a mix of taps, typing,
Back and swipes in Clock, and the memory of one env (Python + Chromium + Playwright's
driver, PSS). Issue 11's targets: step median <= 150 ms, reset <= 800 ms, one env <= 600
MiB. For scale: AndroidEnv reports about 3 steps/s per Android emulator.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from common import browser_env_report, machine, pss_mib, timed

from vab_gym.envs.mobile.env import MobileEnv


def number_of(env: MobileEnv, text: str) -> int:
    return next(i for i, e in enumerate(env.elements, 1) if text in (e.text, e.desc))


def bench_env(episodes: int) -> dict:
    env = MobileEnv()
    resets, steps = [], []
    base_mib, _ = pss_mib(os.getpid())
    env.reset(options={"task_id": "clock_1"})  # warm-up: the browser and server start
    for _ in range(episodes):
        seconds, _ = timed(lambda: env.reset(options={"task_id": "clock_1"}))
        resets.append(seconds)
        for action in (
            lambda: f"tap({number_of(env, 'Add alarm')})",
            lambda: f"tap({number_of(env, 'Hour')})",
            lambda: 'text("7")',
            lambda: "back()",
            lambda: f"tap({number_of(env, 'Clock')})",
            lambda: f"tap({number_of(env, 'Alarm')})",
            lambda: "swipe(1, 'up', 'medium')",
            lambda: "wait(1)",
        ):
            text = action()
            seconds, _ = timed(lambda t=text: env.step(t))
            steps.append(seconds)
    report = browser_env_report(resets, steps, base_mib)
    env.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=6)
    parser.add_argument("--out", default="benchmarks/results/mobile.json")
    args = parser.parse_args()
    results = {"machine": machine(), "vab_gym": bench_env(args.episodes)}
    env = results["vab_gym"]
    results["targets"] = {
        "step_<=_150ms": env["step"]["median_ms"] <= 150,
        "reset_<=_800ms": env["reset"]["median_ms"] <= 800,
        "memory_<=_600MiB": env["memory_mib"]["total"] <= 600,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
