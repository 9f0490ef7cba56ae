"""VAB-Minecraft's six actions (VAB src/server/tasks/minecraft/prompt.py), declared once;
replies are read as VAB reads them (``replies.vab_call``)."""

from __future__ import annotations

from vab_gym.core.actions import ActionSet, ActionSpec, Param
from vab_gym.envs.minecraft.replies import vab_call

MINECRAFT_ACTIONS = ActionSet(
    ActionSpec(
        "craft",
        "Craft an item (or a member of a tag) from your inventory. A crafting_table is needed "
        "in your inventory for recipes bigger than 2x2; there is no need to place it.",
        (
            Param("item", str, "the item to craft, e.g. 'stick'"),
            Param("num", int, "how many to make", 1),
        ),
    ),
    ActionSpec(
        "smelt",
        "Smelt an item with a furnace, fuel and a wooden_pickaxe in your inventory.",
        (
            Param("item", str, "the result, e.g. 'iron_ingot'"),
            Param("num", int, "how many to make", 1),
        ),
    ),
    ActionSpec(
        "equip",
        "Hold an item of your inventory in your hand.",
        (Param("item", str, "the item to hold, e.g. 'stone_pickaxe'"),),
    ),
    ActionSpec("teleport_to_spawn", "Go back to where the episode began, facing south."),
    ActionSpec(
        "look_up",
        "Show the recipe of an item, or the members of a tag.",
        (Param("item", str, "an item or tag name, e.g. 'iron_pickaxe'"),),
    ),
    ActionSpec(
        "execute",
        "Let the low-level executor carry out a short verb-object task for up to 800 ticks "
        "(e.g. 'chop down trees', 'mine iron ore', 'kill cow'), with the item you hold; it "
        "stops early once you have `num` more `goal_item`.",
        (
            Param("prompt", str, "a verb-object phrase of fewer than 8 words"),
            Param("goal_item", str, "the item to collect", None),
            Param("num", int, "how many more of goal_item to collect", None),
        ),
    ),
    preparsers=(vab_call,),
)
