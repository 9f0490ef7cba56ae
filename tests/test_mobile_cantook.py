"""Cantook on the embedded phone: AndroidLab's judged strings on its screens, each goal on
states made to pass and to fail, query answers, a task done by hand, the solver, and the
train split's grounding and variations."""

import numpy as np
import pytest

from tests.mobile_helpers import DbState, finish, number_of
from vab_gym.agents.base import make_solver, run_episode
from vab_gym.envs.mobile.apps.cantook import APP
from vab_gym.envs.mobile.env import MobileEnv

# evaluation/tasks/cantook/cantook.py SingleTask_cantook_10: the reader's line, verbatim.
ROMEO_LINE = "Mer. Thou desir'st me to stop in my tale against the haire"


@pytest.fixture(scope="module")
def env():
    env = MobileEnv(image_size=(240, 108))
    yield env
    env.close()


def texts(env):
    return [e.text for e in env.elements if e.cls == "TextView"]


def test_the_shelf_and_the_screens_show_androidlabs_strings(env):
    env.reset(options={"task_id": "cantook_1"})
    assert env.screen.url == "/cantook/books" and env.screen.app == "cantook"
    tabs = {e.text: e.selected for e in env.elements if e.cls == "TabView"}
    assert tabs == {"My Books": True, "Categories": False, "Collections": False}
    # Recently added first: Frankenstein, then Hamlet by William Shakespeare (cantook_3)
    shown = texts(env)
    assert shown.index("Frankenstein") < shown.index("Hamlet") < shown.index("The Scarlet Letter")
    assert "Pride and Prejudice" not in shown and "Don Quixote" in shown
    env.step(f"tap({number_of(env, 'Book info: Romeo and Juliet')})")
    assert {"Romeo and Juliet", "37.8%", "Mark as read"} <= set(texts(env))
    env.step("back()")
    env.step(f"tap({number_of(env, 'Romeo and Juliet', 'TextView')})")  # opens the reader
    assert ROMEO_LINE in texts(env)  # a TextView holding exactly the judged line
    env.step("back()")
    env.step(f"tap({number_of(env, 'Categories', 'TabView')})")
    env.step(f"tap({number_of(env, 'Tragedies', 'TextView')})")
    assert {"Tragedies", "Hamlet", "Romeo and Juliet"} <= set(texts(env))
    assert "Oliver Twist" not in texts(env)


@pytest.mark.parametrize(
    ("task_id", "changes", "success", "progress"),
    [
        (
            "cantook_6",
            [
                "INSERT INTO books (title, author, category, added, file) VALUES "
                "('Alice''s Adventures in Wonderland', 'Lewis Carroll', 'Children''s books', "
                "'2024-05-10 12:00', 'Alice''s Adventures in Wonderland.epub')"
            ],
            True,
            1.0,
        ),
        ("cantook_6", [], False, 0.0),
        ("cantook_7", ["DELETE FROM books WHERE title = 'Don Quixote'"], True, 1.0),
        ("cantook_7", ["DELETE FROM books WHERE title IN ('Don Quixote', 'Hamlet')"], False, 2 / 3),
        (
            "cantook_8",
            ["UPDATE books SET finished = 1, progress = 100.0 WHERE title = 'Hamlet'"],
            True,
            1.0,
        ),
        (
            "cantook_8",
            ["UPDATE books SET finished = 1, progress = 100.0 WHERE title = 'Macbeth'"],
            False,
            0.5,
        ),  # Hamlet is on the shelf but unread
        (
            "cantook_9",
            ["UPDATE books SET finished = 0, progress = 0 WHERE title = 'Oliver Twist'"],
            True,
            1.0,
        ),
        ("cantook_9", [], False, 0.5),  # Oliver Twist starts marked as read
        (
            "cantook_12",
            ["INSERT INTO collections (name, created) VALUES ('Favorite', 'now')"],
            True,
            1.0,
        ),
        (
            "cantook_12",
            ["INSERT INTO collections (name, created) VALUES ('Favourites', 'now')"],
            False,
            0.0,
        ),
    ],
)
def test_state_goals(tmp_path, task_id, changes, success, progress):
    state = DbState.pristine(tmp_path, "cantook")
    for change in changes:
        state.execute(change)
    outcome = state.judge(task_id)
    assert outcome.complete is success and outcome.progress == pytest.approx(progress)


@pytest.mark.parametrize(
    ("task_id", "view", "app", "success", "progress"),
    [
        ("cantook_10", "reader:Romeo and Juliet", "cantook", True, 1.0),
        ("cantook_10", "reader:Hamlet", "cantook", False, 0.5),
        ("cantook_10", "reader:Romeo and Juliet", "launcher", False, 0.0),  # left with Home
        ("cantook_11", "category:Tragedies", "cantook", True, 1.0),
        ("cantook_11", "categories", "cantook", False, 0.5),
    ],
)
def test_the_open_screen_goal(tmp_path, task_id, view, app, success, progress):
    state = DbState.pristine(tmp_path, app)
    state.execute("UPDATE settings SET value = ? WHERE app = 'cantook' AND key = 'view'", (view,))
    outcome = state.judge(task_id)
    assert outcome.complete is success and outcome.progress == pytest.approx(progress)


def test_the_seed_holds_androidlabs_standard_answers(tmp_path):
    """evaluation/tasks/cantook/cantook.py: cantook_1 "No", cantook_2 "The Scarlet Letter",
    cantook_3 "William Shakespeare", cantook_4 "Two", cantook_5 "37.8%"; cantook_9's book
    (the second recently read) is Oliver Twist, cantook_11's category holds Hamlet and Romeo
    and Juliet."""
    state = DbState.pristine(tmp_path)
    titles = [r["title"] for r in state.sql("SELECT title FROM books")]
    assert "Pride and Prejudice" not in titles and {"Don Quixote", "Hamlet"} <= set(titles)
    read = [
        r["title"]
        for r in state.sql("SELECT title FROM books WHERE last_read != '' ORDER BY last_read DESC")
    ]
    assert read[:2] == ["The Scarlet Letter", "Oliver Twist"]
    added = state.sql("SELECT author FROM books ORDER BY added DESC")
    assert added[1]["author"] == "William Shakespeare"
    assert state.sql("SELECT COUNT(*) AS n FROM books WHERE author = 'Charles Dickens'") == [
        {"n": 2}
    ]
    assert state.sql("SELECT progress FROM books WHERE title = 'Romeo and Juliet'") == [
        {"progress": 37.8}
    ]
    assert {
        r["title"] for r in state.sql("SELECT title FROM books WHERE category = 'Tragedies'")
    } == {"Hamlet", "Romeo and Juliet"}


@pytest.mark.parametrize(
    ("task_id", "answer", "success"),
    [
        ("cantook_1", "No, Pride and Prejudice is not on your shelf.", True),
        ("cantook_1", "Yes", False),
        ("cantook_2", "The Scarlet Letter", True),
        ("cantook_2", "Oliver Twist", False),
        ("cantook_3", "William Shakespeare", True),
        ("cantook_3", "Mary Shelley", False),
        ("cantook_4", "You have two Charles Dickens books.", True),
        ("cantook_4", "3", False),
        ("cantook_5", "37.8%", True),
        ("cantook_5", "64.2%", False),
    ],
)
def test_query_answers(tmp_path, task_id, answer, success):
    assert DbState.pristine(tmp_path).judge(task_id, answer).complete is success


def test_mark_hamlet_as_read_by_hand(env):
    env.reset(options={"task_id": "cantook_8"})
    env.step(f"tap({number_of(env, 'Book info: Hamlet')})")
    assert "Mark as read" in texts(env) and "0.0%" in texts(env)
    env.step(f"tap({number_of(env, 'Mark as read', 'TextView')})")
    # AndroidLab's judge: the info page shows Hamlet, "Mark as unread" and "100.0%"
    assert {"Hamlet", "Mark as unread", "100.0%"} <= set(texts(env))
    reward, info = finish(env)
    assert reward == 1.0 and info["success"]


def test_import_from_download_ebooks_by_hand(env):
    env.reset(options={"task_id": "cantook_6"})
    env.step(f"tap({number_of(env, 'Import')})")
    env.step(f"tap({number_of(env, 'Download', 'TextView')})")
    env.step(f"tap({number_of(env, 'Ebooks', 'TextView')})")
    env.step(f"tap({number_of(env, 'Alice' + chr(39) + 's Adventures in Wonderland.epub')})")
    assert env.screen.url == "/cantook/books"
    shown = texts(env)
    assert shown[shown.index("Recently added") + 1] == "Alice's Adventures in Wonderland"
    assert not any(".epub" in t for t in shown)  # cantook_6's judge_page
    reward, _info = finish(env)
    assert reward == 1.0


def test_the_test_split_holds_androidlabs_cantook_tasks():
    """evaluation/config/cantook.yaml: 12 tasks, the first 5 queries, APP 'Cantook'."""
    tasks = [t for t in MobileEnv.default_tasks("test") if t.id.startswith("cantook_")]
    assert [t.id for t in tasks] == [f"cantook_{i}" for i in range(1, 13)]
    assert tasks[0].instruction == (
        "You should use Cantook to complete the following task: "
        + "Do I have Pride and Prejudice on my bookshelf?"
    )
    assert [t.judge["kind"] for t in tasks] == ["query"] * 5 + ["state"] * 7
    assert all(t.setup == {"app": "cantook", "start": APP.start} for t in tasks)


@pytest.mark.parametrize("task_id", ["cantook_10", "cantook_11"])
def test_the_solver_solves_a_sample(env, task_id):
    result = run_episode(env, make_solver(env), task_id=task_id)
    assert result.success, result.judge


@pytest.fixture()
def pristine(tmp_path):
    conn = DbState.pristine(tmp_path).connect()
    yield conn
    conn.close()


def _shelf(conn):
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT title, added, last_read, progress, finished FROM books ORDER BY id"
        )
    ]


def test_vary_is_reproducible_and_changes_the_shelf(tmp_path):
    shelves = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        conn = DbState.pristine(tmp_path / name).connect()
        original = _shelf(conn)
        APP.vary(conn, np.random.default_rng(3))
        shelves.append(_shelf(conn))
        conn.close()
    assert shelves[0] == shelves[1] and shelves[0] != original
    titles = {row[0] for row in shelves[0]}
    assert "Alice's Adventures in Wonderland" not in titles  # still to be imported


def test_ground_fills_query_answers_from_the_shelf(pristine):
    by_id = {p.id: p for p in APP.prototypes}
    dickens_and_co = {
        "Charles Dickens": "2",
        "William Shakespeare": "2",
        "Mary Shelley": "1",
        "Nathaniel Hawthorne": "1",
        "Miguel de Cervantes": "1",
        "Herman Melville": "1",
    }
    for n in range(6):
        filling = APP.ground(pristine, np.random.default_rng(n), by_id["cantook_author_count"])
        assert filling["answer"] == dickens_and_co[filling["author"]]
    assert APP.ground(
        pristine, np.random.default_rng(0), by_id["cantook_author_count"]
    ) == APP.ground(pristine, np.random.default_rng(0), by_id["cantook_author_count"])
    progress = {
        "Romeo and Juliet": "37.8",
        "The Scarlet Letter": "64.2",
        "Hamlet": "0.0",
        "Oliver Twist": "100.0",
        "Frankenstein": "0.0",
        "Don Quixote": "0.0",
        "A Tale of Two Cities": "81.3",
        "Moby Dick": "12.5",
    }
    for n in range(6):
        filling = APP.ground(pristine, np.random.default_rng(n), by_id["cantook_progress"])
        assert filling["answer"] == progress[filling["title"]]
    task = by_id["cantook_progress"].instantiate(
        {"title": "Romeo and Juliet", "answer": "37.8"},
        task_id="t",
        env="VAB-Mobile-v0",
        split="train",
        setup={},
    )
    assert task.instruction == "What is my progress in reading Romeo and Juliet?"
    assert task.judge["match"] == {"type": "number", "value": "37.8"}
    # only unread books can be marked as read; only finished ones as unread
    for n in range(4):
        assert APP.ground(pristine, np.random.default_rng(n), by_id["cantook_mark_unread"]) == {
            "title": "Oliver Twist"
        }
