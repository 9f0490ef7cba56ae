"""VAB-CSS memory per env with 1, 2 and 4 envs in one process (shared Chromium or one each),
and where an ``edit_rule`` step's time goes.

    python benchmarks/bench_css_memory.py [--tasks 8] [--out benchmarks/results/css_memory.json]

Memory: each configuration runs in a fresh Python process, which makes its envs, resets each
on a task and plays that task's repair; then the PSS (shared pages counted once) of the
Python process, Playwright's driver and every Chromium process is summed and divided by the
number of envs. Time: one env plays the repair of ``--tasks`` tasks; each ``edit_rule`` step
is timed whole, and its parts again one by one on the same page (the new stylesheet's text,
setting it through DevTools, the screenshot, fitting it into the observation).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import machine, pss_mib, summary, timed

COUNTS = (1, 2, 4)
MODES = ("shared", "own")


def child(mode: str, count: int) -> None:
    """Print this process's memory with ``count`` envs open (run by :func:`main`)."""
    import vab_gym  # noqa: F401
    from vab_gym.envs.css.corruptions import repair_actions
    from vab_gym.envs.css.env import CssEnv

    envs = [CssEnv(browser=mode) for _ in range(count)]
    for i, env in enumerate(envs):
        env.reset(options={"task_id": env.tasks.ids[i]})
        for action in repair_actions(env.task.setup["corruption"]):
            env.step(action)
    python_mib, chromium_mib = pss_mib(os.getpid())
    for env in envs:
        env.close()
    print(
        json.dumps(
            {
                "python_mib": round(python_mib, 1),
                "chromium_and_driver_mib": round(chromium_mib, 1),
                "per_env_mib": round((python_mib + chromium_mib) / count, 1),
            }
        )
    )


def memory() -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for mode in MODES:
        for count in COUNTS:
            if mode == "own" and count == 1:
                out.setdefault(mode, {})[str(count)] = out["shared"]["1"]  # the same setup
                continue
            done = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(count)],
                capture_output=True,
                text=True,
                check=True,
            )
            out.setdefault(mode, {})[str(count)] = json.loads(done.stdout.splitlines()[-1])
    return out


def edit_rule_profile(tasks: int) -> dict[str, dict]:
    import gymnasium as gym

    import vab_gym  # noqa: F401
    from vab_gym.core.images import fit
    from vab_gym.envs.css.corruptions import repair_actions

    env = gym.make("VAB-CSS-v0").unwrapped
    renderer, height_width = env._renderer, env.image_size
    parts: dict[str, list[float]] = {
        k: [] for k in ("step", "stylesheet_text", "set_css", "screenshot_fitted", "fit_and_decode")
    }
    try:
        for task_id in env.tasks.ids[:tasks]:
            env.reset(options={"task_id": task_id})
            edits = [
                a for a in repair_actions(env.task.setup["corruption"]) if a.startswith("edit_rule")
            ]
            for action in edits:
                seconds, _ = timed(lambda action=action: env.step(action))
                parts["step"].append(seconds)
                seconds, css = timed(env._sheet.css)
                parts["stylesheet_text"].append(seconds)
                seconds, _ = timed(lambda css=css: renderer.set_css(css))
                parts["set_css"].append(seconds)
                seconds, shot = timed(
                    lambda: renderer._call(lambda p: renderer._capture(p, height_width))
                )
                parts["screenshot_fitted"].append(seconds)
                seconds, _ = timed(lambda shot=shot: fit(shot.array(), height_width))
                parts["fit_and_decode"].append(seconds)
    finally:
        env.close()
    return {k: summary(v) for k, v in parts.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--out", default="benchmarks/results/css_memory.json")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    started = time.time()
    result = {
        "machine": machine(),
        "load": os.getloadavg(),
        "memory_per_env": memory(),
        "edit_rule": edit_rule_profile(args.tasks),
    }
    result["seconds"] = round(time.time() - started)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    at4 = result["memory_per_env"]["shared"]["4"]["per_env_mib"]
    print(f"4 shared envs: {at4} MiB per env, target 400 MiB")
    step = result["edit_rule"]["step"]["median_ms"]
    print(f"edit_rule step: median {step} ms, target 80 ms")


if __name__ == "__main__":
    main()
