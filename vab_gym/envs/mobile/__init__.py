"""VAB-Mobile (AndroidLab): phone apps operated by tapping, typing and swiping.

What registration reads (``vab_gym.core.registration``); nothing is imported here."""

ENV_ID = "VAB-Mobile-v0"
ENTRY_POINT = "vab_gym.envs.mobile.env:MobileEnv"
ORDER = 5  # the suite's order in ENVIRONMENTS and `vab-gym list`
COMMANDS = "vab_gym.envs.mobile.commands:add_commands"  # vab-gym mobile-tasks
# vab_gym.testing.EnvContract's parameters (tests/test_suite_contract.py): small images, and
# a task the program solver solves.
CONTRACT = {"make_kwargs": {"image_size": (80, 40)}, "solvable_task": "clock_1"}
