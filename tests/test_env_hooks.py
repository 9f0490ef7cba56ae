"""The seam between the base env and an env: each declared action is tied to its handler
``_do_<name>`` when the class is defined, the one router carries calls to it, and the
shipped tasks are read from ``task_package``."""

from __future__ import annotations

import numpy as np
import pytest

from vab_gym.core.actions import ActionError, ActionSet, ActionSpec, Param
from vab_gym.core.env import EarlyStop, Outcome, Streaks, VabEnv, dispatch, handler_name
from vab_gym.core.judge import Verdict
from vab_gym.core.registration import ENVIRONMENTS, load_object
from vab_gym.core.tasks import Task, TaskSet, package_tasks

ACTIONS = ActionSet(
    ActionSpec(
        "push",
        "Push a box.",
        (Param("box", int, "which box"), Param("far", bool, "two squares", False)),
    ),
    ActionSpec("done", "Finish."),
)
TASKS = TaskSet([Task("box-0", "Box-v0", "test", "Push box 1.", {}, {})])


class _World(VabEnv):
    """Everything but the actions and their handlers (a class without an action set is
    not checked: its subclasses are)."""

    env_id = "Box-v0"
    backends = ("toy",)
    default_image_size = (2, 2)
    default_max_steps = 5

    @classmethod
    def default_tasks(cls, split: str) -> TaskSet:
        return TASKS

    def _start(self, task: Task) -> str:
        self.pushed: list[tuple[int, bool]] = []
        return "start"

    def _observe(self) -> dict[str, np.ndarray]:
        return {"image": np.zeros((2, 2, 3), np.uint8)}

    def _judge(self, answer: str | None) -> Verdict:
        return Verdict(bool(self.pushed), float(bool(self.pushed)), "pushed")


def _world_with(**handlers) -> type[_World]:
    """A subclass of :class:`_World` with ``handlers`` as its methods, defined now."""
    return type("BoxEnv", (_World,), {"action_set": ACTIONS, **handlers})


def _push(self, box: int, far: bool) -> str:
    if box != 1:
        raise ActionError(f"no box {box}")
    self.pushed.append((box, far))
    return f"pushed {box}"


def _done(self) -> Outcome:
    return Outcome("bye", finished=True)


def test_a_declared_action_without_a_handler_is_refused_when_the_class_is_defined():
    with pytest.raises(TypeError) as raised:
        _world_with(_do_push=_push)
    message = str(raised.value)
    assert "BoxEnv (Box-v0)" in message
    assert "action 'done' has no handler: define _do_done(self) on BoxEnv" in message


def test_a_handler_without_a_declared_action_is_refused():
    with pytest.raises(TypeError, match=r"BoxEnv._do_pull handles no declared action 'pull'"):
        _world_with(_do_push=_push, _do_done=_done, _do_pull=_done)


def test_a_handler_whose_parameters_differ_from_the_declaration_is_refused():
    def push(self, box: int, distance: int) -> str:
        return ""

    with pytest.raises(TypeError) as raised:
        _world_with(_do_push=push, _do_done=_done)
    message = str(raised.value)
    assert "BoxEnv._do_push does not match push(box: int, far: bool=False)" in message
    assert "it takes no far" in message
    assert "it needs distance, which the action does not declare" in message


def test_calls_reach_their_handlers_with_keywords_and_defaults_filled():
    env = _world_with(_do_push=_push, _do_done=_done)()
    env.reset(seed=0)
    obs, _, terminated, _, info = env.step("push(1)")
    assert (obs["text"], terminated, info["action_error"]) == ("pushed 1", False, None)
    assert env.pushed == [(1, False)]
    obs, _, _, _, info = env.step("push(far=True, box=1)")
    assert env.pushed == [(1, False), (1, True)]
    obs, _, _, _, info = env.step("push(2)")  # the handler refuses: feedback, not a raise
    assert info["action_error"] == "no box 2"
    assert obs["text"] == "Invalid action: no box 2"
    _, reward, terminated, _, info = env.step("done()")
    assert (terminated, reward, info["success"]) == (True, 1.0, True)


def test_handlers_kept_on_another_object_are_checked_there_and_delegated():
    class Arm:
        def __init__(self) -> None:
            self.moves: list[int] = []

        def _do_push(self, box: int, far: bool) -> str:
            self.moves.append(box)
            return f"arm pushed {box}"

    class ArmEnv(_World):
        action_set = ACTIONS
        action_handlers = Arm
        _do_done = _done

        def _start(self, task: Task) -> str:
            self.pushed = []
            self.arm = Arm()
            return "start"

        def _delegate(self, call):
            return dispatch(self.arm, call)

    env = ArmEnv()
    env.reset(seed=0)
    assert env.step("push(3)")[0]["text"] == "arm pushed 3"
    assert env.arm.moves == [3]

    class Stray(Arm):
        def _do_wave(self) -> str:
            return ""

    with pytest.raises(TypeError, match=r"Stray._do_wave handles no declared action"):
        type("WavingEnv", (ArmEnv,), {"action_handlers": Stray})


def test_an_env_that_routes_its_own_steps_needs_no_handlers():
    class OwnRouting(_World):
        action_set = ACTIONS
        routes_actions = False

        def _execute(self, call) -> Outcome:
            return Outcome(f"read {call.name}", finished=call.name == "done")

    env = OwnRouting()
    env.reset(seed=0)
    assert env.step("push(1)")[0]["text"] == "read push"


def test_handler_names_are_the_action_name_after_do():
    assert handler_name("tab_focus") == "_do_tab_focus"


@pytest.mark.parametrize("entry_point", sorted(ENVIRONMENTS.values()))
def test_default_tasks_read_the_data_of_each_envs_own_package(entry_point):
    env_cls = load_object(entry_point)
    package = entry_point.rsplit(".", 1)[0]  # vab_gym.envs.<env>
    assert env_cls.task_package == package
    for split in ("test", "train"):
        assert env_cls.default_tasks(split).ids == package_tasks(package, split).ids
    assert len(env_cls.default_tasks("test")) > 0


def test_an_env_without_a_task_package_says_how_to_ship_tasks():
    class NoTasks(VabEnv):
        env_id = "None-v0"
        action_set = ActionSet()

    with pytest.raises(NotImplementedError, match="set task_package or override"):
        NoTasks.default_tasks("test")


@pytest.mark.parametrize(
    ("streaks", "reason"),
    [
        (Streaks(invalid=2, repeats=2, stalled=2), None),
        (Streaks(invalid=3, repeats=3), "3 invalid actions in a row"),  # the first rule wins
        (Streaks(repeats=4), "the same action 4 times in a row"),
        (Streaks(stalled=5), "no progress in 5 steps"),
    ],
)
def test_the_early_stop_policy_names_the_rule_that_fired(streaks, reason):
    assert EarlyStop(max_invalid=3, max_repeats=3, no_progress=5).reason(streaks) == reason


def test_webarenas_preset_words_its_stops_as_vabs_run_py_and_has_no_stall_rule():
    """run.py:early_stop: "Failed to parse actions for {k} times", "Same action for {k}
    times"; it has no stall rule, so a stall threshold given to the preset is never read."""
    from vab_gym.envs.webarena.env import VAB_EARLY_STOP, RunPyEarlyStop

    assert (VAB_EARLY_STOP.max_invalid, VAB_EARLY_STOP.max_repeats) == (3, 5)
    assert VAB_EARLY_STOP.reason(Streaks(invalid=3)) == "Failed to parse actions for 3 times"
    assert VAB_EARLY_STOP.reason(Streaks(repeats=5)) == "Same action for 5 times"
    assert VAB_EARLY_STOP.reason(Streaks(invalid=2, repeats=4, stalled=99)) is None
    assert RunPyEarlyStop(no_progress=1).reason(Streaks(stalled=9)) is None
