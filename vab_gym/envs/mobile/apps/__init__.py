"""The phone's apps past Clock and Contacts, one package each.

An app package ``apps/<key>/`` holds everything of one AndroidLab app:

- ``__init__.py`` defines ``APP = PhoneApp(...)``;
- its screens (Starlette routes rendering ``templates/*.html``, found as ``<key>/<name>``;
  templates extend the phone's ``base.html`` and import its ``macros.html``);
- its tables and pristine seed (the data AndroidLab's tasks ask about);
- its judge goals (state checks returning AndroidLab-style sub-goals, see
  :mod:`vab_gym.envs.mobile.judge`) and the solver's plan for each goal
  (:mod:`vab_gym.envs.mobile.solver`);
- for the train split: its prototypes, a ``ground`` that fills one from the database, and a
  ``vary`` that changes the seed data reproducibly.

The launcher, the seed, the judges and the solver read the packages listed in ``INSTALLED``.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from vab_gym.core.templates import Prototype

# Package names under apps/, in launcher order after Clock and Contacts.
INSTALLED: tuple[str, ...] = (
    "calendar",
    "settings",
    "bluecoins",
    "cantook",
    "pimusic",
    "mapme",
    "zoom",
)


def _no_seed(conn: sqlite3.Connection) -> None:
    return None


@dataclass(frozen=True)
class PhoneApp:
    """One app of the phone.

    ``routes()`` returns Starlette routes under ``start``'s first path segment; ``seed``
    writes the pristine rows into tables made by ``schema``; ``goals`` maps a judge goal
    name to ``goal(state, **params) -> SubGoals``; ``plans`` maps the same names to
    ``plan(solver, **params) -> Iterator[str]`` (action texts); ``ground(conn, rng,
    prototype)`` returns a filling of the prototype's slots grounded in the database (query
    answers included), or None when this database offers none; ``vary(conn, rng)`` changes
    the pristine data reproducibly for a train-split variant.
    """

    key: str
    title: str  # the launcher's label, the name AndroidLab's tasks use
    start: str  # the screen the launcher icon (and AndroidLab's in-app start) opens
    package: str  # the Android package AndroidLab launches (the Appium backend's too)
    folder: Path
    routes: Callable[[], list[Any]]
    schema: str = ""
    seed: Callable[[sqlite3.Connection], None] = _no_seed
    goals: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    plans: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    prototypes: tuple[Prototype, ...] = ()
    ground: (
        Callable[[sqlite3.Connection, np.random.Generator, Prototype], dict[str, Any] | None] | None
    ) = None
    vary: Callable[[sqlite3.Connection, np.random.Generator], None] | None = None


@cache
def installed() -> tuple[PhoneApp, ...]:
    return tuple(importlib.import_module(f"{__name__}.{name}").APP for name in INSTALLED)


def by_key() -> dict[str, PhoneApp]:
    return {app.key: app for app in installed()}
