"""Maps.me (AndroidLab's ``map.yaml``, package com.mapswithme.maps.pro): an offline vector
map drawn from data, search by name and by category nearby, place pages, routes by mode,
navigation, bookmarks and My places (Home, Work). See docs/mobile-mapme.md."""

from __future__ import annotations

from pathlib import Path

from vab_gym.envs.mobile.apps import PhoneApp
from vab_gym.envs.mobile.apps.mapme import data, goals, screens, train

APP = PhoneApp(
    key="mapme",
    title="Maps.me",
    start="/mapme",
    package="com.mapswithme.maps.pro",
    folder=Path(__file__).parent,
    routes=screens.routes,
    schema=data.SCHEMA,
    seed=data.seed,
    goals=goals.GOALS,
    plans=goals.PLANS,
    prototypes=train.PROTOTYPES,
    ground=train.ground,
    vary=train.vary,
)
