"""VAB-Minecraft: obtain an item in an embedded voxel world with Minecraft 1.16 rules.

What registration reads (``vab_gym.core.registration``); nothing is imported here."""

ENV_ID = "VAB-Minecraft-v0"
ENTRY_POINT = "vab_gym.envs.minecraft.env:MinecraftEnv"
ORDER = 2  # the suite's order in ENVIRONMENTS and `vab-gym list`
COMMANDS = "vab_gym.envs.minecraft.commands:add_commands"  # vab-gym minecraft-tasks
# vab_gym.testing.EnvContract's parameters (tests/test_suite_contract.py): small images, and
# a task the program solver solves.
CONTRACT = {"make_kwargs": {"image_size": (32, 32)}, "solvable_task": "mc-test-sugar"}
