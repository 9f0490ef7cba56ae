"""VAB-CSS: repair a web page's stylesheet until it matches a target screenshot.

What registration reads (``vab_gym.core.registration``); nothing is imported here."""

ENV_ID = "VAB-CSS-v0"
ENTRY_POINT = "vab_gym.envs.css.env:CssEnv"
ORDER = 1  # the suite's order in ENVIRONMENTS and `vab-gym list`
COMMANDS = "vab_gym.envs.css.commands:add_commands"  # vab-gym css-build
# vab_gym.testing.EnvContract's parameters (tests/test_suite_contract.py): small images, and
# a task the program solver solves.
CONTRACT = {"make_kwargs": {"image_size": (48, 64)}, "solvable_task": "css-test-0000"}
