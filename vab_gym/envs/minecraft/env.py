"""VAB-Minecraft-v0: obtain an item in an embedded voxel world with Minecraft 1.16 rules."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from vab_gym.core.actions import ActionError, format_call
from vab_gym.core.env import ModelView, Outcome, VabEnv
from vab_gym.core.images import png_bytes
from vab_gym.core.judge import Verdict
from vab_gym.core.tasks import Task, setup_record
from vab_gym.envs.minecraft import controller, kit, worldgen
from vab_gym.envs.minecraft.actions import MINECRAFT_ACTIONS
from vab_gym.envs.minecraft.render import Renderer
from vab_gym.envs.minecraft.replies import TERMINATE, extract_action
from vab_gym.envs.minecraft.rules import RuleError, normalize, rules
from vab_gym.envs.minecraft.tasks import obtain_steps
from vab_gym.envs.minecraft.world import Player, World

# Useful executor calls for grounding: prompt -> the item it fetches.
GROUNDED_PROMPTS = {
    "chop down trees": "oak_log",
    "mine stone": "cobblestone",
    "mine coal ore": "coal",
    "mine iron ore": "iron_ore",
    "mine gold ore": "gold_ore",
    "mine diamond ore": "diamond",
    "mine redstone ore": "redstone",
    "collect sand": "sand",
    "kill cow": "beef",
    "kill sheep": "white_wool",
    "kill chicken": "chicken",
    "kill pig": "porkchop",
    "collect sugar cane": "sugar_cane",
    "harvest wheat": "wheat",
    "kill spider": "string",
}
# minecraft_agent.py: Agent.step, every 8 actions from the 20th when the task has kits.
TIP = (
    "Tip: If you're having difficulty finding certain mobs or plants, considering "
    "teleporting to your spawn point where these resources may be available."
)
# Agent.step's early stops: (window, minimum actions taken, VAB's message).
INVALID_STOP = (15, 19, "The agent has failed 15 times in a row. The task is terminated.")
REPEAT_STOP = (
    15,
    19,
    "The agent has taken the same action 15 times in a row. The task is terminated.",
)
MAX_TIER = 4  # difficulty(): tiers 0..3 are 0..3 recipe steps, 4 the rest
STUCK_STOP = (30, 39, "The agent has been stuck for 30 steps. The task is terminated.")


@cache
def kits() -> dict[str, list[str]]:
    """VAB's ``init_command`` kits: name -> Minecraft commands placed around the spawn."""
    return json.loads((resources.files(__package__) / "data" / "ingredients.json").read_text())


def _world_seed(task: Task) -> int:
    """A task's world: its own ``world_seed``, else a stable hash of its id."""
    if "world_seed" in task.setup:
        return int(task.setup["world_seed"])
    return int.from_bytes(hashlib.sha256(task.id.encode()).digest()[:4], "little")


@setup_record
class MinecraftSetup:
    """A VAB-Minecraft task's world: the biome, VAB's starting inventory (in VAB's slot
    order), its kits (``init_command`` names or raw ``/`` commands), its mobs, and the
    world's seed (none: a stable hash of the task id)."""

    biome: str = "plains"
    init_inventory: dict[str, int] = field(default_factory=dict)
    kits: list[str] = field(default_factory=list)
    mobs: list[Any] = field(default_factory=list)
    world_seed: int | None = None


class MinecraftEnv(VabEnv):
    """VAB-Minecraft: get the target item into the inventory.

    Observation: ``image`` is the first-person view (640x360 by default, VAB's size);
    ``text`` is VAB's feedback with the inventory, the held item, location and orientation;
    ``instruction`` is "Your task is to get a {item} in your inventory.". The goal is checked
    after every action and ends the episode; ``progress`` is VAB's step-reward score.

    Options: ``vab_early_stop`` (on, as VAB's harness runs them) ends an episode with VAB's
    three rules and their guards (``minecraft_agent.py``: ``Agent.step``); ``hints=True``
    makes ``execute`` say why a turn fell short and steer toward ``goal_item``;
    ``vab_quirks=True`` restores VAB's bugs: the 100th action is never judged (``main.py``)
    and ``recompute_item_reward`` keeps the weights of unprefixed starting items.
    """

    env_id = "VAB-Minecraft-v0"
    action_set = MINECRAFT_ACTIONS
    backends = ("sim",)
    default_image_size = (360, 640)
    default_max_steps = 100
    checks_goal_every_step = True
    solver = "vab_gym.envs.minecraft.solver:MinecraftSolver"
    task_package = __package__
    setup_type = MinecraftSetup
    fresh_tasks = "vab_gym.envs.minecraft.tasks:fresh_train_tasks"
    mistakes = "vab_gym.envs.minecraft.mistakes:propose"

    def __init__(self, *, vab_early_stop: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vab_early_stop = bool(vab_early_stop)
        self._shown = ""  # the action as VAB extracts it from the reply (its feedback text)
        self._successes: list[bool] = []  # Agent.step's result_history, without the first
        self._actions: list[str] = []  # Agent.step's action_history
        self._rewards: list[float] = []  # Agent.step's reward_history (the first is reset's)
        self.rules = rules()
        self.renderer = Renderer(*self.image_size)
        self.world: World | None = None
        self.player: Player | None = None
        self._rewarded: set[str] = set()
        self._rng = np.random.default_rng(0)

    @classmethod
    def difficulty(cls, task: Task) -> dict[str, Any]:
        """Recipe depth (:func:`~vab_gym.envs.minecraft.tasks.obtain_steps`, tools
        counted): tier = steps for 0..3 (logs, planks, sticks and the table, wooden tools),
        tier 4 for more or no known chain."""
        steps = obtain_steps(task)
        if steps is None:
            return {"tier": MAX_TIER, "kind": "unknown", "steps": None}
        return {
            "tier": min(steps, MAX_TIER),
            "kind": "gather" if steps == 0 else "craft",
            "steps": steps,
        }

    def fidelity(self) -> dict[str, Any]:
        return {**super().fidelity(), "vab_early_stop": self.vab_early_stop}

    # -- episode --------------------------------------------------------------------------
    def step(self, action: str) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        shown = extract_action(action) if isinstance(action, str) else repr(action)
        self._shown = shown if len(shown) <= 2000 else shown[:1997] + "..."
        return super().step(action)

    def _start(self, task: Task) -> str:
        setup = self.setup
        seed = _world_seed(task)
        self._rng = np.random.default_rng(seed)
        self.world = worldgen.generate(seed, setup.biome)
        if setup.kits:
            commands = [
                c
                for name in ["clean", *setup.kits]
                for c in (kits().get(name, [name] if name.startswith("/") else []))
            ]
            kit.apply_commands(self.world, commands, self.world.spawn)
        # The task's order is VAB's slot order (build_env_yaml): slot 0 is the held item.
        inventory = Counter({normalize(k): int(v) for k, v in setup.init_inventory.items()})
        self.player = Player(
            pos=self.world.spawn.copy(), inventory=inventory, equipped=next(iter(inventory), None)
        )
        self._rewarded = set()
        self._note_rewards()
        self._successes, self._actions = [], []
        self._rewards = [self._step_reward()]
        return self._text("No action before.")

    def _observe(self) -> dict[str, np.ndarray]:
        assert self.world is not None and self.player is not None
        image = self.renderer.render(
            self.world, self.player.eye, self.player.yaw, self.player.pitch
        )
        return {"image": image}

    def _outcome_from(self, feedback: str) -> Outcome:
        """After an action's handler: VAB's text around its message, the item in hand
        dropped if the action used it up, and the step rewards it earned."""
        assert self.player is not None
        if self.player.equipped not in self.player.inventory:  # used up by the action
            self.player.equipped = None
        self._note_rewards()
        return Outcome(
            self._text(f'Your last action "{self._shown}" has been executed. {feedback}')
        )

    def _error_feedback(self, action: Any, error: str) -> str:
        self._note_rewards()
        return self._text(f'Your last action "{self._shown}" can not be executed. {error}')

    def _goal_reached(self) -> bool:
        assert self.task is not None and self.player is not None
        if self._unjudged():
            return False
        judge = self.task.judge
        return self.rules.judge_count(self.player.inventory, judge["item"]) >= judge["count"]

    def _unjudged(self) -> bool:
        """VAB's main.py checks the goal before each of its 100 rounds, so the last action's
        result is never judged: a quirk, kept only with ``vab_quirks``."""
        return self.vab_quirks and self._steps >= self.max_steps

    def _judge(self, answer: str | None) -> Verdict:
        assert self.task is not None and self.player is not None
        item, count = self.task.judge["item"], self.task.judge["count"]
        have = self.rules.judge_count(self.player.inventory, item)
        success = have >= count and not self._unjudged()
        reason = f"{have} of {count} {item} in the inventory"
        if have >= count and not success:
            reason += f" after action {self._steps}, which VAB never judges"
        return Verdict(
            success=success,
            score=1.0 if success else self._step_reward(),
            reason=reason,
            details={
                "item": item,
                "count": count,
                "have": have,
                "step_reward": self._step_reward(),
            },
        )

    def _progress(self) -> float:
        if self.task is None or self.player is None:
            return 0.0
        return 1.0 if self._goal_reached() else self._step_reward()

    # -- actions --------------------------------------------------------------------------
    def _do_craft(self, item: str, num: int) -> str:
        return self._ruled(self.rules.craft, item, num)

    def _do_smelt(self, item: str, num: int) -> str:
        return self._ruled(self.rules.smelt, item, num)

    def _ruled(self, action, item: str, num: int) -> str:
        assert self.player is not None
        if num <= 0:
            raise ActionError(
                f"Error: the second argument of `{action.__name__}` function "
                "must be an integer greater than 0."
            )
        try:
            message = action(self.player.inventory, item, num, one_stack=self.vab_quirks)
        except RuleError as exc:
            raise ActionError(str(exc)) from None
        return message

    def _do_equip(self, item: str) -> str:
        assert self.player is not None
        if self.player.inventory.get(item, 0) <= 0:
            raise ActionError(f"Can not find {item} in inventory.")
        self.player.equipped = item
        return f"Successfully equipped {item}."

    def _do_teleport_to_spawn(self) -> str:
        assert self.world is not None and self.player is not None
        self.player.pos = self.world.spawn.copy()
        self.player.yaw = self.player.pitch = 0.0
        return "Successfully teleported."

    def _do_look_up(self, item: str) -> str:
        return self.rules.look_up(item)

    def _do_execute(self, prompt: str, goal_item: str | None, num: int | None) -> str | Outcome:
        if prompt == TERMINATE:
            # Agent.step: "terminate"/"task_complete" ends the episode as failed, unexecuted.
            return Outcome(
                self._text(f'Your last action "{self._shown}" ended the task.'), finished=True
            )
        assert self.world is not None and self.player is not None and self.task is not None
        error = controller.check_prompt(prompt)
        if error:
            raise ActionError(error)
        if (goal_item is None) != (num is None):
            raise ActionError(
                "Error: the `execute` function takes 1 or 3 arguments. And the "
                "second argument must be a string."
            )
        stop = (self.task.judge["item"], self.task.judge["count"])
        result = controller.execute(
            self.world, self.player, prompt, goal_item, num, self._rng, hints=self.hints, stop=stop
        )
        return result.message

    # -- grounding ------------------------------------------------------------------------
    def valid_actions(self) -> list[str]:
        """Crafts and smelts the inventory allows now, items to hold, useful executor calls,
        going back to spawn, and looking up the target."""
        assert self.player is not None and self.task is not None
        inv = self.player.inventory
        calls = [format_call("craft", [item, 1]) for item in self.rules.craftable(inv)]
        if "furnace" in inv:
            calls += [format_call("smelt", [item, 1]) for item in self.rules.smeltable(inv)]
        calls += [format_call("equip", [item]) for item in inv if item != self.player.equipped]
        calls += [format_call("execute", [p, item, 1]) for p, item in GROUNDED_PROMPTS.items()]
        calls += ["teleport_to_spawn()", format_call("look_up", [self.task.judge["item"]])]
        return calls

    # -- early stops and what the model sees ----------------------------------------------
    def _track_streaks(self, action: Any, error: str | None, progress: float) -> None:
        super()._track_streaks(action, error, progress)
        self._successes.append(error is None)
        self._actions.append(self._shown)  # VAB compares the extracted text, not the call
        self._rewards.append(self._step_reward())

    def _early_stop_reason(self) -> str | None:
        """``early_stop``'s rules, then VAB's (``Agent.step``, checked before each new action,
        so the first can fire after the 19th action and the stall rule after the 39th)."""
        reason = super()._early_stop_reason()
        if reason or not self.vab_early_stop:
            return reason
        taken = len(self._actions)
        window, least, message = INVALID_STOP
        if taken >= least and not any(self._successes[-window:]):
            return message
        window, least, message = REPEAT_STOP
        if taken >= least and len(set(self._actions[-window:])) == 1:
            return message
        window, least, message = STUCK_STOP
        rewards = self._rewards[-window:]
        if taken >= least and sum(rewards) <= window * rewards[0] + 1e-3:
            return message
        return None

    def model_view(self) -> ModelView:
        """VAB's turn (``Agent.step``, ``agent/server.py``): the task line on the first turn,
        the text observation (with the periodic tip) and "Vision Input: ", and the 640x360
        first-person image."""
        if self._last_obs is None or self.task is None:
            return super().model_view()
        first = f"{self.task.instruction}\n" if self._steps == 0 else ""
        image = self._last_obs["image"]
        if self.image_size != self.default_image_size:
            if getattr(self, "_vab_renderer", None) is None:
                self._vab_renderer = Renderer(*self.default_image_size)
            image = self._vab_renderer.render(
                self.world, self.player.eye, self.player.yaw, self.player.pitch
            )
        return ModelView(f"{first}{self._last_obs['text']}\nVision Input: ", (png_bytes(image),))

    # -- internals ------------------------------------------------------------------------
    def _weights(self) -> dict[str, float]:
        """VAB's step-reward weights; with ``vab_quirks``, those VAB's key handling gives."""
        assert self.task is not None
        meta = self.task.metadata
        if self.vab_quirks and "step_rewards_vab" in meta:
            return meta["step_rewards_vab"]
        return meta.get("step_rewards", {})

    def _note_rewards(self) -> None:
        """VAB's step rewards: each weighted item or tag pays once, when first held."""
        assert self.task is not None and self.player is not None
        for key in self._weights():
            if key not in self._rewarded and self.rules.count(self.player.inventory, key) > 0:
                self._rewarded.add(key)

    def _step_reward(self) -> float:
        weights = self._weights()
        # fsum: the same float whatever order the set (hash-seeded per process) gives
        return float(min(1.0, math.fsum(weights[k] for k in self._rewarded)))

    def _text(self, feedback: str) -> str:
        """VAB's text observation (``Agent.step``, ``assembly/core.py``'s translations)."""
        assert self.player is not None and self.task is not None
        inv = self.player.inventory
        items = ", ".join(f"{n} {item}" for item, n in inv.items() if n > 0) or "nothing"
        held = self.player.equipped or "air"
        x, y, z = self.player.pos
        text = (
            f"Feedback on the Action: {feedback}\n"
            f"Your Inventory: Now your inventory has {items}.\n"
            f"Equipped Item: Now you hold the {held} in your hand.\n"
            f"Location and Orientation: Now you locate in X: {x:.2f}, Y: {y:.2f}, "
            f"Z: {z:.2f}, Pitch: {self.player.pitch:.2f}, Yaw: {self.player.yaw:.2f}."
        )
        if self._steps % 8 == 4 and self._steps >= 20 and self.task.setup.get("kits"):
            text += "\n" + TIP
        return text
