"""VAB-Mobile's env on the embedded phone: the contract, a task done by hand, the judges on
states made to pass and to fail, pristine state at every reset, no process left."""

import psutil
import pytest

from tests.mobile_helpers import finish, number_of
from vab_gym.envs.mobile.env import MobileEnv
from vab_gym.envs.mobile.phone.server import PhoneServer


@pytest.fixture(scope="module")
def env():
    env = MobileEnv()
    yield env
    env.close()


def test_reset_starts_in_the_app_with_androidlabs_instruction(env):
    obs, info = env.reset(options={"task_id": "clock_1"})
    assert obs["instruction"] == (
        "You should use clock to complete the following task: Set an "
        'alarm for 3PM with the label "meeting" using Clock.'
    )
    assert obs["image"].shape == (1200, 540, 3) and obs["image"].std() > 10
    assert env.screen.url == "/clock/alarm" and info["backend"] == "phone"
    # The seeded alarms, written as Android's Clock writes them (with a hair space).
    times = [e.text for e in env.elements if e.cls == "LinearLayout" and "\u200a" in e.text]
    assert times == ["7:30\u200aAM", "9:00\u200aAM", "4:00\u200aPM"]
    assert len(env.screenshot_png()) > 0 and env.model_view().text == "** XML **\n"


@pytest.mark.slow
def test_an_alarm_set_by_hand_through_tap_and_text(env):
    env.reset(options={"task_id": "clock_1"})
    env.step("Action: tap(15)")  # the "Add alarm" button: element 15 on the alarm list
    assert env.screen.url == "/clock/alarm?dialog=new"
    hour = number_of(env, "Hour", "EditText", content=True)
    env.step(f"tap({hour})")
    env.step('text("3")')
    env.step(f"tap({number_of(env, 'Minute', 'EditText', content=True)})")
    env.step('text("00")')
    env.step(f"tap({number_of(env, 'PM', content=True)})")
    env.step(f"tap({number_of(env, 'OK', content=True)})")
    env.step(f"tap({number_of(env, 'Add label', content=True)})")
    env.step(f"tap({number_of(env, 'Label', 'EditText', content=True)})")
    env.step('text("meeting")')
    _obs, _reward, _terminated, _truncated, info = env.step(
        f"tap({number_of(env, 'OK', content=True)})"
    )
    assert info["action_error"] is None
    assert env.sql("SELECT minutes, label, enabled FROM alarms WHERE minutes = 900") == [
        {"minutes": 900, "label": "meeting", "enabled": 1}
    ]
    reward, info = finish(env)
    assert reward == 1.0 and info["success"] and info["progress"] == 1.0


def test_bad_actions_are_feedback(env):
    env.reset(options={"task_id": "clock_1"})
    count = len(env.elements)
    obs, _, terminated, _, info = env.step("tap(99)")
    assert (
        info["action_error"]
        == (f"Tap Index 99 out of range (the screen has elements 1 to {count}).")
        and not terminated
    )
    _, _, _, _, info = env.step("tap(0)")
    assert info["action_error"].startswith("Tap Index 0 out of range")
    obs, _, _, _, info = env.step('text("hello")')  # no field has the focus
    assert info["action_error"] is None and obs["text"].startswith("No text field has the focus")
    _, _, _, _, info = env.step('swipe(1, "sideways", "long")')
    assert info["action_error"] == "swipe: direction must be one of up, down, left, right."
    _, _, _, _, info = env.step("I will tap the clock")
    assert info["action_error"].startswith("Cannot parse")


def test_back_and_home(env):
    env.reset(options={"task_id": "contacts_12"})
    env.step(f"tap({number_of(env, 'ABC', 'TextView', content=True)})")
    assert env.screen.url.startswith("/contacts/") and env.screen.app == "contacts"
    env.step("back()")
    assert env.screen.url == "/contacts"
    env.step("home()")
    assert env.screen.url == "/" and env.screen.app == "launcher"
    assert {e.label for e in env.elements} >= {
        "Clock",
        "Contacts",
        "Calendar",
        "Settings",
        "Bluecoins",
        "Cantook",
        "Pi Music Player",
        "Maps.me",
        "Zoom",
    }


@pytest.mark.parametrize(
    ("task_id", "changes", "success", "progress"),
    [
        (
            "clock_1",
            [
                "INSERT INTO alarms (minutes, label, days, enabled, vibrate, ringtone) "
                "VALUES (900, 'meeting', '', 1, 1, 'Argon')"
            ],
            True,
            1.0,
        ),
        # at 3 PM and on, but the wrong label: two of AndroidLab's three sub-goals
        (
            "clock_1",
            [
                "INSERT INTO alarms (minutes, label, days, enabled, vibrate, ringtone) "
                "VALUES (900, 'lunch', '', 1, 1, 'Argon')"
            ],
            False,
            2 / 3,
        ),
        ("clock_1", [], False, 0.0),
        ("clock_8", ["DELETE FROM alarms WHERE minutes = 960"], True, 1.0),
        ("clock_8", ["DELETE FROM alarms"], False, 0.5),  # the earlier alarms must stay
        ("clock_7", ["UPDATE alarms SET enabled = 0"], True, 1.0),
        ("clock_7", ["UPDATE alarms SET enabled = 0 WHERE minutes = 450"], False, 0.5),
        ("clock_18", ["UPDATE settings SET value = '11500' WHERE key = 'timer_digits'"], True, 1.0),
        (
            "clock_18",
            [
                "UPDATE settings SET value = '11500' WHERE key = 'timer_digits'",
                "UPDATE settings SET value = '1' WHERE key = 'timer_running'",
            ],
            False,
            0.75,
        ),
        (
            "clock_23",
            ["UPDATE settings SET value = 'Tokyo' WHERE key = 'home_time_zone'"],
            True,
            1.0,
        ),
        (
            "clock_23",
            ["UPDATE settings SET value = 'Seoul' WHERE key = 'home_time_zone'"],
            False,
            0.0,
        ),
        (
            "contacts_2",
            [
                "INSERT INTO contacts (id, first, last) VALUES (50, 'John', 'Smith')",
                "INSERT INTO phones (contact_id, number, type) VALUES (50, '12345678', 'Mobile')",
                "INSERT INTO emails (contact_id, address, type) VALUES "
                "(50, '123456@gmail.com', 'Work')",
            ],
            True,
            1.0,
        ),
        # AndroidLab's own judge wants 123456@qq.com; the task text says gmail.com
        (
            "contacts_2",
            [
                "INSERT INTO contacts (id, first, last) VALUES (50, 'John', 'Smith')",
                "INSERT INTO phones (contact_id, number, type) VALUES (50, '12345678', 'Mobile')",
                "INSERT INTO emails (contact_id, address, type) VALUES "
                "(50, '123456@qq.com', 'Work')",
            ],
            False,
            2 / 3,
        ),
        (
            "contacts_5",
            [
                "INSERT INTO labels (id, name) VALUES (9, 'work')",
                "INSERT INTO label_members VALUES (9, 1), (9, 2)",
            ],
            True,
            1.0,
        ),
        (
            "contacts_5",
            [
                "INSERT INTO labels (id, name) VALUES (9, 'work')",
                "INSERT INTO label_members VALUES (9, 1)",
            ],
            False,
            2 / 3,
        ),
        (
            "contacts_9",
            ["INSERT INTO messages (contact_id, body, sent) VALUES (2, 'Nice to meet you', 0)"],
            True,
            1.0,
        ),
        (
            "contacts_9",
            ["INSERT INTO messages (contact_id, body, sent) VALUES (2, 'Nice to meet you', 1)"],
            False,
            0.0,
        ),
        ("contacts_11", ["DELETE FROM contacts WHERE first = 'AAA'"], True, 1.0),
        ("contacts_11", ["DELETE FROM contacts WHERE first IN ('AAA', 'ABC')"], False, 0.5),
    ],
)
def test_state_judges(env, task_id, changes, success, progress):
    env.reset(options={"task_id": task_id})
    for change in changes:
        env.server.execute(change)
    reward, info = finish(env)
    assert info["success"] is success and reward == float(success)
    assert info["progress"] == pytest.approx(progress)


@pytest.mark.parametrize(
    ("task_id", "answer", "success"),
    [
        ("clock_10", "Your earliest open alarm is at 7:30 AM.", True),
        ("clock_10", "9:00 AM", False),
        ("clock_13", "Two alarms are turned on.", True),
        ("clock_13", "3", False),
        ("clock_12", "Yes, it vibrates.", True),
        ("clock_12", "No", False),
        ("clock_16", "It is 6:00 AM in Barcelona, 6 hours behind local time.", True),
        ("clock_16", "6 hours ahead", False),
        ("contacts_12", "ABC's number is (223) 311-44", True),
        ("contacts_12", "22331145", False),
        ("contacts_14", "1996/10/24", True),
        ("contacts_14", "October 25, 1996", False),
        ("contacts_15", "AAA works at Tsinghua University", True),
    ],
)
def test_query_judges(env, task_id, answer, success):
    env.reset(options={"task_id": task_id})
    reward, info = finish(env, answer)
    assert info["success"] is success and reward == float(success)


def test_a_query_without_an_answer_fails(env):
    env.reset(options={"task_id": "clock_13"})
    _reward, info = finish(env)
    assert not info["success"] and info["judge"]["reason"] == "no answer given"


def test_reset_restores_the_pristine_phone(env):
    env.reset(options={"task_id": "clock_7"})
    env.server.execute("DELETE FROM alarms")
    env.server.execute("DELETE FROM contacts")
    env.step("back()")  # reload the screen from the emptied database
    assert env.sql("SELECT COUNT(*) AS n FROM alarms") == [{"n": 0}]
    env.reset(options={"task_id": "clock_7"})
    assert env.sql("SELECT minutes, enabled FROM alarms ORDER BY minutes") == [
        {"minutes": 450, "enabled": 1},
        {"minutes": 540, "enabled": 0},
        {"minutes": 960, "enabled": 1},
    ]
    assert [r["first"] for r in env.sql("SELECT first FROM contacts ORDER BY first")] == [
        "AAA",
        "ABC",
        "Chen",
        "Lee",
        "Li",
        "Xu",
    ]
    assert sum(e.cls == "Switch" for e in env.elements) == 3


def _descendants():
    return {p.pid for p in psutil.Process().children(recursive=True)}


def test_close_leaves_no_process_or_server():
    before = _descendants()
    env = MobileEnv(image_size=(240, 108), browser="own")  # a shared one outlives this env
    env.reset(options={"task_id": "clock_25"})
    server = env.server
    url = server.base_url
    assert _descendants() - before  # Chromium and Playwright's driver are running
    env.close()
    env.close()  # idempotent
    assert _descendants() - before == set()
    if server.refs == 0:  # the module's env may still hold the shared server
        assert not server.running
        with pytest.raises(RuntimeError):
            _ = server.base_url
    assert url.startswith("http://127.0.0.1:")


def test_the_server_is_shared_and_stops_with_its_last_user():
    server = PhoneServer()
    first = server.acquire()
    assert server.acquire() == first and server.refs == 2
    server.release()
    assert server.running
    server.release()
    assert not server.running and server.refs == 0
    server.release()  # extra releases are ignored
    assert server.refs == 0


def test_xml_mode_shows_the_compressed_tree():
    env = MobileEnv(obs_mode="xml", image_size=(240, 108))
    try:
        obs, info = env.reset(options={"task_id": "clock_9"})
        assert "Switch ;click check ; checked ;;Alarm 4:00\u200aPM : " in obs["text"]
        assert "Switch ;click check ; unchecked ;;Alarm 9:00\u200aAM : " in obs["text"]
        assert info["fidelity"]["obs_mode"] == "xml"
        view = env.model_view()
        assert view.text.startswith("** XML **\n[n0000] ") and view.images == ()
    finally:
        env.close()


def test_valid_actions_ground_the_screen(env):
    env.reset(options={"task_id": "clock_1"})
    calls = env.valid_actions()
    switches = [n for n, e in enumerate(env.elements, 1) if e.cls == "Switch"]
    assert len(switches) == 3 and all(f"tap({n})" in calls for n in switches)
    assert calls[-3:] == ["back()", "home()", "finish()"]
    assert not any(c.startswith("text(") for c in calls)  # no field has the focus
    env.step(f"tap({number_of(env, 'Add alarm', content=True)})")
    env.step(f"tap({number_of(env, 'Hour', 'EditText', content=True)})")
    assert "text('meeting')" in env.valid_actions()  # the instruction's quoted label


def test_vab_quirks_end_the_episode_on_an_unreadable_reply():
    quirky = MobileEnv(vab_quirks=True, image_size=(240, 108))
    try:
        quirky.reset(options={"task_id": "clock_25"})
        _obs, _reward, terminated, truncated, info = quirky.step("I am not sure what to do")
        assert truncated and not terminated and info["early_stop"] == "1 invalid actions in a row"
        assert info["success"]  # the Clock app is open: the judge still runs
    finally:
        quirky.close()


def _box(env, text, cls=None):
    """The [x1, y1, x2, y2] device-px box of an element, as the XML tree shows it."""
    return list(env.elements[number_of(env, text, cls, content=True) - 1].bounds)


def test_an_xml_mode_tap_by_box_opens_the_add_alarm_dialog():
    """TextOnlyExecutor.do(action="Tap", element=box) taps the box's centre."""
    env = MobileEnv(obs_mode="xml", image_size=(240, 108))
    try:
        env.reset(options={"task_id": "clock_1"})
        box = _box(env, "Add alarm")
        _obs, _, _, _, info = env.step(f'```\ndo(action="Tap", element={box})\n```')
        assert info["action_error"] is None
        assert env.screen.url == "/clock/alarm?dialog=new"
    finally:
        env.close()


def test_do_type_fills_the_focused_field_and_presses_enter(env):
    """TextOnlyExecutor.type: controller.text, then controller.enter (Enter moves a one-line
    field's focus on, as Android's IME "Next" does)."""
    env.reset(options={"task_id": "clock_1"})
    env.step(f'do(action="Tap", element={_box(env, "Add alarm")})')
    env.step(f'do(action="Tap", element={_box(env, "Hour", "EditText")})')
    obs, _, _, _, info = env.step('do(action="Type", text="3")')
    assert info["action_error"] is None and obs["text"] == "Typed the text and pressed Enter."
    hour = env.elements[number_of(env, "Hour", "EditText", content=True) - 1]
    minute = env.elements[number_of(env, "Minute", "EditText", content=True) - 1]
    assert hour.text == "3" and not hour.focused and minute.focused


def test_bad_boxes_and_actions_in_do_are_feedback(env):
    env.reset(options={"task_id": "clock_1"})
    _, _, terminated, _, info = env.step('do(action="Tap", element=[1, 2, 3])')
    assert info["action_error"] == "Invalid element format" and not terminated
    _, _, _, _, info = env.step('do(action="Tap", element=[2000, 100, 2200, 300])')
    assert info["action_error"] == (
        "The point (2100, 200) of element [2000, 100, 2200, 300] "
        "is outside the screen (0..1081, 0..2401)."
    )
    _, _, _, _, info = env.step('do(action="Press Back")')
    assert info["action_error"] == "Unsupported Action"
    assert env.screen.url == "/clock/alarm"
