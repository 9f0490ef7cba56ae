"""Does a policy learn? sb3-contrib's MaskablePPO against the random grounded policy.

The policy sees the standard RL stack: ``GroundedActions`` (``Discrete`` over the env's
``valid_actions()``, with the action mask MaskablePPO needs), ``TextFeatures`` (hashed word
n-grams of the text and the instruction) and only the ``Box`` keys kept, so
``MultiInputPolicy`` takes the small image and the text. Reward is ``reward_mode="progress"``.

Every ``--eval-every`` environment steps the policy plays each held-out task (worlds or
scenes it never trained on), sampled and greedy; the random grounded policy (uniform over the
action mask) plays the same held-out tasks once, with many episodes, before training. The
results JSON is rewritten at every evaluation, so a run cut short still reports.

    python benchmarks/train_rl.py --env VAB-Minecraft-v0 --minutes 30 --seed 0
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from common import machine
from plot_rl import plot

from vab_gym.core.tasks import Task, TaskSet

RESULTS = Path(__file__).parent / "results"


# -- the task sets ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipe:
    """What one env trains and is evaluated on, and how its env is made."""

    train: list[Task]
    held_out: list[Task]
    make_kwargs: dict[str, Any]
    max_actions: int
    note: str
    group: Callable[[Task], str] = field(default=lambda task: task.id)


MINECRAFT_ITEMS = ("oak_log", "oak_planks", "stick", "crafting_table", "wooden_pickaxe")


def minecraft_recipe(max_steps: int) -> Recipe:
    """The lowest tiers (0-3 recipe steps from an empty inventory), 8 training worlds and 4
    held-out worlds each, VAB's step rewards (``tier_tasks``)."""
    from vab_gym.envs.minecraft.tasks import tier_tasks

    return Recipe(
        train=tier_tasks(MINECRAFT_ITEMS, range(1, 9)),
        held_out=tier_tasks(MINECRAFT_ITEMS, range(101, 105), split="test"),
        make_kwargs={"image_size": (64, 64), "max_steps": max_steps},
        max_actions=128,
        note=f"items {', '.join(MINECRAFT_ITEMS)}; worlds 1-8 train, 101-104 held out; "
        f"max_steps={max_steps}; 64x64 image",
        group=lambda task: task.judge["item"],
    )


# Activities whose first shipped train instance the solver finishes in 3-6 steps at 64x64
# (one-step ones, such as turning_on_the_hot_tub, are left out: a random policy does them;
# so are those whose other instances take it 9 steps or more)
OMNIGIBSON_ACTIVITIES = (
    "turn_off_a_normal_school_calculator",
    "installing_a_modem",
    "installing_a_scanner",
    "installing_a_printer",
    "installing_a_fax_machine",
    "turning_on_radio",
    "cook_lasagne",
    "setting_up_toy_train_track",
    "putting_bike_in_garage",
    "store_honey",
    "unloading_the_car",
    "recycling_newspapers",
    "returning_consumer_goods",
    "cook_a_frozen_pie",
    "donating_toys",
)
OMNIGIBSON_TRAIN_HOUSES, OMNIGIBSON_HELD_OUT_HOUSES = 4, 2


def omnigibson_recipe(
    max_steps: int, activities: tuple[str, ...] = OMNIGIBSON_ACTIVITIES
) -> Recipe:
    """Short BEHAVIOR activities (``OMNIGIBSON_ACTIVITIES``), trained in 4 seeded houses each
    and evaluated in 2 new houses each, of another scene wherever the activity has one: the
    same goals, new rooms, furniture, object placement and marks (``train_tasks``)."""
    from vab_gym.envs.omnigibson.tasks import Support, survey, train_tasks

    supported = [s for s in survey(activities) if s.ok]
    train = train_tasks(
        OMNIGIBSON_TRAIN_HOUSES * len(supported),
        seed=1,
        supported=supported,
        houses=OMNIGIBSON_TRAIN_HOUSES,
    )
    trained = {(t.setup["activity"], t.setup["scene"]) for t in train}
    unseen = [
        Support(
            s.activity,
            True,
            scenes=tuple(scene for scene in s.scenes if (s.activity, scene) not in trained)
            or s.scenes,
        )
        for s in supported
    ]
    held_out = train_tasks(
        OMNIGIBSON_HELD_OUT_HOUSES * len(supported),
        seed=2,
        supported=unseen,
        houses=OMNIGIBSON_HELD_OUT_HOUSES,
    )
    new_scene = sum((t.setup["activity"], t.setup["scene"]) not in trained for t in held_out)
    return Recipe(
        train=train,
        held_out=held_out,
        make_kwargs={"image_size": (64, 64), "max_steps": max_steps},
        max_actions=128,
        note=f"activities {', '.join(s.activity for s in supported)}; "
        f"{OMNIGIBSON_TRAIN_HOUSES} train houses each (seed 1), "
        f"{OMNIGIBSON_HELD_OUT_HOUSES} held-out houses each (seed 2), "
        f"{new_scene} of {len(held_out)} held-out in a scene the activity never trained "
        f"in; max_steps={max_steps}; 64x64 image",
        group=lambda task: task.setup["activity"],
    )


RECIPES: dict[str, Callable[[int], Recipe]] = {
    "VAB-Minecraft-v0": minecraft_recipe,
    "VAB-OmniGibson-v0": omnigibson_recipe,
}


# -- the env stack ----------------------------------------------------------------------------
def make_env(
    env_id: str, tasks: list[Task], make_kwargs: dict[str, Any], max_actions: int
) -> gym.Env:
    """The standard RL stack (``vab_gym.wrappers.rl_env``: GroundedActions + TextFeatures +
    only the Box keys) over ``tasks``, with progress rewards unless ``make_kwargs`` says."""
    import vab_gym  # noqa: F401  (registers the envs in a fresh worker process)
    from vab_gym.wrappers import rl_env

    kwargs = {"reward_mode": "progress", "tasks": TaskSet(tasks), **make_kwargs}
    return rl_env(env_id, max_actions=max_actions, **kwargs)


# -- playing episodes -------------------------------------------------------------------------
Chooser = Callable[[dict[str, Any], np.ndarray], int]


def play(env: gym.Env, task: Task, choose: Chooser, seed: int) -> tuple[bool, float, int]:
    """One episode of ``task``: (success, return, steps)."""
    obs, info = env.reset(seed=seed, options={"task_id": task.id})
    total, steps = 0.0, 0
    while True:
        action = choose(obs, np.asarray(info["action_mask"], dtype=bool))
        obs, reward, terminated, truncated, info = env.step(action)
        total += float(reward)
        steps += 1
        if terminated or truncated:
            return bool(info.get("success", False)), total, steps


def evaluate(
    env: gym.Env,
    tasks: list[Task],
    choose: Chooser,
    episodes: int,
    group: Callable[[Task], str],
    seed: int,
) -> dict[str, Any]:
    """Success rate (with its standard error), mean return and steps over ``episodes`` plays
    of every task, overall and per group (item, activity)."""
    rows = []
    for repeat in range(episodes):
        for i, task in enumerate(tasks):
            success, total, steps = play(env, task, choose, seed + 1000 * repeat + i)
            rows.append((group(task), success, total, steps))
    return {
        "overall": _rates(rows),
        "by_group": {
            name: _rates([r for r in rows if r[0] == name]) for name in sorted({r[0] for r in rows})
        },
    }


def _rates(rows: list[tuple[str, bool, float, int]]) -> dict[str, float]:
    n = len(rows)
    p = sum(r[1] for r in rows) / n
    returns = np.array([r[2] for r in rows])
    return {
        "episodes": n,
        "success": round(p, 4),
        "success_se": round(math.sqrt(p * (1 - p) / n), 4),
        "return": round(float(returns.mean()), 4),
        "return_se": round(float(returns.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0, 4),
        "steps": round(float(np.mean([r[3] for r in rows])), 2),
    }


def training_curve(episodes: list[list[float]], bin_steps: int) -> list[list[float]]:
    """Training episodes ``[env steps, return, success, wall s]`` as one row per
    ``bin_steps`` env steps: [last env step of the bin, episodes, mean return, success rate,
    wall s]."""
    bins: dict[int, list[list[float]]] = {}
    for row in episodes:
        bins.setdefault(int(row[0]) // bin_steps, []).append(row)
    return [
        [
            max(r[0] for r in rows),
            len(rows),
            round(float(np.mean([r[1] for r in rows])), 4),
            round(float(np.mean([r[2] for r in rows])), 4),
            max(r[3] for r in rows),
        ]
        for _, rows in sorted(bins.items())
    ]


def random_chooser(seed: int) -> Chooser:
    rng = np.random.default_rng(seed)
    return lambda obs, mask: int(rng.choice(np.flatnonzero(mask)))


def policy_chooser(model: Any, deterministic: bool) -> Chooser:
    def choose(obs: dict[str, Any], mask: np.ndarray) -> int:
        action, _ = model.predict(obs, action_masks=mask, deterministic=deterministic)
        return int(action)

    return choose


# -- training ---------------------------------------------------------------------------------
# Few env steps fit in 30 minutes on 2 shared cores (an ``execute`` step path-finds), so each
# sample is reused: short rollouts, many epochs.
HYPERPARAMETERS: dict[str, Any] = {
    "n_steps": 128,
    "batch_size": 64,
    "n_epochs": 10,
    "gamma": 0.98,
    "gae_lambda": 0.95,
    "ent_coef": 0.01,
    "learning_rate": 5e-4,
    "policy_kwargs": {"net_arch": [128, 128]},
}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="VAB-Minecraft-v0", choices=sorted(RECIPES))
    parser.add_argument("--minutes", type=float, default=30.0, help="training wall time")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=20, help="episode step limit")
    parser.add_argument("--n-envs", type=int, default=2, help="SubprocVecEnv workers")
    parser.add_argument("--eval-every", type=int, default=8192, help="env steps")
    parser.add_argument(
        "--eval-episodes",
        type=int,
        default=2,
        help="sampled-policy episodes per held-out task per evaluation",
    )
    parser.add_argument(
        "--random-episodes", type=int, default=10, help="random-policy episodes per held-out task"
    )
    parser.add_argument(
        "--activities",
        nargs="+",
        help="VAB-OmniGibson-v0 only: these activities instead of the "
        "recipe's OMNIGIBSON_ACTIVITIES",
    )
    parser.add_argument(
        "--eval-train-tasks",
        type=int,
        default=0,
        help="also play the first N training tasks greedily at each "
        "evaluation (does the policy fit what it trained on?)",
    )
    parser.add_argument(
        "--curve-bin",
        type=int,
        default=0,
        help="store training episodes as means over bins of this many env "
        "steps instead of one row each (a small JSON)",
    )
    parser.add_argument("--out", type=Path, help="results JSON (default benchmarks/results/)")
    parser.add_argument("--checkpoints", type=Path, default=Path("/tmp/vab-rl-checkpoints"))
    args = parser.parse_args()
    if args.activities and args.env != "VAB-OmniGibson-v0":
        parser.error("--activities is for VAB-OmniGibson-v0 only")

    import torch
    from sb3_contrib import MaskablePPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecMonitor

    torch.set_num_threads(1)  # the workers have the other core
    began = time.perf_counter()
    recipe = (
        RECIPES[args.env](args.max_steps, activities=tuple(args.activities))
        if args.activities
        else RECIPES[args.env](args.max_steps)
    )
    recipe_seconds = round(time.perf_counter() - began, 1)
    slug = args.env.removeprefix("VAB-").removesuffix("-v0").lower()
    out = args.out or RESULTS / f"rl-{slug}.json"
    args.checkpoints.mkdir(parents=True, exist_ok=True)
    make = functools.partial(
        make_env, args.env, recipe.train, recipe.make_kwargs, recipe.max_actions
    )
    eval_env = make_env(args.env, recipe.held_out, recipe.make_kwargs, recipe.max_actions)
    train_probe = recipe.train[: args.eval_train_tasks]
    train_env = (
        make_env(args.env, train_probe, recipe.make_kwargs, recipe.max_actions)
        if train_probe
        else None
    )

    report: dict[str, Any] = {
        "env": args.env,
        "algorithm": "sb3-contrib MaskablePPO, MultiInputPolicy",
        "tasks": recipe.note,
        "train_tasks": len(recipe.train),
        "held_out_tasks": len(recipe.held_out),
        "seed": args.seed,
        "n_envs": args.n_envs,
        "minutes_budget": args.minutes,
        "machine": machine(),
        "load_at_start": load_average(),
        "recipe_seconds": recipe_seconds,
        "train_task_ids": [t.id for t in recipe.train],
        "held_out_task_ids": [t.id for t in recipe.held_out],
        "train_probe_tasks": len(recipe.train[: args.eval_train_tasks]),
    }
    started = time.perf_counter()
    report["random"] = evaluate(
        eval_env,
        recipe.held_out,
        random_chooser(args.seed),
        args.random_episodes,
        recipe.group,
        seed=10_000,
    )
    report["random"]["seconds"] = round(time.perf_counter() - started, 1)
    print("random:", report["random"]["overall"], flush=True)

    vec_cls = SubprocVecEnv if args.n_envs > 1 else DummyVecEnv
    venv = VecMonitor(vec_cls([make] * args.n_envs), info_keywords=("success",))
    venv.seed(args.seed)
    model = MaskablePPO("MultiInputPolicy", venv, seed=args.seed, verbose=0, **HYPERPARAMETERS)
    report["hyperparameters"] = HYPERPARAMETERS
    episodes: list[list[float]] = []  # [env steps, return, success, wall s]
    evals: list[dict[str, Any]] = []
    report["evaluations"] = evals
    if args.curve_bin:
        report["training_curve_bin_steps"] = args.curve_bin
    else:
        report["episodes"] = episodes
    clock = {"train": 0.0, "eval": 0.0, "last": time.perf_counter()}

    def write() -> None:
        if args.curve_bin:
            report["training_curve"] = training_curve(episodes, args.curve_bin)
        out.write_text(json.dumps(report, indent=1) + "\n")

    def run_eval(steps: int) -> None:
        clock["train"] += time.perf_counter() - clock["last"]
        begin = time.perf_counter()
        entry = {
            "env_steps": steps,
            "train_seconds": round(clock["train"], 1),
            "load": load_average(),
            "sampled": evaluate(
                eval_env,
                recipe.held_out,
                policy_chooser(model, False),
                args.eval_episodes,
                recipe.group,
                seed=20_000 + steps,
            ),
            "greedy": evaluate(
                eval_env,
                recipe.held_out,
                policy_chooser(model, True),
                1,
                recipe.group,
                seed=30_000 + steps,
            ),
        }
        if train_probe:
            entry["train_greedy"] = evaluate(
                train_env,
                train_probe,
                policy_chooser(model, True),
                1,
                recipe.group,
                seed=40_000 + steps,
            )
        clock["eval"] += time.perf_counter() - begin
        entry["eval_seconds_total"] = round(clock["eval"], 1)
        evals.append(entry)
        model.save(args.checkpoints / f"rl-{slug}-{steps}.zip")
        probe = (
            f" train greedy {entry['train_greedy']['overall']['success']:.2f}"
            if train_probe
            else ""
        )
        print(
            f"{steps} steps, {clock['train'] / 60:.1f} min: sampled "
            f"{entry['sampled']['overall']['success']:.2f} greedy "
            f"{entry['greedy']['overall']['success']:.2f}{probe} load {entry['load']}",
            flush=True,
        )
        write()
        clock["last"] = time.perf_counter()

    class Progress(BaseCallback):
        """Logs finished episodes, evaluates every ``--eval-every`` steps, stops at the
        wall-time budget."""

        def __init__(self) -> None:
            super().__init__()
            self.next_eval = args.eval_every

        def _on_step(self) -> bool:
            wall = clock["train"] + time.perf_counter() - clock["last"]
            for info in self.locals["infos"]:
                if "episode" in info:
                    episodes.append(
                        [
                            self.num_timesteps,
                            round(float(info["episode"]["r"]), 4),
                            float(bool(info.get("success"))),
                            round(wall, 1),
                        ]
                    )
            if self.num_timesteps >= self.next_eval:
                self.next_eval += args.eval_every
                run_eval(self.num_timesteps)
            return wall < args.minutes * 60

    run_eval(0)
    model.learn(total_timesteps=10**9, callback=Progress())
    if not evals or evals[-1]["env_steps"] != model.num_timesteps:
        run_eval(model.num_timesteps)
    report["env_steps"] = model.num_timesteps
    report["train_seconds"] = round(clock["train"], 1)
    report["steps_per_second"] = round(model.num_timesteps / clock["train"], 1)
    report["load_at_end"] = load_average()
    report["wall_seconds"] = round(time.perf_counter() - began, 1)
    write()
    venv.close()
    eval_env.close()
    if train_env is not None:
        train_env.close()
    print(f"wrote {out}", *plot(report, out.with_suffix("")), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
