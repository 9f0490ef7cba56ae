"""VAB-OmniGibson-v0: household tasks from BEHAVIOR activities, judged by BDDL goals."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from vab_gym.core.actions import ActionCall, action_line, format_call
from vab_gym.core.env import Outcome, VabEnv
from vab_gym.core.judge import Verdict
from vab_gym.core.tasks import Task, TaskSet, package_tasks
from vab_gym.envs.omnigibson import appearance
from vab_gym.envs.omnigibson.actions import OMNIGIBSON_ACTIONS
from vab_gym.envs.omnigibson.goal import Goal, conditions
from vab_gym.envs.omnigibson.house import House, build_house
from vab_gym.envs.omnigibson.render import BoxRenderer, Camera, draw_marks, visible_keys
from vab_gym.envs.omnigibson.robot import PUT, STATE_ACTIONS, Robot, camera_yaw
from vab_gym.envs.omnigibson.tasks import problem_text

VAB_HFOV = 2 * math.atan(20.955 / 2 / 4.8)  # Isaac's aperture over VAB's 4.8 focal length
VAB_PITCH = math.radians(13)
FRIDGE_CAMERA_DROP = 0.16
VAB_MIN_PIXELS_AT_720P = 12


def vab_stop_reason(rewards: list[float], actions: list[str], results: list[bool]) -> str | None:
    """VAB-OmniGibson's early stops (``agent.py``): stalled reward, or a repeated action."""
    r = rewards
    if len(actions) >= 40 and all(r[-1] <= r[i] for i in (-2, -9, -10, -11)):
        return "no reward gain over the last 10 rounds (VAB's rule after 40 actions)"
    if len(actions) >= 30 and len(set(r[-5:])) == 1 and r[-1] <= r[0]:
        return "reward unchanged for 5 rounds and not above the start (VAB's rule after 30)"
    if (
        len(actions) >= 4
        and len(set(actions[-4:])) == 1
        and len(set(results[-3:])) == 1
        and "turn" not in actions[-1]
    ):
        return "the same action 4 times in a row"
    if len(actions) >= 6 and len(set(actions[-6:])) == 1 and "turn" in actions[-1]:
        return "the same turn 6 times in a row"
    return None


class OmniGibsonEnv(VabEnv):
    """VAB-OmniGibson: a robot in a house does a BEHAVIOR activity through VAB's 20 actions.

    Observation: ``image`` is the egocentric view (1280x720 by default, like VAB) with
    Set-of-Marks boxes labelled ``id.category`` on the task objects in sight (after
    ``get_fridge_view``, one view from inside the fridge); ``text`` is VAB's action feedback,
    object at hand, current room and the reachable rooms; ``instruction`` is the goal.
    The BDDL goal is evaluated after every action and success ends the episode;
    ``progress`` is VAB's reward, the best fraction of satisfied goal literals over the
    grounded goal options. ``done()`` ends the episode (VAB counts it as a failure unless the
    goal already holds, which would have ended the episode before).
    """

    env_id = "VAB-OmniGibson-v0"
    action_set = OMNIGIBSON_ACTIONS
    backends = ("sim",)
    default_image_size = (720, 1280)
    default_max_steps = 100
    checks_goal_every_step = True
    solver = "vab_gym.envs.omnigibson.solver:OmniGibsonSolver"

    def __init__(
        self, *, vab_early_stop: bool = True, hfov: float = VAB_HFOV, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.vab_early_stop = vab_early_stop
        self.hfov = hfov
        height, width = self.image_size
        self.renderer = BoxRenderer(width, height)
        self.min_pixels = max(1, round(VAB_MIN_PIXELS_AT_720P * height * width / (720 * 1280)))
        self.house: House | None = None
        self.robot: Robot | None = None
        self.goal: Goal | None = None
        self._names: list[str] = []  # the episode's objects; index + 1 marks them
        self._index: dict[str, int] = {}
        self._rewards: list[float] = []
        self._actions: list[str] = []
        self._results: list[bool] = []
        self._initial_progress = 0.0

    @classmethod
    def default_tasks(cls, split: str) -> TaskSet:
        return package_tasks(__package__, split)

    # -- episode --------------------------------------------------------------------------
    def _start(self, task: Task) -> str:
        setup = task.setup
        conds = conditions(setup["activity"], problem_text(setup))
        self.house = build_house(conds, setup["scene"], int(setup.get("seed", 0)))
        world = self.house.world
        self.robot = Robot(
            world,
            *self.house.start,
            heading=self.house.start_heading,
            rng=np.random.default_rng(int(setup.get("seed", 0)) + 1),
        )
        self.goal = Goal(conds, world)
        self._names = list(world.objects)
        self._index = {name: i for i, name in enumerate(self._names)}
        self._rewards, self._actions, self._results = [], [], []
        self._initial_progress = self.goal.progress()
        self._rewards.append(self._initial_progress)
        return self._text("None actions before.")

    def _execute(self, call: ActionCall) -> Outcome:
        robot = self.robot
        assert robot is not None
        name, args = call.name, list(call.args.values())
        if name == "done":
            return Outcome(self._text(self._feedback(call, "Task finished.")), finished=True)
        if name in ("turn_left", "turn_right"):
            message = robot.turn(left=name == "turn_left")
        elif name in PUT:
            message = robot.put(name, *args)
        elif name in STATE_ACTIONS:
            message = robot.set_state(name, *args)
        elif name == "move_to_room":
            message = robot.move_to_room(*args)
        else:  # grasp, move, raise_camera, lower_camera, get_fridge_view
            message = getattr(robot, name)(*args)
        return Outcome(self._text(self._feedback(call, message)))

    def _error_feedback(self, action: Any, error: str) -> str:
        shown = action_line(action) if isinstance(action, str) else repr(action)
        shown = shown if len(shown) <= 200 else shown[:197] + "..."
        return self._text(f'The last action is `{shown}`, the feedback is "{error}".')

    def _observe(self) -> dict[str, np.ndarray]:
        robot, world = self.robot, self.house.world if self.house else None
        assert robot is not None and world is not None
        self.renderer.sync(appearance.render_boxes(world, self._index))
        rgb, seg = self.renderer.render(self._camera())
        robot.fridge_view = None
        obj_seg = appearance.object_segmentation(seg)  # one mark per object, not per part
        visible = {self._names[k - 1] for k in visible_keys(obj_seg, self.min_pixels)}
        robot.see(visible)
        labels = {
            self._index[n] + 1: world.objects[n].label
            for n in visible
            if world.objects[n].vab_id is not None
        }
        image, _ = draw_marks(rgb, obj_seg, labels, self.min_pixels)
        return {"image": image}

    def _camera(self) -> Camera:
        robot = self.robot
        assert robot is not None and self.house is not None
        if robot.fridge_view:
            box = self.house.world.objects[robot.fridge_view].box
            eye = (box.center[0], box.center[1], box.top - FRIDGE_CAMERA_DROP)
            return Camera(eye, camera_yaw(robot.heading), math.pi / 2 - 1e-3, self.hfov)
        return Camera(
            (robot.x, robot.y, robot.camera_height), camera_yaw(robot.heading), VAB_PITCH, self.hfov
        )

    # -- judging --------------------------------------------------------------------------
    def _progress(self) -> float:
        return self.goal.progress() if self.goal else 0.0

    def _goal_reached(self) -> bool:
        return bool(self.goal and self.goal.satisfied())

    def _judge(self, answer: str | None) -> Verdict:
        assert self.goal is not None
        success = self.goal.satisfied()
        progress = self.goal.progress()
        initial = self._initial_progress
        # VAB's average_reward: 1 on success, else the gain normalised by what was left
        normalised = 1.0 if success else max(0.0, (progress - initial) / (1 - initial or 1.0))
        report = self.goal.report()
        return Verdict(
            success=success,
            score=progress,
            reason=f"{len(report['satisfied'])} of "
            f"{len(report['satisfied']) + len(report['unsatisfied'])} goal "
            "conditions hold",
            details={**report, "initial_progress": initial, "vab_reward": normalised},
        )

    # -- VAB's early stops ----------------------------------------------------------------
    def _track_streaks(self, action: Any, error: str | None, progress: float) -> None:
        super()._track_streaks(action, error, progress)
        self._actions.append(action_line(action) if isinstance(action, str) else repr(action))
        self._results.append(error is None)
        self._rewards.append(progress)

    def _early_stop_reason(self) -> str | None:
        reason = super()._early_stop_reason()
        if reason is None and self.vab_early_stop:
            reason = vab_stop_reason(self._rewards, self._actions, [True, *self._results])
        return reason

    # -- text -----------------------------------------------------------------------------
    def _feedback(self, call: ActionCall, message: str) -> str:
        return f'The last action is `{_vab_call(call)}`, the feedback is "{message}".'

    def _text(self, feedback: str) -> str:
        robot, world = self.robot, self.house.world if self.house else None
        assert robot is not None and world is not None
        held = robot.held_obj()
        rooms = ", ".join(r.name for r in world.rooms) or "None"
        return (
            f"Action Feedback: {feedback}\n"
            f"At Hand Object: {held.label + '.' if held else 'None.'}\n"
            f"Current Room: {robot.room()}.\n"
            f"Reachable Rooms: {rooms}."
        )

    # -- grounding ------------------------------------------------------------------------
    def valid_actions(self) -> list[str]:
        """Calls on the objects in sight or in hand, rooms to go to, and looking around."""
        robot, world = self.robot, self.house.world if self.house else None
        assert robot is not None and world is not None
        labelled = [o for o in world.objects.values() if o.vab_id]
        in_view = [o for o in labelled if o.name in robot.visible or o.name == robot.held]
        calls = ["turn_left()", "turn_right()", "raise_camera()", "lower_camera()"]
        calls += [format_call("move", [o.label]) for o in labelled if o.name in robot.seen]
        calls += [format_call("move_to_room", [r.name]) for r in world.rooms]
        held = robot.held_obj()
        for obj in in_view:
            if held is None and obj.movable:
                calls.append(format_call("grasp", [obj.label]))
            for action, (ability, *_rest) in STATE_ACTIONS.items():
                if obj.category.can(ability):
                    calls.append(format_call(action, [obj.label]))
            if held is not None and obj is not held:
                calls += [format_call(a, [held.label, obj.label]) for a in PUT]
        if any(o.category.label in ("refrigerator", "fridge") for o in labelled):
            calls.append("get_fridge_view()")
        return calls

    def _close_backend(self) -> None:
        self.renderer.close()


def _vab_call(call: ActionCall) -> str:
    """A call as VAB's agents write it: ``grasp(2.banana)``."""
    return f"{call.name}({', '.join(str(v) for v in call.args.values())})"
