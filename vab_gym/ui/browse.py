"""Reading a store for the viewer: its runs, episode summaries, filters and success rates.

A *run* is a store folder (``episodes/`` + ``images/``, docs/episode-store.md): the store
given to ``vab-gym ui`` itself, and every folder directly inside it that is a store too (a
folder of ``vab-gym bench`` runs). List pages read episode JSONs only (never images), each
once per change of its file (a cache keyed by modification time and size).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vab_gym.bench.store import EpisodeStore

ROOT_RUN = "@"  # the name of the store given to the viewer among its runs


class OutsideStore(ValueError):
    """A requested path that would leave the store (``..``, absolute, symlinks out)."""


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, resolved, if it stays inside ``root``; else :class:`OutsideStore`."""
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or target == base:
        raise OutsideStore(relative)
    return target


@dataclass(frozen=True)
class Summary:
    """What the list pages show of an episode (its steps and images stay on disk)."""

    run: str
    env_id: str
    name: str  # the file's stem: the episode's address with run and env
    id: str
    task_id: str
    split: str
    strategy: str
    model: str
    success: bool
    progress: float
    steps: int
    reason: str

    @property
    def key(self) -> str:
        return f"{self.run}/{self.env_id}/{self.name}"


def model_label(agent: dict[str, Any]) -> str:
    """The Model column: the LMM's model, else the agent's kind (solver, human, ...)."""
    return str(agent.get("model") or agent.get("kind") or "?")


def _summary(run: str, path: Path, episode: dict[str, Any]) -> Summary:
    return Summary(
        run=run,
        env_id=path.parent.name,
        name=path.stem,
        id=str(episode.get("id", path.stem)),
        task_id=str(episode.get("task_id", "")),
        split=str(episode.get("split", "")),
        strategy=str(episode.get("strategy", "")),
        model=model_label(episode.get("agent") or {}),
        success=bool(episode.get("success")),
        progress=float(episode.get("progress") or 0.0),
        steps=len(episode.get("steps", [])),
        reason=str((episode.get("judge") or {}).get("reason", "")),
    )


class StoreIndex:
    """The runs under a root folder and their episodes' summaries."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self._cache: dict[Path, tuple[tuple[float, int], Summary]] = {}

    def runs(self) -> dict[str, Path]:
        """Run name -> folder: the root (if it holds episodes) and its sub-stores."""
        found: dict[str, Path] = {}
        if (self.root / "episodes").is_dir():
            found[ROOT_RUN] = self.root
        if self.root.is_dir():
            for child in sorted(self.root.iterdir()):
                if (
                    child.is_dir()
                    and (child / "episodes").is_dir()
                    and child.resolve().is_relative_to(self.root)
                ):
                    found[child.name] = child
        return found

    def run_root(self, run: str) -> Path:
        runs = self.runs()
        if run not in runs:
            raise KeyError(run)
        return runs[run]

    def store(self, run: str) -> EpisodeStore:
        return EpisodeStore(self.run_root(run))

    def episode_path(self, run: str, env_id: str, name: str) -> Path:
        path = inside(self.run_root(run) / "episodes", f"{env_id}/{name}.json")
        if not path.is_file():
            raise KeyError(name)
        return path

    def load(self, run: str, env_id: str, name: str) -> dict[str, Any]:
        return json.loads(self.episode_path(run, env_id, name).read_text())

    def summaries(self) -> list[Summary]:
        """Every episode of every run (unreadable files are left out)."""
        out: list[Summary] = []
        seen: set[Path] = set()
        for run, folder in self.runs().items():
            for path in EpisodeStore(folder).paths():
                seen.add(path)
                stat = path.stat()
                stamp = (stat.st_mtime, stat.st_size)
                cached = self._cache.get(path)
                if cached is None or cached[0] != stamp:
                    try:
                        cached = (stamp, _summary(run, path, json.loads(path.read_text())))
                    except (OSError, ValueError):
                        continue
                    self._cache[path] = cached
                out.append(cached[1])
        for gone in set(self._cache) - seen:
            del self._cache[gone]
        return out

    def bench_summary(self, run: str) -> dict[str, Any] | None:
        """A bench run's summary.json (its leaderboard numbers), if the run has one."""
        path = self.run_root(run) / "summary.json"
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None


FILTERS = ("run", "env", "task", "success", "strategy", "model")


def matches(summary: Summary, filters: dict[str, str]) -> bool:
    """``filters``: exact run, env, strategy and model; ``task`` a substring of the task id;
    ``success`` ``yes`` or ``no``. Empty values match everything."""
    checks = {
        "run": summary.run,
        "env": summary.env_id,
        "strategy": summary.strategy,
        "model": summary.model,
    }
    for key, value in checks.items():
        if filters.get(key) and filters[key] != value:
            return False
    if filters.get("task") and filters["task"] not in summary.task_id:
        return False
    success = filters.get("success")
    return not (success in ("yes", "no") and summary.success != (success == "yes"))


@dataclass(frozen=True)
class Rate:
    env_id: str
    episodes: int
    successes: int

    @property
    def percent(self) -> float:
        return 100.0 * self.successes / self.episodes if self.episodes else 0.0


def success_rates(summaries: list[Summary]) -> list[Rate]:
    """Per env: episodes, judged successes (the order of first appearance)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for summary in summaries:
        counts[summary.env_id][0] += 1
        counts[summary.env_id][1] += summary.success
    return [Rate(env, n, wins) for env, (n, wins) in counts.items()]


def progress_points(
    episode: dict[str, Any], width: int = 600, height: int = 120, pad: int = 8
) -> list[tuple[float, float, int]]:
    """The progress curve as SVG points ``(x, y, step)``: the reset, then each step."""
    values = [float((episode.get("reset") or {}).get("progress") or 0.0)]
    values += [float(step.get("progress") or 0.0) for step in episode.get("steps", [])]
    span = max(1, len(values) - 1)
    return [
        (
            round(pad + (width - 2 * pad) * i / span, 1),
            round(height - pad - (height - 2 * pad) * min(1.0, max(0.0, v)), 1),
            i,
        )
        for i, v in enumerate(values)
    ]
