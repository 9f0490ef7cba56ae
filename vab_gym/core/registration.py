"""Registration of the suite's envs with Gymnasium, from what each env package declares.

Every package under ``vab_gym/envs/`` declares in its ``__init__`` what registration needs:
``ENV_ID``, ``ENTRY_POINT`` (``"module:Class"``), and optionally ``ORDER`` (its place in
``ENVIRONMENTS`` and ``vab-gym list``), ``COMMANDS`` (``"module:function"`` adding its
``vab-gym`` subcommands) and ``CONTRACT`` (the ``vab_gym.testing.EnvContract`` parameters
``make_kwargs`` and ``solvable_task``). The packages are found with ``pkgutil``, so a sixth
env is a folder and nothing else. An env outside this repository is declared the same way in
a module its distribution names as an entry point of the group ``vab_gym.envs``::

    [project.entry-points."vab_gym.envs"]
    my-env = "my_package.my_env"

Only those ``__init__`` modules are imported here, never an env's own modules: string entry
points keep ``import vab_gym`` light and let vector-env subprocesses import an env's module
themselves. No ``max_episode_steps``: each env counts its own steps, because the judge must
run when the step limit truncates an episode.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import pkgutil
import warnings
from collections.abc import Iterable, Mapping
from importlib import metadata
from typing import Any

import gymnasium as gym

from vab_gym.core.errors import VabError

ENV_PACKAGES = "vab_gym.envs"  # the suite's own envs: one package each
ENTRY_POINT_GROUP = "vab_gym.envs"  # envs of other distributions


@dataclasses.dataclass(frozen=True)
class EnvPackage:
    """What one env package declares for registration, the CLI and the contract tests."""

    env_id: str
    entry_point: str  # "module:Class" of the VabEnv subclass, imported by gym.make only
    module: str  # where the declaration was read
    order: float = math.inf  # undeclared: after the suite's envs, in discovery order
    commands: str | None = None  # "module:function" given the CLI's subparsers
    contract: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def declared_by(cls, declaration: Any, module: str) -> EnvPackage:
        """The declaration of a module (or any object with the same attributes)."""
        try:
            env_id, entry_point = declaration.ENV_ID, declaration.ENTRY_POINT
        except AttributeError as exc:
            raise VabError(
                f"{module} declares no {exc.name}: an env package names its "
                "ENV_ID and ENTRY_POINT ('module:Class')"
            ) from None
        return cls(
            env_id=env_id,
            entry_point=entry_point,
            module=module,
            order=getattr(declaration, "ORDER", math.inf),
            commands=getattr(declaration, "COMMANDS", None),
            contract=dict(getattr(declaration, "CONTRACT", {})),
        )


def suite_packages() -> list[EnvPackage]:
    """The declarations of the packages under ``vab_gym/envs/``, in name order."""
    envs = importlib.import_module(ENV_PACKAGES)
    return [
        EnvPackage.declared_by(importlib.import_module(info.name), info.name)
        for info in pkgutil.iter_modules(envs.__path__, f"{ENV_PACKAGES}.")
        if info.ispkg
    ]


def plugin_packages(group: str = ENTRY_POINT_GROUP) -> list[EnvPackage]:
    """The declarations named by installed distributions' entry points. One that cannot be
    loaded is skipped with a warning, so that a broken plugin does not break the suite."""
    found = []
    for entry in metadata.entry_points(group=group):
        try:
            found.append(EnvPackage.declared_by(entry.load(), entry.value))
        except Exception as exc:  # a plugin's own import error, whatever it is
            warnings.warn(
                f"vab-gym: skipped the env entry point {entry.name!r} ({entry.value}): {exc}",
                RuntimeWarning,
                stacklevel=2,
            )
    return found


def discover(plugins: Iterable[EnvPackage] | None = None) -> dict[str, EnvPackage]:
    """Env id -> declaration, ordered by ``ORDER`` (ties in discovery order): the suite's
    packages, then the plugins (by default the entry points'). A plugin may not take an id
    the suite (or an earlier plugin) has: it is skipped with a warning."""
    suite = suite_packages()
    found: dict[str, EnvPackage] = {}
    for package in suite:
        if package.env_id in found:
            raise VabError(
                f"{package.module} and {found[package.env_id].module} both declare {package.env_id}"
            )
        found[package.env_id] = package
    for package in plugin_packages() if plugins is None else plugins:
        if package.env_id in found:
            warnings.warn(
                f"vab-gym: {package.module} declares {package.env_id}, which "
                f"{found[package.env_id].module} has: skipped",
                RuntimeWarning,
                stacklevel=2,
            )
            continue
        found[package.env_id] = package
    ranked = sorted(enumerate(found.values()), key=lambda pair: (pair[1].order, pair[0]))
    return {package.env_id: package for _, package in ranked}


# id -> declaration, and id -> entry point (vab_gym.ENVIRONMENTS), in ORDER.
PACKAGES = discover()
ENVIRONMENTS = {env_id: package.entry_point for env_id, package in PACKAGES.items()}


def register_all(packages: Mapping[str, EnvPackage] | None = None) -> None:
    """Register every env (by default the discovered ones) that Gymnasium does not have."""
    entry_points = (
        ENVIRONMENTS
        if packages is None
        else {env_id: package.entry_point for env_id, package in packages.items()}
    )
    for env_id, entry_point in entry_points.items():
        if env_id not in gym.registry:
            gym.register(env_id, entry_point=entry_point, disable_env_checker=False)


def load_object(name: str) -> Any:
    """The object a ``"module:attribute"`` name points to (an env's ``solver`` or
    ``mistakes``, an agent kind, a worker's wrap), with a message naming what is wrong."""
    module, sep, attribute = name.partition(":")
    if not sep or not module or not attribute:
        raise ValueError(f"{name!r} is not of the form 'module:attribute'")
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot load {name!r}: {exc}") from exc
