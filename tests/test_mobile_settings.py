"""Android Settings on the embedded phone (AndroidLab's setting.yaml): the judges on states
made to pass and to fail, query answers, the strings AndroidLab's judges look for
(evaluation/tasks/setting/setting.py) on the screens, a task by hand, solver samples and the
train split's grounding."""

import numpy as np
import pytest

from tests.mobile_helpers import DbState, client, number_of, screen_text
from vab_gym.agents.base import make_solver, run_episode
from vab_gym.envs.mobile import judge as mobile_judge
from vab_gym.envs.mobile.apps import by_key
from vab_gym.envs.mobile.apps.settings import data
from vab_gym.envs.mobile.env import MobileEnv
from vab_gym.envs.mobile.phone import seed

SETTINGS_IDS = [f"setting_{n}" for n in range(23)]


def put(key, value):
    return f"UPDATE settings SET value = '{value}' WHERE app = 'settings' AND key = '{key}'"


@pytest.mark.parametrize(
    ("task_id", "changes", "success", "progress"),
    [
        ("setting_0", [put("airplane_mode", 1)], True, 1.0),
        ("setting_0", [], False, 0.0),
        ("setting_1", [put("wifi_auto", 0)], True, 1.0),
        (
            "setting_2",
            [put("private_dns_mode", "hostname"), put("private_dns_host", "dns.google")],
            True,
            1.0,
        ),
        ("setting_2", [put("private_dns_host", "dns.google")], False, 0.5),
        ("setting_3", [put("bluetooth", 0)], True, 1.0),
        ("setting_3", [], False, 0.0),
        ("setting_4", [put("bt_name", "my AVD")], True, 1.0),
        ("setting_4", [put("bt_name", "my AVD 2")], False, 0.0),
        ("setting_5", [put("battery_percentage", 1)], True, 1.0),
        ("setting_7", [put("dark_theme", 1)], True, 1.0),
        ("setting_8", [put("brightness", 0)], True, 1.0),
        ("setting_8", [put("brightness", 10)], False, 0.0),
        ("setting_9", [put("ring_volume", 0)], True, 1.0),
        ("setting_10", [put("alarm_volume", 7)], True, 1.0),
        ("setting_10", [put("alarm_volume", 6)], False, 0.0),
        ("setting_11", [put("tts_language", "Chinese (Taiwan)")], True, 1.0),
        ("setting_11", [put("tts_language", "English (United States)")], False, 0.0),
        ("setting_12", [put("auto_time", 0), put("date", "2024-05-01")], True, 1.0),
        ("setting_12", [put("auto_time", 0)], False, 0.0),
        ("setting_13", [put("ring_vibration", 0)], True, 1.0),
        (
            "setting_15",
            ["INSERT INTO settings_languages VALUES (2, 'Español (Estados Unidos)')"],
            True,
            1.0,
        ),
        (
            "setting_15",
            [
                "INSERT INTO settings_languages VALUES (2, 'Français (France)')",
                "INSERT INTO settings_languages VALUES (3, 'Español (Estados Unidos)')",
            ],
            False,
            0.5,
        ),
        (
            "setting_18",
            ["UPDATE settings_apps SET notifications = 0 WHERE name = 'Contacts'"],
            True,
            1.0,
        ),
        (
            "setting_18",
            ["UPDATE settings_apps SET notifications = 0 WHERE name = 'Clock'"],
            False,
            0.0,
        ),
        ("setting_19", [put("default_browser", "Firefox")], True, 1.0),
        ("setting_19", [], False, 0.0),
        ("setting_20", ["DELETE FROM settings_apps WHERE package = 'com.booking'"], True, 1.0),
        (
            "setting_20",
            ["DELETE FROM settings_apps WHERE package = 'com.android.chrome'"],
            False,
            0.0,
        ),
    ],
)
def test_state_judges(tmp_path, task_id, changes, success, progress):
    state = DbState.pristine(tmp_path, "settings")
    for change in changes:
        state.execute(change)
    outcome = state.judge(task_id)
    assert outcome.complete is success and outcome.progress == pytest.approx(progress)


def test_open_settings_asks_for_the_settings_app(tmp_path):
    state = DbState.pristine(tmp_path, "settings")
    assert state.judge("setting_21").complete
    assert not DbState(state.path, "launcher").judge("setting_21").complete


@pytest.mark.parametrize(
    ("task_id", "answer", "success"),
    [
        ("setting_6", "Apps use 2.6 GB of storage.", True),
        ("setting_6", "2.3 GB", False),
        ("setting_14", "Asia/Shanghai", True),
        ("setting_14", "GMT+08:00 China Standard Time", True),
        ("setting_14", "America/Los_Angeles (GMT-07:00)", False),
        ("setting_16", "The primary language is English (United States).", True),
        ("setting_16", "Chinese", False),
        ("setting_17", "Android 13", True),
        ("setting_17", "Android 14", False),
        ("setting_22", "No, airplane mode is off.", True),
        ("setting_22", "Airplane mode is on", False),
    ],
)
def test_query_judges(tmp_path, task_id, answer, success):
    assert DbState.pristine(tmp_path, "settings").judge(task_id, answer).complete is success


def test_the_strings_androidlabs_judges_search_for_are_on_the_screens(tmp_path):
    state = DbState.pristine(tmp_path, "settings")
    web = client(state)
    pages = {
        "/settings": ["Settings", "Search settings"],
        "/settings/wifi_prefs": ["Turn on Wi\u2011Fi automatically"],
        "/settings/network?dialog=dns": ["Private DNS provider hostname"],
        "/settings/pair": ["Pair new device", data.DEVICE_NAME],
        "/settings/battery": ["Battery percentage", "Show battery percentage in status bar"],
        # 17 seeded apps, 2631.0 MB in all: "2.6 GB" in Android's decimal units
        "/settings/storage": ["Apps", "2.6 GB"],
        "/settings/display": ["Display", "Dark theme", "Brightness level", "50%"],
        "/settings/vibration": ["Ring vibration"],
        "/settings/languages_input": ["Text-to-speech output"],
        "/settings/datetime": [
            "Set time automatically",
            "May 10, 2024",
            "GMT+08:00 China Standard Time",
        ],
        "/settings/languages": ["English (United States)", "Add a language"],
        "/settings/languages/add": ["Español (Estados Unidos)"],
        "/settings/app_notifications": ["Allowed", "Not allowed", "Contacts"],
        "/settings/default_browser": ["Default browser app", "Chrome", "Firefox"],
        "/settings/about": ["Android version", "13"],
    }
    for url, strings in pages.items():
        text = screen_text(web.get(url))
        for string in strings:
            assert string in text, (url, string)
    # The date is set only once "Set time automatically" is off; then the row shows it.
    web.post("/settings/date", data={"date": "2024-05-01"})
    assert "May 1, 2024" not in screen_text(web.get("/settings/datetime"))
    web.post("/settings/set", data={"key": "auto_time", "value": "0"})
    web.post("/settings/date", data={"date": "2024-05-01"})
    assert "May 1, 2024" in screen_text(web.get("/settings/datetime"))
    # Contacts moves under "Not allowed" when its switch is turned off.
    web.post("/settings/apps/com.google.android.contacts/notify", data={})
    text = screen_text(web.get("/settings/app_notifications"))
    assert text.index("Contacts") > text.index("Not allowed")


@pytest.fixture(scope="module")
def env():
    env = MobileEnv(image_size=(240, 108))
    yield env
    env.close()


def test_ring_vibration_turned_off_by_hand(env):
    env.reset(options={"task_id": "setting_13"})
    assert env.screen.url == "/settings" and env.screen_app == "settings"
    env.step(f"tap({number_of(env, 'Sound & vibration', content=True)})")
    env.step(f"tap({number_of(env, 'Vibration & haptics', content=True)})")
    switch = number_of(env, "Ring vibration", "Switch", content=True)
    assert env.elements[switch - 1].checked
    env.step(f"tap({switch})")
    assert not env.elements[number_of(env, "Ring vibration", "Switch", content=True) - 1].checked
    _obs, reward, terminated, _truncated, info = env.step("finish()")
    assert terminated and info["success"] and reward == 1.0


@pytest.mark.parametrize("task_id", ["setting_0", "setting_8"])
def test_the_solver_solves_a_sample(env, task_id):
    result = run_episode(env, make_solver(env), task_id=task_id)
    assert result.success, result.judge
    assert all(step.info["action_error"] is None for step in result.steps)


def _dump(path):
    conn = seed.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_vary_and_ground_are_reproducible_and_answers_match_the_data(tmp_path):
    app = by_key()["settings"]
    dumps = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        state = DbState.pristine(tmp_path / name, "settings")
        conn = seed.connect(state.path)
        with conn:
            app.vary(conn, np.random.default_rng(7))
        conn.close()
        dumps.append(_dump(state.path))
    assert dumps[0] == dumps[1]
    (tmp_path / "p").mkdir()
    assert dumps[0] != _dump(DbState.pristine(tmp_path / "p", "settings").path)
    conn = seed.connect(state.path)
    fillings = [
        [app.ground(conn, np.random.default_rng(3), p) for p in app.prototypes] for _ in range(2)
    ]
    assert fillings[0] == fillings[1]
    size = next(p for p in app.prototypes if p.id == "settings_app_size")
    filling = app.ground(conn, np.random.default_rng(3), size)
    megabytes = conn.execute(
        "SELECT storage_mb FROM settings_apps WHERE name = ?", (filling["app"],)
    ).fetchone()[0]
    conn.close()
    assert filling["answer"] == data.size_text(megabytes)
    task = size.instantiate(filling, task_id="t", env="VAB-Mobile-v0", split="train", setup={})
    assert mobile_judge.judge(task.judge, state, f"It uses {filling['answer']}.").complete
    assert not mobile_judge.judge(task.judge, state, "It uses 1234 TB.").complete


def test_the_test_split_holds_androidlabs_settings_and_zoom_tasks():
    """evaluation/config/setting.yaml (23 tasks, APP 'Settings') and zoom.yaml (5, APP
    'zoom'); setting_0, 9-12 are labelled query_detect but are operations, setting_22 the
    other way round."""
    tasks = MobileEnv.default_tasks("test")
    ids = [t for t in tasks.ids if t.startswith(("setting_", "zoom_"))]
    assert ids == SETTINGS_IDS + [f"zoom_{n}" for n in range(1, 6)]
    assert tasks["setting_4"].instruction == (
        "You should use Settings to complete the "
        "following task: change my bluetooth device "
        'name to "my AVD"'
    )
    assert tasks["zoom_5"].instruction == (
        "You should use zoom to complete the following "
        "task: Change my reaction skin to Medium-light in "
        "zoom settings."
    )
    queries = [t for t in ids if tasks[t].judge["kind"] == "query"]
    assert queries == ["setting_6", "setting_14", "setting_16", "setting_17", "setting_22"]
    assert tasks["setting_0"].metadata["metric_type"] == "query_detect"
    assert tasks["setting_22"].metadata["metric_type"] == "operation"
    assert all(tasks[t].setup == {"app": "settings", "start": "/settings"} for t in SETTINGS_IDS)
