"""VAB-OmniGibson speed on this machine.

    python benchmarks/bench_omnigibson.py [--tasks 30] [--out benchmarks/results/omnigibson.json]

Reports medians over VAB test tasks: reset (house sampling + goal grounding + first render),
and a step of the program solver's action mix (action + judge + render + Set-of-Marks) at
640x360 (VAB-OmniGibson's target) and 1280x720 (VAB's size); and the house sampler alone.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from common import machine, summary, timed

from vab_gym.agents import make_solver
from vab_gym.envs.omnigibson.env import OmniGibsonEnv
from vab_gym.envs.omnigibson.house import build_house
from vab_gym.envs.omnigibson.judge import conditions
from vab_gym.envs.omnigibson.tasks import problem_text


def bench_env(size: tuple[int, int], tasks: int) -> dict:
    env = OmniGibsonEnv(image_size=size)
    ids = env.tasks.ids[:: max(1, len(env.tasks) // tasks)][:tasks]
    solver = make_solver(env)
    resets, steps = [], []
    for task_id in ids:
        seconds, (obs, info) = timed(lambda t=task_id: env.reset(options={"task_id": t}))
        resets.append(seconds)
        solver.reset(env, obs, info)
        for _ in range(40):
            action = solver.act(obs, info)
            seconds, out = timed(lambda a=action: env.step(a))
            steps.append(seconds)
            obs, _, terminated, truncated, info = out
            if terminated or truncated:
                break
    env.close()
    return {"reset": summary(resets), "step": summary(steps), "tasks": len(ids)}


def bench_houses(tasks: int) -> dict:
    env = OmniGibsonEnv(image_size=(36, 64))
    builds = []
    for task in list(env.tasks)[:tasks]:
        conds = conditions(task.setup["activity"], problem_text(task.setup))
        seconds, _ = timed(lambda c=conds, s=task.setup: build_house(c, s["scene"], s["seed"]))
        builds.append(seconds)
    env.close()
    return {"build_house": summary(builds)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=30)
    parser.add_argument("--out", default="benchmarks/results/omnigibson.json")
    args = parser.parse_args()
    results = {
        "machine": machine(),
        "640x360": bench_env((360, 640), args.tasks),
        "1280x720": bench_env((720, 1280), max(5, args.tasks // 3)),
        **bench_houses(args.tasks * 2),
    }
    results["targets"] = {
        "reset_<=_1000ms": results["640x360"]["reset"]["median_ms"] <= 1000,
        "step_640x360_<=_100ms": results["640x360"]["step"]["median_ms"] <= 100,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
