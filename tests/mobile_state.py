"""A phone database as a judge's state, without a browser: the pristine seed in a temporary
file, changed by SQL, read by the same ``judges.judge`` the env calls."""

import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vab_gym.envs.mobile import judges, tasks
from vab_gym.envs.mobile.phone import seed


@cache
def _pristine_file() -> Path:
    path = Path(tempfile.mkdtemp(prefix="vab-mobile-seed-")) / "phone.db"
    seed.build(path)
    return path


@cache
def _specs() -> dict[str, dict]:
    return tasks.judges()


@dataclass
class DbState:
    path: Path
    screen_app: str = ""

    @classmethod
    def pristine(cls, folder: Path, screen_app: str = "") -> "DbState":
        shutil.copyfile(_pristine_file(), folder / "phone.db")  # built once per session
        return cls(folder / "phone.db", screen_app)

    def sql(self, query: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        conn = seed.connect(self.path)
        try:
            return [dict(r) for r in conn.execute(query, params)]
        finally:
            conn.close()

    def connect(self):
        return seed.connect(self.path)

    def execute(self, query: str, params: tuple | dict = ()) -> None:
        conn = seed.connect(self.path)
        try:
            with conn:
                conn.execute(query, params)
        finally:
            conn.close()

    def judge(self, task_id: str, answer: str | None = None) -> judges.Outcome:
        """The task's shipped judge spec on this state."""
        return judges.judge(_specs()[task_id], self, answer)
