"""What the VAB-Mobile tests share.

A phone database as a judge's state without a browser (:class:`DbState`: the pristine seed
in a temporary file, changed by SQL, read by the same ``mobile_judge.judge`` the env calls), its
screens through Starlette's test client, and the env helpers that find an element by its
words and finish an episode.
"""

import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
from starlette.testclient import TestClient

from vab_gym.envs.mobile import judge as mobile_judge
from vab_gym.envs.mobile import tasks
from vab_gym.envs.mobile.phone import seed
from vab_gym.envs.mobile.phone.app import create_app


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

    def judge(self, task_id: str, answer: str | None = None) -> mobile_judge.Outcome:
        """The task's shipped judge spec on this state."""
        return mobile_judge.judge(_specs()[task_id], self, answer)


def client(state: DbState) -> TestClient:
    """The phone's app serving ``state``'s database, without a server or a browser."""
    return TestClient(create_app(state.path))


def screen_text(response: Any) -> str:
    """A page's text as a person reads it, field values and descriptions included."""
    assert response.status_code == 200, response.status_code
    tree = lxml.html.fromstring(response.text)
    extra = [v for v in tree.xpath("//input/@value | //@aria-label | //input/@placeholder")]
    return " ".join([tree.text_content(), *extra])


def number_of(env: Any, text: str, cls: str | None = None, *, content: bool = False) -> int:
    """The label number of the first element reading ``text`` (its text or description; also
    the words inside it with ``content``), as a person finds it."""
    for number, element in enumerate(env.elements, 1):
        words = (
            (element.text, element.desc, element.content)
            if content
            else (element.text, element.desc)
        )
        if text in words and cls in (None, element.cls):
            return number
    raise AssertionError(f"{text!r} is not on the screen: {[e.label for e in env.elements]}")


def finish(env: Any, message: str | None = None) -> tuple[float, dict[str, Any]]:
    """End the episode with ``finish`` (and its message); the reward and the info."""
    _obs, reward, terminated, _truncated, info = env.step(
        "finish()" if message is None else f"finish({message!r})"
    )
    assert terminated
    return reward, info
