"""Vector-env throughput: env steps per second of Gymnasium's SyncVectorEnv and AsyncVectorEnv
(the bare envs with ``shared_memory=False``: text spaces cannot live in it) with 1, 2 and 4
copies of each env at 64x64 images, driven by random grounded actions.

    python benchmarks/bench_vector.py [--quick] [--envs VAB-Minecraft-v0 ...]
        [--out benchmarks/results/vector.json]

Two stacks per env: ``raw``, the env itself with text actions, a random one of each copy's
``valid_actions()`` per step (fetched with ``vec.call``, one more round trip per step for the
async workers, as a driver of text actions pays); and ``stack``, the standard RL stack
(``vab_gym.wrappers.rl_env``: ``GroundedActions`` + ``TextFeatures`` + only the ``Box`` keys,
what stable-baselines3 sees), a random index among the live ones of ``info["action_mask"]``.
The stack's observation is all arrays, so its ``AsyncVectorEnv`` keeps shared memory.
Episodes are ``max_steps`` long and the vector envs reset finished copies within the same
step (``AutoresetMode.SAME_STEP``), so resets are in the figures, as a trainer meets them.
Each configuration is started and warmed up untimed, then timed over ``repeats`` windows of
at least ``window`` seconds each; the figure is the median window's steps per second
(vector steps x copies / seconds).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

import gymnasium as gym
import numpy as np
from common import machine
from gymnasium.vector import AsyncVectorEnv, AutoresetMode, SyncVectorEnv

import vab_gym  # noqa: F401  (registers the envs)
from vab_gym.wrappers import rl_env

ENV_IDS = (
    "VAB-Minecraft-v0",
    "VAB-OmniGibson-v0",
    "VAB-CSS-v0",
    "VAB-Mobile-v0",
    "VAB-WebArena-Lite-v0",
)
COPIES = (1, 2, 4)
VECTORS = {"sync": SyncVectorEnv, "async": AsyncVectorEnv}
MAX_ACTIONS = 256  # rl_env's default


def env_maker(env_id: str, stack: bool, max_steps: int) -> Callable[[], gym.Env]:
    def make() -> gym.Env:
        kwargs = {"image_size": (64, 64), "max_steps": max_steps}
        if stack:
            return rl_env(env_id, max_actions=MAX_ACTIONS, **kwargs)
        return gym.make(env_id, **kwargs)

    return make


def choose_actions(
    vec: gym.vector.VectorEnv, infos: dict[str, Any], stack: bool, rng: np.random.Generator
) -> Any:
    """One random grounded action per copy, in the form the stack takes."""
    if stack:
        return np.array([rng.choice(np.flatnonzero(mask)) for mask in infos["action_mask"]])
    calls = vec.call("valid_actions")
    if not all(calls):
        raise RuntimeError("a copy grounded no action: valid_actions() returned []")
    return tuple(str(rng.choice(c)) for c in calls)


def measure(
    env_id: str,
    stack: bool,
    vector: str,
    copies: int,
    *,
    max_steps: int,
    warmup: int,
    window: float,
    repeats: int,
    seed: int = 0,
) -> dict[str, Any]:
    start = time.perf_counter()
    fns = [env_maker(env_id, stack, max_steps) for _ in range(copies)]
    kwargs = {"autoreset_mode": AutoresetMode.SAME_STEP}
    if vector == "async" and not stack:
        kwargs["shared_memory"] = False  # the bare envs' text keys are not arrays
    vec = VECTORS[vector](fns, **kwargs)
    rng = np.random.default_rng(seed)
    try:
        _, infos = vec.reset(seed=seed)
        started = time.perf_counter() - start
        for _ in range(warmup):
            _, _, _, _, infos = vec.step(choose_actions(vec, infos, stack, rng))
        rates, episodes = [], 0
        for _ in range(repeats):
            steps, begin = 0, time.perf_counter()
            while True:
                _, _, terminated, truncated, infos = vec.step(
                    choose_actions(vec, infos, stack, rng)
                )
                steps += 1
                episodes += int(np.sum(terminated | truncated))
                elapsed = time.perf_counter() - begin
                if elapsed >= window:
                    break
            rates.append(steps * copies / elapsed)
    finally:
        vec.close()
    return {
        "steps_per_s": round(median(rates), 1),
        "windows_steps_per_s": [round(r, 1) for r in rates],
        "episodes_ended_while_timed": episodes,
        "start_and_reset_s": round(started, 2),
    }


def bench_env(env_id: str, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for stack_name, stack in (("raw", False), ("stack", True)):
        table: dict[str, Any] = {}
        for vector in VECTORS:
            for copies in args.copies:
                row = measure(
                    env_id,
                    stack,
                    vector,
                    copies,
                    max_steps=args.max_steps,
                    warmup=args.warmup,
                    window=args.window,
                    repeats=args.repeats,
                )
                table[f"{vector}_{copies}"] = row
                print(
                    f"{env_id} {stack_name} {vector} x{copies}: {row['steps_per_s']} steps/s "
                    f"(windows {row['windows_steps_per_s']}, start "
                    f"{row['start_and_reset_s']} s)",
                    flush=True,
                )
        table["async_over_sync"] = {
            str(c): _ratio(table[f"async_{c}"], table[f"sync_{c}"]) for c in args.copies
        }
        if 1 in args.copies:
            table["scaling_over_1"] = {
                vector: {
                    str(c): _ratio(table[f"{vector}_{c}"], table[f"{vector}_1"])
                    for c in args.copies
                    if c != 1
                }
                for vector in VECTORS
            }
        out[stack_name] = table
    return out


def _ratio(a: dict[str, Any], b: dict[str, Any]) -> float:
    return round(a["steps_per_s"] / b["steps_per_s"], 2) if b["steps_per_s"] else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--envs", nargs="+", default=list(ENV_IDS), choices=ENV_IDS)
    parser.add_argument("--copies", nargs="+", type=int, default=list(COPIES))
    parser.add_argument(
        "--quick",
        action="store_true",
        help="shorter windows (the defaults below are the full run's)",
    )
    parser.add_argument("--window", type=float, help="seconds per timed window (full 3, quick 1)")
    parser.add_argument("--repeats", type=int, help="timed windows per figure (full 5, quick 3)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed vector steps")
    parser.add_argument("--max-steps", type=int, default=20, help="episode length")
    parser.add_argument("--out", default="benchmarks/results/vector.json")
    args = parser.parse_args()
    args.window = args.window or (1.0 if args.quick else 3.0)
    args.repeats = args.repeats or (3 if args.quick else 5)
    began = time.perf_counter()
    result: dict[str, Any] = {
        "machine": machine(),
        "load_average_at_start": _load(),
        "settings": {
            "image_size": [64, 64],
            "max_steps": args.max_steps,
            "window_s": args.window,
            "repeats": args.repeats,
            "warmup_steps": args.warmup,
            "copies": args.copies,
            "autoreset": "same_step",
            "action": "random valid_actions() (raw), random live index (stack)",
            "stack": f"vab_gym.wrappers.rl_env(max_actions={MAX_ACTIONS})",
            "async_shared_memory": {"raw": False, "stack": True},
        },
        "envs": {},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    for env_id in args.envs:  # written after every env, so a run cut short still reports
        result["envs"][env_id] = bench_env(env_id, args)
        result["load_average_at_end"] = _load()
        result["wall_s"] = round(time.perf_counter() - began, 1)
        Path(args.out).write_text(json.dumps(result, indent=2))
    print(
        f"wrote {args.out} in {result['wall_s']} s; load average "
        f"{result['load_average_at_start']} -> {result['load_average_at_end']}"
    )


def _load() -> list[float]:
    with contextlib.suppress(OSError):
        return [round(x, 2) for x in os.getloadavg()]
    return []


if __name__ == "__main__":
    main()
