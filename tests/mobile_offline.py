"""What the Settings and Zoom tests share: a pristine phone database without a browser, its
judge state, and its screens' text through Starlette's test client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
from starlette.testclient import TestClient

from vab_gym.envs.mobile import judges, tasks
from vab_gym.envs.mobile.phone import seed
from vab_gym.envs.mobile.phone.app import create_app


class DbState:
    """A judge's view of a phone database (as the env gives it) on screen ``screen_app``."""

    def __init__(self, path: Path, screen_app: str) -> None:
        self.path = path
        self.screen_app = screen_app

    def sql(self, query: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        conn = seed.connect(self.path)
        try:
            return [dict(r) for r in conn.execute(query, params)]
        finally:
            conn.close()

    def execute(self, query: str, params: tuple | dict = ()) -> None:
        conn = seed.connect(self.path)
        try:
            with conn:
                conn.execute(query, params)
        finally:
            conn.close()


_PRISTINE: list[bytes] = []  # the seeded database's bytes, built once per test process


def pristine(tmp_path: Path, screen_app: str) -> DbState:
    """A fresh copy of the pristine phone database in ``tmp_path``."""
    path = tmp_path / "phone.db"
    if not _PRISTINE:
        seed.build(path)
        _PRISTINE.append(path.read_bytes())
    else:
        path.write_bytes(_PRISTINE[0])
    return DbState(path, screen_app)


def judge_task(task_id: str, state: DbState, answer: str | None = None) -> judges.Outcome:
    return judges.judge(tasks.judges()[task_id], state, answer)


def client(state: DbState) -> TestClient:
    return TestClient(create_app(state.path))


def screen_text(response: Any) -> str:
    """A page's text as a person reads it, field values and descriptions included."""
    assert response.status_code == 200, response.status_code
    tree = lxml.html.fromstring(response.text)
    extra = [v for v in tree.xpath("//input/@value | //@aria-label | //input/@placeholder")]
    return " ".join([tree.text_content(), *extra])
