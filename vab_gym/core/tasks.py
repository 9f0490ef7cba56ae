"""Tasks as data: one JSON object per task, loaded from package data or user files."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

SPLITS = ("test", "train")


@dataclass(frozen=True)
class Task:
    """One task: what the agent is asked, how its world is set up, how it is judged.

    ``setup`` and ``judge`` are declarative specs read by the env that runs the task;
    ``metadata`` holds provenance (source, prototype, difficulty) and is never shown to
    the agent.
    """

    id: str
    env: str
    split: str
    instruction: str
    setup: dict[str, Any]
    judge: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Task:
        missing = {"id", "env", "split", "instruction", "setup", "judge"} - data.keys()
        if missing:
            raise ValueError(f"task {data.get('id', '?')!r} lacks {sorted(missing)}")
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class TaskSet:
    """An ordered collection of tasks with lookup by id."""

    def __init__(self, tasks: Iterable[Task]) -> None:
        self._tasks: dict[str, Task] = {}
        for task in tasks:
            if task.id in self._tasks:
                raise ValueError(f"duplicate task id {task.id!r}")
            self._tasks[task.id] = task

    def __len__(self) -> int:
        return len(self._tasks)

    def __iter__(self) -> Iterator[Task]:
        return iter(self._tasks.values())

    def __contains__(self, task_id: str) -> bool:
        return task_id in self._tasks

    def __getitem__(self, task_id: str) -> Task:
        try:
            return self._tasks[task_id]
        except KeyError:
            raise KeyError(f"no task {task_id!r} (have {len(self)} tasks)") from None

    @property
    def ids(self) -> list[str]:
        return list(self._tasks)

    def filter(self, *, split: str | None = None) -> TaskSet:
        return TaskSet(t for t in self if split is None or t.split == split)


def read_jsonl(path: str | Path) -> list[Task]:
    """Tasks from a JSONL file, one task object per line."""
    tasks = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    tasks.append(Task.from_dict(json.loads(line)))
                except (json.JSONDecodeError, ValueError, TypeError) as exc:
                    raise ValueError(f"{path}:{n}: bad task: {exc}") from None
    return tasks


def write_jsonl(tasks: Iterable[Task], path: str | Path) -> int:
    """Write tasks one per line (sorted keys, so files diff well); return the count."""
    count = 0
    with open(path, "w", encoding="utf-8") as f:
        for task in tasks:
            f.write(json.dumps(task.to_dict(), sort_keys=True, ensure_ascii=False) + "\n")
            count += 1
    return count


def package_tasks(package: str, split: str) -> TaskSet:
    """The tasks an env ships as ``<package>/data/<split>.jsonl``."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; splits are {SPLITS}")
    data = resources.files(package) / "data" / f"{split}.jsonl"
    if not data.is_file():
        return TaskSet([])
    with resources.as_file(data) as path:
        return TaskSet(read_jsonl(path))
