"""VAB-Minecraft's mistake model: the wrong item, the wrong tool, the wrong target.

``propose`` looks at the step the program solver is about to take (its plan from the
current inventory) and offers a plausible slip of the same kind, valid now:

- ``wrong_item``: instead of crafting the planned item, craft a sibling recipe that shares its
  ingredients and is craftable from the inventory now (a wooden_axe for the wooden_pickaxe,
  sticks or a button for the planks);
- ``wrong_tool``: instead of equipping the tool the gathering needs, equip another tool the
  inventory holds (the wooden_axe for the wooden_pickaxe);
- ``wrong_target``: instead of the planned ``execute``, mine or chop a neighbouring resource
  the held tool can harvest (coal ore for iron ore, birch for oak).

The env carries the slip out (the inventory or the held item changes); the solver then
notices it (the next thought opens with a sentence naming it) and plans afresh from the new
inventory (``replan``), as it does every step. A slip only ever uses up what the biome's world
offers without end (logs, planks, stone...), never a starting item or a kit's animals and
crops, so the task stays solvable: only the steps it wastes are lost.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import gymnasium as gym
import numpy as np

from vab_gym.core.actions import format_call
from vab_gym.core.mistakes import Mistake
from vab_gym.envs.minecraft.rules import RuleError, rules
from vab_gym.envs.minecraft.solver import DEEP_ORES, MinecraftSolver
from vab_gym.envs.minecraft.tasks import BIOME_RESOURCES, reachable

TOOLS = ("_pickaxe", "_axe", "_shovel", "_sword", "_hoe")
TARGET_VERBS = ("mine", "chop")  # block gathering: a wrong target takes nothing a kit put
CHOICES = 3  # draw among the most plausible few


@cache
def renewable(biome: str) -> frozenset[str]:
    """What the biome's world offers without end, and everything made from it."""
    base = BIOME_RESOURCES.get(biome, BIOME_RESOURCES["plains"])
    return frozenset(reachable(base, rules()))


def propose(
    env: gym.Env, obs: dict[str, Any], info: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    """A plausible slip on the step the solver plans now, or None when it has none."""
    env = env.unwrapped
    planner = MinecraftSolver()
    planner.reset(env, obs, info)
    action, why = planner.next_step()
    if action is None:
        return None
    slip = {"craft": _wrong_item, "equip": _wrong_tool, "gather": _wrong_target}.get(why["kind"])
    return slip(env, planner, why, rng) if slip else None


def _wrong_item(
    env, planner: MinecraftSolver, why: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    book, inv = planner.book, env.player.inventory
    item = why["item"]
    wanted = {i.removeprefix("#") for r in book.recipes.get(item, []) for i, _ in r.ingredients}
    words = set(item.split("_"))
    safe = renewable(env.task.setup.get("biome", "plains"))
    scored = []
    for name, recipes in book.recipes.items():
        if name in (item, planner.target) or "_from_" in name or recipes[0].result != name:
            continue
        shared = wanted & {i.removeprefix("#") for i, _ in recipes[0].ingredients}
        if not shared:
            continue
        trial = inv.copy()
        try:
            book.craft(trial, name, 1, one_stack=env.vab_quirks)
        except RuleError:
            continue
        used = {k for k in inv if trial.get(k, 0) < inv[k]}
        if not used <= safe:
            continue
        scored.append((2 * len(shared) + len(words & set(name.split("_"))), name))
    if not scored:
        return None
    scored.sort(key=lambda s: (-s[0], s[1]))
    wrong = scored[int(rng.integers(min(CHOICES, len(scored))))][1]
    thought = planner.data["thoughts"]["step"]["craft"].format(**{**why, "num": 1, "item": wrong})
    return Mistake(
        action=format_call("craft", [wrong, 1]),
        thought=thought,
        kind="wrong_item",
        replan=True,
        notice=f"I crafted a {wrong} by mistake: {_lower(why['need'])}.",
        details={"planned": item, "wrong": wrong},
    )


def _wrong_tool(
    env, planner: MinecraftSolver, why: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    player = env.player
    right = why["held"]
    others = sorted(
        (
            k
            for k, n in player.inventory.items()
            if n > 0 and k.endswith(TOOLS) and k not in (right, player.equipped)
        ),
        key=lambda k: (k.split("_")[0] != right.split("_")[0], k),
    )
    if not others:
        return None
    wrong = others[int(rng.integers(min(CHOICES, len(others))))]
    thought = planner.data["thoughts"]["step"]["equip"].format(**{**why, "held": wrong})
    return Mistake(
        action=format_call("equip", [wrong]),
        thought=thought,
        kind="wrong_tool",
        replan=True,
        notice=f"I equipped the {wrong} by mistake: to {why['prompt']} I must hold a "
        f"{why['tool']}.",
        details={"planned": right, "wrong": wrong},
    )


def _wrong_target(
    env, planner: MinecraftSolver, why: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    verb = why["prompt"].split()[0]
    if verb not in TARGET_VERBS:
        return None
    held = env.player.equipped
    offered = BIOME_RESOURCES.get(env.task.setup.get("biome", "plains"), BIOME_RESOURCES["plains"])
    options = []
    for item, gather in planner.data["gather"].items():
        prompt, tool = gather["prompt"], gather.get("tool")
        if (
            prompt.split()[0] != verb
            or prompt == why["prompt"]
            or item not in offered
            or any(ore in item for ore in DEEP_ORES)
            or "hold" in gather
        ):
            continue
        if tool:
            tiers = planner.data["tool_tiers"][tool.rsplit("_", 1)[1]]
            if held not in tiers[tiers.index(tool) :]:
                continue  # the held tool would not harvest it: nothing would happen
        options.append((prompt, item))
    if not options:
        return None
    prompt, item = sorted(options)[int(rng.integers(len(options)))]
    thought = planner.data["thoughts"]["step"]["gather"].format(**{**why, "prompt": prompt})
    return Mistake(
        action=format_call("execute", [prompt, item, why["num"]]),
        thought=thought,
        kind="wrong_target",
        replan=True,
        notice=f"I went for {item} instead of {why['item']} by mistake: "
        f"{_lower(why['need'])}, and to get it I {why['prompt']}.",
        details={"planned": why["item"], "wrong": item, "prompt": prompt},
    )


def _lower(sentence: str) -> str:
    """A sentence to go after a colon ("The task asks..." -> "the task asks...")."""
    return sentence if sentence.startswith("I ") else sentence[:1].lower() + sentence[1:]
