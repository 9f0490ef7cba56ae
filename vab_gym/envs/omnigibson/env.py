"""VAB-OmniGibson-v0: household tasks from BEHAVIOR activities, judged by BDDL goals."""

from __future__ import annotations

import math
from functools import partialmethod
from typing import Any, Literal

import numpy as np

from vab_gym.core.actions import ActionCall, format_call
from vab_gym.core.env import ModelView, Outcome, VabEnv
from vab_gym.core.images import png_bytes
from vab_gym.core.judge import Verdict
from vab_gym.core.tasks import Task, setup_record
from vab_gym.envs.omnigibson import appearance
from vab_gym.envs.omnigibson.actions import OMNIGIBSON_ACTIONS, actions_with_world, vab_action
from vab_gym.envs.omnigibson.house import House, build_house
from vab_gym.envs.omnigibson.judge import BINARY_PREDICATES, Goal, conditions, goal_literals
from vab_gym.envs.omnigibson.render import BoxRenderer, Camera, draw_marks, visible_keys
from vab_gym.envs.omnigibson.robot import PUT, STATE_ACTIONS, Robot, camera_yaw
from vab_gym.envs.omnigibson.tasks import problem_text

VAB_HFOV = 2 * math.atan(20.955 / 2 / 4.8)  # Isaac's aperture over VAB's 4.8 focal length
VAB_PITCH = math.radians(13)
VAB_SIZE = (1280, 720)  # VAB's eyes camera, width x height
FRIDGE_CAMERA_DROP = 0.16
# env.py:Env.get_visible_objects counts an object seen with one segmentation pixel,
# env.py:Env.label_som boxes it from two (at 1280x720; scaled to other sizes, at least 1)
VAB_VISIBLE_PIXELS = 1
VAB_BOXED_PIXELS = 2
SCAN_SIZE = (160, 90)  # VAB's move looks four ways and compares shares: small is enough
MOVE_RULES = ("vab", "free")
LITERAL_TIERS = (3, 6, 10)  # difficulty(): goal literals above each bound add a tier


def vab_reward_stop(rewards: list[float], n_actions: int) -> str | None:
    """VAB-OmniGibson's stalled-reward stops (``agent.py:Agent.step``, checked before the
    model is asked): ``rewards`` starts with the reward before the first action."""
    r = rewards
    if n_actions >= 40 and all(r[-1] <= r[i] for i in (-2, -9, -10, -11)):
        return "no reward gain over the last 10 rounds (VAB's rule after 40 actions)"
    if n_actions >= 30 and len(set(r[-5:])) == 1 and r[-1] <= r[0]:
        return "reward unchanged for 5 rounds and not above the start (VAB's rule after 30)"
    return None


def vab_repeat_stop(actions: list[str], results: list[bool]) -> str | None:
    """VAB-OmniGibson's repeat stops (``agent.py:Agent.step``), checked on the action just
    proposed, before it is carried out: ``actions`` ends with it; ``results`` starts with
    True (``main.py``'s first ``ret``) and holds the results of the actions carried out."""
    if (
        len(results) >= 4
        and len(set(results[-3:])) == 1
        and len(set(actions[-4:])) == 1
        and "turn" not in actions[-1]
    ):
        return "the same action 4 times in a row"
    if len(results) >= 6 and len(set(actions[-6:])) == 1 and "turn" in actions[-1]:
        return "the same turn 6 times in a row"
    return None


@setup_record
class OmniGibsonSetup:
    """A VAB-OmniGibson task's world: the BEHAVIOR activity, the scene whose rooms the house
    copies, the house's seed, and where the BDDL problem comes from (``"vab"``: the rewrite
    of VAB's goal, ``"bddl"``: the bddl package's ``problem0``; ``problem``: a text of one's
    own)."""

    activity: str
    scene: str
    seed: int = 0
    definition: Literal["vab", "bddl"] = "vab"
    problem: str | None = None


class OmniGibsonEnv(VabEnv):
    """VAB-OmniGibson: a robot in a house does a BEHAVIOR activity through VAB's 20 actions.

    Observation: ``image`` is the egocentric view (1280x720 by default, like VAB) with
    Set-of-Marks boxes labelled ``id.category`` on the task objects in sight (after
    ``get_fridge_view``, one view from inside the fridge); ``text`` is VAB's turn text
    (action feedback, object at hand, current room; ``hints=True`` adds the reachable rooms);
    ``instruction`` is the goal. :meth:`model_view` gives what VAB's harness sends: the goal
    and rooms once, in VAB's words, and the image at 1280x720.
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
    task_package = __package__
    setup_type = OmniGibsonSetup
    fresh_tasks = "vab_gym.envs.omnigibson.tasks:fresh_train_tasks"
    mistakes = "vab_gym.envs.omnigibson.mistakes:propose"

    def __init__(
        self,
        *,
        vab_early_stop: bool = True,
        move: str = "vab",
        hfov: float = VAB_HFOV,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if move not in MOVE_RULES:
            raise ValueError(f"move must be one of {MOVE_RULES}, got {move!r}")
        self.vab_early_stop = vab_early_stop
        self.move_rule = move
        self.hfov = hfov
        # VAB checks object arguments (id, sight) before the argument count: the parser
        # needs the house
        self.action_set = actions_with_world(self._check_argument)
        height, width = self.image_size
        self.renderer = BoxRenderer(width, height)
        self.visible_pixels = _scaled_pixels(VAB_VISIBLE_PIXELS, width, height)
        self.boxed_pixels = _scaled_pixels(VAB_BOXED_PIXELS, width, height)
        self._reply = ""  # VAB's action text of the reply being stepped
        self._stop_before: str | None = None
        self._camera_used: Camera | None = None
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
    def difficulty(cls, task: Task) -> dict[str, Any]:
        """Goal literals: the fewest grounded literals a goal option asks for (tier 0 up to
        3, 1 up to 6, 2 up to 10, 3 more); kind ``rearrange`` (only relations: ontop,
        inside...), ``state`` (only states: open, cooked...) or ``mixed``."""
        literals, predicates = goal_literals(task.setup["activity"], problem_text(task.setup))
        relations = predicates & set(BINARY_PREDICATES)
        kind = (
            "mixed"
            if relations and predicates - relations
            else "rearrange"
            if relations
            else "state"
        )
        tier = sum(literals > bound for bound in LITERAL_TIERS)
        return {"tier": tier, "kind": kind, "literals": literals, "predicates": sorted(predicates)}

    # -- episode --------------------------------------------------------------------------
    def _start(self, task: Task) -> str:
        conds = conditions(self.setup.activity, problem_text(task.setup))
        self.house = build_house(conds, self.setup.scene, self.setup.seed)
        world = self.house.world
        self.robot = Robot(
            world,
            *self.house.start,
            heading=self.house.start_heading,
            rng=np.random.default_rng(self.setup.seed + 1),
            move_rule=self.move_rule,
            hints=self.hints,
            scan=self._scan,
        )
        self.goal = Goal(conds, world)
        self._names = list(world.objects)
        self._index = {name: i for i, name in enumerate(self._names)}
        self._rewards, self._actions, self._results = [], [], []
        self._initial_progress = self.goal.progress()
        self._rewards.append(self._initial_progress)
        self._stop_before = None
        return self._text("None actions before.")

    def step(self, action: str) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        self._reply = vab_action(action) if isinstance(action, str) else repr(action)
        self._stop_before = None
        if self.vab_early_stop and not self._done:
            self._stop_before = vab_repeat_stop(
                [*self._actions, self._reply], [True, *self._results]
            )
        return super().step(action)

    def _execute(self, call: ActionCall) -> Outcome:
        """VAB's checks before any action, then the action's handler."""
        if self._stop_before:  # VAB ends the episode before carrying the repeat out
            return self._outcome_from("Not carried out: " + self._stop_before)
        if self.vab_quirks and self._steps >= self.max_steps:
            # VAB's main.py ends its loop after the last action without observing it again,
            # so the last action's effect is never judged
            return self._outcome_from("Not judged (VAB's last round).")
        return super()._execute(call)

    def _outcome_from(self, feedback: str) -> Outcome:
        return Outcome(self._text(self._feedback(feedback)))

    # -- actions: the robot carries them out ----------------------------------------------
    def _acting_robot(self) -> Robot:
        assert self.robot is not None, "call reset() first"
        return self.robot

    def _do_done(self) -> Outcome:
        return Outcome(self._text(self._feedback("Task finished.")), finished=True)

    def _do_turn_left(self) -> str:
        return self._acting_robot().turn(left=True)

    def _do_turn_right(self) -> str:
        return self._acting_robot().turn(left=False)

    def _do_move(self, obj: str) -> str:
        return self._acting_robot().move(obj)

    def _do_move_to_room(self, room: str) -> str:
        return self._acting_robot().move_to_room(room)

    def _do_grasp(self, obj: str) -> str:
        return self._acting_robot().grasp(obj)

    def _do_raise_camera(self) -> str:
        return self._acting_robot().raise_camera()

    def _do_lower_camera(self) -> str:
        return self._acting_robot().lower_camera()

    def _do_get_fridge_view(self) -> str:
        return self._acting_robot().get_fridge_view()

    def _put(self, action: str, obj1: str, obj2: str) -> str:
        return self._acting_robot().put(action, obj1, obj2)

    def _set_state(self, action: str, obj: str) -> str:
        return self._acting_robot().set_state(action, obj)

    # The robot's put and set_state take the action's name (PUT, STATE_ACTIONS: its words).
    _do_put_inside = partialmethod(_put, "put_inside")
    _do_put_on_top = partialmethod(_put, "put_on_top")
    _do_put_under = partialmethod(_put, "put_under")
    _do_put_next_to = partialmethod(_put, "put_next_to")
    _do_cook = partialmethod(_set_state, "cook")
    _do_burn = partialmethod(_set_state, "burn")
    _do_freeze = partialmethod(_set_state, "freeze")
    _do_heat = partialmethod(_set_state, "heat")
    _do_open = partialmethod(_set_state, "open")
    _do_close = partialmethod(_set_state, "close")
    _do_toggle_on = partialmethod(_set_state, "toggle_on")
    _do_toggle_off = partialmethod(_set_state, "toggle_off")

    def _error_feedback(self, action: Any, error: str) -> str:
        return self._text(f'The last action is `{self._shown()}`, the feedback is "{error}".')

    def _check_argument(self, action: str, arg: str) -> None:
        assert self.robot is not None
        self.robot.argument(action, arg)

    def _observe(self) -> dict[str, np.ndarray]:
        robot, world = self.robot, self.house.world if self.house else None
        assert robot is not None and world is not None
        self.renderer.sync(appearance.render_boxes(world, self._index))
        self._camera_used = self._camera()
        rgb, seg = self.renderer.render(self._camera_used)
        robot.fridge_view = None
        obj_seg = appearance.object_segmentation(seg)  # one mark per object, not per part
        robot.see({self._names[k - 1] for k in visible_keys(obj_seg, self.visible_pixels)})
        image, _ = draw_marks(rgb, obj_seg, self._labels(), self.boxed_pixels)
        return {"image": image}

    def _labels(self) -> dict[int, str]:
        """Segmentation key -> VAB label of every task object (only they are marked)."""
        assert self.house is not None
        return {
            self._index[o.name] + 1: o.label
            for o in self.house.world.objects.values()
            if o.vab_id is not None
        }

    def _scan(self, obj) -> list[float]:
        """The share of the image ``obj`` covers from each heading where the robot stands
        (VAB's move looks all four ways, ``env.py:Env.calc_move_to_pos``)."""
        robot, world = self.robot, self.house.world if self.house else None
        assert robot is not None and world is not None
        self.renderer.sync(appearance.render_boxes(world, self._index))
        key, shares = self._index[obj.name] + 1, []
        for heading in range(4):
            camera = Camera(
                (robot.x, robot.y, robot.camera_height), camera_yaw(heading), VAB_PITCH, self.hfov
            )
            _, seg = self.renderer.render(camera, SCAN_SIZE)
            shares.append(float(np.mean(appearance.object_segmentation(seg) == key)))
        return shares

    def model_view(self) -> ModelView:
        """What VAB's harness sends the model this turn (``utils/server.py:Server.step``,
        ``agent.py:Agent.step``): on the first turn the goal and the reachable rooms, then
        the turn text ending "Vision Input: ", and the view at 1280x720 with VAB's marks
        (boxed from 2 pixels). VAB's harness shows past turns' images as "Omitted."."""
        if self._last_obs is None or self._camera_used is None or self.house is None:
            return super().model_view()
        text = self._last_obs["text"].split("\nReachable Rooms: ")[0] + "\nVision Input: "
        if self._steps == 0:
            text = (
                f"Your task goal is: {self._last_obs['instruction']}\n"
                f"The reachable rooms during the task are: {self._rooms()}\n"
            ) + text
        if self.image_size == VAB_SIZE[::-1]:
            return ModelView(text, (png_bytes(self._last_obs["image"]),))
        self.renderer.sync(appearance.render_boxes(self.house.world, self._index))
        rgb, seg = self.renderer.render(self._camera_used, VAB_SIZE)
        image, _ = draw_marks(
            rgb, appearance.object_segmentation(seg), self._labels(), VAB_BOXED_PIXELS
        )
        return ModelView(text, (png_bytes(image),))

    def fidelity(self) -> dict[str, Any]:
        return {**super().fidelity(), "move": self.move_rule, "vab_early_stop": self.vab_early_stop}

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
        self._actions.append(self._reply)  # VAB compares its extracted action texts
        self._results.append(error is None)
        self._rewards.append(progress)

    def _early_stop_reason(self) -> str | None:
        reason = super()._early_stop_reason()
        if reason is None and self.vab_early_stop:
            reason = self._stop_before or vab_reward_stop(self._rewards, len(self._actions))
        return reason

    # -- text -----------------------------------------------------------------------------
    def _feedback(self, message: str) -> str:
        return f'The last action is `{self._shown()}`, the feedback is "{message}".'

    def _shown(self) -> str:
        """The action as VAB's feedback quotes it: the text it took from the reply."""
        return self._reply if len(self._reply) <= 200 else self._reply[:197] + "..."

    def _rooms(self) -> str:
        """``agent.py``'s list: "a, b, c." or "None."."""
        assert self.house is not None
        return (
            ", ".join(r.name for r in self.house.world.rooms) + "."
            if self.house.world.rooms
            else "None."
        )

    def _text(self, feedback: str) -> str:
        """VAB's turn text (``agent.py:Agent.step``); the rooms on every turn only as a hint,
        VAB sends them once (:meth:`model_view`)."""
        robot = self.robot
        assert robot is not None
        held = robot.held_obj()
        text = (
            f"Action Feedback: {feedback}\n"
            f"At Hand Object: {held.label + '.' if held else 'None.'}\n"
            f"Current Room: {robot.room()}."
        )
        return text + f"\nReachable Rooms: {self._rooms()}" if self.hints else text

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


def _scaled_pixels(vab_pixels: int, width: int, height: int) -> int:
    """VAB's pixel count at 1280x720 on an image of another size (at least one pixel)."""
    return max(1, math.ceil(vab_pixels * width * height / (VAB_SIZE[0] * VAB_SIZE[1])))
