"""`vab-gym collect`'s throughput: kept episodes per minute per env for the solver and
recovery strategies (2 local workers), and the projected time for VAB's training-set size.

    python benchmarks/bench_collect.py [--count 4] [--envs ID,...] [--workers 2]
        [--mistakes ENV=module:function ...] [--out FILE]

Each (env, strategy) is one ``run_collect`` of ``--count`` train tasks into a fresh store,
model views recorded as collect always does. Two rates come from it:

- ``wall``: kept episodes per minute of the run's wall time, worker start-up (Chromium,
  the phone, the simulator) included: with a few tasks that start-up dominates.
- ``steady``: kept episodes per minute of episode time with ``workers`` episodes at a time
  (the sum of the episodes' own seconds over the workers), each reset counted at the
  median reset's time: a worker's first reset also starts its env (Chromium, the phone),
  a cost a long collect pays once per worker. Rejected episodes' time is included.

The projection plays VAB's per-env training counts (OmniGibson 872, Minecraft 382, Mobile
1,213, WebArena-Lite 1,186, CSS 829), four fifths ``solver`` and one fifth ``recovery``,
at the steady rates, one env after another on the same workers. An env without a mistake
model (the env class's ``mistakes``; ``--mistakes`` names one) has no recovery rate: its
solver rate stands in, and the result says so.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from common import machine
from rich.console import Console

import vab_gym
from vab_gym.bench import BenchError
from vab_gym.bench.runner import read_results
from vab_gym.trajectories.collect import CollectOptions, run_collect

VAB_TRAIN = {
    "VAB-OmniGibson-v0": 872,
    "VAB-Minecraft-v0": 382,
    "VAB-Mobile-v0": 1213,
    "VAB-WebArena-Lite-v0": 1186,
    "VAB-CSS-v0": 829,
}
QUIET = Console(file=open(os.devnull, "w"))  # noqa: SIM115


def measure(env_id: str, strategy: str, count: int, workers: int, mistakes: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder)
        start = time.monotonic()
        try:
            run_collect(
                CollectOptions(
                    strategy, store, count=count, envs=env_id, workers=workers, mistakes=mistakes
                ),
                QUIET,
            )
        except BenchError as exc:
            return {"skipped": str(exc)}
        wall = time.monotonic() - start
        rows = read_results(store / "collect" / f"{strategy}.jsonl")
    kept = sum(r["kept_as"] == "success" for r in rows)
    resets = sorted(r.get("time", {}).get("reset", 0.0) for r in rows)
    median_reset = resets[len(resets) // 2] if resets else 0.0
    episode_seconds = sum(
        r["seconds"] - r.get("time", {}).get("reset", 0.0) + median_reset for r in rows
    )
    steps = sorted(r["steps"] for r in rows)
    return {
        "episodes": len(rows),
        "kept": kept,
        "rejected": {
            reason: sum(r["rejected"] == reason for r in rows)
            for reason in ("judge", "no_mistake", "error")
        },
        "median_episode_seconds": sorted(r["seconds"] for r in rows)[len(rows) // 2],
        "median_steps": steps[len(steps) // 2],
        "median_reset_seconds": median_reset,
        "max_reset_seconds": resets[-1] if resets else None,
        "wall_seconds": round(wall, 1),
        "wall_kept_per_minute": round(60 * kept / wall, 2),
        "steady_kept_per_minute": round(60 * kept * workers / episode_seconds, 2)
        if episode_seconds
        else None,
    }


def project(results: dict) -> dict:
    """Minutes for VAB's counts at the steady rates (a fifth of them recovery)."""
    envs, total, notes = {}, 0.0, []
    for env_id, count in VAB_TRAIN.items():
        entry = results.get(env_id)
        if not entry or not entry["solver"].get("steady_kept_per_minute"):
            notes.append(f"{env_id}: not measured")
            continue
        solver = entry["solver"]["steady_kept_per_minute"]
        recovery = entry.get("recovery", {}).get("steady_kept_per_minute")
        if not recovery:
            notes.append(
                f"{env_id}: no recovery rate (no mistake model, or none kept); "
                "the solver rate stands in"
            )
            recovery = solver
        recovered = round(count / 5)
        minutes = (count - recovered) / solver + recovered / recovery
        envs[env_id] = {"episodes": count, "recovery": recovered, "minutes": round(minutes, 1)}
        total += minutes
    return {"envs": envs, "total_minutes": round(total, 1), "goal_minutes": 60, "notes": notes}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--envs", default=",".join(vab_gym.ENVIRONMENTS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--strategies", default="solver,recovery")
    parser.add_argument("--mistakes", action="append", default=[], metavar="ENV=MODULE:FN")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "collect.json"))
    args = parser.parse_args()
    mistakes = dict(pair.split("=", 1) for pair in args.mistakes)
    report: dict = {
        "machine": {**machine(), "load_average_at_start": os.getloadavg()},
        "count": args.count,
        "workers": args.workers,
        "mistakes": mistakes,
        "envs": {},
    }
    for env_id in args.envs.split(","):
        report["envs"][env_id] = {}
        for strategy in args.strategies.split(","):
            report["envs"][env_id][strategy] = measure(
                env_id, strategy, args.count, args.workers, mistakes
            )
            print(env_id, strategy, report["envs"][env_id][strategy], flush=True)
    report["machine"]["load_average_at_end"] = os.getloadavg()
    report["projection"] = project(report["envs"])
    print(json.dumps(report["projection"], indent=2))
    Path(args.out).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
