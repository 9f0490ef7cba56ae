"""VAB-OmniGibson-v0 against VAB's code (THUDM/VisualAgentBench @9055fc2, under
src/server/tasks/omnigibson/): each test names the file and function it pins. Expected values
are VAB's strings, copied, or numbers worked out from VAB's rules in the test itself."""

import io
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from vab_gym.core.actions import ActionError
from vab_gym.core.tasks import Task, TaskSet
from vab_gym.envs.omnigibson.actions import OMNIGIBSON_ACTIONS
from vab_gym.envs.omnigibson.catalog import category
from vab_gym.envs.omnigibson.env import OmniGibsonEnv, vab_repeat_stop, vab_reward_stop
from vab_gym.envs.omnigibson.geometry import Box
from vab_gym.envs.omnigibson.render import draw_marks, visible_keys
from vab_gym.envs.omnigibson.robot import Robot
from vab_gym.envs.omnigibson.world import Obj, Room, Wall, World

SIZE = (90, 160)

# VAB's words, copied from vab_omnigibson_src/env.py:Env.step and utils/actions.py
NO_ACTION = "You should include 'ACTION: <the action code>' in your response!"
FORMAT = "Invalid action! You should call the function using the format: function_name(arg)"
NOT_IN_LIST = "Invalid action! You should call the function in the Predefined Action List!"
PUT_LIST = "'put_inside', 'put_on_top', 'put_under' or 'put_next_to'"


def vab_task(activity: str, scene: str = "Rs_int") -> Task:
    return Task(
        f"t-{activity}",
        "VAB-OmniGibson-v0",
        "test",
        f"the goal of {activity}",
        {"activity": activity, "scene": scene, "seed": 0, "definition": "vab"},
        {"type": "bddl_goal"},
    )


TASKS = TaskSet([vab_task("store_beer"), vab_task("cook_squash")])


@pytest.fixture(scope="module")
def env():
    env = OmniGibsonEnv(tasks=TASKS, image_size=SIZE)
    yield env
    env.close()


def beer(env, **options):
    """store_beer in Rs_int: 1-4.bottle, 5.countertop, 6.refrigerator (VAB's ids)."""
    obs, _ = env.reset(options={"task_id": "t-store_beer", **options})
    return obs, env.house.world.labelled()


def feedback(env, reply):
    obs, _reward, _terminated, _truncated, info = env.step(reply)
    return obs["text"].splitlines()[0], info


# -- move: VAB's landing rule, implemented here again from VAB's code ------------------------
def footprint_distance(point, low, high) -> float:
    """utils/env_utils.py:distance_to_cuboid on the xy footprint."""
    return float(np.linalg.norm(np.subtract(point, np.clip(point, low, high))))


def vab_line_landing(start, low, high, rng) -> np.ndarray:
    """env.py:Env.calc_move_to_pos when the object shows from some heading."""
    pos, centre = np.array(start, float), (np.array(low) + np.array(high)) / 2
    while footprint_distance(pos, low, high) > 1.1:
        pos = 0.7 * pos + 0.3 * centre
    while np.linalg.norm(pos - centre) < 0.7 or (
        low[0] <= pos[0] <= high[0] and low[1] <= pos[1] <= high[1]
    ):
        pos = centre + rng.uniform(1.2, 1.5) * (pos - centre)
    return pos


def vab_wall_landing(low, high, walls, rng) -> np.ndarray:
    """env.py:Env.calc_move_to_pos when the object shows from no heading."""
    centre = (np.array(low) + np.array(high)) / 2
    nearest = sorted(walls, key=lambda w: footprint_distance(centre, w[0][:2], w[1][:2]))[:2]
    pos = np.mean([np.clip(centre, w[0][:2], w[1][:2]) for w in nearest], axis=0)
    if footprint_distance(pos, low, high) < 1:
        pos = centre - rng.uniform(1.4, 1.7) * (pos - centre)
    while footprint_distance(pos, low, high) < 1:
        pos = centre + rng.uniform(1.4, 1.6) * (pos - centre)
    while footprint_distance(pos, low, high) > 1.2:
        pos = centre + rng.uniform(0.85, 0.9) * (pos - centre)
    while footprint_distance(pos, low, high) < 0.7:
        pos = centre + rng.uniform(1.2, 1.5) * (pos - centre)
    return pos


WALLS = [
    ((0, -3.05, 0), (8, -2.95, 2.6)),
    ((7.95, -3, 0), (8.05, 3, 2.6)),
    ((0, 2.95, 0), (8, 3.05, 2.6)),
    ((-0.05, -3, 0), (0.05, 3, 2.6)),
]


def one_room(obj_low, obj_high, start, shares=(0.3, 0.0, 0.0, 0.0), seed=7):
    """A robot in an empty 8 x 6 m room with one seen apple-sized box; ``shares`` stands in
    for the image share the env renders from each heading."""
    world = World(
        [Room("kitchen_0", (0, -3), (8, 3))], [Wall(Box.from_bounds(lo, hi)) for lo, hi in WALLS]
    )
    thing = world.add(
        Obj(
            "thing.n.01_1",
            category("apple.n.01"),
            Box.from_bounds((*obj_low, 0.0), (*obj_high, 0.1)),
            vab_id=1,
        )
    )
    robot = Robot(world, *start, rng=np.random.default_rng(seed), scan=lambda _obj: shares)
    robot.seen.add(thing.name)
    return robot


def test_move_steps_towards_an_object_in_view_as_vab():
    """env.py:Env.calc_move_to_pos: 0.3 of the way at a time until within 1.1 m of the
    footprint. From (0, 0) to a box spanning x 4.96-5.04: x goes 1.5, 2.55, 3.285, 3.7995,
    4.15965 (0.80035 m from the footprint), and stops there."""
    robot = one_room((4.96, -0.04), (5.04, 0.04), (0.0, 0.0))
    assert robot.move("1.apple") == "Moved successfully!"
    assert (robot.x, robot.y) == pytest.approx((4.15965, 0.0))


@pytest.mark.parametrize(
    "start,low,high",
    [
        ((1.0, 2.5), (4.6, -0.4), (5.4, 0.4)),  # diagonal, to a table-sized box
        ((5.3, 0.0), (4.96, -0.04), (5.04, 0.04)),  # too near the centre: pushed out at random
        ((5.0, 0.2), (4.0, -1.0), (6.0, 1.0)),  # standing on the footprint: pushed off it
        ((7.5, -2.5), (6.0, -0.5), (6.4, -0.1)),
    ],
)
def test_move_lands_where_vabs_rule_lands(start, low, high):
    """env.py:Env.calc_move_to_pos, object in view: the landing point of VAB's own loop,
    written again here, with the same random draws; no collision check."""
    robot = one_room(low, high, start, seed=3)
    robot.move("1")
    expected = vab_line_landing(start, low, high, np.random.default_rng(3))
    assert (robot.x, robot.y) == pytest.approx(tuple(expected))
    assert footprint_distance(expected, low, high) <= 1.1
    assert np.linalg.norm(expected - (np.add(low, high) / 2)) >= 0.7


@pytest.mark.parametrize("low,high", [((6.46, -2.04), (6.54, -1.96)), ((2.0, 1.0), (2.6, 1.4))])
def test_move_to_an_object_out_of_view_starts_from_the_two_nearest_walls(low, high):
    """env.py:Env.calc_move_to_pos, object in view from no heading: midway between the two
    nearest walls' nearest points, mirrored and scaled into VAB's 0.7-1.2 m."""
    robot = one_room(low, high, (1.0, 0.0), shares=(0.0, 0.0, 0.0, 0.0), seed=5)
    heading = robot.heading
    robot.move("1.apple")
    walls = [(lo[:2], hi[:2]) for lo, hi in WALLS]
    expected = vab_wall_landing(low, high, walls, np.random.default_rng(5))
    assert (robot.x, robot.y) == pytest.approx(tuple(expected))
    assert robot.heading == heading  # shown from no heading: VAB keeps the camera's


def test_move_turns_to_where_the_object_shows_most_short_of_filling_the_view():
    """env.py:Env.step (move): the first heading with the most pixels, ignoring counts of
    900x720 and more (0.703 of a 1280x720 image)."""
    robot = one_room((4.96, -0.04), (5.04, 0.04), (0.0, 0.0), shares=(0.2, 0.5, 0.9, 0.5))
    robot.move("1.apple")
    assert robot.heading == 1


def test_move_to_a_floor_goes_to_its_position():
    """env.py:Env.calc_move_to_pos: a floor's landing point is its own position."""
    robot = one_room((4.96, -0.04), (5.04, 0.04), (1.0, 1.0))
    floor = robot.world.add(
        Obj(
            "floor.n.01_1",
            category("floor.n.01"),
            Box.from_bounds((0, -3, -0.02), (8, 3, 0)),
            room="kitchen_0",
            vab_id=2,
            is_floor=True,
        )
    )
    robot.seen.add(floor.name)
    robot.move("2.floor")
    assert (robot.x, robot.y) == pytest.approx((4.0, 0.0))


def test_the_env_lands_by_vabs_rule_and_the_free_option_does_not():
    """env.py:Env.calc_move_to_pos through the env, from the start to the refrigerator in
    view: VAB's landing point; ``move="free"`` is the suite's spot 0.5 m off the box."""
    distances = {}
    for rule in ("vab", "free"):
        env = OmniGibsonEnv(tasks=TASKS, image_size=SIZE, move=rule)
        _, objects = beer(env)
        fridge = objects[6]
        env.robot.visible.add(fridge.name)
        start = env.robot.position
        _, info = feedback(env, "ACTION: move(6.refrigerator)")
        assert info["action_error"] is None and info["fidelity"]["move"] == rule
        distances[rule] = fridge.box.distance_xy(env.robot.position)
        if rule == "vab":  # the robot's draws come from the task seed + 1
            low, high = fridge.box.low[:2], fridge.box.high[:2]
            expected = vab_line_landing(start, low, high, np.random.default_rng(1))
            assert env.robot.position == pytest.approx(tuple(expected))
        env.close()
    assert distances["free"] == pytest.approx(0.5, abs=0.01)
    assert distances["vab"] > 0.7


# -- replies: VAB's extraction (agent.py:Agent.step, container.py) and split (env.py) --------
CORPUS = {
    # the prompt's own format (prompt.py: OBSERVATION / THOUGHT / ACTION) and its 21 functions
    "OBSERVATION: I see 1.bottle on 5.countertop.\nTHOUGHT: I should grasp it first.\n"
    "ACTION: grasp(1.bottle)": "grasp('1.bottle')",
    "ACTION: move(6.refrigerator)": "move('6.refrigerator')",
    "ACTION: move_to_room(kitchen_0)": "move_to_room('kitchen_0')",
    "ACTION: turn_left()": "turn_left()",
    "ACTION: turn_right()": "turn_right()",
    "ACTION: raise_camera()": "raise_camera()",
    "ACTION: lower_camera()": "lower_camera()",
    "ACTION: put_inside(1.bottle, 6.refrigerator)": "put_inside('1.bottle', '6.refrigerator')",
    "ACTION: put_on_top(3.apple,5.countertop)": "put_on_top('3.apple', '5.countertop')",
    "ACTION: put_under(2.box, 4.table)": "put_under('2.box', '4.table')",
    "ACTION: put_next_to(2.box, 4.table)": "put_next_to('2.box', '4.table')",
    "ACTION: get_fridge_view()": "get_fridge_view()",
    "ACTION: cook(1.squash)": "cook('1.squash')",
    "ACTION: burn(1.squash)": "burn('1.squash')",
    "ACTION: freeze(2.apple)": "freeze('2.apple')",
    "ACTION: heat(2.apple)": "heat('2.apple')",
    "ACTION: open(6.refrigerator)": "open('6.refrigerator')",
    "ACTION: close(6.refrigerator)": "close('6.refrigerator')",
    "ACTION: toggle_on(3.lamp)": "toggle_on('3.lamp')",
    "ACTION: toggle_off(3.lamp)": "toggle_off('3.lamp')",
    "OBSERVATION: All bottles are in the fridge.\nTHOUGHT: Done.\nACTION: done()": "done()",
    # what models wrap calls in: fences, backticks, comments, keywords, quotes, id forms
    "ACTION: ```python\ngrasp(1.bottle)\n```": "grasp('1.bottle')",
    "ACTION:\n```\nopen(6.refrigerator)\n```": "open('6.refrigerator')",
    "ACTION: `move(1.bottle)`": "move('1.bottle')",
    "ACTION: `grasp(1.bottle)": "grasp('1.bottle')",
    "ACTION: grasp(1.bottle)  # pick up the beer": "grasp('1.bottle')",
    "ACTION: grasp(obj=1.bottle)": "grasp('1.bottle')",
    "ACTION: grasp('1.bottle')": "grasp('1.bottle')",
    'ACTION: grasp("1_bottle")': "grasp('1_bottle')",
    "ACTION: grasp(1)": "grasp('1')",
    "ACTION: grasp(1.bottle);": "grasp('1.bottle')",
    "ACTION: put_inside(obj1=1.bottle, obj2=6.refrigerator)": "put_inside('1.bottle', '6.refrigerator')",
    # VAB's quirk: the "_" rules read the text before its quotes go, the last one wins
    "ACTION: grasp(_1.bottle_)": "grasp('_1.bottle')",
    # the harness keeps the first ACTION and cuts an echoed "Action Feedback:"
    "ACTION: grasp(1.bottle)\nACTION: open(6.refrigerator)": "grasp('1.bottle')",
    "ACTION: grasp(1.bottle)\nAction Feedback: Grasped successfully!": "grasp('1.bottle')",
    "THOUGHT: I will now take ACTION: grasp(1.bottle) as planned": "grasp('1.bottle')",
    # the suite's canonical call, alone on its line (VAB would want "ACTION:")
    "grasp(1.bottle)": "grasp('1.bottle')",
    # refused, in VAB's words
    "Action: grasp(1.bottle)": NO_ACTION,
    "OBSERVATION: a fridge.\nTHOUGHT: open it.": NO_ACTION,
    "THOUGHT: The next ACTION is to grasp.\nACTION: grasp(1.bottle)": FORMAT,
    "**ACTION:** grasp(1.bottle)": NOT_IN_LIST,
    "ACTION: done": FORMAT,
    "ACTION: done().": FORMAT,
    "ACTION: grasp()": FORMAT,
    "ACTION: pick_up(1.bottle)": NOT_IN_LIST + " Do you mean the function 'grasp'?",
    "ACTION: move_to(kitchen_0)": NOT_IN_LIST + " Do you mean the function 'move_to_room'?",
    "ACTION: move_to(1.bottle)": NOT_IN_LIST + " Do you mean the function 'move'?",
    "ACTION: move_to_object(1.bottle)": NOT_IN_LIST + " Do you mean the function 'move'?",
    "ACTION: place(1.bottle, 5.countertop)": NOT_IN_LIST + f" Do you mean the function {PUT_LIST}?",
    "ACTION: put_in(1.bottle, 6.refrigerator)": NOT_IN_LIST
    + " Do you mean the function 'put_inside'?",
    "ACTION: place_on(1.bottle, 5.countertop)": NOT_IN_LIST
    + " Do you mean the function 'put_on_top'?",
    "ACTION: turn_left(90)": "turn_left doesn't need any arguments!",
    "ACTION: raise_camera(1)": "raise_camera doesn't need any arguments!",
    "ACTION: put_inside(1.bottle)": "Need 2 arguments for action put_inside!",
    "ACTION: grasp(1.bottle, 2.bottle)": "Need 1 argument for action grasp!",
    "ACTION: done(1.bottle)": "Invalid action function! You should call the function in the "
    "Predefined Action List!",
}


@pytest.mark.parametrize("reply,expected", CORPUS.items())
def test_replies_parse_as_vab_reads_them(reply, expected):
    """agent.py:Agent.step's extraction, container.py:Container.execute's cuts and
    env.py:Env.step's split and messages, on replies in prompt.py's format."""
    try:
        result = str(OMNIGIBSON_ACTIONS.parse(reply))
    except ActionError as exc:
        result = str(exc)
    assert result == expected


def test_unknown_names_get_the_closest_function_only_when_made_of_words():
    """env.py:Env.step: word2vec suggests the nearest function whenever a "_" part of the name
    is a word (difflib stands in for the vectors), nothing otherwise."""
    with pytest.raises(ActionError) as grab:
        OMNIGIBSON_ACTIONS.parse("ACTION: grab(1.bottle)")
    assert str(grab.value) == NOT_IN_LIST + " Do you mean the function 'grasp'?"
    with pytest.raises(ActionError) as nonsense:
        OMNIGIBSON_ACTIONS.parse("ACTION: x2(1.bottle)")
    assert str(nonsense.value) == NOT_IN_LIST


def test_objects_are_checked_before_the_argument_count(env):
    """env.py:Env.step resolves each object argument (id, sight) before counting them."""
    beer(env)
    _, info = feedback(env, "ACTION: put_inside(99.bottle)")
    assert info["action_error"] == "Invalid object id 99! The corresponding object does not exist."
    _, info = feedback(env, "ACTION: done( )")
    assert info["action_error"] == (
        "Object   not found in the scene! You should use the "
        "digital object identifier shown in the image."
    )
    _, info = feedback(env, "ACTION: grasp(1.bottle, 7.bottle)")
    assert info["action_error"] == "Invalid object id 7! The corresponding object does not exist."
    _, info = feedback(env, "ACTION: grasp(1.bottle, 2.bottle)")
    assert info["action_error"] == "Need 1 argument for action grasp!"


def test_feedback_quotes_the_action_text_vab_took_from_the_reply(env):
    """agent.py:Agent.step: "The last action is `{action}`, the feedback is "{msg}".", with
    the extracted text; a reply without ACTION is quoted as "None ACTION."."""
    beer(env)
    line, _ = feedback(env, "THOUGHT: look left.\nACTION: `turn_left()`  # look")
    assert line == (
        "Action Feedback: The last action is `turn_left()`, the feedback is "
        '"Turned left successfully!".'
    )
    line, _ = feedback(env, "I will look around.")
    assert (
        line
        == f'Action Feedback: The last action is `None ACTION.`, the feedback is "{NO_ACTION}".'
    )


# -- feedback strings (utils/actions.py, env.py:Env.step) --------------------------------------
def test_vabs_refusals_word_for_word(env):
    """env.py:Env.step: "Can not grasp! Object {task_obj_to_name} is not moveable!";
    utils/actions.py: a failed placement is "full" / "occupied"."""
    _, objects = beer(env)
    robot = env.robot
    robot.visible |= {objects[6].name, objects[1].name}
    _, info = feedback(env, "ACTION: grasp(6.refrigerator)")
    assert info["action_error"] == "Can not grasp! Object 6.refrigerator is not moveable!"
    robot.x, robot.y = objects[1].box.center[0], objects[1].box.center[1]  # on the bottle
    robot.visible.add(objects[1].name)
    _, info = feedback(env, "ACTION: grasp(1.bottle)")
    assert info["action_error"] is None
    for action, message in [
        ("put_inside", "Cannot put inside! The container is full!"),
        ("put_on_top", "Cannot put on top! The surface is full!"),
        ("put_next_to", "Cannot put next to! The space around the object is occupied!"),
    ]:
        _, info = feedback(env, f"ACTION: {action}(1.bottle, 1.bottle)")
        assert info["action_error"] == message


def test_hints_explain_the_refusals_vab_words_as_full():
    """Help VAB does not give is opt-in: hints=True says why, and lists the rooms each turn."""
    env = OmniGibsonEnv(tasks=TASKS, image_size=SIZE, hints=True)
    obs, objects = beer(env)
    assert obs["text"].splitlines()[3].startswith("Reachable Rooms: ")
    robot = env.robot
    robot.x, robot.y = objects[1].box.center[0], objects[1].box.center[1]
    robot.visible.add(objects[1].name)
    feedback(env, "ACTION: grasp(1.bottle)")
    _, info = feedback(env, "ACTION: put_on_top(1.bottle, 1.bottle)")
    assert info["action_error"] == (
        "Cannot put on top! The surface is the object itself or rests on it."
    )
    assert info["fidelity"]["hints"] is True
    env.close()


def test_the_held_object_is_at_the_robots_position(env):
    """utils/env_utils.py:update_obj and actions.py:grasp put the held object at the robot's
    own xy (raised by its box centre - 0.2), not in front of it."""
    _, objects = beer(env)
    robot, bottle = env.robot, objects[2]
    robot.x, robot.y = bottle.box.center[0] + 0.5, bottle.box.center[1]
    robot.visible.add(bottle.name)
    feedback(env, "ACTION: grasp(2.bottle)")
    assert bottle.box.center[:2] == pytest.approx(robot.position)
    feedback(env, "ACTION: turn_left()")
    assert bottle.box.center[:2] == pytest.approx(robot.position)


# -- what the model is shown (utils/server.py:Server.step, agent.py:Agent.step) ----------------
def test_goal_and_rooms_are_sent_once_in_vabs_words():
    """utils/server.py:Server.step prefixes the first message only: "Your task goal is:
    {goal}\\nThe reachable rooms during the task are: {rooms}\\n"; agent.py ends each turn
    with "Vision Input: " and the image; VAB's camera is 1280x720."""
    env = OmniGibsonEnv(tasks=TASKS, image_size=SIZE)
    obs, _ = beer(env)
    rooms = ", ".join(r.name for r in env.house.world.rooms) + "."
    first = env.model_view()
    assert first.text == (
        "Your task goal is: the goal of store_beer\n"
        f"The reachable rooms during the task are: {rooms}\n"
        "Action Feedback: None actions before.\nAt Hand Object: None.\n"
        f"Current Room: {env.robot.room()}.\nVision Input: "
    )
    assert Image.open(io.BytesIO(first.images[0])).size == (1280, 720)
    assert "Reachable Rooms" not in obs["text"]
    env.step("ACTION: turn_left()")
    later = env.model_view()
    assert later.text.startswith("Action Feedback: The last action is `turn_left()`")
    assert "Your task goal" not in later.text and later.text.endswith("\nVision Input: ")
    env.close()


def test_visible_from_one_pixel_and_boxed_from_two_at_vabs_size():
    """env.py:Env.get_visible_objects (any pixel) and env.py:Env.label_som (count < 2 is
    skipped), at 1280x720; a smaller image scales the counts down to one pixel."""
    full = OmniGibsonEnv(tasks=TASKS)
    assert (full.visible_pixels, full.boxed_pixels) == (1, 2)
    full.close()
    small = OmniGibsonEnv(tasks=TASKS, image_size=SIZE)
    assert (small.visible_pixels, small.boxed_pixels) == (1, 1)
    small.close()
    seg = np.zeros((720, 1280), np.int32)
    seg[10, 10] = 1  # one pixel
    seg[20:21, 20:22] = 2  # two
    assert visible_keys(seg, 1) == {1, 2}
    _, boxes = draw_marks(np.zeros((720, 1280, 3), np.uint8), seg, {1: "1.a", 2: "2.b"}, 2)
    assert set(boxes) == {2}


# -- early stops (agent.py:Agent.step) and the last round (main.py:main) ----------------------
def test_repeat_rules_judge_the_proposed_action():
    """agent.py:Agent.step: the 4th identical non-turn action after 3 equal results, or the
    6th identical turn, ends the episode before it runs."""
    assert vab_repeat_stop(["grasp(1.a)"] * 4, [True, False, False, False]) == (
        "the same action 4 times in a row"
    )
    assert vab_repeat_stop(["grasp(1.a)"] * 4, [True, True, False, False]) is None
    assert vab_repeat_stop(["grasp(1.a)"] * 3, [True, False, False]) is None
    assert vab_repeat_stop(["turn_left()"] * 4, [True] * 4) is None
    assert vab_repeat_stop(["turn_left()"] * 5, [True] * 5) is None
    assert vab_repeat_stop(["turn_left()"] * 6, [True] * 6) == "the same turn 6 times in a row"


def test_reward_rules_after_30_and_40_actions():
    """agent.py:Agent.step: after 40 actions, no gain over rewards -2, -9, -10, -11; after 30,
    five equal rewards not above the first."""
    rising = [i / 50 for i in range(42)]
    assert vab_reward_stop(rising, 41) is None
    assert vab_reward_stop([0.2] * 42, 41).startswith("no reward gain")
    flat = [0.0] * 30 + [0.1] * 5
    assert vab_reward_stop(flat, 34) is None  # above the start
    assert vab_reward_stop([0.1] + [0.0] * 34, 34).startswith("reward unchanged")
    assert vab_reward_stop([0.1] + [0.0] * 29, 29) is None  # before 30 actions


def test_the_sixth_turn_is_not_carried_out(env):
    """agent.py:Agent.step checks the turn rule on the proposed action: five turns run."""
    beer(env)
    start = env.robot.heading
    for step in range(1, 7):
        _, _, _, truncated, info = env.step("ACTION: turn_left()")
        assert truncated == (step == 6)
    assert info["early_stop"] == "the same turn 6 times in a row"
    assert env.robot.heading == (start + 5) % 4


def test_the_fourth_repeat_is_not_carried_out(env):
    """agent.py:Agent.step: three failed grasps, then the same grasp, now within reach, is
    not run: the episode ends and the hand stays empty."""
    _, objects = beer(env)
    robot, bottle = env.robot, objects[1]
    robot.visible.add(bottle.name)
    robot.x, robot.y = bottle.box.center[0] + 5, bottle.box.center[1]
    for _ in range(3):
        _, info = feedback(env, "ACTION: grasp(1.bottle)")
        assert info["action_error"]
    robot.x, robot.y = bottle.box.center[0] + 0.5, bottle.box.center[1]
    robot.visible.add(bottle.name)
    _, _, _, truncated, info = env.step("ACTION: grasp(1.bottle)")
    assert truncated and info["early_stop"] == "the same action 4 times in a row"
    assert robot.held is None


@pytest.mark.parametrize("quirks,success", [(False, True), (True, False)])
def test_the_last_rounds_action_is_judged_unless_vab_quirks(quirks, success):
    """main.py:main runs max_round actions and ends without observing the last one, so an
    action finishing the task in the last round scores 0 in VAB (vab_quirks=True)."""
    env = OmniGibsonEnv(tasks=TASKS, image_size=SIZE, max_steps=2, vab_quirks=quirks)
    env.reset(options={"task_id": "t-cook_squash"})
    env.step("ACTION: turn_left()")
    _, reward, _, _, info = env.step("ACTION: cook(1.squash)")
    assert info["success"] is success and reward == float(success)
    assert info["judge"]["fidelity"]["vab_quirks"] is quirks
    env.close()


# -- reach, sight, weight, camera (utils/actions.py, env.py:Env.step) -------------------------
def refusal(action, *args) -> str:
    with pytest.raises(ActionError) as refused:
        action(*args)
    return str(refused.value)


def reach_room(bottom: float = 0.0, mass: float | None = None):
    """A robot at the origin and one box 8 cm wide whose near face is at x = 1, its
    bottom at ``bottom``."""
    robot = one_room((1.0, -0.04), (1.08, 0.04), (0.0, 0.0))
    thing = robot.world.objects["thing.n.01_1"]
    thing.box = Box.from_bounds((1.0, -0.04, bottom), (1.08, 0.04, bottom + 0.08))
    if mass is not None:
        thing.category = replace(thing.category, mass=mass)
    robot.visible.add(thing.name)
    return robot, thing


@pytest.mark.parametrize("x,ok", [(-0.19, True), (-0.21, False)])
def test_grasp_reaches_1_2_m_over_the_floor_plan(x, ok):
    """utils/actions.py:grasp: delta = 1.2 from the robot's xy to the object's xy box, at
    any height."""
    robot, _ = reach_room(bottom=1.5)
    robot.x = x
    if ok:
        assert robot.grasp("1.apple") == "Grasped successfully!"
    else:
        assert refusal(robot.grasp, "1.apple") == (
            "Cannot grasp! The object is not within reach of the robot!"
        )


@pytest.mark.parametrize("x,ok", [(0.1, True), (0.0, False)])
def test_other_actions_reach_1_2_m_from_the_robots_base(x, ok):
    """utils/actions.py:cook: delta = 1.2 from the base (z = 0.004) to the 3-D box: a box
    0.75 m up is reached from 0.9 m (1.17 m) but not from 1.0 m (1.25 m)."""
    robot, thing = reach_room(bottom=0.75)
    robot.x = x
    if ok:
        assert robot.set_state("cook", "1.apple") == "Cooked successfully!"
        assert thing.state("cooked")
    else:
        assert refusal(robot.set_state, "cook", "1.apple") == (
            "Cannot cook! The object is not within reach of the robot!"
        )


@pytest.mark.parametrize("x,ok", [(-1.3, True), (-1.5, False)])
def test_an_object_out_of_view_counts_as_visible_within_2_4_m(x, ok):
    """env.py:Env.step: not in view, not held and more than 2.4 m (xy, to the box) away is
    "not visible"; nearer, actions may name it."""
    robot, thing = reach_room()
    robot.visible.clear()
    robot.x = x
    if ok:
        assert robot.argument("cook", "1.apple") is thing
    else:
        assert refusal(robot.argument, "cook", "1.apple") == (
            "Can not execute the action! Object 1.apple is not visible to the robot."
        )


@pytest.mark.parametrize("mass,ok", [(128.0, True), (128.5, False)])
def test_things_over_128_kg_are_too_heavy(mass, ok):
    """utils/actions.py:grasp: obj.mass > 128 is "too heavy"."""
    robot, _ = reach_room(mass=mass)
    if ok:
        assert robot.grasp("1.apple") == "Grasped successfully!"
    else:
        assert refusal(robot.grasp, "1.apple") == "Cannot grasp! Object is too heavy!"


def test_camera_heights_are_0_55_1_05_and_1_55(env):
    """env.py:Env.__init__ starts the camera at 1.05 m; raise_camera / lower_camera move it by
    0.5 m while it is <= 1.1 / >= 0.8, with VAB's messages at the ends."""
    beer(env)
    assert env._camera().eye[2] == pytest.approx(1.05)
    expected = [
        ("raise_camera()", None, 1.55),
        ("raise_camera()", "Camera height is already at the highest level!", 1.55),
        ("lower_camera()", None, 1.05),
        ("lower_camera()", None, 0.55),
        ("lower_camera()", "Camera height is already at the lowest level!", 0.55),
    ]
    for action, error, height in expected:
        _, info = feedback(env, f"ACTION: {action}")
        assert info["action_error"] == error
        assert env._camera().eye[2] == pytest.approx(height)


# -- VAB's score (src/server/tasks/omnigibson/task.py:OmniGibson.calculate_overall) ----------
def test_vabs_normalised_reward_on_a_partly_done_episode():
    """task.py:calculate_overall: a failure scores max(0, (final - initial) / (1 - initial)).
    freeze_fruit in Rs_int has 9 goal literals and the closed fridge holds from the start
    (1/9); freezing both apples makes 3/9, so VAB's reward is (2/9) / (8/9) = 0.25."""
    tasks = TaskSet([vab_task("freeze_fruit")])
    env = OmniGibsonEnv(tasks=tasks, image_size=SIZE)
    _, info = env.reset(options={"task_id": "t-freeze_fruit"})
    assert info["progress"] == pytest.approx(1 / 9)
    for apple in ("6.apple", "7.apple"):
        thing = env.house.world.labelled()[int(apple[0])]
        env.robot.x, env.robot.y = thing.box.center[0], thing.box.center[1]
        env.robot.visible.add(thing.name)
        _, info = feedback(env, f"ACTION: freeze({apple})")
        assert info["action_error"] is None
    _, reward, terminated, _, info = env.step("ACTION: done()")
    assert terminated and reward == 0.0
    assert info["judge"]["score"] == pytest.approx(3 / 9)
    assert info["judge"]["details"]["vab_reward"] == pytest.approx(0.25)
    env.close()
