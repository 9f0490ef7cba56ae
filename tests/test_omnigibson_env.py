"""VAB-OmniGibson-v0 end to end: the contract, VAB's actions and words, the judge, the solver."""

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import vab_gym  # noqa: F401  (registers the envs)
from tests.splits import split_sample
from tests.strategies import actions
from vab_gym.agents import make_solver, run_episode
from vab_gym.core.tasks import Task, TaskSet, package_tasks
from vab_gym.envs.omnigibson.env import OmniGibsonEnv

SIZE = (90, 160)


def vab_task(activity: str, scene: str, seed: int = 0) -> Task:
    return Task(
        f"t-{activity}",
        "VAB-OmniGibson-v0",
        "test",
        activity,
        {"activity": activity, "scene": scene, "seed": seed, "definition": "vab"},
        {"type": "bddl_goal"},
    )


@pytest.fixture(scope="module")
def env():
    tasks = TaskSet([vab_task("store_beer", "Rs_int"), vab_task("freeze_fruit", "Rs_int")])
    env = OmniGibsonEnv(tasks=tasks, image_size=SIZE)
    yield env
    env.close()


def step_text(env, action):
    obs, _reward, _terminated, _truncated, info = env.step(action)
    return obs["text"].splitlines()[0], info


def test_first_observation_is_vab_s(env):
    obs, info = env.reset(options={"task_id": "t-store_beer"})
    assert obs["image"].shape == (*SIZE, 3) and obs["image"].dtype == np.uint8
    lines = obs["text"].splitlines()
    assert lines[0] == "Action Feedback: None actions before."
    assert lines[1] == "At Hand Object: None."
    assert lines[2].startswith("Current Room: ") and len(lines) == 3
    assert info["progress"] == 0.0 and info["step"] == 0


def test_vab_argument_and_function_errors(env):
    env.reset(options={"task_id": "t-store_beer"})
    cases = {
        "grasp(99.apple)": "Invalid object id 99! The corresponding object does not exist.",
        "grasp(1.apple)": "ID 1 doesn't match object 'apple'. Maybe you take the wrong object id.",
        "grasp(apple)": "Object apple not found in the scene! You should use the digital "
        "object identifier shown in the image.",
        "put_on(1.bottle, 5.countertop)": "Invalid action! You should call the function in the "
        "Predefined Action List! Do you mean the function "
        "'put_on_top'?",
        "put_inside(1.bottle)": "Need 2 arguments for action put_inside!",
        "turn_left(1.bottle)": "turn_left doesn't need any arguments!",
        "grasp()": "Invalid action! You should call the function using the format: "
        "function_name(arg)",
        "move_to_room(attic_0)": "Invalid room name!",
        "grasp(5.countertop)": None,  # not moveable, or not visible: both VAB's words
    }
    for action, message in cases.items():
        line, info = step_text(env, action)
        assert info["action_error"], action
        if message:
            assert info["action_error"] == message, action
            assert (
                line == f"Action Feedback: The last action is `{action}`, the feedback is "
                f'"{message}".'
            )


def test_store_beer_by_hand_with_vab_syntax(env):
    env.reset(options={"task_id": "t-store_beer"})
    world, robot = env.house.world, env.robot
    fridge = next(o for o in world.objects.values() if o.category.label == "refrigerator")
    bottles = sorted(
        (o for o in world.objects.values() if o.category.label == "bottle"), key=lambda o: o.vab_id
    )
    robot.seen |= {fridge.name, *(b.name for b in bottles)}  # as if it had looked around
    _, info = step_text(env, f"move({fridge.label})")
    assert info["action_error"] is None
    line, info = step_text(env, f"grasp({fridge.vab_id})")
    assert info["action_error"] == f"Can not grasp! Object {fridge.label} is not moveable!"
    for i, bottle in enumerate(bottles, 1):
        _, info = step_text(env, f"ACTION: move({bottle.vab_id}_bottle)")
        _, info = step_text(env, f"grasp(obj='{bottle.label}')")
        assert info["action_error"] is None and robot.held == bottle.name
        _, info = step_text(env, f"grasp({bottles[-1].label})")
        assert info["action_error"] == "Cannot grasp! Robot already holds something!"
        _, info = step_text(env, f"move({fridge.label})")
        if i == 1:
            _, info = step_text(env, f"put_inside({bottle.label}, {fridge.label})")
            assert info["action_error"] == "Cannot put inside! The container is closed!"
            line, info = step_text(env, f"open({fridge.label})")
            assert line.endswith('the feedback is "Opened successfully!".')
        _obs, reward, terminated, _truncated, info = env.step(
            f"put_inside({bottle.label}, {fridge.label})"
        )
        assert info["action_error"] is None and robot.held is None
        assert info["progress"] == pytest.approx(i / 4)
    assert terminated and reward == 1.0 and info["success"]
    assert info["judge"]["details"]["vab_reward"] == 1.0


def test_states_fridge_view_camera_and_done(env):
    env.reset(options={"task_id": "t-freeze_fruit"})
    world, robot = env.house.world, env.robot
    apple = next(o for o in world.objects.values() if o.category.label == "apple")
    fridge = next(o for o in world.objects.values() if o.category.label == "refrigerator")
    robot.seen |= {apple.name, fridge.name}
    step_text(env, f"move({apple.label})")
    _, info = step_text(env, f"cook({fridge.label})")
    assert info["action_error"] in (
        "Cannot cook! Object is not cookable!",
        f"Can not execute the action! Object {fridge.label} is not visible to the robot.",
    )
    step_text(env, f"grasp({apple.label})")  # what is held is within reach
    assert robot.held == apple.name
    line, info = step_text(env, f"freeze({apple.label})")
    assert line.endswith('"Frozen successfully!".') and apple.state("frozen")
    assert info["progress"] > 0
    _, info = step_text(env, "get_fridge_view()")
    assert info["action_error"] in ("Fridge is too far away!", "Fridge is not open!")
    step_text(env, f"move({fridge.label})")
    step_text(env, f"open({fridge.label})")
    outside = env.step("turn_left()")[0]["image"]
    inside = env.step("get_fridge_view()")[0]["image"]
    assert not np.array_equal(outside, inside)
    assert step_text(env, "raise_camera()")[1]["action_error"] is None
    assert (
        step_text(env, "raise_camera()")[1]["action_error"]
        == "Camera height is already at the highest level!"
    )
    _obs, reward, terminated, _truncated, info = env.step("done()")
    assert terminated and reward == 0.0 and info["success"] is False
    with pytest.raises(gym.error.ResetNeeded):
        env.step("turn_left()")


def test_same_seed_same_house_and_image():
    task = vab_task("store_beer", "Rs_int")
    images = []
    for _ in range(2):
        e = OmniGibsonEnv(tasks=TaskSet([task]), image_size=SIZE)
        obs, _ = e.reset(seed=3)
        obs, *_ = e.step("turn_left()")
        images.append(obs["image"])
        e.close()
        e.close()  # idempotent
    assert np.array_equal(*images)


def test_valid_actions_are_all_parseable(env):
    env.reset(options={"task_id": "t-store_beer"})
    for action in env.valid_actions():
        _, _, terminated, truncated, info = env.step(action)
        assert "Invalid action" not in (info["action_error"] or ""), action
        if terminated or truncated:
            env.reset(options={"task_id": "t-store_beer"})


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(action=actions(["grasp", "move", "put_inside", "open", "move_to_room", "done"]))
@pytest.mark.slow
def test_hostile_actions_give_feedback(env, action):
    env.reset(options={"task_id": "t-store_beer"})
    obs, _reward, _terminated, _truncated, info = env.step(action)
    assert env.observation_space.contains(obs)
    assert info["action_error"] is None or isinstance(info["action_error"], str)


@pytest.mark.parametrize(
    "action",
    [
        "x" * 1_000_000,
        "grasp(" + "9" * 5000 + ".apple)",
        "grasp(1.bottle\u202e)",
        "__import__('os').system('x')",
        "grasp(1.bottle); open(6.refrigerator)",
        b"grasp",
        None,
        "move_to_room(" + "k" * 100_000 + ")",
    ],
)
def test_garbage_is_refused_in_words(env, action):
    env.reset(options={"task_id": "t-store_beer"})
    obs, reward, terminated, _truncated, info = env.step(action)
    assert info["action_error"] and reward == 0.0 and not terminated
    assert len(obs["text"]) < 5000


def test_shipped_splits():
    test = package_tasks("vab_gym.envs.omnigibson", "test")
    assert len(test) == 181 and len({t.setup["activity"] for t in test}) == 45
    train = package_tasks("vab_gym.envs.omnigibson", "train")
    assert len(train) >= 200
    assert not {t.setup["activity"] for t in train} & {t.setup["activity"] for t in test}
    assert all(t.instruction.startswith("Make all of these true: ") for t in train)


SOLVED = [
    "og-test-store_beer-Ihlen_1_int",
    "og-test-assembling_gift_baskets-Rs_int",
    "og-test-cook_squash-Rs_int",
    "og-test-buy_alcohol-grocery_store_cafe",
]


@pytest.mark.slow
def test_solver_solves_tasks_through_the_public_actions():
    env = gym.make("VAB-OmniGibson-v0", image_size=(180, 320))
    try:
        solver = make_solver(env)
        for task_id in SOLVED:
            result = run_episode(env, solver, task_id=task_id)
            assert result.success, (task_id, [s.action for s in result.steps][-5:])
    finally:
        env.close()


# The 13 test tasks the solver fails with VAB's move rule and early stops (README), so a
# regression of one task, or a fix, shows here.
SOLVER_FAILURES = {
    "og-test-boxing_books_up_for_storage-Pomaria_1_int",
    "og-test-buy_food_for_camping-grocery_store_cafe",
    "og-test-clean_up_broken_glass-Ihlen_1_int",
    "og-test-dispose_of_a_pizza_box-Ihlen_1_int",
    "og-test-dispose_of_a_pizza_box-Rs_int",
    "og-test-dispose_of_batteries-Pomaria_2_int",
    "og-test-packing_meal_for_delivery-Ihlen_1_int",
    "og-test-putting_away_Halloween_decorations-Rs_int",
    "og-test-serving_hors_d_oeuvres-Beechwood_0_int",
    "og-test-serving_hors_d_oeuvres-Benevolence_1_int",
    "og-test-serving_hors_d_oeuvres-Ihlen_1_int",
    "og-test-serving_hors_d_oeuvres-Merom_1_int",
    "og-test-serving_hors_d_oeuvres-Wainscott_0_int",
}


@pytest.mark.slow
@pytest.mark.timeout(1500)  # all 181 episodes (--full-splits): 9-10 min on 2 busy cores
def test_solver_on_the_test_split(full_splits):
    env = gym.make("VAB-OmniGibson-v0", image_size=(180, 320))
    try:
        solver = make_solver(env)
        all_ids = env.unwrapped.tasks.ids
        ids = split_sample(all_ids, full_splits, lambda task_id: task_id.split("-")[2])
        failures = {t for t in ids if not run_episode(env, solver, task_id=t).success}
    finally:
        env.close()
    assert len(all_ids) == 181
    assert failures == SOLVER_FAILURES & set(ids)
