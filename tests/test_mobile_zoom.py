"""Zoom on the embedded phone (AndroidLab's zoom.yaml): the judges on states made to pass
and to fail, the strings AndroidLab's judges look for (evaluation/tasks/zoom/zoom.py) on the
screens, a meeting ID typed by hand, solver samples and the train split's grounding."""

import numpy as np
import pytest

from tests.mobile_helpers import DbState, client, number_of, screen_text
from vab_gym.agents.base import make_solver, run_episode
from vab_gym.envs.mobile import judge as mobile_judge
from vab_gym.envs.mobile.apps import by_key
from vab_gym.envs.mobile.env import MobileEnv
from vab_gym.envs.mobile.phone import seed


def join(**columns):
    sets = ", ".join(f"{k} = {v!r}" for k, v in columns.items())
    return f"UPDATE zoom_join SET {sets} WHERE id = 1"


def put(key, value):
    return f"UPDATE settings SET value = '{value}' WHERE app = 'zoom' AND key = '{key}'"


@pytest.mark.parametrize(
    ("task_id", "changes", "success", "progress"),
    [
        ("zoom_1", [join(meeting_id="1234567890")], True, 1.0),
        ("zoom_1", [join(meeting_id="1234567899")], False, 0.5),
        ("zoom_1", [join(meeting_id="1234567890", joined=1)], False, 0.5),  # Join was pressed
        ("zoom_1", [join(meeting_id="1234567890", link_mode=1)], False, 0.5),
        ("zoom_2", [join(meeting_id="0987654321", name="Alice")], True, 1.0),
        ("zoom_2", [join(meeting_id="0987654321")], False, 2 / 3),
        ("zoom_3", [join(meeting_id="1234567890", no_audio=1, no_video=1)], True, 1.0),
        ("zoom_3", [join(meeting_id="1234567890", no_audio=1)], False, 0.75),
        ("zoom_4", [put("auto_connect_audio", "WiFi or cellular data")], True, 1.0),
        ("zoom_4", [put("auto_connect_audio", "WiFi only")], True, 1.0),
        ("zoom_4", [], False, 0.0),
        ("zoom_5", [put("reaction_skin_tone", "Medium-light")], True, 1.0),
        ("zoom_5", [put("reaction_skin_tone", "Medium")], False, 0.0),
    ],
)
def test_state_judges(tmp_path, task_id, changes, success, progress):
    state = DbState.pristine(tmp_path, "zoom")
    for change in changes:
        state.execute(change)
    outcome = state.judge(task_id)
    assert outcome.complete is success and outcome.progress == pytest.approx(progress)


def test_the_strings_androidlabs_judges_search_for_are_on_the_screens(tmp_path):
    state = DbState.pristine(tmp_path, "zoom")
    web = client(state)
    web.post("/zoom/join/start")
    text = screen_text(web.get("/zoom/join"))
    for string in (
        "Join with a personal link name",
        "Don't Connect To Audio",
        "Turn Off My Video",
        "Meeting ID",
        "Off, switch",
    ):
        assert string in text, string
    assert "On, switch" not in text
    # Typed digits are kept and shown grouped as Zoom groups them.
    web.post("/zoom/join/draft", data={"field": "meeting_id", "value": "0987654321"})
    web.post("/zoom/join/draft", data={"field": "name", "value": "Alice"})
    web.post("/zoom/join/audio")
    text = screen_text(web.get("/zoom/join"))
    assert "098 765 4321" in text and "Alice" in text and "On, switch" in text
    assert state.sql("SELECT meeting_id, no_audio FROM zoom_join") == [
        {"meeting_id": "0987654321", "no_audio": 1}
    ]
    assert "Auto-connect to audio" in screen_text(web.get("/zoom/settings/meetings"))
    assert "WiFi or cellular data" in screen_text(web.get("/zoom/settings/audio"))
    web.post("/zoom/settings/set", data={"key": "reaction_skin_tone", "value": "Medium-light"})
    page = web.get("/zoom/settings/skin").text
    row = page[page.index("Medium-light") :]
    assert "Reaction skin tone" in page and 'aria-label="Selected"' in row[:200]


@pytest.fixture(scope="module")
def env():
    env = MobileEnv(image_size=(240, 108))
    yield env
    env.close()


def test_a_meeting_id_typed_by_hand_is_grouped_and_judged(env):
    env.reset(options={"task_id": "zoom_1"})
    assert env.screen.url == "/zoom" and env.screen_app == "zoom"
    env.step(f"tap({number_of(env, 'Join a Meeting', content=True)})")
    env.step(f"tap({number_of(env, 'Meeting ID', 'EditText', content=True)})")
    env.step('text("1234567890")')
    assert any(e.editable and e.text == "123 456 7890" for e in env.elements)
    _obs, reward, terminated, _truncated, info = env.step("finish()")
    assert terminated and info["success"] and reward == 1.0


@pytest.mark.parametrize("task_id", ["zoom_4", "zoom_5"])
def test_the_solver_solves_a_sample(env, task_id):
    result = run_episode(env, make_solver(env), task_id=task_id)
    assert result.success, result.judge
    assert all(step.info["action_error"] is None for step in result.steps)


def test_vary_and_ground_are_reproducible(tmp_path):
    app = by_key()["zoom"]
    dumps = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        state = DbState.pristine(tmp_path / name, "zoom")
        conn = seed.connect(state.path)
        with conn:
            app.vary(conn, np.random.default_rng(11))
        dumps.append(list(conn.iterdump()))
        conn.close()
    assert dumps[0] == dumps[1]
    conn = seed.connect(state.path)
    fillings = [
        [app.ground(conn, np.random.default_rng(5), p) for p in app.prototypes] for _ in range(2)
    ]
    conn.close()
    assert fillings[0] == fillings[1]
    by_id = dict(zip([p.id for p in app.prototypes], fillings[0], strict=True))
    assert len(by_id["zoom_join_id"]["meeting"]) == 10
    current = state.sql(
        "SELECT value FROM settings WHERE app = 'zoom' AND key = ?", ("reaction_skin_tone",)
    )[0]["value"]
    assert by_id["zoom_skin"]["tone"] != current  # a task that changes something
    # A grounded instance is judged on what the join page holds.
    proto = next(p for p in app.prototypes if p.id == "zoom_join_name")
    task = proto.instantiate(
        by_id["zoom_join_name"], task_id="t", env="VAB-Mobile-v0", split="train", setup={}
    )
    assert not mobile_judge.judge(task.judge, state, None).complete
    state.execute(
        join(meeting_id=by_id["zoom_join_name"]["meeting"], name=by_id["zoom_join_name"]["name"])
    )
    assert mobile_judge.judge(task.judge, state, None).complete
