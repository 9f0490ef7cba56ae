"""Android 13's Settings app (AndroidLab's setting.yaml, package com.android.settings).

Screens in :mod:`.screens`, pristine state in :mod:`.data`, judge goals in :mod:`.goals`,
the solver's plans in :mod:`.plans`, train prototypes in :mod:`.train`.
"""

from pathlib import Path

from vab_gym.envs.mobile.apps import PhoneApp
from vab_gym.envs.mobile.apps.settings import data, goals, plans, screens, train

APP = PhoneApp(
    key="settings",
    title="Settings",
    start="/settings",
    package="com.android.settings",
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
