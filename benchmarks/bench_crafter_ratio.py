"""VAB-Minecraft-v0 against Crafter, step for step, in one process and one run.

    python benchmarks/bench_crafter_ratio.py [--out benchmarks/results/crafter_ratio.json]

Both envs play random actions at 64x64 images: VAB-Minecraft a seeded random pick of
``env.unwrapped.valid_actions()`` (the grounded actions ``GroundedActions`` offers), Crafter
a seeded random one of its 17. They take turns in short blocks of steps, so whatever else
loads the machine slows both alike; each repeat gives a median per-step time for each, and
the ratio is Crafter's median over VAB-Minecraft's (1.0: as fast as Crafter). Resets are
not timed; ``valid_actions()`` is timed on its own (a policy over grounded actions pays it
every step). A cProfile of VAB-Minecraft's steps splits the step into its phases.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from common import machine

from vab_gym.envs.minecraft import controller
from vab_gym.envs.minecraft.env import MinecraftEnv

IMAGE_SIZE = (64, 64)
# What a step's time is read from: wall time (perf_counter), or with --clock cpu the
# process's CPU time, which leaves out the waits for a core that other load causes.
CLOCK = [time.perf_counter]


class CrafterPlayer:
    """Crafter 1.8.3 at its default 64x64, random actions, reset when an episode ends."""

    def __init__(self, seed: int) -> None:
        import crafter

        self.env = crafter.Env(size=IMAGE_SIZE, seed=seed)
        self.rng = np.random.default_rng(seed)
        self.env.reset()

    def steps(self, n: int) -> list[float]:
        times = []
        for _ in range(n):
            action = int(self.rng.integers(self.env.action_space.n))
            start = CLOCK[0]()
            _, _, done, _ = self.env.step(action)
            times.append(CLOCK[0]() - start)
            if done:
                self.env.reset()
        return times


class MinecraftPlayer:
    """VAB-Minecraft at 64x64 over the test split's tasks in turn, random grounded actions."""

    def __init__(self, seed: int) -> None:
        self.env = MinecraftEnv(image_size=IMAGE_SIZE)
        self.rng = np.random.default_rng(seed)
        self.task = 0
        self.by_kind: dict[str, list[float]] = defaultdict(list)
        self.grounding: list[float] = []
        self._reset()

    def _reset(self) -> None:
        ids = self.env.tasks.ids
        self.env.reset(options={"task_id": ids[self.task % len(ids)]})
        self.task += 1

    def steps(self, n: int) -> list[float]:
        times = []
        for _ in range(n):
            start = CLOCK[0]()
            actions = self.env.unwrapped.valid_actions()
            self.grounding.append(CLOCK[0]() - start)
            action = actions[int(self.rng.integers(len(actions)))]
            start = CLOCK[0]()
            _, _, terminated, truncated, _ = self.env.step(action)
            seconds = CLOCK[0]() - start
            times.append(seconds)
            self.by_kind[action.split("(", 1)[0]].append(seconds)
            if terminated or truncated:
                self._reset()
        return times


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def side_by_side(repeats: int, blocks: int, block_steps: int) -> dict:
    crafter, minecraft = CrafterPlayer(0), MinecraftPlayer(0)
    crafter.steps(50)  # warm caches; numba kernels are compiled (cached on disk) before
    minecraft.steps(50)
    minecraft.by_kind.clear()
    minecraft.grounding.clear()
    rows, loads = [], []
    for _ in range(repeats):
        ct, mt = [], []
        for _ in range(blocks):
            ct += crafter.steps(block_steps)
            mt += minecraft.steps(block_steps)
        loads.append(os.getloadavg()[0])
        rows.append(
            {
                "crafter_median_ms": ms(np.median(ct)),
                "minecraft_median_ms": ms(np.median(mt)),
                "crafter_mean_ms": ms(np.mean(ct)),
                "minecraft_mean_ms": ms(np.mean(mt)),
                "ratio_median": round(float(np.median(ct) / np.median(mt)), 3),
                "ratio_mean": round(float(np.mean(ct) / np.mean(mt)), 3),
            }
        )
    minecraft.env.close()

    def mid(key: str) -> float:
        return round(float(np.median([r[key] for r in rows])), 3)

    return {
        "repeats": rows,
        "steps_per_repeat_each": blocks * block_steps,
        "crafter_median_ms": mid("crafter_median_ms"),
        "minecraft_median_ms": mid("minecraft_median_ms"),
        "ratio_median": mid("ratio_median"),
        "crafter_mean_ms": mid("crafter_mean_ms"),
        "minecraft_mean_ms": mid("minecraft_mean_ms"),
        "ratio_mean": mid("ratio_mean"),
        "minecraft_valid_actions_median_ms": ms(np.median(minecraft.grounding)),
        "minecraft_by_action": {
            kind: {
                "share": round(len(t) / sum(map(len, minecraft.by_kind.values())), 3),
                "median_ms": ms(np.median(t)),
                "mean_ms": ms(np.mean(t)),
            }
            for kind, t in sorted(minecraft.by_kind.items())
        },
        "load_average_1min": {"min": round(min(loads), 2), "max": round(max(loads), 2)},
    }


# The step's phases: function (file suffix, name) -> phase. Each is timed by its cumulative
# time; none of them calls another (the goal check is taken from the step's own call only).
PHASES = {
    ("core/actions.py", "parse"): "parse",
    ("minecraft/controller/execute.py", "execute"): "execute (controller)",
    ("minecraft/env.py", "_ruled"): "craft / smelt (rules)",
    ("minecraft/env.py", "_do_equip"): "equip / teleport / look_up",
    ("minecraft/env.py", "_do_teleport_to_spawn"): "equip / teleport / look_up",
    ("minecraft/env.py", "_do_look_up"): "equip / teleport / look_up",
    ("minecraft/env.py", "_note_rewards"): "progress",
    ("minecraft/env.py", "_progress"): "progress",
    ("minecraft/env.py", "_observe"): "observe (render)",
    ("minecraft/env.py", "_text"): "text",
    ("minecraft/env.py", "_track_streaks"): "streaks and early stops",
    ("minecraft/env.py", "_early_stop_reason"): "streaks and early stops",
    ("core/env.py", "_info"): "info",
}


def phase_profile(steps: int) -> dict:
    """cProfile of ``steps`` VAB-Minecraft steps: CPU milliseconds per step in each phase."""
    player = MinecraftPlayer(1)
    player.steps(20)
    profile = cProfile.Profile(time.process_time)  # CPU time: other load stays out of it
    profile.enable()
    player.steps(steps)
    profile.disable()
    player.env.close()
    stats = pstats.Stats(profile).stats
    phases: dict[str, float] = defaultdict(float)
    total = grounding = 0.0
    for (path, _, name), (_, _, _, cumtime, callers) in stats.items():
        path = path.replace(os.sep, "/")
        if path.endswith("core/env.py") and name == "step":
            total = cumtime
        elif path.endswith("minecraft/env.py") and name == "valid_actions":
            grounding = cumtime
        elif path.endswith("minecraft/env.py") and name == "_goal_reached":
            phases["progress"] += sum(
                c[3]
                for (p, _, n), c in callers.items()
                if n == "step" and p.endswith("core/env.py")
            )
        for (suffix, fn), phase in PHASES.items():
            if path.endswith(suffix) and name == fn:
                phases[phase] += cumtime
    per_step = {phase: ms(t / steps) for phase, t in sorted(phases.items(), key=lambda x: -x[1])}
    per_step["other (step bookkeeping)"] = ms((total - sum(phases.values())) / steps)
    return {
        "steps": steps,
        "note": "CPU time under cProfile, which inflates Python-heavy phases",
        "step_ms": ms(total / steps),
        "phases_ms_per_step": per_step,
        "valid_actions_ms_per_call": ms(grounding / steps),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument("--block-steps", type=int, default=100)
    parser.add_argument("--profile-steps", type=int, default=1000)
    parser.add_argument("--out", default="benchmarks/results/crafter_ratio.json")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time steps by wall time or by this process's CPU time",
    )
    parser.add_argument(
        "--cpu",
        type=int,
        default=0,
        help="the core to pin to (two runs side by side: one core each)",
    )
    args = parser.parse_args()
    try:
        import crafter  # noqa: F401
    except ImportError:
        raise SystemExit(
            "Crafter is not installed: pip install 'vab-gym[bench]' "
            "(or pip install crafter) to measure against it"
        ) from None
    CLOCK[0] = time.perf_counter if args.clock == "wall" else time.process_time
    os.sched_setaffinity(0, {args.cpu})  # one core, as bench_minecraft.py
    controller.warm_up()
    load_before = os.getloadavg()
    result = {
        "machine": machine(),
        "image_size": list(IMAGE_SIZE),
        "cpu": args.cpu,
        "clock": args.clock,
        "load_average_before": [round(x, 2) for x in load_before],
        **side_by_side(args.repeats, args.blocks, args.block_steps),
        "profile": phase_profile(args.profile_steps),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(
        f"per-step median: VAB-Minecraft {result['minecraft_median_ms']} ms, Crafter "
        f"{result['crafter_median_ms']} ms, ratio {result['ratio_median']} (target 0.5); "
        f"means {result['minecraft_mean_ms']} / {result['crafter_mean_ms']} ms, ratio "
        f"{result['ratio_mean']}"
    )


if __name__ == "__main__":
    main()
