"""Registration: the envs come from their own folders' declarations (and from entry points
of the group ``vab_gym.envs``), in the suite's order, and the CLI adds their commands."""

import importlib.metadata
import subprocess
import sys
import types

import gymnasium as gym
import pytest

import vab_gym
from vab_gym import cli
from vab_gym.core import registration
from vab_gym.core.registration import ENTRY_POINT_GROUP, EnvPackage, discover, register_all

# The suite as it was written by hand before the envs declared themselves.
SUITE = {
    "VAB-CSS-v0": "vab_gym.envs.css.env:CssEnv",
    "VAB-Minecraft-v0": "vab_gym.envs.minecraft.env:MinecraftEnv",
    "VAB-OmniGibson-v0": "vab_gym.envs.omnigibson.env:OmniGibsonEnv",
    "VAB-WebArena-Lite-v0": "vab_gym.envs.webarena.env:WebArenaEnv",
    "VAB-Mobile-v0": "vab_gym.envs.mobile.env:MobileEnv",
}
CARTPOLE = "gymnasium.envs.classic_control.cartpole:CartPoleEnv"  # an env from elsewhere


def test_the_suite_registers_its_five_envs_in_order():
    assert list(vab_gym.ENVIRONMENTS.items()) == list(SUITE.items())
    assert vab_gym.ENVIRONMENTS is registration.ENVIRONMENTS
    for env_id, entry_point in SUITE.items():
        assert gym.spec(env_id).entry_point == entry_point
        assert gym.spec(env_id).max_episode_steps is None  # the envs count their own steps


def test_import_vab_gym_imports_no_env_module():
    """Registration reads the env packages' ``__init__`` only: no env, browser or simulator."""
    code = (
        "import sys, vab_gym; print(sorted(m for m in sys.modules if m.startswith('vab_gym.envs')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == str(
        [
            "vab_gym.envs",
            "vab_gym.envs.css",
            "vab_gym.envs.minecraft",
            "vab_gym.envs.mobile",
            "vab_gym.envs.omnigibson",
            "vab_gym.envs.webarena",
        ]
    )


@pytest.fixture
def plugin(monkeypatch):
    """A distribution's entry point naming a module that declares an env: returns the
    module, to fill in, and restores Gymnasium's registry afterwards."""
    module = types.ModuleType("toy_vab_plugin")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    entry = importlib.metadata.EntryPoint(
        name="toy", value=module.__name__, group=ENTRY_POINT_GROUP
    )
    everything = importlib.metadata.entry_points

    def entry_points(**selection):
        if selection.get("group") == ENTRY_POINT_GROUP:
            return importlib.metadata.EntryPoints([entry])
        return everything(**selection)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    before = set(gym.registry)
    yield module
    for env_id in set(gym.registry) - before:
        del gym.registry[env_id]


def test_an_env_declared_by_an_entry_point_is_registered(plugin):
    plugin.ENV_ID, plugin.ENTRY_POINT = "Toy-CartPole-v0", CARTPOLE
    packages = discover()
    assert list(packages) == [*SUITE, "Toy-CartPole-v0"]  # no ORDER: after the suite
    assert packages["Toy-CartPole-v0"] == EnvPackage(
        env_id="Toy-CartPole-v0", entry_point=CARTPOLE, module="toy_vab_plugin"
    )
    register_all(packages)
    env = gym.make("Toy-CartPole-v0")
    try:
        assert env.reset(seed=0)[0].shape == (4,)
    finally:
        env.close()


def test_an_entry_points_order_places_it_among_the_suite(plugin):
    plugin.ENV_ID, plugin.ENTRY_POINT, plugin.ORDER = "Toy-CartPole-v0", CARTPOLE, 2.5
    assert list(discover()) == [
        "VAB-CSS-v0",
        "VAB-Minecraft-v0",
        "Toy-CartPole-v0",
        "VAB-OmniGibson-v0",
        "VAB-WebArena-Lite-v0",
        "VAB-Mobile-v0",
    ]


def test_a_broken_entry_point_is_skipped_with_a_warning(plugin):
    plugin.ENTRY_POINT = CARTPOLE  # and no ENV_ID
    with pytest.warns(RuntimeWarning, match="toy_vab_plugin declares no ENV_ID"):
        assert list(discover()) == list(SUITE)


def test_an_entry_point_may_not_take_a_suite_id(plugin):
    plugin.ENV_ID, plugin.ENTRY_POINT = "VAB-CSS-v0", CARTPOLE
    with pytest.warns(RuntimeWarning, match="which vab_gym.envs.css has: skipped"):
        assert list(discover().items()) == list(registration.PACKAGES.items())


def test_the_cli_adds_the_commands_an_env_declares(monkeypatch, capsys):
    commands = types.ModuleType("toy_vab_commands")

    def add_commands(sub):
        hello = sub.add_parser("toy-hello", help="say hello")
        hello.add_argument("--name", required=True)
        hello.set_defaults(handler=lambda args: print(f"hello {args.name}") or 7)

    commands.add_commands = add_commands
    monkeypatch.setitem(sys.modules, commands.__name__, commands)
    monkeypatch.setitem(
        registration.PACKAGES,
        "Toy-CartPole-v0",
        EnvPackage(
            env_id="Toy-CartPole-v0",
            entry_point=CARTPOLE,
            module="toy_vab_plugin",
            commands="toy_vab_commands:add_commands",
        ),
    )
    assert cli.main(["toy-hello", "--name", "world"]) == 7
    assert capsys.readouterr().out == "hello world\n"
