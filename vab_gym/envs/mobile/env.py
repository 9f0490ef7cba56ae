"""VAB-Mobile-v0: AndroidLab's phone tasks on an embedded phone of local web apps."""

from __future__ import annotations

import io
import itertools
import math
import re
from typing import Any

import numpy as np
from PIL import Image

from vab_gym.core.actions import ActionError, format_call
from vab_gym.core.env import EarlyStop, ModelView, Outcome, VabEnv
from vab_gym.core.images import fit
from vab_gym.core.judge import Verdict
from vab_gym.core.llm import ChatClient
from vab_gym.core.tasks import Task, setup_record
from vab_gym.envs.mobile import judge as judges  # the phone's judges
from vab_gym.envs.mobile import metrics
from vab_gym.envs.mobile.actions import (
    DIRECTIONS,
    DO_ACTIONS,
    MOBILE_ACTIONS,
    MOBILE_ACTIONS_VAB,
)
from vab_gym.envs.mobile.device import (
    DEVICE_HEIGHT,
    DEVICE_WIDTH,
    VIEWPORT,
    ChromiumPhone,
    PhoneDevice,
)
from vab_gym.envs.mobile.screen import (
    Node,
    compressed_xml,
    draw_labels,
    element_lines,
    som_elements,
)

# evaluation/auto_test.py (ScreenshotTask.run_step): every turn's user text in SoM mode
# (round_count is already 1 on the first turn, so the empty first prompt never happens).
SOM_TURN_TEXT = "** XML **\n"
# evaluation/auto_test.py: AutoTest.run_task's instruction (task_dict from evaluation/configs.py).
INSTRUCTION = "You should use {app} to complete the following task: {task}"
# recorder/json_recoder.py dectect_auto_stop: the run ends after 5 identical actions.
ANDROIDLAB_STOP = EarlyStop(max_invalid=None, max_repeats=5)
# vab_quirks: an action AndroidLab's exec cannot run raises out of run_step and ends the
# episode (evaluation/auto_test.py AutoTest.run_task: except ... break).
ANDROIDLAB_STOP_VAB = EarlyStop(max_invalid=1, max_repeats=5)
WAIT_RANGE = (0, 10)
# "som": AndroidLab's ScreenshotMobileTask (labelled screenshot); "xml": its
# TextOnlyMobileTask (the compressed UI tree as text, "** XML **\n" + tree each turn).
OBS_MODES = ("som", "xml")  # VisionExecutor.wait: outside 0..10 it waits the default 5 s


@setup_record
class MobileSetup:
    """A VAB-Mobile task's phone: the app, the screen it opens on, and the data variant the
    phone server is filled with (train tasks name one; AndroidLab's tasks use 0)."""

    app: str
    start: str = "/"
    variant: int = 0


class MobileEnv(VabEnv):
    """VAB-Mobile (AndroidLab): operate phone apps by tapping numbered elements (or boxes, with
    AndroidLab's XML-mode ``do(action=..., element=[x1, y1, x2, y2])``).

    Observation: ``image`` is the phone's screenshot (1080x2400 device px, at ``image_size``)
    with AndroidLab's numbered labels; ``text`` is the previous action's feedback (with
    ``list_elements=True`` also the labelled elements, one per line); ``instruction`` is
    AndroidLab's. Each task starts in its app, as AndroidLab's ``in_app`` mode launches it.
    Operation tasks are judged from the apps' state when the episode ends, query tasks from
    the ``finish`` message (an answer the typed rules miss goes to the LLM judge ``judge``, an
    OpenAI-compatible :class:`~vab_gym.core.llm.ChatClient`, with AndroidLab's prompt; without
    one it is unjudged, never passed). ``info["progress"]`` is AndroidLab's sub-goal success
    (Sub-SR); the verdict's details also hold AndroidLab's RRR and ROR.
    Backend ``phone``: the apps served on 127.0.0.1 (one server per process) in Chromium with
    mobile emulation (``browser="shared"``, the default: a context in this process's shared
    Chromium; ``"own"``: a Chromium for this env alone). Backend ``appium``: the same env
    through an Appium server
    (``appium_url``; none given: a local one is started and stopped at ``close()``), on the
    embedded phone through Appium's Chromium driver (``appium_device="phone"``) or on a real
    Android device or emulator through UiAutomator2 (``appium_device="android"``, with
    ``appium_capabilities`` and, to override the tasks' ``metadata.package``,
    ``app_packages``); see docs/mobile-appium.md.
    """

    env_id = "VAB-Mobile-v0"
    action_set = MOBILE_ACTIONS
    backends = ("phone", "appium")
    default_image_size = (1200, 540)
    default_max_steps = 25  # configs/*.yaml: max_rounds: 25
    solver = "vab_gym.envs.mobile.solver:MobileSolver"
    task_package = __package__
    setup_type = MobileSetup
    fresh_tasks = "vab_gym.envs.mobile.train:fresh_train_tasks"
    mistakes = "vab_gym.envs.mobile.mistakes:propose"

    def __init__(
        self,
        *,
        obs_mode: str = "som",
        list_elements: bool = False,
        appium_url: str | None = None,
        appium_device: str = "phone",
        appium_capabilities: dict[str, Any] | None = None,
        app_packages: dict[str, str] | None = None,
        judge: ChatClient | None = None,
        browser: str = "shared",
        **kwargs: Any,
    ) -> None:
        if obs_mode not in OBS_MODES:
            raise ValueError(f"obs_mode must be one of {OBS_MODES}, not {obs_mode!r}")
        kwargs.setdefault(
            "early_stop", ANDROIDLAB_STOP_VAB if kwargs.get("vab_quirks") else ANDROIDLAB_STOP
        )
        super().__init__(**kwargs)
        self.obs_mode = obs_mode
        self.xml = ""
        # An instance attribute shadows the class's: AndroidLab's zero stripping in strings
        # is a bug kept only under vab_quirks.
        self.action_set = MOBILE_ACTIONS_VAB if self.vab_quirks else MOBILE_ACTIONS
        self.list_elements = list_elements
        self.llm_judge = judge
        # ROR's inputs: the screen each action was taken on (an index into the screens read),
        # and whether each screen read is similar to the one before it.
        self._screen_of_step: list[int] = []
        self._unchanged: list[bool] = []
        self._pixels: np.ndarray | None = None
        self.screen: PhoneDevice
        if self.backend_name == "appium":
            from vab_gym.envs.mobile.appium_device import AppiumDevice

            self.screen = AppiumDevice(
                appium_device,
                url=appium_url,
                capabilities=appium_capabilities,
                packages=app_packages,
            )
        else:
            self.screen = ChromiumPhone(browser)
        self.elements: list[Node] = []
        self._server: Any = None
        self._full_png: bytes | None = None  # taken when first asked for after a step
        self._full_labelled: bytes | None = None
        self._image = np.zeros((*self.image_size, 3), np.uint8)

    @classmethod
    def difficulty(cls, task: Task) -> dict[str, Any]:
        """App and step count, the latter as the judge's subgoals
        (:func:`~vab_gym.envs.mobile.judge.subgoals`: every split has them, with no phone
        running): tier = subgoals - 1, 3 for four and more. AndroidLab's reference step
        count is kept as a fact where the task has it (the test split)."""
        count = judges.subgoals(task.judge)
        facts = {
            "app": task.setup.get("app", ""),
            "judge_kind": task.judge.get("kind", ""),
            "subgoals": count,
        }
        if task.judge.get("reference_steps") is not None:
            facts["reference_steps"] = task.judge["reference_steps"]
        return {"tier": min(count - 1, 3), "kind": facts["app"], **facts}

    def fidelity(self) -> dict[str, Any]:
        device = getattr(self.screen, "target", "phone")
        return {
            **super().fidelity(),
            "backend": self.backend_name,
            "device": device,
            "obs_mode": self.obs_mode,
            "list_elements": self.list_elements,
        }

    # -- the phone ------------------------------------------------------------------------
    @property
    def server(self) -> Any:
        """The process's phone server (started on first use)."""
        if self._server is None:
            from vab_gym.envs.mobile.phone.server import PhoneServer

            self._server = PhoneServer.shared()
            self._server.acquire()
        return self._server

    @property
    def screen_app(self) -> str:
        return self.screen.app

    def sql(self, query: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        return self.server.sql(query, params)

    # -- episode --------------------------------------------------------------------------
    def _start(self, task: Task) -> str:
        base = None
        if self.screen.uses_phone_server:
            base = self.server.base_url
            self.server.reset(self.setup.variant)  # train tasks name a data variant
        self._screen_of_step, self._unchanged, self._pixels = [], [], None
        self.screen.open(task, base)
        return self._look("")

    def step(self, action: str) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        # json_recoder.update_before: each step records the screenshot its action is taken on
        if not self._done:
            self._screen_of_step.append(len(self._unchanged))
        return super().step(action)

    def _outcome_from(self, feedback: str) -> Outcome:
        """After an action: the screen read again, the feedback above what it shows."""
        return Outcome(self._look(feedback))

    # -- actions --------------------------------------------------------------------------
    def _do_finish(self, message: str | None) -> Outcome:
        return Outcome(self._look("Finished."), finished=True, answer=message)

    def _do_wait(self, interval: int) -> str:
        if not WAIT_RANGE[0] <= interval <= WAIT_RANGE[1]:
            interval = 5
        return f"Waited {interval} seconds."  # the phone is idle

    def _do_tap(self, index: int) -> str:
        self.screen.tap(self._element("tap", index).center)
        return f"Tapped element {index}."

    def _do_long_press(self, index: int) -> str:
        self.screen.long_press(self._element("long_press", index).center)
        return f"Long pressed element {index}."

    def _do_swipe(self, index: int, direction: str, dist: str) -> str:
        element = self._element("swipe", index)
        direction = direction.strip().lower()
        if direction not in DIRECTIONS:
            raise ActionError(f"swipe: direction must be one of {', '.join(DIRECTIONS)}.")
        moved = self.screen.swipe(element.center, direction, dist.strip().lower())
        return (
            f"Swiped element {index} {direction}."
            if moved
            else f"Swiped element {index} {direction}; nothing scrolled."
        )

    def _do_text(self, input_str: str) -> str:
        typed = self.screen.type_text(input_str)
        return (
            "Typed the text."
            if typed
            else "No text field has the focus; nothing was typed (tap a field first)."
        )

    def _do_back(self) -> str:
        self.screen.back()
        return "Pressed Back."

    def _do_home(self) -> str:
        self.screen.home()
        return "Pressed Home."

    def _do_do(
        self,
        action: str,
        element: Any,
        text: str | None,
        direction: str | None,
        dist: str,
        app: str | None,
    ) -> str:
        return self._do(
            {
                "action": action,
                "element": element,
                "text": text,
                "direction": direction,
                "dist": dist,
                "app": app,
            }
        )

    def _do(self, args: dict[str, Any]) -> str:
        """AndroidLab's XML-mode call (``page_executor/text_executor.py``
        ``TextOnlyExecutor.do``); returns the feedback."""
        action, element = args["action"], args["element"]
        if self.vab_quirks and self.obs_mode == "som":
            # VisionExecutor's exec context holds only its own methods, not the inherited do.
            raise ActionError("name 'do' is not defined")
        if action not in DO_ACTIONS:
            raise ActionError("Unsupported Action")  # TextOnlyExecutor.do's assert
        screen = self.screen
        if action in ("Tap", "Long Press"):
            point = _box_point(element)
            if action == "Tap":
                screen.tap(point)
            else:
                screen.long_press(point)
            return f"{'Tapped' if action == 'Tap' else 'Long pressed'} {element} at {point}."
        if action == "Swipe":
            point = (
                (DEVICE_WIDTH // 2, DEVICE_HEIGHT // 2) if element is None else _box_point(element)
            )
            if args["direction"] is None:
                raise ActionError("direction is required for swipe")  # TextOnlyExecutor.swipe
            direction = args["direction"].strip().lower()
            if direction not in DIRECTIONS:
                raise ActionError(f"Swipe: direction must be one of {', '.join(DIRECTIONS)}.")
            moved = screen.swipe(point, direction, args["dist"].strip().lower())
            return (
                f"Swiped {direction} from {point}."
                if moved
                else f"Swiped {direction} from {point}; nothing scrolled."
            )
        if action == "Type":
            if args["text"] is None:
                raise ActionError("text is required for type")  # TextOnlyExecutor.type
            if not screen.type_text(args["text"]):
                return "No text field has the focus; nothing was typed (tap a field first)."
            screen.enter()  # TextOnlyExecutor.type: controller.text, then controller.enter
            return "Typed the text and pressed Enter."
        if action == "Enter":
            screen.enter()
            return "Pressed Enter."
        if action == "Back":
            screen.back()
            return "Pressed Back."
        if action == "Home":
            screen.home()
            return "Pressed Home."
        if action == "Wait":
            return "Waited 5 seconds."  # TextOnlyExecutor.wait: time.sleep(5); the phone is idle
        if action == "Launch":
            raise ActionError(
                "Launch is not available: each task starts in its app (Home, "
                "then tap an app's icon, opens another)."
            )
        # Call_API: TextOnlyExecutor.call_api is commented out in AndroidLab.
        raise ActionError("'TextOnlyExecutor' object has no attribute 'call_api'")

    def _element(self, action: str, index: int) -> Node:
        if not 0 < index <= len(self.elements):
            # VisionExecutor.tap: assert 0 < index <= len(self.elem_list), "Tap Index ... out
            # of range" (AndroidLab's long_press and swipe index the list unchecked).
            name = {"tap": "Tap", "long_press": "Long press", "swipe": "Swipe"}[action]
            raise ActionError(
                f"{name} Index {index} out of range (the screen has elements "
                f"1 to {len(self.elements)})."
            )
        return self.elements[index - 1]

    def valid_actions(self) -> list[str]:
        """Grounding: taps of the clickable elements (and, for the rest, of what shows
        text), long presses of long-clickable ones, swipes of scrollable ones, typing the
        instruction's quoted strings when a field has the focus, Back, Home and finish."""
        calls: list[str] = []
        for number, element in enumerate(self.elements, 1):
            if element.clickable:
                calls.append(format_call("tap", [number]))
            if element.long_clickable:
                calls.append(format_call("long_press", [number]))
            if element.scrollable:
                calls += [format_call("swipe", [number, d, "medium"]) for d in ("up", "down")]
        if any(e.focused and e.editable for e in self.elements) and self.task is not None:
            calls += [format_call("text", [q]) for q in _quoted(self.task.instruction)]
        calls += ["back()", "home()", "finish()"]
        return calls

    def _error_feedback(self, action: Any, error: str) -> str:
        return f"Invalid action: {error}"

    def _look(self, feedback: str) -> str:
        """Read the screen: nodes, labelled elements, the labelled picture; the text obs.

        The observation's picture is taken at the width ``image_size`` needs (a device
        that can scale renders it so: a quarter of the pixels at the default size); the
        full-resolution one is taken only when asked for (:meth:`screenshot_png`,
        :meth:`model_view`). The phone's screens do not change between actions."""
        width = self._capture_width() if self.screen.scales_screenshots else None
        nodes, png = self.screen.look(width)
        self._full_png = png if width is None else None
        self._full_labelled = None
        self.elements = som_elements(nodes)
        picture = Image.open(io.BytesIO(png)).convert("RGB")
        device_width = DEVICE_WIDTH if width is not None else picture.width
        pixels = np.asarray(picture)
        if self._pixels is not None:
            self._unchanged.append(
                metrics.screen_similarity(self._pixels, pixels) > metrics.SIMILAR
            )
        self._pixels = pixels
        if self.obs_mode == "xml":
            self.xml = compressed_xml(nodes)
            self._image = fit(picture, self.image_size)
            return (feedback + "\n" if feedback else "") + self.xml
        self._image = fit(draw_labels(picture, self.elements, device_width), self.image_size)
        if self.list_elements:
            return (feedback + "\n" if feedback else "") + element_lines(self.elements)
        return feedback

    def _capture_width(self) -> int:
        """The narrowest screenshot (px) that covers ``image_size`` at the phone's aspect."""
        height, width = self.image_size
        scale = max(width / VIEWPORT["width"], height / VIEWPORT["height"])
        return min(DEVICE_WIDTH, math.ceil(VIEWPORT["width"] * scale))

    def _observe(self) -> dict[str, np.ndarray]:
        return {"image": self._image.copy()}  # each observation owns its array

    def model_view(self) -> ModelView:
        """AndroidLab's turn: in SoM mode the text ``"** XML **\\n"`` and the labelled
        screenshot at device resolution (AndroidLab sends it as JPEG; here PNG); in XML mode
        ``"** XML **\\n"`` and the compressed tree, no image."""
        if self._last_obs is None:
            return super().model_view()
        if self.obs_mode == "xml":
            return ModelView(SOM_TURN_TEXT + self.xml)
        if self._full_labelled is None:
            full = self.screenshot_png()
            labelled = draw_labels(full, self.elements, Image.open(io.BytesIO(full)).width)
            buffer = io.BytesIO()
            labelled.save(buffer, format="PNG")
            self._full_labelled = buffer.getvalue()
        return ModelView(SOM_TURN_TEXT, (self._full_labelled,))

    def screenshot_png(self) -> bytes:
        """The current screenshot at device resolution, without labels."""
        if self._full_png is None:
            self._full_png = self.screen.screenshot()
        return self._full_png

    # -- judging --------------------------------------------------------------------------
    def _outcome(self, answer: str | None) -> judges.Outcome:
        assert self.task is not None
        if self.task.judge["kind"] != "query" and not self.screen.uses_phone_server:
            # A real device's apps keep their state to themselves: nothing to read it from.
            return judges.Outcome(
                [],
                False,
                "unjudged: state judges read the embedded phone's apps, not a real device",
            )
        try:
            return judges.judge(
                self.task.judge, self, answer, self.llm_judge, self.task.instruction
            )
        except Exception as exc:  # a broken judge spec fails the task; it never ends the run
            return judges.Outcome([], False, f"judge error: {type(exc).__name__}: {exc}")

    def _progress(self) -> float:
        if self.task is None or self.task.judge.get("kind") == "query":
            return 0.0
        return self._outcome(None).progress

    def _judge(self, answer: str | None) -> Verdict:
        assert self.task is not None
        outcome = self._outcome(answer)
        return Verdict(
            success=outcome.complete,
            score=outcome.progress,
            reason=outcome.reason,
            details={
                "subgoals": [{"goal": g, "ok": ok} for g, ok in outcome.subgoals],
                "sub_sr": outcome.progress,
                "answer": answer,
                "unjudged": outcome.unjudged,
                "steps": self._steps,
                "rrr": metrics.reversed_redundancy_ratio(
                    self.task.judge.get("reference_steps"), self._steps, outcome.complete
                ),
                "ror": metrics.reasonable_operation_ratio(self._step_unchanged()),
            },
        )

    def _step_unchanged(self) -> list[bool]:
        """For each pair of consecutive actions: was the screen before them similar? (An
        action that failed read no screen, so the next one is taken on the same screen.)"""
        screens = self._screen_of_step
        return [all(self._unchanged[a:b]) for a, b in itertools.pairwise(screens)]

    def _close_backend(self) -> None:
        self.screen.close()
        if self._server is not None:
            self._server.release()
            self._server = None


def _box_point(element: Any) -> tuple[int, int]:
    """The device-px point TextOnlyExecutor.tap acts on: a box's centre ((x1 + x2) / 2,
    (y1 + y2) / 2; here rounded down to whole px) or a point [x, y]; feedback for
    anything else and for a point off the screen."""
    numbers = isinstance(element, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in element
    )
    if not numbers or len(element) not in (2, 4):
        raise ActionError("Invalid element format")  # TextOnlyExecutor.tap's ValueError
    x, y = (
        element
        if len(element) == 2
        else ((element[0] + element[2]) / 2, (element[1] + element[3]) / 2)
    )
    if not (0 <= x < DEVICE_WIDTH and 0 <= y < DEVICE_HEIGHT):
        raise ActionError(
            f"The point ({x:g}, {y:g}) of element {element} is outside the "
            f"screen (0..{DEVICE_WIDTH - 1}, 0..{DEVICE_HEIGHT - 1})."
        )
    return int(x), int(y)


def _quoted(text: str) -> list[str]:
    """The strings a task quotes ("meeting", "Nice to meet you")."""
    return list(dict.fromkeys(re.findall(r'"([^"]+)"', text)))


def instruction(app: str, task: str) -> str:
    return INSTRUCTION.format(app=app, task=task)
