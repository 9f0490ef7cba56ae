"""The phone's Calendar (AndroidLab's calendar tasks): the event goal on states made to pass
and to fail, the strings AndroidLab's judges look for on its screens, a task by hand, the
solver, and the train split's grounding and variants."""

import sqlite3

import numpy as np
import pytest

from tests.mobile_helpers import DbState, finish
from vab_gym.agents.base import make_solver, run_episode
from vab_gym.envs.mobile.apps import by_key
from vab_gym.envs.mobile.apps.calendar import data
from vab_gym.envs.mobile.env import MobileEnv
from vab_gym.envs.mobile.judge import judge
from vab_gym.envs.mobile.phone import seed
from vab_gym.envs.mobile.tasks import judges

NEW = (
    "INSERT INTO events (title, starts_on, start_min, ends_on, end_min, all_day, repeat, "
    "reminders, note) VALUES "
)


@pytest.fixture(scope="module")
def env():
    env = MobileEnv(image_size=(240, 108))
    yield env
    env.close()


@pytest.fixture
def pristine(tmp_path):
    """The pristine phone database as a judge's state, calendar on screen."""
    return DbState.pristine(tmp_path, "calendar")


def texts(env):
    return [t for e in env.elements for t in (e.text, e.desc) if t]


def tap(env, accept):
    for number, element in enumerate(env.elements, 1):
        if accept(element):
            _obs, _r, _term, _trunc, info = env.step(f"tap({number})")
            assert info["action_error"] is None
            return
    raise AssertionError(f"not on the screen: {texts(env)}")


@pytest.mark.parametrize(
    ("task_id", "changes", "success", "progress"),
    [
        # calendar_1: a new "work" today at 5:00 PM; the seeded one does not count
        (
            "calendar_1",
            [NEW + "('work', '2024-05-10', 1020, '2024-05-10', 1080, 0, '', '', '')"],
            True,
            1.0,
        ),
        ("calendar_1", [], False, 0.0),
        (
            "calendar_1",
            [NEW + "('work', '2024-05-11', 1020, '2024-05-11', 1080, 0, '', '', '')"],
            False,
            2 / 3,
        ),
        (
            "calendar_4",
            [NEW + "('x', '2024-06-01', 600, '2024-06-01', 660, 0, 'Monthly', '', '')"],
            True,
            1.0,
        ),
        (
            "calendar_4",
            [NEW + "('x', '2024-06-01', 600, '2024-06-01', 660, 0, 'Yearly', '', '')"],
            False,
            2 / 3,
        ),
        ("calendar_5", ["UPDATE events SET end_min = 1140 WHERE title = 'work'"], True, 1.0),
        ("calendar_5", ["UPDATE events SET end_min = 1110 WHERE title = 'work'"], False, 2 / 3),
        # calendar_7: the text asks for 5 and 10 minutes before; AndroidLab checks 30
        ("calendar_7", ["UPDATE events SET reminders = '5,10' WHERE title = 'meeting'"], True, 1.0),
        ("calendar_7", [], False, 3 / 4),
        (
            "calendar_7",
            ["UPDATE events SET reminders = '10' WHERE title = 'meeting'"],
            False,
            3 / 4,
        ),
        ("calendar_9", ["UPDATE events SET repeat = 'Daily' WHERE title = 'work'"], True, 1.0),
        (
            "calendar_9",
            ["UPDATE events SET repeat = 'Daily', reminders = '' WHERE title = 'work'"],
            False,
            4 / 5,
        ),
        # calendar_12: the note on the event titled "Today", not on "this day" (AndroidLab's)
        ("calendar_12", ["UPDATE events SET note = 'Hello' WHERE title = 'Today'"], True, 1.0),
        (
            "calendar_12",
            ["UPDATE events SET note = 'Hello', repeat = 'Weekly' WHERE title = 'this day'"],
            False,
            0.5,
        ),
        (
            "calendar_13",
            [NEW + "('exam', '2024-05-10', 600, '2024-05-10', 660, 0, '', '', '')"],
            True,
            1.0,
        ),
        ("calendar_13", [], False, 0.0),
        # calendar_14: all-day, not AndroidLab's "Yearly"
        ("calendar_14", ["UPDATE events SET all_day = 1 WHERE title = 'exam'"], True, 1.0),
        ("calendar_14", ["UPDATE events SET repeat = 'Yearly' WHERE title = 'exam'"], False, 0.5),
    ],
)
def test_event_goal(pristine, task_id, changes, success, progress):
    """The task's judge on the pristine database changed by ``changes`` (SQL)."""
    for change in changes:
        pristine.execute(change)
    spec = {k: v for k, v in judges()[task_id].items() if k != "differs"}
    outcome = judge(spec, pristine, None)
    assert outcome.complete is success
    assert outcome.progress == pytest.approx(progress)


def test_dates_times_and_reminders_are_written_as_androidlabs_judges_read_them():
    # evaluation/tasks/calendar/calendar.py: "Today", "May 21", "Jun 01", "5:00 PM",
    # "10 minutes before "
    assert data.day_text("2024-05-10") == "Today"
    assert "May 21" in data.day_text("2024-05-21")
    assert "Jun 01" in data.day_text("2024-06-01")
    assert data.time_text(17 * 60) == "5:00 PM"
    assert data.reminder_text(10) == "10 minutes before"
    assert data.reminder_text(60) == "1 hour before"


def test_the_judged_strings_are_on_the_screens(env):
    env.reset(options={"task_id": "calendar_8"})
    assert "May 2024" in texts(env) and "work" in texts(env)
    tap(env, lambda e: e.text == "work")
    shown = texts(env)
    assert {"work", "Today", "30 minutes before"} <= set(shown)
    assert any("5:00 PM" in t for t in shown)
    tap(env, lambda e: e.text == "Schedule" or e.desc == "Close")
    tap(env, lambda e: e.text == "Schedule")
    tap(env, lambda e: e.clickable and e.content.startswith("meeting "))
    assert {"meeting", "conference room B202", "30 minutes before"} <= set(texts(env))
    assert any("May 13" in t for t in texts(env))


def test_a_repeat_set_by_hand(env):
    """calendar_11 through taps: Schedule, the event, Edit, Repeat, Weekly, Save."""
    env.reset(options={"task_id": "calendar_11"})
    tap(env, lambda e: e.text == "Schedule")
    tap(env, lambda e: e.clickable and e.content.startswith("this day "))
    tap(env, lambda e: e.desc == "Edit event")
    tap(env, lambda e: e.desc == "Repeat Does not repeat")
    tap(env, lambda e: e.cls == "RadioButton" and e.content == "Weekly")
    assert "Repeat Weekly" in texts(env)
    tap(env, lambda e: e.text == "Save")
    assert "Weekly" in texts(env)  # the event's page shows its repeat
    reward, info = finish(env)
    assert info["success"] and reward == 1.0


@pytest.mark.parametrize("task_id", ["calendar_2", "calendar_14"])
def test_the_solver_solves_a_sample(env, task_id):
    result = run_episode(env, make_solver(env), task_id=task_id)
    assert result.success, result.judge
    assert all(step.info["action_error"] is None for step in result.steps)


def _database(tmp_path, name, variant=None):
    path = tmp_path / f"{name}.db"
    seed.build(path)
    conn = seed.connect(path)
    if variant is not None:
        with conn:
            data.vary(conn, np.random.default_rng(variant))
    return conn


def _events(conn: sqlite3.Connection):
    return [tuple(r) for r in conn.execute("SELECT * FROM events ORDER BY id")]


def test_variants_and_groundings_are_reproducible(tmp_path):
    app = by_key()["calendar"]
    first, again = _database(tmp_path, "a", 3), _database(tmp_path, "b", 3)
    other = _database(tmp_path, "c", 4)
    assert _events(first) == _events(again) != _events(other)
    assert len(_events(first)) == len(data.EVENTS) + 4
    # the added events' titles differ between variants (4 of 8 titles each)
    added = [
        {
            r["title"]
            for r in _database(tmp_path, f"v{v}", v).execute(
                "SELECT title FROM events WHERE id > ?", (len(data.EVENTS),)
            )
        }
        for v in range(3)
    ]
    assert len(set.union(*added)) > 4
    for prototype in app.prototypes:
        one = app.ground(first, np.random.default_rng(7), prototype)
        two = app.ground(again, np.random.default_rng(7), prototype)
        assert one == two and one is not None, prototype.id


def test_an_edit_grounds_on_an_event_the_calendar_has(tmp_path):
    app = by_key()["calendar"]
    conn = _database(tmp_path, "a", 5)
    prototype = next(p for p in app.prototypes if p.id == "calendar_edit_repeat")
    filling = app.ground(conn, np.random.default_rng(1), prototype)
    row = conn.execute("SELECT * FROM events WHERE title = ?", (filling["title"],)).fetchall()
    assert len(row) == 1 and row[0]["repeat"] != filling["repeat"]
    task = prototype.instantiate(filling, task_id="t", env="VAB-Mobile-v0", split="train", setup={})
    assert task.judge["params"]["repeat"] in data.REPEATS
    assert f'"{filling["title"]}"' in task.instruction
