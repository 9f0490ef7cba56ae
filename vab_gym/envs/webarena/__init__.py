"""VAB-WebArena-Lite: WebArena's tasks and evaluators for the browser env.

What registration reads (``vab_gym.core.registration``); nothing is imported here. No
``COMMANDS``: the local shop's splits are rewritten by ``python -m vab_gym.envs.webarena.tasks``
and fresh train tasks come from ``vab-gym collect``."""

ENV_ID = "VAB-WebArena-Lite-v0"
ENTRY_POINT = "vab_gym.envs.webarena.env:WebArenaEnv"
ORDER = 4  # the suite's order in ENVIRONMENTS and `vab-gym list`
# vab_gym.testing.EnvContract's parameters (tests/test_suite_contract.py): small images, and
# a task the program solver solves.
CONTRACT = {"make_kwargs": {"image_size": (45, 80)}, "solvable_task": "wal-local-test-0"}
