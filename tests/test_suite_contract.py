"""The suite's contract (vab_gym/testing.py) on each of the five envs."""

from typing import Any, ClassVar

from vab_gym.testing import EnvContract


class TestCss(EnvContract):
    env_id = "VAB-CSS-v0"
    make_kwargs: ClassVar[dict[str, Any]] = {"image_size": (48, 64)}
    solvable_task = "css-test-0000"


class TestMinecraft(EnvContract):
    env_id = "VAB-Minecraft-v0"
    make_kwargs: ClassVar[dict[str, Any]] = {"image_size": (32, 32)}
    solvable_task = "mc-test-sugar"


class TestOmniGibson(EnvContract):
    env_id = "VAB-OmniGibson-v0"
    make_kwargs: ClassVar[dict[str, Any]] = {"image_size": (32, 32)}
    solvable_task = "og-test-assembling_gift_baskets-Beechwood_0_int"


class TestWebArenaLite(EnvContract):
    env_id = "VAB-WebArena-Lite-v0"
    make_kwargs: ClassVar[dict[str, Any]] = {"image_size": (45, 80)}
    solvable_task = "wal-local-test-0"


class TestMobile(EnvContract):
    env_id = "VAB-Mobile-v0"
    make_kwargs: ClassVar[dict[str, Any]] = {"image_size": (80, 40)}
    solvable_task = "clock_1"
