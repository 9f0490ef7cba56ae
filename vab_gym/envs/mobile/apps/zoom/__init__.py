"""Zoom (AndroidLab's zoom.yaml, package us.zoom.videomeetings): join a meeting, settings.

Screens in :mod:`.screens`, pristine state in :mod:`.data`, judge goals in :mod:`.goals`,
the solver's plans in :mod:`.plans`, train prototypes in :mod:`.train`.
"""

from pathlib import Path

from vab_gym.envs.mobile.apps import PhoneApp
from vab_gym.envs.mobile.apps.zoom import data, goals, plans, screens, train

APP = PhoneApp(
    key="zoom",
    title="Zoom",
    start="/zoom",
    package="us.zoom.videomeetings",
    folder=Path(__file__).parent,
    routes=screens.routes,
    schema=data.SCHEMA,
    seed=data.seed,
    goals=goals.GOALS,
    plans=plans.PLANS,
    prototypes=train.PROTOTYPES,
    ground=train.ground,
    vary=train.vary,
)
