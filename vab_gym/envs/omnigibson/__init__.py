"""VAB-OmniGibson: a household robot's high-level actions, judged on BDDL goals.

What registration reads (``vab_gym.core.registration``); nothing is imported here."""

ENV_ID = "VAB-OmniGibson-v0"
ENTRY_POINT = "vab_gym.envs.omnigibson.env:OmniGibsonEnv"
ORDER = 3  # the suite's order in ENVIRONMENTS and `vab-gym list`
COMMANDS = "vab_gym.envs.omnigibson.commands:add_commands"  # vab-gym omnigibson-tasks
# vab_gym.testing.EnvContract's parameters (tests/test_suite_contract.py): small images, and
# a task the program solver solves.
CONTRACT = {
    "make_kwargs": {"image_size": (32, 32)},
    "solvable_task": "og-test-assembling_gift_baskets-Beechwood_0_int",
}
