"""VAB-Minecraft's ``execute``: a scripted stand-in for the Steve-1 policy.

VAB hands a short verb-object prompt ("chop down the tree", "mine iron ore") to Steve-1, which
plays real Minecraft for up to 800 ticks. Here the prompt is read against ``controller.yaml``
into a target (blocks to break, mobs to kill, dropped stacks, or a special act: milk, shear,
fill a bucket, dig down, explore), and a planner does what Steve would: walk the voxel world to
the nearest reachable target (Dijkstra over standable cells, in numba), dig a staircase to a
buried one, and break or fight it with the held item under Minecraft's rules (``rules.py``),
paying every act's ticks. Steve cannot switch items, so the held item decides what drops.

As in VAB (``jarvis/env/minecraft_env.py``: ``Env.step``), the agent is told one fixed
sentence, and ``goal_item`` is only a stop test: what the executor goes for comes from the
prompt alone, and it is always day (``global_configs/envs/jarvis.yaml``: no daylight cycle).
With ``hints=True`` the executor also says why a turn fell short ("Gained...", the tool that
cannot harvest a block, distances) and steers toward what ``goal_item`` names.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from vab_gym.envs.minecraft.controller.run import Run, gained_line
from vab_gym.envs.minecraft.controller.vocabulary import (
    Intent,
    Mode,
    check_prompt,
    may_give,
    parse_prompt,
    vocabulary,
)
from vab_gym.envs.minecraft.rules import normalize, rules
from vab_gym.envs.minecraft.world import Player, World


@dataclass
class ExecuteResult:
    """What one ``execute`` call did."""

    ok: bool  # whether the subgoal was met (with goal_item) / something useful happened
    message: str  # the feedback for the agent
    ticks: int  # ticks used (<= budget)
    gained: Counter  # inventory change (negative for what was used up, e.g. a bucket)


SUBGOAL_MET = "Your subgoal has been successfully completed by the executor."
SUBGOAL_MISSED = (
    "The executor has reached the maximum number of steps for this turn without "
    "completing your subgoal."
)
ATTEMPTED = (
    "The executor has attempted to execute the action according to your prompt. You "
    "should check whether your intention has been fulfilled."
)


def execute(
    world: World,
    player: Player,
    prompt: str,
    goal_item: str | None,
    num: int | None,
    rng: np.random.Generator,
    budget: int = 800,
    *,
    hints: bool = False,
    stop: tuple[str, int] | None = None,
) -> ExecuteResult:
    """Carry out a verb-object ``prompt`` for up to ``budget`` ticks, as VAB's Steve-1 would.

    With ``goal_item`` the run stops once the inventory has ``num`` more of it than the slot
    VAB's code reads (``Env.step``: ``min(64, num + quantity)``; ``num`` when there is none),
    and the message says whether it did; without, it stops at ``stop`` (VAB passes the
    task's goal) and the message is VAB's "attempted" sentence. ``hints`` adds the reasons."""
    error = check_prompt(prompt)
    if error:
        return ExecuteResult(False, error, 0, Counter())
    book = rules()
    goal, want = (normalize(goal_item), 0) if goal_item else (stop or (None, 0))
    if goal_item:
        held = book.slot_amount(player.inventory, goal)
        want = min(64, (num or 1) + held) if held else (num or 1)
    intent = parse_prompt(prompt)
    if intent is None:
        if hints:
            message = vocabulary().data["unknown"].format(prompt=prompt)
            return ExecuteResult(False, message, 0, Counter())
        world.tick += budget  # Steve-1 plays its turn out on a prompt it cannot follow
        return ExecuteResult(False, SUBGOAL_MISSED if goal_item else ATTEMPTED, budget, Counter())
    before = Counter(player.inventory)
    run = Run(world, player, rng, budget, intent, goal, want, hints)
    run.run()
    ticks = int(min(budget, math.ceil(run.used)))
    world.tick += ticks
    after = player.inventory
    keys = list(before) + [k for k in after if k not in before]
    gained = Counter(
        {k: after.get(k, 0) - before.get(k, 0) for k in keys if after.get(k, 0) != before.get(k, 0)}
    )
    useful = any(n > 0 for n in gained.values()) or run.arrived
    ok = run.goal_done() if goal_item else useful
    lines = [(SUBGOAL_MET if ok else SUBGOAL_MISSED) if goal_item else ATTEMPTED]
    if hints:
        lines += _reasons(run, prompt, goal if goal_item else None, want, ok, intent, gained)
    return ExecuteResult(bool(ok), "\n".join(lines), ticks, gained)


def _reasons(
    run: Run, prompt: str, goal: str | None, want: int, ok: bool, intent: Intent, gained: Counter
) -> list[str]:
    """The hint lines VAB does not give: why the turn fell short, and what was gained."""
    player = run.player
    if run.lost:
        lost = ", ".join(f"{n} {k}" for k, n in run.lost.items())
        verb = "was" if sum(run.lost.values()) == 1 else "were"
        run.note(f"Your inventory is full: {lost} {verb} lost.")
    if (
        goal
        and not ok
        and intent.mode == Mode.COLLECT
        and not may_give(intent.target, goal)
        and not any(gained.get(m, 0) > 0 for m in rules().members(goal))
    ):
        run.note(f"`{prompt}` does not give {goal}.")
    if not ok and not run.notes and not run.soft:
        if goal:
            have = rules().judge_count(player.inventory, goal)
            run.note(
                f"The turn ended before the subgoal was met: you have {have} of the "
                f"{want} {goal} wanted."
            )
        else:
            run.note("Nothing happened that changed your inventory.")
    return run.notes + (run.soft if not ok else []) + [gained_line(gained, run.got)]
