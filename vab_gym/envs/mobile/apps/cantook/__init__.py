"""Cantook (AndroidLab's cantook tasks): an e-book app with the My Books shelf, Categories,
Collections, book info ("Mark as read"/"Mark as unread", progress), a reader and an import
browser of the phone's files."""

from pathlib import Path

from vab_gym.envs.mobile.apps import PhoneApp
from vab_gym.envs.mobile.apps.cantook import data, goals, plans, screens, train

APP = PhoneApp(
    key="cantook",
    title="Cantook",
    start="/cantook/books",
    package="Cantook",
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
