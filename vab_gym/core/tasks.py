"""Tasks as data: one JSON object per task, loaded from package data or user files."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

from vab_gym.core.errors import TaskError

SPLITS = ("test", "train")
Record = TypeVar("Record")


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


def setup_record(cls: type[Record]) -> type[Record]:
    """Make ``cls`` an env's typed setup: a frozen pydantic dataclass with strict types
    (no ``"3"`` for 3) that refuses unknown keys (a misspelt one is named, not ignored)."""
    from pydantic.dataclasses import dataclass as pydantic_dataclass

    made = pydantic_dataclass(frozen=True, config={"strict": True, "extra": "forbid"})(cls)
    return cast(type[Record], made)


def setup_of(task: Task, record: type[Record]) -> Record:
    """``task.setup`` as the env's typed setup ``record`` (made by :func:`setup_record`),
    so a bad task fails when it is loaded and the message names its field, not when an
    episode reaches it with a ``KeyError``."""
    from pydantic import ValidationError

    if not isinstance(task.setup, dict) or not all(isinstance(k, str) for k in task.setup):
        raise TaskError(
            f"task {task.id!r}: setup must be an object with string keys, got {task.setup!r:.80}"
        )
    try:
        return record(**task.setup)
    except ValidationError as exc:
        problems = "; ".join(
            f"setup.{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            + (
                ""
                if error["type"] in ("missing", "unexpected_keyword_argument")
                else f" (got {error['input']!r:.80})"
            )
            for error in exc.errors()
        )
        raise TaskError(f"task {task.id!r}: {problems}") from None


def read_jsonl(path: str | Path, record: type | None = None) -> list[Task]:
    """Tasks from a JSONL file, one task object per line; with ``record``, each task's
    setup is checked against it (:func:`setup_of`) and an error names the line."""
    tasks = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    task = Task.from_dict(json.loads(line))
                    if record is not None:
                        setup_of(task, record)
                    tasks.append(task)
                except (json.JSONDecodeError, ValueError, TypeError) as exc:
                    raise TaskError(f"{path}:{n}: bad task: {exc}") from None
    return tasks


def tasks_by_seed(
    make: Callable[[int, int], list[Task]], count: int, shipped: TaskSet, first_seed: int = 1
) -> list[Task]:
    """Up to ``count`` tasks that ``shipped`` lacks, from ``make(n, seed)`` with the seeds
    ``first_seed``, ``first_seed + 1``, ... (a shipped split is usually seed 0's), until a
    seed gives nothing new. For an env's ``fresh_tasks`` generator."""
    tasks: list[Task] = []
    for seed in itertools.count(first_seed):
        batch = [t for t in make(count - len(tasks), seed) if t.id not in shipped]
        tasks += batch
        if not batch or len(tasks) >= count:
            break
    return tasks[:count]


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
