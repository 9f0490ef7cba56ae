"""`vab-gym bench`'s own cost: the runner's overhead per step, and 1 vs 2 workers.

    python benchmarks/bench_runner.py [--tasks 4] [--envs ID,...] [--out FILE]

1. Overhead per step, agent and env excluded: a bench Worker (the code every engine runs)
   plays the program solver on each env and its results rows split each job's time
   (``row["time"]``): ``runner`` is what the runner adds on the episode's thread (the
   step loop's bookkeeping, handing images to the store's thread, the results row and the
   episode record); ``images`` is the hashing and PNG encoding on the store's thread, and
   ``images_waited`` what of it was still left when the episode ended. Beside them, the
   driver's side: writing the episode, its PNGs and the results line.
2. Throughput: the same jobs through ``run_bench`` with 1 and with 2 local workers
   (episodes per minute, worker start-up included).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from common import machine, summary
from rich.console import Console

import vab_gym
from vab_gym.bench import AgentSpec, BenchOptions, EpisodeStore, Worker, WorkerConfig
from vab_gym.bench.runner import ResultsLog, plan_jobs, run_bench


def overhead(env_id: str, tasks: int) -> dict:
    worker = Worker(WorkerConfig(agent=AgentSpec("solver")))
    jobs = plan_jobs([env_id], "test", tasks, None, 0)
    worker.run(jobs[0])  # the env's start-up (browser, numba) is no runner cost
    runner, images, waited, driver, steps = [], [], [], [], 0
    with tempfile.TemporaryDirectory() as folder:
        store, log = EpisodeStore(folder), ResultsLog(Path(folder) / "results.jsonl")
        for job in jobs:
            row, episode, blobs = worker.run(job)
            if row["error"]:
                continue
            n = max(1, row["steps"])
            runner.append(row["time"]["runner"] / n)
            images.append(row["time"]["images"] / n)
            waited.append(row["time"]["images_waited"] / n)
            start = time.perf_counter()
            row["episode"] = store.write(episode, blobs)
            log.append(row)
            driver.append((time.perf_counter() - start) / n)
            steps += n
        log.close()
    worker.close()
    return {
        "runner_ms_per_step": summary(runner),
        "images_ms_per_step": summary(images),
        "images_waited_ms_per_step": summary(waited),
        "driver_ms_per_step": summary(driver),
        "steps": steps,
        "jobs": len(runner),
    }


def throughput(env_id: str, tasks: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        options = BenchOptions(
            agent=AgentSpec("solver"),
            out=Path(folder) / "run",
            envs=env_id,
            tasks=tasks,
            workers=workers,
        )
        start = time.perf_counter()
        result = run_bench(options, Console(file=open(os.devnull, "w")))  # noqa: SIM115
        seconds = time.perf_counter() - start
    env = result["envs"][env_id]
    return {
        "workers": workers,
        "jobs": env["tasks"],
        "successes": env["successes"],
        "seconds": round(seconds, 1),
        "episodes_per_minute": round(60 * env["tasks"] / seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--envs", default=",".join(vab_gym.ENVIRONMENTS))
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--out", default="benchmarks/results/runner.json")
    args = parser.parse_args()
    report: dict = {"machine": {**machine(), "load_average_at_start": os.getloadavg()}, "envs": {}}
    for env_id in args.envs.split(","):
        entry = {"overhead": overhead(env_id, args.tasks)}
        if not args.skip_throughput:
            entry["throughput"] = [throughput(env_id, args.tasks, k) for k in (1, 2)]
        report["envs"][env_id] = entry
        print(env_id, json.dumps(entry), flush=True)
    report["machine"]["load_average_at_end"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
