"""VAB-Minecraft speed on this machine, with Crafter measured in the same run as reference.

    python benchmarks/bench_minecraft.py [--out benchmarks/results/minecraft.json]

Reports medians: reset (world generation + kits), a 640x360 render, craft/equip/look_up steps
without the render, an `execute` that fetches something within 16 blocks, and steps per
second of the program solver's action mix with 64x64 images on one core; Crafter's reset
and random-action steps per second at 64x64.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from common import machine, summary, timed

from vab_gym.agents import make_solver
from vab_gym.envs.minecraft import controller, worldgen
from vab_gym.envs.minecraft.env import MinecraftEnv
from vab_gym.envs.minecraft.world import Player


def bench_env(tasks: int) -> dict:
    env = MinecraftEnv(image_size=(360, 640))
    ids = env.tasks.ids[:tasks]
    env.reset(options={"task_id": ids[0]})  # compile numba code (cached on disk)
    resets, renders, cheap = [], [], []
    for task_id in ids:
        seconds, _ = timed(lambda task_id=task_id: env.reset(options={"task_id": task_id}))
        resets.append(seconds)
        for _ in range(3):
            seconds, _ = timed(
                lambda: env.renderer.render(
                    env.world, env.player.eye, env.player.yaw, env.player.pitch
                )
            )
            renders.append(seconds)
        # A step without its render: time _execute, the part a step adds to the render.
        for action in ("look_up('iron_pickaxe')", "craft('oak_planks', 4)", "equip('stick')"):
            call = env.action_set.parse(action)
            seconds, _ = timed(lambda call=call: _safe(env, call))
            cheap.append(seconds)
    env.close()
    return {
        "reset": summary(resets),
        "render_640x360": summary(renders),
        "craft_equip_look_up_without_render": summary(cheap),
    }


def _safe(env, call):
    try:
        return env._execute(call)
    except Exception:  # refused actions cost the same bookkeeping
        return None


def bench_fetch(worlds: int) -> dict:
    """`execute('chop down trees', 'oak_log', 1)` from spawn where a tree is within 16."""
    samples, distances = [], []
    controller.warm_up()
    for seed in range(worlds):
        world = worldgen.generate(seed, "plains")
        player = Player(pos=world.spawn.copy())
        rng = np.random.default_rng(seed)
        seconds, result = timed(
            lambda world=world, player=player, rng=rng: controller.execute(
                world, player, "chop down trees", "oak_log", 1, rng
            )
        )
        moved = float(np.linalg.norm((player.pos - world.spawn)[[0, 2]]))
        if result.ok and moved <= 16:
            samples.append(seconds)
            distances.append(moved)
    return {
        "execute_fetch_within_16": summary(samples),
        "median_distance_blocks": round(float(np.median(distances)), 1),
    }


def bench_solver(tasks: int) -> dict:
    env = MinecraftEnv(image_size=(64, 64))
    solver = make_solver(env)
    steps, seconds = 0, 0.0
    for task_id in env.tasks.ids[:tasks]:
        obs, info = env.reset(options={"task_id": task_id})
        solver.reset(env, obs, info)
        start = time.perf_counter()
        while True:
            obs, _, terminated, truncated, info = env.step(solver.act(obs, info))
            steps += 1
            if terminated or truncated:
                break
        seconds += time.perf_counter() - start
    env.close()
    return {"solver_steps_per_s_64x64": round(steps / seconds, 1), "steps": steps}


def bench_crafter() -> dict:
    import crafter

    env = crafter.Env(size=(64, 64), seed=0)
    resets = [timed(env.reset)[0] for _ in range(5)]
    rng = np.random.default_rng(0)
    start, n = time.perf_counter(), 2000
    for _ in range(n):
        _, _, done, _ = env.step(int(rng.integers(17)))
        if done:
            env.reset()
    rate = n / (time.perf_counter() - start)
    return {"reset": summary(resets), "steps_per_s_64x64": round(rate, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--out", default="benchmarks/results/minecraft.json")
    args = parser.parse_args()
    os.sched_setaffinity(0, {0})  # one core, as the targets say
    result = {
        "machine": machine(),
        "vab_minecraft": {**bench_env(args.tasks), **bench_fetch(30), **bench_solver(args.tasks)},
        "crafter": bench_crafter(),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    mc, crafter = result["vab_minecraft"], result["crafter"]
    print(
        f"reset: {mc['reset']['median_ms']} ms (target 300; Crafter "
        f"{crafter['reset']['median_ms']} ms, ratio "
        f"{mc['reset']['median_ms'] / crafter['reset']['median_ms']:.2f})"
    )
    print(
        f"steps/s 64x64: {mc['solver_steps_per_s_64x64']} (target 200; Crafter "
        f"{crafter['steps_per_s_64x64']})"
    )


if __name__ == "__main__":
    main()
