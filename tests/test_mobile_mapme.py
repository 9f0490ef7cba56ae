"""Maps.me on the embedded phone: the strings and figures AndroidLab's judges expect
(THUDM/Android-Lab evaluation/tasks/map_me/map.py) on the app's screens, its goals on states
made to pass and to fail, query answers, a task done by hand, the solver, and the train
prototypes' grounding and data variants."""

import math
import re
import sqlite3

import numpy as np
import pytest
from starlette.testclient import TestClient

from tests.mobile_helpers import number_of
from vab_gym.envs.mobile import judge as mobile_judge
from vab_gym.envs.mobile.apps.mapme import APP, train
from vab_gym.envs.mobile.env import MobileEnv
from vab_gym.envs.mobile.phone import seed
from vab_gym.envs.mobile.phone.app import create_app
from vab_gym.envs.mobile.solver import MobileSolver
from vab_gym.envs.mobile.tasks import judges as task_judges

# evaluation/auto_test.py: adb emu geo fix -122.156 37.438 (longitude, latitude)
HERE = (37.438, -122.156)


@pytest.fixture()
def db_path(tmp_path):
    path = tmp_path / "phone.db"
    seed.build(path)
    return path


@pytest.fixture()
def client(db_path):
    return TestClient(create_app(db_path))


def visible_text(html):
    """The page's text as one line (tags dropped, entities kept as typed in templates)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def plan(client, start, end, mode):
    client.post("/mapme/route/to", data={"place": end})
    client.post("/mapme/route/from", data={"place": start})
    return visible_text(client.post("/mapme/route/mode", data={"mode": mode}).text)


def test_the_test_split_holds_androidlabs_map_tasks():
    """evaluation/config/map.yaml: 15 tasks, APP 'map.me', map_1-10 queries, map_14's
    metric_type spelled 'operations'."""
    tasks = [t for t in MobileEnv.default_tasks("test") if t.setup["app"] == "mapme"]
    assert [t.id for t in tasks] == [f"map_{i}" for i in range(1, 16)]
    assert tasks[10].instruction == (
        "You should use map.me to complete the following task: "
        "Add the address of openai to my Work place"
    )
    assert [t.id for t in tasks if t.judge["kind"] == "query"] == [f"map_{i}" for i in range(1, 11)]
    assert tasks[13].metadata["metric_type"] == "operations"
    assert {t.setup["start"] for t in tasks} == {"/mapme"}


# -- the screens show AndroidLab's figures -------------------------------------------------


def test_routes_between_the_bus_stops_show_androidlabs_figures(client):
    walking = plan(client, "oval_stop", "oxford_stop", "walking")
    assert "12 hr 58 min • 73 km" in walking  # map_1: "73 km, 12 hr 58 min"
    assert "4 hr 7 min" in plan(client, "oval_stop", "oxford_stop", "cycling")  # map_3
    assert "8 min • 7.0 km" in plan(client, "coast_stop", "route51_stop", "driving")  # map_2
    transit = plan(client, "coast_stop", "route51_stop", "transit")
    assert "Subway 824 › Subway EB" in transit  # map_4: "subway 824 and subway EB"
    minutes = [int(m) for m in re.findall(r"(\d+) min •", transit)]
    assert minutes == [21]  # map_5: public transport (21 min) beats riding (27 min)
    assert "27 min" in plan(client, "coast_stop", "route51_stop", "cycling")
    # map_6: 2 hr 22 min by subway against 4 hr 7 min riding
    assert "2 hr 22 min" in plan(client, "oval_stop", "oxford_stop", "transit")
    # the same routes the other way round
    assert "8 min • 7.0 km" in plan(client, "route51_stop", "coast_stop", "driving")


def test_the_nearest_restaurant_and_hotel_come_first_with_androidlabs_times(client):
    rows = re.findall(r'result-name">([^<]+)<', client.get("/mapme/search?q=restaurant").text)
    assert rows[0] == "Teléferic Barcelona"  # map_7
    hotels = re.findall(r'result-name">([^<]+)<', client.get("/mapme/search?q=Hotel").text)
    assert hotels[0] == "The Clement Hotel - All Inclusive"  # map_9
    assert "Teléferic Barcelona" in re.findall(
        r'result-name">([^<]+)<', client.get("/mapme/search?q=teleferic").text
    )
    assert "3 min •" in plan(client, "me", "teleferic", "walking")  # map_8: about 3 min
    ikeas = client.get("/mapme/search?q=IKEA").text
    assert re.findall(r'result-distance">([^<]+)<', ikeas)[0] == "4.6 km"
    assert "9 min •" in plan(client, "me", "ikea_epa", "driving")  # map_10: "9min"


def test_work_set_to_openai_reads_as_androidlabs_judge_expects(client):
    page = visible_text(client.get("/mapme/bookmarks").text)
    assert "My places" in page and "Home" in page and "Work Add address" in page
    client.post("/mapme/pick", data={"pick": "Work", "place": "openai"})
    html = client.get("/mapme/bookmarks").text
    # map_11: a node of the Work row whose text is exactly this
    assert ">18th Street, 3180 • 50.6 km<" in html
    assert "My places" in visible_text(client.get("/mapme/search?pick=to").text)


@pytest.mark.parametrize("place", ["stanford", "university_south", "openai", "berkeley"])
def test_the_route_preview_shows_destination_my_location_and_start(client, place):
    client.post("/mapme/route/to", data={"place": place})
    page = visible_text(client.get("/mapme/route").text)
    name = {
        "stanford": "Stanford University",
        "university_south": "University South",
        "openai": "OpenAI",
        "berkeley": "University of California, Berkeley",
    }[place]
    assert (
        name in page and "My location" in page and ">Start<" in client.get("/mapme/route").text
    )  # map_12-15's judge_page keys


def test_closing_route_planning_drops_the_route(client, db_path):
    client.post("/mapme/route/to", data={"place": "stanford"})
    client.get("/mapme/route/close")
    conn = seed.connect(db_path)
    values = dict(conn.execute("SELECT key, value FROM settings WHERE app = 'mapme'").fetchall())
    conn.close()
    assert values["route_to"] == "" and values["route_from"] == ""


# -- goals on states made to pass and to fail ----------------------------------------------


class DatabaseState:
    """What a judge reads, straight from a phone database."""

    def __init__(self, path):
        self.path = path
        self.screen_app = "mapme"

    def sql(self, query, params=()):
        conn = seed.connect(self.path)
        try:
            return [dict(r) for r in conn.execute(query, params)]
        finally:
            conn.close()


def _apply(path, changes):
    conn = seed.connect(path)
    with conn:
        for change in changes:
            conn.execute(change)
    conn.close()


ROUTE = "UPDATE settings SET value = '{}' WHERE app = 'mapme' AND key = '{}'"


@pytest.mark.parametrize(
    ("task_id", "changes", "success"),
    [
        ("map_11", ["UPDATE mapme_my_places SET place_id = 'openai' WHERE slot = 'Work'"], True),
        ("map_11", ["UPDATE mapme_my_places SET place_id = 'openai' WHERE slot = 'Home'"], False),
        ("map_11", [], False),
        ("map_12", [ROUTE.format("me", "route_from"), ROUTE.format("stanford", "route_to")], True),
        (
            "map_12",
            [ROUTE.format("me", "route_from"), ROUTE.format("oval_stop", "route_to")],
            False,
        ),
        (
            "map_14",
            [ROUTE.format("home_address", "route_from"), ROUTE.format("openai", "route_to")],
            False,
        ),  # not from My location
        (
            "map_15",
            [
                ROUTE.format("me", "route_from"),
                ROUTE.format("berkeley", "route_to"),
                ROUTE.format("1", "navigating"),
            ],
            True,
        ),
        ("map_13", [], False),
    ],
)
def test_goals_on_states_made_to_pass_and_to_fail(db_path, task_id, changes, success):
    _apply(db_path, changes)
    outcome = mobile_judge.judge(task_judges()[task_id], DatabaseState(db_path), None)
    assert outcome.complete is success and outcome.progress == (1.0 if success else 0.0)


def test_bookmark_goal(db_path):
    spec = {"kind": "state", "goal": "mapme_bookmarked", "params": {"place": "Nola"}}
    assert not mobile_judge.judge(spec, DatabaseState(db_path), None).complete
    _apply(db_path, ["INSERT INTO mapme_bookmarks (place_id) VALUES ('nola')"])
    assert mobile_judge.judge(spec, DatabaseState(db_path), None).complete


@pytest.mark.parametrize(
    ("task_id", "answer", "ok"),
    [
        ("map_1", "73 km, 12 hr 58 min", True),
        ("map_1", "It is 73 kilometres and takes 12 hours 58 minutes on foot", True),
        ("map_1", "73 km, 4 hr 7 min", False),
        ("map_2", "7.0 km and 8 minutes", True),
        ("map_2", "7.6 km, 21 min", False),
        ("map_3", "4 hours and 7 minutes", True),
        ("map_3", "12 hr 58 min", False),
        ("map_4", "Take subway 824, then subway EB", True),
        ("map_4", "Take subway 824", False),
        ("map_5", "Public transport is faster", True),
        ("map_6", "Riding", False),
        ("map_7", "Teleferic Barcelona", True),  # without the accent
        ("map_7", "Nola", False),
        ("map_8", "Teléferic Barcelona, about 3 minutes on foot", True),
        ("map_8", "About three minutes", True),
        ("map_8", "Teléferic Barcelona, about 12 minutes", False),
        ("map_9", "The Clement Hotel - All Inclusive", True),
        ("map_9", "Hotel Keen", False),
        ("map_10", "About 9 minutes by car", True),
        ("map_10", "About 19 minutes by car", False),
    ],
)
def test_query_answers(task_id, answer, ok):
    assert mobile_judge.judge(task_judges()[task_id], None, answer).complete is ok


# -- through the public actions -------------------------------------------------------------


@pytest.fixture(scope="module")
def env():
    env = MobileEnv()
    yield env
    env.close()


def test_map_10_by_hand_reading_the_drive_from_the_screen(env):
    env.reset(options={"task_id": "map_10"})
    env.step(f"tap({number_of(env, 'Search')})")
    env.step(f"tap({number_of(env, 'Search', 'EditText')})")
    env.step('text("IKEA")')
    distances = [e.text for e in env.elements if e.text.endswith(" km")]
    assert distances[:3] == ["4.6 km", "52.8 km", "54.0 km"]  # nearest first
    env.step(f"tap({number_of(env, 'IKEA', 'TextView')})")
    env.step(f"tap({number_of(env, 'Route to')})")
    summary = next(e.text for e in env.elements if " • " in e.text)
    assert summary == "9 min • 4.6 km"  # driving is the default mode
    minutes = summary.split()[0]
    _obs, reward, terminated, _truncated, info = env.step(f"finish('about {minutes}min')")
    assert terminated and reward == 1.0 and info["success"]


@pytest.mark.slow
def test_map_2_by_hand_reading_the_route_from_the_screen(env):
    env.reset(options={"task_id": "map_2"})
    env.step(f"tap({number_of(env, 'Route')})")
    for end, name in (("Start point", "2700 Coast Avenue"), ("Destination", "Route 51")):
        env.step(f"tap({number_of(env, end)})")
        env.step(f"tap({number_of(env, 'Search', 'EditText')})")
        env.step(f"text({name!r})")
        env.step(f"tap({number_of(env, name, 'TextView')})")
    summary = next(e.text for e in env.elements if " • " in e.text)
    assert summary == "8 min • 7.0 km"
    minutes, km = re.match(r"(\d+) min • ([\d.]+) km", summary).groups()
    _obs, reward, terminated, _truncated, info = env.step(f"finish('{km} km, {minutes} min')")
    assert terminated and reward == 1.0 and info["success"]


def run(env, task_id=None, data=None):
    """The solver's episode; ``data`` (a database) replaces the phone's after the reset."""
    obs, info = env.reset(options={"task_id": task_id} if task_id else None)
    if data is not None:
        live = sqlite3.connect(env.server.db_path)
        data.backup(live)
        live.close()
    solver = MobileSolver()
    solver.reset(env, obs, info)
    while True:
        obs, _reward, terminated, truncated, info = env.step(solver.act(obs, info))
        if terminated or truncated:
            return info


@pytest.mark.parametrize("task_id", ["map_11", "map_14"])
def test_the_solver_solves_a_sample(env, task_id):
    assert run(env, task_id)["success"]


# -- train prototypes -----------------------------------------------------------------------


def _variant(path, number):
    seed.build(path)
    conn = seed.connect(path)
    with conn:
        train.vary(conn, np.random.default_rng(number))
    return conn


def _dump(conn):
    return list(conn.iterdump())


def test_vary_is_reproducible_and_changes_the_data(tmp_path):
    one, two = _variant(tmp_path / "a.db", 7), _variant(tmp_path / "b.db", 7)
    other = _variant(tmp_path / "c.db", 8)
    seed.build(tmp_path / "p.db")
    pristine = seed.connect(tmp_path / "p.db")
    assert _dump(one) == _dump(two) != _dump(pristine)
    assert _dump(other) != _dump(one)
    names = "SELECT id, name FROM mapme_places WHERE category = 'Restaurant' ORDER BY id"
    before, after = dict(pristine.execute(names).fetchall()), dict(one.execute(names).fetchall())
    assert sorted(before.values()) == sorted(after.values()) and before != after  # permuted
    for conn in (one, two, other, pristine):
        conn.close()


def _haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_ground_is_deterministic_and_its_nearest_answers_match_the_data(tmp_path):
    conn = _variant(tmp_path / "v.db", 3)
    proto = next(p for p in APP.prototypes if p.id == "mapme_nearest")
    assert train.ground(conn, np.random.default_rng(5), proto) == train.ground(
        conn, np.random.default_rng(5), proto
    )
    checked = set()
    for number in range(40):
        filling = train.ground(conn, np.random.default_rng(number), proto)
        if filling is None:
            continue
        category = train.NEARBY[filling["category"]]
        rows = conn.execute(
            "SELECT name, lat, lon FROM mapme_places WHERE category = ?", (category,)
        ).fetchall()
        nearest = min(rows, key=lambda r: _haversine(*HERE, r["lat"], r["lon"]))
        assert filling["answer"] == nearest["name"]
        checked.add(category)
    assert {"Restaurant", "Hotel"} <= checked
    conn.close()


def test_every_prototype_grounds_in_the_pristine_data(db_path):
    conn = seed.connect(db_path)
    rng = np.random.default_rng(0)
    for proto in APP.prototypes:
        filling = next(f for f in (train.ground(conn, rng, proto) for _ in range(30)) if f)
        assert set(proto.slots) <= set(filling)
    conn.close()
