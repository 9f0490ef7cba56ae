"""Training trajectories: the episode store's reading API, collection, recovery and exports.

Reading (docs/trajectories.md "Reading and exporting")::

    from vab_gym.trajectories import Trajectories

    data = Trajectories("runs/solver")
    for episode in data.episodes(env="VAB-CSS-v0", success=True, strategy="solver"):
        ...
    table = data.to_dataset(success=True)      # a datasets.Dataset, one row per step

The store itself (layout, atomic writes, images) is :class:`vab_gym.bench.store.EpisodeStore`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from vab_gym.bench.store import EpisodeStore, safe_name

FILTERS = ("env", "success", "strategy", "model", "split", "task")


def model_of(episode: dict[str, Any]) -> str | None:
    """The model an episode's agent ran (``None`` for program solvers and humans)."""
    return (episode.get("agent") or {}).get("model")


def matches(
    episode: dict[str, Any],
    *,
    env: str | None = None,
    success: bool | None = None,
    strategy: str | None = None,
    model: str | None = None,
    split: str | None = None,
    task: str | None = None,
) -> bool:
    """Whether an episode passes the filters (``None``: any value)."""
    wanted = {
        "env_id": env,
        "success": success,
        "strategy": strategy,
        "split": split,
        "task_id": task,
    }
    return all(value is None or episode.get(key) == value for key, value in wanted.items()) and (
        model is None or model_of(episode) == model
    )


class Trajectories:
    """The episodes of a store, filtered; ``store`` is a folder or an :class:`EpisodeStore`."""

    def __init__(self, store: str | os.PathLike[str] | EpisodeStore) -> None:
        if not isinstance(store, EpisodeStore) and not os.path.isdir(store):
            raise FileNotFoundError(
                f"no episode store at {store} (a folder that `vab-gym "
                "bench --out` or `vab-gym collect --out` wrote)"
            )
        self.store = store if isinstance(store, EpisodeStore) else EpisodeStore(store)

    def episodes(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """The episodes passing ``filters`` (:data:`FILTERS`), in path order."""
        unknown = set(filters) - set(FILTERS)
        if unknown:
            raise TypeError(f"unknown filters {sorted(unknown)}; have {FILTERS}")
        env = filters.get("env")
        paths = (
            sorted((self.store.root / "episodes" / safe_name(env)).glob("*.json"))
            if env
            else self.store.paths()
        )  # an env's episodes are in its folder
        for path in paths:
            episode = self.store.load(path)
            if matches(episode, **filters):
                yield episode

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self.episodes()

    def load(self, env_id: str, episode_id: str) -> dict[str, Any]:
        """One episode by its env and id."""
        path = self.store.root / "episodes" / safe_name(env_id) / f"{safe_name(episode_id)}.json"
        if path.is_file():
            return self.store.load(path)
        raise KeyError(f"no episode {episode_id!r} of {env_id} in {self.store.root}")

    def to_dataset(self, **filters: Any) -> Any:
        """The filtered episodes as a ``datasets.Dataset``, one row per step: the episode's
        metadata, the step's fields, and its screenshot as an ``Image`` (``None`` without)."""
        import datasets

        rows = []
        for episode in self.episodes(**filters):
            for step in episode["steps"]:
                image = (step.get("images") or {}).get("image")
                path = self.store.root / image if image else None
                rows.append(
                    {
                        "episode": episode["id"],
                        "env_id": episode["env_id"],
                        "task_id": episode["task_id"],
                        "split": episode.get("split"),
                        "strategy": episode.get("strategy"),
                        "model": model_of(episode),
                        "success": bool(episode.get("success")),
                        "instruction": episode.get("instruction", ""),
                        "step": step.get("step"),
                        "action": step.get("action"),
                        "thought": step.get("thought"),
                        "reply": step.get("reply"),
                        "text": step.get("text"),
                        "action_error": step.get("action_error"),
                        "reward": float(step.get("reward") or 0.0),
                        "progress": step.get("progress"),
                        "injected": bool(step.get("injected")),
                        "recovery": bool(step.get("recovery")),
                        "image": str(path) if path is not None and path.is_file() else None,
                    }
                )
        features = datasets.Features(
            {
                **{
                    name: datasets.Value("string")
                    for name in (
                        "episode",
                        "env_id",
                        "task_id",
                        "split",
                        "strategy",
                        "model",
                        "instruction",
                        "action",
                        "thought",
                        "reply",
                        "text",
                        "action_error",
                    )
                },
                "success": datasets.Value("bool"),
                "step": datasets.Value("int64"),
                "reward": datasets.Value("float64"),
                "progress": datasets.Value("float64"),
                "injected": datasets.Value("bool"),
                "recovery": datasets.Value("bool"),
                "image": datasets.Image(),
            }
        )
        return datasets.Dataset.from_list(rows, features=features)
